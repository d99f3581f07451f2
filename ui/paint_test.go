package ui

import (
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/themes"
)

// TestPaintsRenderAsLipgloss: in every theme and colour profile, the pane
// frames, their "n more" lines and the help line joined from the paints
// are byte for byte what lipgloss and help.ShortHelpView render.
func TestPaintsRenderAsLipgloss(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, profile := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii} {
		for _, dark := range []bool{true, false} {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(profile)
			r.SetHasDarkBackground(dark)
			for _, th := range themes.All() {
				m := New(Options{Vault: &store.Vault{}, Theme: th.Name, Renderer: r, Now: func() time.Time { return now }})
				m = step(m, tea.WindowSizeMsg{Width: 120, Height: 40})
				m = step(m, loadedMsg{payload: manyProviders(3, now)})
				name := th.Name + "/" + strconv.Itoa(int(profile)) + "/" + strconv.FormatBool(dark)
				for _, focused := range []bool{true, false} {
					for _, w := range []int{1, 5, 13, 40, 77} {
						checkFrame(t, name, m.styles, focused, w)
					}
				}
				bs := append(m.mainHelp().ShortHelp(), key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "off"), key.WithDisabled()))
				if m.fitShortHelp(bs) == "" {
					t.Fatalf("%s: no help line to compare", name)
				}
				for _, w := range []int{4, 12, 30, 60, 80, 120, 300} {
					m.width = w
					if got, want := m.fitShortHelp(bs), shortHelpByLipgloss(&m, bs); got != want {
						t.Errorf("%s: help at width %d:\n%q\nwant\n%q", name, w, got, want)
					}
				}
			}
		}
	}
}

func checkFrame(t *testing.T, name string, l *look, focused bool, w int) {
	t.Helper()
	s := l.Pane.Blurred
	if focused {
		s = l.Pane.Focused
	}
	b, fg := s.Border, s.Style
	f := l.frame(focused, w)
	want := [4]string{fg.Render(b.TopLeft + strings.Repeat(b.Top, w) + b.TopRight),
		fg.Render(b.BottomLeft + strings.Repeat(b.Bottom, w) + b.BottomRight), fg.Render(b.Left), fg.Render(b.Right)}
	if got := [4]string{f.top, f.bottom, f.left, f.right}; got != want {
		t.Errorf("%s: frame focused %v width %d:\n%q\nwant\n%q", name, focused, w, got, want)
	}
	for _, top := range []bool{true, false} {
		for _, n := range []int{1, 12, 1000} {
			plain, lc, rc, fill, arrow := want[1], b.BottomLeft, b.BottomRight, b.Bottom, "↓"
			if top {
				plain, lc, rc, fill, arrow = want[0], b.TopLeft, b.TopRight, b.Top, "↑"
			}
			tag := " " + arrow + " " + strconv.Itoa(n) + " more "
			e := plain
			if tw := lipgloss.Width(tag); tw+2 <= w {
				e = fg.Render(lc+strings.Repeat(fill, w-tw-1)) + l.Pane.More.Render(tag) + fg.Render(fill+rc)
			}
			if got := f.more(top, n, l.more); got != e {
				t.Errorf("%s: frame focused %v width %d, %d more (top %v):\n%q\nwant\n%q", name, focused, w, n, top, got, e)
			}
		}
	}
}

// shortHelpByLipgloss is the help line as help.ShortHelpView renders it,
// bindings dropped from the one before the last until it fits.
func shortHelpByLipgloss(m *Model, bs []key.Binding) string {
	on := make([]key.Binding, 0, len(bs))
	for _, b := range bs {
		if b.Enabled() {
			on = append(on, b)
		}
	}
	h := *m.help
	h.Width = 0
	line := h.ShortHelpView(on)
	for len(on) > 2 && lipgloss.Width(line) > m.width {
		on = append(on[:len(on)-2], on[len(on)-1])
		line = h.ShortHelpView(on)
	}
	return ansi.Truncate(line, m.width, "…")
}
