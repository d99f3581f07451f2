package e2e_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// publicProvider is a public client with PKCE against oauth2-mock-server:
// the browser goes to its /authorize, the engine's requests through the
// recording proxy.
func publicProvider(t *testing.T, m *mock, proxy string) providers.Provider {
	t.Helper()
	p, err := providers.ApplyPreset(providers.Provider{
		Name: "oauth2-mock-server", Preset: "oauth2", Grant: providers.GrantAuthorizationCode,
		AuthorizationURL: m.base + "/authorize", TokenURL: proxy + "/token",
		ClientAuth: providers.AuthNone, ClientID: clientID, Scope: "openid read",
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAuthorizationCodePKCE logs in as a person would, the test playing
// the browser: it opens the authorization URL, and oauth2-mock-server's
// /authorize sends it straight back to the loopback callback with a code.
func TestAuthorizationCodePKCE(t *testing.T) {
	m := startMock(t)
	base, rec := m.proxy(t)
	p := publicProvider(t, m, base)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	l, err := oauth.ListenLoopback(providers.DefaultRedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	az, err := oauth.NewAuthorization(p, l.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	page := make(chan string, 1)
	go func() {
		res, err := http.Get(az.URL) // follows the redirect to the callback
		if err != nil {
			page <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page <- string(b)
	}()
	cb, err := l.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	code, err := oauth.ParseCallback(cb.Query, az.State)
	if err != nil {
		t.Fatalf("callback %q: %v", cb.Query, err)
	}
	c := oauth.NewClient(oauth.Options{})
	tok, err := c.Redeem(ctx, p, az, code)
	if err != nil {
		cb.Reply(false, err.Error())
		t.Fatalf("redeem: %v", err)
	}
	cb.Reply(true, "")
	if got := <-page; !strings.Contains(got, "You can close this tab") {
		t.Errorf("the browser ended on %q", got)
	}
	if tok.AccessToken == "" || tok.ExpiresAt.IsZero() {
		t.Errorf("token %+v", tok)
	}
	r := only(t, rec)
	f := r.form
	if r.path != "/token" || f.Get("grant_type") != "authorization_code" || f.Get("code") != code ||
		f.Get("redirect_uri") != l.RedirectURI || f.Get("code_verifier") != az.Verifier.Reveal() ||
		f.Get("client_id") != clientID || f.Has("client_secret") || r.header.Get("Authorization") != "" {
		t.Errorf("the code exchange sent %s %v (Authorization %q)", r.path, f, r.header.Get("Authorization"))
	}
	// It refreshes as any provider does, the public client by its id.
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token came with the code exchange")
	}
	if _, err := c.Refresh(ctx, p, tok); err != nil {
		t.Errorf("refresh: %v", err)
	}
	if r := only(t, rec); r.form.Get("grant_type") != "refresh_token" || r.form.Get("client_id") != clientID || r.form.Has("client_secret") {
		t.Errorf("the refresh sent %v", r.form)
	}

	// The server checks the verifier against the challenge: a wrong one is refused.
	az2, err := oauth.NewAuthorization(p, "http://127.0.0.1:9/callback")
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(az2.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	code2, err := oauth.ParseCallback(res.Header.Get("Location"), az2.State)
	if err != nil {
		t.Fatalf("callback %s: %v", res.Header.Get("Location"), err)
	}
	wrong := *az2
	wrong.Verifier = providers.Secret(strings.Repeat("x", 43))
	_, err = c.Redeem(ctx, p, &wrong, code2)
	var e *oauth.Error
	if !errors.As(err, &e) || e.Status < 400 || strings.Contains(err.Error(), code2) {
		t.Errorf("a wrong code_verifier: %v", err)
	}
}
