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
