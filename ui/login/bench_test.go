package login

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"testing"
	"time"
)

// BenchmarkViewDevice is the pane redrawn on every tick and key, its QR
// code shown.
func BenchmarkViewDevice(b *testing.B) {
	m := New("tv", Device, &Styles{})
	m.SetDevice("ABCD-EFGH", "http://127.0.0.1:40000/device", "http://127.0.0.1:40000/device?user_code=ABCD-EFGH", t0.Add(10*time.Minute))
	m.SetNow(t0)
	m.SetSize(70, 40)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkViewBrowser is the browser pane with a long URL.
func BenchmarkViewBrowser(b *testing.B) {
	m := New("app", Browser, &Styles{})
	m.SetAuthorization("http://127.0.0.1:40000/oauth2/authorize?response_type=code&client_id=tokenscope-demo-public&redirect_uri=http%3A%2F%2F127.0.0.1%3A44444%2Fcallback&scope=demo.read&state=SSSSSSSSSSSSSSSSSSSSSSSSSS&code_challenge=CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC&code_challenge_method=S256", t0.Add(5*time.Minute))
	m.SetNow(t0)
	m.SetSize(78, 15)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkViewPasteField is the browser pane with the field open over a
// pasted callback URL (url), or the most the field keeps (max).
func BenchmarkViewPasteField(b *testing.B) {
	for _, c := range []struct {
		name, text string
	}{
		{"url", "http://127.0.0.1:44444/callback?code=MgBeMYCCcRWzyayf0nrSdh2qGOy0ODw8&iss=http%3A%2F%2F127.0.0.1%3A40000%2Foauth2&state=SSSSSSSSSSSSSSSSSSSSSSSSSS"},
		{"max", "http://127.0.0.1:44444/callback?code=" + strings.Repeat("C", maxPasted)},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := New("app", Browser, &Styles{})
			m.SetAuthorization("http://127.0.0.1:40000/oauth2/authorize?state=S", t0.Add(5*time.Minute))
			m.SetNow(t0)
			m.SetSize(78, 15)
			m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(c.text), Paste: true})
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkEditFullField is a key (backspace, then a rune) typed into
// the field holding about the most it keeps: each masks and makes safe
// the whole text again, once.
func BenchmarkEditFullField(b *testing.B) {
	m := New("app", Browser, &Styles{})
	m.SetAuthorization("http://127.0.0.1:40000/oauth2/authorize?state=S", t0.Add(5*time.Minute))
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("http://127.0.0.1:44444/callback?code=" + strings.Repeat("C", maxPasted)), Paste: true})
	keys := []tea.KeyMsg{{Type: tea.KeyBackspace}, {Type: tea.KeyRunes, Runes: []rune("x")}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m, _ = m.Update(keys[i%2])
		i++
	}
}
