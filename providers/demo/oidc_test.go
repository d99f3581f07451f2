package demo

import (
	"context"
	"testing"

	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// A sign-in's token response carries an id_token that passes every check
// tokenscope makes, the nonce its authorization request sent among them,
// and the introspection endpoint answers for its tokens, to its client
// only, until they are revoked.
func TestSignInIDTokenAndIntrospection(t *testing.T) {
	f := newFixture(t)
	p := loginProvider(t, f)
	ctx := context.Background()
	az, err := oauth.NewAuthorization(p, "http://127.0.0.1:8400/callback")
	if err != nil {
		t.Fatal(err)
	}
	code, err := oauth.ParseCallback(signIn(t, az.URL, "allow").String(), az.State)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := f.client.Redeem(ctx, p, az, code)
	if err != nil {
		t.Fatal(err)
	}
	if az.Nonce == "" || tok.Nonce != az.Nonce {
		t.Fatalf("scope %q: nonce %q sent, %q kept", p.Scope, az.Nonce.Reveal(), tok.Nonce.Reveal())
	}
	j, checks := jwt.CheckIDToken(ctx, f.client.JWKSClient(p), p.JWKSURL, tok.IDToken(), oauth.IDTokenOptions(p, tok, f.clock.Now()))
	if j == nil {
		t.Fatalf("no id_token: %+v", checks)
	}
	if j.ClaimsMap["nonce"] != az.Nonce.Reveal() {
		t.Errorf("the id_token's nonce %v is not the one sent", j.ClaimsMap["nonce"])
	}
	want := map[string]string{"signature": jwt.CheckOK, "iss": jwt.CheckOK, "aud": jwt.CheckOK, "exp": jwt.CheckOK,
		"nonce": jwt.CheckOK, "at_hash": jwt.CheckOK}
	for _, c := range checks {
		if w, ok := want[c.Name]; ok && c.Result != w {
			t.Errorf("check %s: %s (%s)", c.Name, c.Result, c.Detail)
		}
		delete(want, c.Name)
	}
	if len(want) != 0 {
		t.Errorf("checks not made: %v", want)
	}

	in, err := f.client.Introspect(ctx, p, tok, false)
	if err != nil || !in.Active {
		t.Fatalf("introspect: %+v, %v", in, err)
	}
	if c, _ := in.Lookup("client_id"); string(c.Value) != `"`+oauth2PublicClientID+`"` {
		t.Errorf("client_id %s", c.Value)
	}
	if in, err = f.client.Introspect(ctx, p, tok, true); err != nil || !in.Active {
		t.Fatalf("introspect the refresh token: %+v, %v", in, err)
	}
	if c, _ := in.Lookup("token_type"); string(c.Value) != `"refresh_token"` {
		t.Errorf("token_type %s", c.Value)
	}
	// Another client learns nothing of it.
	local := f.srv.Providers()
	for _, q := range local {
		if q.Name == "oauth2-local" {
			if in, err := f.client.Introspect(ctx, q, tok, false); err != nil || in.Active {
				t.Errorf("another client's introspection: %+v, %v", in, err)
			}
		}
	}
	// A refresh brings a new ID token for the new access token.
	again, err := f.client.Refresh(ctx, p, tok)
	if err != nil {
		t.Fatal(err)
	}
	j, checks = jwt.CheckIDToken(ctx, f.client.JWKSClient(p), p.JWKSURL, again.IDToken(), oauth.IDTokenOptions(p, again, f.clock.Now()))
	if again.IDToken() == "" || again.IDToken() == tok.IDToken() || jwt.Failed(checks) {
		t.Errorf("the refresh's id_token: %v", checks)
	}
	// It carries no nonce (OpenID Connect Core §12.2), which is no failure.
	if _, has := j.ClaimsMap["nonce"]; has || checks[4].Name != "nonce" || checks[4].Result != jwt.CheckNotChecked {
		t.Errorf("the refresh's nonce: claims %v, checks %v", j.ClaimsMap, checks)
	}
	u, err := f.client.Userinfo(ctx, p, tok)
	if err != nil || len(u.Claims) == 0 || u.Claims[0].Key != "sub" {
		t.Fatalf("userinfo: %+v, %v", u, err)
	}
	if _, err := f.client.Logout(ctx, p, tok); err != nil {
		t.Fatal(err)
	}
	if in, err := f.client.Introspect(ctx, p, tok, false); err != nil || in.Active {
		t.Errorf("after revocation: %+v, %v", in, err)
	}
}
