package ui

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/session"
)

// tryAnswer is a try request's answer for the unit tests.
func tryAnswer(status int, body string) *oauth.TryResult {
	return &oauth.TryResult{Method: "GET", URL: "https://api.example.com/me", Status: status,
		StatusLine: "HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status), Latency: 42 * time.Millisecond,
		ContentType: "application/json", Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(body)}
}

// tryModel is a unit model with one provider that has a token and a try
// URL, its try begun: the answer is the next message.
func tryModel(t *testing.T, w, h int) (Model, uint64) {
	t.Helper()
	c := &clock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	p := prov("alpha")
	p.TryURL = "https://api.example.com/me"
	m := unitModel(t, c, w, h, store.Entry{Provider: p, Token: token(c.now, time.Hour)})
	m, cmd := press(m, "t")
	if cmd == nil {
		t.Fatal("t started nothing")
	}
	return m, m.sess.Get("alpha").Pending
}

func TestTryAnswerOpensTheResponseView(t *testing.T) {
	t.Parallel()
	m, seq := tryModel(t, 100, 30)
	m = step(m, tryMsg{name: "alpha", seq: seq, res: tryAnswer(200, `{"name":"Ada","admin":true,"n":7}`)})
	if m.response == nil {
		t.Fatalf("no response view after the answer:\n%s", plain(m))
	}
	v := plain(m)
	for _, want := range []string{"alpha  200 OK  GET https://api.example.com/me", "HTTP/1.1 · 42 ms",
		"Content-Type: application/json", `  "name": "Ada",`, `  "admin": true,`, "esc/q close"} {
		if !strings.Contains(v, want) {
			t.Errorf("the response view lacks %q:\n%s", want, v)
		}
	}
	// q closes the view, and does not quit.
	next, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q")})
	m = next.(Model)
	if cmd != nil {
		if _, quit := cmd().(tea.QuitMsg); quit {
			t.Fatal("q in the response view quit the explorer")
		}
	}
	if m.response != nil {
		t.Fatal("q did not close the response view")
	}
	if !strings.Contains(plain(m), "Providers") {
		t.Errorf("after closing:\n%s", plain(m))
	}
	// o opens it again.
	m, _ = press(m, "o")
	if m.response == nil {
		t.Error("o did not open the last response again")
	}
}

// TestHostileAnswerIsEscapedInTheResponseViewAndTheLog sends a real try
// request, through the engine and its trace hook, to a server whose
// header and body carry escape sequences, C1 and bidi controls and a
// lone CR: neither the response view nor the log pane holds any of them
// raw, both show them escaped, and the body is not copied.
func TestHostileAnswerIsEscapedInTheResponseViewAndTheLog(t *testing.T) {
	t.Parallel()
	const hostile = "\x1b[2JCSI \x1b]52;c;SGVsbG8=\x07 \u009b31mC1 \u202eRLO\rCR"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("X-Evil", "h\u009b31mC1 \u202eRLO") // net/http refuses C0 in a header
		_, _ = w.Write([]byte("body " + hostile + "\nline two"))
	}))
	t.Cleanup(srv.Close)
	m, seq := tryModel(t, 120, 40)
	e := m.sess.Get("alpha")
	p := e.Provider
	p.TryURL = srv.URL + "/try"
	msg := tryCmd(oauth.NewClient(oauth.Options{}), p, e.Token, seq)()
	if tm, ok := msg.(tryMsg); !ok || tm.err != nil || len(tm.exchanges) != 1 {
		t.Fatalf("try answered %#v", msg)
	}
	m = step(m, msg)
	m, _ = press(m, "L", "]", "]") // the log, scrolled to the answer's body
	if m.response == nil || !m.logShown() {
		t.Fatal("the response view and the log are not open")
	}
	for _, v := range []string{m.View(), m.exlog.View()} {
		for _, raw := range []string{"\x1b[2J", "\x1b]52", "\a", "\u009b", "\u202e", "\r"} {
			if strings.Contains(v, raw) {
				t.Errorf("the screen holds %q raw:\n%q", raw, v)
			}
		}
	}
	v := plain(m)
	for _, want := range []string{`body \x1b[2JCSI \x1b]52;c;SGVsbG8=\x07 \u009b31mC1 \u202eRLO\rCR`,
		`X-Evil: h\u009b31mC1 \u202eRLO`, `< body \x1b[2JCSI`} {
		if !strings.Contains(v, want) {
			t.Errorf("the screen lacks %q:\n%s", want, v)
		}
	}
	m, cmd := press(m, "c")
	if cmd == nil {
		t.Fatal("c did nothing")
	}
	m = step(m, cmd())
	if !strings.Contains(plain(m), "not copied: the body of alpha holds control or format characters") {
		t.Errorf("a hostile body was copied:\n%s", plain(m))
	}
}

