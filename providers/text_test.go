package providers

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateRefusesControlAndFormCharacters(t *testing.T) {
	base := func() Provider {
		p, err := ApplyPreset(Provider{Name: "idp", Preset: "oauth2", TokenURL: "https://idp.example/token",
			ClientID: "client-1", ClientSecret: "s3cret", TryURL: "https://api.example/me"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		field string
		set   func(*Provider, string)
	}{
		{"client_id", func(p *Provider, v string) { p.ClientID = v }},
		{"username", func(p *Provider, v string) { p.Username = v }},
		{"scope", func(p *Provider, v string) { p.Scope = v }},
		{"try_body", func(p *Provider, v string) { p.TryBody = v }},
		{"product", func(p *Provider, v string) { p.Product = v }},
		{"params.audience", func(p *Provider, v string) { p.Params = map[string]string{"audience": v} }},
		{"params", func(p *Provider, v string) { p.Params = map[string]string{"a" + v: "x"} }},
	} {
		for _, bad := range []string{"\x1b]52;c;SGVsbG8=\x07", "a\rb", "a\x7fb", "a\u009bb", "a\u202eb",
			"a\u200bb", "a\ufeffb", "a\U000e0041b", "a\u2028b", "a\u061cb", "a\u180eb", "a\u2060b"} {
			p := base()
			tc.set(&p, bad)
			err := p.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("%s = %q: Validate = %v, want a FieldError on %s", tc.field, bad, err, tc.field)
				continue
			}
			if !strings.Contains(fe.Msg, "U+") || strings.ContainsAny(fe.Msg, "\x1b\x07\r\x7f\u009b\u202e\u200b") {
				t.Errorf("%s = %q: message %q should name the character by code point only", tc.field, bad, fe.Msg)
			}
		}
	}
	p := base()
	p.TryBody = "{\n\t\"a\": 1\n}"
	if err := p.Validate(); err != nil {
		t.Errorf("a try_body with tabs and newlines: %v", err)
	}
	p.Scope = "openid profile"
	p.ClientID = "клиент-1"
	if err := p.Validate(); err != nil {
		t.Errorf("plain text with spaces and letters: %v", err)
	}
	p = base()
	p.Headers = map[string]Secret{"X-Key": "a\u202eb"}
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "headers.X-Key") {
		t.Errorf("a header value with U+202E: %v, want refused", err)
	}
}
