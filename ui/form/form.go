// Package form is the explorer's add and edit provider form, a
// bubbles-style component. Choosing a preset fills its defaults through
// providers.ApplyPreset; rows that depend on the grant and the preset
// appear only when they apply; secrets are masked until revealed; and a
// value the provider's Validate refuses is reported at its row.
package form

import (
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/providers"
)

// SubmittedMsg carries a provider the user saved and that passed
// validation. Original is its name before an edit ("" when added), so the
// caller can rename.
type SubmittedMsg struct {
	Provider providers.Provider
	Original string
}

// Styles are the form's looks. The zero value renders plain text.
type Styles struct {
	Title         lipgloss.Style // "Add a provider"
	Label         lipgloss.Style
	FocusedLabel  lipgloss.Style
	FocusedPrompt lipgloss.Style // the marker before the focused field
	Text          lipgloss.Style // what the user typed
	Placeholder   lipgloss.Style
	Cursor        lipgloss.Style
	Choice        lipgloss.Style // the value of a field cycled with left/right
	FocusedChoice lipgloss.Style
	Arrow         lipgloss.Style // the ‹ › around a focused choice
	Error         lipgloss.Style // the message under a refused field
	Hint          lipgloss.Style // a note under a field
	Scroll        lipgloss.Style // "↑ 3 more" when the form scrolls
}

// CancelledMsg says the user left the form without saving.
type CancelledMsg struct{}

// Options configure a form.
type Options struct {
	// Styles are the form's looks; ui/styles builds them from the theme.
	Styles Styles
	// Original is the provider to edit; nil adds a new one.
	Original *providers.Provider
	// Taken reports whether another provider already has a name; nil means
	// none has. In edit mode the original's own name is always allowed.
	Taken func(name string) bool
	// Preset is the preset a new provider starts from; "" means "oauth2".
	Preset string
	// Metadata is the edited provider's issuer metadata as the store
	// keeps it, nil when none was fetched: the client auth row says which
	// method it picks when client_auth is left to the issuer.
	Metadata *providers.Metadata
}

// Model is the form.
type Model struct {
	// KeyMap is the form's bindings, DefaultKeyMap unless changed.
	KeyMap KeyMap

	st       Styles
	fields   []field
	presets  map[string]providers.Preset
	headers  map[string][]string // preset -> extra headers the user supplies
	defaults map[string]string   // the current preset's defaults, as rows
	base     providers.Provider  // what the edited provider holds beyond the rows
	original string
	taken    func(string) bool
	focus    int    // index into fields, always a visible one
	problem  string // a refusal no row owns
	width    int
	height   int
	offset   int      // first body line shown when the form scrolls
	initial  []string // every row's value when the form opened
	asking   bool     // whether to discard the changes, after esc
	meta     *providers.Metadata
	// follows is true while the client auth row holds what the form chose
	// for it, not the user or the edited provider: "from the issuer" once
	// an issuer is typed, the preset's default without one.
	follows bool
}

// New builds a form, focused on its first row.
func New(o Options) Model {
	m := Model{
		KeyMap:  DefaultKeyMap(),
		st:      o.Styles,
		presets: map[string]providers.Preset{},
		taken:   o.Taken,
		meta:    o.Metadata,
		follows: o.Original == nil || o.Original.ClientAuth == "",
	}
	for _, ps := range providers.Presets() {
		m.presets[ps.Name] = ps
	}
	m.headers = requiredHeaders(m.presets)
	var all []string
	for _, hs := range m.headers {
		all = append(all, hs...)
	}
	slices.Sort(all)
	m.fields = newFields(o.Styles, slices.Compact(all))

	start := providers.Provider{Preset: o.Preset}
	if o.Original != nil {
		start = *o.Original
		m.base = *o.Original
		m.original = o.Original.Name
	}
	if start.Preset == "" {
		start.Preset = "oauth2"
	}
	m.setProducts(start.Preset)
	m.defaults = presetDefaults(providers.Provider{Preset: start.Preset, Product: start.Product,
		Environment: start.Environment, Market: start.Market})
	filled, err := providers.ApplyPreset(start)
	if err != nil {
		filled = start // an unknown preset or product: show what is stored
	}
	for k, v := range values(filled) {
		if i := m.index(k); i >= 0 {
			m.fields[i].set(v)
		}
	}
	m.followIssuer(false)
	m.placeDiscovered()
	if o.Original != nil {
		m.focus = m.index("name")
	}
	m.fields[m.focus].focus()
	m.initial = m.snapshot()
	m.updateKeys()
	return m
}

