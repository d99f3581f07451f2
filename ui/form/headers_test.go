package form

import (
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
)

// TestHeadersRowShowsNamesMasksValues: the extra headers of an edited
// provider are on a row of their own, the names shown and the values
// masked until ctrl+r; unchanged, they are saved as they were.
func TestHeadersRowShowsNamesMasksValues(t *testing.T) {
	t.Parallel()
	orig := edited()
	orig.Headers["X-Api-Key"] = "k3y-s3cret"
	m := newForm(Options{Original: &orig})
	row := line(t, m, "Extra headers")
	if !strings.Contains(row, "X-Api-Key: ••••••••••; X-Extra: ••••") || strings.Contains(view(m), "k3y-s3cret") {
		t.Fatalf("headers row %q, want names with masked values", row)
	}
	m = focusOn(t, m, headersKey)
	if !m.KeyMap.Reveal.Enabled() {
		t.Fatal("reveal is disabled on the headers row")
	}
	m, _ = send(m, keyOf(tea.KeyCtrlR))
	if row := line(t, m, "Extra headers"); !strings.Contains(row, "X-Api-Key: k3y-s3cret; X-Extra: kept") {
		t.Fatalf("ctrl+r: headers row %q", row)
	}
	m, _ = send(m, keyOf(tea.KeyCtrlR))
	if strings.Contains(view(m), "k3y-s3cret") {
		t.Fatal("a second ctrl+r did not mask the values again")
	}
	_, msg := submit(t, m)
	if sub, ok := msg.(SubmittedMsg); !ok || !reflect.DeepEqual(sub.Provider.Headers, orig.Headers) {
		t.Fatalf("unchanged headers saved as %#v", msg)
	}
}

// TestHeadersRowIsEditedAndChecked: a header typed into the row is saved;
// a value may hold a semicolon; a name or value Validate refuses, a
// header without a colon or one given twice are refused at the row,
// never quoting a value.
func TestHeadersRowIsEditedAndChecked(t *testing.T) {
	t.Parallel()
	orig := edited()
	m := newForm(Options{Original: &orig})
	m = typeInto(t, m, headersKey, "X-Extra: kept; X-Target-Environment: sandbox; Cookie: a=1; b=2")
	_, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	want := map[string]providers.Secret{"X-Extra": "kept", "X-Target-Environment": "sandbox", "Cookie": "a=1; b=2"}
	if !ok || !reflect.DeepEqual(sub.Provider.Headers, want) {
		t.Fatalf("typed headers saved as %#v, want %v", msg, want)
	}
	for _, tc := range []struct{ typed, want string }{
		{"Bad Header: v4lue", `✗ Bad Header: a header name is an RFC 9110 token (ASCII letters, digits and !#$%&'*+-.^_` + "`" + `|~): character 4 is a space`},
		{"s3cretpasted; X-One: v4lue", "✗ header 1 is not Name: value (headers are separated by ;)"},
		{"X-One: v4lue; x-one: other", "✗ x-one is given twice"},
	} {
		m := typeInto(t, newForm(Options{Original: &orig}), headersKey, tc.typed)
		m, _ = send(m, keyOf(tea.KeyCtrlR)) // the values shown: the refusal must not quote them anyway
		m, msg := submit(t, m)
		if msg != nil {
			t.Errorf("%q was saved", tc.typed)
			continue
		}
		got := strings.Join(strings.Fields(strings.Join(refusalLines(m, "Extra headers"), " ")), " ")
		if got != tc.want {
			t.Errorf("%q: refusal %q, want %q", tc.typed, got, tc.want)
		}
		if strings.Contains(got, "v4lue") || strings.Contains(got, "s3cret") {
			t.Errorf("%q: the refusal quotes a value: %q", tc.typed, got)
		}
	}
	// MoMo's subscription key has a row of its own.
	m = choose(t, newForm(Options{}), "preset", "momo")
	m = typeInto(t, m, headersKey, "ocp-apim-subscription-key: k")
	m, _ = submit(t, m)
	if got := strings.Join(refusalLines(m, "Extra headers"), " "); !strings.Contains(got, "ocp-apim-subscription-key has a row of its own") {
		t.Errorf("the subscription key in the headers row: refusal %q", got)
	}
}

// refusalLines are the ✗ lines under the row labelled label.
func refusalLines(m Model, label string) []string {
	lines := strings.Split(view(m), "\n")
	for i, l := range lines {
		if !strings.HasPrefix(strings.TrimLeft(l, "▸ "), label+" ") {
			continue
		}
		var out []string
		for _, u := range lines[i+1:] {
			if !strings.HasPrefix(u, "   ") || strings.HasPrefix(strings.TrimLeft(u, " "), "more headers") {
				break
			}
			out = append(out, strings.TrimSpace(u))
		}
		return out
	}
	return nil
}

// TestPresetTitleAndDocWrap: no preset's title or description is cut
// with an ellipsis, whatever the width; every word of both is on screen,
// under the preset row when it does not fit on it.
func TestPresetTitleAndDocWrap(t *testing.T) {
	t.Parallel()
	squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
	for _, ps := range providers.Presets() {
		for _, w := range []int{50, 64, 72, 78, 100} {
			m := newForm(Options{Preset: ps.Name})
			m.SetSize(w, 60)
			lines := strings.Split(view(m), "\n")
			var block []string // the preset row and the lines under it
			for i, l := range lines {
				if strings.HasPrefix(l, "▸ Preset") {
					block = append(block, l)
					for _, u := range lines[i+1:] {
						if !strings.HasPrefix(u, "   ") {
							break
						}
						block = append(block, u)
					}
				}
			}
			got := strings.Join(block, "\n")
			if strings.Contains(got, "…") {
				t.Errorf("%s at %d: an ellipsis in\n%s", ps.Name, w, got)
			}
			for _, text := range []string{ps.Title, ps.Doc} {
				if !strings.Contains(squeeze(got), squeeze(text)) {
					t.Errorf("%s at %d: %q is not whole on screen:\n%s", ps.Name, w, text, got)
				}
			}
		}
	}
}
