package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/demo"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/clipboard"
	"github.com/tokenscope/tokenscope/ui/login"
	"github.com/tokenscope/tokenscope/ui/session"
)

// testClock is a clock the test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// signInRig is the explorer with the demo's sign-in providers as well as
// its others, on a clock the test moves; the device polling waits on gate
// (closed by the test once it approved the sign-in) instead of a timer.
type signInRig struct {
	*rig
	clock *testClock
	gate  chan struct{}
	count int
}

func startSignInRig(t *testing.T, w, h int, prefetch ...string) *signInRig {
	t.Helper()
	clock := &testClock{t: e2eNow}
	srv, err := demo.Start(demo.Options{Now: clock.now, SigningKey: demoKey()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	v, err := store.Init(filepath.Join(t.TempDir(), "store"), []byte("e2e passphrase"), 10)
	if err != nil {
		t.Fatal(err)
	}
	ps := append(srv.Providers(), srv.LoginProviders()...)
	for _, p := range ps {
		if err := v.PutProvider(p); err != nil {
			t.Fatal(err)
		}
	}
	gate := make(chan struct{})
	sleep := func(ctx context.Context, _ time.Duration) error {
		select {
		case <-gate:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	client := oauth.NewClient(oauth.Options{Now: clock.now, Sleep: sleep})
	for _, name := range prefetch {
		if _, err := client.Ensure(context.Background(), v, name, oauth.EnsureOptions{Fresh: true}); err != nil {
			t.Fatalf("prefetch %s: %v", name, err)
		}
	}
	r := &rig{srv: srv, vault: v, clip: &memClipboard{}}
	m := New(Options{Vault: v, Client: client, Now: clock.now, Demo: true, Renderer: colourRenderer()})
	m.clipOpts = clipboard.Options{Backend: r.clip, OSC52: clipboard.OSC52Never}
	r.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	r.waitFor(t, "Providers")
	return &signInRig{rig: r, clock: clock, gate: gate, count: len(ps)}
}

// choose moves the cursor to the named provider with the filter.
func (r *signInRig) choose(t *testing.T, name string) {
	t.Helper()
	r.keys("/")
	r.tm.Type(name)
	r.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, fmt.Sprintf("1 of %d", r.count))
}

// startSignIn starts the sign-in of the named provider and, once the
// pane shows each of shown, returns the URL the pane copies (the
// authorization URL, or the device page with the code filled in), copied
// as a person would copy it.
func (r *signInRig) startSignIn(t *testing.T, name string, shown ...string) string {
	t.Helper()
	r.choose(t, name)
	r.keys("f")
	r.waitFor(t, shown...)
	r.keys("c")
	return r.copied(t)
}

// deviceProv is a public client of the device grant whose endpoints
// answer nothing: the tests hand the explorer the server's answers.
func deviceProv(name string) providers.Provider {
	p := prov(name)
	p.Grant, p.ClientAuth, p.DeviceAuthorizationURL = providers.GrantDeviceCode, providers.AuthNone, "http://127.0.0.1:1/device"
	return p
}

// deviceStarted is the explorer over deviceProv("tv") alone, f pressed and
// the device authorization answered with da, its codes and page filled in;
// seq is the fetch's.
func deviceStarted(t *testing.T, da oauth.DeviceAuthorization) (Model, uint64) {
	t.Helper()
	m := unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: deviceProv("tv")})
	m, _ = press(m, "f")
	seq := m.sess.Get("tv").Pending
	if m.signIns["tv"] == nil {
		t.Fatal("f opened no sign-in")
	}
	da.DeviceCode, da.UserCode, da.VerificationURI = "device-code-0123456789", "WDJB-MJHT", "http://127.0.0.1:1/activate"
	return step(m, deviceMsg{name: "tv", seq: seq, da: &da}), seq
}

// copied waits for the explorer to put something on the clipboard.
func (r *signInRig) copied(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if s, _ := r.clip.ReadAll(); s != "" {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("nothing was copied")
	return ""
}

// quitSignIn quits and returns the final model, its sign-ins stopped
// when the test is over.
func (r *signInRig) quitModel(t *testing.T) Model {
	t.Helper()
	if err := r.tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := r.tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	t.Cleanup(func() {
		for _, s := range m.signIns {
			s.cancel()
			if s.loop != nil {
				_ = s.loop.Close()
			}
		}
	})
	return m
}

// Parts of a sign-in that change on every run, each replaced by a
// stand-in of its length so the golden's layout is the run's.
var (
	encodedPortRE = regexp.MustCompile(`127\.0\.0\.1%3A\d+`)
	stateRE       = regexp.MustCompile(`state=[A-Za-z0-9_-]+`)
	challengeRE   = regexp.MustCompile(`code_challenge=[A-Za-z0-9_-]+`)
	nonceRE       = regexp.MustCompile(`nonce=[A-Za-z0-9_-]+`)
	userCodeRE    = regexp.MustCompile(`user_code=[A-Z0-9-]+`)
)

func sameLength(re *regexp.Regexp, s string, keep int, fill byte) string {
	return re.ReplaceAllStringFunc(s, func(m string) string {
		return m[:keep] + strings.Repeat(string(fill), len(m)-keep)
	})
}

func normalURL(u string) string {
	u = portRE.ReplaceAllString(u, "127.0.0.1:40000")
	u = sameLength(encodedPortRE, u, len("127.0.0.1%3A"), '4')
	u = sameLength(stateRE, u, len("state="), 'S')
	u = sameLength(challengeRE, u, len("code_challenge="), 'C')
	u = sameLength(nonceRE, u, len("nonce="), 'N')
	return sameLength(userCodeRE, u, len("user_code="), 'X')
}

// frozenView is the final view with the sign-in's random parts (ports,
// state, challenge, user code) and the spinner's frame in stand-ins.
func frozenView(m Model, name string) string {
	s := m.signIns[name]
	p := s.pane
	switch p.Kind() {
	case login.Device:
		code := strings.Repeat("X", 4) + "-" + strings.Repeat("X", 4)
		p.SetDevice(code, normalURL(p.PageURI()), normalURL(p.URL()), e2eNow.Add(10*time.Minute))
	default:
		p.SetAuthorization(normalURL(p.URL()), e2eNow.Add(loginTimeout))
	}
	m.list.SetSpinnerFrame("*")
	for _, s := range m.signIns {
		s.pane.SetSpinnerFrame("*")
	}
	return normalize(ansi.Strip(m.View()))
}

// browse plays the browser: it opens the authorization URL, presses the
// demo's button (allow or deny), and follows the redirect to the
// loopback callback, returning the page tokenscope answered with.
func browse(t *testing.T, authURL, action string) string {
	t.Helper()
	hc := &http.Client{Timeout: 30 * time.Second}
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Sign in as demo") {
		t.Fatalf("the sign-in page answered %d: %s", resp.StatusCode, page)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	form := u.Query()
	form.Set("action", action)
	u.RawQuery = ""
	resp, err = hc.PostForm(u.String(), form) // redirected to the callback
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func TestSignInBrowserEndToEnd(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	authURL := r.startSignIn(t, "oauth2-login", "waiting for the browser", "Open this URL to sign in")
	if !strings.Contains(authURL, "code_challenge_method=S256") || !strings.Contains(authURL, "redirect_uri=http%3A%2F%2F127.0.0.1") {
		t.Fatalf("the copied URL is not the authorization request: %s", authURL)
	}
	if page := browse(t, authURL, "allow"); !strings.Contains(page, "You can close this tab") || strings.Contains(page, "failed") {
		t.Fatalf("the browser was answered: %s", page)
	}
	r.waitFor(t, "fetched a token for oauth2-login")
	m := r.quitModel(t)
	if len(m.signIns) != 0 {
		t.Fatalf("the sign-in pane is still open: %v", m.signIns)
	}
	if _, tok, err := r.vault.Lookup("oauth2-login"); err != nil || tok == nil || tok.AccessToken == "" {
		t.Fatalf("no token stored: %v %v", tok, err)
	}
	// The log holds the discovery on first use as well as the exchange.
	var discovered bool
	for _, x := range m.exlog.Exchanges("oauth2-login") {
		discovered = discovered || strings.Contains(x.URL, "/.well-known/")
	}
	if !discovered {
		t.Errorf("the exchange log lacks the discovery: %+v", m.exlog.Exchanges("oauth2-login"))
	}
	if v := ansi.Strip(m.View()); strings.Contains(v, "Sign in to oauth2-login") || !strings.Contains(v, "oauth2-login") {
		t.Fatalf("the detail pane does not show the token:\n%s", v)
	}
}

func TestSignInBrowserDenied(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	if page := browse(t, r.startSignIn(t, "oauth2-login", "Open this URL to sign in"), "deny"); !strings.Contains(page, "Sign-in failed") || !strings.Contains(page, "access_denied") {
		t.Fatalf("the browser was answered: %s", page)
	}
	r.waitFor(t, "access_denied", "nothing stored")
	m := r.quitModel(t)
	if _, tok, _ := r.vault.Lookup("oauth2-login"); tok != nil {
		t.Fatal("a refused sign-in stored a token")
	}
	if len(m.signIns) != 0 {
		t.Fatal("the pane is still open after the refusal")
	}
}

func TestSignInStateMismatchIsRefused(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	u, _ := url.Parse(r.startSignIn(t, "oauth2-login", "Open this URL to sign in"))
	redirect := u.Query().Get("redirect_uri")
	resp, err := http.Get(redirect + "?code=forged&state=not-this-one")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a forged callback was answered %d", resp.StatusCode)
	}
	r.waitFor(t, "state is not this login")
	r.quitModel(t)
	if _, tok, _ := r.vault.Lookup("oauth2-login"); tok != nil {
		t.Fatal("a forged callback stored a token")
	}
}

func TestSignInEscCancelsAndStoresNothing(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	u, _ := url.Parse(r.startSignIn(t, "oauth2-login", "Open this URL to sign in"))
	redirect := u.Query().Get("redirect_uri")
	r.keys("esc")
	r.waitFor(t, "sign-in to oauth2-login cancelled: nothing stored")
	// The listener is closed: the browser coming back finds no one.
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(redirect + "?code=x&state=y")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatalf("the listener still answers after esc (%d)", resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
	m := r.quitModel(t)
	if len(m.signIns) != 0 || m.sess.Get("oauth2-login").Busy != 0 {
		t.Fatal("the sign-in is still under way after esc")
	}
	if _, tok, _ := r.vault.Lookup("oauth2-login"); tok != nil {
		t.Fatal("a cancelled sign-in stored a token")
	}
}

func TestSignInOthersKeepTicking(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40, "oauth2-local")
	r.choose(t, "oauth2-login")
	r.keys("f")
	r.waitFor(t, "gives up in 5m")
	r.clock.add(90 * time.Second)
	// The pane's countdown and the other provider's move on the tick.
	r.waitFor(t, "gives up in 3m 30s")
	// The user moves on while the sign-in waits.
	r.keys("/")
	for range "oauth2-login" {
		r.tm.Send(tea.KeyMsg{Type: tea.KeyBackspace})
	}
	r.tm.Type("oauth2-local")
	r.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, "Providers /oauth2-local", "Issued    2026-03-01 12:00:00 UTC · 1m 30s ago", "expired 1m ago")
	m := r.quitModel(t)
	if s := m.signIns["oauth2-login"]; s == nil {
		t.Fatal("the sign-in ended when the user moved")
	}
	e := m.sess.Get("oauth2-local")
	if e == nil || !e.HasToken() {
		t.Fatal("oauth2-local has no token")
	}
	if !m.now.Equal(e2eNow.Add(90 * time.Second)) {
		t.Fatalf("the explorer's clock is %s, want the moved one", m.now)
	}
}

func TestSignInDeviceEndToEnd(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	page := r.startSignIn(t, "oauth2-device", "and enter the code", "waiting for the sign-in to be approved")
	pu, err := url.Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	code := pu.Query().Get("user_code")
	if code == "" {
		t.Fatalf("the copied page has no user code: %s", page)
	}
	r.waitFor(t, "and enter the code "+code+":") // beside the large letters at 120×40
	pu.RawQuery = ""
	resp, err := http.PostForm(pu.String(), url.Values{"user_code": {code}, "action": {"allow"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	close(r.gate)
	r.waitFor(t, "fetched a token for oauth2-device")
	m := r.quitModel(t)
	if len(m.signIns) != 0 {
		t.Fatal("the device pane is still open")
	}
	// The log holds the request for the codes as well as the polls.
	var asked bool
	for _, x := range m.exlog.Exchanges("oauth2-device") {
		asked = asked || strings.HasSuffix(x.URL, "/oauth2/device_authorization")
	}
	if !asked {
		t.Errorf("the exchange log lacks the device authorization request: %+v", m.exlog.Exchanges("oauth2-device"))
	}
	if _, tok, _ := r.vault.Lookup("oauth2-device"); tok == nil {
		t.Fatal("no token stored")
	}
}

func TestSignInDeviceDenied(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	pu, _ := url.Parse(r.startSignIn(t, "oauth2-device", "and enter the code"))
	code := pu.Query().Get("user_code")
	pu.RawQuery = ""
	resp, err := http.PostForm(pu.String(), url.Values{"user_code": {code}, "action": {"deny"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	close(r.gate)
	r.waitFor(t, "the demo user denied the sign-in")
	r.quitModel(t)
	if _, tok, _ := r.vault.Lookup("oauth2-device"); tok != nil {
		t.Fatal("a denied sign-in stored a token")
	}
}

func TestSignInDeviceEscStopsPolling(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	r.choose(t, "oauth2-device")
	r.keys("f")
	r.waitFor(t, "and enter the code")
	r.keys("esc")
	r.waitFor(t, "sign-in to oauth2-device cancelled: nothing stored")
	m := r.quitModel(t)
	if len(m.signIns) != 0 || m.sess.Get("oauth2-device").Busy != 0 {
		t.Fatal("the device sign-in is still under way after esc")
	}
	if _, tok, _ := r.vault.Lookup("oauth2-device"); tok != nil {
		t.Fatal("a cancelled device sign-in stored a token")
	}
}

func TestGoldenSignInPanes(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"oauth2-login", "oauth2-device"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			each(t, func(t *testing.T, w, h int) {
				r := startSignInRig(t, w, h)
				r.choose(t, name)
				r.keys("f")
				r.waitFor(t, "o open URL")
				m := r.quitModel(t)
				golden(t, frozenView(m, name))
			})
		})
	}
}

// TestSignInTimeoutStoresNothing: a wait that runs out ends the sign-in
// with the reason on the status line, the listener closed.
func TestSignInTimeoutStoresNothing(t *testing.T) {
	t.Parallel()
	p := prov("app")
	p.Grant, p.ClientAuth, p.AuthorizationURL = providers.GrantAuthorizationCode, providers.AuthNone, "http://127.0.0.1:1/authorize"
	m := unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: p})
	m, cmd := press(m, "f")
	e := m.sess.Get("app")
	if cmd == nil || m.signIns["app"] == nil {
		t.Fatal("f opened no sign-in")
	}
	l, err := oauth.ListenLoopback("http://127.0.0.1:0/callback")
	if err != nil {
		t.Fatal(err)
	}
	az, err := oauth.NewAuthorization(p, l.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	m = step(m, listeningMsg{name: "app", seq: e.Pending, loop: l, az: az})
	if got := plain(m); !strings.Contains(got, "gives up in 5m") {
		t.Fatalf("no countdown:\n%s", got)
	}
	seq := e.Pending
	next, cmd := m.Update(callbackMsg{name: "app", seq: seq, err: context.DeadlineExceeded})
	mm := next.(Model)
	if got := plain(mm); !strings.Contains(got, "no callback from the browser within 5m: nothing stored") {
		t.Fatalf("status:\n%s", got)
	}
	if mm.signIns["app"] != nil || e.Busy != session.OpNone {
		t.Fatal("the sign-in is still under way")
	}
	runAll(cmd) // closes the listener
	if _, err := http.Get(l.RedirectURI); err == nil {
		t.Fatal("the listener still listens")
	}
	if e.HasToken() {
		t.Fatal("a token after a timeout")
	}
}

// runAll runs cmd and the commands of the batches it returns.
func runAll(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runAll(c)
		}
	}
}

// TestSignInHelpLineOffersEachKeyOnce: with the pane shown over a
// filtered list, esc is the pane's (cancel), and the line says only that.
func TestSignInHelpLineOffersEachKeyOnce(t *testing.T) {
	t.Parallel()
	p := prov("app")
	p.Grant, p.ClientAuth, p.AuthorizationURL = providers.GrantAuthorizationCode, providers.AuthNone, "http://127.0.0.1:1/authorize"
	m := unitModel(t, &clock{t0}, 200, 40, store.Entry{Provider: p}, store.Entry{Provider: prov("beta")})
	m, _ = press(m, "/", "a", "p", "p", "enter", "f")
	if m.signIns["app"] == nil {
		t.Fatalf("no sign-in:\n%s", plain(m))
	}
	line := m.helpLine()
	if !strings.Contains(ansi.Strip(line), "esc cancel") || strings.Contains(ansi.Strip(line), "esc clear filter") {
		t.Fatalf("help line: %s", ansi.Strip(line))
	}
	m.signIns["app"].cancel()
}

// TestSignInDeviceCancelKeepsATokenThePollStored: esc while a device
// poll is storing the token it just got ends the fetch with that token,
// not with "nothing stored" and the token left out of the explorer.
func TestSignInDeviceCancelKeepsATokenThePollStored(t *testing.T) {
	t.Parallel()
	m, seq := deviceStarted(t, oauth.DeviceAuthorization{Expires: t0.Add(10 * time.Minute),
		Interval: 5 * time.Second})
	e := m.sess.Get("tv")
	m = step(m, login.CancelMsg{Name: "tv"}) // esc's answer
	stopping := plain(m)
	// The poll had its token and stored it as esc came.
	m = step(m, tokenMsg{name: "tv", seq: seq, op: session.OpFetch,
		stored: &store.Entry{Provider: e.Provider, Token: token(t0, time.Hour)}})
	if !e.HasToken() || e.Busy != session.OpNone || m.signIns["tv"] != nil {
		t.Fatalf("the stored token is not shown: token %v, busy %d", e.Token, e.Busy)
	}
	if got := plain(m); strings.Contains(got, "nothing stored") {
		t.Fatalf("the explorer says nothing was stored of a stored token:\n%s", got)
	}
	if strings.Contains(stopping, "nothing stored") || !strings.Contains(stopping, "cancelling the sign-in") {
		t.Fatalf("esc, the poll not back yet:\n%s", stopping)
	}
}

// TestSignInDeviceCancelEndsWhenThePollStops: esc ends a device sign-in
// once its poll stops without a token, nothing stored.
func TestSignInDeviceCancelEndsWhenThePollStops(t *testing.T) {
	t.Parallel()
	m, seq := deviceStarted(t, oauth.DeviceAuthorization{Interval: 5 * time.Second})
	e := m.sess.Get("tv")
	ctx := m.signIns["tv"].ctx
	m, cmd := press(m, "esc")
	if cmd == nil {
		t.Fatal("esc does not cancel")
	}
	m = step(m, cmd())
	if ctx.Err() == nil {
		t.Fatal("esc did not stop the polling")
	}
	if _, cmd := press(m, "esc"); cmd != nil {
		t.Fatal("esc while the sign-in stops still does something") // the pane's esc is off
	}
	m = step(m, tokenMsg{name: "tv", seq: seq, op: session.OpFetch, err: context.Canceled})
	if got := plain(m); !strings.Contains(got, "sign-in to tv cancelled: nothing stored") {
		t.Fatalf("status:\n%s", got)
	}
	if e.HasToken() || e.Busy != session.OpNone || m.signIns["tv"] != nil || e.Failed {
		t.Fatalf("after the cancel: token %v, busy %d, failed %v", e.Token, e.Busy, e.Failed)
	}
}

// TestRefreshAllLeavesSignInsToAPerson: R does not ask for the token of a
// sign-in provider that has no refresh token (it would only fail with
// "needs a browser login" and be marked ✗), and renews one that has.
func TestRefreshAllLeavesSignInsToAPerson(t *testing.T) {
	t.Parallel()
	web, tv, renewable := prov("web"), deviceProv("tv"), prov("renewable")
	web.Grant, web.ClientAuth, web.AuthorizationURL = providers.GrantAuthorizationCode, providers.AuthNone, "http://127.0.0.1:1/authorize"
	renewable.Grant, renewable.ClientAuth, renewable.AuthorizationURL = web.Grant, web.ClientAuth, web.AuthorizationURL
	withRefresh := token(t0, time.Hour)
	withRefresh.RefreshToken = "refresh-token-value"
	m := unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: web}, store.Entry{Provider: tv, Token: token(t0, time.Hour)},
		store.Entry{Provider: renewable, Token: withRefresh}, store.Entry{Provider: prov("machine")})
	m, _ = press(m, "R")
	if b := m.sess.Get("web").Busy; b != session.OpNone {
		t.Errorf("R started %d on a browser sign-in with no token", b)
	}
	if b := m.sess.Get("tv").Busy; b != session.OpNone {
		t.Errorf("R started %d on a device sign-in with no refresh token", b)
	}
	if m.sess.Get("renewable").Busy != session.OpRefresh || m.sess.Get("machine").Busy != session.OpFetch {
		t.Errorf("R did not renew the others: renewable %d machine %d", m.sess.Get("renewable").Busy, m.sess.Get("machine").Busy)
	}
	if got := plain(m); !strings.Contains(got, "refreshing 2 providers") {
		t.Errorf("status:\n%s", got)
	}
	// With only sign-ins left, R says why it does nothing.
	m = unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: web})
	m, _ = press(m, "R")
	if got := plain(m); m.sess.Get("web").Busy != session.OpNone || !strings.Contains(got, "nothing to refresh: each idle provider needs a sign-in · press f on it") {
		t.Errorf("R with only a sign-in provider (busy %d):\n%s", m.sess.Get("web").Busy, got)
	}
}

