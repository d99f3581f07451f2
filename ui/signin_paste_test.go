package ui

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/clipboard"
	"github.com/tokenscope/tokenscope/ui/login"
	"github.com/tokenscope/tokenscope/ui/session"
)

// noFollow is a browser that stops at the redirect to the callback, as
// one on another machine does: the person reads its address bar.
var noFollow = &http.Client{Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// landing plays the browser on the demo's sign-in page at authURL: it
// presses the button (allow or deny) and returns where the server sends
// the browser, not going there.
func landing(t *testing.T, authURL, action string) string {
	t.Helper()
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Sign in as demo") {
		t.Fatalf("the sign-in page answered %d: %s", resp.StatusCode, page)
	}
	u, _ := url.Parse(authURL)
	form := u.Query()
	form.Set("action", action)
	u.RawQuery = ""
	resp, err = noFollow.PostForm(u.String(), form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || loc == "" {
		t.Fatalf("the sign-in answered %d, Location %q", resp.StatusCode, loc)
	}
	return loc
}

// paste sends s as the terminal delivers a bracketed paste.
func (r *rig) paste(s string) {
	r.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true})
}

// TestSignInPastedURL: the URL the browser was sent back to, pasted into
// the pane, signs in as the listener's callback does: its code redeemed
// with the PKCE verifier, the token stored, the exchange in the log, and
// the code never on the screen.
func TestSignInPastedURL(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	loc := landing(t, r.startSignIn(t, "oauth2-login", "Open this URL to sign in", "p paste URL"), "allow")
	code := mustQuery(t, loc).Get("code")
	if len(code) < 8 {
		t.Fatalf("the demo's code %q is too short to look for", code)
	}
	r.paste(loc)
	// The field shows the end of what was pasted (the demo's iss comes
	// between the code and the state).
	r.waitFor(t, "Paste the URL the browser was sent back to:", "&state="+mustQuery(t, loc).Get("state")+"█", "enter submit")
	r.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, "fetched a token for oauth2-login")
	m := r.quitModel(t)
	if len(m.signIns) != 0 {
		t.Fatal("the sign-in pane is still open")
	}
	if _, tok, err := r.vault.Lookup("oauth2-login"); err != nil || tok == nil || tok.AccessToken == "" {
		t.Fatalf("no token stored: %v %v", tok, err)
	}
	var redeemed bool
	for _, x := range m.exlog.Exchanges("oauth2-login") {
		redeemed = redeemed || strings.HasSuffix(x.URL, "/oauth2/token")
	}
	if !redeemed {
		t.Errorf("the exchange log lacks the code exchange: %+v", m.exlog.Exchanges("oauth2-login"))
	}
	if strings.Contains(r.text.String(), code) || strings.Contains(m.View(), code) {
		t.Error("the pasted code reached the terminal")
	}
	// The listener is closed: the browser it never heard finds no one.
	if resp, err := http.Get(loc); err == nil {
		resp.Body.Close()
		t.Fatalf("the listener still answers after the pasted sign-in (%d)", resp.StatusCode)
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// TestSignInPastedWrongStateWaitsOn: a pasted URL of another sign-in is
// refused in the pane, nothing redeemed, and the listener still takes the
// browser's own callback.
func TestSignInPastedWrongStateWaitsOn(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	authURL := r.startSignIn(t, "oauth2-login", "Open this URL to sign in")
	redirect := mustQuery(t, authURL).Get("redirect_uri")
	r.keys("p")
	r.tm.Type(redirect + "?code=forged-code-1&state=an-old-tabs-state")
	r.waitFor(t, "code=****&state=an-old-tabs-state")
	r.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, "✗ the callback's state is not this login's", "p paste URL")
	if _, tok, _ := r.vault.Lookup("oauth2-login"); tok != nil {
		t.Fatal("a pasted URL of another sign-in stored a token")
	}
	// The browser comes back to the listener, which still waits.
	if page := browse(t, authURL, "allow"); !strings.Contains(page, "You can close this tab") {
		t.Fatalf("the browser was answered: %s", page)
	}
	r.waitFor(t, "fetched a token for oauth2-login")
	r.quitModel(t)
	if _, tok, _ := r.vault.Lookup("oauth2-login"); tok == nil {
		t.Fatal("no token after the browser came back")
	}
}

