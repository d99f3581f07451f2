package login

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestBrowserPaneShowsTheWholeURLWrapped(t *testing.T) {
	t.Parallel()
	m := New("app", Browser, &Styles{})
	m.SetSize(30, 20)
	m.SetNow(t0)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "opening the callback listener") || m.KeyMap.Open.Enabled() {
		t.Fatalf("starting pane:\n%s", v)
	}
	u := "http://127.0.0.1:40000/authorize?response_type=code&client_id=app&state=" + strings.Repeat("S", 26) + "&x=\x1b[31m"
	m.SetAuthorization(u, t0.Add(5*time.Minute))
	v := ansi.Strip(m.View())
	lines := strings.Split(v, "\n")
	var joined strings.Builder
	for _, l := range lines {
		if w := len([]rune(l)); w != 30 {
			t.Fatalf("line %q is %d wide, want 30", l, w)
		}
	}
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "Open this URL") {
			start = i + 1
		}
	}
	for _, l := range lines[start:] {
		if strings.TrimSpace(l) == "" {
			break
		}
		joined.WriteString(strings.TrimRight(l, " "))
	}
	if strings.Contains(v, "\x1b") {
		t.Fatal("the URL's escape reached the terminal")
	}
	if got := joined.String(); !strings.HasPrefix(got, u[:len(u)-len("\x1b[31m")]) {
		t.Fatalf("the URL was cut or changed: %q", got)
	}
	if !strings.Contains(v, "gives up in 5m") {
		t.Fatalf("no time left:\n%s", v)
	}
	m.SetNow(t0.Add(5*time.Minute + time.Second))
	m.SetSize(60, 20)
	if !strings.Contains(ansi.Strip(m.View()), "out of time") {
		t.Fatal("no out of time")
	}
}

func TestKeysAnswerWithRequests(t *testing.T) {
	t.Parallel()
	m := New("app", Browser, &Styles{})
	m.SetAuthorization("http://x/a", t0)
	for _, c := range []struct {
		k    tea.KeyMsg
		want tea.Msg
	}{
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("o")}, OpenMsg{Name: "app", URL: "http://x/a"}},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("c")}, CopyMsg{Name: "app", URL: "http://x/a"}},
		{tea.KeyMsg{Type: tea.KeyEsc}, CancelMsg{Name: "app"}},
	} {
		k, want := c.k, c.want
		_, cmd := m.Update(k)
		if cmd == nil || cmd() != want {
			t.Errorf("%s: got %v, want %v", k, cmd, want)
		}
	}
	m.SetRedeeming()
	if m.Handles(tea.KeyMsg{Type: tea.KeyEsc}) {
		t.Error("esc cancels while the code is redeemed")
	}
}

func TestDeviceQRCodeOnlyWhenItFits(t *testing.T) {
	t.Parallel()
	m := New("tv", Device, &Styles{})
	m.SetDevice("ABCD-EFGH", "http://127.0.0.1:40000/device", "http://127.0.0.1:40000/device?user_code=ABCD-EFGH", t0.Add(10*time.Minute))
	m.SetNow(t0)
	m.SetSize(70, 40)
	const qr = "or scan this code"
	big := ansi.Strip(m.View())
	if !strings.Contains(big, "ABCD-EFGH") || !strings.Contains(big, qr) || !strings.Contains(big, "code expires in 10m") {
		t.Fatalf("big pane:\n%s", big)
	}
	m.SetSize(70, 16)
	small := ansi.Strip(m.View())
	if strings.Contains(small, qr) || !strings.Contains(small, "ABCD-EFGH") || !strings.Contains(small, "esc cancel") {
		t.Fatalf("small pane:\n%s", small)
	}
	m.SetSize(30, 40)
	if strings.Contains(ansi.Strip(m.View()), qr) {
		t.Fatal("a QR code wider than the pane is drawn")
	}
	if m.URL() != "http://127.0.0.1:40000/device?user_code=ABCD-EFGH" {
		t.Fatalf("open/copy URL %q, want the complete one", m.URL())
	}
}

