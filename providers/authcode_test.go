package providers

import (
	"errors"
	"testing"
)

func authCodeProvider() Provider {
	return Provider{Name: "app", Preset: "oauth2", TokenURL: "https://id.example/token", Grant: GrantAuthorizationCode,
		ClientAuth: AuthNone, ClientID: "cli", AuthorizationURL: "https://id.example/authorize"}
}

func TestValidateAuthorizationCode(t *testing.T) {
	if err := authCodeProvider().Validate(); err != nil {
		t.Fatalf("a public client with PKCE: %v", err)
	}
	for _, tc := range []struct {
		field string
		edit  func(*Provider)
	}{
		{"authorization_url", func(p *Provider) { p.AuthorizationURL = "" }},
		{"authorization_url", func(p *Provider) { p.AuthorizationURL = "ftp://id.example/authorize" }},
		{"redirect_uri", func(p *Provider) { p.RedirectURI = "http://127.0.0.1:8400/callback#frag" }},
		{"redirect_uri", func(p *Provider) { p.RedirectURI = "/callback" }},
		{"pkce", func(p *Provider) { p.PKCE = "plain" }},
		{"token_method", func(p *Provider) { p.TokenMethod = MethodGET }},
		{"client_secret", func(p *Provider) { p.ClientSecret = "s3cret" }},
		{"params", func(p *Provider) { p.Params = map[string]string{"state": "x"} }},
		{"params", func(p *Provider) { p.Params = map[string]string{"code_verifier": "x"} }},
		{"params", func(p *Provider) { p.Params = map[string]string{"redirect_uri": "http://127.0.0.1/"} }},
		{"params", func(p *Provider) { p.Params = map[string]string{"Nonce": "fixed"} }},
		{"authorization_url", func(p *Provider) { p.AuthorizationURL = "https://id.example/authorize?nonce=fixed" }},
	} {
		p := authCodeProvider()
		tc.edit(&p)
		var fe *FieldError
		if err := p.Validate(); !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%+v: Validate() = %v, want an error on %s", p, err, tc.field)
		}
	}
	p := authCodeProvider()
	p.RedirectURI, p.PKCE, p.Params = "http://localhost:8400/cb", PKCEOff, map[string]string{"prompt": "login"}
	if err := p.Validate(); err != nil {
		t.Errorf("a registered redirect URI, PKCE off, a prompt param: %v", err)
	}
	// Another grant's nonce param is the API's own (a gateway's anti-replay field).
	cc := Provider{Name: "gw", Preset: "oauth2", Grant: GrantClientCredentials, ClientAuth: AuthBasic, TokenURL: "https://id.example/token", ClientID: "c", ClientSecret: "s",
		Params: map[string]string{"nonce": "n1"}}
	if err := cc.Validate(); err != nil {
		t.Errorf("a client_credentials provider with a nonce param: %v", err)
	}
}

func TestLoopbackRedirect(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://127.0.0.1:0/callback": true, "http://[::1]:8400/": true, "http://localhost/cb": true,
		"https://127.0.0.1/cb": false, "http://example.com/cb": false, "http://u@127.0.0.1/cb": false, "::": false,
	} {
		if got := LoopbackRedirect(raw); got != want {
			t.Errorf("LoopbackRedirect(%q) = %v, want %v", raw, got, want)
		}
	}
}
