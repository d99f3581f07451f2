package providers

import (
	"strings"
	"testing"
)

func TestPickClientAuth(t *testing.T) {
	for _, tc := range []struct {
		methods []string
		secret  bool
		want    ClientAuth
		method  string
	}{
		{nil, true, AuthBasic, ""},
		{nil, false, AuthNone, ""},
		{[]string{"client_secret_post", "client_secret_basic"}, true, AuthBasic, "client_secret_basic"},
		{[]string{"client_secret_post"}, true, AuthBody, "client_secret_post"},
		{[]string{"client_secret_basic", "none"}, false, AuthNone, "none"},
		{[]string{"client_secret_basic"}, false, AuthNone, ""},
		{[]string{"none"}, true, AuthBasic, ""},
		{[]string{"private_key_jwt"}, true, AuthBasic, ""},
	} {
		got, method := pickClientAuth(tc.methods, tc.secret)
		if got != tc.want || method != tc.method {
			t.Errorf("pickClientAuth(%q, secret %v) = %s, %q; want %s, %q", tc.methods, tc.secret, got, method, tc.want, tc.method)
		}
	}
}

func TestDiscoveredKeepsWhatIsSet(t *testing.T) {
	p := Provider{Name: "p", Issuer: "https://i.example", TokenURL: "https://own.example/token", ClientAuth: AuthBody, ClientSecret: "s"}
	m := &Metadata{Issuer: "https://i.example", TokenEndpoint: "https://i.example/token", UserinfoEndpoint: "https://i.example/me",
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic"}}
	q, d := p.Discovered(m)
	if q.TokenURL != p.TokenURL || q.ClientAuth != AuthBody || q.UserinfoURL != m.UserinfoEndpoint {
		t.Errorf("discovered %+v", q)
	}
	if d.Note() != "" || strings.Join(d.Filled, " ") != "userinfo_url" {
		t.Errorf("discovery %+v, note %q", d, d.Note())
	}
}

func TestIssuerValidation(t *testing.T) {
	base := Provider{Name: "p", Preset: "oauth2", Grant: GrantClientCredentials, ClientID: "c"}
	ok := base
	ok.Issuer = "https://login.example/tenant"
	if err := ok.Validate(); err != nil {
		t.Errorf("an issuer without token_url or client_auth: %v", err)
	}
	for _, bad := range []string{"login.example", "https://login.example/?a=1", "https://u:p@login.example", "ftp://login.example"} {
		p := base
		p.Issuer = bad
		if err := p.Validate(); err == nil || !strings.HasPrefix(err.Error(), "issuer: ") {
			t.Errorf("issuer %q: %v", bad, err)
		}
	}
	if err := base.Validate(); err == nil || !strings.HasPrefix(err.Error(), "token_url: ") {
		t.Errorf("neither token_url nor issuer: %v", err)
	}
}