// TestDeviceExpiryAssumedSaysSo: when the server gave no expires_in,
// the time left is the bound tokenscope set, and the pane says whose.
func TestDeviceExpiryAssumedSaysSo(t *testing.T) {
	t.Parallel()
	m := New("tv", Device, &Styles{})
	m.SetDevice("ABCD-EFGH", "http://127.0.0.1:40000/device", "", t0.Add(15*time.Minute))
	m.SetExpiryAssumed()
	m.SetNow(t0)
	m.SetSize(120, 40)
	v := strings.Join(strings.Fields(ansi.Strip(m.View())), " ") // unwrapped
	if !strings.Contains(v, "the server gave no expiry: giving up in 15m") || strings.Contains(v, "code expires in") {
		t.Fatalf("pane:\n%s", ansi.Strip(m.View()))
	}
}

func TestPastedURLIsMaskedAndSafe(t *testing.T) {
	t.Parallel()
	m := New("app", Browser, &Styles{})
	m.SetSize(70, 20)
	m.SetNow(t0)
	if m.Handles(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x"), Paste: true}) {
		t.Fatal("a paste is taken before there is an authorization URL")
	}
	m.SetAuthorization("http://x/a?state=S", t0.Add(5*time.Minute))
	pasted := "http://127.0.0.1:8400/callback?code=SECRET-CODE-1&state=S\x1b]0;owned\a\n"
	k := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(pasted), Paste: true}
	if !m.Handles(k) {
		t.Fatal("the pane does not take a paste")
	}
	m, _ = m.Update(k)
	if !m.Typing() {
		t.Fatal("a paste did not open the field")
	}
	v := ansi.Strip(m.View())
	if strings.Contains(v, "SECRET-CODE-1") || !strings.Contains(v, "code=****") {
		t.Fatalf("the code is shown:\n%s", v)
	}
	if strings.ContainsAny(m.View(), "\x1b\a") || !strings.Contains(v, `\x1b]0;owned\x07`) {
		t.Fatalf("the pasted escape is not shown visibly:\n%q", m.View())
	}
	if !strings.Contains(v, "enter submit · esc close field") || strings.Contains(v, "o open URL") {
		t.Fatalf("the field's keys are not the only ones:\n%s", v)
	}
	// Every key is the field's while it is open: o, q and ? are text.
	for _, r := range "oq?" {
		if k := (tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}); !m.Handles(k) {
			t.Errorf("%q is not the field's", r)
		}
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("&x=1")})
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyBackspace})
	m, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter})
	want := PasteMsg{Name: "app", URL: strings.TrimSpace(strings.TrimSuffix(pasted, "\n")) + "&x="}
	if cmd == nil || cmd() != want {
		t.Fatalf("enter: got %v, want %v", cmd, want)
	}
	if m.Typing() || !m.KeyMap.Open.Enabled() {
		t.Fatal("the field is still open after enter")
	}
	m.SetRefused("the callback's state is not this login's\x1b[2J")
	v = ansi.Strip(m.View())
	if !strings.Contains(v, "✗ the callback's state is not this login's") || strings.Contains(m.View(), "\x1b[2J") {
		t.Fatalf("the refusal:\n%q", m.View())
	}
}

func TestFieldEscClosesAndKeepsTheSignIn(t *testing.T) {
	t.Parallel()
	m := New("app", Browser, &Styles{})
	m.SetAuthorization("http://x/a", t0)
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("p")})
	if !m.Typing() {
		t.Fatal("p did not open the field")
	}
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEnter}); cmd != nil {
		t.Fatal("enter on an empty field handed something on")
	}
	m, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	if cmd != nil || m.Typing() {
		t.Fatalf("esc in the field: typing %v, cmd %v", m.Typing(), cmd)
	}
	// The next esc is the pane's: it cancels.
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyEsc}); cmd == nil || cmd() != (CancelMsg{Name: "app"}) {
		t.Fatal("esc after the field closed does not cancel")
	}
	m.SetRedeeming()
	if m.KeyMap.Paste.Enabled() || m.Handles(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x"), Paste: true}) {
		t.Fatal("a paste is taken while the code is redeemed")
	}
	d := New("tv", Device, &Styles{})
	d.SetDevice("ABCD", "http://x/device", "", t0)
	if d.KeyMap.Paste.Enabled() {
		t.Fatal("the device pane offers a paste")
	}
}

