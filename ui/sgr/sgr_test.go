package sgr

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

func TestPaintRendersAsTheStyle(t *testing.T) {
	t.Parallel()
	r := lipgloss.NewRenderer(nil)
	r.SetColorProfile(termenv.TrueColor)
	bold := r.NewStyle().Bold(true).Foreground(lipgloss.Color("#ff0000"))
	p, exact := Exact(bold)
	if !exact || p.Open == "" || p.Close == "" {
		t.Fatalf("a bold colour is not exact: %q %v", p, exact)
	}
	for _, text := range []string{"a", " spaced  text ", "ünïcode ✓"} {
		if got, want := p.Text(text), bold.Render(text); got != want {
			t.Errorf("%q: paint %q, style %q", text, got, want)
		}
		var b strings.Builder
		p.Write(&b, text)
		if b.String() != bold.Render(text) {
			t.Errorf("%q: Write %q", text, b.String())
		}
	}
	// Padding is inside the codes, the same around any one line.
	padded := bold.Padding(0, 1)
	if q, exact := Exact(padded); !exact || q.Text("ab") != padded.Render("ab") {
		t.Errorf("padded: exact %v, %q against %q", exact, q.Text("ab"), padded.Render("ab"))
	}
	if q := Of(bold); q != p {
		t.Errorf("Of %q, Exact %q", q, p)
	}
	// Styles whose codes cannot stand for them.
	for name, st := range map[string]lipgloss.Style{
		"cut":       bold.MaxWidth(3),
		"transform": bold.Transform(strings.ToUpper),
		"width":     bold.Width(10),
	} {
		if _, exact := Exact(st); exact {
			t.Errorf("%s: taken for exact", name)
		}
	}
}
