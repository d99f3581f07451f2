package ui

import (
	"errors"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/jwt"
)

// errGone and errEdited are the outcomes of a refresh-all for a provider
// deleted, or given another wire identity, meanwhile.
var (
	errGone   = errors.New("deleted meanwhile")
	errEdited = errors.New("edited meanwhile")
)

// Auto-refresh backoff after a failure: doubling from the first delay up
// to the cap.
const (
	backoffFirst = 5 * time.Second
	backoffCap   = 5 * time.Minute
)

// onToken applies the end of a fetch, refresh or logout.
func (m *Model) onToken(msg tokenMsg) tea.Cmd {
	e, ok := m.finish(msg.name, msg.seq)
	if !ok {
		return nil
	}
	defer m.changed(e)
	now := m.clock()
	e.record(msg.events)
	if msg.recorded {
		e.setToken(msg.tok)
	}
	if msg.err != nil {
		e.lastErr, e.lastErrAt, e.failed = msg.err, now, true
		if msg.op == opAutoRefresh && e.hasToken() {
			// Without a token (dropped by the store meanwhile) there is
			// nothing left to refresh.
			e.autoFails++
			e.autoAt = now.Add(backoff(e.autoFails))
		}
	} else {
		e.lastErr, e.failed, e.autoFails = nil, false, 0
	}
	if e.inBulk {
		e.inBulk = false
		m.bulkDone(e.prov.Name, msg.err)
		return nil
	}
	m.tokenStatus(e, msg, now)
	return nil
}

// tokenStatus says on the status line how a token action ended.
func (m *Model) tokenStatus(e *entry, msg tokenMsg, now time.Time) {
	name := e.prov.Name
	warn := ""
	if msg.err == nil && msg.op != opLogout {
		warn = issuedWarning(e)
	}
	switch {
	case msg.err != nil && msg.op == opAutoRefresh && !e.autoAt.IsZero():
		m.setStatus(statusError, "auto-refresh failed: "+msg.err.Error()+
			" · retrying "+display.Relative(now, e.autoAt))
	case msg.err != nil && msg.op == opAutoRefresh:
		m.setStatus(statusError, "auto-refresh failed: "+msg.err.Error())
	case msg.err != nil:
		m.setStatus(statusError, msg.err.Error())
	case msg.op == opLogout:
		m.setStatus(statusOK, "logged out of "+name+": "+logoutSummary(msg.logout))
	case warn != "":
		// The token is kept and shown, but the server sent it broken:
		// say so in the tone of an error, which stays on the line longer.
		what := "refreshed "
		switch msg.op {
		case opFetch:
			what = "fetched a token for "
		case opAutoRefresh:
			what = "auto-refreshed "
		}
		m.setStatus(statusError, what+name+validity(e, now)+" · warning: "+warn)
	case msg.op == opFetch:
		m.setStatus(statusOK, "fetched a token for "+name+validity(e, now))
	case msg.op == opAutoRefresh:
		// A background success does not wipe an error the user has yet
		// to read.
		if !m.showingError(now) {
			m.setStatus(statusOK, "auto-refreshed "+name+validity(e, now))
		}
	default:
		m.setStatus(statusOK, "refreshed "+name+validity(e, now))
	}
}

// issuedWarning is the first of jwt.CheckIssued's warnings about e's token
// (issued already expired, or not yet valid), "" when there is none or the
// token is opaque.
func issuedWarning(e *entry) string {
	if !e.hasToken() {
		return ""
	}
	j, err := jwt.Parse(e.tok.AccessToken.Reveal())
	if err != nil {
		return ""
	}
	if ws := j.CheckIssued(e.tok.IssuedAt, e.tok.ClockSkew); len(ws) > 0 {
		return ws[0].Msg
	}
	return ""
}

// backoff is the wait before auto-refresh attempt n+1 after n failures.
func backoff(n int) time.Duration {
	d := backoffFirst
	for i := 1; i < n && d < backoffCap; i++ {
		d *= 2
	}
	return min(d, backoffCap)
}

// validity says for how long e's token is valid, for the status line.
func validity(e *entry, now time.Time) string {
	if !e.hasToken() {
		return ""
	}
	if e.tok.ExpiresAt.IsZero() {
		return " · expiry unknown"
	}
	left := e.tok.ExpiresAt.Sub(now)
	if left <= 0 {
		return " · already expired"
	}
	return " · valid for " + display.Duration(left)
}

func logoutSummary(r providers.LogoutResult) string {
	switch r.Method {
	case providers.LogoutEndpoint:
		return "logout endpoint answered " + statusText(r.Status) + ", token dropped"
	case providers.LogoutRevocation:
		return "token revoked (" + statusText(r.Status) + ") and dropped"
	}
	return "token dropped locally (no logout endpoint)"
}

func statusText(code int) string {
	return strings.TrimSpace(strconv.Itoa(code) + " " + http.StatusText(code))
}

