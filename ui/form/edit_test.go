package form

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tokenscope/tokenscope/providers"
)

func edited() providers.Provider {
	p, err := providers.ApplyPreset(providers.Provider{
		Name: "telenor-prod", Preset: "telenor",
		TokenURL: "https://api-test.telenor.no/oauth/v2/token",
		ClientID: "tn-client", ClientSecret: "tn-secret", Username: "ada", Password: "pw",
		Scope:   "mbd:read",
		Params:  map[string]string{"audience": "mbd", "resource": "x"},
		Headers: map[string]providers.Secret{"X-Extra": "kept"},
		TryBody: `{"kept":true}`, Timeout: 45 * time.Second, Insecure: true,
	})
	if err != nil {
		panic(err)
	}
	return p
}

func TestEditPrefillsAndKeepsWhatItDoesNotShow(t *testing.T) {
	t.Parallel()
	orig := edited()
	m := newForm(Options{Original: &orig})
	if !m.Editing() || !strings.HasPrefix(view(m), "Edit telenor-prod") {
		t.Fatalf("edit title:\n%s", view(m))
	}
	if m.fields[m.focus].key != "name" {
		t.Fatalf("an edit starts on %q, want the name", m.fields[m.focus].key)
	}
	for label, want := range map[string]string{
		"Token URL": "https://api-test.telenor.no/oauth/v2/token", "Username": "ada",
		"Extra params": "audience=mbd resource=x", "Timeout": "45s", "Insecure TLS": "yes",
		"Password": "••", "Client secret": "•••••••••",
	} {
		if got := line(t, m, label); !strings.HasSuffix(got, want) {
			t.Errorf("%s row %q, want %q", label, got, want)
		}
	}
	m2, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok {
		t.Fatalf("an unchanged edit was refused:\n%s", view(m2))
	}
	if !reflect.DeepEqual(sub.Provider, orig) || sub.Original != "telenor-prod" {
		t.Fatalf("unchanged edit gave\n%#v\nwant\n%#v", sub.Provider, orig)
	}

	m = typeInto(t, m, "name", "telenor-test")
	_, msg = submit(t, m)
	if sub := msg.(SubmittedMsg); sub.Provider.Name != "telenor-test" || sub.Original != "telenor-prod" {
		t.Fatalf("rename gave %q from %q", sub.Provider.Name, sub.Original)
	}
}

func TestEditOfAStoredValueTheListLacks(t *testing.T) {
	t.Parallel()
	orig := edited()
	orig.LogoutMethod = "OPTIONS" // hand-written in a config file
	m := newForm(Options{Original: &orig})
	if got := line(t, m, "Logout method"); !strings.HasSuffix(got, "OPTIONS") {
		t.Fatalf("logout method row %q", got)
	}
	m, msg := submit(t, m)
	if msg != nil {
		t.Fatal("an unknown method was accepted")
	}
	assertErrorUnder(t, m, "Logout method", `✗ unknown HTTP method "OPTIONS"`)
}

