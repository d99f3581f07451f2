// Package exchanges is the explorer's exchange log, after lazygit's
// command log: the last requests the explorer sent for each provider and
// the answers they got, exactly as tokenscope --trace prints them (every
// secret masked by the engine), in a pane under the others. It keeps a
// small ring per provider, in memory only: nothing of it is ever written.
package exchanges

import (
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// DefaultKeep is how many exchanges are kept per provider.
const DefaultKeep = 20

// maxText bounds the text kept of one exchange: the trace holds the whole
// body of an answer, up to the engine's megabyte, and twenty of them for
// each of a thousand providers would not be small.
const maxText = 32 << 10

// Model is the exchange log pane.
type Model struct {
	KeyMap KeyMap
	// Styles points at the pane's looks, shared, never copied per frame.
	Styles *Styles

	keep  int
	rings map[string][]oauth.Exchange // oldest first, at most keep each

	name          string   // the provider shown
	lines         []string // its exchanges laid out, each line exactly width wide
	newest        int      // the line the newest exchange starts on
	width, height int
	top           int  // the first line on screen
	follow        bool // the newest exchange is shown from its start, as a log follows its end
}

// New returns an empty log that keeps keep exchanges per provider (0:
// DefaultKeep), drawn with styles (nil: plain text).
func New(keep int, styles *Styles) Model {
	if keep <= 0 {
		keep = DefaultKeep
	}
	if styles == nil {
		styles = &Styles{}
	}
	m := Model{KeyMap: DefaultKeyMap(), Styles: styles, keep: keep, rings: map[string][]oauth.Exchange{}, follow: true}
	m.updateKeybindings()
	return m
}

// Add keeps xs, the exchanges of one command for the named provider, the
// oldest dropped beyond the ring's size.
func (m *Model) Add(name string, xs ...oauth.Exchange) {
	if len(xs) == 0 {
		return
	}
	r := m.rings[name]
	for _, x := range xs {
		if len(x.Text) > maxText {
			x.Text = cut(x.Text, maxText)
		}
		r = append(r, x)
	}
	if n := len(r) - m.keep; n > 0 {
		r = append(r[:0:0], r[n:]...) // a fresh array, so the dropped texts can go
	}
	m.rings[name] = r
	if name == m.name {
		m.follow = true // a new exchange is shown
		m.relayout()
	}
}

// cut shortens text to about n bytes at a line break, saying so.
func cut(text string, n int) string {
	i := strings.LastIndexByte(text[:n], '\n')
	if i < 0 {
		i = n
	}
	return text[:i+1] + "* … " + strconv.Itoa(len(text)-i-1) + " more bytes not kept here (tokenscope --trace shows them all)\n"
}

// Exchanges is what the log holds for the named provider, oldest first.
func (m Model) Exchanges(name string) []oauth.Exchange { return m.rings[name] }

// Forget drops what the log holds for the named provider (deleted).
func (m *Model) Forget(name string) {
	delete(m.rings, name)
	if name == m.name {
		m.relayout()
	}
}

// Show shows the named provider's exchanges ("": none).
func (m *Model) Show(name string) {
	if name == m.name {
		return
	}
	m.name, m.follow = name, true
	m.relayout()
}

// SetStyles replaces the styles (on a theme change).
func (m *Model) SetStyles(s *Styles) {
	m.Styles = s
	m.relayout()
}

// SetSize sets the pane's inner width and height in cells.
func (m *Model) SetSize(w, h int) {
	if w == m.width && h == m.height {
		return
	}
	m.width, m.height = w, h
	m.relayout()
}

// Update scrolls the log back and forth, by half a pane with the keys and
// by wheelLines with the mouse wheel.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	step := max(m.height/2, 1)
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, m.KeyMap.Older):
			m.scroll(-step)
		case key.Matches(msg, m.KeyMap.Newer):
			m.scroll(step)
		}
	case tea.MouseMsg:
		if msg.Action != tea.MouseActionPress {
			break
		}
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			m.scroll(-wheelLines)
		case tea.MouseButtonWheelDown:
			m.scroll(wheelLines)
		}
	}
	m.updateKeybindings()
	return m, nil
}

// wheelLines is how far one notch of the mouse wheel scrolls.
const wheelLines = 3

func (m *Model) scroll(d int) {
	m.top = min(max(m.top+d, 0), m.maxTop())
	m.follow = d > 0 && m.top >= min(m.newest, m.maxTop())
}

func (m Model) maxTop() int { return max(len(m.lines)-m.height, 0) }