// snapshot is every row's value.
func (m *Model) snapshot() []string {
	vs := make([]string, len(m.fields))
	for i := range m.fields {
		vs[i] = m.fields[i].value()
	}
	return vs
}

// Changed reports whether a row's value differs from when the form opened.
func (m Model) Changed() bool { return !slices.Equal(m.snapshot(), m.initial) }

// Asking reports whether the form asks to discard the changes.
func (m Model) Asking() bool { return m.asking }

// presetDefaults is what a preset fills in for the product, environment
// and market of choice, as rows.
func presetDefaults(choice providers.Provider) map[string]string {
	p, err := providers.ApplyPreset(choice)
	if err != nil {
		return map[string]string{}
	}
	return values(p)
}

// choices is the preset, product, environment and market the rows hold.
func (m *Model) choices() providers.Provider {
	return providers.Provider{Preset: m.value("preset"), Product: m.value("product"),
		Environment: m.value("environment"), Market: m.value("market")}
}

// setProducts offers the preset's products, environments and markets,
// keeping the chosen ones when the new preset has them too.
func (m *Model) setProducts(preset string) {
	ps := m.presets[preset]
	offer := func(key string, list []string) {
		f := &m.fields[m.index(key)]
		cur := f.value()
		f.choices = []string{""}
		if len(list) > 0 {
			f.choices = slices.Clone(list)
		}
		f.choice = max(0, slices.Index(f.choices, cur))
	}
	offer("product", ps.Products)
	offer("environment", environmentChoices(ps))
	offer("market", ps.Markets)
}

func (m *Model) index(key string) int {
	for i := range m.fields {
		if m.fields[i].key == key {
			return i
		}
	}
	return -1
}

func (m *Model) value(key string) string {
	if i := m.index(key); i >= 0 {
		return m.fields[i].value()
	}
	return ""
}

// visible reports whether a row applies to the current values.
func (m *Model) visible(i int) bool {
	k := m.fields[i].key
	ps := m.presets[m.value("preset")]
	static := ps.Defaults.TokenMethod == providers.MethodNone
	switch {
	case k == "product":
		return len(ps.Products) > 0
	case k == "environment":
		return len(ps.Environments) > 0
	case k == "market":
		return len(ps.Markets) > 0
	case static && staticHides[k]:
		return false // a static key has no token endpoint
	case k == "client_id":
		return m.value("client_auth") != string(providers.AuthBearer)
	case k == "basic_auth":
		return ps.BasicHeader || m.value(k) != ""
	case k == "public_key" || k == "lifetime":
		return ps.Defaults.SessionEncryption != "" || m.value(k) != ""
	case k == "origin":
		return ps.Defaults.Origin != "" || m.value(k) != ""
	case k == "username" || k == "password":
		return m.value("grant_type") == string(providers.GrantPassword)
	case k == "authorization_url" || k == "redirect_uri" || k == "pkce":
		return m.value("grant_type") == string(providers.GrantAuthorizationCode)
	case k == "device_authorization_url":
		return providers.Grant(m.value("grant_type")).Device()
	case k == "client_secret" && m.value("client_auth") == string(providers.AuthNone):
		return m.value(k) != "" // a public client has none; one set shows, to be cleared
	case k == "logout_method":
		return m.value("logout_url") != ""
	case k == "try_method":
		return m.value("try_url") != ""
	case k == "try_body":
		return m.value("try_url") != "" && slices.Contains(bodyMethods, m.value("try_method"))
	case strings.HasPrefix(k, headerPrefix):
		return slices.Contains(m.headers[m.value("preset")], strings.TrimPrefix(k, headerPrefix))
	}
	return true
}

// staticHides are the rows a static-key provider has no use for: they
// say how a token is asked for.
var staticHides = map[string]bool{"token_url": true, "grant_type": true, "grant_in": true, "client_auth": true,
	"authorization_url": true, "redirect_uri": true, "pkce": true, "device_authorization_url": true,
	"client_id": true, "scope": true, "params": true, "jwks_url": true, "revocation_url": true,
	"introspection_url": true, "userinfo_url": true, "logout_url": true,
	"logout_method": true, "timeout": true}

// SetSize gives the form its room; it scrolls when the rows do not fit.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	w := max(10, width-labelWidth-4)
	for i := range m.fields {
		m.fields[i].input.Width = w
	}
	m.scroll()
}

// Editing reports whether the form edits an existing provider.
func (m Model) Editing() bool { return m.original != "" }

// Init starts the cursor blinking.
func (m Model) Init() tea.Cmd { return textinput.Blink }

