package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/ui/session"
	"github.com/tokenscope/tokenscope/ui/status"
)

// onToken applies the end of a fetch, refresh or logout and says how it
// ended; an answer of a bulk run is summed up by the tally instead.
func (m *Model) onToken(msg tokenMsg) tea.Cmd {
	now := m.clock()
	e, inBulk := m.sess.Token(session.TokenAnswer{Name: msg.name, Seq: msg.seq, Op: msg.op,
		Stored: msg.stored, Err: msg.err, Picked: picked(msg)}, now)
	if e == nil {
		return nil
	}
	if !inBulk {
		m.tokenStatus(e, msg, now)
	}
	return m.copyAfterRenew(e, msg.err)
}

// tokenStatus says on the status line how a token action ended. An
// auto-refresh is a background event: the status line shows it only when
// nothing of the user's is showing.
func (m *Model) tokenStatus(e *session.Entry, msg tokenMsg, now time.Time) {
	name := e.Provider.Name
	bg := msg.op == session.OpAutoRefresh
	say := func(k status.Kind, text string) {
		m.status.Show(status.Msg{Kind: k, Text: text, Provider: name, Background: bg})
	}
	warn := ""
	if msg.err == nil && msg.op != session.OpLogout {
		warn = issuedWarning(e)
	}
	switch {
	case msg.err != nil && bg && !e.AutoAt.IsZero():
		say(status.Error, "auto-refresh failed: "+msg.err.Error()+" · retrying "+display.Relative(now, e.AutoAt))
	case msg.err != nil && bg:
		say(status.Error, "auto-refresh failed: "+msg.err.Error())
	case errors.Is(msg.err, oauth.ErrLoginRequired):
		say(status.Warning, loginNeeded(name, e.Provider.Grant, m.keys.Fetch.Help().Key))
	case msg.err != nil:
		// A refusal of the method the metadata picked is when the pick
		// matters most.
		say(status.Error, msg.err.Error()+discoveryNote(msg))
	case msg.op == session.OpLogout:
		say(status.Success, "logged out of "+name+": "+logoutSummary(msg.logout))
	case msg.op == session.OpDiscover:
		say(status.Success, name+": endpoints discovered"+discoveryNote(msg)+" · source in the detail")
	case warn != "":
		// The token is kept and shown, but the server sent it broken.
		what := "refreshed "
		switch msg.op {
		case session.OpFetch:
			what = "fetched a token for "
		case session.OpAutoRefresh:
			what = "auto-refreshed "
		}
		say(status.Warning, what+name+validity(e, now)+" · warning: "+warn)
	case msg.op == session.OpFetch:
		say(status.Success, "fetched a token for "+name+validity(e, now)+discoveryNote(msg))
	case bg:
		say(status.Success, "auto-refreshed "+name+validity(e, now))
	default:
		say(status.Success, "refreshed "+name+validity(e, now)+discoveryNote(msg))
	}
}

// discoveryNote is " · " and the client_auth the issuer's metadata picked,
// when the command fetched that metadata and picked one; else "".
func discoveryNote(msg tokenMsg) string {
	if note := picked(msg).Short(); note != "" {
		return " · " + note
	}
	return ""
}

// picked is what the issuer's metadata picked, when the command fetched
// that metadata on the way; zero when it did not: a pick from metadata
// already stored was said when that was fetched, and the detail shows it.
func picked(msg tokenMsg) providers.Discovery {
	if !msg.discovered.Fetched {
		return providers.Discovery{}
	}
	return msg.discovered.Discovery
}

// issuedWarning is the first of jwt.CheckIssued's warnings about e's token
// (issued already expired, or not yet valid), "" when there is none or the
// token is opaque.
func issuedWarning(e *session.Entry) string {
	if !e.HasToken() {
		return ""
	}
	j, err := jwt.Parse(e.Token.AccessToken.Reveal())
	if err != nil {
		return ""
	}
	if ws := j.CheckIssued(e.Token.Received(), e.Token.ClockSkew); len(ws) > 0 {
		return ws[0].Msg
	}
	return ""
}

