package confirm

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

func answerOf(t *testing.T, m Model, k tea.KeyMsg) (yes, answered bool) {
	t.Helper()
	m, cmd := m.Update(k)
	if cmd != nil {
		t.Errorf("%s: the dialog returned a command", k)
	}
	return m.Answer()
}

func TestAnswers(t *testing.T) {
	t.Parallel()
	m := New(nil, "Delete provider mtn?", "This cannot be undone.", "tag-1")
	for _, tt := range []struct {
		key  tea.KeyMsg
		want bool
	}{
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")}, true},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")}, false},
		{tea.KeyMsg{Type: tea.KeyEsc}, false},
	} {
		yes, ok := answerOf(t, m, tt.key)
		if !ok || yes != tt.want {
			t.Errorf("%s: answer %v (%v), want yes=%v", tt.key, yes, ok, tt.want)
		}
	}
	if m.Tag() != "tag-1" {
		t.Errorf("tag %v", m.Tag())
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("n")})
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	if yes, _ := m.Answer(); yes {
		t.Error("a second key changed the answer")
	}
	m = New(nil, "Delete provider mtn?", "", nil)
	for _, k := range []tea.KeyMsg{{Type: tea.KeyEnter}, {Type: tea.KeyRunes, Runes: []rune("d")}} {
		if _, answered := answerOf(t, m, k); answered {
			t.Errorf("%s answered the question", k)
		}
	}
}

func TestView(t *testing.T) {
	t.Parallel()
	m := New(&Styles{Box: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)},
		"Log out of telenor-order?", "The token is ended at the provider's logout endpoint and dropped locally.", nil)
	m.SetSize(50, 20)
	got := ansi.Strip(m.View())
	for _, want := range []string{"Log out of telenor-order?", "y yes · n/esc no", "╭"} {
		if !strings.Contains(got, want) {
			t.Errorf("view lacks %q:\n%s", want, got)
		}
	}
	for i, l := range strings.Split(got, "\n") {
		if w := ansi.StringWidth(l); w > 50 {
			t.Errorf("line %d is %d wide, more than the 50 given", i, w)
		}
	}
}
