package form

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
)

// nameWidth is the width of a row's name; labelWidth that of the label
// column, the name and the mark of a required row (" *").
const (
	nameWidth  = 16
	labelWidth = nameWidth + 2
)

// indent lines up error and hint lines under the values.
const indent = 2 + labelWidth + 1

// View draws the form: a title, the rows that fit, and a footer with a
// refusal no row owns or where the hidden rows are.
func (m Model) View() string {
	var b strings.Builder
	title := "Add a provider"
	if m.original != "" {
		title = "Edit " + display.Text(m.original)
	}
	b.WriteString(m.fit(m.st.Title.Render(title) + "  " + m.st.Hint.Render("* required")))
	b.WriteString("\n\n")

	lines, above, below := m.window()
	b.WriteString(strings.Join(lines, "\n"))
	b.WriteString("\n")
	switch {
	case m.asking:
		k := &m.KeyMap
		b.WriteString(m.st.Error.Render(m.fit("Discard your changes? " + k.Discard.Help().Key + " " +
			k.Discard.Help().Desc + " · " + k.Keep.Help().Key + " " + k.Keep.Help().Desc)))
	case m.problem != "":
		b.WriteString(m.st.Error.Render(m.fit("✗ " + display.Text(m.problem))))
	case above > 0 || below > 0:
		var parts []string
		if above > 0 {
			parts = append(parts, "↑ "+strconv.Itoa(above)+" more above")
		}
		if below > 0 {
			parts = append(parts, "↓ "+strconv.Itoa(below)+" more below")
		}
		b.WriteString(m.st.Scroll.Render(m.fit(strings.Join(parts, " · "))))
	}
	return b.String()
}

// required reports whether a row must be filled for the provider to be
// saved: the rows Validate and the preset refuse empty.
func (m Model) required(f *field) bool {
	switch f.key {
	case "name", "client_id", "username":
		return true
	case "token_url", "authorization_url", "device_authorization_url":
		return m.value("issuer") == "" // the issuer's metadata gives it
	}
	return strings.HasPrefix(f.key, headerPrefix)
}

// bodyHeight is how many rows' lines fit; 0 means no limit (unsized).
func (m Model) bodyHeight() int {
	if m.height <= 0 {
		return 0
	}
	return max(1, m.height-3) // title, blank line, footer
}

// span is the lines one visible row takes: the row, its refusal and,
// when focused, its hint.
type span struct {
	field, lines int
}

// layout measures the visible rows without drawing them, and says which
// lines the focused row takes.
func (m Model) layout() (spans []span, total, top, bottom int) {
	spans = make([]span, 0, len(m.fields))
	for i := range m.fields {
		if !m.visible(i) {
			continue
		}
		n := 1 + len(m.refusal(&m.fields[i]))
		if i == m.focus {
			n += len(m.hintLines(&m.fields[i]))
			top, bottom = total, total+n-1
		}
		spans = append(spans, span{field: i, lines: n})
		total += n
	}
	return spans, total, top, bottom
}

// window draws the rows in view and counts the lines hidden above and
// below.
func (m Model) window() (lines []string, above, below int) {
	spans, total, _, _ := m.layout()
	first, end := 0, total
	if h := m.bodyHeight(); h > 0 && total > h {
		first, end = m.offset, min(total, m.offset+h)
	}
	at := 0
	for _, s := range spans {
		if at+s.lines <= first || at >= end {
			at += s.lines
			continue
		}
		f := &m.fields[s.field]
		block := []string{m.row(f, s.field == m.focus)}
		for _, l := range m.refusal(f) {
			block = append(block, m.under(l, m.st.Error.Render))
		}
		if s.field == m.focus {
			for _, l := range m.hintLines(f) {
				block = append(block, m.under(l, m.st.Hint.Render))
			}
		}
		lo, hi := max(0, first-at), min(len(block), end-at)
		lines = append(lines, block[lo:hi]...)
		at += s.lines
	}
	return lines, first, total - end
}

// scroll moves the window so the focused row shows whole, or at least
// its first line when it is taller than the window.
func (m *Model) scroll() {
	h := m.bodyHeight()
	if h == 0 {
		m.offset = 0
		return
	}
	_, total, top, bottom := m.layout()
	if bottom >= m.offset+h {
		m.offset = bottom - h + 1
	}
	if top < m.offset {
		m.offset = top
	}
	m.offset = max(0, min(m.offset, total-h))
}

func (m Model) row(f *field, focused bool) string {
	marker, label := "  ", m.st.Label
	if focused {
		marker, label = m.st.FocusedPrompt.Render("▸ "), m.st.FocusedLabel
	}
	name := presetLabel(m.value("preset"), f.key, f.label)
	name = ansi.Truncate(name, nameWidth, "…")
	if m.required(f) {
		name += " *"
	}
	line := marker + label.Render(name+strings.Repeat(" ", labelWidth-ansi.StringWidth(name))) + " "
	if f.kind != kindChoice {
		return m.fit(line + m.inputView(f))
	}
	v := display.Text(f.value())
	switch {
	case f.key == "client_auth" && f.value() == fromIssuer:
		v = m.fromIssuerText()
	case v == "":
		v = "(default)"
	}
	if focused {
		line += m.st.Arrow.Render("‹ ") + m.st.FocusedChoice.Render(v) + m.st.Arrow.Render(" ›")
	} else {
		line += m.st.Choice.Render(v)
	}
	if f.key == "preset" {
		if title, ok := m.presetTitle(line); ok {
			line += "  " + m.st.Hint.Render(title)
		}
	}
	return m.fit(line)
}

