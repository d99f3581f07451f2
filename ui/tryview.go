package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/ui/response"
	"github.com/tokenscope/tokenscope/ui/status"
)

// openResponse shows res, the answer to the named provider's try request,
// in the response view, over the panes.
func (m *Model) openResponse(name string, res *oauth.TryResult) {
	r := response.New(name, res, &m.styles.Response)
	m.response = &r
	m.layout()
}

// closeResponse goes back to the panes.
func (m *Model) closeResponse() {
	m.response = nil
	m.layout()
}

// showTryAnswer opens the response view on a try's answer, unless the
// user has gone on to something else meanwhile (the form, a question, the
// help page): then the status line's "press o" says how to see it. It
// reports whether the view opened.
func (m *Model) showTryAnswer(name string, res *oauth.TryResult) bool {
	if m.screen != screenMain || m.asking || m.showHelp || m.list.FilterState() == listFiltering {
		return false
	}
	m.openResponse(name, res)
	return true
}

// responseKey hands a key to the open response view; the exchange log's
// keys work there too.
func (m *Model) responseKey(km tea.KeyMsg) tea.Cmd {
	if cmd, ok := m.logKey(km); ok {
		return cmd
	}
	var cmd tea.Cmd
	*m.response, cmd = m.response.Update(km)
	if m.response.Closed() {
		m.closeResponse()
	}
	return cmd
}

// responseResult takes the response view's message (copy); ok is false
// for a message it does not own.
func (m *Model) responseResult(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case response.CopyMsg:
		return m.copyBody(msg), true
	}
	return nil, false
}

// viewMouse routes the mouse over the exchange log and the response
// view: the wheel scrolls the one under the pointer; while the response
// view is open a click does nothing, the panes being under it. top is
// the body's first line on the screen; ok is false when the event is the
// panes'.
func (m *Model) viewMouse(mm tea.MouseMsg, g geometry, top int) (tea.Cmd, bool) {
	y := mm.Y - top
	wheel := tea.MouseEvent(mm).IsWheel()
	var cmd tea.Cmd
	switch {
	case g.logH > 0 && y >= g.bodyH && y < g.bodyH+g.logH:
		if wheel {
			*m.exlog, cmd = m.exlog.Update(mm)
		}
		return cmd, true
	case m.response != nil:
		if wheel {
			*m.response, cmd = m.response.Update(mm)
		}
		return cmd, true
	}
	return nil, false
}

// copyBody puts a response's body on the clipboard as it came, its
// secrets masked, under the rule of every copy: nothing that would act
// where it is pasted (a control or format character other than the line
// breaks and tabs of a body) leaves the explorer.
func (m *Model) copyBody(msg response.CopyMsg) tea.Cmd {
	label := "the response body of " + msg.Name
	if msg.Body == "" {
		m.setStatusOf(msg.Name, status.Info, "nothing copied: the body is empty")
		return nil
	}
	if !display.Safe(strings.NewReplacer("\r\n", "", "\n", "", "\t", "").Replace(msg.Body)) {
		m.setStatusOf(msg.Name, status.Error, "not copied: the body of "+msg.Name+
			" holds control or format characters, which would act where it is pasted")
		return nil
	}
	m.setStatusOf(msg.Name, status.Info, "copying "+label+"…")
	// Not sensitive: the engine masked the secrets it knows in it.
	return m.clip.Copy(msg.Body, label, false)
}

// openLastResponse shows the selected provider's last try answer again.
func (m *Model) openLastResponse() {
	if e := m.selectedEntry(); e != nil && e.Try != nil {
		m.openResponse(e.Provider.Name, e.Try)
	}
}
