// Package detail is the explorer's detail pane: everything known about the
// selected provider's token (masked until revealed), its lifetime as a
// countdown and a bar, its JWT header and claims, the signature status,
// the last error in the server's words and the recent history. The setters
// render the content when the data, the width or the second changed, so a
// frame only slices the lines on screen.
package detail

import (
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// Signature is the outcome of checking a JWT's signature.
type Signature struct {
	// Status is jwt.StatusNone while the check has not finished.
	Status jwt.Status
	Reason string
}

// Data is what the pane shows about one provider. The root fills it from
// its own state; the pane keeps no other.
type Data struct {
	Provider providers.Provider
	Token    *providers.Token
	// History is oldest first, as the store keeps it.
	History []providers.Event
	// Busy names the action under way ("fetching", …), or "".
	Busy string
	// LastErr is the last failure, LastErrAt when it happened.
	LastErr   error
	LastErrAt time.Time
	// Try is the last try request's result, or TryErr its failure.
	Try    *oauth.TryResult
	TryErr error
	TryAt  time.Time
	// Signature is the token's signature check.
	Signature Signature
	// AutoRefreshAt is when the next auto-refresh runs (zero: none), and
	// AutoFailures how many in a row have failed.
	AutoRefreshAt time.Time
	AutoFailures  int
	// NoAutoRefresh, when set, says on the Auto line why nothing renews
	// the token by itself (a sign-in without a refresh token) and what does.
	NoAutoRefresh string
	// NoTokenHint says how to get a token when there is none ("press f to
	// fetch one"); the root knows the keys, the pane does not.
	NoTokenHint string
	// Metadata is the provider's issuer metadata as the store keeps it,
	// nil when none was fetched; DiscoverHint says how to fetch it again.
	Metadata     *providers.Metadata
	DiscoverHint string
	// IDToken is the check of the id_token that came with the token, nil
	// when none came.
	IDToken *IDToken
	// Introspection is the introspection endpoint's answer about the
	// token, or IntrospectErr its failure, IntrospectAt when it came;
	// IntrospectHint says how to ask, "" when it cannot be asked.
	Introspection  *oauth.Introspection
	IntrospectErr  error
	IntrospectAt   time.Time
	IntrospectHint string
}

// Model is the detail pane.
type Model struct {
	KeyMap KeyMap
	// Styles points at the pane's looks, shared, never copied per frame.
	Styles *Styles
	paints *paints // the Styles as paints

	data     Data
	has      bool
	version  int // bumped whenever the content may change other than by time
	jwt      *jwt.JWT
	jwtErr   error // non-nil for opaque or malformed tokens
	jwtFor   providers.Secret
	revealed bool

	now           time.Time
	width, height int
	offset        int
	focused       bool
	frame         string

	// lines is the content as rendered for built; the setters render it
	// again when what it shows changed.
	lines []string
	built built
}

// New returns an empty pane drawn with styles (nil: plain text).
func New(styles *Styles) Model {
	if styles == nil {
		styles = &Styles{}
	}
	m := Model{KeyMap: DefaultKeyMap(), Styles: styles, paints: newPaints(styles)}
	m.updateKeybindings()
	return m
}

// SetStyles replaces the styles (on a theme change).
func (m *Model) SetStyles(s *Styles) {
	m.Styles, m.paints = s, newPaints(s)
	m.version++
	m.render()
}

// SetSize sets the pane's width and height in cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.render()
	m.updateKeybindings()
}

// SetNow sets the time countdowns and relative times count from.
func (m *Model) SetNow(now time.Time) {
	m.now = now
	m.render()
}

// SetSpinnerFrame sets the frame shown while the provider is busy.
func (m *Model) SetSpinnerFrame(f string) { m.frame = f }

// SetFocused says whether the pane has the keyboard.
func (m *Model) SetFocused(f bool) {
	m.focused = f
	m.updateKeybindings()
}

// Focused reports whether the pane has the keyboard.
func (m Model) Focused() bool { return m.focused }

// SetData shows d. A different provider resets the scroll position and
// masks the token again; the JWT is decoded only when the token changed.
func (m *Model) SetData(d Data) {
	if !m.has || m.data.Provider.Name != d.Provider.Name {
		m.offset = 0
		m.revealed = false
	}
	m.data, m.has = d, true
	m.version++
	var raw providers.Secret
	if d.Token != nil {
		raw = d.Token.AccessToken
	}
	if raw != m.jwtFor || (raw == "" && m.jwt != nil) {
		m.jwtFor = raw
		m.jwt, m.jwtErr = nil, nil
		if raw != "" {
			m.jwt, m.jwtErr = jwt.Parse(raw.Reveal())
		}
	}
	m.render()
	m.updateKeybindings()
}