// presetTitle is the chosen preset's title, to show after the preset row's
// line; ok is false when there is none or when it does not fit there (it
// is then the first lines of the row's hint, wrapped, never cut).
func (m Model) presetTitle(line string) (title string, ok bool) {
	ps, ok := m.presets[m.value("preset")]
	if !ok || ps.Title == "" {
		return "", false
	}
	title = display.Text(ps.Title)
	return title, m.width <= 0 || ansi.StringWidth(line)+2+ansi.StringWidth(title) <= m.width
}

// hintLines are the focused row's hint, wrapped; the preset row's start
// with the preset's title when the row has no room for it.
func (m Model) hintLines(f *field) []string {
	lines := m.wrap(m.hint(f))
	if f.key != "preset" {
		return lines
	}
	if title, ok := m.presetTitle(m.presetLine(f)); !ok && title != "" {
		return append(m.wrap(m.presets[f.value()].Title), lines...)
	}
	return lines
}

// presetLine is the preset row's line before the title, as row draws it
// focused (the widest).
func (m Model) presetLine(f *field) string {
	v := display.Text(f.value())
	return "▸ " + strings.Repeat(" ", labelWidth) + " ‹ " + v + " ›"
}

// wrap cuts a refusal or a hint into lines that fit under the values;
// nil for no text.
func (m Model) wrap(text string) []string {
	if text == "" {
		return nil
	}
	_, w := m.indentWidth()
	// Wrap, not Wordwrap: a word longer than the line (a URL) is broken
	// rather than cut with an ellipsis.
	return strings.Split(ansi.Wrap(display.Text(text), w, ""), "\n")
}

// inputView is a text row's input. A value from an import file may hold
// what the terminal must not get raw; such a value is shown through
// display.Text instead of the input's own view (which draws its runes as
// they are), and editing it still edits the value as it was received.
// A masked secret is safe as it is: the input draws only its mask.
func (m Model) inputView(f *field) string {
	v := f.input.Value()
	if f.kind == kindHeaders && !f.revealed && v != "" {
		return m.maskedView(f)
	}
	if display.Safe(v) || f.input.EchoMode != textinput.EchoNormal {
		return f.input.View()
	}
	return f.input.TextStyle.Render(display.Text(v))
}

// maskedView is the headers row with its values masked: the names show,
// each character of a value is a •, and the cursor is where the input has
// it, the text scrolled to keep it in view. Like the input's own view it
// is the input's width and one cell for the cursor.
func (m Model) maskedView(f *field) string {
	rs := maskHeaders(f.input.Value())
	pos := min(f.input.Position(), len(rs))
	w := max(f.input.Width, 1)
	first := max(0, pos-w+1)
	last := min(len(rs), first+w)
	st := f.input.TextStyle.Inline(true)
	under := " "
	if pos < last {
		under = string(rs[pos])
	}
	c := f.input.Cursor
	c.SetChar(under)
	var b strings.Builder
	b.WriteString(st.Render(string(rs[first:pos])))
	b.WriteString(c.View())
	shown := pos - first + 1
	if pos+1 < last {
		b.WriteString(st.Render(string(rs[pos+1 : last])))
		shown += last - pos - 1
	}
	b.WriteString(st.Render(strings.Repeat(" ", max(0, w+1-shown))))
	return b.String()
}

// refusal is a row's refusal as wrapped lines; nil when there is none.
func (m Model) refusal(f *field) []string {
	if f.err == "" {
		return nil
	}
	return m.wrap("✗ " + f.err)
}

// under indents one wrapped line under the values.
func (m Model) under(text string, render func(...string) string) string {
	ind, _ := m.indentWidth()
	return m.fit(strings.Repeat(" ", ind) + render(text))
}

// indentWidth is where lines under a row start and how wide they may be:
// under the values, or barely indented when the form is too narrow.
func (m Model) indentWidth() (ind, width int) {
	if m.width <= 0 {
		return indent, 60
	}
	ind = indent
	if m.width-indent < 20 {
		ind = 2
	}
	return ind, max(6, m.width-ind)
}

// fit cuts a line to the form's width.
func (m Model) fit(s string) string {
	if m.width <= 0 {
		return s
	}
	return ansi.Truncate(s, m.width, "…")
}

// authHint says how a client_auth sends the client id and secret.
func (m Model) authHint(a providers.ClientAuth) string {
	switch a {
	case providers.AuthBasic:
		return "sent in the Authorization header (HTTP Basic)"
	case providers.AuthBody:
		return "sent in the form body"
	case providers.AuthQuery:
		return "sent in the query string, where server logs may keep it"
	case providers.AuthNone:
		return "a public client: client_id in the form body, no secret"
	case providers.AuthBearer:
		if m.value("public_key") != "" || m.presets[m.value("preset")].Defaults.SessionEncryption != "" {
			return "sent as the Bearer, encrypted to the public key (RSA PKCS #1 v1.5)"
		}
		return "sent as the Bearer"
	}
	return ""
}

