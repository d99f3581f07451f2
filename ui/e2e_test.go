package ui

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/tokenscope/tokenscope/providers/demo"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/clipboard"
)

// demoKey is the RSA key every demo server of these tests signs with,
// generated once per test binary rather than once per server.
var demoKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("generate the tests' signing key: " + err.Error())
	}
	return k
})

// memClipboard is a system clipboard in memory.
type memClipboard struct {
	mu   sync.Mutex
	text string
}

func (c *memClipboard) ReadAll() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.text, nil
}

func (c *memClipboard) WriteAll(s string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.text = s
	return nil
}

// rig is the explorer running against a real demo server on a fixed
// clock, with its store in a temp dir and a clipboard in memory.
type rig struct {
	tm    *teatest.TestModel
	srv   *demo.Server
	vault *store.Vault
	clip  *memClipboard
	raw   []byte          // output read but not yet stripped: an escape sequence cut short
	text  strings.Builder // everything read from the program so far, escape sequences left out
}

// read adds output to r.text without its escape sequences, holding back a
// sequence the read cut short until the rest of it arrives.
func (r *rig) read(b []byte) {
	r.raw = append(r.raw, b...)
	end := len(r.raw)
	if i := bytes.LastIndexByte(r.raw, 0x1b); i >= 0 && !escapeComplete(r.raw[i:]) {
		end = i
	}
	r.text.WriteString(ansi.Strip(string(r.raw[:end])))
	r.raw = append(r.raw[:0], r.raw[end:]...)
}

// escapeComplete reports whether seq, which starts with ESC, is a whole
// escape sequence: a CSI with its final byte, an OSC with its terminator
// (whose ESC \ counts as a two-byte sequence), or a two-byte escape.
func escapeComplete(seq []byte) bool {
	if len(seq) < 2 {
		return false
	}
	switch seq[1] {
	case '[':
		return bytes.IndexFunc(seq[2:], func(c rune) bool { return c >= 0x40 && c <= 0x7e }) >= 0
	case ']':
		return bytes.IndexByte(seq, 0x07) >= 0
	}
	return true
}

// e2eNow is the fixed clock of the end-to-end runs: every issue time,
// expiry and relative time in the goldens follows from it.
var e2eNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// startRig starts the demo server and the explorer at w×h. The tokens
// named in prefetch are fetched through the engine before the explorer
// starts, so the first frame already shows them.
func startRig(t *testing.T, w, h int, theme string, prefetch ...string) *rig {
	t.Helper()
	return startRigWith(t, w, h, Options{Theme: theme}, prefetch...)
}

