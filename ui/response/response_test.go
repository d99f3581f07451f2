package response

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/tokenscope/tokenscope/providers/oauth"
)

func answer(status int, contentType, body string) *oauth.TryResult {
	return &oauth.TryResult{Method: "GET", URL: "https://api.example.com/v1/me", Status: status,
		StatusLine: "HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status), Latency: 120 * time.Millisecond, ContentType: contentType,
		Header: http.Header{"Content-Type": {contentType}, "X-Request-Id": {"r-1"}}, Body: []byte(body)}
}

func sized(m Model, w, h int) Model {
	m.SetSize(w, h)
	return m
}

func keys(m Model, ks ...string) Model {
	for _, k := range ks {
		var msg tea.KeyMsg
		switch k {
		case "pgdown":
			msg = tea.KeyMsg{Type: tea.KeyPgDown}
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		m, _ = m.Update(msg)
	}
	return m
}

func TestLayoutShowsStatusHeadersAndIndentedJSON(t *testing.T) {
	t.Parallel()
	m := sized(New("alpha", answer(200, "application/json", `{"name":"Ada","tags":["x",1,true,null],"o":{}}`), nil), 60, 40)
	got := m.View()
	want := strings.Join([]string{
		"alpha  200 OK  GET https://api.example.com/v1/me",
		"HTTP/1.1 · 120 ms · 46 bytes · application/json",
		"",
		"Headers",
		"Content-Type: application/json",
		"X-Request-Id: r-1",
		"",
		"Body",
		"{",
		`  "name": "Ada",`,
		`  "tags": [`,
		`    "x",`,
		"    1,",
		"    true,",
		"    null",
		"  ],",
		`  "o": {}`,
		"}",
	}, "\n")
	lines := strings.Split(got, "\n")
	for i, l := range lines {
		if w := ansi.StringWidth(l); w != 60 {
			t.Errorf("line %d is %d cells wide, want 60: %q", i, w, l)
		}
		lines[i] = strings.TrimRight(l, " ")
	}
	if s := strings.Join(lines, "\n"); s != want {
		t.Errorf("view:\n%s\nwant:\n%s", s, want)
	}
}

// TestJSONIsHighlightedByRole draws each role in an attribute of its own
// and finds each token in its role's.
func TestJSONIsHighlightedByRole(t *testing.T) {
	t.Parallel()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI)
	st := &Styles{Key: r.NewStyle().Bold(true), String: r.NewStyle().Underline(true),
		Number: r.NewStyle().Italic(true), Literal: r.NewStyle().Reverse(true), Punctuation: r.NewStyle().Faint(true)}
	v := sized(New("alpha", answer(200, "application/json", `{"k":"v","n":12,"b":false}`), st), 40, 40).View()
	for _, want := range []string{"\x1b[1m\"k\"", "4m\"v\"", "\x1b[3m12", "\x1b[7mfalse", "\x1b[2m{"} {
		if !strings.Contains(v, want) {
			t.Errorf("view lacks %q:\n%q", want, v)
		}
	}
}

// TestHostileBodyAndHeadersAreEscaped plants escape sequences, C1 and
// bidi controls, a lone CR and bytes that are not UTF-8 in the headers
// and the body, as JSON and as text: none reaches the view raw, each
// shows escaped.
func TestHostileBodyAndHeadersAreEscaped(t *testing.T) {
	t.Parallel()
	const hostile = "\x1b[2JCSI \x1b]52;c;SGVsbG8=\x07 \u009b31mC1 \u202eRLO\rCR \xff"
	for _, tc := range []struct{ name, ct, body string }{
		{"text", "text/plain", "line " + hostile + "\nsecond"},
		{"json", "application/json", `{"k` + "\u202e" + `":"v` + "\u009b" + `","esc":"\u001b[2J"}`},
		{"binary", "application/octet-stream", "\xff\xfe\x00\x1b[2J"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := answer(200, tc.ct, tc.body)
			res.Header.Set("X-Evil", "h"+hostile)
			res.URL += "\u202e"
			v := sized(New("alpha", res, nil), 200, 40).View()
			for _, raw := range []string{"\x1b", "\a", "\u009b", "\u202e", "\r", "\xff", "\x00"} {
				if strings.Contains(v, raw) {
					t.Errorf("view holds %q raw:\n%q", raw, v)
				}
			}
			if !strings.Contains(v, `X-Evil: h\x1b[2JCSI \x1b]52;c;SGVsbG8=\x07 \u009b31mC1 \u202eRLO\rCR \xff`) {
				t.Errorf("the header is not shown escaped:\n%s", v)
			}
			if !strings.Contains(v, `https://api.example.com/v1/me\u202e`) {
				t.Errorf("the URL is not shown escaped:\n%s", v)
			}
		})
	}
}

