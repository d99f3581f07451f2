// Package response is the explorer's response view: the whole answer to a
// provider's try request, as a Postman or posting user reads it. A status
// line (the code and reason, the method and URL, the time it took), the
// response headers, and the whole body, pretty-printed and highlighted by
// role when it is JSON and shown as text otherwise, scrolled with the
// usual keys and the mouse wheel. Every text the server sent is shown
// through display.Text, so no byte of it reaches the terminal as it came.
//
// The view lays its content out once per answer, width and theme; a
// frame only joins the lines on screen.
package response

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers/oauth"
)

// Model is the response view of one try request's answer.
type Model struct {
	KeyMap KeyMap
	// Styles points at the view's looks, shared, never copied per frame.
	Styles *Styles

	name string
	res  *oauth.TryResult

	lines         []string // the laid out content, each line exactly width cells wide
	width, height int
	offset        int
	closed        bool
}

// CopyMsg asks the root to copy the body: the view knows what the user
// wants, the root owns the clipboard and its rules.
type CopyMsg struct {
	// Name is the provider the answer is of.
	Name string
	// Body is the body as received, its secrets masked.
	Body string
}

// New returns the view of res, the answer to the named provider's try
// request, drawn with styles (nil: plain text).
func New(name string, res *oauth.TryResult, styles *Styles) Model {
	if styles == nil {
		styles = &Styles{}
	}
	m := Model{KeyMap: DefaultKeyMap(), Styles: styles, name: name, res: res}
	m.relayout()
	return m
}

// Closed reports whether the user closed the view: the root, which owns
// the screen, then takes it away at once, so the next key already goes
// to the panes.
func (m Model) Closed() bool { return m.closed }

// Name is the provider whose answer the view shows.
func (m Model) Name() string { return m.name }

// Result is the answer the view shows.
func (m Model) Result() *oauth.TryResult { return m.res }

// SetStyles replaces the styles (on a theme change).
func (m *Model) SetStyles(s *Styles) {
	m.Styles = s
	m.relayout()
}

// SetSize sets the view's width and height in cells.
func (m *Model) SetSize(w, h int) {
	if w == m.width && h == m.height {
		return
	}
	m.width, m.height = w, h
	m.relayout()
}

func (m *Model) relayout() {
	if m.width <= 0 {
		m.lines = nil
		m.updateKeybindings()
		return
	}
	m.lines = layout(m.name, m.res, m.width, m.Styles)
	m.offset = min(m.offset, m.maxOffset())
	m.updateKeybindings()
}

// Update scrolls, asks for a copy of the body or closes the view.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.MouseMsg:
		if msg.Action != tea.MouseActionPress {
			return m, nil
		}
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.scroll(-wheelLines)
		case tea.MouseButtonWheelDown:
			m.scroll(wheelLines)
		}
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m, nil
}

// wheelLines is how far one notch of the mouse wheel scrolls.
const wheelLines = 3

func (m Model) key(km tea.KeyMsg) (Model, tea.Cmd) {
	k := &m.KeyMap
	page := max(m.height-1, 1)
	switch {
	case key.Matches(km, k.Up):
		m.scroll(-1)
	case key.Matches(km, k.Down):
		m.scroll(1)
	case key.Matches(km, k.PageUp):
		m.scroll(-page)
	case key.Matches(km, k.PageDown):
		m.scroll(page)
	case key.Matches(km, k.HalfPageUp):
		m.scroll(-max(m.height/2, 1))
	case key.Matches(km, k.HalfPageDown):
		m.scroll(max(m.height/2, 1))
	case key.Matches(km, k.Top):
		m.offset = 0
	case key.Matches(km, k.Bottom):
		m.offset = m.maxOffset()
	case key.Matches(km, k.Copy):
		msg := CopyMsg{Name: m.name, Body: string(m.res.Body)}
		return m, func() tea.Msg { return msg }
	case key.Matches(km, k.Close):
		m.closed = true
	}
	m.updateKeybindings()
	return m, nil
}

func (m *Model) scroll(d int) {
	m.offset = min(max(m.offset+d, 0), m.maxOffset())
	m.updateKeybindings()
}

func (m Model) maxOffset() int { return max(len(m.lines)-m.height, 0) }

// Hidden is how many lines of the content are off the view above and
// below, for the frame's "more" marks.
func (m Model) Hidden() (above, below int) {
	if m.height <= 0 {
		return 0, 0
	}
	return m.offset, max(len(m.lines)-m.offset-m.height, 0)
}

// View renders the lines on screen, each exactly the width wide.
func (m Model) View() string {
	if m.height <= 0 || len(m.lines) == 0 {
		return ""
	}
	end := min(m.offset+m.height, len(m.lines))
	n := 0
	for _, l := range m.lines[m.offset:end] {
		n += len(l) + 1
	}
	b := make([]byte, 0, n)
	for i, l := range m.lines[m.offset:end] {
		if i > 0 {
			b = append(b, '\n')
		}
		b = append(b, l...)
	}
	return string(b)
}

// updateKeybindings enables the scrolling keys that move the view from
// where it is, and the copy key when there is a body to copy.
func (m *Model) updateKeybindings() {
	k := &m.KeyMap
	up, down := m.offset > 0, m.offset < m.maxOffset()
	k.Up.SetEnabled(up)
	k.PageUp.SetEnabled(up)
	k.HalfPageUp.SetEnabled(up)
	k.Top.SetEnabled(up)
	k.Down.SetEnabled(down)
	k.PageDown.SetEnabled(down)
	k.HalfPageDown.SetEnabled(down)
	k.Bottom.SetEnabled(down)
	k.Copy.SetEnabled(m.res != nil && len(m.res.Body) > 0)
	k.Close.SetEnabled(true)
}

// ShortHelp returns the bindings for the short help line.
func (m Model) ShortHelp() []key.Binding { return m.KeyMap.ShortHelp() }

// FullHelp returns the bindings for the full help, in columns.
func (m Model) FullHelp() [][]key.Binding { return m.KeyMap.FullHelp() }