// TestLogKeyTogglesThePaneAndHelpSaysSo opens and hides the log, and
// finds its keys on the help page, dimmed when they do nothing.
func TestLogKeyTogglesThePaneAndHelpSaysSo(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}
	m := unitModel(t, c, 80, 24, store.Entry{Provider: prov("alpha"), Token: token(c.now, time.Hour)})
	if m.logShown() || !m.keys.Log.Enabled() || m.keys.Response.Enabled() {
		t.Fatalf("at start: log %v, L %v, o %v", m.logShown(), m.keys.Log.Enabled(), m.keys.Response.Enabled())
	}
	m, _ = press(m, "L")
	if !m.logShown() || !strings.Contains(plain(m), "No exchanges yet") {
		t.Fatalf("L did not show the log:\n%s", plain(m))
	}
	if got := strings.Count(plain(m), "\n") + 1; got != 24 {
		t.Errorf("the screen is %d lines with the log, want 24", got)
	}
	m = step(m, tokenMsg{name: "alpha", seq: 99, op: session.OpRefresh, exchanges: []oauth.Exchange{{At: c.now,
		Method: "POST", URL: "http://127.0.0.1:1/token", Status: 200, Text: "> POST http://127.0.0.1:1/token HTTP/1.1\n"}}})
	if !strings.Contains(plain(m), "12:00:00 POST http://127.0.0.1:1/token → 200") {
		t.Errorf("a late answer's exchange is not in the log:\n%s", plain(m))
	}
	m, _ = press(m, "?")
	page := plain(m)
	for _, want := range []string{"Response, log", "L      hide exchange log", "o      last response", "c      copy body"} {
		if !strings.Contains(page, want) {
			t.Errorf("the help page lacks %q:\n%s", want, page)
		}
	}
	m, _ = press(m, "esc", "L")
	if m.logShown() {
		t.Error("L did not hide the log")
	}
}

// TestWheelScrollsTheResponseViewAndTheLog turns the wheel over the
// response view and over the log pane under it: each scrolls the one
// under the pointer.
func TestWheelScrollsTheResponseViewAndTheLog(t *testing.T) {
	t.Parallel()
	m, seq := tryModel(t, 100, 30)
	xs := make([]oauth.Exchange, 4)
	for i := range xs {
		xs[i] = oauth.Exchange{Method: "GET", URL: "http://127.0.0.1:1/try", Status: 200,
			Text: strings.Repeat("< a line of the answer\n", 10)}
	}
	m = step(m, tryMsg{name: "alpha", seq: seq, res: tryAnswer(200, "["+strings.Repeat(`1,`, 60)+"1]"), exchanges: xs})
	m, _ = press(m, "L")
	if m.response == nil || !m.logShown() {
		t.Fatal("the response view and the log are not open")
	}
	wheel := func(y int, b tea.MouseButton) {
		m = step(m, tea.MouseMsg{X: 10, Y: y, Action: tea.MouseActionPress, Button: b})
	}
	g := m.geometry()
	logTop, before := 1+g.bodyH, m.exlog
	wheel(5, tea.MouseButtonWheelDown)
	if above, _ := m.response.Hidden(); above != 3 {
		t.Errorf("the wheel over the response view: %d lines above, want 3", above)
	}
	beforeAbove, _ := before.Hidden()
	wheel(logTop+2, tea.MouseButtonWheelUp)
	if above, _ := m.exlog.Hidden(); above != beforeAbove-3 {
		t.Errorf("the wheel over the log: %d lines above, want %d", above, beforeAbove-3)
	}
	if above, _ := m.response.Hidden(); above != 3 {
		t.Errorf("the wheel over the log moved the response view: %d above", above)
	}
}
