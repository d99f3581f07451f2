package status

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// step is one thing that happens to the line: a message shown, the
// selection moved, or the clock moved to at.
type step struct {
	at   time.Duration
	show *Msg
	sel  string
}

func user(k Kind, text, prov string) *Msg { return &Msg{Kind: k, Text: text, Provider: prov} }
func bg(k Kind, text, prov string) *Msg {
	return &Msg{Kind: k, Text: text, Provider: prov, Background: true}
}

func TestRules(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		steps []step
		want  string // the text on the line after the steps
	}{
		{"the user's result stays over a background success", []step{
			{show: user(Success, "copied the header of alpha", "alpha")},
			{at: time.Second, show: bg(Success, "auto-refreshed beta", "beta")},
			{at: 2 * time.Second, show: bg(Success, "auto-refreshed alpha", "alpha")},
			{at: 3 * time.Second, show: bg(Error, "auto-refresh failed: alpha", "alpha")},
		}, "copied the header of alpha"},
		{"the user's result goes after Hold", []step{
			{show: user(Success, "refreshed alpha", "alpha")},
			{at: Hold + time.Second},
		}, ""},
		{"an error stays longer", []step{
			{show: user(Error, "HTTP 401", "")},
			{at: Hold + time.Second},
		}, "HTTP 401"},
		{"a warning stays longer than a success", []step{
			{show: user(Warning, "issued already expired", "")},
			{at: Hold + time.Second},
		}, "issued already expired"},
		{"the user's next action replaces the last", []step{
			{show: user(Error, "HTTP 401", "")},
			{at: time.Second, show: user(Success, "fetched a token for alpha", "alpha")},
		}, "fetched a token for alpha"},
		{"a background event shows when the line is empty", []step{
			{sel: "alpha"},
			{show: bg(Success, "auto-refreshed beta", "beta")},
		}, "auto-refreshed beta"},
		{"a background event for the selected provider replaces another's", []step{
			{sel: "alpha"},
			{show: bg(Success, "auto-refreshed beta", "beta")},
			{at: time.Second, show: bg(Success, "auto-refreshed alpha", "alpha")},
		}, "auto-refreshed alpha"},
		{"a background event for another provider does not", []step{
			{sel: "alpha"},
			{show: bg(Success, "auto-refreshed alpha", "alpha")},
			{at: time.Second, show: bg(Success, "auto-refreshed beta", "beta")},
		}, "auto-refreshed alpha"},
		{"a background success does not hide a background error", []step{
			{sel: "alpha"},
			{show: bg(Error, "auto-refresh failed: alpha", "alpha")},
			{at: time.Second, show: bg(Success, "auto-refreshed alpha", "alpha")},
		}, "auto-refresh failed: alpha"},
		{"a background event goes after Hold", []step{
			{sel: "alpha"},
			{show: bg(Error, "auto-refresh failed: alpha", "alpha")},
			{at: Hold + time.Second},
		}, ""},
		{"an error for another provider does not linger over the selected one", []step{
			{sel: "alpha"},
			{show: user(Error, "fetch token for alpha: HTTP 401", "alpha")},
			{at: time.Second, sel: "beta"},
			{at: Hold + time.Second},
		}, ""},
		{"an error for the selected provider stays its time", []step{
			{sel: "alpha"},
			{show: user(Error, "fetch token for alpha: HTTP 401", "alpha")},
			{at: 20 * time.Second},
		}, "fetch token for alpha: HTTP 401"},
		{"an error back under the selection stays", []step{
			{sel: "alpha"},
			{show: user(Error, "fetch token for alpha: HTTP 401", "alpha")},
			{at: time.Second, sel: "beta"},
			{at: 2 * time.Second, sel: "alpha"},
			{at: Hold + 2*time.Second},
		}, "fetch token for alpha: HTTP 401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := New(nil)
			m.SetNow(t0)
			for _, s := range tc.steps {
				m.SetNow(t0.Add(s.at))
				if s.sel != "" {
					m.SetSelected(s.sel)
				}
				if s.show != nil {
					m, _ = m.Update(*s.show)
				}
			}
			if got := m.Current().Text; got != tc.want {
				t.Errorf("line %q, want %q", got, tc.want)
			}
			if tc.want == "" && m.View() != "" {
				t.Errorf("an empty line renders %q", m.View())
			}
		})
	}
}

func TestViewByKind(t *testing.T) {
	t.Parallel()
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.ANSI)
	st := &Styles{Info: r.NewStyle().Faint(true), Success: r.NewStyle().Bold(true),
		Warning: r.NewStyle().Underline(true), Error: r.NewStyle().Reverse(true)}
	for k, want := range []lipgloss.Style{st.Info, st.Success, st.Warning, st.Error} {
		m := New(st)
		m.SetNow(t0)
		m.SetSize(20, 1)
		m.Show(Msg{Kind: Kind(k), Text: "a server's \x1b[31mred and a long message"})
		got := m.View()
		prefix, _, _ := strings.Cut(want.Render("a"), "a")
		if !strings.HasPrefix(got, prefix) {
			t.Errorf("kind %d: %q does not start in its style %q", k, got, prefix)
		}
		if strings.Contains(got, "\x1b[31m") || lipgloss.Width(got) != 20 {
			t.Errorf("kind %d: %q passes the server's escape or is not cut to 20 cells", k, got)
		}
	}
}