func TestScrollingAndItsKeys(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("line\n", 100)
	m := sized(New("alpha", answer(200, "text/plain", body), nil), 80, 10)
	if m.KeyMap.Up.Enabled() || !m.KeyMap.Down.Enabled() || !m.KeyMap.Copy.Enabled() {
		t.Errorf("at the top: up %v, down %v, copy %v", m.KeyMap.Up.Enabled(), m.KeyMap.Down.Enabled(), m.KeyMap.Copy.Enabled())
	}
	total := 8 + 100 // the head, the headers, then the body's lines
	if above, below := m.Hidden(); above != 0 || below != total-10 {
		t.Errorf("hidden %d above, %d below", above, below)
	}
	m = keys(m, "j", "j", "k")
	if m.offset != 1 {
		t.Errorf("after j j k: offset %d", m.offset)
	}
	m = keys(m, "pgdown")
	if m.offset != 10 {
		t.Errorf("after pgdown: offset %d", m.offset)
	}
	m = keys(m, "G")
	if above, below := m.Hidden(); above != total-10 || below != 0 || m.KeyMap.Down.Enabled() {
		t.Errorf("after G: %d above, %d below, down enabled %v", above, below, m.KeyMap.Down.Enabled())
	}
	m, _ = m.Update(tea.MouseMsg{Action: tea.MouseActionPress, Button: tea.MouseButtonWheelUp})
	if m.offset != total-10-wheelLines {
		t.Errorf("after the wheel up: offset %d", m.offset)
	}
	m = keys(m, "g")
	if m.offset != 0 {
		t.Errorf("after g: offset %d", m.offset)
	}
	// A narrower view wraps, and keeps the offset inside the content.
	m = keys(m, "G")
	m.SetSize(20, 10)
	if above, below := m.Hidden(); above+10+below != len(m.lines) || above > m.maxOffset() {
		t.Errorf("after narrowing: %d above, %d below of %d lines", above, below, len(m.lines))
	}
}

func TestCopyAndClose(t *testing.T) {
	t.Parallel()
	m := sized(New("alpha", answer(200, "application/json", `{"a":1}`), nil), 40, 10)
	m, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("c")})
	if cmd == nil {
		t.Fatal("c asked for nothing")
	}
	if msg, ok := cmd().(CopyMsg); !ok || msg.Body != `{"a":1}` || msg.Name != "alpha" {
		t.Errorf("c asked for %#v", cmd())
	}
	if m.Closed() {
		t.Error("closed by c")
	}
	if m = keys(m, "esc"); !m.Closed() {
		t.Error("esc did not close the view")
	}
	empty := sized(New("alpha", answer(204, "", ""), nil), 40, 10)
	if empty.KeyMap.Copy.Enabled() {
		t.Error("copy enabled with no body")
	}
	if !strings.Contains(empty.View(), "empty") {
		t.Errorf("an empty body is not said:\n%s", empty.View())
	}
}

func TestLongLinesWrapAtTheWidth(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("abcdefghij", 10)
	m := sized(New("alpha", answer(200, "application/json", `{"long":"`+long+`"}`), nil), 30, 40)
	var joined strings.Builder
	for _, l := range strings.Split(m.View(), "\n") {
		if ansi.StringWidth(l) != 30 {
			t.Errorf("line %q is not 30 cells", l)
		}
		joined.WriteString(strings.TrimRight(l, " "))
	}
	if !strings.Contains(joined.String(), `"long": "`+long+`"`) {
		t.Errorf("the wrapped string does not join back:\n%s", m.View())
	}
}
