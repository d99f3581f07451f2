package providers

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateNamesAndHeaders(t *testing.T) {
	base := func() Provider {
		p, err := ApplyPreset(Provider{Name: "idp", Preset: "oauth2", TokenURL: "https://auth.example/token", ClientID: "app"})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name    string
		edit    func(*Provider)
		field   string // "" when valid
		message string
	}{
		{"plain", func(p *Provider) {}, "", ""},
		{"unicode letters and digits", func(p *Provider) { p.Name = "ключ_鍵.prod@eu-1٣" }, "", ""},
		{"64 characters", func(p *Provider) { p.Name = strings.Repeat("é", 64) }, "", ""},
		{"65 characters", func(p *Provider) { p.Name = strings.Repeat("é", 65) }, "name", "at most 64 characters, this one 65"},
		{"dot", func(p *Provider) { p.Name = "." }, "name", "cannot be . or .."},
		{"dot dot", func(p *Provider) { p.Name = ".." }, "name", "cannot be . or .."},
		{"dots inside", func(p *Provider) { p.Name = "a..b" }, "", ""},
		{"space", func(p *Provider) { p.Name = "a b" }, "name", "character 2 is a space"},
		{"slash", func(p *Provider) { p.Name = "a/b" }, "name", `character 2 is "/" (U+002F)`},
		{"escape", func(p *Provider) { p.Name = "a\x1b[2J" }, "name", "character 2 is U+001B"},
		{"c1", func(p *Provider) { p.Name = "a\u009b" }, "name", "character 2 is U+009B"},
		{"bidi", func(p *Provider) { p.Name = "ab\u202e" }, "name", "character 3 is U+202E"},
		{"quote", func(p *Provider) { p.Name = `a"` }, "name", `character 2 is "\"" (U+0022)`},
		{"header token", func(p *Provider) { p.Headers = map[string]Secret{"X-Api_Key.v1!#$%&'*+^`|~": "v"} }, "", ""},
		{"header tab in value", func(p *Provider) { p.Headers = map[string]Secret{"X-Key": "a\tb"} }, "", ""},
		{"header name space", func(p *Provider) { p.Headers = map[string]Secret{"X Key": "v"} }, "headers.X Key", "character 2 is a space"},
		{"header name colon", func(p *Provider) { p.Headers = map[string]Secret{"X:Key": "v"} }, "headers.X:Key", `character 2 is ":"`},
		{"header name non-ascii", func(p *Provider) { p.Headers = map[string]Secret{"Xé": "v"} }, "headers.Xé", `character 2 is "é"`},
		{"header name empty", func(p *Provider) { p.Headers = map[string]Secret{"": "v"} }, "headers.", "needs a name"},
		{"header value crlf", func(p *Provider) { p.Headers = map[string]Secret{"X-Key": "SECRET\r\nX-Evil: 1"} }, "headers.X-Key", "character 7 is U+000D"},
		{"header value lf", func(p *Provider) { p.Headers = map[string]Secret{"X-Key": "a\nb"} }, "headers.X-Key", "U+000A"},
		{"header value nul", func(p *Provider) { p.Headers = map[string]Secret{"X-Key": "a\x00"} }, "headers.X-Key", "U+0000"},
		{"header value del", func(p *Provider) { p.Headers = map[string]Secret{"X-Key": "a\x7f"} }, "headers.X-Key", "U+007F"},
		{"header value c1", func(p *Provider) { p.Headers = map[string]Secret{"X-Key": "a\u0085"} }, "headers.X-Key", "U+0085"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(&p)
			err := p.Validate()
			if tc.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Msg, tc.message) {
				t.Fatalf("Validate = %v, want %s: …%s…", err, tc.field, tc.message)
			}
			if strings.Contains(fe.Msg, "SECRET") {
				t.Errorf("the refusal %q echoes the header value", fe.Msg)
			}
		})
	}
}