// TestSignInPastedAccessDenied: a pasted refusal of the server is said in
// the pane with its words, nothing stored, the sign-in still there to
// try again or cancel.
func TestSignInPastedAccessDenied(t *testing.T) {
	t.Parallel()
	r := startSignInRig(t, 120, 40)
	loc := landing(t, r.startSignIn(t, "oauth2-login", "Open this URL to sign in"), "deny")
	if mustQuery(t, loc).Get("error") != "access_denied" {
		t.Fatalf("the demo did not refuse: %s", loc)
	}
	r.paste(loc)
	r.waitFor(t, "enter submit")
	r.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, "✗ the authorization server answered access_denied")
	m := r.quitModel(t)
	pane := strings.Join(strings.Fields(ansi.Strip(m.signIns["oauth2-login"].pane.View())), " ")
	if !strings.Contains(pane, "access_denied: the demo user cancelled the sign-in: nothing stored · open the URL to sign in again") {
		t.Errorf("the pane does not say why:\n%s", pane)
	}
	if s := m.signIns["oauth2-login"]; s == nil || s.pane.Typing() {
		t.Fatal("the refusal ended the sign-in, or left the field open")
	}
	if _, tok, _ := r.vault.Lookup("oauth2-login"); tok != nil {
		t.Fatal("a refused sign-in stored a token")
	}
	if e := m.sess.Get("oauth2-login"); len(e.History) != 0 {
		t.Errorf("a pasted refusal was recorded: %+v", e.History)
	}
}

// TestGoldenSignInPasteField is the pane with the field open over a
// pasted URL, its code masked, at both sizes.
func TestGoldenSignInPasteField(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startSignInRig(t, w, h)
		r.choose(t, "oauth2-login")
		r.keys("f")
		r.waitFor(t, "p paste URL")
		r.paste("http://127.0.0.1:40000/callback?code=THE-PASTED-CODE&state=" + strings.Repeat("S", 26) + "\n")
		r.waitFor(t, "enter submit")
		m := r.quitModel(t)
		v := frozenView(m, "oauth2-login")
		if strings.Contains(v, "THE-PASTED-CODE") {
			t.Fatal("the code is shown")
		}
		golden(t, v)
	})
}

// offMachineAS is an authorization server for a client whose redirect_uri
// is a web page, not this machine: /authorize sends the browser there
// with a code, /token redeems it once, for the PKCE verifier of its
// challenge and the redirect_uri of its request (RFC 6749 §4.1.3, RFC 7636
// §4.6). The explorer has no listener to be told: the code comes pasted.
type offMachineAS struct {
	*httptest.Server
	redirect string
	mu       sync.Mutex
	codes    map[string]url.Values // the authorization request of each code not yet redeemed
}

func newOffMachineAS(t *testing.T, redirect string) *offMachineAS {
	as := &offMachineAS{redirect: redirect, codes: map[string]url.Values{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", as.authorize)
	mux.HandleFunc("POST /token", as.token)
	as.Server = httptest.NewServer(mux)
	t.Cleanup(as.Close)
	return as
}

func (as *offMachineAS) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != "web" || q.Get("redirect_uri") != as.redirect ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" {
		http.Error(w, "not this client's authorization request: "+r.URL.RawQuery, http.StatusBadRequest)
		return
	}
	code := rand.Text()
	as.mu.Lock()
	as.codes[code] = q
	as.mu.Unlock()
	back := url.Values{"code": {code}, "state": {q.Get("state")}}
	http.Redirect(w, r, as.redirect+"?"+back.Encode(), http.StatusFound)
}

func (as *offMachineAS) token(w http.ResponseWriter, r *http.Request) {
	refuse := func(why string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": why})
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "authorization_code" {
		refuse("not a code exchange")
		return
	}
	f := r.PostForm
	as.mu.Lock()
	az, ok := as.codes[f.Get("code")]
	delete(as.codes, f.Get("code"))
	as.mu.Unlock()
	switch {
	case !ok:
		refuse("unknown or spent code")
	case f.Get("client_id") != "web":
		refuse("another client's code")
	case f.Get("redirect_uri") != az.Get("redirect_uri"):
		refuse("redirect_uri differs from the authorization request's")
	case oauth.S256Challenge(f.Get("code_verifier")) != az.Get("code_challenge"):
		refuse("code_verifier does not match the code_challenge")
	default:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "web-access-" + rand.Text(),
			"token_type": "Bearer", "expires_in": 3600})
	}
}

