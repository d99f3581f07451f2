package response

import (
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
)

// KeyMap holds the response view's bindings. It satisfies help.KeyMap.
type KeyMap struct {
	Up, Down                 key.Binding
	PageUp, PageDown         key.Binding
	HalfPageUp, HalfPageDown key.Binding
	Top, Bottom              key.Binding
	Copy                     key.Binding
	Close                    key.Binding
}

// DefaultKeyMap returns the view's default bindings: the detail pane's
// scrolling keys, less's half pages, c to copy the body, esc or q to
// close.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "ctrl+f", " "), key.WithHelp("pgdn", "page down")),
		HalfPageUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "half page up")),
		HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "half page down")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
		Copy:         key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy body")),
		Close:        key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", "close")),
	}
}

// ShortHelp returns the bindings for the short help line: the actions,
// the moving keys being on the help page.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Copy, k.Down, k.Up, k.Close} }

// FullHelp returns the bindings for the full help, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfPageUp, k.HalfPageDown, k.Top, k.Bottom, k.Copy, k.Close}}
}

// Styles are the view's looks, by role. The root builds them once from
// the theme; the zero value renders plain text.
type Styles struct {
	Success  lipgloss.Style // a 2xx status
	Redirect lipgloss.Style // a 3xx status
	Failure  lipgloss.Style // a 4xx or 5xx status
	Method   lipgloss.Style
	URL      lipgloss.Style
	Muted    lipgloss.Style // the protocol, the time, the size
	Section  lipgloss.Style // "Headers", "Body"
	Header   lipgloss.Style // a header's name
	Text     lipgloss.Style // a header's value, a body that is not JSON

	// JSON's roles.
	Key         lipgloss.Style // a member's name
	String      lipgloss.Style
	Number      lipgloss.Style
	Literal     lipgloss.Style // true, false, null
	Punctuation lipgloss.Style // { } [ ] : ,
}
