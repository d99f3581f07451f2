package demo

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

func oauth2Provider(t *testing.T, f *fixture, auth providers.ClientAuth, grant providers.Grant) providers.Provider {
	u := f.srv.URL()
	p := providers.Provider{
		Name: "oauth2", Preset: "oauth2", TokenURL: u + "/oauth2/token", ClientAuth: auth, Grant: grant,
		ClientID: oauth2ClientID, ClientSecret: oauth2ClientSecret, Scope: "demo.read",
		RevocationURL: u + "/oauth2/revoke", JWKSURL: u + "/oauth2/jwks", TryURL: u + "/oauth2/userinfo",
	}
	if grant == providers.GrantPassword {
		p.Username, p.Password = oauth2Username, oauth2Password
	}
	return f.preset(t, p)
}

// rfcBasic is the Basic header RFC 6749 §2.3.1 prescribes: id and secret
// form-encoded, then joined and base64-encoded.
func rfcBasic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

func TestOAuth2ClientCredentialsWire(t *testing.T) {
	for _, auth := range []providers.ClientAuth{providers.AuthBasic, providers.AuthBody} {
		t.Run(string(auth), func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			p := oauth2Provider(t, f, auth, providers.GrantClientCredentials)
			tok, err := f.client.Fetch(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			want := expect{method: "POST", path: "/oauth2/token", header: map[string]string{"Content-Type": formType},
				form: url.Values{"grant_type": {"client_credentials"}, "scope": {"demo.read"}}}
			if auth == providers.AuthBasic {
				want.header["Authorization"] = rfcBasic(oauth2ClientID, oauth2ClientSecret)
			} else {
				want.header["Authorization"] = ""
				want.form.Set("client_id", oauth2ClientID)
				want.form.Set("client_secret", oauth2ClientSecret)
			}
			checkWire(t, f.wire.one(t), want)
			// RFC 6749 §4.4.3: no refresh token for client_credentials.
			if tok.RefreshToken != "" || tok.ExpiresIn != 30 || tok.Scope != "demo.read" {
				t.Errorf("token: refresh %v, expires_in %d, scope %q", tok.RefreshToken != "", tok.ExpiresIn, tok.Scope)
			}
			j, err := jwt.Parse(tok.AccessToken.Reveal())
			if err != nil {
				t.Fatal(err)
			}
			if j.HeaderMap["alg"] != "RS256" || j.HeaderMap["kid"] == nil || j.ClaimsMap["iss"] != f.srv.URL()+"/oauth2" ||
				j.ClaimsMap["client_id"] != oauth2ClientID {
				t.Errorf("header %v, claims %v", j.HeaderMap, j.ClaimsMap)
			}
			status, why := jwt.Verify(ctx, http.DefaultClient, p.JWKSURL, tok.AccessToken.Reveal())
			if status != jwt.StatusVerified {
				t.Errorf("verify = %s (%s), want verified against the server's JWKS", status, why)
			}
			// The last character of a signature carries padding bits: change
			// one in the middle of the signature instead.
			raw := tok.AccessToken.Reveal()
			i := strings.LastIndexByte(raw, '.') + 10
			tampered := raw[:i] + string("AB"[boolIndex(raw[i] == 'A')]) + raw[i+1:]
			if status, _ := jwt.Verify(ctx, http.DefaultClient, p.JWKSURL, tampered); status != jwt.StatusMismatch {
				t.Errorf("verify of a tampered token = %s, want mismatch", status)
			}
		})
	}
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestOAuth2RefreshRevokeWire(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := oauth2Provider(t, f, providers.AuthBasic, providers.GrantPassword)
	tok, err := f.client.Fetch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	checkWire(t, f.wire.one(t), expect{method: "POST", path: "/oauth2/token",
		header: map[string]string{"Authorization": rfcBasic(oauth2ClientID, oauth2ClientSecret)},
		form: url.Values{"grant_type": {"password"}, "username": {oauth2Username}, "password": {oauth2Password},
			"scope": {"demo.read"}}})
	if tok.RefreshToken == "" {
		t.Fatal("the password grant gave no refresh token")
	}

	f.clock.Advance(20 * time.Second)
	tok2, err := f.client.Refresh(ctx, p, tok)
	if err != nil {
		t.Fatal(err)
	}
	checkWire(t, f.wire.one(t), expect{method: "POST", path: "/oauth2/token",
		header: map[string]string{"Authorization": rfcBasic(oauth2ClientID, oauth2ClientSecret)},
		form:   url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken.Reveal()}}})
	// This server does not rotate: the same refresh token comes back.
	if tok2.RefreshToken != tok.RefreshToken || tok2.AccessToken == tok.AccessToken || !tok2.ExpiresAt.Equal(epoch.Add(50*time.Second)) {
		t.Errorf("refreshed: same refresh token %v, new access token %v, expires %v",
			tok2.RefreshToken == tok.RefreshToken, tok2.AccessToken != tok.AccessToken, tok2.ExpiresAt)
	}
	if res, err := f.client.Try(ctx, p, tok2); err != nil || res.Status != 200 || !strings.Contains(res.BodyStart, `"sub":"demo"`) {
		t.Fatalf("try = %+v, %v", res, err)
	}
	f.wire.take()

	// Logout is RFC 7009 revocation: the refresh token, then the access token.
	lr, err := f.client.Logout(ctx, p, tok2)
	if err != nil || lr.Method != providers.LogoutRevocation || lr.Status != 200 {
		t.Fatalf("logout = %+v, %v", lr, err)
	}
	got := f.wire.take()
	if len(got) != 2 {
		t.Fatalf("logout sent %v, want two revocations", paths(got))
	}
	for i, hint := range []string{"refresh_token", "access_token"} {
		value := map[string]string{"refresh_token": tok2.RefreshToken.Reveal(), "access_token": tok2.AccessToken.Reveal()}[hint]
		checkWire(t, got[i], expect{method: "POST", path: "/oauth2/revoke",
			header: map[string]string{"Authorization": rfcBasic(oauth2ClientID, oauth2ClientSecret), "Content-Type": formType},
			form:   url.Values{"token": {value}, "token_type_hint": {hint}}})
	}
	// Revoked means revoked: the resource refuses the access token, the
	// token endpoint the refresh token (the engine then makes a new grant).
	if res, err := f.client.Try(ctx, p, tok2); err != nil || res.Status != 401 || !strings.Contains(res.BodyStart, "revoked") {
		t.Errorf("try after revocation = %+v, %v; want 401 revoked", res, err)
	}
	spent := f.send(t, "POST", "/oauth2/token", map[string]string{"Authorization": rfcBasic(oauth2ClientID, oauth2ClientSecret),
		"Content-Type": formType}, "grant_type=refresh_token&refresh_token="+url.QueryEscape(tok2.RefreshToken.Reveal()))
	if spent.status != 400 || !strings.Contains(spent.body, `"invalid_grant"`) {
		t.Errorf("revoked refresh token = %d %s, want 400 invalid_grant", spent.status, spent.body)
	}
}