// TestSignInRedirectOffThisMachineByPaste: a provider whose redirect_uri
// is not on the loopback signs in in the explorer by paste alone: no
// listener, the pane says to paste the URL the browser lands on, and the
// pasted code is redeemed with the PKCE verifier.
func TestSignInRedirectOffThisMachineByPaste(t *testing.T) {
	t.Parallel()
	const redirect = "https://app.example.invalid/callback"
	as := newOffMachineAS(t, redirect)
	p := providers.Provider{Name: "web-app", Preset: "oauth2", Grant: providers.GrantAuthorizationCode,
		AuthorizationURL: as.URL + "/authorize", TokenURL: as.URL + "/token", RedirectURI: redirect,
		ClientAuth: providers.AuthNone, ClientID: "web", Scope: "read"}
	v, err := store.Init(filepath.Join(t.TempDir(), "store"), []byte("e2e passphrase"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.PutProvider(p); err != nil {
		t.Fatal(err)
	}
	r := &signInRig{rig: &rig{vault: v, clip: &memClipboard{}}, count: 1}
	m := New(Options{Vault: v, Client: oauth.NewClient(oauth.Options{}), Renderer: colourRenderer()})
	m.clipOpts = clipboard.Options{Backend: r.clip, OSC52: clipboard.OSC52Never}
	r.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40))
	r.waitFor(t, "Providers", "web-app")
	r.keys("f")
	r.waitFor(t, "waiting for the URL the browser lands on", "The redirect_uri "+redirect+" is not on this", "press p and paste")
	r.keys("c")
	authURL := r.copied(t)
	if got := mustQuery(t, authURL).Get("redirect_uri"); got != redirect {
		t.Fatalf("the authorization request's redirect_uri is %q, want the provider's", got)
	}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, redirect+"?code=") {
		t.Fatalf("the server answered %d, Location %q", resp.StatusCode, loc)
	}
	r.keys("p")
	r.tm.Type(loc)
	r.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, "fetched a token for web-app")
	fm := r.quitModel(t)
	if _, tok, _ := r.vault.Lookup("web-app"); tok == nil || !strings.HasPrefix(tok.AccessToken.Reveal(), "web-access-") {
		t.Fatalf("no token stored: %+v", tok)
	}
	if v := ansi.Strip(fm.View()); strings.Contains(v, "Sign in to web-app") {
		t.Fatalf("the pane is still open:\n%s", v)
	}
}

// TestSignInPasteOnlyTimeout: with no listener, the sign-in still gives
// up when the time runs out, in words about the paste.
func TestSignInPasteOnlyTimeout(t *testing.T) {
	t.Parallel()
	p := prov("web")
	p.Grant, p.ClientAuth, p.AuthorizationURL = providers.GrantAuthorizationCode, providers.AuthNone, "http://127.0.0.1:1/authorize"
	p.RedirectURI = "https://app.example.invalid/callback"
	m := unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: p})
	m, _ = press(m, "f")
	e := m.sess.Get("web")
	az, err := oauth.NewAuthorization(p, p.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	m = step(m, listeningMsg{name: "web", seq: e.Pending, az: az})
	if got := plain(m); !strings.Contains(got, "waiting for the URL the browser lands on") {
		t.Fatalf("pane:\n%s", got)
	}
	m = step(m, callbackMsg{name: "web", seq: e.Pending, err: context.DeadlineExceeded})
	if got := plain(m); !strings.Contains(got, "no URL was pasted within 5m: nothing stored") {
		t.Fatalf("status:\n%s", got)
	}
	if m.signIns["web"] != nil || e.Busy != session.OpNone {
		t.Fatal("the sign-in is still under way")
	}
}

// TestSignInBrowserAfterPasteIsNotRedeemed: once a pasted URL's code is
// being redeemed, the browser coming back to the listener too is told so,
// and no second code is redeemed.
func TestSignInBrowserAfterPasteIsNotRedeemed(t *testing.T) {
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
	defer l.Close()
	az, err := oauth.NewAuthorization(p, l.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	m = step(m, listeningMsg{name: "app", seq: seq, loop: l, az: az})
	next, cmd := m.Update(login.PasteMsg{Name: "app", URL: l.RedirectURI + "?code=pasted-code&state=" + az.State})
	m = next.(Model)
	if cmd == nil || m.signIns["app"].pane.Phase() != login.Redeeming {
		t.Fatal("a good pasted URL is not redeemed")
	}
	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(l.RedirectURI + "?code=browser-code&state=" + az.State)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	cb, err := l.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	next, cmd = m.Update(callbackMsg{name: "app", seq: seq, cb: cb})
	if cmd != nil {
		t.Fatal("the browser's callback started something while the pasted code is redeemed")
	}
	if page := <-got; !strings.Contains(page, "already redeeming the URL pasted") {
		t.Errorf("the browser was answered: %s", page)
	}
	m = next.(Model)
	m.signIns["app"].cancel()
}
