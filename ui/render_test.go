package ui

import (
	"io"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tokenscope/tokenscope/themes"
)

// colourRenderer is a renderer of its own for one test: 24-bit colour on a
// dark background, whatever the test's terminal and environment, so tests
// need not flip lipgloss's global profile and can run in parallel.
func colourRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	return r
}

// noColourRenderer is the renderer of a terminal without colour: the Ascii
// profile termenv picks under NO_COLOR.
func noColourRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

var sgrRE = regexp.MustCompile("\x1b\\[([0-9;]*)m")

// sgrGroups splits an SGR parameter list into its settings: "1", "7",
// "38;2;r;g;b", "48;5;n", ...
func sgrGroups(params string) []string {
	ps := strings.Split(params, ";")
	var out []string
	for i := 0; i < len(ps); i++ {
		n := 1
		if (ps[i] == "38" || ps[i] == "48") && i+1 < len(ps) {
			switch ps[i+1] {
			case "2":
				n = 5
			case "5":
				n = 3
			}
		}
		n = min(n, len(ps)-i)
		out = append(out, strings.Join(ps[i:i+n], ";"))
		i += n - 1
	}
	return out
}

var attributeNames = map[string]string{
	"1": "bold", "2": "faint", "3": "italic", "4": "underline", "5": "blink", "7": "reverse", "9": "strike",
}

// roleNamer turns a rendered screen into text a reviewer can read: every
// SGR sequence becomes the names of what it sets, {bold fg=Accent} for the
// theme's colour roles, {/} for a reset. A colour that no role of the
// theme has shows as its raw parameters, so a stray colour stands out.
type roleNamer struct {
	fg, bg map[string]string
}

// newRoleNamer learns the sequences of every colour role of t as r renders
// them. Roles that share a colour are named together, OK|ProgressHealthy.
func newRoleNamer(t themes.Theme, r *lipgloss.Renderer) roleNamer {
	n := roleNamer{fg: map[string]string{}, bg: map[string]string{}}
	add := func(m map[string]string, s lipgloss.Style, role string) {
		for _, seq := range sgrRE.FindAllStringSubmatch(s.Render("x"), -1) {
			for _, g := range sgrGroups(seq[1]) {
				if m[g] == "" {
					m[g] = role
				} else if !strings.Contains("|"+m[g]+"|", "|"+role+"|") {
					m[g] += "|" + role
				}
			}
		}
	}
	v := reflect.ValueOf(t)
	for i := range v.NumField() {
		c, ok := v.Field(i).Interface().(lipgloss.AdaptiveColor)
		if !ok || c == (lipgloss.AdaptiveColor{}) {
			continue
		}
		role := v.Type().Field(i).Name
		add(n.fg, r.NewStyle().Foreground(c), role)
		add(n.bg, r.NewStyle().Background(c), role)
	}
	return n
}

// name writes out with its SGR sequences named. A reset followed at once
// by the style it ended is left out, so text lipgloss styles one rune at a
// time (it does for underline) reads as one run: {underline}Providers{/}.
func (n roleNamer) name(out string) string {
	var b strings.Builder
	open, last := "", 0 // the style in force, where the text after the last sequence starts
	pendingReset := false
	for _, loc := range sgrRE.FindAllStringSubmatchIndex(out, -1) {
		text := out[last:loc[0]]
		last = loc[1]
		tag := n.tag(out[loc[2]:loc[3]])
		if text != "" && pendingReset {
			b.WriteString("{/}")
			open, pendingReset = "", false
		}
		b.WriteString(text)
		switch {
		case tag == "/":
			if open != "" {
				pendingReset = true
			}
		case pendingReset && tag == open:
			pendingReset = false // the same style again: one run
		default:
			if pendingReset {
				b.WriteString("{/}")
				pendingReset = false
			}
			b.WriteString("{" + tag + "}")
			open = tag
		}
	}
	if pendingReset {
		b.WriteString("{/}")
	}
	b.WriteString(out[last:])
	return b.String()
}

// tag names what one SGR parameter list sets: "bold fg=Accent", "/" for
// a reset. An attribute repeated in the list is named once.
func (n roleNamer) tag(params string) string {
	var parts []string
	for _, g := range sgrGroups(params) {
		var p string
		switch {
		case g == "0" || g == "":
			p = "/"
		case attributeNames[g] != "":
			p = attributeNames[g]
		case n.fg[g] != "":
			p = "fg=" + n.fg[g]
		case n.bg[g] != "":
			p = "bg=" + n.bg[g]
		default:
			p = "sgr=" + g
		}
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

func TestRoleNamerNamesRolesAndAttributes(t *testing.T) {
	t.Parallel()
	r := colourRenderer()
	th := themes.Dark()
	n := newRoleNamer(th, r)
	got := n.name(r.NewStyle().Foreground(th.Accent).Background(th.Selection).Bold(true).Render("hi") +
		r.NewStyle().Foreground(lipgloss.Color("#123456")).Render("x") + " " +
		r.NewStyle().Underline(true).Render("ab") + "\x1b[0m" + r.NewStyle().Bold(true).Render("c"))
	want := "{bold fg=Accent bg=Selection|ProgressTrack}hi{/}{sgr=38;2;18;52;86}x{/} {underline}ab{/}{bold}c{/}"
	if got != want {
		t.Errorf("named\n%q\nwant\n%q", got, want)
	}
}