func TestScrollsToTheFocusedRow(t *testing.T) {
	t.Parallel()
	m := choose(t, newForm(Options{}), "preset", "momo")
	m.SetSize(80, 14)
	check := func(where string) {
		t.Helper()
		lines := strings.Split(view(m), "\n")
		if len(lines) > 14 {
			t.Fatalf("%s: %d lines in 14 rows", where, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > 80 {
				t.Fatalf("%s: a line is %d wide: %q", where, w, l)
			}
		}
		if !strings.Contains(view(m), "▸ ") {
			t.Fatalf("%s: the focused row is off screen:\n%s", where, view(m))
		}
	}
	check("top")
	if !strings.Contains(view(m), "more below") || strings.Contains(view(m), "more above") {
		t.Fatalf("top: scroll footer\n%s", view(m))
	}
	m = focusOn(t, m, "insecure")
	check("bottom")
	if !strings.Contains(view(m), "more above") || !shown(m, "Insecure TLS") {
		t.Fatalf("bottom:\n%s", view(m))
	}
	m, _ = send(m, keyOf(tea.KeyTab)) // wraps to the preset
	check("wrapped")
	if !shown(m, "Preset") {
		t.Fatalf("wrapped:\n%s", view(m))
	}
}

func TestAnySize(t *testing.T) {
	t.Parallel()
	orig := edited()
	for w := 12; w <= 130; w += 17 {
		for h := 4; h <= 40; h += 9 {
			m := newForm(Options{Original: &orig})
			m.SetSize(w, h)
			for step := range 25 {
				lines := strings.Split(view(m), "\n")
				if len(lines) > max(h, 4) {
					t.Fatalf("%dx%d step %d: %d lines", w, h, step, len(lines))
				}
				for _, l := range lines {
					if ansi.StringWidth(l) > w {
						t.Fatalf("%dx%d step %d: line %q is wider", w, h, step, l)
					}
				}
				if !strings.Contains(view(m), "▸") {
					t.Fatalf("%dx%d step %d: focused row off screen:\n%s", w, h, step, view(m))
				}
				m, _ = send(m, keyOf(tea.KeyTab))
			}
		}
	}
}

// TestGolden pins the form's look at two sizes: a MoMo provider being
// added with a refused row, and an edit.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("add_%dx%d", size[0], size[1]), func(t *testing.T) {
			m := choose(t, newForm(Options{}), "preset", "momo")
			m = typeInto(t, m, "name", "momo-sandbox")
			m = typeInto(t, m, "client_id", "0f3b6c0e-user")
			m = typeInto(t, m, "client_secret", "api-key")
			m.SetSize(size[0], size[1])
			m, _ = submit(t, m)
			golden.RequireEqual(t, []byte(view(m)))
		})
		t.Run(fmt.Sprintf("edit_%dx%d", size[0], size[1]), func(t *testing.T) {
			orig := edited()
			m := newForm(Options{Original: &orig})
			m.SetSize(size[0], size[1])
			golden.RequireEqual(t, []byte(view(m)))
		})
	}
}

// TestUneditedRowsKeepTheirValueExactly: the text input drops control
// characters and cuts at 2,048 characters; a row the user did not touch
// must still save what the provider held, to the byte.
func TestUneditedRowsKeepTheirValueExactly(t *testing.T) {
	t.Parallel()
	orig := edited()
	orig.TryURL, orig.TryMethod = "https://api.example/me", "POST"
	orig.TryBody = "{\n\t\"big\": \"" + strings.Repeat("x", 5000) + "\"\n}"
	orig.Scope = "mbd:read  mbd:write" // two spaces: not the input's to change
	m := newForm(Options{Original: &orig})
	_, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok {
		t.Fatalf("an unchanged edit was refused:\n%s", view(m))
	}
	if sub.Provider.TryBody != orig.TryBody || sub.Provider.Scope != orig.Scope {
		t.Errorf("an unchanged edit rewrote the try body (%d bytes, want %d) or the scope (%q)",
			len(sub.Provider.TryBody), len(orig.TryBody), sub.Provider.Scope)
	}
	// An edited row is what the user typed.
	m = typeInto(t, m, "scope", "other")
	_, msg = submit(t, m)
	if sub := msg.(SubmittedMsg); sub.Provider.Scope != "other" || sub.Provider.TryBody != orig.TryBody {
		t.Errorf("after editing the scope: scope %q, try body kept %v", sub.Provider.Scope, sub.Provider.TryBody == orig.TryBody)
	}
}

// TestEditOfAProductOrMarketThePresetLacks: a stored product or market the
// preset does not offer (hand-written in a config file) is refused at its
// own row, in the preset's words, not at the preset's row.
func TestEditOfAProductOrMarketThePresetLacks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p     providers.Provider
		label string
		want  string
	}{
		{providers.Provider{Name: "m", Preset: "momo", Product: "savings", ClientID: "u"},
			"Product", `✗ unknown momo product "savings" (one of collection, disbursement, remittance)`},
		{providers.Provider{Name: "v", Preset: "vodacom", Market: "atlantis", ClientID: "u"},
			"Market", `✗ unknown vodacom market "atlantis" (one of `},
	} {
		orig := tc.p
		m := newForm(Options{Original: &orig})
		m, msg := submit(t, m)
		if msg != nil {
			t.Fatalf("%s: the form accepted %+v", tc.label, orig)
		}
		lines := strings.Split(view(m), "\n")
		found := false
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimLeft(l, "▸ "), tc.label+" ") && i+1 < len(lines) {
				got := strings.TrimSpace(lines[i+1])
				if !strings.HasPrefix(got, tc.want) {
					t.Errorf("under %s: %q, want %q…", tc.label, got, tc.want)
				}
				found = true
			}
		}
		if !found {
			t.Errorf("no row %s in\n%s", tc.label, view(m))
		}
	}
}
