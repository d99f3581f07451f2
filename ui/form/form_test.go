package form

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/cursor"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers"
)

func newForm(o Options) Model {
	m := New(o)
	m.SetSize(100, 60)
	// A static cursor: focusing a row returns no blink command, so a test
	// never runs one (it would wait for the blink's timer).
	for i := range m.fields {
		m.fields[i].input.Cursor.SetMode(cursor.CursorStatic)
	}
	return m
}

func send(m Model, msgs ...tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	for _, msg := range msgs {
		m, cmd = m.Update(msg)
	}
	return m, cmd
}

func keyOf(t tea.KeyType) tea.KeyMsg { return tea.KeyMsg{Type: t} }

// focusOn tabs to the row with the key, failing if it is not shown.
func focusOn(t *testing.T, m Model, k string) Model {
	t.Helper()
	for range len(m.fields) + 1 {
		if m.fields[m.focus].key == k {
			return m
		}
		m, _ = send(m, keyOf(tea.KeyTab))
	}
	t.Fatalf("no visible row %q", k)
	return m
}

// typeInto focuses a row, empties it and types s.
func typeInto(t *testing.T, m Model, k, s string) Model {
	t.Helper()
	m = focusOn(t, m, k)
	for range len(m.fields[m.focus].value()) {
		m, _ = send(m, keyOf(tea.KeyBackspace))
	}
	for _, r := range s {
		m, _ = send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

// choose cycles a choice row until it shows v.
func choose(t *testing.T, m Model, k, v string) Model {
	t.Helper()
	m = focusOn(t, m, k)
	for range len(m.fields[m.focus].choices) + 1 {
		if m.fields[m.focus].value() == v {
			return m
		}
		m, _ = send(m, keyOf(tea.KeyRight))
	}
	t.Fatalf("row %q offers no %q (%q)", k, v, m.fields[m.focus].choices)
	return m
}

func view(m Model) string { return ansi.Strip(m.View()) }

// line returns the view's line for a row's label, trailing space cut.
func line(t *testing.T, m Model, label string) string {
	t.Helper()
	for _, l := range strings.Split(view(m), "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, "▸ "), label+" ") {
			return strings.TrimRight(l, " ")
		}
	}
	t.Fatalf("no row %q in\n%s", label, view(m))
	return ""
}

func shown(m Model, label string) bool {
	for _, l := range strings.Split(view(m), "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, "▸ "), label+" ") {
			return true
		}
	}
	return false
}

// submit presses ctrl+s and returns the message the form emitted: a
// SubmittedMsg, or nil after a refusal. The test form's cursor does not
// blink (see newForm), so a refusal returns no command and nothing here
// waits on a timer.
func submit(t *testing.T, m Model) (Model, tea.Msg) {
	t.Helper()
	m, cmd := send(m, keyOf(tea.KeyCtrlS))
	if cmd == nil {
		return m, nil
	}
	msg := cmd()
	if _, ok := msg.(SubmittedMsg); !ok {
		t.Fatalf("ctrl+s returned %T, want a SubmittedMsg or no command", msg)
	}
	return m, msg
}

func TestChoosingAPresetFillsItsDefaults(t *testing.T) {
	t.Parallel()
	m := newForm(Options{})
	if got := line(t, m, "Preset"); !strings.Contains(got, "‹ oauth2 ›") {
		t.Fatalf("a new form starts on %q", got)
	}
	m = choose(t, m, "preset", "mtn")
	for label, want := range map[string]string{
		"Token URL":   "https://api.mtn.com/v1/oauth/access_token",
		"Grant in":    "query",
		"Client auth": "body",
		"Try URL":     "https://api.mtn.com/customers/27811111111/subscriptions",
	} {
		if got := line(t, m, label); !strings.HasSuffix(got, want) {
			t.Errorf("mtn %s row is %q, want %q", label, got, want)
		}
	}
	m = choose(t, m, "preset", "telenor")
	if got := line(t, m, "Logout URL"); !strings.HasSuffix(got, "https://api.telenor.no/oauth/v2/logout") {
		t.Errorf("telenor logout row %q", got)
	}
	if !shown(m, "Username") || !shown(m, "Password") {
		t.Errorf("telenor uses the password grant but its rows are hidden:\n%s", view(m))
	}
}