// Hidden is how many lines are off the pane above and below.
func (m Model) Hidden() (above, below int) {
	if m.height <= 0 {
		return 0, 0
	}
	return m.top, max(len(m.lines)-m.top-m.height, 0)
}

// View renders the lines on screen: the newest exchange from its start
// unless the log was scrolled.
func (m Model) View() string {
	if m.height <= 0 {
		return ""
	}
	top := min(m.top, len(m.lines))
	return strings.Join(m.lines[top:min(top+m.height, len(m.lines))], "\n")
}

// relayout lays the shown provider's exchanges out at the width.
func (m *Model) relayout() {
	defer func() {
		if m.follow {
			m.top = m.newest
		}
		m.top = min(m.top, m.maxTop())
		m.updateKeybindings()
	}()
	m.lines, m.newest = m.lines[:0], 0
	if m.width <= 0 {
		return
	}
	st := m.Styles
	title, req, resp, fail, muted := paintOf(st.Title), paintOf(st.Request), paintOf(st.Response), paintOf(st.Failure), paintOf(st.Muted)
	pad := func(s string, w int) string {
		if w < m.width {
			s += strings.Repeat(" ", m.width-w)
		}
		return s
	}
	put := func(s string, p paint) {
		for _, piece := range strings.Split(ansi.Wrap(s, m.width, ""), "\n") {
			m.lines = append(m.lines, pad(p.open+piece+p.close, ansi.StringWidth(piece)))
		}
	}
	xs := m.rings[m.name]
	if len(xs) == 0 {
		what := "No exchanges yet: the requests made for the selected provider (fetch, refresh, try, logout) show here, masked as --trace shows them."
		if m.name == "" {
			what = "No provider selected."
		}
		put(what, muted)
		return
	}
	for _, x := range xs {
		m.newest = len(m.lines)
		if x.Status >= 200 && x.Status < 400 {
			put(summary(x), title)
		} else {
			put(summary(x), fail)
		}
		for line := range strings.Lines(x.Text) {
			line = strings.TrimSuffix(line, "\n")
			if line == "" {
				continue
			}
			switch line[0] {
			case '>':
				put(line, req)
			case '<':
				put(line, resp)
			default:
				put(line, fail)
			}
		}
	}
}

// summary is an exchange's title line: when, the method and URL, the
// status and the time it took.
func summary(x oauth.Exchange) string {
	s := x.At.Format(time.TimeOnly) + " " + display.Text(x.Method) + " " + display.Text(x.URL) + " → "
	if x.Status == 0 {
		s += "no answer"
	} else {
		s += strconv.Itoa(x.Status)
	}
	return s + " · " + display.Latency(x.Elapsed)
}

// paint is a style as the escape sequences around a text, taken from the
// style once per layout rather than rendered again for every line.
type paint struct{ open, close string }

func paintOf(st lipgloss.Style) paint {
	const mark = "\x00"
	open, close, _ := strings.Cut(st.Render(mark), mark)
	return paint{open, close}
}

func (m *Model) updateKeybindings() {
	m.KeyMap.Older.SetEnabled(m.top > 0)
	m.KeyMap.Newer.SetEnabled(m.top < m.maxTop())
}

// ShortHelp returns the bindings for the short help line.
func (m Model) ShortHelp() []key.Binding { return m.KeyMap.ShortHelp() }

// FullHelp returns the bindings for the full help, in columns.
func (m Model) FullHelp() [][]key.Binding { return m.KeyMap.FullHelp() }

// KeyMap holds the log's scrolling bindings, which work whatever has the
// focus while the log is open. It satisfies help.KeyMap.
type KeyMap struct {
	Older, Newer key.Binding
}

// DefaultKeyMap returns the log's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Older: key.NewBinding(key.WithKeys("["), key.WithHelp("[", "log back")),
		Newer: key.NewBinding(key.WithKeys("]"), key.WithHelp("]", "log forward")),
	}
}

// ShortHelp returns the bindings for the short help line.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Older, k.Newer} }

// FullHelp returns the bindings for the full help, in columns.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{{k.Older, k.Newer}} }

// Styles are the log's looks. The root builds them once from the theme;
// the zero value renders plain text.
type Styles struct {
	Title    lipgloss.Style // an exchange's summary line
	Request  lipgloss.Style // "> " lines
	Response lipgloss.Style // "< " lines
	Failure  lipgloss.Style // a failed exchange's summary, "* no answer"
	Muted    lipgloss.Style // the empty log's note
}
