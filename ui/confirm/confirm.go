// Package confirm is a yes/no question in a box: the explorer asks it
// before anything that cannot be undone (deleting a provider, logging out).
// The answer is read from the model right after the key that gave it, not
// sent as a message: a message would arrive after keys typed in the
// meantime, which would then land on a question already answered.
package confirm

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers/display"
)

// KeyMap holds the dialog's bindings. It satisfies help.KeyMap.
type KeyMap struct {
	Yes key.Binding
	No  key.Binding
}

// DefaultKeyMap returns the dialog's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Yes: key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
		No:  key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "no")),
	}
}

// ShortHelp returns the bindings for the short help line.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Yes, k.No} }

// FullHelp returns the bindings for the full help.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Yes, k.No}} }

// Styles are the dialog's looks; the zero value renders plain text.
type Styles struct {
	Box      lipgloss.Style // the border around the question
	Question lipgloss.Style
	Detail   lipgloss.Style
	Keys     lipgloss.Style // "y yes · n no"
}

// Model is an open question.
type Model struct {
	KeyMap KeyMap
	Styles *Styles

	question, detail string
	tag              any
	width            int
	answered, yes    bool
}

// New asks question, with detail under it in smaller print; tag is the
// caller's note of what is asked.
func New(styles *Styles, question, detail string, tag any) Model {
	if styles == nil {
		styles = &Styles{}
	}
	return Model{KeyMap: DefaultKeyMap(), Styles: styles, question: question, detail: detail, tag: tag}
}

// SetSize sets the room the dialog may use; it centres itself in it.
func (m *Model) SetSize(w, _ int) { m.width = w }

// Tag is the tag given to New.
func (m Model) Tag() any { return m.tag }

// Update answers on y or n; every other key is ignored, so nothing else
// happens while the question is open.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok || m.answered {
		return m, nil
	}
	switch {
	case key.Matches(km, m.KeyMap.Yes):
		m.answered, m.yes = true, true
	case key.Matches(km, m.KeyMap.No):
		m.answered = true
	}
	return m, nil
}

// Answer reports the answer once there is one: yes true when confirmed.
func (m Model) Answer() (yes, answered bool) { return m.yes, m.answered }

// View renders the question in its box.
func (m Model) View() string {
	inner := max(min(m.width-m.Styles.Box.GetHorizontalFrameSize(), 64), 10)
	q := m.Styles.Question.Render(ansi.Wordwrap(display.Text(m.question), inner, " "))
	parts := []string{q}
	if m.detail != "" {
		parts = append(parts, "", m.Styles.Detail.Render(ansi.Wordwrap(display.Text(m.detail), inner, " ")))
	}
	keys := m.KeyMap.Yes.Help().Key + " " + m.KeyMap.Yes.Help().Desc + " · " +
		m.KeyMap.No.Help().Key + " " + m.KeyMap.No.Help().Desc
	parts = append(parts, "", m.Styles.Keys.Render(keys))
	return m.Styles.Box.Render(lipgloss.JoinVertical(lipgloss.Left, parts...))
}
