package styles

import (
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tokenscope/tokenscope/themes"
)

// renderer is a test's own renderer of the given profile on a dark
// background, so no test changes lipgloss's global one.
func renderer(p termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	r.SetHasDarkBackground(true)
	return r
}

func trueColor(t themes.Theme) *Styles { return New(t, renderer(termenv.TrueColor)) }

// styleFields lists every lipgloss.Style in v (a struct), by path.
func styleFields(prefix string, v reflect.Value, out map[string]lipgloss.Style) {
	for i := range v.NumField() {
		f, name := v.Field(i), prefix+v.Type().Field(i).Name
		switch x := f.Interface().(type) {
		case lipgloss.Style:
			out[name] = x
		case themes.Theme:
		default:
			if f.Kind() == reflect.Struct {
				styleFields(name+".", f, out)
			}
		}
	}
}

// TestEveryStyleIsBuilt: every style of every group draws something, so a
// field New forgets to fill (rendering plain) fails here.
func TestEveryStyleIsBuilt(t *testing.T) {
	t.Parallel()
	all := map[string]lipgloss.Style{}
	styleFields("", reflect.ValueOf(*trueColor(themes.Default())), all)
	if len(all) < 60 {
		t.Fatalf("only %d styles found", len(all))
	}
	for name, st := range all {
		if st.Render("x") == "x" {
			t.Errorf("%s renders plain text: not built", name)
		}
	}
}

func TestStatusStylesAreDistinct(t *testing.T) {
	t.Parallel()
	for _, th := range themes.All() {
		if th.Mono {
			continue // mono tells the marks apart by their glyphs
		}
		s := trueColor(th)
		seen := map[string]string{}
		for name, st := range map[string]lipgloss.Style{
			"healthy": s.List.Healthy, "warning": s.List.Warning, "danger": s.List.Danger,
			"busy": s.List.Busy, "muted": s.List.Muted,
		} {
			out := st.Render("●")
			if other, ok := seen[out]; ok {
				t.Errorf("%s: the %s and %s marks look the same: %q", th.Name, name, other, out)
			}
			seen[out] = name
		}
	}
}

func TestMarksTakeTheThemeColours(t *testing.T) {
	t.Parallel()
	s := trueColor(themes.Default())
	// #3FB950 and #F85149 are the default palette's dark OK and Danger.
	if got := s.List.Healthy.Render("x"); !strings.Contains(got, "38;2;63;185;80") {
		t.Errorf("valid mark %q is not drawn in the OK colour", got)
	}
	if got := s.List.Danger.Render("x"); !strings.Contains(got, "38;2;248;81;73") {
		t.Errorf("expired mark %q is not drawn in the danger colour", got)
	}
	if got := s.List.Selected.Render("x"); !strings.Contains(got, "48;2;") {
		t.Errorf("selected row %q has no background", got)
	}
}

func TestMonoUsesNoColour(t *testing.T) {
	t.Parallel()
	s := trueColor(themes.Mono())
	all := map[string]lipgloss.Style{}
	styleFields("", reflect.ValueOf(*s), all)
	for name, st := range all {
		out := st.Render("x")
		if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
			t.Errorf("mono %s %q carries a colour", name, out)
		}
	}
	// Without colour, attributes must tell the roles apart: reverse for the
	// selection and errors, underline for titles, a heavy focused frame.
	if out := s.List.Selected.Render("x"); !sgr(out)["7"] {
		t.Errorf("mono selection %q is not reversed", out)
	}
	if out := s.Status.Error.Render("x"); !sgr(out)["7"] {
		t.Errorf("mono error %q is not reversed", out)
	}
	if out := s.Detail.Title.Render("x"); !sgr(out)["4"] {
		t.Errorf("mono title %q is not underlined", out)
	}
	if s.Pane.Focused.Border == s.Pane.Blurred.Border {
		t.Error("mono focused and blurred panes have the same frame")
	}
}

func TestProgressLevelsDiffer(t *testing.T) {
	t.Parallel()
	for _, th := range themes.All() {
		if th.Mono {
			continue // the countdown beside mono's bar says the level
		}
		d := trueColor(th).Detail
		h, w, x := d.Healthy.Render("█"), d.Warning.Render("█"), d.Danger.Render("█")
		if h == w || w == x || h == x {
			t.Errorf("%s: progress levels are not all distinct: %q %q %q", th.Name, h, w, x)
		}
	}
}

// TestNoColourTerminalDrawsMono: on a terminal of termenv's Ascii profile
// (NO_COLOR) the styles are mono's whatever the theme asked for, and its
// bold, reverse and underline reach the output, which Ascii alone drops.
func TestNoColourTerminalDrawsMono(t *testing.T) {
	t.Parallel()
	ascii := renderer(termenv.Ascii)
	if got := ascii.NewStyle().Bold(true).Reverse(true).Render("x"); got != "x" {
		t.Fatalf("the Ascii profile kept attributes (%q): this fix is moot", got)
	}
	s := New(themes.HighContrast(), ascii)
	if !s.NoColour || s.Theme.Name != "mono" {
		t.Fatalf("NoColour %v, theme %q; want mono", s.NoColour, s.Theme.Name)
	}
	for name, c := range map[string]struct {
		st   lipgloss.Style
		want string
	}{
		"selected row": {s.List.Selected, "\x1b[1;7mx\x1b[0m"},
		"error":        {s.Status.Error, "\x1b[1;7mx\x1b[0m"},
		"focused pane": {s.Pane.Focused.Style, "\x1b[1mx\x1b[0m"},
		"plain text":   {s.Detail.Value, "x"},
	} {
		if got := c.st.Render("x"); got != c.want {
			t.Errorf("%s = %q, want %q", name, got, c.want)
		}
	}
	if p := sgr(s.Header.Title.Render("x")); !p["1"] || !p["4"] {
		t.Errorf("title %q is not bold and underlined", s.Header.Title.Render("x"))
	}
	if s := New(themes.HighContrast(), renderer(termenv.ANSI256)); s.NoColour || s.Theme.Name != "high-contrast" {
		t.Errorf("a colour terminal got NoColour %v, theme %q", s.NoColour, s.Theme.Name)
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

// TestDimmedLooksDimmed: in every theme, and on a terminal without colour,
// a key that does nothing now is drawn unlike one that works, and the
// panes behind a question unlike the panes themselves.
func TestDimmedLooksDimmed(t *testing.T) {
	t.Parallel()
	all := []*Styles{New(themes.Default(), renderer(termenv.Ascii))}
	for _, th := range themes.All() {
		all = append(all, trueColor(th))
	}
	for _, s := range all {
		hp := &s.HelpPage
		off := hp.Unavailable.Render("x")
		if off == hp.Key.Render("x") || off == hp.Desc.Render("x") {
			t.Errorf("%s (no colour %v): an unavailable key looks available: %q", s.Theme.Name, s.NoColour, off)
		}
		if back := s.Backdrop.Render("x"); back == s.Detail.Value.Render("x") || back == "x" {
			t.Errorf("%s (no colour %v): the backdrop is not dimmed: %q", s.Theme.Name, s.NoColour, back)
		}
		if row := s.List.Row.Render("x"); row == "x" {
			t.Errorf("%s (no colour %v): the selected row has no background: %q", s.Theme.Name, s.NoColour, row)
		}
	}
}
