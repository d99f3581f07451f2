package ui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/clipboard"
	"github.com/tokenscope/tokenscope/ui/session"
	"github.com/tokenscope/tokenscope/ui/status"
)

// copyWhat is what a copy action puts on the clipboard.
type copyWhat int

const (
	copyHeader  copyWhat = iota + 1 // Authorization: Bearer …
	copyToken                       // the raw access token
	copyCurl                        // the try request as a curl command
	copyHeaders                     // every header an API call needs, a line each
)

// clipboardOptions are the clipboard's options before the user's settings
// are read: the system clipboard, and OSC 52 to the terminal as the
// fallback.
func clipboardOptions(o Options) clipboard.Options {
	return clipboard.Options{Terminal: o.Output, Getenv: o.Getenv}
}

// withSettings builds the clipboard with the user's wipe delay.
func withSettings(co clipboard.Options, s store.Settings) clipboard.Clipboard {
	co.ClearAfter, co.NoClear = s.ClipboardClearAfter(), s.ClipboardClearOff
	return clipboard.New(co)
}

// copy puts what of e's token on the clipboard, in a Cmd; the status line
// says what was copied once it was. An expired token is renewed first
// (renewThenCopy): copying it would hand the user a header the API refuses.
func (m *Model) copy(e *session.Entry, what copyWhat) tea.Cmd {
	if e == nil || !e.HasToken() {
		return nil
	}
	if session.Expired(e, m.clock()) {
		return m.renewThenCopy(e, what)
	}
	return m.copyNow(e, what, "")
}

// copyNow copies what of e's token as it is; renewed is "renewed " when
// the token was renewed for this copy, so the line says so.
func (m *Model) copyNow(e *session.Entry, what copyWhat, renewed string) tea.Cmd {
	name := e.Provider.Name
	var text, label string
	switch what {
	case copyHeader:
		// Vodacom's is the session encrypted to the public key, derived.
		text = "Authorization: Bearer " + e.Token.Presented().Reveal()
		label = "the " + renewed + "header of " + name
		if e.Token.Derived() {
			label = "the " + renewed + "derived header of " + name
		}
	case copyHeaders:
		// Authorization and the provider's API headers (MoMo's
		// subscription key and target environment) in one paste.
		text = strings.Join(e.Provider.CallHeaders(e.Token), "\n")
		label = "every " + renewed + "header of " + name
	case copyToken:
		text = e.Token.AccessToken.Reveal()
		label = "the " + renewed + "token of " + name
	case copyCurl:
		text = oauth.TryCurlCommand(e.Endpoints(), e.Token)
		label = "the " + renewed + "curl of " + name
	}
	if err := copyable(e, what, text); err != nil {
		// Pasted into a shell, a control character would run there.
		m.setStatusOf(name, status.Error, "not copied: "+err.Error())
		return nil
	}
	m.sess.StartCopy(name, label)
	m.setStatusOf(name, status.Info, "copying "+label+"…")
	return tea.Batch(m.clip.Copy(text, label, true), m.startSpinner())
}

// renewThenCopy renews e's expired token and notes the copy, which
// copyAfterRenew makes when the answer comes; a renewal under way already
// (on open, or auto-refresh) is waited for instead of started again.
func (m *Model) renewThenCopy(e *session.Entry, what copyWhat) tea.Cmd {
	name := e.Provider.Name
	var cmd tea.Cmd
	switch e.Busy {
	case session.OpRefresh, session.OpAutoRefresh, session.OpFetch:
	case session.OpNone:
		if cmd = m.start(e, session.OpRefresh, nil); cmd == nil {
			m.setStatusOf(name, status.Error, "not copied: "+name+"'s token expired and cannot be renewed here")
			return nil
		}
	default:
		m.setStatusOf(name, status.Error, "not copied: "+name+"'s token expired and it is busy "+e.BusyText())
		return nil
	}
	m.sess.CopyAfterRenew(e, int(what))
	m.setStatusOf(name, status.Info, name+"'s token expired: renewing it before the copy…")
	return cmd
}

