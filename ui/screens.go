package ui

import (
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/form"
	"github.com/tokenscope/tokenscope/ui/session"
	"github.com/tokenscope/tokenscope/ui/status"
	"github.com/tokenscope/tokenscope/ui/unlock"
)

// newUnlock is the unlock screen for the store in dir, or the first-run
// screen when there is none yet.
func newUnlock(dir string, l *look) *unlock.Model {
	u := unlock.New(unlock.Options{
		Dir:      dir,
		FirstRun: !store.Exists(dir),
		Open:     func(p []byte) (*store.Vault, error) { return store.OpenPassphrase(dir, p) },
		Init:     func(p []byte) (*store.Vault, error) { return store.Init(dir, p, 0) },
		Styles:   l.Unlock,
	})
	return &u
}

// onUnlocked opens the explorer on the vault the unlock screen opened.
func (m *Model) onUnlocked(msg unlock.UnlockedMsg) tea.Cmd {
	m.vault = msg.Vault
	m.unlock = nil
	m.screen = screenLoading
	return loadCmd(m.vault)
}

// childResult hands a message no one else claimed to the screen that owns
// it, focused or not: the unlock screen's KDF result and spinner, the
// form's own messages. ok is false when no child wanted it.
func (m *Model) childResult(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case unlock.UnlockedMsg:
		return m.onUnlocked(msg), true
	}
	var cmd tea.Cmd
	if m.unlock != nil {
		*m.unlock, cmd = m.unlock.Update(msg)
		return cmd, true
	}
	if c, ok := m.formResult(msg); ok {
		return c, true
	}
	return nil, false
}

// ownSpin reports whether a spinner tick is the explorer's own; the
// unlock screen and the form run spinners of their own.
func (m *Model) ownSpin(msg spinner.TickMsg) bool { return msg.ID == m.spinner.ID() }

// openForm shows the add form, or with e the edit form of e's provider.
func (m *Model) openForm(e *session.Entry) tea.Cmd {
	var orig *providers.Provider
	var meta *providers.Metadata
	m.editing = ""
	if e != nil {
		p := e.Provider
		orig, meta = &p, e.Metadata.Clone()
		m.editing = p.Name
	}
	f := form.New(form.Options{
		Styles:   m.styles.Form,
		Original: orig,
		Taken:    m.sess.Has,
		Metadata: meta,
	})
	m.form = &f
	m.screen = screenForm
	m.layout()
	return f.Init()
}

// formResult takes the form's answer, or hands the form its own messages
// (the cursor's blink).
func (m *Model) formResult(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case form.SubmittedMsg:
		m.closeForm()
		return m.save(msg.Provider, msg.Original), true
	case form.CancelledMsg:
		m.closeForm()
		m.setStatus(status.Info, "nothing saved")
		return nil, true
	}
	if m.form == nil {
		return nil, false
	}
	var cmd tea.Cmd
	*m.form, cmd = m.form.Update(msg)
	return cmd, true
}

func (m *Model) closeForm() {
	m.form, m.editing = nil, ""
	m.screen = screenMain
	m.layout()
}

// save stores an added or edited provider in a Cmd; an edited provider
// shows a spinner while it is saved.
func (m *Model) save(p providers.Provider, original string) tea.Cmd {
	if m.vault == nil {
		return nil
	}
	m.setStatusOf(p.Name, status.Info, "saving "+p.Name+"…")
	var seq uint64
	if e := m.sess.Get(original); m.sess.Begin(e, session.OpSave) {
		seq = e.Pending
	}
	return tea.Batch(saveCmd(m.vault, p, original, seq), m.startSpinner())
}

// formView is the form, one column in from the left edge.
func (m *Model) formView() string {
	if m.form == nil {
		return ""
	}
	return lipgloss.NewStyle().PaddingLeft(1).Render(m.form.View())
}