// validity says for how long e's token is valid, for the status line.
func validity(e *session.Entry, now time.Time) string {
	if !e.HasToken() {
		return ""
	}
	switch {
	case e.Token.ExpirySource == providers.ExpiryNever:
		return " · a static key, it does not expire"
	case e.Token.ExpiresAt.IsZero():
		return " · expiry unknown"
	}
	left := e.Token.ExpiresAt.Sub(now)
	if left <= 0 {
		return " · already expired"
	}
	return " · valid for " + display.Duration(left)
}

func logoutSummary(r oauth.LogoutResult) string {
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

// autoRefresh starts the refreshes the session says are due, leaving
// alone the providers the user is about to act on.
func (m *Model) autoRefresh() tea.Cmd {
	due := m.sess.Due(m.now, m.held)
	if len(due) == 0 {
		return nil
	}
	cmds := make([]tea.Cmd, 0, len(due))
	for _, e := range due {
		cmds = append(cmds, m.start(e, session.OpAutoRefresh, m.slots))
	}
	return tea.Batch(cmds...)
}

// held reports whether the named provider is open in the edit form or in
// the confirm dialog, where the user is about to act on it.
func (m *Model) held(name string) bool {
	if m.form != nil && m.editing == name {
		return true
	}
	q, ok := m.confirm.Tag().(question)
	return m.asking && ok && q.name == name
}

// onTry shows a try request's answer.
func (m *Model) onTry(msg tryMsg) tea.Cmd {
	e := m.sess.TryDone(msg.name, msg.seq, msg.res, msg.err, m.clock())
	if e == nil {
		return nil
	}
	if msg.err != nil {
		m.setStatusOf(e.Provider.Name, status.Error, msg.err.Error())
		return nil
	}
	r := msg.res
	kind := status.Success
	if r.Status >= 400 {
		kind = status.Error
	}
	text := "try " + e.Provider.Name + ": " + r.Method + " → " + statusText(r.Status) +
		" in " + display.Latency(r.Latency)
	if !m.showTryAnswer(e.Provider.Name, r) {
		text += " · press " + m.keys.Response.Help().Key + " to see the answer"
	}
	m.setStatusOf(e.Provider.Name, kind, text)
	return nil
}

// onSaved shows an added or edited provider as the store now holds it.
func (m *Model) onSaved(msg savedMsg) tea.Cmd {
	e, added := m.sess.Saved(session.SaveAnswer{Old: msg.old, Seq: msg.seq, Stored: msg.stored, Err: msg.err})
	if msg.err != nil {
		m.setStatusOf(msg.name, status.Error, msg.err.Error())
		return nil
	}
	m.syncList()
	if added {
		m.setStatusOf(msg.name, status.Success, "added "+msg.name)
	} else {
		m.setStatusOf(msg.name, status.Success, "saved "+msg.name)
	}
	m.list.Select(e.Provider.Name)
	return nil
}

// onRemoved drops a deleted provider.
func (m *Model) onRemoved(msg removedMsg) {
	if m.sess.Removed(msg.name, msg.seq, msg.err) == nil {
		return
	}
	if msg.err != nil {
		m.setStatusOf(msg.name, status.Error, msg.err.Error())
		return
	}
	m.setStatus(status.Success, "deleted "+msg.name)
}

// onThemeSaved reports a theme that could not be remembered.
func (m *Model) onThemeSaved(msg themeSavedMsg) {
	if msg.err != nil {
		m.setStatus(status.Error, msg.err.Error())
	}
}

// loginNeeded says what gets a browser-login or device-login provider
// its token (its refresh token gone or refused): fetchKey opens the
// sign-in pane.
func loginNeeded(name string, g providers.Grant, fetchKey string) string {
	if g.Device() {
		return name + " needs a device login: press " + fetchKey + " to sign in"
	}
	return name + " needs a browser login: press " + fetchKey + " to sign in"
}