// Clear shows nothing (no provider selected).
func (m *Model) Clear() {
	m.data, m.has = Data{}, false
	m.jwt, m.jwtErr, m.jwtFor = nil, nil, ""
	m.revealed = false
	m.offset = 0
	m.version++
	m.render()
	m.updateKeybindings()
}

// Data returns what the pane shows; ok is false when it shows nothing.
func (m Model) Data() (Data, bool) { return m.data, m.has }

// Revealed reports whether the token is shown in full.
func (m Model) Revealed() bool { return m.revealed }

// SetRevealed shows the token in full or masks it.
func (m *Model) SetRevealed(v bool) {
	if m.revealed != v {
		m.revealed = v
		m.version++
		m.render()
	}
}

// IsJWT reports whether the shown token decodes as a JWT.
func (m Model) IsJWT() bool { return m.jwt != nil }

// wheelLines is how far one turn of the mouse wheel scrolls, as the
// bubbles viewport's default.
const wheelLines = 3

// Update scrolls by the keys when the pane has the keyboard, and by the
// mouse wheel whether it has or not.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if mm, ok := msg.(tea.MouseMsg); ok && mm.Action == tea.MouseActionPress {
		switch mm.Button {
		case tea.MouseButtonWheelUp:
			m.scroll(-wheelLines)
		case tea.MouseButtonWheelDown:
			m.scroll(wheelLines)
		}
		return m, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok || !m.focused {
		return m, nil
	}
	page := max(m.height-1, 1)
	switch {
	case key.Matches(km, m.KeyMap.Up):
		m.scroll(-1)
	case key.Matches(km, m.KeyMap.Down):
		m.scroll(1)
	case key.Matches(km, m.KeyMap.PageUp):
		m.scroll(-page)
	case key.Matches(km, m.KeyMap.PageDown):
		m.scroll(page)
	case key.Matches(km, m.KeyMap.Top):
		m.offset = 0
	case key.Matches(km, m.KeyMap.Bottom):
		m.offset = m.maxOffset()
	}
	return m, nil
}

func (m *Model) scroll(d int) {
	m.offset = min(max(m.offset+d, 0), m.maxOffset())
}

// maxOffset is the last scroll position.
func (m Model) maxOffset() int {
	return max(len(m.lines)+m.headLines()-m.height, 0)
}

func (m *Model) updateKeybindings() {
	on := m.focused && m.has
	for _, b := range []*key.Binding{&m.KeyMap.Up, &m.KeyMap.Down, &m.KeyMap.PageUp,
		&m.KeyMap.PageDown, &m.KeyMap.Top, &m.KeyMap.Bottom} {
		b.SetEnabled(on)
	}
}

// lastError is the error to show: the one seen in this session, else a
// failure at the end of the stored history.
func (d *Data) lastError() (msg, hint string, at time.Time, ok bool) {
	if d.LastErr != nil {
		return d.LastErr.Error(), oauth.HintOf(d.LastErr), d.LastErrAt, true
	}
	if n := len(d.History); n > 0 && d.History[n-1].Kind == providers.EventFailed {
		return d.History[n-1].Detail, "", d.History[n-1].At, true
	}
	return "", "", time.Time{}, false
}

// KeyMap holds the detail pane's scrolling bindings, active while the pane
// has the keyboard. It satisfies help.KeyMap.
type KeyMap struct {
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
}

// DefaultKeyMap returns the pane's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", " "), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
	}
}

// ShortHelp returns the bindings for the short help line.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down} }

// FullHelp returns the bindings for the full help, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}}
}

// Styles are the detail pane's looks. The root builds them once from the
// theme; the zero value renders plain text.
type Styles struct {
	Title   lipgloss.Style // the provider's name
	Badge   lipgloss.Style // its preset
	Section lipgloss.Style // "JWT claims", "History"
	Label   lipgloss.Style // "Expires"
	Value   lipgloss.Style
	Key     lipgloss.Style // a claim or field name
	Muted   lipgloss.Style
	Secret  lipgloss.Style // the masked or revealed token

	Healthy lipgloss.Style
	Warning lipgloss.Style
	Danger  lipgloss.Style
	Busy    lipgloss.Style

	BarEmpty lipgloss.Style // the unfilled part of the progress bar
	Error    lipgloss.Style
	Hint     lipgloss.Style
}
