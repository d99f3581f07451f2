package providers

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestPresetsAreTheSixDialects(t *testing.T) {
	var names []string
	for _, ps := range Presets() {
		names = append(names, ps.Name)
		if ps.Title == "" || ps.Doc == "" || ps.Defaults.Preset != ps.Name {
			t.Errorf("preset %s is missing its title, doc or self-name: %+v", ps.Name, ps)
		}
	}
	if got := strings.Join(names, " "); got != "mtn momo mobifinance telenor mobiledigital mpesa airtel orange vodacom static oauth2" {
		t.Errorf("presets = %s", got)
	}
}

func TestPresetsReturnFreshValues(t *testing.T) {
	a := Presets()
	a[1].Defaults.Headers["Ocp-Apim-Subscription-Key"] = "changed"
	a[0].Defaults.TokenURL = "changed"
	b, _ := LookupPreset("momo")
	if b.Defaults.Headers["Ocp-Apim-Subscription-Key"] != "" {
		t.Error("a caller's change to a preset's map leaked into the next call")
	}
	if m, _ := LookupPreset("MTN"); m.Defaults.TokenURL != "https://api.mtn.com/v1/oauth/access_token" {
		t.Errorf("mtn token URL = %q", m.Defaults.TokenURL)
	}
}

func TestApplyPresetFillsOnlyZeroFields(t *testing.T) {
	p, err := ApplyPreset(Provider{Name: "t", Preset: "telenor", ClientID: "c", Username: "u"})
	if err != nil {
		t.Fatal(err)
	}
	want := Provider{Name: "t", Preset: "telenor", TokenURL: "https://api.telenor.no/oauth/v2/token",
		Grant: GrantPassword, GrantIn: GrantInBody, ClientAuth: AuthBasic, ClientID: "c", Username: "u",
		LogoutURL: "https://api.telenor.no/oauth/v2/logout", LogoutMethod: "GET"}
	if !equalProviders(p, want) {
		t.Errorf("ApplyPreset =\n%#v\nwant\n%#v", p, want)
	}
	// Every field set wins, the token URL above all.
	own := Provider{Name: "t", Preset: "telenor", TokenURL: "http://127.0.0.1:9/token", Grant: GrantClientCredentials,
		GrantIn: GrantInQuery, ClientAuth: AuthBody, ClientID: "c", Scope: "x", LogoutURL: "http://127.0.0.1:9/out",
		LogoutMethod: "POST", Timeout: time.Second}
	p, _ = ApplyPreset(own)
	if !equalProviders(p, own) {
		t.Errorf("ApplyPreset overrode a set field:\n%#v\nwant\n%#v", p, own)
	}
}

func TestApplyPresetMoMoProducts(t *testing.T) {
	for _, tc := range []struct{ product, url string }{
		{"", "https://sandbox.momodeveloper.mtn.com/collection/token/"},
		{"disbursement", "https://sandbox.momodeveloper.mtn.com/disbursement/token/"},
		{"Remittance", "https://sandbox.momodeveloper.mtn.com/remittance/token/"},
	} {
		p, err := ApplyPreset(Provider{Name: "m", Preset: "momo", Product: tc.product, ClientID: "u"})
		if err != nil {
			t.Fatal(err)
		}
		if p.TokenURL != tc.url || p.GrantIn != GrantInNone || p.ClientAuth != AuthBasic {
			t.Errorf("product %q: %q %q %q", tc.product, p.TokenURL, p.GrantIn, p.ClientAuth)
		}
		if _, ok := p.Headers["Ocp-Apim-Subscription-Key"]; !ok {
			t.Errorf("product %q: no subscription key header to fill in: %v", tc.product, p.Headers)
		}
	}
	var fe *FieldError
	if _, err := ApplyPreset(Provider{Preset: "momo", Product: "lending"}); !errors.As(err, &fe) || fe.Field != "product" ||
		!strings.Contains(fe.Msg, `"lending"`) {
		t.Errorf("unknown product: %v, want a FieldError for product", err)
	}
	// A sandbox URL wins over the product's.
	p, _ := ApplyPreset(Provider{Preset: "momo", Product: "remittance", TokenURL: "https://sandbox.momodeveloper.mtn.com/remittance/token/"})
	if p.TokenURL != "https://sandbox.momodeveloper.mtn.com/remittance/token/" {
		t.Errorf("sandbox URL overridden: %q", p.TokenURL)
	}
}

func TestApplyPresetKeepsTheCallersHeaders(t *testing.T) {
	mine := map[string]Secret{"X-Reference-Id": "r1"}
	p, _ := ApplyPreset(Provider{Preset: "momo", Headers: mine})
	if len(mine) != 1 {
		t.Errorf("ApplyPreset changed the caller's map: %v", mine)
	}
	if len(p.Headers) != 2 || p.Headers["X-Reference-Id"] != "r1" {
		t.Errorf("headers = %v", p.Headers)
	}
	// A header the user already has, in any case, is not added twice.
	p, _ = ApplyPreset(Provider{Preset: "momo", Headers: map[string]Secret{"ocp-apim-subscription-key": "k"}})
	if len(p.Headers) != 1 {
		t.Errorf("headers = %v", p.Headers)
	}
}

