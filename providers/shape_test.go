package providers

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestShapeEnums(t *testing.T) {
	for _, tc := range []struct {
		value       string
		valid, want bool
	}{
		{"", TokenMethod("").Valid(), true},
		{"GET", MethodGET.Valid(), true},
		{"POST", MethodPOST.Valid(), true},
		{"get", TokenMethod("get").Valid(), false},
		{"PUT", TokenMethod("PUT").Valid(), false},
		{"", BodyFormat("").Valid(), true},
		{"form", BodyForm.Valid(), true},
		{"json", BodyJSON.Valid(), true},
		{"xml", BodyFormat("xml").Valid(), false},
		{"", ExpiresUnit("").Valid(), true},
		{"seconds", UnitSeconds.Valid(), true},
		{"milliseconds", UnitMilliseconds.Valid(), true},
		{"minutes", UnitMinutes.Valid(), true},
		{"hours", UnitHours.Valid(), true},
		{"days", ExpiresUnit("days").Valid(), false},
	} {
		if tc.valid != tc.want {
			t.Errorf("%q: Valid() = %v, want %v", tc.value, tc.valid, tc.want)
		}
	}
	for u, d := range map[ExpiresUnit]time.Duration{"": time.Second, UnitSeconds: time.Second, UnitMilliseconds: time.Millisecond,
		UnitMinutes: time.Minute, UnitHours: time.Hour} {
		if u.Duration() != d {
			t.Errorf("%q.Duration() = %v, want %v", u, u.Duration(), d)
		}
	}
}

func TestValidateRefusesBadShapes(t *testing.T) {
	base := Provider{Name: "p", TokenURL: "https://a.example/t", Grant: GrantClientCredentials, ClientAuth: AuthBasic, ClientID: "c"}
	if err := base.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field, msg string
		edit       func(*Provider)
	}{
		{"token_method", `unknown token method "PUT"`, func(p *Provider) { p.TokenMethod = "PUT" }},
		{"body", `unknown body "xml"`, func(p *Provider) { p.Body = "xml" }},
		{"body", "a GET token request has no body", func(p *Provider) { p.TokenMethod, p.Body = MethodGET, BodyJSON }},
		{"client_auth", "a GET token request has no body", func(p *Provider) { p.TokenMethod, p.ClientAuth = MethodGET, AuthBody }},
		{"token_method", `grant_type = "password" needs token_method = "POST"`, func(p *Provider) {
			p.TokenMethod, p.Grant, p.Username, p.Password = MethodGET, GrantPassword, "bob", "pw1"
		}},
		{"expires_unit", `unknown unit "days"`, func(p *Provider) { p.ExpiresUnit = "days" }},
		{"token_field", "character 3 is a space", func(p *Provider) { p.TokenField = "my token" }},
		{"expires_field", "character 1 is U+001B", func(p *Provider) { p.ExpiresField = "\x1b[2J" }},
		{"token_field", "character 2 is U+202E", func(p *Provider) { p.TokenField = "a\u202eb" }},
		{"token_field", "at most 128 bytes", func(p *Provider) { p.TokenField = strings.Repeat("t", 129) }},
		{"expires_field", "cannot be the same member", func(p *Provider) { p.TokenField, p.ExpiresField = "t", "t" }},
		{"token_field", "not valid UTF-8", func(p *Provider) { p.TokenField = "\xff" }},
	} {
		p := base
		tc.edit(&p)
		err := p.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Msg, tc.msg) {
			t.Errorf("%s: Validate() = %v, want %s: …%s…", tc.field, err, tc.field, tc.msg)
		}
	}
	for _, edit := range []func(*Provider){
		func(p *Provider) { p.TokenMethod, p.ClientAuth = MethodGET, AuthQuery },
		func(p *Provider) { p.Body, p.ClientAuth, p.GrantIn = BodyJSON, AuthBody, GrantInNone },
		func(p *Provider) {
			p.TokenField, p.ExpiresField, p.ExpiresUnit = "token", "lifetimeInSeconds", UnitSeconds
		},
	} {
		p := base
		edit(&p)
		if err := p.Validate(); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
}