// demoStore starts the demo server on the rigs' fixed clock and makes a
// new store, both gone when the test is.
func demoStore(t *testing.T) (*demo.Server, *store.Vault) {
	t.Helper()
	srv, err := demo.Start(demo.Options{Now: func() time.Time { return e2eNow }, SigningKey: demoKey()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	v, err := store.Init(filepath.Join(t.TempDir(), "store"), []byte("e2e passphrase"), 10)
	if err != nil {
		t.Fatal(err)
	}
	return srv, v
}

// startRigWith is startRig with more of the explorer's options set.
func startRigWith(t *testing.T, w, h int, o Options, prefetch ...string) *rig {
	t.Helper()
	now := func() time.Time { return e2eNow }
	srv, v := demoStore(t)
	for _, p := range srv.Providers() {
		if err := v.PutProvider(p); err != nil {
			t.Fatal(err)
		}
	}
	noSleep := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	client := oauth.NewClient(oauth.Options{Now: now, Sleep: noSleep})
	for _, name := range prefetch {
		if _, err := client.Ensure(context.Background(), v, name, oauth.EnsureOptions{Fresh: true}); err != nil {
			t.Fatalf("prefetch %s: %v", name, err)
		}
	}
	r := &rig{srv: srv, vault: v, clip: &memClipboard{}}
	o.Vault, o.Client, o.Now, o.Demo = v, client, now, true
	if o.Renderer == nil {
		o.Renderer = colourRenderer()
	}
	m := New(o)
	m.clipOpts = clipboard.Options{Backend: r.clip, OSC52: clipboard.OSC52Never}
	r.start(t, m, w, h)
	return r
}

// rigWait bounds each wait of a rig: for a frame, for the histories, for
// the end after a quit. It is long: a busy machine under the race detector
// is slow, and a passing test never waits it out.
const rigWait = 30 * time.Second

// loading is the explorer under test, telling the rig once the
// histories, which the explorer reads after drawing the list, are in.
type loading struct {
	Model
	loaded func() // closes the rig's channel, once
}

func (l loading) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := l.Model.Update(msg)
	l.Model = m.(Model)
	if _, ok := msg.(historiesMsg); ok {
		l.loaded()
	}
	return l, cmd
}

// start runs m at w×h and waits until it drew the list and took the
// histories: until then a provider's detail may be drawn without its
// History section, as a frame or more of a real start shows it.
func (r *rig) start(t *testing.T, m Model, w, h int) {
	t.Helper()
	loaded := make(chan struct{})
	r.tm = teatest.NewTestModel(t, loading{Model: m, loaded: sync.OnceFunc(func() { close(loaded) })},
		teatest.WithInitialTermSize(w, h))
	r.waitFor(t, "Providers")
	select {
	case <-loaded:
	case <-time.After(rigWait):
		t.Fatalf("the explorer did not read the histories within %v", rigWait)
	}
}

// keys types each key as its own message.
func (r *rig) keys(ks ...string) {
	for _, k := range ks {
		switch k {
		case "tab":
			r.tm.Send(tea.KeyMsg{Type: tea.KeyTab})
		case "esc":
			r.tm.Send(tea.KeyMsg{Type: tea.KeyEsc})
		case "down":
			r.tm.Send(tea.KeyMsg{Type: tea.KeyDown})
		case "pgdown":
			r.tm.Send(tea.KeyMsg{Type: tea.KeyPgDown})
		default:
			r.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)})
		}
	}
}

// selectProvider moves the cursor to the named provider with the filter.
func (r *rig) selectProvider(t *testing.T, name string) {
	t.Helper()
	r.keys("/")
	r.tm.Type(name)
	r.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, fmt.Sprintf("1 of %d", len(r.srv.Providers())))
}

// waitFor waits until the program has written every one of wants, in
// the text the user reads: the output without its escape sequences.
func (r *rig) waitFor(t *testing.T, wants ...string) {
	t.Helper()
	seen := 0 // WaitFor hands over all it has read in this call each time
	teatest.WaitFor(t, r.tm.Output(), func(b []byte) bool {
		r.read(b[seen:])
		seen = len(b)
		out := r.text.String()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(rigWait), teatest.WithCheckInterval(20*time.Millisecond))
}

// final quits and returns the last frame's text, its styles left out.
func (r *rig) final(t *testing.T) string {
	t.Helper()
	return ansi.Strip(r.finalStyled(t))
}

// finalStyled quits and returns the last frame as drawn, styles and all.
func (r *rig) finalStyled(t *testing.T) string {
	t.Helper()
	return r.finalModel(t).View()
}

// finalModel quits and returns the explorer as it ended.
func (r *rig) finalModel(t *testing.T) Model {
	t.Helper()
	if err := r.tm.Quit(); err != nil {
		t.Fatal(err)
	}
	switch fm := r.tm.FinalModel(t, teatest.WithFinalTimeout(rigWait)).(type) {
	case loading:
		return fm.Model
	case Model:
		return fm
	}
	t.Fatal("no final model")
	return Model{}
}

// The demo server's random parts: its port, the kid of its signing key,
// and UUIDs (jti, application names). They are replaced by stand-ins of
// the same length, so the layout of a golden is the layout of the run.
var (
	portRE = regexp.MustCompile(`127\.0\.0\.1:\d{5}`)
	kidRE  = regexp.MustCompile(`demo-(oauth2|momo)-[A-Za-z0-9_-]{8}`)
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

func normalize(s string) string {
	s = portRE.ReplaceAllString(s, "127.0.0.1:40000")
	s = kidRE.ReplaceAllString(s, "demo-$1-KIDKIDKI")
	return uuidRE.ReplaceAllString(s, "00000000-0000-4000-8000-000000000000")
}

// golden compares a view's text with the golden file; TestGoldenThemes
// compares the styles.
func golden(t *testing.T, view string) {
	t.Helper()
	teatest.RequireEqualOutput(t, []byte(normalize(view)))
}

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

func each(t *testing.T, fn func(t *testing.T, w, h int)) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			t.Parallel()
			fn(t, sz.w, sz.h)
		})
	}
}

