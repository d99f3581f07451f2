// Package login is the explorer's sign-in pane: what an interactive
// grant is doing while a person signs in. For the authorization code
// grant it shows the authorization URL, whole and wrapped, and waits for
// the browser, or for the URL the browser was sent back to, pasted into a
// one-line field (a browser on another machine, a redirect_uri that is
// not on this machine's loopback); for the device grant the user code, in letters three rows
// tall when the pane has room (bigcode.go), the
// verification URI and, when the pane has room, a QR code of the page
// with the code filled in. Both show a spinner and the time left.
//
// The pane does no I/O: its keys answer with OpenMsg, CopyMsg, PasteMsg
// and CancelMsg, addressed by provider name, and the explorer opens the
// browser, copies the URL, checks and redeems the pasted one or stops the
// login.
package login

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/skip2/go-qrcode"
)

// Kind is the grant the pane signs in with.
type Kind int

const (
	// Browser is the authorization code grant: a browser, a loopback
	// callback.
	Browser Kind = iota
	// Device is the device grant: a code typed on any device.
	Device
)

// Phase is where the sign-in is.
type Phase int

const (
	// Starting: the listener opens, or the device code is asked for.
	Starting Phase = iota
	// Waiting: for the browser's callback, or for the approval.
	Waiting
	// Redeeming: the callback came, the code is exchanged for a token.
	Redeeming
	// Cancelling: the person cancelled; a poll under way may still be
	// storing the token it just got, so the explorer waits for it to end.
	Cancelling
)

// KeyMap is the pane's bindings. Text pasted into the pane (a bracketed
// paste) opens the field as Paste does, with the text in it.
type KeyMap struct {
	Open   key.Binding // the URL in the browser
	Copy   key.Binding // the URL to the clipboard
	Paste  key.Binding // the field for the URL the browser was sent back to
	Cancel key.Binding // stop the sign-in, nothing stored
	Submit key.Binding // the pasted URL, to be checked and redeemed
	Close  key.Binding // the field, the sign-in still waiting
}

// DefaultKeyMap returns the pane's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Open:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open URL")),
		Copy:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy URL")),
		Paste:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "paste URL")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "submit")),
		Close:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close field")),
	}
}

// ShortHelp returns the bindings of the help line: those of the field
// while it is open, the others else (the disabled ones are not shown).
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Open, k.Copy, k.Paste, k.Cancel, k.Submit, k.Close}
}

// FullHelp returns the bindings as one column.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Styles are the pane's styles.
type Styles struct {
	Title   lipgloss.Style // "Sign in to NAME…"
	Text    lipgloss.Style // what is happening
	Label   lipgloss.Style // "Open this URL…", "Code"
	URL     lipgloss.Style // the URL, wrapped
	Code    lipgloss.Style // the user code, large
	Hint    lipgloss.Style // the keys, the QR code's caption
	Spinner lipgloss.Style
	Prompt  lipgloss.Style // the field's "> " and cursor
	Input   lipgloss.Style // the pasted text, masked
	Error   lipgloss.Style // why a pasted URL was refused
}

// The pane's requests to the explorer, each naming its provider.
type (
	// OpenMsg asks for URL to be opened in the browser.
	OpenMsg struct{ Name, URL string }
	// CopyMsg asks for URL to be copied.
	CopyMsg struct{ Name, URL string }
	// PasteMsg hands on what was pasted (or typed) as the URL the
	// browser was sent back to: hostile text, carrying the code.
	PasteMsg struct{ Name, URL string }
	// CancelMsg asks for the sign-in to stop, nothing stored.
	CancelMsg struct{ Name string }
)

// Model is the sign-in pane of one provider.
type Model struct {
	KeyMap KeyMap

	name  string
	kind  Kind
	phase Phase

	url      string // the URL to open: authorization, or the device page with the code
	userCode string
	pageURI  string // the device verification URI
	deadline time.Time
	assumed  bool // the deadline is tokenscope's: the server gave no expiry
	now      time.Time
	frame    string

	// pasteOnly: no listener hears the browser (redirect is not on
	// this machine), only a pasted URL ends the sign-in.
	pasteOnly bool
	redirect  string
	typing    bool   // the field is open
	field     input  // the field's text
	refusal   string // why the last pasted URL was refused, "" if none

	qr     []string // the QR code's lines, nil when there is none
	qrW    int
	width  int
	height int
	styles *Styles
}

// New returns the pane of provider name signing in with kind.
func New(name string, kind Kind, st *Styles) Model {
	m := Model{KeyMap: DefaultKeyMap(), name: name, kind: kind, styles: st}
	m.updateKeybindings()
	return m
}

// Name is the provider signing in.
func (m Model) Name() string { return m.name }

// Kind is the grant it signs in with.
func (m Model) Kind() Kind { return m.kind }

// Phase is where the sign-in is.
func (m Model) Phase() Phase { return m.phase }

// URL is the URL the person opens: the authorization URL, or the device
// verification page (with the code, when the server gave that form).
func (m Model) URL() string { return m.url }

// PageURI is the device verification URI, "" for a browser sign-in.
func (m Model) PageURI() string { return m.pageURI }

// UserCode is the device grant's user code, "" for a browser sign-in.
func (m Model) UserCode() string { return m.userCode }

// SetAuthorization shows the authorization URL; the callback is awaited
// until deadline.
func (m *Model) SetAuthorization(url string, deadline time.Time) {
	m.url, m.deadline, m.phase = url, deadline, Waiting
	m.updateKeybindings()
}