func TestFieldsDefaultToRFC6749(t *testing.T) {
	if f := (Provider{}).Fields(); f != (ResponseFields{Token: "access_token", Expires: "expires_in", Unit: UnitSeconds}) {
		t.Errorf("Fields() = %+v", f)
	}
	p := Provider{TokenField: "token", ExpiresField: "lifetimeInSeconds", ExpiresUnit: UnitMinutes}
	if f := p.Fields(); f != (ResponseFields{Token: "token", Expires: "lifetimeInSeconds", Unit: UnitMinutes}) {
		t.Errorf("Fields() = %+v", f)
	}
}

func TestLifetimeNoteOnlyForShortStatedLifetimes(t *testing.T) {
	short := &Token{ExpiresIn: 180, ExpirySource: ExpiryFromExpiresIn}
	if n := short.LifetimeNote(); !strings.HasPrefix(n, "the server gives its tokens 180 seconds (3m0s): that lifetime is the server's own") {
		t.Errorf("note %q", n)
	}
	for _, tok := range []*Token{nil, {ExpiresIn: 3600, ExpirySource: ExpiryFromExpiresIn}, {ExpiresIn: 300, ExpirySource: ExpiryFromExpiresIn},
		{ExpiresIn: 60, ExpirySource: ExpiryFromJWT}, {ExpirySource: ExpiryUnknown}} {
		if n := tok.LifetimeNote(); n != "" {
			t.Errorf("%+v: note %q", tok, n)
		}
	}
}

func TestEnvironmentsPickTheHost(t *testing.T) {
	for _, tc := range []struct{ preset, env, want string }{
		{"mpesa", "", "https://sandbox.safaricom.co.ke/oauth/v1/generate?grant_type=client_credentials"},
		{"mpesa", "sandbox", "https://sandbox.safaricom.co.ke/oauth/v1/generate?grant_type=client_credentials"},
		{"mpesa", " PRODUCTION ", "https://api.safaricom.co.ke/oauth/v1/generate?grant_type=client_credentials"},
		{"airtel", "", "https://openapiuat.airtel.africa/auth/oauth2/token"},
		{"airtel", "production", "https://openapi.airtel.africa/auth/oauth2/token"},
	} {
		p, err := ApplyPreset(Provider{Name: "x", Preset: tc.preset, Environment: tc.env, ClientID: "c"})
		if err != nil || p.TokenURL != tc.want || p.Validate() != nil {
			t.Errorf("%s %q: %q, %v", tc.preset, tc.env, p.TokenURL, err)
		}
	}
	// A token URL of one's own wins over the environment's.
	if p, _ := ApplyPreset(Provider{Name: "x", Preset: "mpesa", Environment: "production", TokenURL: "http://127.0.0.1:9/t"}); p.TokenURL != "http://127.0.0.1:9/t" {
		t.Errorf("token_url %q", p.TokenURL)
	}
	for _, tc := range []struct{ preset, env, msg string }{
		{"mpesa", "live", `unknown mpesa environment "live" (one of sandbox, production)`},
		{"orange", "production", "the orange preset has one host: set token_url instead of environment"},
	} {
		_, err := ApplyPreset(Provider{Name: "x", Preset: tc.preset, Environment: tc.env})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "environment" || fe.Msg != tc.msg {
			t.Errorf("%s %q: %v", tc.preset, tc.env, err)
		}
	}
}

func TestNewPresetsAreTheirDialects(t *testing.T) {
	m, _ := LookupPreset("mpesa")
	a, _ := LookupPreset("airtel")
	o, _ := LookupPreset("orange")
	if d := m.Defaults; d.TokenMethod != MethodGET || d.ClientAuth != AuthBasic || d.Grant != GrantClientCredentials {
		t.Errorf("mpesa %+v", d)
	}
	if d := a.Defaults; d.Body != BodyJSON || d.ClientAuth != AuthBody || d.GrantIn != GrantInBody {
		t.Errorf("airtel %+v", d)
	}
	if d := o.Defaults; d.TokenURL != "https://api.orange.com/oauth/v3/token" || d.ClientAuth != AuthBasic || d.TokenMethod != "" || d.Body != "" {
		t.Errorf("orange %+v", d)
	}
}