// TestQuitStopsTheSignIns: what Run does with the final model once the
// explorer quits ends each sign-in: its wait is cancelled and its
// listener closed (a browser coming back is answered by the loopback's
// own "tokenscope stopped" page, or finds no one), not left open for the
// rest of the process.
func TestQuitStopsTheSignIns(t *testing.T) {
	t.Parallel()
	p := prov("app")
	p.Grant, p.ClientAuth, p.AuthorizationURL = providers.GrantAuthorizationCode, providers.AuthNone, "http://127.0.0.1:1/authorize"
	m := unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: p})
	m, _ = press(m, "f")
	seq := m.sess.Get("app").Pending
	l, err := oauth.ListenLoopback("http://127.0.0.1:0/callback")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	az, err := oauth.NewAuthorization(p, l.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	m = step(m, listeningMsg{name: "app", seq: seq, loop: l, az: az})
	ctx := m.signIns["app"].ctx
	m, _ = press(m, "q")
	m.stopSignIns()
	if ctx.Err() == nil || len(m.signIns) != 0 {
		t.Fatal("the sign-in is still under way after quit")
	}
	if resp, err := http.Get(l.RedirectURI + "?code=late&state=" + az.State); err == nil {
		resp.Body.Close()
		t.Fatal("the listener still listens after quit")
	}
}

