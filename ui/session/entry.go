package session

import (
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/ui/lifetime"
)

// Op is an action under way on one provider.
type Op int

// The actions that make a provider busy.
const (
	OpNone Op = iota
	OpFetch
	OpRefresh
	OpAutoRefresh
	OpLogout
	OpTry
	OpSave
	OpDelete
	// OpDiscover fetches the issuer's metadata again.
	OpDiscover
	// OpIntrospect asks the introspection endpoint about the token.
	OpIntrospect
)

// BusyText is what the list and the detail pane say while o runs.
func (o Op) BusyText() string {
	switch o {
	case OpFetch:
		return "fetching"
	case OpRefresh, OpAutoRefresh:
		return "refreshing"
	case OpLogout:
		return "logout"
	case OpTry:
		return "trying"
	case OpSave:
		return "saving"
	case OpDelete:
		return "deleting"
	case OpDiscover:
		return "discovering"
	case OpIntrospect:
		return "introspecting"
	}
	return ""
}

// Signature is the outcome of checking a JWT's signature.
type Signature struct {
	Status jwt.Status
	Reason string
}

// Entry is the session's state of one provider: what the store last
// answered (provider, token, history), and what this session learnt (the
// action under way, the last error, the try result, the signature check,
// the auto-refresh schedule). The explorer reads its fields; only the
// Session changes them.
type Entry struct {
	Provider providers.Provider
	Token    *providers.Token
	History  []providers.Event
	// Metadata is the issuer's metadata as the store keeps it, nil when
	// the provider has no issuer or none was fetched yet.
	Metadata *providers.Metadata

	Busy    Op
	Copying int // copies of its token under way
	// Pending is the request number of the action under way; an answer
	// with another number is stale and dropped.
	Pending uint64

	LastErr   error
	LastErrAt time.Time
	Failed    bool

	Try    *oauth.TryResult
	TryErr error
	TryAt  time.Time

	Sig      Signature
	SigFor   providers.Secret // the token Sig belongs to
	SigSeq   uint64           // the check under way, 0 when none
	SigRetry bool             // Sig is a JWKS that could not be fetched: check again on a later view

	// ID is the check of the id_token that came with the token, IDFor the
	// id_token it belongs to, IDSeq the check under way (0: none).
	ID    IDTokenCheck
	IDFor string
	IDSeq uint64
	// Intro is the introspection endpoint's answer about the token IntroFor
	// (IntroErr its failure), IntroAt when it came.
	Intro    *oauth.Introspection
	IntroErr error
	IntroAt  time.Time
	IntroFor providers.Secret

	AutoAt    time.Time // when the next auto-refresh is due; zero: none
	AutoFails int       // auto-refreshes failed in a row
	// renew marks a token expired when the session saw it that is to be
	// renewed all the same (RenewExpired), not left to the user.
	renew bool
	// CopyAfter is the copy waiting for the renewal under way of an
	// expired token, as the explorer numbers its copies; 0: none.
	CopyAfter int

	// historyDue marks an entry loaded without its history, which
	// Histories gives it unless a store answer came first.
	historyDue bool

	inBulk bool // its action is part of a bulk run
	dirty  bool // changed since the session's last Drain
	// stale marks the answer under way as one for the provider before an
	// edit changed what the store holds for it: it is dropped when it comes.
	stale bool
}

// newEntry makes the entry of a stored provider. A failure at the end of
// its history marks it failed, so a failure survives a restart.
func newEntry(se providers.Entry) *Entry {
	e := &Entry{}
	e.follow(se)
	e.historyDue = se.History == nil
	if n := len(se.History); n > 0 && se.History[n-1].Kind == providers.EventFailed {
		e.Failed = true
	}
	return e
}

// follow takes what the store answered as the entry's provider, token and
// history.
func (e *Entry) follow(se providers.Entry) {
	e.Provider, e.History, e.Metadata, e.historyDue = se.Provider, se.History, se.Metadata, false
	e.setToken(se.Token)
}

// Endpoints is the provider as its requests are sent: the endpoints it
// does not set taken from its issuer's kept metadata.
func (e *Entry) Endpoints() providers.Provider {
	if e.Provider.Issuer == "" {
		return e.Provider
	}
	p, _ := e.Provider.Discovered(e.Metadata)
	return p
}

// setToken takes a new current token and schedules its auto-refresh.
func (e *Entry) setToken(t *providers.Token) {
	e.Token = t
	e.AutoAt, e.renew = time.Time{}, false
	if !e.HasToken() {
		return
	}
	if sp := e.Span(); sp.Known() && !e.NeedsSignIn() {
		e.AutoAt = sp.RefreshAt()
	}
}

// NeedsSignIn reports whether e's next token takes a person: a browser or
// device login provider with no refresh token to renew with. Nothing
// renews such a token on its own; only a sign-in replaces it.
func (e *Entry) NeedsSignIn() bool {
	return e.Provider.Grant.Interactive() && (e.Token == nil || e.Token.RefreshToken == "")
}

// Span is the token's validity window (zero without a token).
func (e *Entry) Span() lifetime.Span {
	if e.Token == nil {
		return lifetime.Span{}
	}
	return lifetime.Span{Issued: e.Token.IssuedAt, Expires: e.Token.ExpiresAt}
}

// HasToken reports whether the provider holds an access token.
func (e *Entry) HasToken() bool { return e.Token != nil && e.Token.AccessToken != "" }

// Idle reports whether no action is under way on the entry.
func (e *Entry) Idle() bool { return e.Busy == OpNone }

// BusyText says what is under way on the entry, if anything.
func (e *Entry) BusyText() string {
	if e.Busy == OpNone && e.Copying > 0 {
		return "copying"
	}
	if e.Busy == OpFetch && e.Provider.Grant.Interactive() {
		return "signing in" // a person's sign-in, maybe minutes long: not a fetch
	}
	return e.Busy.BusyText()
}

// Signature is the check of the current token's signature, the zero
// value while none was made for it.
func (e *Entry) Signature() Signature {
	if e.HasToken() && e.SigFor == e.Token.AccessToken {
		return e.Sig
	}
	return Signature{}
}

// NeedsSignature reports whether the current token has no signature check
// made or under way.
func (e *Entry) NeedsSignature() bool {
	return e.HasToken() && e.SigFor != e.Token.AccessToken && e.SigSeq == 0
}