// copyAfterRenew makes the copy that waited for e's renewal, or says why
// nothing was copied; it is called with every token answer for e.
func (m *Model) copyAfterRenew(e *session.Entry, err error) tea.Cmd {
	what := copyWhat(m.sess.TakeCopyAfter(e))
	if what == 0 {
		return nil
	}
	name := e.Provider.Name
	switch {
	case err != nil:
		m.setStatusOf(name, status.Error, "not copied: could not renew "+name+"'s expired token: "+err.Error())
		return nil
	case !e.HasToken() || session.Expired(e, m.clock()):
		m.setStatusOf(name, status.Error, "not copied: "+name+"'s renewed token is expired already")
		return nil
	}
	return m.copyNow(e, what, "renewed ")
}

// copyable refuses to put text on the clipboard when it could act where
// it is pasted: a token that is not VSCHAR text (a store written before
// that rule), a provider field with a control or format character or a
// URL with a password, or anything else display would have to escape.
func copyable(e *session.Entry, what copyWhat, text string) error {
	if err := e.Token.Check(); err != nil {
		return fmt.Errorf("%s's token: %w", e.Provider.Name, err)
	}
	if what == copyHeaders {
		text = strings.ReplaceAll(text, "\n", "") // the lines' own breaks
	}
	if what == copyCurl {
		if err := e.Provider.CheckShown(); err != nil {
			return fmt.Errorf("%s: %w", e.Provider.Name, err)
		}
		// The command's continuations and quoting are backslashes and
		// line breaks, and a try_body may hold tabs and line breaks;
		// nothing else may need escaping.
		text = strings.NewReplacer("\\", "", "\n", "", "\t", "").Replace(text)
	}
	if !display.Safe(text) {
		return fmt.Errorf("%s: the text holds control or format characters", e.Provider.Name)
	}
	return nil
}

// onCopied reports a copy, short enough for an 80-column line: what,
// where when not the system clipboard, for how long the token in it stays
// valid and when the clipboard clears. Why the system clipboard failed
// (over SSH, on every copy) is said once per session, as a warning.
func (m *Model) onCopied(msg clipboard.CopiedMsg) {
	e := m.sess.CopyDone(msg.Label)
	name := ""
	if e != nil {
		name = e.Provider.Name
	}
	if msg.Err != nil {
		m.setStatusOf(name, status.Error, msg.Err.Error())
		return
	}
	text := "copied " + msg.Label + viaText(msg.Via)
	if msg.SystemErr != nil && m.sess.ClipboardFailed() {
		// The reason takes the room of the validity, which the detail
		// pane shows anyway.
		m.setStatusOf(name, status.Warning, text+" · system clipboard: "+msg.SystemErr.Error())
		return
	}
	if e != nil {
		text += shortValidity(e, m.clock())
	}
	if msg.ClearAfter > 0 {
		text += " · clears in " + display.Duration(msg.ClearAfter)
	}
	m.setStatusOf(name, status.Success, text)
}

// viaText names where a copy went when it is not the system clipboard
// alone, the usual place.
func viaText(v clipboard.Via) string {
	switch v {
	case clipboard.ViaSystem:
		return ""
	case clipboard.ViaTerminal:
		return " (terminal)"
	}
	return " (system and terminal)"
}

// shortValidity is validity in the copy's few words.
func shortValidity(e *session.Entry, now time.Time) string {
	switch {
	case !e.HasToken():
		return ""
	case e.Token.ExpiresAt.IsZero():
		return " · expiry unknown"
	case !e.Token.ExpiresAt.After(now):
		return " · expired"
	}
	return " · valid " + display.Duration(e.Token.ExpiresAt.Sub(now))
}

// onCleared reports the wipe of a copied token, or why it failed. The
// wipe is the clipboard's own timer, not the user's action.
func (m *Model) onCleared(msg clipboard.ClearedMsg) {
	switch {
	case msg.Err != nil:
		m.setStatus(status.Error, msg.Err.Error())
	case msg.Cleared:
		m.status.Show(status.Msg{Kind: status.Info, Text: "cleared " + msg.Label + " from the clipboard", Background: true})
	}
}