var allTokens = []string{"mtn-sandbox", "momo-collection", "mobifinance", "telenor-order", "mobiledigital-sms", "oauth2-local"}

func TestGoldenProviderList(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startRig(t, w, h, "", allTokens[:4]...)
		r.waitFor(t, "no token")
		golden(t, r.final(t))
	})
}

func TestGoldenJWTClaims(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startRig(t, w, h, "", "oauth2-local")
		r.selectProvider(t, "oauth2-local")
		r.keys("tab", "G") // the signature status is at the end
		r.waitFor(t, "verified")
		r.keys("g")
		if h < 30 {
			r.keys("pgdown", "pgdown") // to the claims
		}
		golden(t, r.final(t))
	})
}

func TestGoldenFullHelp(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startRig(t, w, h, "", "mtn-sandbox")
		r.keys("?")
		r.waitFor(t, "close help")
		golden(t, r.final(t))
	})
}

func TestGoldenErrorState(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startRig(t, w, h, "")
		r.selectProvider(t, "broken-gateway")
		r.keys("f")
		r.waitFor(t, "hint:")
		golden(t, r.final(t))
	})
}

// TestGoldenThemes keeps the styles of whole screens in goldens that name
// the theme's colour roles, {bold fg=Accent}tokenscope{/}, rather than
// 24-bit escape codes, so a diff says which role changed where. "no-colour"
// is a terminal under NO_COLOR: mono's attributes, no colour at all.
func TestGoldenThemes(t *testing.T) {
	t.Parallel()
	for _, theme := range []string{"tokenscope", "light", "dark", "high-contrast", "no-colour"} {
		t.Run(theme, func(t *testing.T) {
			t.Parallel()
			each(t, func(t *testing.T, w, h int) {
				o, th, want := Options{Theme: theme, Renderer: colourRenderer()}, themes.Mono(), "theme "+theme
				if theme == "no-colour" {
					o = Options{Renderer: noColourRenderer()}
					want = "theme mono (no colour)"
				} else {
					th, _ = themes.Lookup(theme)
				}
				r := startRigWith(t, w, h, o, allTokens[:2]...)
				r.waitFor(t, want)
				teatest.RequireEqualOutput(t, []byte(normalize(newRoleNamer(th, o.Renderer).name(r.finalStyled(t)))))
			})
		})
	}
}

func TestCopyHeaderReachesTheClipboard(t *testing.T) {
	t.Parallel()
	r := startRig(t, 120, 40, "", "mtn-sandbox")
	r.keys("c")
	r.waitFor(t, "copied the header of mtn-sandbox")
	_, tok, err := r.vault.Lookup("mtn-sandbox")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.clip.ReadAll(); got != "Authorization: Bearer "+tok.AccessToken.Reveal() {
		t.Errorf("clipboard holds %q", got)
	}
	view := r.final(t)
	if !strings.Contains(view, "copied the header of mtn-sandbox · valid 1m 29s · clears in 30s") {
		t.Errorf("status line does not say for how long the token is valid:\n%s", view)
	}
}

func TestTryAndLogoutAgainstTheDemo(t *testing.T) {
	t.Parallel()
	r := startRig(t, 120, 40, "", "mtn-sandbox", "telenor-order")
	r.keys("t")
	r.waitFor(t, "try mtn-sandbox: GET → 200 OK", "esc/q close")
	r.keys("esc") // the response view, back to the panes
	r.selectProvider(t, "telenor-order")
	r.keys("x")
	r.waitFor(t, "Log out of telenor-order?")
	r.keys("y")
	r.waitFor(t, "logged out of telenor-order: logout endpoint answered 200 OK")
	view := r.final(t)
	if !strings.Contains(view, "No token held.") || !strings.Contains(view, "revoked") {
		t.Errorf("after the logout:\n%s", view)
	}
	if _, tok, _ := r.vault.Lookup("telenor-order"); tok != nil {
		t.Error("the store still holds telenor-order's token")
	}
}

