package ui

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
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
