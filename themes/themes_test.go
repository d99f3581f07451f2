package themes

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestAllHasTheRequiredPalettes(t *testing.T) {
	t.Parallel()
	want := []string{"tokenscope", "light", "dark", "high-contrast", "mono"}
	got := Names()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Names() = %q, want %q", got, want)
	}
	if Default().Name != DefaultName || All()[0].Name != DefaultName {
		t.Fatalf("default theme is %q, All starts with %q, want %q", Default().Name, All()[0].Name, DefaultName)
	}
	for _, th := range All() {
		if th.Description == "" {
			t.Errorf("%s: no description", th.Name)
		}
		if th.Name != strings.ToLower(th.Name) || strings.ContainsAny(th.Name, " \t") {
			t.Errorf("%q: a theme name is lowercase without spaces", th.Name)
		}
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"mono", "MONO", " High-Contrast ", "light"} {
		th, ok := Lookup(name)
		if !ok || th.Name != strings.ToLower(strings.TrimSpace(name)) {
			t.Errorf("Lookup(%q) = %q, %v", name, th.Name, ok)
		}
	}
	if th, ok := Lookup("solarized"); ok || th.Name != "" {
		t.Errorf("Lookup(solarized) = %q, %v; want nothing", th.Name, ok)
	}
}

func TestAllReturnsFreshValues(t *testing.T) {
	t.Parallel()
	a := All()
	a[0].Accent = lipgloss.AdaptiveColor{Light: "#000000", Dark: "#000000"}
	a[0].Name = "changed"
	if b := All(); b[0].Name != DefaultName || b[0].Accent == a[0].Accent {
		t.Fatalf("changing All()'s result changed the next call: %+v", b[0])
	}
}

func TestNextCycles(t *testing.T) {
	t.Parallel()
	names := Names()
	name := names[0]
	for i := range names {
		name = Next(name).Name
		if want := names[(i+1)%len(names)]; name != want {
			t.Fatalf("step %d: Next = %q, want %q", i, name, want)
		}
	}
	if got := Next("nonsense").Name; got != DefaultName {
		t.Fatalf("Next(unknown) = %q, want the default", got)
	}
}

// colours lists every AdaptiveColor field of a theme by name.
func colours(th Theme) map[string]lipgloss.AdaptiveColor {
	out := map[string]lipgloss.AdaptiveColor{}
	v := reflect.ValueOf(th)
	for i := range v.NumField() {
		if c, ok := v.Field(i).Interface().(lipgloss.AdaptiveColor); ok {
			out[v.Type().Field(i).Name] = c
		}
	}
	return out
}

func TestColoursAreSetAndValid(t *testing.T) {
	t.Parallel()
	for _, th := range All() {
		cs := colours(th)
		if len(cs) < 15 {
			t.Fatalf("%s: only %d colour roles", th.Name, len(cs))
		}
		for role, c := range cs {
			if th.Mono {
				if c.Light != "" || c.Dark != "" {
					t.Errorf("mono: %s has colour %+v", role, c)
				}
				continue
			}
			for _, s := range []string{c.Light, c.Dark} {
				if _, ok := rgb(s); !ok {
					t.Errorf("%s: %s = %q is not a #rrggbb or 0-15 colour", th.Name, role, s)
				}
			}
		}
	}
}

// The backgrounds a palette's light and dark sides are drawn on.
const (
	lightBackground = "#FFFFFF"
	darkBackground  = "#0D1117"
)

// TestContrast holds every palette to WCAG contrast ratios on the
// background its side is meant for: 4.5 for text and marks (AA), 3 for
// muted text, borders excluded.
func TestContrast(t *testing.T) {
	t.Parallel()
	for _, th := range All() {
		if th.Mono {
			continue
		}
		sides := []struct {
			bg   string
			pick func(lipgloss.AdaptiveColor) string
		}{
			{lightBackground, func(c lipgloss.AdaptiveColor) string { return c.Light }},
			{darkBackground, func(c lipgloss.AdaptiveColor) string { return c.Dark }},
		}
		for _, side := range sides {
			// A fixed palette only promises its own background.
			if th.Text.Light == th.Text.Dark {
				bg := lightBackground
				if th.Name == "dark" {
					bg = darkBackground
				}
				if side.bg != bg {
					continue
				}
			}
			check := func(role, fg, bg string, min float64) {
				if r := contrast(fg, bg); r < min {
					t.Errorf("%s on %s: %s %s has contrast %.2f, want ≥ %.1f", th.Name, bg, role, fg, r, min)
				}
			}
			for role, min := range map[string]float64{"Text": 7, "Accent": 4.5, "OK": 3, "Warning": 3, "Danger": 3, "Info": 3, "Muted": 3} {
				check(role, side.pick(colours(th)[role]), side.bg, min)
			}
			check("SelectionText on Selection", side.pick(th.SelectionText), side.pick(th.Selection), 4.5)
			check("AccentText on Accent", side.pick(th.AccentText), side.pick(th.Accent), 4.5)
		}
	}
}

// ansi16 is the xterm rendering of the 16 basic ANSI colours.
var ansi16 = [16]string{
	"#000000", "#CD0000", "#00CD00", "#CDCD00", "#0000EE", "#CD00CD", "#00CDCD", "#E5E5E5",
	"#7F7F7F", "#FF0000", "#00FF00", "#FFFF00", "#5C5CFF", "#FF00FF", "#00FFFF", "#FFFFFF",
}

func rgb(s string) ([3]float64, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 15 {
			return [3]float64{}, false
		}
		s = ansi16[n]
	}
	if len(s) != 7 || s[0] != '#' {
		return [3]float64{}, false
	}
	var out [3]float64
	for i := range out {
		v, err := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return out, false
		}
		out[i] = float64(v) / 255
	}
	return out, true
}

func luminance(s string) float64 {
	c, _ := rgb(s)
	var l [3]float64
	for i, v := range c {
		if v <= 0.04045 {
			l[i] = v / 12.92
		} else {
			l[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}