// TestSignInExchangeLogIsMasked: after a browser sign-in the exchange log
// holds the code exchange with the code, the verifier and every token
// masked, the tokens nowhere in it.
func TestSignInExchangeLogIsMasked(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	authURL, err := url.Parse(r.startSignIn(t, "oauth2-login", "Open this URL to sign in"))
	if err != nil {
		t.Fatal(err)
	}
	// The browser, stopping at the redirect to learn the code.
	hc := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := authURL.Query()
	form.Set("action", "allow")
	target := *authURL
	target.RawQuery = ""
	resp, err := hc.PostForm(target.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	callback, err := url.Parse(resp.Header.Get("Location"))
	code := callback.Query().Get("code")
	if err != nil || code == "" {
		t.Fatalf("the demo redirected to %q", resp.Header.Get("Location"))
	}
	if resp, err = hc.Get(callback.String()); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.waitFor(t, "fetched a token for oauth2-login")
	m := r.quitModel(t)
	_, tok, err := r.vault.Lookup("oauth2-login")
	if err != nil || tok == nil {
		t.Fatalf("no token stored: %v", err)
	}
	secrets := map[string]string{"code": code, "access token": tok.AccessToken.Reveal(),
		"refresh token": tok.RefreshToken.Reveal(), "id_token": tok.IDToken()}
	var redeemed bool
	for _, x := range m.exlog.Exchanges("oauth2-login") {
		for what, s := range secrets {
			if s != "" && strings.Contains(x.Text+x.URL, s) {
				t.Errorf("the exchange log shows the %s:\n%s", what, x.Text)
			}
		}
		if strings.Contains(x.Text, "grant_type=authorization_code") {
			redeemed = true
			if !strings.Contains(x.Text, "code=****") || !strings.Contains(x.Text, "code_verifier=****") {
				t.Errorf("the code exchange is not masked:\n%s", x.Text)
			}
		}
	}
	if !redeemed {
		t.Fatalf("the exchange log lacks the code exchange: %+v", m.exlog.Exchanges("oauth2-login"))
	}
}

// TestSignInTokenWithoutRefreshIsNotAutoRefreshed: a browser or device
// login's token with no refresh token cannot be renewed without a person,
// so the explorer does not try before it expires (which failed, marked the
// good token ✗ and retried for ever), nor on open once it expired; one
// with a refresh token is renewed as any other.
func TestSignInTokenWithoutRefreshIsNotAutoRefreshed(t *testing.T) {
	t.Parallel()
	web, tv, renewable := prov("web"), deviceProv("tv"), prov("renewable")
	web.Grant, web.ClientAuth, web.AuthorizationURL = providers.GrantAuthorizationCode, providers.AuthNone, "http://127.0.0.1:1/authorize"
	renewable.Grant, renewable.ClientAuth, renewable.AuthorizationURL = web.Grant, web.ClientAuth, web.AuthorizationURL
	withRefresh := token(t0, time.Hour)
	withRefresh.RefreshToken = "refresh-token-value"
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: web, Token: token(t0, time.Hour)},
		store.Entry{Provider: tv, Token: token(t0, time.Hour)}, store.Entry{Provider: renewable, Token: withRefresh})
	c.now = t0.Add(59*time.Minute + 30*time.Second) // past the refresh point, not yet expired
	m = step(m, tickMsg{tag: m.tickTag})
	for _, name := range []string{"web", "tv"} {
		if e := m.sess.Get(name); e.Busy != session.OpNone || e.Failed {
			t.Errorf("%s, no refresh token: busy %d failed %v", name, e.Busy, e.Failed)
		}
	}
	if b := m.sess.Get("renewable").Busy; b != session.OpAutoRefresh {
		t.Errorf("renewable, with a refresh token, was not auto-refreshed: busy %d", b)
	}
	if got := plain(m); !strings.Contains(got, "Auto      none without a refresh token · press f to sign in again") {
		t.Errorf("the detail does not say nothing renews web's token:\n%s", got)
	}
	// Opened with the token expired: left to the person.
	c = &clock{t0.Add(2 * time.Hour)}
	m = unitModel(t, c, 120, 40, store.Entry{Provider: web, Token: token(t0, time.Hour)})
	m.opts.RenewOnOpen = true
	m = step(m, loadedMsg{payload: &store.Payload{Version: 1, Providers: []store.Entry{{Provider: web, Token: token(t0, time.Hour)}}}})
	m = step(m, tickMsg{tag: m.tickTag})
	if e := m.sess.Get("web"); e.Busy != session.OpNone || e.Failed {
		t.Errorf("web, expired on open: busy %d failed %v", e.Busy, e.Failed)
	}
}

