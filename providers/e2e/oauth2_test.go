package e2e_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// The client the tests present. oauth2-mock-server accepts any client;
// the secret has the characters RFC 6749 §2.3.1's encoding is for.
const (
	clientID     = "tokenscope-e2e"
	clientSecret = "s3cret+/with:colon%and&more=chars"
)

// provider is the oauth2 preset pointed at base (the recording proxy).
func provider(t *testing.T, base string, auth providers.ClientAuth, grant providers.Grant) providers.Provider {
	t.Helper()
	p := providers.Provider{
		Name: "oauth2-mock-server", Preset: "oauth2", TokenURL: base + "/token",
		ClientAuth: auth, Grant: grant, ClientID: clientID, ClientSecret: clientSecret,
		Scope: "read write", RevocationURL: base + "/revoke", TryURL: base + "/userinfo",
	}
	if grant == providers.GrantPassword {
		p.Username, p.Password = "alice", "alice-password"
	} else {
		// aud is an extra form parameter; the server puts it in the token.
		p.Params = map[string]string{"aud": "tokenscope-api"}
	}
	out, err := providers.ApplyPreset(p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rfcBasic is the Basic header of RFC 6749 §2.3.1.
func rfcBasic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
}

// only returns the one request recorded, failing otherwise.
func only(t *testing.T, rec *recorder) seen {
	t.Helper()
	got := rec.take()
	if len(got) != 1 {
		t.Fatalf("%d requests crossed the wire, want 1", len(got))
	}
	return got[0]
}

// claims decodes raw, failing when it is not a JWT.
func claims(t *testing.T, raw string) *jwt.JWT {
	t.Helper()
	j, err := jwt.Parse(raw)
	if err != nil {
		t.Fatalf("not a JWT: %v", err)
	}
	return j
}

// extraString is the string value of one of tok's extra fields.
func extraString(t *testing.T, tok *providers.Token, key string) string {
	t.Helper()
	for _, f := range tok.Extra {
		if f.Key == key {
			var s string
			if err := json.Unmarshal([]byte(f.Value), &s); err != nil {
				t.Fatalf("%s = %s: %v", key, f.Value, err)
			}
			return s
		}
	}
	t.Fatalf("the answer has no %s", key)
	return ""
}

func TestOAuth2MockServer(t *testing.T) {
	m := startMock(t)
	base, rec := m.proxy(t)
	c := oauth.NewClient(oauth.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	for _, auth := range []providers.ClientAuth{providers.AuthBasic, providers.AuthBody} {
		t.Run("client_credentials/"+string(auth), func(t *testing.T) {
			before := time.Now().Truncate(time.Second)
			tok, err := c.Fetch(ctx, provider(t, base, auth, providers.GrantClientCredentials))
			if err != nil {
				t.Fatal(err)
			}
			got := only(t, rec)
			if got.method != "POST" || got.path != "/token" || got.form.Get("grant_type") != "client_credentials" ||
				got.form.Get("scope") != "read write" || got.form.Get("aud") != "tokenscope-api" {
				t.Errorf("request: %s %s %v", got.method, got.path, got.form)
			}
			switch auth {
			case providers.AuthBasic:
				if got.header.Get("Authorization") != rfcBasic(clientID, clientSecret) || got.form.Has("client_secret") {
					t.Errorf("basic: Authorization %q, form %v", got.header.Get("Authorization"), got.form)
				}
			case providers.AuthBody:
				if got.header.Get("Authorization") != "" || got.form.Get("client_id") != clientID || got.form.Get("client_secret") != clientSecret {
					t.Errorf("body: Authorization %q, form %v", got.header.Get("Authorization"), got.form)
				}
			}
			if tok.TokenType != "Bearer" || tok.ExpiresIn != 3600 || tok.ExpirySource != providers.ExpiryFromExpiresIn ||
				tok.Scope != "read write" || tok.RefreshToken != "" {
				t.Errorf("token: type %q, expires_in %d (%s), scope %q, refresh %v",
					tok.TokenType, tok.ExpiresIn, tok.ExpirySource, tok.Scope, tok.RefreshToken != "")
			}
			// The claims, as the server wrote them.
			j := claims(t, tok.AccessToken.Reveal())
			if j.HeaderMap["alg"] != "RS256" || j.Kid() == "" {
				t.Errorf("header %v, want RS256 with a kid", j.HeaderMap)
			}
			if j.ClaimsMap["iss"] != m.issuer || j.ClaimsMap["scope"] != "read write" || j.ClaimsMap["aud"] != "tokenscope-api" {
				t.Errorf("claims %v", j.ClaimsMap)
			}
			var names []string
			for _, tc := range j.Times() {
				names = append(names, tc.Claim)
			}
			if !slices.Equal(names, []string{"exp", "iat", "nbf"}) {
				t.Errorf("time claims %v, want exp iat nbf", names)
			}
			exp, ok := j.Expiry()
			if !ok || exp.Sub(tok.ExpiresAt).Abs() > 5*time.Second || exp.Before(before.Add(3599*time.Second)) {
				t.Errorf("exp %v, token expires %v", exp, tok.ExpiresAt)
			}
			if w := j.Check(time.Now(), tok.ExpiresAt); len(w) != 0 {
				t.Errorf("warnings on a fresh token: %v", w)
			}
		})
	}

	for _, auth := range []providers.ClientAuth{providers.AuthBasic, providers.AuthBody} {
		t.Run("password_refresh/"+string(auth), func(t *testing.T) {
			p := provider(t, base, auth, providers.GrantPassword)
			tok, err := c.Fetch(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			got := only(t, rec)
			if got.form.Get("grant_type") != "password" || got.form.Get("username") != "alice" || got.form.Get("password") != "alice-password" {
				t.Errorf("form %v", got.form)
			}
			// The server read the client id where the engine put it: it
			// is the audience of the id_token it issued.
			if aud := claims(t, extraString(t, tok, "id_token")).ClaimsMap["aud"]; aud != clientID {
				t.Errorf("id_token aud = %v, want %s read from the %s client authentication", aud, clientID, auth)
			}
			if tok.RefreshToken == "" {
				t.Fatal("no refresh token")
			}
			if sub := claims(t, tok.AccessToken.Reveal()).ClaimsMap["sub"]; sub != "alice" {
				t.Errorf("sub = %v, want alice", sub)
			}

			tok2, err := c.Refresh(ctx, p, tok)
			if err != nil {
				t.Fatal(err)
			}
			got = only(t, rec)
			if got.form.Get("grant_type") != "refresh_token" || got.form.Get("refresh_token") != tok.RefreshToken.Reveal() {
				t.Errorf("refresh form %v", got.form)
			}
			// This server answers a new refresh token each time: it is kept.
			if tok2.AccessToken == tok.AccessToken || tok2.RefreshToken == "" || tok2.RefreshToken == tok.RefreshToken {
				t.Errorf("refresh: new access token %v, new refresh token %v",
					tok2.AccessToken != tok.AccessToken, tok2.RefreshToken != tok.RefreshToken)
			}

			res, err := c.Try(ctx, p, tok2)
			if err != nil || res.Status != 200 {
				t.Fatalf("try /userinfo = %+v, %v", res, err)
			}
			if got := only(t, rec); got.header.Get("Authorization") != "Bearer "+tok2.AccessToken.Reveal() {
				t.Errorf("try sent Authorization %q", got.header.Get("Authorization"))
			}
		})
	}

	t.Run("revocation", func(t *testing.T) {
		p := provider(t, base, providers.AuthBasic, providers.GrantPassword)
		tok, err := c.Fetch(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		rec.take()
		lr, err := c.Logout(ctx, p, tok)
		if err != nil || lr.Method != providers.LogoutRevocation || lr.Status != 200 {
			t.Fatalf("logout = %+v, %v; want RFC 7009 revocation answered 200", lr, err)
		}
		got := rec.take()
		if len(got) != 2 {
			t.Fatalf("%d revocation requests, want 2 (refresh token, access token)", len(got))
		}
		for i, want := range []struct{ token, hint string }{
			{tok.RefreshToken.Reveal(), "refresh_token"}, {tok.AccessToken.Reveal(), "access_token"},
		} {
			g := got[i]
			if g.method != "POST" || g.path != "/revoke" || g.form.Get("token") != want.token ||
				g.form.Get("token_type_hint") != want.hint || g.header.Get("Authorization") != rfcBasic(clientID, clientSecret) {
				t.Errorf("revocation %d: %s %s hint=%q Authorization=%q", i, g.method, g.path, g.form.Get("token_type_hint"), g.header.Get("Authorization"))
			}
		}
	})

	t.Run("jwks", func(t *testing.T) {
		tok, err := c.Fetch(ctx, provider(t, base, providers.AuthBasic, providers.GrantClientCredentials))
		if err != nil {
			t.Fatal(err)
		}
		raw := tok.AccessToken.Reveal()
		jwks := m.base + "/jwks"
		if status, why := jwt.Verify(ctx, nil, jwks, raw); status != jwt.StatusVerified {
			t.Errorf("verify = %s (%s), want verified against the server's keys", status, why)
		}
		// The same signature over claims that say more: failed.
		parts := strings.Split(raw, ".")
		var cl map[string]any
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil || json.Unmarshal(payload, &cl) != nil {
			t.Fatalf("claims of %s: %v", parts[1], err)
		}
		cl["scope"] = "read write admin"
		forged, err := json.Marshal(cl)
		if err != nil {
			t.Fatal(err)
		}
		tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2]
		if status, why := jwt.Verify(ctx, nil, jwks, tampered); status != jwt.StatusMismatch {
			t.Errorf("verify of a tampered token = %s (%s), want mismatch", status, why)
		}
		// Without the configured JWKS URL nothing is claimed.
		if status, _ := jwt.Verify(ctx, nil, "", raw); status != jwt.StatusNoJWKSURL {
			t.Errorf("verify without a JWKS URL = %s, want no_jwks_url", status)
		}
	})
}
