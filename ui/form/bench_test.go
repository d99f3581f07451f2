package form

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func BenchmarkView(b *testing.B) {
	orig := edited()
	m := newForm(Options{Original: &orig})
	m.SetSize(120, 40)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkUpdateKey(b *testing.B) {
	orig := edited()
	m := newForm(Options{Original: &orig})
	m.SetSize(120, 40)
	tab := tea.KeyMsg{Type: tea.KeyTab}
	b.ReportAllocs()
	for b.Loop() {
		m, _ = m.Update(tab)
	}
}

// BenchmarkViewFromIssuer is BenchmarkView with the client auth row left
// to an issuer whose metadata the form holds, focused: the pick is worked
// out on every frame.
func BenchmarkViewFromIssuer(b *testing.B) {
	orig := edited()
	orig.Issuer, orig.ClientAuth = tenant, ""
	m := newForm(Options{Original: &orig, Metadata: tenantMetadata("client_secret_basic", "client_secret_post", "none")})
	m.SetSize(120, 40)
	for m.fields[m.focus].key != "client_auth" {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyTab})
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