func TestChangingPresetKeepsWhatTheUserTyped(t *testing.T) {
	t.Parallel()
	m := choose(t, newForm(Options{}), "preset", "mtn")
	m = typeInto(t, m, "token_url", "https://sandbox.api.mtn.com/token")
	m = typeInto(t, m, "client_id", "my-client")
	m = choose(t, m, "preset", "mobiledigital")
	if got := line(t, m, "Token URL"); !strings.HasSuffix(got, "https://sandbox.api.mtn.com/token") {
		t.Errorf("the typed token URL was replaced: %q", got)
	}
	if got := line(t, m, "Client ID"); !strings.HasSuffix(got, "my-client") {
		t.Errorf("the typed client id was lost: %q", got)
	}
	if got := line(t, m, "Scope"); !strings.HasSuffix(got, "read write admin") {
		t.Errorf("mobiledigital's scope did not fill in: %q", got)
	}
	if got := line(t, m, "Client auth"); !strings.HasSuffix(got, "basic") {
		t.Errorf("client auth stayed at mtn's %q", got)
	}
}

func TestMomoRows(t *testing.T) {
	t.Parallel()
	m := newForm(Options{})
	for _, label := range []string{"Product", "Subscription key", "API user", "API key"} {
		if shown(m, label) {
			t.Fatalf("oauth2 shows the MoMo row %q", label)
		}
	}
	m = choose(t, m, "preset", "momo")
	for _, label := range []string{"Product", "Subscription key", "API user", "API key"} {
		if !shown(m, label) {
			t.Fatalf("momo does not show %q:\n%s", label, view(m))
		}
	}
	m = choose(t, m, "product", "disbursement")
	if got := line(t, m, "Token URL"); !strings.HasSuffix(got, "https://sandbox.momodeveloper.mtn.com/disbursement/token/") {
		t.Fatalf("the token URL does not follow the product: %q", got)
	}
	m = choose(t, m, "preset", "oauth2")
	if shown(m, "Product") || shown(m, "Subscription key") {
		t.Fatalf("MoMo rows stay after leaving momo:\n%s", view(m))
	}
}

func TestGrantDecidesTheUserRows(t *testing.T) {
	t.Parallel()
	m := newForm(Options{})
	m = typeInto(t, m, "name", "ropc")
	m = typeInto(t, m, "token_url", "https://auth.example.com/token")
	m = typeInto(t, m, "client_id", "cid")
	if shown(m, "Username") {
		t.Fatal("client credentials shows a username row")
	}
	m = choose(t, m, "grant_type", "password")
	m = typeInto(t, m, "username", "ada")
	m = typeInto(t, m, "password", "pw")
	m, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok || sub.Provider.Username != "ada" || sub.Provider.Password.Reveal() != "pw" {
		t.Fatalf("password grant submit: %#v\n%s", msg, view(m))
	}
	// Back to client credentials: the hidden rows are not sent.
	m = choose(t, m, "grant_type", "client_credentials")
	_, msg = submit(t, m)
	if sub := msg.(SubmittedMsg); sub.Provider.Username != "" || sub.Provider.Password != "" {
		t.Fatalf("hidden user rows were submitted: %+v", sub.Provider)
	}
}

func TestSecretsAreMaskedUntilRevealed(t *testing.T) {
	t.Parallel()
	m := typeInto(t, newForm(Options{}), "client_secret", "s3cr3t-value")
	if strings.Contains(view(m), "s3cr3t-value") || !strings.Contains(line(t, m, "Client secret"), "••••••••••••") {
		t.Fatalf("the secret shows:\n%s", view(m))
	}
	if !m.KeyMap.Reveal.Enabled() {
		t.Fatal("reveal is disabled on a secret row")
	}
	m, _ = send(m, keyOf(tea.KeyCtrlR))
	if !strings.Contains(view(m), "s3cr3t-value") {
		t.Fatalf("ctrl+r did not reveal:\n%s", view(m))
	}
	m, _ = send(m, keyOf(tea.KeyCtrlR))
	if strings.Contains(view(m), "s3cr3t-value") {
		t.Fatal("a second ctrl+r did not mask again")
	}
	m = focusOn(t, m, "name")
	if m.KeyMap.Reveal.Enabled() {
		t.Fatal("reveal is enabled on the name row")
	}
}

