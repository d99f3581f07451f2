package oauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// strictAS is an authorization server that keeps to RFC 6749 §4.1 and RFC
// 7636 to the letter: its /authorize redirects straight back with a code
// (the person said yes), and its /token refuses a missing or wrong
// code_verifier, a redirect_uri other than the authorization request's,
// a client_id other than its own, any client secret (a public client), and
// a code used twice.
type strictAS struct {
	mu    sync.Mutex
	codes map[string]grantReq
	srv   *httptest.Server
	// deny makes /authorize answer error=access_denied.
	deny bool
	// idToken, when set, makes /token answer an id_token too, whose
	// claims it writes from the authorization request's nonce.
	idToken func(nonce string) string
}

type grantReq struct{ redirect, challenge, method, clientID, nonce string }

func newStrictAS(t *testing.T) *strictAS {
	as := &strictAS{codes: map[string]grantReq{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", as.authorize)
	mux.HandleFunc("POST /token", as.token)
	as.srv = httptest.NewServer(mux)
	t.Cleanup(as.srv.Close)
	return as
}

func (as *strictAS) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != "public-app" || q.Get("state") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	back, _ := url.Parse(q.Get("redirect_uri"))
	v := url.Values{"state": {q.Get("state")}}
	if as.deny {
		v.Set("error", "access_denied")
		v.Set("error_description", "the user said no \x1b[31m")
	} else {
		code := fmt.Sprintf("code-%d-%s", len(as.codes), q.Get("state")[:6])
		as.mu.Lock()
		as.codes[code] = grantReq{q.Get("redirect_uri"), q.Get("code_challenge"), q.Get("code_challenge_method"), q.Get("client_id"),
			q.Get("nonce")}
		as.mu.Unlock()
		v.Set("code", code)
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (as *strictAS) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := r.PostForm
	refuse := func(code, desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"error":%q,"error_description":%q}`, code, desc)
	}
	as.mu.Lock()
	g, ok := as.codes[f.Get("code")]
	delete(as.codes, f.Get("code"))
	as.mu.Unlock()
	switch {
	case f.Get("grant_type") != "authorization_code":
		refuse("unsupported_grant_type", "")
	case r.Header.Get("Authorization") != "" || f.Has("client_secret"):
		refuse("invalid_client", "a public client has no secret")
	case f.Get("client_id") != "public-app":
		refuse("invalid_client", "client_id missing")
	case !ok:
		refuse("invalid_grant", "unknown or spent code")
	case f.Get("redirect_uri") != g.redirect:
		refuse("invalid_grant", "redirect_uri differs from the authorization request's")
	case g.challenge != "" && f.Get("code_verifier") == "":
		refuse("invalid_grant", "code_verifier missing")
	case g.challenge != "" && (g.method != "S256" || S256Challenge(f.Get("code_verifier")) != g.challenge):
		refuse("invalid_grant", "code_verifier does not match the challenge")
	case g.challenge == "" && f.Has("code_verifier"):
		refuse("invalid_request", "no challenge was sent")
	default:
		w.Header().Set("Content-Type", "application/json")
		id := ""
		if as.idToken != nil {
			id = fmt.Sprintf(`,"id_token":%q`, unsignedJWT(as.idToken(g.nonce)))
		}
		fmt.Fprintf(w, `{"access_token":"AT-browser","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-browser"%s}`, id)
	}
}

func (as *strictAS) provider() providers.Provider {
	p, _ := providers.ApplyPreset(providers.Provider{Name: "app", Preset: "oauth2", Grant: providers.GrantAuthorizationCode,
		TokenURL: as.srv.URL + "/token", AuthorizationURL: as.srv.URL + "/authorize", ClientAuth: providers.AuthNone,
		ClientID: "public-app", Scope: "openid profile", Params: map[string]string{"audience": "api"}})
	return p
}

// browse plays the browser: it opens u and follows the redirect to the
// loopback callback, returning the page it ends on.
func browse(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Errorf("browser: %v", err)
		return 0, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// login runs one whole login against as and returns what it did and the
// page the browser showed.
func login(t *testing.T, c *Client, st State, p providers.Provider) (Outcome, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	l, err := ListenLoopback(providers.DefaultRedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	az, err := NewAuthorization(p, l.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	pageCh := make(chan string, 1)
	go func() { _, b := browse(t, az.URL); pageCh <- b }()
	cb, err := l.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code, err := ParseCallback(cb.Query, az.State)
	var out Outcome
	if err == nil {
		out, err = c.Login(ctx, st, p.Name, az, code)
	}
	if err != nil {
		cb.Reply(false, err.Error())
	} else {
		cb.Reply(true, "")
	}
	return out, <-pageCh, err
}

func TestLoginWithPKCE(t *testing.T) {
	as := newStrictAS(t)
	p := as.provider()
	st := newMemState(p)
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace})
	out, page, err := login(t, c, st, p)
	if err != nil {
		t.Fatalf("login: %v\n%s", err, trace.String())
	}
	if out.Token.AccessToken.Reveal() != "AT-browser" || st.tok["app"] == nil || out.Event.Kind != providers.EventIssued {
		t.Errorf("outcome %+v, stored %v", out, st.tok["app"])
	}
	if out.Stored == nil || out.Stored.Token != st.tok["app"] || len(out.Stored.History) != 1 || out.Stored.History[0] != out.Event {
		t.Errorf("the entry answered %+v, want the token and the event stored", out.Stored)
	}
	if !strings.Contains(page, "You can close this tab") {
		t.Errorf("the browser saw %q", page)
	}
	tr := trace.String()
	if !strings.Contains(tr, "grant_type=authorization_code&code=****&redirect_uri=http%3A%2F%2F127.0.0.1%3A") ||
		!strings.Contains(tr, "&code_verifier=****&audience=api&client_id=public-app\n") {
		t.Errorf("trace does not show the masked exchange:\n%s", tr)
	}
	if strings.Contains(tr, "code-0-") {
		t.Errorf("trace shows the code:\n%s", tr)
	}
	// The refresh token renews it like any other provider's.
	c2 := testClient(nil)
	out2, err := c2.Ensure(context.Background(), st, "app", EnsureOptions{Renew: true})
	if err == nil || out2.How == Refreshed {
		// strictAS has no refresh grant: refused, it must not fall back to a new grant.
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("refresh against a server without the refresh grant: %v %+v", err, out2)
		}
	}
}

func TestRedeemRefusedOffSpec(t *testing.T) {
	as := newStrictAS(t)
	p := as.provider()
	c := testClient(nil)
	ctx := context.Background()
	authorize := func(redirect string) (*Authorization, string) {
		az, err := NewAuthorization(p, redirect)
		if err != nil {
			t.Fatal(err)
		}
		hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := hc.Get(az.URL)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc, _ := url.Parse(res.Header.Get("Location"))
		code, err := ParseCallback(loc.String(), az.State)
		if err != nil {
			t.Fatalf("callback %s: %v", loc, err)
		}
		return az, code
	}
	// A redirect_uri other than the authorization request's.
	az, code := authorize("http://127.0.0.1:8400/callback")
	other := *az
	other.RedirectURI = "http://127.0.0.1:8401/callback"
	_, err := c.Redeem(ctx, p, &other, code)
	var e *Error
	if !errors.As(err, &e) || e.Code != "invalid_grant" || !strings.Contains(e.Description, "redirect_uri differs") ||
		!strings.Contains(e.Hint, "tokenscope login app") {
		t.Errorf("a differing redirect_uri: %v (hint %q)", err, e.Hint)
	}
	// No code_verifier although a challenge was sent.
	az, code = authorize("http://127.0.0.1:8400/callback")
	none := *az
	none.Verifier = ""
	if _, err := c.Redeem(ctx, p, &none, code); err == nil || !strings.Contains(err.Error(), "code_verifier missing") {
		t.Errorf("a missing code_verifier: %v", err)
	}
	// The right verifier, the right redirect_uri: a token, once.
	az, code = authorize("http://127.0.0.1:8400/callback")
	if tok, err := c.Redeem(ctx, p, az, code); err != nil || tok.AccessToken.Reveal() != "AT-browser" {
		t.Fatalf("a by-the-book exchange: %v", err)
	}
	if _, err := c.Redeem(ctx, p, az, code); err == nil || strings.Contains(err.Error(), code) {
		t.Errorf("a spent code: %v", err)
	}
	// pkce = "off" sends neither challenge nor verifier.
	p.PKCE = providers.PKCEOff
	az, code = authorize("http://127.0.0.1:8400/callback")
	if strings.Contains(az.URL, "code_challenge") || az.Verifier != "" {
		t.Errorf("pkce off still sends a challenge: %s", az.URL)
	}
	if _, err := c.Redeem(ctx, p, az, code); err != nil {
		t.Errorf("pkce off: %v", err)
	}
}

func TestAuthorizationURL(t *testing.T) {
	p := (&strictAS{srv: &httptest.Server{URL: "https://id.example"}}).provider()
	p.AuthorizationURL = "https://id.example/authorize?tenant=t1"
	a, err := NewAuthorization(p, "http://127.0.0.1:8400/callback")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewAuthorization(p, "http://127.0.0.1:8400/callback")
	if a.State == b.State || a.Verifier == b.Verifier || len(a.State) < 26 || len(a.Verifier.Reveal()) != 43 {
		t.Errorf("state %q / %q, verifier length %d: not fresh random values", a.State, b.State, len(a.Verifier.Reveal()))
	}
	// The scope has openid: an ID token may come back, bound to a nonce.
	if a.Nonce == b.Nonce || len(a.Nonce.Reveal()) < 26 || a.Nonce.Reveal() == a.State {
		t.Errorf("nonce %q / %q: not fresh random values", a.Nonce.Reveal(), b.Nonce.Reveal())
	}
	want := "https://id.example/authorize?tenant=t1&response_type=code&client_id=public-app" +
		"&redirect_uri=http%3A%2F%2F127.0.0.1%3A8400%2Fcallback&scope=openid+profile&state=" + a.State +
		"&code_challenge=" + S256Challenge(a.Verifier.Reveal()) + "&code_challenge_method=S256&nonce=" + a.Nonce.Reveal() +
		"&audience=api"
	if a.URL != want {
		t.Errorf("URL\n%s\nwant\n%s", a.URL, want)
	}
	// Without openid no ID token comes back, and no nonce is sent.
	p.Scope = "profile openid-like OpenID"
	c, _ := NewAuthorization(p, "http://127.0.0.1:8400/callback")
	if c.Nonce != "" || strings.Contains(c.URL, "nonce") {
		t.Errorf("scope %q sent a nonce: %s", p.Scope, c.URL)
	}
	// RFC 7636 Appendix B.
	if got := S256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); got != "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" {
		t.Errorf("S256Challenge = %s", got)
	}
}

func TestParseCallback(t *testing.T) {
	for _, tc := range []struct {
		raw, code, err string
	}{
		{"code=c1&state=S", "c1", ""},
		{"code=c1&state=S&iss=https://id.example", "c1", ""},
		{"HTTP://127.0.0.1:8400/callback?code=c1&state=S", "c1", ""},
		{"http://127.0.0.1:8400/callback?code=c1&state=S", "c1", ""},
		{"http://127.0.0.1:8400/callback#code=c1&state=S", "c1", ""},
		{"  http://127.0.0.1:8400/callback?state=S&code=c1\n", "c1", ""},
		{"code=c1&state=T", "", "not this login's"},
		{"code=c1", "", "not this login's"},
		{"code=c1&state=S&state=S", "", "state twice"},
		{"error=access_denied&error_description=no+way&state=S", "", "answered access_denied: no way"},
		{"error=access_denied", "", "answered access_denied"},
		{"error=access_denied&state=T", "", "not this login's"},
		{"state=S", "", "no code"},
		{"http://127.0.0.1:8400/callback", "", "carries no code"},
		{"hello", "", "carries no code"},
	} {
		code, err := ParseCallback(tc.raw, "S")
		if code != tc.code || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ParseCallback(%q) = %q, %v; want %q, %q", tc.raw, code, err, tc.code, tc.err)
		}
	}
	var ce *CallbackError
	if _, err := ParseCallback("error=access_denied&error_description=no&state=S", "S"); !errors.As(err, &ce) || ce.Description != "no" {
		t.Errorf("not a CallbackError: %v", err)
	}
}

// FuzzParseCallback: whatever reaches the redirect URI, a code comes out
// only with the login's own state, and never with an error beside it.
func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{"code=c&state=S", "http://127.0.0.1/cb?code=c&state=S", "error=access_denied&state=S",
		"%zz", "state=S&state=S&code=c", "http://[::1/cb#code=c", "code=&state=S"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		code, err := ParseCallback(raw, "S")
		if err == nil && code == "" {
			t.Fatalf("%q: no error and no code", raw)
		}
		if err != nil && code != "" {
			t.Fatalf("%q: a code with an error", raw)
		}
		if err == nil {
			q := raw
			l := strings.ToLower(raw)
			if i := strings.IndexAny(raw, "?#"); (strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")) && i >= 0 {
				q = raw[i+1:]
			}
			if !strings.Contains(q, "state=S") {
				t.Fatalf("%q: a code without the login's state", raw)
			}
		}
	})
}

func TestInteractiveProviderNeedsLogin(t *testing.T) {
	as := newStrictAS(t)
	p := as.provider()
	st := newMemState(p)
	out, err := testClient(nil).Ensure(context.Background(), st, "app", EnsureOptions{})
	var e *Error
	if !errors.Is(err, ErrLoginRequired) || !errors.As(err, &e) || e.Hint != "tokenscope login app" {
		t.Fatalf("Ensure without a token: %v", err)
	}
	if out.Recorded() || out.Stored != nil || len(st.kinds()) != 0 {
		t.Errorf("recorded %v (answered %+v) although nothing was sent", st.kinds(), out.Stored)
	}
}

func TestLoginDeniedAndWrongState(t *testing.T) {
	as := newStrictAS(t)
	as.deny = true
	p := as.provider()
	st := newMemState(p)
	_, page, err := login(t, testClient(nil), st, p)
	var ce *CallbackError
	if !errors.As(err, &ce) || ce.Code != "access_denied" {
		t.Fatalf("denied: %v", err)
	}
	if !strings.Contains(page, "Sign-in failed") || strings.Contains(page, "\x1b") {
		t.Errorf("page %q", page)
	}
	if st.tok["app"] != nil || len(st.kinds()) != 0 {
		t.Errorf("stored after a denial: %v", st.kinds())
	}
}

func TestLoopbackRefusesAForgedState(t *testing.T) {
	l, err := ListenLoopback("http://127.0.0.1:0/cb")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	p := newStrictAS(t).provider()
	az, err := NewAuthorization(p, l.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	pageCh := make(chan string, 1)
	go func() { _, b := browse(t, l.RedirectURI+"?code=stolen&state=forged"); pageCh <- b }()
	if status, _ := browse(t, strings.TrimSuffix(l.RedirectURI, "/cb")+"/favicon.ico"); status != http.StatusNotFound {
		t.Errorf("another path: %d", status)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cb, err := l.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseCallback(cb.Query, az.State); !errors.Is(err, ErrStateMismatch) {
		t.Errorf("a forged state: %v", err)
	}
	cb.Reply(false, ErrStateMismatch.Error())
	if page := <-pageCh; !strings.Contains(page, "not this login") {
		t.Errorf("page %q", page)
	}
	// A port given is honoured exactly; one taken is an error, not another port.
	taken := l.RedirectURI
	if _, err := ListenLoopback(taken); err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Errorf("a taken port: %v", err)
	}
	if _, err := ListenLoopback("http://example.com/cb"); err == nil {
		t.Error("listened for a redirect URI that is not loopback")
	}
}

// A code is good once: a 503 may come after the server spent it, so the
// exchange is not sent again; a refused connection never reached it, so it is.
func TestRedeemRetriesOnlyWhatNeverArrived(t *testing.T) {
	rec := serve(t, answer(http.StatusServiceUnavailable, `{"error":"temporarily_unavailable"}`))
	p := newStrictAS(t).provider()
	p.TokenURL = rec.URL() + "/token"
	az := &Authorization{RedirectURI: "http://127.0.0.1:8400/callback", State: "s", Verifier: "v-0123456789"}
	s := &sleeps{}
	if _, err := testClient(s).Redeem(context.Background(), p, az, "the-code"); err == nil {
		t.Fatal("a 503 redeemed the code")
	}
	if n := len(rec.got()); n != 1 || len(s.all()) != 0 {
		t.Errorf("%d requests and %d sleeps after a 503, want 1 and 0", n, len(s.all()))
	}
	dead := httptest.NewServer(http.NotFoundHandler())
	p.TokenURL = dead.URL + "/token"
	dead.Close()
	s = &sleeps{}
	c := NewClient(Options{Sleep: func(ctx context.Context, d time.Duration) error { s.d = append(s.d, d); return nil }})
	_, err := c.Redeem(context.Background(), p, az, "the-code")
	if err == nil || len(s.all()) != maxRetriesCap || strings.Contains(err.Error(), "the-code") {
		t.Errorf("a refused connection: %v after %d sleeps, want %d", err, len(s.all()), maxRetriesCap)
	}
}

func TestCurlCommandOfTheCodeExchange(t *testing.T) {
	p := (&strictAS{srv: &httptest.Server{URL: "https://id.example"}}).provider()
	got := CurlCommand(p)
	for _, want := range []string{"grant_type=authorization_code", "code=$CODE", "code_verifier=$CODE_VERIFIER",
		"redirect_uri=http://127.0.0.1:PORT/callback", "client_id=public-app", "# the code exchange of a browser login"} {
		if !strings.Contains(got, want) {
			t.Errorf("curl command lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "client_secret") || strings.Contains(got, "-u ") {
		t.Errorf("a public client's curl command authenticates:\n%s", got)
	}
}
