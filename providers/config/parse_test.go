package config

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// env is a fixed environment for Parse.
func env(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func mustApply(t *testing.T, p providers.Provider) providers.Provider {
	t.Helper()
	p, err := providers.ApplyPreset(p)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const fullFile = `# a team's providers
[[providers]]
name = "idp"
preset = "oauth2"
token_url = "https://${IDP_HOST}/oauth/token"
grant_type = "password"
grant_in = "query"
client_auth = "body"
client_id = "tokenscope-cli"
client_secret = "${IDP_SECRET}"
username = "alice"
password = "${IDP_PASSWORD}"
scope = "openid profile"
logout_url = "https://idp.example.com/logout"
logout_method = "GET"
revocation_url = "https://idp.example.com/revoke"
jwks_url = "https://idp.example.com/jwks"
try_url = "https://api.example.com/me"
try_method = "POST"
try_body = """
{"price": "$$5"}"""
insecure = true
timeout = "45s"
headers = { X-Api-Key = "${IDP_KEY}", X-Empty = "" }

  [providers.params]
  audience = "https://api.example.com"
  "resource.id" = "r-$1"

[[providers]]
name = "momo"
preset = "momo"
product = "disbursement"
client_id = "${MOMO_USER}"
client_secret = "${MOMO_KEY}"
headers.Ocp-Apim-Subscription-Key = "${MOMO_SUB}"
`

var fullEnv = env(
	"IDP_HOST", "idp.example.com", "IDP_SECRET", "s3cret+/:%&=", "IDP_PASSWORD", "pa$$word",
	"IDP_KEY", "k-123", "MOMO_USER", "0b1c-user", "MOMO_KEY", "momo-api-key", "MOMO_SUB", "sub-key-9",
)

func TestParseFullFile(t *testing.T) {
	got, err := Parse(strings.NewReader(fullFile), fullEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := []providers.Provider{
		mustApply(t, providers.Provider{
			Name: "idp", Preset: "oauth2", TokenURL: "https://idp.example.com/oauth/token",
			Grant: providers.GrantPassword, GrantIn: providers.GrantInQuery, ClientAuth: providers.AuthBody,
			ClientID: "tokenscope-cli", ClientSecret: "s3cret+/:%&=", Username: "alice", Password: "pa$$word",
			Scope: "openid profile", LogoutURL: "https://idp.example.com/logout", LogoutMethod: "GET",
			RevocationURL: "https://idp.example.com/revoke", JWKSURL: "https://idp.example.com/jwks",
			TryURL: "https://api.example.com/me", TryMethod: "POST", TryBody: `{"price": "$5"}`,
			Insecure: true, Timeout: 45 * time.Second,
			Headers: map[string]providers.Secret{"X-Api-Key": "k-123", "X-Empty": ""},
			Params:  map[string]string{"audience": "https://api.example.com", "resource.id": "r-$1"},
		}),
		mustApply(t, providers.Provider{
			Name: "momo", Preset: "momo", Product: "disbursement", ClientID: "0b1c-user", ClientSecret: "momo-api-key",
			Headers: map[string]providers.Secret{"Ocp-Apim-Subscription-Key": "sub-key-9"},
		}),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse =\n%#v\nwant\n%#v", got, want)
	}
	// The password grant, the body auth and the rest survive the preset.
	if got[0].Grant != providers.GrantPassword || got[0].ClientAuth != providers.AuthBody || got[0].TokenURL != "https://idp.example.com/oauth/token" {
		t.Errorf("the preset overrode the file: %+v", got[0])
	}
	if got[1].Product != "disbursement" || !strings.Contains(got[1].TokenURL, "disbursement") {
		t.Errorf("momo product not applied: %q %q", got[1].Product, got[1].TokenURL)
	}
}

func TestParseEmpty(t *testing.T) {
	got, err := Parse(strings.NewReader("# nothing yet\n"), nil)
	if err != nil || len(got) != 0 {
		t.Errorf("Parse = %v, %v", got, err)
	}
}

func TestParseErrors(t *testing.T) {
	const ok = "[[providers]]\nname = \"a\"\npreset = \"oauth2\"\ntoken_url = \"https://a.example/token\"\nclient_id = \"id\"\n"
	tests := []struct {
		name string
		src  string
		want []string // all in the error
	}{
		{"unknown key", ok + "client_secrt = \"x\"\n", []string{`line 6: provider "a"`, `unknown key "client_secrt": did you mean "client_secret"?`}},
		{"unknown quoted key", ok + "\"odd key\" = 1\n", []string{`line 6: provider "a": unknown key "odd key"`}},
		{"unknown key with an escape", ok + "\"evil\\u001b\" = 1\n", []string{`provider "a": unknown key "evil` + "\x1b" + `"`}},
		{"unknown key, second table", ok + ok + "\nfoo.bar = 1\n", []string{`line 12:`, `provider "a": unknown key "foo.bar"`}},
		{"unknown sub-table reported once", ok + "[providers.header]\nX = \"1\"\nY = \"2\"\n", []string{`line 6:`, `unknown key "header": did you mean "headers"?`}},
		{"unknown top-level key", "version = 2\n" + ok, []string{`line 1: unknown key "version"`}},
		{"misspelt array table", "[[provider]]\nname = \"a\"\n", []string{`line 1: unknown key "provider" (a providers file holds [[providers]] tables only): did you mean "providers"?`}},
		{"missing variable", ok + "client_secret = \"${NOPE_SECRET}\"\n", []string{`line 6: provider "a": client_secret: environment variable NOPE_SECRET is not set`}},
		{"every missing variable", ok + "client_secret = \"${NOPE_SECRET}${NOPE_TOO}\"\nscope = \"${NOPE_SCOPE}\"\n[providers.headers]\nX-Key = \"${NOPE_KEY}\"\n",
			[]string{`line 6: provider "a": client_secret: environment variable NOPE_SECRET is not set`,
				`line 6: provider "a": client_secret: environment variable NOPE_TOO is not set`,
				`line 7: provider "a": scope: environment variable NOPE_SCOPE is not set`,
				`line 9: provider "a": headers.X-Key: environment variable NOPE_KEY is not set`}},
		{"missing variable in a header", ok + "[providers.headers]\nX-Key = \"${NOPE_KEY}\"\n", []string{`line 7:`, `headers.X-Key: environment variable NOPE_KEY is not set`}},
		{"unterminated reference", ok + "client_secret = \"abc${DEF\"\n", []string{`line 6:`, `client_secret: a ${ at character 4 has no closing }`}},
		{"bad variable name", ok + "client_secret = \"${A-B}\"\n", []string{`line 6:`, `a variable name is letters, digits and _`}},
		{"duplicate", ok + "\n" + ok, []string{`line 8: provider "a" is already defined on line 2`}},
		{"bad timeout", ok + "timeout = \"soon\"\n", []string{`line 6: provider "a": timeout: "soon" is not a duration`}},
		{"timeout not a string", ok + "timeout = 30\n", []string{`line 6`, `timeout`}},
		{"invalid url", strings.Replace(ok, "https://a.example/token", "ftp://a.example", 1), []string{`line 4: provider "a": token_url:`, `not an http or https URL`}},
		{"invalid grant", ok + "grant_type = \"implicit\"\n", []string{`line 6: provider "a": grant_type: unknown grant "implicit"`}},
		{"unnamed", "[[providers]]\npreset = \"oauth2\"\n", []string{`line 1: [[providers]] #1: name: a provider needs a name`}},
		{"missing client id", strings.Replace(ok, "client_id = \"id\"\n", "", 1), []string{`line 1: provider "a": client_id: a client id is needed`}},
		{"unknown preset", strings.Replace(ok, `"oauth2"`, `"nope"`, 1), []string{`line 3: provider "a": preset:`, `nope`}},
		{"unknown product", "[[providers]]\nname = \"m\"\npreset = \"momo\"\nclient_id = \"u\"\nproduct = \"savings\"\n",
			[]string{`line 5: provider "m": product: unknown momo product "savings"`}},
		{"wrong type", ok + "insecure = \"yes\"\n", []string{"line 6", "insecure"}},
		{"syntax", ok + "name = \n", []string{"line 6"}},
		{"not tables", "providers = 3\n", []string{"providers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tt.src), env("SECRET", "hunter2"))
			if err == nil {
				t.Fatalf("Parse = %v, want an error", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseReportsEveryError(t *testing.T) {
	src := "[[providers]]\nname = \"a\"\nclient_secret = \"${A}\"\n\n[[providers]]\nname = \"b\"\nclient_secret = \"${B}\"\n"
	_, err := Parse(strings.NewReader(src), nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, w := range []string{"line 3: provider \"a\"", "variable A is not set", "line 7: provider \"b\"", "variable B is not set"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

func TestParseErrorsNeverQuoteSecrets(t *testing.T) {
	const secret = "hunter2-XYZZY"
	for _, src := range []string{
		"[[providers]]\nname = \"a\"\npreset = \"oauth2\"\nclient_secret = \"" + secret + "\"\n", // no token_url
		"[[providers]]\nname = \"a\"\nclient_secret = \"" + secret + "${\"\n",
		"[[providers]]\nname = \"a\"\nclient_secret = \"${" + secret + "-ABCDEFGH}\"\n",
		"[[providers]]\nname = \"a\"\nheaders = { K = \"${S}\" }\ntimeout = \"${S}\"\n",
	} {
		_, err := Parse(strings.NewReader(src), env("S", secret))
		if err == nil {
			t.Fatalf("no error for %q", src)
		}
		if strings.Contains(err.Error(), "XYZZY") {
			t.Errorf("error quotes the secret: %v", err)
		}
	}
}

func TestParseRefusesHugeFiles(t *testing.T) {
	_, err := Parse(strings.NewReader("# "+strings.Repeat("x", MaxFileSize)), nil)
	if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("err = %v", err)
	}
}

// FuzzParse feeds Parse anything: it must not panic, and whatever it
// accepts must export and re-import to the same providers.
func FuzzParse(f *testing.F) {
	f.Add(fullFile)
	f.Add("[[providers]]\nname = \"a\"\npreset = \"oauth2\"\ntoken_url = \"https://a/t\"\nclient_id = \"${A}\"\n")
	f.Add("[[providers]]\nheaders = { \"\" = \"$$\" }\n")
	f.Add("top = 1\n[[providers]]\n[providers.params]\n")
	f.Add(catalogueFile)
	f.Add("[[providers]]\nname = \"s\"\npreset = \"static\"\nstatic_key = \"${K}\"\n")
	f.Fuzz(func(t *testing.T, src string) {
		getenv := func(k string) (string, bool) { return "v-" + k, len(k)%3 != 0 }
		ps, err := Parse(strings.NewReader(src), getenv)
		if err != nil {
			return
		}
		var buf strings.Builder
		if err := Write(&buf, ps); err != nil {
			t.Fatalf("Write of parsed providers: %v", err)
		}
		vars := map[string]string{}
		for _, v := range SecretVars(ps) {
			vars[v.Name] = v.Value.Reveal()
		}
		again, err := Parse(strings.NewReader(buf.String()), func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
		if err != nil {
			t.Fatalf("re-import: %v\n%s", err, buf.String())
		}
		if !reflect.DeepEqual(again, ps) {
			t.Fatalf("round trip changed\n%#v\ninto\n%#v", ps, again)
		}
	})
}

func TestMissingVars(t *testing.T) {
	src := "[[providers]]\nname = \"a\"\nclient_secret = \"${A}${B}\"\nscope = \"${A}\"\n\n[[providers]]\nname = \"b\"\npreset = \"momo\"\nclient_id = \"u\"\nclient_secret = \"${C}\"\nheaders = { Ocp-Apim-Subscription-Key = \"${D}\" }\n"
	_, err := Parse(strings.NewReader(src), env("C", "set"))
	if got, want := MissingVars(err), []string{"A", "B", "D"}; !slices.Equal(got, want) {
		t.Errorf("MissingVars = %q, want %q (error %v)", got, want, err)
	}
	if got := MissingVars(errors.New("other")); got != nil {
		t.Errorf("MissingVars(other) = %q", got)
	}
}