func TestRefusalsAreShownAtTheirRows(t *testing.T) {
	t.Parallel()
	m := focusOn(t, newForm(Options{}), "insecure")
	m, msg := submit(t, m)
	if msg != nil {
		t.Fatalf("an empty form was submitted: %#v", msg)
	}
	if m.fields[m.focus].key != "name" {
		t.Fatalf("focus is on %q, want the refused name row", m.fields[m.focus].key)
	}
	assertErrorUnder(t, m, "Name", "✗ a provider needs a name")

	m = typeInto(t, m, "name", "demo")
	m = typeInto(t, m, "token_url", "ftp://example.com/token")
	m = typeInto(t, m, "params", "audience")
	m = typeInto(t, m, "timeout", "soon")
	m, _ = submit(t, m)
	assertErrorUnder(t, m, "Token URL", `✗ "ftp://example.com/token" is not an http or https URL`)
	assertErrorUnder(t, m, "Extra params", `✗ "audience" is not key=value`)
	assertErrorUnder(t, m, "Timeout", `✗ "soon" is not a duration such as 30s or 2m`)
	if m.fields[m.focus].key != "token_url" {
		t.Fatalf("focus is on %q, want the first refused row", m.fields[m.focus].key)
	}
	if strings.Contains(view(m), "a provider needs a name") {
		t.Fatal("a fixed refusal is still shown")
	}
	// Typing in a refused row clears its message.
	m = typeInto(t, m, "token_url", "https://example.com/token")
	if strings.Contains(view(m), "is not an http or https URL") {
		t.Fatal("the token URL refusal outlived the edit")
	}
}

func assertErrorUnder(t *testing.T, m Model, label, want string) {
	t.Helper()
	lines := strings.Split(view(m), "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimLeft(l, "▸ "), label+" ") {
			if i+1 < len(lines) && strings.TrimSpace(lines[i+1]) == want {
				return
			}
			t.Fatalf("under %q: %q, want %q\n%s", label, lines[min(i+1, len(lines)-1)], want, view(m))
		}
	}
	t.Fatalf("no row %q", label)
}

func TestMomoNeedsTheSubscriptionKey(t *testing.T) {
	t.Parallel()
	m := choose(t, newForm(Options{}), "preset", "momo")
	m = typeInto(t, m, "name", "momo-sandbox")
	m = typeInto(t, m, "client_id", "0f3b-user")
	m = typeInto(t, m, "client_secret", "api-key")
	m, msg := submit(t, m)
	if msg != nil {
		t.Fatal("momo was saved without a subscription key")
	}
	assertErrorUnder(t, m, "Subscription key", "✗ this preset needs your Ocp-Apim-Subscription-Key")
	m = typeInto(t, m, headerPrefix+"Ocp-Apim-Subscription-Key", "sub-key")
	m = choose(t, m, "product", "remittance")
	_, msg = submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok {
		t.Fatalf("not submitted: %#v", msg)
	}
	want := providers.Provider{
		Name: "momo-sandbox", Preset: "momo", Product: "remittance", Environment: "sandbox",
		TokenURL:   "https://sandbox.momodeveloper.mtn.com/remittance/token/",
		TryHeaders: map[string]string{"X-Target-Environment": "sandbox"},
		Grant:      providers.GrantClientCredentials, GrantIn: providers.GrantInNone, ClientAuth: providers.AuthBasic,
		ClientID: "0f3b-user", ClientSecret: "api-key",
		Headers: map[string]providers.Secret{"Ocp-Apim-Subscription-Key": "sub-key"},
	}
	if !reflect.DeepEqual(sub.Provider, want) || sub.Original != "" {
		t.Fatalf("submitted\n%#v\nwant\n%#v", sub, want)
	}
}