func TestFetchOnStartFetchesOnlyMissingTokens(t *testing.T) {
	t.Parallel()
	r := startRigWith(t, 120, 40, Options{FetchOnStart: true}, "mtn-sandbox")
	_, before, err := r.vault.Lookup("mtn-sandbox")
	if err != nil || before == nil {
		t.Fatalf("the prefetched token: %v, %v", before, err)
	}
	r.waitFor(t, fmt.Sprintf("fetched %d of %d; failed: broken-gateway (see the detail)", len(r.srv.Providers())-2, len(r.srv.Providers())-1))
	r.final(t)
	for _, p := range r.srv.Providers() {
		_, tok, err := r.vault.Lookup(p.Name)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case p.Name == "broken-gateway" && tok != nil:
			t.Errorf("broken-gateway holds a token")
		case p.Name != "broken-gateway" && tok == nil:
			t.Errorf("%s holds no token after the start", p.Name)
		}
	}
	if _, after, _ := r.vault.Lookup("mtn-sandbox"); after.AccessToken != before.AccessToken {
		t.Error("the token mtn-sandbox already held was fetched again")
	}
}

func TestUnlockScreenThenExplorer(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "store")
	v, err := store.Init(dir, []byte("right horse battery"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.PutProvider(prov("alpha")); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return e2eNow }
	tm := teatest.NewTestModel(t, New(Options{Dir: dir, Now: now, Renderer: colourRenderer()}), teatest.WithInitialTermSize(80, 24))
	r := &rig{tm: tm}
	r.waitFor(t, "Unlock tokenscope")
	tm.Type("wrong")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, "wrong passphrase: try again")
	tm.Type("right horse battery")
	tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, "Providers", "alpha")
	view := r.final(t)
	if !strings.Contains(view, "▸ · alpha") {
		t.Errorf("after unlocking:\n%s", view)
	}
}

func TestGoldenAddForm(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startRig(t, w, h, "", "mtn-sandbox")
		r.keys("a")
		r.waitFor(t, "Add a provider")
		golden(t, r.final(t))
	})
}

// TestGoldenConfirmOverThePanes: the logout question sits over the panes,
// which stay in view, the row asked about among them.
func TestGoldenConfirmOverThePanes(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startRig(t, w, h, "", "mtn-sandbox") // its detail has nothing random
		r.keys("x")
		r.waitFor(t, "Log out of mtn-sandbox?")
		golden(t, r.final(t))
	})
}

// TestGoldenDiscardPrompt: esc on a form with something typed asks before
// throwing it away.
func TestGoldenDiscardPrompt(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startRig(t, w, h, "")
		r.keys("a")
		r.waitFor(t, "Add a provider")
		r.keys("tab")
		r.tm.Type("half")
		r.keys("esc")
		r.waitFor(t, "Discard your changes?")
		golden(t, r.final(t))
	})
}

