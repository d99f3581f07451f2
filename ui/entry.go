package ui

import (
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/detail"
	"github.com/tokenscope/tokenscope/ui/lifetime"
	"github.com/tokenscope/tokenscope/ui/list"
)

// op is an action under way on one provider.
type op int

// The actions that make a provider busy.
const (
	opNone op = iota
	opFetch
	opRefresh
	opAutoRefresh
	opLogout
	opTry
	opSave
	opDelete
)

// busyText is what the list and the detail pane say while op runs.
func (o op) busyText() string {
	switch o {
	case opFetch:
		return "fetching"
	case opRefresh, opAutoRefresh:
		return "refreshing"
	case opLogout:
		return "logout"
	case opTry:
		return "trying"
	case opSave:
		return "saving"
	case opDelete:
		return "deleting"
	}
	return ""
}

// entry is the explorer's state of one provider: what the store holds, and
// what this session learnt (the action under way, the last error, the try
// result, the signature check, the auto-refresh schedule).
type entry struct {
	prov    providers.Provider
	tok     *providers.Token
	history []providers.Event

	busy    op
	copying int // copies of its token under way
	// pending is the sequence number of the request under way; an answer
	// with another number is stale and dropped.
	pending uint64

	lastErr   error
	lastErrAt time.Time
	failed    bool

	try    *oauth.TryResult
	tryErr error
	tryAt  time.Time

	sig       detail.Signature
	sigFor    providers.Secret // the token sig belongs to
	sigSeq    uint64           // the check under way, 0 when none
	sigRetry  bool             // sig is a JWKS that could not be fetched: check again on a later view
	autoAt    time.Time        // when the next auto-refresh is due; zero: none
	autoFails int
	inBulk    bool // its action is part of a refresh-all
	// stale marks the answer under way as one for the provider before an
	// edit changed its wire identity: it is dropped when it comes.
	stale bool
}

// newEntry makes the entry of a stored provider. A failure at the end of
// its history marks it failed, so a failure survives a restart.
func newEntry(se store.Entry) *entry {
	e := &entry{prov: se.Provider, history: se.History}
	if n := len(se.History); n > 0 && se.History[n-1].Kind == providers.EventFailed {
		e.failed = true
	}
	e.setToken(se.Token)
	return e
}

// setToken stores a new current token and schedules its auto-refresh.
func (e *entry) setToken(t *providers.Token) {
	e.tok = t
	e.autoAt = time.Time{}
	if t == nil || t.AccessToken == "" {
		return
	}
	sp := e.span()
	if !sp.Known() {
		return
	}
	e.autoAt = sp.RefreshAt()
}

func (e *entry) span() lifetime.Span {
	if e.tok == nil {
		return lifetime.Span{}
	}
	return lifetime.Span{Issued: e.tok.IssuedAt, Expires: e.tok.ExpiresAt}
}

// hasToken reports whether the provider holds an access token.
func (e *entry) hasToken() bool { return e.tok != nil && e.tok.AccessToken != "" }

// busyText says what is under way on the entry, if anything.
func (e *entry) busyText() string {
	if e.busy == opNone && e.copying > 0 {
		return "copying"
	}
	return e.busy.busyText()
}

// item is the entry's row in the list.
func (e *entry) item() list.Item {
	return list.Item{
		Name: e.prov.Name, Preset: e.prov.Preset, Insecure: e.prov.Exposure() != "",
		HasToken: e.hasToken(), Span: e.span(), Busy: e.busyText(), Failed: e.failed,
	}
}

// data is what the detail pane shows of the entry; fetchKey names the key
// that fetches a token, for the pane's hint.
func (e *entry) data(fetchKey string) detail.Data {
	d := detail.Data{
		Provider: e.prov, Token: e.tok, History: e.history, Busy: e.busyText(),
		LastErr: e.lastErr, LastErrAt: e.lastErrAt, Try: e.try, TryErr: e.tryErr, TryAt: e.tryAt,
		AutoFailures: e.autoFails,
	}
	if fetchKey != "" && e.busy == opNone {
		d.NoTokenHint = "press " + fetchKey + " to fetch one"
	}
	if e.hasToken() && e.sigFor == e.tok.AccessToken {
		d.Signature = e.sig
	}
	if e.hasToken() {
		d.AutoRefreshAt = e.autoAt
	}
	return d
}

// record appends events to the in-memory history, capped as the store caps it.
func (e *entry) record(evs []providers.Event) {
	e.history = append(e.history, evs...)
	if n := len(e.history); n > store.MaxHistory {
		e.history = append([]providers.Event(nil), e.history[n-store.MaxHistory:]...)
	}
}
