package e2e_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// opNativeClient is the public native client testdata/oidc-provider.mjs
// registers for the authorization code grant.
const opNativeClient = "tokenscope-e2e-native"

// idTokenChecks runs every check of tok's id_token, as the explorer and
// token --json do (oauth.IDTokenOptions), and returns each check's result
// by name.
func idTokenChecks(t *testing.T, c *oauth.Client, p providers.Provider, tok *providers.Token) (*jwt.JWT, map[string]string) {
	t.Helper()
	raw := tok.IDToken()
	if raw == "" {
		t.Fatalf("no id_token in %+v", tok.Extra)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	j, checks := jwt.CheckIDToken(ctx, c.JWKSClient(p), p.JWKSURL, raw, oauth.IDTokenOptions(p, tok, time.Now()))
	got := map[string]string{}
	for _, ch := range checks {
		got[ch.Name] = ch.Result
		if ch.Result == jwt.CheckFailed {
			t.Logf("id_token check %s failed: %s", ch.Name, ch.Detail)
		}
	}
	return j, got
}

// allOK is every check of an id_token passed.
var allOK = map[string]string{"signature": jwt.CheckOK, "iss": jwt.CheckOK, "aud": jwt.CheckOK, "exp": jwt.CheckOK,
	"nonce": jwt.CheckOK, "at_hash": jwt.CheckOK}

func sameChecks(got, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// TestAuthorizationCodeNonceOIDCProvider logs in to oidc-provider with the
// authorization code grant and PKCE, the test playing the person at the
// browser (its login and consent pages): the authorization request sends
// a nonce, oidc-provider puts it in the id_token, and every check of the
// id_token passes, the nonce's included. The refreshed id_token carries
// the login's nonce again (oidc-provider keeps it with the grant), and
// passes too. The nonce is never in the trace.
func TestAuthorizationCodeNonceOIDCProvider(t *testing.T) {
	m := startOIDCProvider(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	md, err := oauth.NewClient(oauth.Options{}).Discover(ctx, m.issuer)
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.ApplyPreset(providers.Provider{Name: "op-login", Preset: "oauth2",
		Grant: providers.GrantAuthorizationCode, Issuer: m.issuer, AuthorizationURL: md.AuthorizationEndpoint,
		TokenURL: md.TokenEndpoint, JWKSURL: md.JWKSURI, ClientAuth: providers.AuthNone, ClientID: opNativeClient,
		// oidc-provider grants offline_access (a refresh token) on consent only.
		Scope: "openid offline_access", Params: map[string]string{"prompt": "consent"}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := oauth.ListenLoopback(providers.DefaultRedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	az, err := oauth.NewAuthorization(p, l.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(az.URL)
	if az.Nonce == "" || u.Query().Get("nonce") != az.Nonce.Reveal() {
		t.Fatalf("the authorization request %s does not send the nonce", az.URL)
	}
	type ended struct {
		title string
		err   error
	}
	browsed := make(chan ended, 1)
	b := newBrowser(t)
	go func() {
		title, err := b.approve(az.URL, "", "e2e-user", false)
		browsed <- ended{title, err}
	}()
	var cb *oauth.Callback
	select {
	case e := <-browsed:
		t.Fatalf("the browser ended before the callback: %q, %v\n%s", e.title, e.err, strings.Join(b.steps, "\n"))
	case <-ctx.Done():
		t.Fatal("no callback")
	case cb = <-waitCallback(ctx, l):
	}
	code, err := oauth.ParseCallback(cb.Query, az.State)
	if err != nil {
		t.Fatalf("callback %q: %v", cb.Query, err)
	}
	var trace bytes.Buffer
	c := oauth.NewClient(oauth.Options{Trace: &trace})
	tok, err := c.Redeem(ctx, p, az, code)
	if err != nil {
		cb.Reply(false, err.Error())
		t.Fatalf("redeem: %v\n%s", err, trace.String())
	}
	cb.Reply(true, "")
	if e := <-browsed; e.err != nil || e.title != "tokenscope: Signed in" {
		t.Errorf("the browser ended on %q, %v", e.title, e.err)
	}
	if tok.Nonce != az.Nonce || tok.Refreshed {
		t.Errorf("the token keeps nonce %q, refreshed %v", tok.Nonce.Reveal(), tok.Refreshed)
	}
	j, got := idTokenChecks(t, c, p, tok)
	if !sameChecks(got, allOK) || j.ClaimsMap["nonce"] != az.Nonce.Reveal() || j.ClaimsMap["sub"] != "e2e-user" {
		t.Errorf("checks %v, claims %v", got, j.ClaimsMap)
	}
	// Another login's nonce is a failed check.
	other := *tok
	other.Nonce = "another-login-s-nonce-0123456789"
	if _, got := idTokenChecks(t, c, p, &other); got["nonce"] != jwt.CheckFailed {
		t.Errorf("another nonce: %v", got)
	}

	if tok.RefreshToken == "" {
		t.Fatal("no refresh token: offline_access was not granted")
	}
	again, err := c.Refresh(ctx, p, tok)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if again.Nonce != az.Nonce || !again.Refreshed {
		t.Errorf("the refreshed token keeps nonce %q, refreshed %v", again.Nonce.Reveal(), again.Refreshed)
	}
	j, got = idTokenChecks(t, c, p, again)
	if !sameChecks(got, allOK) || j.ClaimsMap["nonce"] != az.Nonce.Reveal() {
		t.Errorf("the refreshed id_token: checks %v, claims %v", got, j.ClaimsMap)
	}
	if strings.Contains(trace.String(), az.Nonce.Reveal()) || !strings.Contains(trace.String(), "grant_type=refresh_token") {
		t.Errorf("the trace shows the nonce, or not the refresh:\n%s", trace.String())
	}
}

// waitCallback hands on l's callback.
func waitCallback(ctx context.Context, l *oauth.Loopback) <-chan *oauth.Callback {
	got := make(chan *oauth.Callback, 1)
	go func() {
		if cb, err := l.Wait(ctx); err == nil {
			got <- cb
		}
	}()
	return got
}

// TestAuthorizationCodeNonceMockServer: oauth2-mock-server copies the
// authorization request's nonce into the id_token of the code exchange,
// and the nonce check passes; its refresh's id_token has no nonce, which
// OpenID Connect Core §12.2 allows: not checked, not failed.
func TestAuthorizationCodeNonceMockServer(t *testing.T) {
	m := startMock(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := publicProvider(t, m, m.base)
	p.Issuer, p.JWKSURL = m.issuer, m.base+"/jwks"
	l, err := oauth.ListenLoopback(providers.DefaultRedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	az, err := oauth.NewAuthorization(p, l.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}
	if az.Nonce == "" {
		t.Fatalf("scope %q sent no nonce", p.Scope)
	}
	go func() {
		if res, err := http.Get(az.URL); err == nil { // follows the redirect to the callback
			res.Body.Close()
		}
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
	cb.Reply(err == nil, "")
	if err != nil {
		t.Fatalf("redeem: %v", err)
	}
	j, got := idTokenChecks(t, c, p, tok)
	if got["nonce"] != jwt.CheckOK || got["signature"] != jwt.CheckOK || got["aud"] != jwt.CheckOK ||
		j.ClaimsMap["nonce"] != az.Nonce.Reveal() {
		t.Errorf("checks %v, claims %v", got, j.ClaimsMap)
	}
	again, err := c.Refresh(ctx, p, tok)
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	j, got = idTokenChecks(t, c, p, again)
	if _, has := j.ClaimsMap["nonce"]; has || got["nonce"] != jwt.CheckNotChecked || got["signature"] != jwt.CheckOK {
		t.Errorf("the refreshed id_token: checks %v, claims %v", got, j.ClaimsMap)
	}
}