func TestAddProviderThroughTheForm(t *testing.T) {
	t.Parallel()
	r := startRig(t, 120, 40, "")
	r.keys("a")
	r.waitFor(t, "Add a provider")
	r.keys("tab") // from the preset to the name
	r.tm.Type("my-api")
	r.keys("tab")
	r.tm.Type("not a url")
	r.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	r.waitFor(t, "is not an http or https URL")
	for range len("not a url") {
		r.tm.Send(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	r.tm.Type(r.srv.URL() + "/oauth2/token")
	r.keys("tab", "tab", "tab", "tab") // grant, grant in, client auth, client id
	r.tm.Type("tokenscope-demo")
	r.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	r.waitFor(t, "added my-api")
	view := r.final(t)
	if !strings.Contains(view, "my-api") || !providerCount(view, len(r.srv.Providers())+1) {
		t.Errorf("the new provider is not listed:\n%s", view)
	}
	p, _, err := r.vault.Lookup("my-api")
	if err != nil || p.ClientID != "tokenscope-demo" || p.TokenURL != r.srv.URL()+"/oauth2/token" {
		t.Errorf("stored %+v, %v", p, err)
	}
}

func TestEditKeepsTheTokenAndDeleteAsksFirst(t *testing.T) {
	t.Parallel()
	r := startRig(t, 120, 40, "", "mtn-sandbox")
	r.keys("e")
	r.waitFor(t, "Edit mtn-sandbox")
	r.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	r.waitFor(t, "saved mtn-sandbox")
	r.keys("d")
	r.waitFor(t, "Delete provider mtn-sandbox?")
	r.keys("n", "d", "y")
	r.waitFor(t, "deleted mtn-sandbox")
	view := r.final(t)
	if strings.Contains(view, "mtn-sandbox ") || !providerCount(view, len(r.srv.Providers())-1) {
		t.Errorf("after the delete:\n%s", view)
	}
	if _, _, err := r.vault.Lookup("mtn-sandbox"); err == nil {
		t.Error("the store still has mtn-sandbox")
	}
}

func TestThemeIsRemembered(t *testing.T) {
	t.Parallel()
	r := startRig(t, 120, 40, "")
	r.keys("T")
	r.waitFor(t, "theme light")
	r.final(t)
	deadline := time.Now().Add(5 * time.Second) // the save runs in a Cmd
	for {
		p, err := r.vault.Load()
		if err != nil {
			t.Fatal(err)
		}
		if p.Theme == "light" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the store remembers theme %q, want light", p.Theme)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The next start opens in the remembered theme.
	m := New(Options{Vault: r.vault, Now: func() time.Time { return e2eNow }, Renderer: colourRenderer()})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	next := &rig{tm: tm}
	next.waitFor(t, "theme light")
	next.final(t)
}

// providerCount reports whether the list's title counts n providers.
func providerCount(view string, n int) bool {
	return regexp.MustCompile(`Providers +` + strconv.Itoa(n) + `│`).MatchString(view)
}

func TestCopyHeaderOfVodacomIsTheDerivedBearer(t *testing.T) {
	t.Parallel()
	r := startRig(t, 120, 40, "", "vodacom-tz")
	r.selectProvider(t, "vodacom-tz")
	r.waitFor(t, "copied as Bearer of the session")
	r.keys("c")
	r.waitFor(t, "copied the derived header of vodacom-tz")
	_, tok, err := r.vault.Lookup("vodacom-tz")
	if err != nil || tok.Bearer == "" {
		t.Fatalf("stored %+v, %v", tok, err)
	}
	got, _ := r.clip.ReadAll()
	if got != "Authorization: Bearer "+tok.Bearer.Reveal() || strings.Contains(got, tok.AccessToken.Reveal()) {
		t.Errorf("clipboard holds %q, want the derived bearer", got)
	}
	r.final(t)
}

// TestCopyAllHeadersOfMoMo: C puts every header a MoMo call needs on the
// clipboard in one paste: Authorization, the subscription key and the
// target environment.
func TestCopyAllHeadersOfMoMo(t *testing.T) {
	t.Parallel()
	r := startRig(t, 120, 40, "", "momo-collection")
	r.selectProvider(t, "momo-collection")
	r.keys("C")
	r.waitFor(t, "copied every header of momo-collection")
	p, tok, err := r.vault.Lookup("momo-collection")
	if err != nil {
		t.Fatal(err)
	}
	want := "Authorization: Bearer " + tok.AccessToken.Reveal() +
		"\nOcp-Apim-Subscription-Key: " + p.Headers["Ocp-Apim-Subscription-Key"].Reveal() +
		"\nX-Target-Environment: sandbox"
	if got, _ := r.clip.ReadAll(); got != want {
		t.Errorf("clipboard holds %q, want %q", got, want)
	}
	r.final(t)
}