// TestSignInRowSaysSigningIn: the list row of a provider whose sign-in is
// under way says so, not "fetching", which reads as a stuck request.
func TestSignInRowSaysSigningIn(t *testing.T) {
	t.Parallel()
	p := prov("app")
	p.Grant, p.ClientAuth, p.AuthorizationURL = providers.GrantAuthorizationCode, providers.AuthNone, "http://127.0.0.1:1/authorize"
	m := unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: p})
	m, _ = press(m, "f")
	defer m.signIns["app"].cancel()
	row := ""
	for _, l := range strings.Split(plain(m), "\n") {
		if strings.Contains(l, "▸") && strings.Contains(l, "app") {
			row = l
		}
	}
	if !strings.Contains(row, "signing in") || strings.Contains(row, "fetching") {
		t.Fatalf("the row of a sign-in under way: %q", row)
	}
}

// TestSignInDevicePollsReachTheLogAsTheyAreMade: each poll of a device
// sign-in is in the exchange log while the sign-in still waits, not only
// once it ended minutes later.
func TestSignInDevicePollsReachTheLogAsTheyAreMade(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	r.choose(t, "oauth2-device")
	r.keys("f")
	r.waitFor(t, "and enter the code")
	r.keys("L")
	r.waitFor(t, "oauth2/device_authorization → 200")
	r.gate <- struct{}{} // one poll, the sign-in not approved
	r.waitFor(t, "oauth2/token → 400", "waiting for the sign-in to be approved")
	r.keys("c")
	pu, _ := url.Parse(r.copied(t))
	code := pu.Query().Get("user_code")
	pu.RawQuery = ""
	resp, err := http.PostForm(pu.String(), url.Values{"user_code": {code}, "action": {"allow"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r.clock.add(time.Minute) // the next poll keeps to the interval
	r.gate <- struct{}{}
	r.waitFor(t, "fetched a token for oauth2-device")
	m := r.quitModel(t)
	var polls int
	for _, x := range m.exlog.Exchanges("oauth2-device") {
		if strings.HasSuffix(x.URL, "/oauth2/token") {
			polls++
		}
	}
	if polls < 2 {
		t.Errorf("the log holds %d polls, want the refused one and the one that got the token", polls)
	}
}

// TestSignInDeviceWithoutExpiresIn: a device answer without expires_in
// shows the bound the engine set, said as tokenscope's, in the pane.
func TestSignInDeviceWithoutExpiresIn(t *testing.T) {
	t.Parallel()
	m, _ := deviceStarted(t, oauth.DeviceAuthorization{Expires: t0.Add(15 * time.Minute),
		ExpiryAssumed: true, Interval: 5 * time.Second})
	// The pane wraps the line: its two halves.
	if got := plain(m); !strings.Contains(got, "the server gave no") || !strings.Contains(got, "giving up in 15m") {
		t.Fatalf("pane:\n%s", got)
	}
	m.signIns["tv"].cancel()
}
