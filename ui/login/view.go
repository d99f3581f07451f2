package login

// The pane drawn: what the sign-in is doing, the URL or the user code
// (large when it fits) and the QR code, wrapped to the pane.

import (
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers/display"
)

// View renders the pane, at most its size.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 || m.styles == nil {
		return ""
	}
	st := m.styles
	name := display.Text(m.name)
	var title string
	if m.kind == Device {
		title = "Sign in to " + name + " on any device"
	} else {
		title = "Sign in to " + name + " in a browser"
	}
	lines := m.wrap(st.Title, title)
	lines = append(lines, m.wrap(st.Text, m.doing())...)
	if m.refusal != "" {
		lines = append(lines, m.wrap(st.Error, "✗ "+display.Text(m.refusal))...)
	}
	lines = append(lines, "")
	if m.kind == Device {
		lines = m.deviceLines(lines)
	} else {
		lines = m.browserLines(lines)
	}
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	for i, l := range lines {
		// Every line the pane's width, as the frame around it expects.
		if w := lipgloss.Width(l); w < m.width {
			lines[i] = l + strings.Repeat(" ", m.width-w)
		} else if w > m.width {
			lines[i] = ansi.Truncate(l, m.width, "")
		}
	}
	return strings.Join(lines, "\n")
}

// doing is the spinner and what the sign-in waits for, with the time left.
func (m Model) doing() string {
	var s string
	switch {
	case m.phase == Starting && m.kind == Device:
		s = "asking for a device code…"
	case m.phase == Starting:
		s = "opening the callback listener…"
	case m.phase == Redeeming:
		s = "the browser came back: redeeming the code…"
	case m.phase == Cancelling:
		s = "cancelling the sign-in…"
	case m.kind == Device:
		s = "waiting for the sign-in to be approved…"
	case m.pasteOnly:
		s = "waiting for the URL the browser lands on…"
	default:
		s = "waiting for the browser…"
	}
	if m.frame != "" {
		s = m.styles.Spinner.Render(m.frame) + " " + s
	}
	if m.phase == Waiting && !m.deadline.IsZero() {
		left := m.deadline.Sub(m.now)
		what := " · gives up in "
		switch {
		case m.kind == Device && m.assumed:
			what = " · the server gave no expiry: giving up in "
		case m.kind == Device:
			what = " · code expires in "
		}
		if left > 0 {
			s += what + display.Duration(left.Truncate(time.Second))
		} else {
			s += " · out of time"
		}
	}
	return s
}

// browserLines are the authorization URL and the keys; with the field
// open, the field and its keys come first, where a short pane keeps them.
func (m Model) browserLines(lines []string) []string {
	st := m.styles
	if m.url == "" {
		return lines
	}
	if m.typing {
		lines = append(lines, st.Label.Render("Paste the URL the browser was sent back to:"))
		lines = append(lines, m.field.view(m.width, st), "")
		lines = append(lines, m.wrap(st.Hint, m.keysHint())...)
		lines = append(lines, "")
	}
	lines = append(lines, st.Label.Render("Open this URL to sign in:"))
	lines = append(lines, m.wrapURL(m.url)...)
	if m.typing {
		return lines
	}
	lines = append(lines, "")
	if m.pasteOnly {
		say := "The redirect_uri " + display.Text(m.redirect) + " is not on this machine: once signed in, " +
			"press " + m.KeyMap.Paste.Help().Key + " and paste the URL the browser lands on."
		lines = append(lines, m.wrap(st.Hint, say)...)
		lines = append(lines, "")
	}
	return append(lines, m.wrap(st.Hint, m.keysHint())...)
}

func (m Model) deviceLines(lines []string) []string {
	st := m.styles
	if m.userCode == "" {
		return lines
	}
	lines = append(lines, st.Label.Render("Open this page on any device:"))
	lines = append(lines, m.wrapURL(m.pageURI)...)
	hint := m.wrap(st.Hint, m.keysHint())
	code := append([]string{st.Label.Render("and enter the code:")}, m.wrap(st.Code, spaced(display.Text(m.userCode)))...)
	var big []string
	if b, w, ok := bigCode(m.userCode); ok && w <= m.width {
		// The code in letters a few rows tall, to read off across a
		// room, and once in text beside its label.
		big = []string{st.Label.Render("and enter the code ") + st.Code.Render(m.userCode) + st.Label.Render(":")}
		for _, l := range b {
			big = append(big, st.Code.Render(l))
		}
	}
	qr := 2 + len(m.qr) // its caption, the code, a blank line
	fits := func(code []string, withQR bool) bool {
		n := len(lines) + 1 + len(code) + 1 + len(hint)
		if withQR {
			n += qr
		}
		return n <= m.height
	}
	// The QR code only when it fits whole (a cut one scans as nothing),
	// before the large letters when there is room for one of the two.
	canQR, withQR := m.qr != nil && m.qrW <= m.width, false
	switch {
	case big != nil && canQR && fits(big, true):
		code, withQR = big, true
	case canQR && fits(code, true):
		withQR = true
	case big != nil && fits(big, false):
		code = big
	}
	lines = append(lines, "")
	lines = append(lines, code...)
	lines = append(lines, "")
	if withQR {
		caption := "or scan this code, the page with the code filled in:"
		if m.url == m.pageURI {
			caption = "or scan this code to open the page:"
		}
		lines = append(lines, st.Hint.Render(caption))
		lines = append(lines, m.qr...)
		lines = append(lines, "")
	}
	return append(lines, hint...)
}

// keysHint names the pane's keys that work.
func (m Model) keysHint() string {
	var parts []string
	for _, b := range m.KeyMap.ShortHelp() {
		if b.Enabled() {
			parts = append(parts, b.Help().Key+" "+b.Help().Desc)
		}
	}
	return strings.Join(parts, " · ")
}

// wrap renders s in st, word-wrapped to the pane's width.
func (m Model) wrap(st lipgloss.Style, s string) []string {
	return strings.Split(st.Render(ansi.Wrap(s, m.width, "")), "\n")
}

// wrapURL is u, made safe for the terminal, cut into lines of the pane's
// width: whole, never shortened, so it can be read and typed.
func (m Model) wrapURL(u string) []string {
	s := display.Text(u)
	var out []string
	for len(s) > 0 {
		part := ansi.Truncate(s, m.width, "")
		if part == "" {
			break
		}
		out = append(out, m.styles.URL.Render(part))
		s = s[len(part):]
	}
	return out
}

// spaced is the user code with a space between its characters, easier
// to read off and type.
func spaced(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