func TestOAuth2Refuses(t *testing.T) {
	f := newFixture(t)
	const path = "/oauth2/token"
	good := rfcBasic(oauth2ClientID, oauth2ClientSecret)
	form := func(auth string) map[string]string {
		return map[string]string{"Authorization": auth, "Content-Type": formType}
	}
	creds := "client_id=" + url.QueryEscape(oauth2ClientID) + "&client_secret=" + url.QueryEscape(oauth2ClientSecret)
	f.checkRefusals(t, []refusal{
		{"Basic not form-encoded (RFC 6749 2.3.1)", "POST", path, form(basic(oauth2ClientID, oauth2ClientSecret)),
			"grant_type=client_credentials",
			401, `{"error":"invalid_client","error_description":"malformed Basic Authorization header"}`},
		{"two authentication methods", "POST", path, form(good), "grant_type=client_credentials&" + creds,
			400, `{"error":"invalid_request","error_description":"more than one client authentication method (Basic header and client_secret in the body)"}`},
		{"credentials in the URI", "POST", path + "?" + creds, map[string]string{"Content-Type": formType}, "grant_type=client_credentials",
			400, `{"error":"invalid_request","error_description":"client credentials must not be sent in the request URI (RFC 6749 section 2.3.1)"}`},
		{"grant_type in the URI", "POST", path + "?grant_type=client_credentials", form(good), "",
			400, `{"error":"invalid_request","error_description":"grant_type belongs in the request body, not the URI"}`},
		{"no client authentication", "POST", path, map[string]string{"Content-Type": formType}, "grant_type=client_credentials",
			401, `{"error":"invalid_client","error_description":"client authentication required"}`},
		{"wrong secret", "POST", path, form(rfcBasic(oauth2ClientID, "x")), "grant_type=client_credentials",
			401, `{"error":"invalid_client","error_description":"Client authentication failed"}`},
		{"unknown grant", "POST", path, form(good), "grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer",
			400, `{"error":"unsupported_grant_type","error_description":"grant_type urn:ietf:params:oauth:grant-type:jwt-bearer is not supported"}`},
		{"scope not granted", "POST", path, form(good), "grant_type=client_credentials&scope=admin",
			400, `{"error":"invalid_scope","error_description":"scope admin is not granted"}`},
		{"wrong password", "POST", path, form(good), "grant_type=password&username=demo&password=x",
			400, `{"error":"invalid_grant","error_description":"invalid resource owner credentials"}`},
		{"GET", "GET", path, nil, "", 405, `{"error":"invalid_request","error_description":"use POST"}`},
		{"revocation without a token", "POST", "/oauth2/revoke", form(good), "token_type_hint=access_token",
			400, `{"error":"invalid_request","error_description":"token is required"}`},
		{"revocation without client authentication", "POST", "/oauth2/revoke", map[string]string{"Content-Type": formType}, "token=abc",
			401, `{"error":"invalid_client","error_description":"client authentication required"}`},
		{"revocation of an unknown token", "POST", "/oauth2/revoke", form(good), "token=abc", 200, ``},
	})
	// RFC 6749 §5.2: a 401 for a client that used Basic says how to authenticate.
	got := f.send(t, "POST", path, form(rfcBasic(oauth2ClientID, "x")), "grant_type=client_credentials")
	if got.header.Get("WWW-Authenticate") != `Basic realm="oauth2-local"` {
		t.Errorf("WWW-Authenticate = %q", got.header.Get("WWW-Authenticate"))
	}
}