func TestNamesMustBeUnique(t *testing.T) {
	t.Parallel()
	taken := func(name string) bool { return name == "mtn-prod" || name == "other" }
	m := choose(t, newForm(Options{Taken: taken}), "preset", "mtn")
	m = typeInto(t, m, "name", "mtn-prod")
	m = typeInto(t, m, "client_id", "cid")
	m, msg := submit(t, m)
	if msg != nil {
		t.Fatal("a taken name was accepted")
	}
	assertErrorUnder(t, m, "Name", "✗ another provider is called mtn-prod: choose another name")

	// Editing mtn-prod keeps its own name, but cannot take another's.
	orig := providers.Provider{Name: "mtn-prod", Preset: "mtn", ClientID: "cid"}
	orig, _ = providers.ApplyPreset(orig)
	m = newForm(Options{Taken: taken, Original: &orig})
	if _, msg := submit(t, m); msg == nil {
		t.Fatal("editing refused the provider's own name")
	}
	m = typeInto(t, m, "name", "other")
	if _, msg := submit(t, m); msg != nil {
		t.Fatal("an edit took another provider's name")
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	_, cmd := send(newForm(Options{}), keyOf(tea.KeyEsc))
	if cmd == nil || cmd() != (CancelledMsg{}) {
		t.Fatal("esc did not cancel")
	}
}

// TestEscOnAChangedFormAsks: esc leaves an untouched form at once, but
// asks before it throws away what was typed; n and esc go back to it as
// it was, y discards it.
func TestEscOnAChangedFormAsks(t *testing.T) {
	t.Parallel()
	m := typeInto(t, newForm(Options{}), "name", "half")
	m, cmd := send(m, keyOf(tea.KeyEsc))
	if cmd != nil || !m.Asking() || !strings.Contains(view(m), "Discard your changes? y discard · n/esc keep editing") {
		t.Fatalf("esc on a changed form did not ask:\n%s", view(m))
	}
	if got := m.ShortHelp(); len(got) != 2 || got[0].Help().Desc != "discard" {
		t.Errorf("the help does not offer the answers: %v", got)
	}
	for _, k := range []tea.KeyMsg{{Type: tea.KeyRunes, Runes: []rune("n")}, keyOf(tea.KeyEsc)} {
		m, _ = send(m, k)
		if m.Asking() || m.value("name") != "half" {
			t.Fatalf("%s did not go back to the form as it was", k)
		}
		m, _ = send(m, keyOf(tea.KeyEsc))
	}
	m, _ = send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("x")})
	if !m.Asking() || m.value("name") != "half" {
		t.Fatal("another key answered the question or reached the row")
	}
	_, cmd = send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	if cmd == nil || cmd() != (CancelledMsg{}) {
		t.Fatal("y did not discard")
	}
}

// TestRequiredRowsAreMarked: the rows a save refuses empty carry a *.
func TestRequiredRowsAreMarked(t *testing.T) {
	t.Parallel()
	m := choose(t, newForm(Options{}), "preset", "momo")
	for label, want := range map[string]bool{"Name": true, "Token URL": true, "API user": true,
		"Subscription key": true, "Scope": false, "API key": false} {
		if got := strings.HasPrefix(strings.TrimLeft(line(t, m, label), "▸ "), label+" *"); got != want {
			t.Errorf("%s marked required: %v, want %v", label, got, want)
		}
	}
	if !strings.Contains(strings.Split(view(m), "\n")[0], "* required") {
		t.Error("the title does not say what * means")
	}
}

func TestEnterOnTheLastRowSubmits(t *testing.T) {
	t.Parallel()
	m := choose(t, newForm(Options{}), "preset", "mtn")
	m = typeInto(t, m, "name", "n")
	m = typeInto(t, m, "client_id", "c")
	m = focusOn(t, m, "insecure")
	_, cmd := send(m, keyOf(tea.KeyEnter))
	if cmd == nil {
		t.Fatal("enter on the last row did nothing")
	}
	if _, ok := cmd().(SubmittedMsg); !ok {
		t.Fatal("enter on the last row did not submit")
	}
}

