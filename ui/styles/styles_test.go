package styles

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tokenscope/tokenscope/themes"
)

// trueColor renders with a 24-bit renderer on a dark background, so the
// test sees the escape sequences a real terminal would get.
func trueColor(s lipgloss.Style, text string) string {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	return s.Renderer(r).Render(text)
}

func TestMarksAreDistinctSingleCells(t *testing.T) {
	t.Parallel()
	for _, th := range themes.All() {
		m := New(th).Marks
		all := []Mark{m.Valid, m.Expiring, m.Expired, m.NoToken, m.Fetching, m.Failed}
		glyphs, labels := map[string]bool{}, map[string]bool{}
		for _, mk := range all {
			if w := lipgloss.Width(mk.Glyph); w != 1 {
				t.Errorf("%s: mark %q is %d cells wide, want 1", th.Name, mk.Glyph, w)
			}
			if glyphs[mk.Glyph] || labels[mk.Label] || mk.Label == "" {
				t.Errorf("%s: mark %q/%q is empty or repeated", th.Name, mk.Glyph, mk.Label)
			}
			glyphs[mk.Glyph], labels[mk.Label] = true, true
		}
	}
}

func TestMarksTakeTheThemeColours(t *testing.T) {
	t.Parallel()
	s := New(themes.Default())
	// #3FB950 and #F85149 are the default palette's dark OK and Danger.
	if got := trueColor(s.Marks.Valid.Style, "x"); !strings.Contains(got, "38;2;63;185;80") {
		t.Errorf("valid mark %q is not drawn in the OK colour", got)
	}
	if got := trueColor(s.Marks.Expired.Style, "x"); !strings.Contains(got, "38;2;248;81;73") {
		t.Errorf("expired mark %q is not drawn in the danger colour", got)
	}
	if got := trueColor(s.List.Selected, "x"); !strings.Contains(got, "48;2;") {
		t.Errorf("selected row %q has no background", got)
	}
}

func TestMonoUsesNoColour(t *testing.T) {
	t.Parallel()
	s := New(themes.Mono())
	styled := map[string]lipgloss.Style{
		"selected": s.List.Selected, "valid": s.Marks.Valid.Style, "expired": s.Marks.Expired.Style,
		"error": s.StatusBar.Error, "title": s.Detail.Title, "badge": s.Detail.Badge,
		"focused label": s.Form.FocusedLabel, "danger bar": s.Progress.Danger, "help key": s.Help.ShortKey,
	}
	for name, st := range styled {
		out := trueColor(st, "x")
		if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
			t.Errorf("mono %s %q carries a colour", name, out)
		}
	}
	// Without colour, attributes must tell the roles apart: reverse for the
	// selection, underline for titles.
	if out := trueColor(s.List.Selected, "x"); !sgr(out)["7"] {
		t.Errorf("mono selection %q is not reversed", out)
	}
	if out := trueColor(s.Detail.Title, "x"); !sgr(out)["4"] {
		t.Errorf("mono title %q is not underlined", out)
	}
	if trueColor(s.Marks.Valid.Style, "x") == trueColor(s.Marks.Failed.Style, "x") && s.Marks.Valid.Glyph == s.Marks.Failed.Glyph {
		t.Error("mono valid and failed marks look the same")
	}
}

func TestProgressLevelsDiffer(t *testing.T) {
	t.Parallel()
	for _, th := range themes.All() {
		p := New(th).Progress
		if p.Full == p.Empty {
			t.Errorf("%s: full and empty cells are both %q", th.Name, p.Full)
		}
		if th.Mono {
			continue
		}
		h, w, d := trueColor(p.Healthy, "█"), trueColor(p.Warning, "█"), trueColor(p.Danger, "█")
		if h == w || w == d || h == d {
			t.Errorf("%s: progress levels are not all distinct: %q %q %q", th.Name, h, w, d)
		}
	}
}

func TestAsciiProfileRendersPlainText(t *testing.T) {
	t.Parallel()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	s := New(themes.HighContrast())
	if got := s.Detail.Badge.Renderer(r).Render("momo"); got != " momo " {
		t.Errorf("badge under NO_COLOR = %q, want %q", got, " momo ")
	}
}

// sgr returns the parameters of the first SGR escape sequence in out.
func sgr(out string) map[string]bool {
	params := map[string]bool{}
	start := strings.Index(out, "\x1b[")
	if start < 0 {
		return params
	}
	end := strings.IndexByte(out[start:], 'm')
	if end < 0 {
		return params
	}
	for _, p := range strings.Split(out[start+2:start+end], ";") {
		params[p] = true
	}
	return params
}