func TestBrokenGateway(t *testing.T) {
	f := newFixture(t)
	p := f.demoProvider(t, "broken-gateway")
	_, err := f.client.Fetch(context.Background(), p)
	e := engineError(t, err)
	if e.Status != 502 || e.Attempts != 4 || !strings.Contains(e.BodyStart, "502 Bad Gateway") || strings.Contains(e.BodyStart, "<") {
		t.Errorf("error = %v (status %d, %d attempts, body %q); want 502 after 4 attempts, the page's text", err, e.Status, e.Attempts, e.BodyStart)
	}
	got := f.send(t, "POST", "/broken/oauth2/token", nil, "")
	if got.status != 502 || got.header.Get("Content-Type") != "text/html" || !strings.HasPrefix(got.body, "<html>") {
		t.Errorf("raw answer = %d %s %q", got.status, got.header.Get("Content-Type"), got.body)
	}
}

// TestSigningKeyOption: a server given a key signs with it and publishes
// it, under kids of its own, so that another server with the same key
// still refuses its tokens; a broken key is refused at start.
func TestSigningKeyOption(t *testing.T) {
	a, b := newFixture(t), newFixture(t)
	ctx := context.Background()
	tok, err := a.client.Fetch(ctx, oauth2Provider(t, a, providers.AuthBasic, providers.GrantClientCredentials))
	if err != nil {
		t.Fatal(err)
	}
	raw := tok.AccessToken.Reveal()
	if st, why := jwt.Verify(ctx, http.DefaultClient, a.srv.URL()+"/oauth2/jwks", raw); st != jwt.StatusVerified {
		t.Errorf("own JWKS: %s (%s)", st, why)
	}
	if st, why := jwt.Verify(ctx, http.DefaultClient, b.srv.URL()+"/oauth2/jwks", raw); st != jwt.StatusNoKey {
		t.Errorf("another server's JWKS, same key: %s (%s), want no_key", st, why)
	}
	got := a.send(t, "GET", "/oauth2/jwks", nil, "")
	if n := base64.RawURLEncoding.EncodeToString(testKey().N.Bytes()); !strings.Contains(got.body, `"n":"`+n+`"`) {
		t.Errorf("the JWKS does not publish the given key: %s", got.body)
	}
	if _, err := Start(Options{SigningKey: &rsa.PrivateKey{}}); err == nil || !strings.Contains(err.Error(), "signing key") {
		t.Errorf("a broken signing key: %v", err)
	}
}

// TestOAuth2Discovery: a provider given only the demo's issuer discovers
// the demo's endpoints (the RFC 8414 document at its §3.1 place) and gets
// a token from them.
func TestOAuth2Discovery(t *testing.T) {
	srv, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := oauth.NewClient(oauth.Options{})
	m, err := c.Discover(context.Background(), srv.URL()+"/oauth2")
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != srv.URL()+"/.well-known/oauth-authorization-server/oauth2" || m.TokenEndpoint != srv.URL()+"/oauth2/token" ||
		m.UserinfoEndpoint != srv.URL()+"/oauth2/userinfo" {
		t.Errorf("metadata %+v", m)
	}
	p, err := providers.ApplyPreset(providers.Provider{Name: "by-issuer", Preset: "oauth2", Issuer: srv.URL() + "/oauth2",
		Grant: providers.GrantPassword, ClientID: oauth2ClientID, ClientSecret: oauth2ClientSecret,
		Username: oauth2Username, Password: oauth2Password})
	if err != nil {
		t.Fatal(err)
	}
	p, _ = p.Discovered(m)
	if p.ClientAuth != providers.AuthBasic {
		t.Errorf("client_auth %q, want basic from the demo's methods", p.ClientAuth)
	}
	tok, err := c.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" {
		t.Error("no token")
	}
}