func TestApplyPresetDefaultAndUnknown(t *testing.T) {
	p, err := ApplyPreset(Provider{Name: "x"})
	if err != nil || p.Preset != "oauth2" || p.ClientAuth != AuthBasic || p.Grant != GrantClientCredentials {
		t.Errorf("no preset: %+v %v", p, err)
	}
	if _, err := ApplyPreset(Provider{Preset: "nope"}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown preset: %v", err)
	}
	p, _ = ApplyPreset(Provider{Preset: "mobifinance"})
	if p.TokenURL != "" || p.ClientAuth != AuthQuery || p.GrantIn != GrantInQuery {
		t.Errorf("mobifinance: %+v", p)
	}
	if err := p.Validate(); err == nil {
		t.Error("mobifinance without a token URL validated")
	}
}

// equalProviders compares providers, an empty map equal to a nil one.
func equalProviders(a, b Provider) bool {
	for _, p := range []*Provider{&a, &b} {
		if len(p.Headers) == 0 {
			p.Headers = nil
		}
		if len(p.Params) == 0 {
			p.Params = nil
		}
	}
	return reflect.DeepEqual(a, b)
}

func TestValidateRefusesSecretsAndOwnKeysAsParams(t *testing.T) {
	base := Provider{Name: "p", Preset: "oauth2", TokenURL: "https://auth.example/token", ClientID: "app"}
	for _, tc := range []struct{ key, want string }{
		{"client_secret", "params: client_secret is a secret and params are not"},
		{"Password", "params: Password is a secret and params are not"},
		{"refresh_token", "params: refresh_token is a secret"},
		{"grant_type", "params: grant_type has a key of its own: set grant_type, not a param"},
		{"scope", "params: scope has a key of its own"},
	} {
		p, err := ApplyPreset(base)
		if err != nil {
			t.Fatal(err)
		}
		p.Params = map[string]string{"audience": "https://api.example", tc.key: "the-value-9f8e"}
		err = p.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("param %s: Validate = %v, want %q…", tc.key, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "the-value-9f8e") {
			t.Errorf("param %s: the error quotes the value: %v", tc.key, err)
		}
	}
	p, _ := ApplyPreset(base)
	p.Params = map[string]string{"audience": "https://api.example", "resource": "r"}
	if err := p.Validate(); err != nil {
		t.Errorf("audience and resource: %v", err)
	}
}

func TestValidateRefusesInvalidUTF8(t *testing.T) {
	for _, tc := range []struct {
		field string
		set   func(*Provider)
	}{
		{"name", func(p *Provider) { p.Name = "a\xff" }},
		{"client_secret", func(p *Provider) { p.ClientSecret = "pa\xffss" }},
		{"headers", func(p *Provider) { p.Headers = map[string]Secret{"X-Key": "k\xfe"} }},
		{"params", func(p *Provider) { p.Params = map[string]string{"aud\xff": "x"} }},
	} {
		p, err := ApplyPreset(Provider{Name: "p", Preset: "oauth2", TokenURL: "https://auth.example/token", ClientID: "app"})
		if err != nil {
			t.Fatal(err)
		}
		tc.set(&p)
		var fe *FieldError
		if err := p.Validate(); !errors.As(err, &fe) || fe.Field != tc.field || strings.Contains(err.Error(), "\xff") {
			t.Errorf("%s: Validate = %v, want a FieldError for %s", tc.field, err, tc.field)
		}
	}
}

func TestValidateRefusesSecretsInURLs(t *testing.T) {
	p, err := ApplyPreset(Provider{Name: "mf", Preset: "mobifinance", ClientID: "c", ClientSecret: "s",
		TokenURL: "https://mf.example/oauth/token?client_id=c&client_secret=URLSECRET123&grant_type=client_credentials"})
	if err != nil {
		t.Fatal(err)
	}
	err = p.Validate()
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "token_url" || !strings.Contains(err.Error(), "carries client_secret") {
		t.Fatalf("Validate = %v, want a token_url error naming client_secret", err)
	}
	p.TokenURL = "ftp://mf.example/token?client_secret=URLSECRET123"
	err = p.Validate()
	if err == nil || strings.Contains(err.Error(), "URLSECRET123") {
		t.Fatalf("Validate = %v, want an error that does not quote the query", err)
	}
	p.TokenURL = "https://mf.example/oauth/token?grant_type=client_credentials"
	if err := p.Validate(); err != nil {
		t.Fatalf("a token URL with grant_type: %v", err)
	}
}