// Update handles keys; other messages (the cursor's blink) go to the
// focused field.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m.updateFocused(msg)
	}
	if m.asking {
		switch {
		case key.Matches(km, m.KeyMap.Discard):
			return m, func() tea.Msg { return CancelledMsg{} }
		case key.Matches(km, m.KeyMap.Keep):
			m.asking = false
			m.updateKeys()
		}
		return m, nil
	}
	f := &m.fields[m.focus]
	switch {
	case key.Matches(km, m.KeyMap.Cancel):
		if m.Changed() {
			m.asking = true
			m.updateKeys()
			return m, nil
		}
		return m, func() tea.Msg { return CancelledMsg{} }
	case key.Matches(km, m.KeyMap.Submit):
		return m.submit()
	case km.Type == tea.KeyEnter && m.focus == m.lastVisible():
		return m.submit()
	case key.Matches(km, m.KeyMap.Next):
		return m, m.move(+1)
	case key.Matches(km, m.KeyMap.Prev):
		return m, m.move(-1)
	case key.Matches(km, m.KeyMap.CycleNext):
		m.cycle(+1)
		return m, nil
	case key.Matches(km, m.KeyMap.CyclePrev):
		m.cycle(-1)
		return m, nil
	case key.Matches(km, m.KeyMap.Reveal) && f.kind == kindHeaders:
		f.revealed = !f.revealed
		return m, nil
	case key.Matches(km, m.KeyMap.Reveal):
		if f.input.EchoMode == textinput.EchoNormal {
			f.input.EchoMode = textinput.EchoPassword
		} else {
			f.input.EchoMode = textinput.EchoNormal
		}
		return m, nil
	}
	before, had := f.value(), m.hasIssuer()
	m, cmd := m.updateFocused(msg)
	if f := &m.fields[m.focus]; f.value() != before {
		f.err = ""
		m.followIssuer(had)
		m.placeDiscovered()
		m.scroll() // a row may have appeared (logout method) or gone
	}
	return m, cmd
}

func (m Model) updateFocused(msg tea.Msg) (Model, tea.Cmd) {
	f := &m.fields[m.focus]
	if f.kind == kindChoice {
		return m, nil
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return m, cmd
}

// move focuses the next or previous visible row, wrapping around.
func (m *Model) move(step int) tea.Cmd {
	m.fields[m.focus].blur()
	n := len(m.fields)
	for i := (m.focus + step + n) % n; ; i = (i + step + n) % n {
		if m.visible(i) {
			m.focus = i
			break
		}
	}
	m.updateKeys()
	m.scroll()
	return m.fields[m.focus].focus()
}

func (m *Model) lastVisible() int {
	for i := len(m.fields) - 1; i >= 0; i-- {
		if m.visible(i) {
			return i
		}
	}
	return 0
}

// cycle changes a choice; a new preset or product brings its defaults.
func (m *Model) cycle(step int) {
	f := &m.fields[m.focus]
	if f.kind != kindChoice {
		return
	}
	f.cycle(step)
	f.err = ""
	switch f.key {
	case "client_auth":
		if f.value() == fromIssuer && !m.hasIssuer() {
			f.cycle(step) // nothing to pick from without an issuer
		}
		m.follows = false
	case "preset":
		m.setProducts(f.value())
		m.refill()
	case "product", "environment", "market":
		m.refill()
	}
	m.scroll()
}

// hasIssuer reports whether the issuer row holds one.
func (m *Model) hasIssuer() bool { return strings.TrimSpace(m.value("issuer")) != "" }

// followIssuer moves the client auth row when the issuer row was filled or
// emptied (had is whether it held one before): to "from the issuer" when
// the form chose the row's value, and back to the preset's default when
// the issuer it was left to is gone, as Validate needs a client_auth then.
func (m *Model) followIssuer(had bool) {
	has := m.hasIssuer()
	if has == had {
		return
	}
	f := &m.fields[m.index("client_auth")]
	switch {
	case has && m.follows:
		f.set(fromIssuer)
	case !has && f.value() == fromIssuer:
		d := m.defaults["client_auth"]
		if d == "" {
			d = string(providers.AuthBasic) // RFC 8414's default
		}
		f.set(d)
		f.err = ""
		m.follows = true
	}
}

// refill moves every row the user left at the old preset's default to the
// new preset's default; rows the user changed keep their value.
func (m *Model) refill() {
	next := presetDefaults(m.choices())
	for i := range m.fields {
		f := &m.fields[i]
		switch f.key {
		case "preset", "product", "environment", "market":
			continue
		}
		if f.value() == m.defaults[f.key] {
			f.set(next[f.key])
		}
	}
	m.defaults = next
}
