package demo

import (
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// signIn plays the person at the browser: it opens the authorization URL,
// reads the sign-in page's form, presses the button named action and
// returns where the server sends the browser.
func signIn(t *testing.T, authURL, action string) *url.URL {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	page := string(b)
	if res.StatusCode != http.StatusOK || !strings.Contains(page, "Sign in as demo") {
		t.Fatalf("authorization page: %d %s", res.StatusCode, page)
	}
	form := url.Values{"action": {action}}
	for _, m := range regexp.MustCompile(`type="hidden" name="([a-z_]+)" value="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	act := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindStringSubmatch(page)
	if act == nil {
		t.Fatalf("no form in %s", page)
	}
	res2, err := hc.PostForm(html.UnescapeString(act[1]), form)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusFound {
		t.Fatalf("sign-in: %d", res2.StatusCode)
	}
	loc, err := url.Parse(res2.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func loginProvider(t *testing.T, f *fixture) providers.Provider {
	for _, p := range f.srv.LoginProviders() {
		if p.Name == "oauth2-login" {
			return p
		}
	}
	t.Fatal("no oauth2-login provider")
	return providers.Provider{}
}

func TestAuthorizationCodeWithPKCE(t *testing.T) {
	f := newFixture(t)
	p := loginProvider(t, f)
	ctx := context.Background()
	start := func() (*oauth.Authorization, string) {
		az, err := oauth.NewAuthorization(p, "http://127.0.0.1:8400/callback")
		if err != nil {
			t.Fatal(err)
		}
		loc := signIn(t, az.URL, "allow")
		if loc.Host != "127.0.0.1:8400" || loc.Path != "/callback" {
			t.Fatalf("redirected to %s", loc)
		}
		code, err := oauth.ParseCallback(loc.String(), az.State)
		if err != nil {
			t.Fatalf("callback %s: %v", loc, err)
		}
		return az, code
	}
	refused := func(what string, az *oauth.Authorization, code, want string) {
		t.Helper()
		_, err := f.client.Redeem(ctx, p, az, code)
		var e *oauth.Error
		if !errors.As(err, &e) || e.Code != "invalid_grant" || !strings.Contains(e.Description, want) {
			t.Errorf("%s: %v", what, err)
		}
	}
	az, code := start()
	other := *az
	other.RedirectURI = "http://127.0.0.1:8401/callback"
	refused("another redirect_uri", &other, code, "redirect_uri differs")
	refused("the same code again", az, code, "already used")
	az, code = start()
	none := *az
	none.Verifier = ""
	refused("no code_verifier", &none, code, "code_verifier is required")
	az, code = start()
	wrong := *az
	wrong.Verifier = "not-the-verifier-not-the-verifier-not-the-ver"
	refused("a wrong code_verifier", &wrong, code, "does not match")

	az, code = start()
	tok, err := f.client.Redeem(ctx, p, az, code)
	if err != nil {
		t.Fatalf("by the book: %v", err)
	}
	if tok.RefreshToken == "" || tok.Scope != "openid demo.read" {
		t.Errorf("token %+v", tok)
	}
	got := f.wire.take()
	last := got[len(got)-1]
	if last.Path != "/oauth2/token" || strings.Contains(string(last.Body), "client_secret") ||
		!strings.Contains(string(last.Body), "client_id="+oauth2PublicClientID) {
		t.Errorf("the public client's request: %s %s", last.Path, last.Body)
	}
	// The public client refreshes with its client_id alone.
	again, err := f.client.Refresh(ctx, p, tok)
	if err != nil || again.AccessToken == tok.AccessToken {
		t.Errorf("refresh: %v", err)
	}
}

func TestAuthorizationCodeCancelled(t *testing.T) {
	f := newFixture(t)
	p := loginProvider(t, f)
	az, err := oauth.NewAuthorization(p, "http://127.0.0.1:8400/callback")
	if err != nil {
		t.Fatal(err)
	}
	loc := signIn(t, az.URL, "deny")
	_, err = oauth.ParseCallback(loc.String(), az.State)
	var ce *oauth.CallbackError
	if !errors.As(err, &ce) || ce.Code != "access_denied" || ce.Description == "" {
		t.Errorf("cancel: %v", err)
	}
	// Without PKCE, or to a redirect URI elsewhere, there is no sign-in page.
	p.PKCE = providers.PKCEOff
	az, _ = oauth.NewAuthorization(p, "http://127.0.0.1:8400/callback")
	if a := f.send(t, "GET", strings.TrimPrefix(az.URL, f.srv.URL()), nil, ""); a.status != http.StatusBadRequest || !strings.Contains(a.body, "requires PKCE") {
		t.Errorf("no PKCE: %d %s", a.status, a.body)
	}
	p.PKCE = ""
	az, _ = oauth.NewAuthorization(p, "https://evil.example/cb")
	if a := f.send(t, "GET", strings.TrimPrefix(az.URL, f.srv.URL()), nil, ""); a.status != http.StatusBadRequest || !strings.Contains(a.body, "loopback") {
		t.Errorf("a redirect elsewhere: %d %s", a.status, a.body)
	}
}