// TestValidateRefusesUserinfo: a user name or password in any URL field is
// refused, naming the field and never quoting the password, which would
// otherwise be stored, shown, traced and exported in the clear.
func TestValidateRefusesUserinfo(t *testing.T) {
	const pw = "Hunter2Secret"
	base, err := ApplyPreset(Provider{Name: "p", Preset: "oauth2", TokenURL: "https://auth.example/token", ClientID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if err := base.Validate(); err != nil {
		t.Fatal(err)
	}
	fields := map[string]func(*Provider, string){
		"token_url":      func(p *Provider, u string) { p.TokenURL = u },
		"try_url":        func(p *Provider, u string) { p.TryURL = u },
		"logout_url":     func(p *Provider, u string) { p.LogoutURL = u },
		"revocation_url": func(p *Provider, u string) { p.RevocationURL = u },
		"jwks_url":       func(p *Provider, u string) { p.JWKSURL = u },
	}
	for field, set := range fields {
		for _, u := range []string{
			"https://user:" + pw + "@auth.example/x",
			"http://" + pw + "@127.0.0.1:8080/x",
			"https://:" + pw + "@auth.example",
			"https://@auth.example/x",
		} {
			p := base
			set(&p, u)
			err := p.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != field || !errors.Is(err, ErrUserinfo) {
				t.Errorf("%s = %q: Validate = %v, want a %s FieldError wrapping ErrUserinfo", field, u, err, field)
				continue
			}
			if strings.Contains(err.Error(), pw) || !strings.Contains(err.Error(), "give it as a secret") {
				t.Errorf("%s = %q: %q quotes the password or gives no hint", field, u, err)
			}
		}
	}
	// A URL refused for another reason does not quote what is before @.
	for _, u := range []string{"ftp://user:" + pw + "@auth.example/x", "user:" + pw + "@auth.example/x", "https://u:" + pw + "@host:port/x"} {
		p := base
		p.TokenURL = u
		if err := p.Validate(); err == nil || strings.Contains(err.Error(), pw) {
			t.Errorf("token_url = %q: Validate = %v, want an error without the password", u, err)
		}
	}
	// An @ in the path is not userinfo.
	p := base
	p.TryURL = "https://api.example/users/me@example.com"
	if err := p.Validate(); err != nil {
		t.Errorf("an @ in the path: %v", err)
	}
}

// TestExposure: TLS not verified, and an endpoint that carries a secret
// over plain http to anything but loopback, are what Exposure warns of.
func TestExposure(t *testing.T) {
	tests := []struct {
		name string
		p    Provider
		want string
	}{
		{"https", Provider{TokenURL: "https://auth.example/token"}, ""},
		{"insecure", Provider{TokenURL: "https://auth.example/token", Insecure: true}, "does not verify TLS certificates (insecure = true)"},
		{"http token URL", Provider{TokenURL: "http://auth.example/token"}, "sends secrets over plain http (token_url)"},
		{"HTTP in capitals", Provider{TokenURL: "HTTP://auth.example/token"}, "sends secrets over plain http (token_url)"},
		{"an address", Provider{TokenURL: "http://10.0.0.7:8080/token"}, "sends secrets over plain http (token_url)"},
		{"not quite loopback", Provider{TokenURL: "http://localhost.example/token"}, "sends secrets over plain http (token_url)"},
		{"every secret endpoint", Provider{TokenURL: "https://a.example/t", TryURL: "http://api.example/me",
			LogoutURL: "http://a.example/logout", RevocationURL: "http://a.example/revoke", JWKSURL: "http://a.example/jwks"},
			"sends secrets over plain http (try_url, logout_url, revocation_url) and fetches its signing keys over plain http (jwks_url)"},
		{"both", Provider{TokenURL: "http://auth.example/token", Insecure: true},
			"does not verify TLS certificates (insecure = true) and sends secrets over plain http (token_url)"},
		{"localhost", Provider{TokenURL: "http://localhost:9000/token"}, ""},
		{"LOCALHOST", Provider{TokenURL: "http://LOCALHOST/token"}, ""},
		{"127/8", Provider{TokenURL: "http://127.3.2.1/token", TryURL: "http://127.0.0.1:1/x"}, ""},
		{"::1", Provider{TokenURL: "http://[::1]:8080/token"}, ""},
		{"JWKS alone", Provider{TokenURL: "https://a.example/t", JWKSURL: "http://a.example/jwks"},
			"fetches its signing keys over plain http (jwks_url)"},
		{"JWKS on loopback", Provider{TokenURL: "https://a.example/t", JWKSURL: "http://127.0.0.1:8080/jwks"}, ""},
	}
	for _, tt := range tests {
		if got := tt.p.Exposure(); got != tt.want {
			t.Errorf("%s: Exposure = %q, want %q", tt.name, got, tt.want)
		}
	}
}