func TestPasteOnlyPaneSaysWhereToPasteFrom(t *testing.T) {
	t.Parallel()
	m := New("web", Browser, &Styles{})
	m.SetSize(60, 20)
	m.SetNow(t0)
	m.SetAuthorization("https://id.example/authorize?state=S", t0.Add(5*time.Minute))
	m.SetPasteOnly("https://app.example/callback")
	v := strings.Join(strings.Fields(ansi.Strip(m.View())), " ") // unwrapped
	for _, want := range []string{"waiting for the URL the browser lands on", "The redirect_uri", "https://app.example/callback",
		"is not on this machine", "press p and paste the URL the browser lands on", "p paste URL"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q:\n%s", want, v)
		}
	}
}

func TestFieldKeepsTheEndOfALongURLInItsWidth(t *testing.T) {
	t.Parallel()
	m := New("app", Browser, &Styles{})
	m.SetSize(30, 20)
	m.SetAuthorization("http://x/a", t0)
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Paste: true,
		Runes: []rune("http://127.0.0.1:8400/callback?code=" + strings.Repeat("C", 80) + "&state=END")})
	var field string
	for _, l := range strings.Split(ansi.Strip(m.View()), "\n") {
		if strings.HasPrefix(l, "> ") {
			field = l
		}
		if w := ansi.StringWidth(l); w != 30 {
			t.Fatalf("line %q is %d wide", l, w)
		}
	}
	if !strings.HasSuffix(strings.TrimRight(field, " "), "state=END█") || !strings.HasPrefix(field, "> …") || strings.Contains(field, "CCCC") {
		t.Fatalf("field %q", field)
	}
	big := strings.Repeat("x", maxPasted+10)
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(big)})
	if n := len(m.field.value); n != maxPasted {
		t.Fatalf("the field keeps %d bytes, want %d", n, maxPasted)
	}
}

// TestDeviceUserCodeLarge: the user code is drawn in letters three rows
// tall when the pane has room, the QR code kept first when there is room
// for only one of them, and as spaced text otherwise.
func TestDeviceUserCodeLarge(t *testing.T) {
	t.Parallel()
	m := New("tv", Device, &Styles{})
	m.SetDevice("WDJB-MJHT", "http://127.0.0.1:40000/device", "http://127.0.0.1:40000/device?user_code=WDJB-MJHT", t0.Add(10*time.Minute))
	m.SetNow(t0)
	// W D J B - M J H T, two pixel rows to a line.
	want := []string{
		"█   █ █▀▀▀▄     █ █▀▀▀▄       █▄ ▄█     █ █   █ ▀▀█▀▀",
		"█▄▀▄█ █   █ ▄   █ █▀▀▀▄  ▀▀▀  █ ▀ █ ▄   █ █▀▀▀█   █",
		"▀   ▀ ▀▀▀▀   ▀▀▀  ▀▀▀▀        ▀   ▀  ▀▀▀  ▀   ▀   ▀",
	}
	has := func(v string) bool {
		for _, w := range want {
			if !strings.Contains(v, w) {
				return false
			}
		}
		return true
	}
	const qr = "or scan this code"
	m.SetSize(70, 60)
	if v := ansi.Strip(m.View()); !has(v) || !strings.Contains(v, qr) || !strings.Contains(v, "and enter the code WDJB-MJHT:") {
		t.Fatalf("a roomy pane:\n%s", v)
	}
	// Room for the QR code with the code as text, not with large letters too.
	m.SetSize(70, 32)
	if v := ansi.Strip(m.View()); has(v) || !strings.Contains(v, qr) || !strings.Contains(v, "W D J B - M J H T") {
		t.Fatalf("a pane with room for the QR code only:\n%s", v)
	}
	m.SetSize(70, 14)
	if v := ansi.Strip(m.View()); !has(v) || strings.Contains(v, qr) {
		t.Fatalf("a pane too short for the QR code:\n%s", v)
	}
	m.SetSize(40, 14) // narrower than the letters
	if v := ansi.Strip(m.View()); strings.Contains(v, "▀▀") || !strings.Contains(v, "W D J B - M J H T") {
		t.Fatalf("a narrow pane:\n%s", v)
	}
	// A lower-case code is not drawn upper-case.
	m.SetDevice("wdjb-mjht", "http://127.0.0.1:40000/device", "", t0.Add(10*time.Minute))
	m.SetSize(70, 14)
	if v := ansi.Strip(m.View()); strings.Contains(v, "▀▀") || !strings.Contains(v, "w d j b - m j h t") {
		t.Fatalf("a lower-case code:\n%s", v)
	}
}
