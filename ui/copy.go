package ui

import (
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/clipboard"
)

// copyWhat is what a copy action puts on the clipboard.
type copyWhat int

const (
	copyHeader copyWhat = iota // Authorization: Bearer …
	copyToken                  // the raw access token
	copyCurl                   // the try request as a curl command
)

// clipboardOptions are the clipboard's options before the user's settings
// are read: the system clipboard, and OSC 52 to the terminal as the
// fallback.
func clipboardOptions(o Options) clipboard.Options {
	var term io.Writer = os.Stdout
	if o.Output != nil {
		term = o.Output
	}
	return clipboard.Options{Terminal: term, Getenv: os.Getenv}
}

// withSettings builds the clipboard with the user's wipe delay.
func withSettings(co clipboard.Options, s store.Settings) clipboard.Clipboard {
	co.ClearAfter, co.NoClear = s.ClipboardClearAfter(), s.ClipboardClearOff
	return clipboard.New(co)
}

// copy puts what of e's token on the clipboard, in a Cmd; the status line
// says what was copied once it was.
func (m *Model) copy(e *entry, what copyWhat) tea.Cmd {
	if e == nil || !e.hasToken() {
		return nil
	}
	var text, label string
	switch what {
	case copyHeader:
		text = "Authorization: Bearer " + e.tok.AccessToken.Reveal()
		label = "the Authorization header of " + e.prov.Name
	case copyToken:
		text = e.tok.AccessToken.Reveal()
		label = "the token of " + e.prov.Name
	case copyCurl:
		text = providers.TryCurlCommand(e.prov, e.tok)
		label = "a curl command for " + e.prov.Name + "'s try request"
	}
	m.copies = append(m.copies, pendingCopy{label: label, name: e.prov.Name})
	e.copying++
	m.changed(e)
	m.setStatus(statusInfo, "copying "+label+"…")
	return tea.Batch(m.clip.Copy(text, label, true), m.startSpinner())
}

// onCopied reports a copy: what, where, and for how long the token in it
// stays valid.
func (m *Model) onCopied(msg clipboard.CopiedMsg) {
	var name string
	ok := false
	for i, c := range m.copies {
		if c.label == msg.Label {
			name, ok = c.name, true
			m.copies = append(m.copies[:i:i], m.copies[i+1:]...)
			break
		}
	}
	if e := m.byName[name]; ok && e != nil && e.copying > 0 {
		e.copying--
		m.changed(e)
	}
	if msg.Err != nil {
		m.setStatus(statusError, msg.Err.Error())
		return
	}
	text := "copied " + msg.Label
	if e := m.byName[name]; e != nil && ok {
		text += validity(e, m.clock())
	}
	if msg.ClearAfter > 0 {
		text += " · clipboard clears in " + display.Duration(msg.ClearAfter)
	}
	if msg.Via != clipboard.ViaSystem {
		text += " · via the " + msg.Via.String()
	}
	if msg.SystemErr != nil {
		text += " (system clipboard: " + msg.SystemErr.Error() + ")"
	}
	m.setStatus(statusOK, text)
}

// onCleared reports the wipe of a copied token, or why it failed.
func (m *Model) onCleared(msg clipboard.ClearedMsg) {
	switch {
	case msg.Err != nil:
		m.setStatus(statusError, msg.Err.Error())
	case msg.Cleared:
		m.setStatus(statusInfo, "cleared "+msg.Label+" from the clipboard")
	}
}

// pendingCopy is a copy under way: its label, and the provider it is of.
type pendingCopy struct{ label, name string }