func TestHelpFollowsTheFocusedRow(t *testing.T) {
	t.Parallel()
	enabled := func(m Model) string {
		var out []string
		for _, b := range m.ShortHelp() {
			if b.Enabled() {
				out = append(out, b.Help().Key)
			}
		}
		return strings.Join(out, " ")
	}
	m := newForm(Options{})
	if got := enabled(m); got != "ctrl+s tab/shift+tab ←/→ esc" {
		t.Errorf("on the preset: %q", got)
	}
	if got := enabled(focusOn(t, m, "name")); got != "ctrl+s tab/shift+tab esc" {
		t.Errorf("on the name: %q", got)
	}
	if got := enabled(focusOn(t, m, "client_secret")); got != "ctrl+s tab/shift+tab ctrl+r esc" {
		t.Errorf("on the secret: %q", got)
	}
	var full int
	for _, g := range m.FullHelp() {
		full += len(g)
	}
	if full != 7 {
		t.Errorf("full help has %d bindings, want all 7", full)
	}
}

func TestTryBodyFollowsTheMethod(t *testing.T) {
	t.Parallel()
	m := newForm(Options{})
	m = typeInto(t, m, "name", "api")
	m = typeInto(t, m, "token_url", "https://auth.example.com/token")
	m = typeInto(t, m, "client_id", "cid")
	if shown(m, "Try body") {
		t.Fatal("a try body row without a try URL")
	}
	m = typeInto(t, m, "try_url", "https://api.example.com/sms")
	m = choose(t, m, "try_method", "POST")
	m = typeInto(t, m, "try_body", `{"to":"+4790000000"}`)
	m, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok || sub.Provider.TryMethod != "POST" || sub.Provider.TryBody != `{"to":"+4790000000"}` {
		t.Fatalf("POST with a body: %#v\n%s", msg, view(m))
	}
	// GET sends no body: the row goes, and so does the body.
	m = choose(t, m, "try_method", "GET")
	if shown(m, "Try body") {
		t.Fatal("a try body row for GET")
	}
	_, msg = submit(t, m)
	if sub := msg.(SubmittedMsg); sub.Provider.TryBody != "" {
		t.Fatalf("GET kept the body %q", sub.Provider.TryBody)
	}
}

// TestURLWithPasswordIsRefused: a token URL with user:pass@ is refused at
// its row, with the way out, and the refusal does not repeat the password.
func TestURLWithPasswordIsRefused(t *testing.T) {
	t.Parallel()
	m := newForm(Options{})
	m = typeInto(t, m, "name", "demo")
	m = typeInto(t, m, "token_url", "https://bob:Hunter2Secret@auth.example/token")
	m = typeInto(t, m, "client_id", "app")
	m, msg := submit(t, m)
	if msg != nil {
		t.Fatalf("a URL with a password was submitted: %#v", msg)
	}
	if m.fields[m.focus].key != "token_url" {
		t.Fatalf("focus is on %q, want the token URL row", m.fields[m.focus].key)
	}
	refusal := m.fields[m.focus].err
	if !strings.Contains(refusal, "user name or password") || strings.Contains(refusal, "Hunter2Secret") {
		t.Errorf("token URL refusal %q: want the userinfo refusal, without the password", refusal)
	}
	v := view(m)
	if !strings.Contains(v, "✗ the URL carries a user name or password") || strings.Count(v, "Hunter2Secret") != 1 {
		t.Errorf("want the refusal shown, and the password only where it was typed:\n%s", v)
	}
}

// TestEverySaveShowsEveryRefusal: one save marks every refused row, not
// only the first that Validate finds.
func TestEverySaveShowsEveryRefusal(t *testing.T) {
	t.Parallel()
	m := choose(t, newForm(Options{}), "grant_type", string(providers.GrantPassword))
	m = typeInto(t, m, "token_url", "ftp://example.com/token")
	m = typeInto(t, m, "jwks_url", "gopher://example.com/jwks")
	m, msg := submit(t, m)
	if msg != nil {
		t.Fatalf("an empty form was submitted: %#v", msg)
	}
	assertErrorUnder(t, m, "Name", "✗ a provider needs a name")
	assertErrorUnder(t, m, "Token URL", `✗ "ftp://example.com/token" is not an http or https URL`)
	assertErrorUnder(t, m, "Client ID", "✗ a client id is needed")
	assertErrorUnder(t, m, "Username", "✗ the password grant needs a username")
	assertErrorUnder(t, m, "JWKS URL", `✗ "gopher://example.com/jwks" is not an http or https URL`)
	if m.fields[m.focus].key != "name" {
		t.Errorf("focus is on %q, want the first refused row", m.fields[m.focus].key)
	}
}