// SetDevice shows the device grant's codes: userCode to type at pageURI,
// or complete (pageURI with the code, "" when the server sent none), until
// expires (zero when the server said nothing).
func (m *Model) SetDevice(userCode, pageURI, complete string, expires time.Time) {
	m.userCode, m.pageURI, m.deadline, m.phase = userCode, pageURI, expires, Waiting
	m.url = pageURI
	if complete != "" {
		m.url = complete
	}
	m.qr, m.qrW = nil, 0
	if q, err := qrcode.New(m.url, qrcode.Low); err == nil {
		m.qr = strings.Split(strings.TrimRight(q.ToSmallString(false), "\n"), "\n")
		for _, l := range m.qr {
			m.qrW = max(m.qrW, lipgloss.Width(l))
		}
	}
	m.updateKeybindings()
}

// SetExpiryAssumed says the device code's expiry was not the server's:
// it gave no expires_in, and the deadline is the bound tokenscope set.
func (m *Model) SetExpiryAssumed() { m.assumed = true }

// SetPasteOnly says no listener waits for the browser: it is sent to
// redirect, not on this machine, and the person pastes the URL it lands
// on.
func (m *Model) SetPasteOnly(redirect string) {
	m.pasteOnly, m.redirect = true, redirect
}

// SetRefused shows why the URL pasted last was refused (the explorer's
// words about the server's or the pasted text): the sign-in waits on.
func (m *Model) SetRefused(reason string) { m.refusal = reason }

// Typing reports whether the field is open: every key but the
// explorer's force quit is then the pane's.
func (m Model) Typing() bool { return m.typing }

// SetRedeeming says the callback came and the code is being exchanged.
func (m *Model) SetRedeeming() {
	m.phase, m.typing, m.refusal = Redeeming, false, ""
	m.field.set("")
	m.updateKeybindings()
}

// SetCancelling says the sign-in is being stopped: its keys do nothing
// more.
func (m *Model) SetCancelling() {
	m.phase = Cancelling
	m.updateKeybindings()
}

// SetNow moves the countdown.
func (m *Model) SetNow(now time.Time) { m.now = now }

// SetSpinnerFrame sets the spinner's frame.
func (m *Model) SetSpinnerFrame(f string) { m.frame = f }

// SetSize sets the pane's inner size.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// SetStyles sets the styles, after a theme change.
func (m *Model) SetStyles(st *Styles) { m.styles = st }

// updateKeybindings enables the keys that do something: the URL's once
// there is one, paste while a browser sign-in waits, cancel until the
// code is being redeemed (the token may then already be stored); none
// once the sign-in is being cancelled; while the field is open, only its
// own.
func (m *Model) updateKeybindings() {
	k, free := &m.KeyMap, !m.typing && m.phase != Cancelling
	k.Open.SetEnabled(free && m.url != "")
	k.Copy.SetEnabled(free && m.url != "")
	k.Paste.SetEnabled(free && m.pasteable())
	k.Cancel.SetEnabled(free && m.phase != Redeeming)
	k.Submit.SetEnabled(m.typing)
	k.Close.SetEnabled(m.typing)
}

// pasteable reports whether a URL can be pasted now: a browser sign-in
// that waits.
func (m Model) pasteable() bool { return m.kind == Browser && m.phase == Waiting && m.url != "" }

// Update answers the pane's keys with its requests.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	if m.typing {
		return m.typed(km)
	}
	name, url := m.name, m.url
	switch {
	case key.Matches(km, m.KeyMap.Open):
		return m, func() tea.Msg { return OpenMsg{Name: name, URL: url} }
	case key.Matches(km, m.KeyMap.Copy):
		return m, func() tea.Msg { return CopyMsg{Name: name, URL: url} }
	case key.Matches(km, m.KeyMap.Paste):
		m.openField()
	case km.Paste && m.KeyMap.Paste.Enabled():
		m.openField()
		m.field.add(km.Runes)
	case key.Matches(km, m.KeyMap.Cancel):
		return m, func() tea.Msg { return CancelMsg{Name: name} }
	}
	return m, nil
}

// openField opens the field, empty.
func (m *Model) openField() {
	m.typing = true
	m.field.set("")
	m.updateKeybindings()
}

// typed handles a key while the field is open: enter hands the text on
// (and closes the field; the explorer answers with SetRedeeming or
// SetRefused), esc closes it, the rest edits it.
func (m Model) typed(km tea.KeyMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(km, m.KeyMap.Submit):
		raw := strings.TrimSpace(m.field.value)
		if raw == "" {
			return m, nil
		}
		m.typing, m.refusal = false, ""
		m.field.set("")
		m.updateKeybindings()
		name := m.name
		return m, func() tea.Msg { return PasteMsg{Name: name, URL: raw} }
	case key.Matches(km, m.KeyMap.Close):
		m.typing = false
		m.field.set("")
		m.updateKeybindings()
	default:
		m.field.edit(km)
	}
	return m, nil
}

// Handles reports whether km is one of the pane's enabled keys, or text
// pasted while a URL can be, or any key while the field is open.
func (m Model) Handles(km tea.KeyMsg) bool {
	return m.typing || key.Matches(km, m.KeyMap.Open, m.KeyMap.Copy, m.KeyMap.Paste, m.KeyMap.Cancel) ||
		km.Paste && m.KeyMap.Paste.Enabled()
}
