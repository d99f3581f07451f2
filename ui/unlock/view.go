package unlock

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/providers/display"
)

// View draws the screen, centred in the size SetSize gave.
func (m Model) View() string {
	st := m.st
	var b strings.Builder
	title, text := "Unlock tokenscope", "Your providers and tokens are encrypted in "+display.Text(m.dir)+"."
	if m.firstRun {
		title = "Welcome to tokenscope"
		text = "Choose a passphrase for a new vault in " + display.Text(m.dir) + ". It encrypts every " +
			"secret and token, and it cannot be recovered if you forget it."
	}
	inner := m.pass.Width + 14
	b.WriteString(st.Title.Render(title))
	b.WriteString("\n\n")
	b.WriteString(st.Text.Render(lipgloss.NewStyle().Width(inner).Render(text)))
	b.WriteString("\n\n")

	b.WriteString(m.field("Passphrase", m.pass.View(), m.step == stepEnter))
	if m.firstRun {
		b.WriteString("\n")
		again := m.again.View()
		if m.step == stepEnter {
			again = "" // nothing typed yet; the field shows up once it is next
		}
		b.WriteString(m.field("Again", again, m.step == stepConfirm))
	}
	b.WriteString("\n\n")
	switch {
	case m.step == stepWorking:
		doing := "unlocking"
		if m.firstRun {
			doing = "creating the vault"
		}
		b.WriteString(st.Busy.Render(m.spin.View() + " " + doing + ": deriving the key takes a moment…"))
	case m.step == stepDone:
		b.WriteString(st.Busy.Render("unlocked"))
	case m.problem != "":
		b.WriteString(st.Error.Render(lipgloss.NewStyle().Width(inner).Render("✗ " + display.Text(m.problem))))
	case m.firstRun && m.step == stepConfirm:
		b.WriteString(st.Hint.Render("type the same passphrase again"))
	case m.firstRun:
		b.WriteString(st.Hint.Render("a few unrelated words make a strong passphrase"))
	default:
		b.WriteString(st.Hint.Render("the passphrase you chose when you first ran tokenscope"))
	}
	box := st.Box.Render(b.String())
	if m.width == 0 || m.height == 0 {
		return box
	}
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, box)
}

func (m Model) field(label, input string, focused bool) string {
	marker := "  "
	if focused {
		marker = m.st.Prompt.Render("> ")
	}
	return marker + m.st.Label.Render(padRight(label, 11)) + input
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}

// KeyMap is the unlock screen's key bindings.
type KeyMap struct {
	// Submit unlocks, or on first run moves on to the confirmation and then
	// creates the vault.
	Submit key.Binding
	// Back returns from the confirmation to the first passphrase.
	Back key.Binding
	// Reveal shows or hides what was typed.
	Reveal key.Binding
	// Quit leaves tokenscope without unlocking.
	Quit key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "unlock")),
		Back:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "back")),
		Reveal: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "show/hide")),
		Quit:   key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "quit")),
	}
}

// ShortHelp returns the bindings for the short help line.
func (m Model) ShortHelp() []key.Binding {
	return []key.Binding{m.KeyMap.Submit, m.KeyMap.Back, m.KeyMap.Reveal, m.KeyMap.Quit}
}

// FullHelp returns the bindings for the full help.
func (m Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }

// updateKeys enables the bindings that do something in the current step,
// so help never offers a key that does nothing.
func (m *Model) updateKeys() {
	working := m.step == stepWorking || m.step == stepDone
	m.KeyMap.Submit.SetEnabled(!working)
	m.KeyMap.Reveal.SetEnabled(!working)
	m.KeyMap.Back.SetEnabled(m.step == stepConfirm)
	switch {
	case m.step == stepEnter && m.firstRun:
		m.KeyMap.Submit.SetHelp("enter", "next")
	case m.firstRun:
		m.KeyMap.Submit.SetHelp("enter", "create vault")
	default:
		m.KeyMap.Submit.SetHelp("enter", "unlock")
	}
}