// autoRefresh starts the refreshes that are due: shortly before expiry
// (lifetime.Span.RefreshAt), or at the backoff time after a failure. A
// token already expired when the explorer saw it is left to the user, and
// so is a provider the user is editing or being asked about: its answer
// would land under the user's hands.
func (m *Model) autoRefresh() tea.Cmd {
	var cmds []tea.Cmd
	now := m.now
	for _, e := range m.entries {
		if e.autoAt.IsZero() || now.Before(e.autoAt) || e.busy != opNone || m.held(e) {
			continue
		}
		if !e.hasToken() {
			e.autoAt = time.Time{} // the token went: nothing to refresh
			m.changed(e)
			continue
		}
		if !e.tok.ExpiresAt.After(now) && e.autoFails == 0 {
			e.autoAt = time.Time{} // expired unwatched: not ours to chase
			m.changed(e)
			continue
		}
		cmds = append(cmds, m.start(e, opAutoRefresh, m.slots))
	}
	if len(cmds) == 0 {
		return nil
	}
	return tea.Batch(cmds...)
}

// held reports whether e is open in the edit form or in the confirm
// dialog, where the user is about to act on it.
func (m *Model) held(e *entry) bool {
	name := e.prov.Name
	if m.form != nil && m.editing == name {
		return true
	}
	q, ok := m.confirm.Tag().(question)
	return m.asking && ok && q.name == name
}

// onTry shows a try request's answer.
func (m *Model) onTry(msg tryMsg) tea.Cmd {
	e, ok := m.finish(msg.name, msg.seq)
	if !ok {
		return nil
	}
	e.try, e.tryErr, e.tryAt = msg.res, msg.err, m.clock()
	if msg.err != nil {
		m.setStatus(statusError, msg.err.Error())
	} else {
		r := msg.res
		kind := statusOK
		if r.Status >= 400 {
			kind = statusError
		}
		m.setStatus(kind, "try "+e.prov.Name+": "+r.Method+" → "+statusText(r.Status)+
			" in "+strconv.FormatInt(r.Latency.Milliseconds(), 10)+" ms")
	}
	m.changed(e)
	return nil
}

// onSaved shows an added or edited provider. A save is never stale: the
// store holds what it wrote, so the explorer follows whatever came since.
func (m *Model) onSaved(msg savedMsg) tea.Cmd {
	if msg.seq != 0 {
		m.finish(msg.old, msg.seq)
	}
	if msg.err != nil {
		m.setStatus(statusError, msg.err.Error())
		if e := m.byName[msg.old]; e != nil {
			m.changed(e)
		}
		return nil
	}
	p := msg.prov
	if old := m.byName[msg.old]; old != nil && msg.old != p.Name {
		m.drop(msg.old)
	}
	if e := m.byName[p.Name]; e != nil {
		if !sameWire(e.prov, p) {
			e.setToken(nil)
			// An answer under way is for the old identity: drop it.
			e.stale = e.busy != opNone
		}
		e.prov = p
		m.changed(e)
		m.setStatus(statusOK, "saved "+p.Name)
	} else {
		e := &entry{prov: p}
		m.entries = append(m.entries, e)
		m.byName[p.Name] = e
		m.rebuildList()
		m.setStatus(statusOK, "added "+p.Name)
	}
	m.list.Select(p.Name)
	return nil
}

// sameWire mirrors the store's rule: a token survives an edit unless the
// provider's wire identity changed. It must match store.sameWire
// (store/state.go) exactly, or the explorer's copy and the store disagree
// about whether the token survived.
func sameWire(a, b providers.Provider) bool {
	return a.TokenURL == b.TokenURL && a.Grant == b.Grant && a.ClientID == b.ClientID &&
		a.Username == b.Username && a.Scope == b.Scope && a.Product == b.Product &&
		maps.Equal(a.Params, b.Params)
}

// onRemoved drops a deleted provider.
func (m *Model) onRemoved(msg removedMsg) {
	e, ok := m.finish(msg.name, msg.seq)
	if !ok {
		return
	}
	if msg.err != nil {
		m.setStatus(statusError, msg.err.Error())
		m.changed(e)
		return
	}
	m.drop(msg.name)
	m.setStatus(statusOK, "deleted "+msg.name)
}

// drop forgets an entry; an answer still on its way for it is dropped
// when it comes, as no entry has its request number.
func (m *Model) drop(name string) {
	e := m.byName[name]
	if e == nil {
		return
	}
	if e.busy != opNone {
		m.busy--
	}
	if e.inBulk {
		m.bulkDone(name, errGone)
	}
	delete(m.byName, name)
	for i, x := range m.entries {
		if x == e {
			m.entries = append(m.entries[:i:i], m.entries[i+1:]...)
			break
		}
	}
	if m.shown == e {
		m.shown = nil
	}
	m.rebuildList()
}

// onThemeSaved reports a theme that could not be remembered.
func (m *Model) onThemeSaved(msg themeSavedMsg) {
	if msg.err != nil {
		m.setStatus(statusError, msg.err.Error())
	}
}
