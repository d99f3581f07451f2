package exchanges

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers/oauth"
)

func exchange(i int) oauth.Exchange {
	return oauth.Exchange{At: time.Date(2026, 1, 1, 12, 0, i, 0, time.UTC), Method: "POST",
		URL: "https://auth.example.com/token", Status: 200, Elapsed: 15 * time.Millisecond,
		Text: fmt.Sprintf("> POST https://auth.example.com/token HTTP/1.1\n> Authorization: Basic ****\n>\n"+
			"> grant_type=client_credentials\n< HTTP/1.1 200 OK (15 ms)\n<\n< {\"n\":%d,\"access_token\":\"****\"}\n\n", i)}
}

func press(m Model, k string) Model {
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
	return m
}

func TestRingKeepsTheLastPerProvider(t *testing.T) {
	t.Parallel()
	m := New(3, nil)
	for i := range 5 {
		m.Add("alpha", exchange(i))
	}
	m.Add("beta", exchange(9))
	got := m.Exchanges("alpha")
	if len(got) != 3 || got[0].At.Second() != 2 || got[2].At.Second() != 4 {
		t.Errorf("alpha keeps %d exchanges, from second %d", len(got), got[0].At.Second())
	}
	if len(m.Exchanges("beta")) != 1 {
		t.Error("beta's exchange is not kept apart")
	}
	m.Forget("alpha")
	if len(m.Exchanges("alpha")) != 0 {
		t.Error("Forget kept alpha's exchanges")
	}
}

func TestViewShowsTheSelectedProviderNewestFirstLine(t *testing.T) {
	t.Parallel()
	m := New(0, nil)
	m.SetSize(70, 5)
	m.Show("alpha")
	if v := m.View(); !strings.Contains(v, "No exchanges yet") {
		t.Errorf("empty log:\n%s", v)
	}
	m.Add("alpha", exchange(1), exchange(2))
	m.Add("beta", exchange(3))
	lines := strings.Split(m.View(), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != 70 {
			t.Errorf("line %q is not 70 cells", l)
		}
	}
	// The newest exchange shows from its summary, the older one above.
	if want := "12:00:02 POST https://auth.example.com/token → 200 · 15 ms"; !strings.HasPrefix(lines[0], want) {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if above, _ := m.Hidden(); above != 8 {
		t.Errorf("%d lines above, want the 8 of the older exchange", above)
	}
	// Back to the older one, and forward again.
	m = press(m, "[")
	m = press(m, "[")
	m = press(m, "[")
	m = press(m, "[")
	if above, _ := m.Hidden(); above != 0 || !strings.Contains(m.View(), "12:00:01 POST") {
		t.Errorf("after [ ×4: %d above:\n%s", above, m.View())
	}
	if m.KeyMap.Older.Enabled() || !m.KeyMap.Newer.Enabled() {
		t.Error("at the top: [ should be off, ] on")
	}
	for range 10 {
		m = press(m, "]")
	}
	if _, below := m.Hidden(); below != 0 {
		t.Errorf("after ] ×10: %d below", below)
	}
	// Another provider's log is its own.
	m.Show("beta")
	if v := m.View(); !strings.Contains(v, "12:00:03") || strings.Contains(v, "12:00:02") {
		t.Errorf("beta's log:\n%s", v)
	}
}

func TestAHugeExchangeIsCutAtALine(t *testing.T) {
	t.Parallel()
	x := exchange(1)
	x.Text += strings.Repeat("< a line of a long body\n", 5000)
	m := New(0, nil)
	m.Add("alpha", x)
	kept := m.Exchanges("alpha")[0].Text
	if len(kept) > maxText+200 || !strings.HasSuffix(kept, "more bytes not kept here (tokenscope --trace shows them all)\n") {
		t.Errorf("kept %d bytes, ending %q", len(kept), kept[max(0, len(kept)-120):])
	}
	if !strings.HasPrefix(kept, x.Text[:100]) {
		t.Error("the start of the exchange was not kept")
	}
}

func TestFailedExchangeSaysNoAnswer(t *testing.T) {
	t.Parallel()
	x := oauth.Exchange{At: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), Method: "GET", URL: "https://x.example/\u202e",
		Elapsed: time.Second, Text: "> GET https://x.example/\\u202e HTTP/1.1\n* no answer: connection refused\n"}
	m := New(0, nil)
	m.SetSize(80, 10)
	m.Show("alpha")
	m.Add("alpha", x)
	v := m.View()
	if !strings.Contains(v, `GET https://x.example/\u202e → no answer · 1.00 s`) || strings.Contains(v, "\u202e") {
		t.Errorf("view:\n%s", v)
	}
}

// TestShowingAnEmptyLogAfterALongOne keeps the view inside the lines: a
// provider scrolled far down, then one with nothing.
func TestShowingAnEmptyLogAfterALongOne(t *testing.T) {
	t.Parallel()
	m := New(0, nil)
	m.SetSize(60, 3)
	for i := range 5 {
		m.Add("alpha", exchange(i))
	}
	m.Show("alpha")
	m.Show("beta")
	if v := m.View(); !strings.Contains(v, "No exchanges yet") {
		t.Errorf("beta's empty log:\n%s", v)
	}
	m.SetSize(60, 0)
	m.Show("alpha")
	m.SetSize(60, 3)
	_ = m.View()
}
