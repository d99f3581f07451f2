// Package status is the explorer's status line: one message at a time,
// with a kind (info, success, warning, error), an origin (the user's own
// action, or the background) and an expiry.
//
// The rules, so the line says what the user needs: the result of the
// user's own action stays for its time and is not overwritten by
// background events; a background event is shown only when it concerns
// the selected provider or when nothing of the user's is showing, and it
// never hides an error; a message about a provider other than the
// selected one stays no longer than Hold, so an error for another
// provider does not linger over the selected one.
package status

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers/display"
)

// Kind is the tone of a message.
type Kind int

// The kinds, from the quietest.
const (
	Info Kind = iota
	Success
	Warning
	Error
)

// How long a message stays. Errors and warnings stay longer; a background
// message and one about a provider not selected stay Hold at most.
const (
	Hold        = 4 * time.Second
	WarningHold = 10 * time.Second
	ErrorHold   = 30 * time.Second
)

// Msg is a message for the line. Provider names the provider it is about
// ("" for the explorer as a whole); Background marks an event the user did
// not ask for (an auto-refresh).
type Msg struct {
	Kind       Kind
	Text       string
	Provider   string
	Background bool
}

// Styles are the looks of the line, one per kind.
type Styles struct {
	Info, Success, Warning, Error lipgloss.Style
}

// Model is the status line.
type Model struct {
	styles   *Styles
	cur      Msg
	at       time.Time // when cur was shown
	until    time.Time // when cur goes
	now      time.Time
	selected string
	width    int
}

// New returns an empty line drawn with styles (nil: plain text).
func New(styles *Styles) Model {
	if styles == nil {
		styles = &Styles{}
	}
	return Model{styles: styles}
}

// SetStyles replaces the looks (a theme change).
func (m *Model) SetStyles(s *Styles) { m.styles = s }

// SetSize sets the line's width; its height is one line.
func (m *Model) SetSize(w, _ int) { m.width = w }

// SetNow moves the line's clock and lets a message whose time is up go.
func (m *Model) SetNow(now time.Time) {
	m.now = now
	if m.cur.Text != "" && now.After(m.deadline()) {
		m.cur = Msg{}
	}
}

// SetSelected names the provider the user has selected.
func (m *Model) SetSelected(name string) {
	if name == m.selected {
		return
	}
	m.selected = name
	m.SetNow(m.now)
}

// Update shows a Msg by the rules of the package.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if s, ok := msg.(Msg); ok {
		m.Show(s)
	}
	return m, nil
}

// Show puts s on the line unless a message that outranks it is showing.
func (m *Model) Show(s Msg) {
	if s.Background && !m.accepts(s) {
		return
	}
	d := Hold
	switch s.Kind {
	case Warning:
		d = WarningHold
	case Error:
		d = ErrorHold
	}
	if s.Background {
		d = min(d, Hold)
	}
	m.cur, m.at, m.until = s, m.now, m.now.Add(d)
}

// accepts reports whether background message s may replace what shows: it
// never replaces the user's own message nor an error, and it is about the
// selected provider unless the line is empty.
func (m *Model) accepts(s Msg) bool {
	if m.Showing() {
		if !m.cur.Background || m.cur.Kind == Error && s.Kind != Error {
			return false
		}
	}
	return !m.Showing() || s.Provider == "" || s.Provider == m.selected
}

// deadline is when cur goes: its own time, or Hold after it was shown when
// it is about a provider not selected.
func (m *Model) deadline() time.Time {
	if m.cur.Provider != "" && m.cur.Provider != m.selected {
		return minTime(m.until, m.at.Add(Hold))
	}
	return m.until
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Showing reports whether a message is on the line.
func (m *Model) Showing() bool { return m.cur.Text != "" && !m.now.After(m.deadline()) }

// Current is the message on the line, the zero Msg when there is none.
func (m *Model) Current() Msg {
	if !m.Showing() {
		return Msg{}
	}
	return m.cur
}

// View renders the line, cut to its width. The text names providers and
// quotes servers, so it is made safe for the terminal first.
func (m Model) View() string {
	st := &m.styles.Info
	if !m.Showing() {
		return st.Render("")
	}
	switch m.cur.Kind {
	case Success:
		st = &m.styles.Success
	case Warning:
		st = &m.styles.Warning
	case Error:
		st = &m.styles.Error
	}
	line := st.Render(display.Text(m.cur.Text))
	if m.width > 0 {
		line = ansi.Truncate(line, m.width, "…")
	}
	return line
}

// ShortHelp is empty: the line takes no keys.
func (m Model) ShortHelp() []key.Binding { return nil }

// FullHelp is empty: the line takes no keys.
func (m Model) FullHelp() [][]key.Binding { return nil }