// discovery is what the issuer's metadata picks for the client the rows
// describe; ok is false when the form has no metadata of the issuer the
// row names (a new provider, one never fetched, or an issuer changed).
func (m Model) discovery() (d providers.Discovery, ok bool) {
	if _, ok := m.metadata(); !ok {
		return providers.Discovery{}, false
	}
	p := providers.Provider{ClientSecret: providers.Secret(m.fieldValue("client_secret"))}
	_, d = p.Discovered(m.meta)
	return d, true
}

// metadata is the form's issuer metadata when it is that of the issuer the
// row names; ok is false otherwise.
func (m Model) metadata() (md *providers.Metadata, ok bool) {
	iss := strings.TrimSpace(m.value("issuer"))
	if m.meta == nil || iss == "" || m.meta.Issuer != iss {
		return nil, false
	}
	return m.meta, true
}

// fromIssuerText is the client auth row's "from the issuer", with the
// method the metadata picks when the form has it: "from the issuer: basic
// (client_secret_basic)".
func (m Model) fromIssuerText() string {
	d, ok := m.discovery()
	switch {
	case !ok:
		return "from the issuer"
	case d.ClientAuth == providers.AuthNone:
		return "from the issuer: none (no client secret)"
	case d.Method != "":
		return "from the issuer: " + string(d.ClientAuth) + " (" + display.Text(d.Method) + ")"
	case len(d.Methods) > 0:
		return "from the issuer: " + string(d.ClientAuth) + " (none it lists fits)"
	}
	return "from the issuer: " + string(d.ClientAuth) + " (it lists none)"
}

// hint explains the focused row when it needs it.
func (m Model) hint(f *field) string {
	switch {
	case f.key == "preset":
		return m.presets[f.value()].Doc
	case f.key == "client_id" || f.key == "client_secret":
		a := providers.ClientAuth(m.value("client_auth"))
		if a != fromIssuer {
			return m.authHint(a)
		}
		if d, ok := m.discovery(); ok {
			return "the issuer's metadata picks " + string(d.ClientAuth) + ": " + m.authHint(d.ClientAuth)
		}
		return "sent as the issuer's metadata picks at the first fetch"
	case f.key == "client_auth" && f.value() == fromIssuer:
		d, ok := m.discovery()
		switch {
		case !ok:
			return "saved unset: the first fetch picks it from the issuer's token_endpoint_auth_methods_supported " +
				"and says which"
		case len(d.Methods) == 0:
			return "saved unset: the issuer lists no token_endpoint_auth_methods_supported, " +
				"so basic for a client with a secret (RFC 8414's default), none without"
		}
		return "saved unset, picked from the methods the issuer lists: " + strings.Join(d.Methods, " ")
	case f.key == "client_auth" && m.hasIssuer():
		return "set here, whatever the issuer lists; \"from the issuer\" lets its metadata pick"
	case f.key == "basic_auth":
		return "the portal's ready-made \"Basic …\" header, instead of client id and secret"
	case f.key == "public_key":
		return "the market's RSA public key from the portal: not a secret"
	case f.key == "lifetime":
		return "the answer states none: the countdown uses this, shown as your setting"
	case f.key == "origin":
		return "sent as the Origin header with the token and try requests"
	case f.key == "market" || f.key == "environment":
		return "picks the token URL"
	case discoveredRows[f.key].own != "" && m.hasIssuer() && f.value() != "":
		return "set here, whatever the issuer's metadata lists; empty lets it give one"
	case f.key == "introspection_url":
		return "tokenscope introspect asks it whether a token is active"
	case f.key == "userinfo_url":
		return "tokenscope userinfo calls it with the access token"
	case f.key == "authorization_url" || f.key == "device_authorization_url":
		if m.value("issuer") != "" {
			return "the issuer's metadata gives it when empty"
		}
	case f.key == "redirect_uri":
		return "empty: a free port on 127.0.0.1; a port or path set is used exactly, as the server registered it"
	case f.key == "pkce":
		return "S256 sends a code challenge (RFC 7636); off for servers that refuse one"
	case f.key == "grant_in":
		return "where grant_type travels: the form body, the query string, or nowhere (MoMo)"
	case strings.HasPrefix(f.key, headerPrefix):
		return "sent as the " + strings.TrimPrefix(f.key, headerPrefix) + " header with every token request"
	case f.kind == kindHeaders:
		return "more headers for every token request, as Name: value" + headerSep + " Name: value " +
			"(ctrl+r shows or hides the values)"
	case f.key == "params":
		return "extra form parameters, key=value separated by spaces"
	case f.key == "timeout":
		return "the limit for one whole token request"
	case f.key == "insecure":
		return "yes skips TLS certificate checks: for test servers only"
	case f.kind == kindSecret:
		return "ctrl+r shows or hides it"
	}
	return ""
}
