package config

import (
	"bytes"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// exportable is a set of providers with a secret everywhere one can be, each
// distinctive enough to be grepped for, and the awkward cases: names that
// collide as variables, "$" in secrets and in plain values, odd header names.
func exportable(t *testing.T) []providers.Provider {
	t.Helper()
	return []providers.Provider{
		mustApply(t, providers.Provider{
			Name: "idp", Preset: "oauth2", TokenURL: "https://idp.example.com/token",
			Grant: providers.GrantPassword, GrantIn: providers.GrantInQuery, ClientAuth: providers.AuthBody,
			ClientID: "cli", ClientSecret: "SECRET-client-a+b/c:d%e&f=g", Username: "alice", Password: "SECRET-pa$$-${HOME}",
			Scope: "openid", LogoutURL: "https://idp.example.com/logout", LogoutMethod: "GET",
			RevocationURL: "https://idp.example.com/revoke", JWKSURL: "https://idp.example.com/jwks",
			TryURL: "https://api.example.com/me", TryMethod: "POST", TryBody: "{\"cost\": \"$5\", \"s\": \"${X}\"}\nline2",
			Insecure: true, Timeout: 90 * time.Second,
			Headers: map[string]providers.Secret{"X-Api-Key": "SECRET-header-1", "X.Dotted-Name": "SECRET-header-2", "X-Empty": ""},
			Params:  map[string]string{"audience": "https://api.example.com", "odd key": "$$"},
		}),
		mustApply(t, providers.Provider{
			Name: "momo-sandbox", Preset: "momo", Product: "remittance", ClientID: "api-user",
			ClientSecret: "SECRET-momo-api-key", Headers: map[string]providers.Secret{"Ocp-Apim-Subscription-Key": "SECRET-sub-key"},
		}),
		mustApply(t, providers.Provider{
			Name: "momo_sandbox", Preset: "oauth2", TokenURL: "http://127.0.0.1:8080/token", ClientID: "x",
			ClientSecret: "SECRET-collides",
		}),
		mustApply(t, providers.Provider{Name: "9lives", Preset: "oauth2", TokenURL: "https://n.example/t", ClientID: "n", ClientSecret: "SECRET-nine"}),
		mustApply(t, providers.Provider{Name: "public", Preset: "oauth2", TokenURL: "https://p.example/t", ClientID: "p"}),
		mustApply(t, providers.Provider{Name: "spa", Preset: "oauth2", Grant: providers.GrantAuthorizationCode,
			AuthorizationURL: "https://p.example/authorize", TokenURL: "https://p.example/t", ClientAuth: providers.AuthNone,
			ClientID: "spa-client", RedirectURI: "http://127.0.0.1:8400/cb", PKCE: providers.PKCEOff,
			Params: map[string]string{"prompt": "login"}}),
	}
}

func secretsOf(ps []providers.Provider) []string {
	var out []string
	for _, p := range ps {
		for _, s := range []providers.Secret{p.ClientSecret, p.Password} {
			if s != "" {
				out = append(out, s.Reveal())
			}
		}
		for _, h := range p.Headers {
			if h != "" {
				out = append(out, h.Reveal())
			}
		}
	}
	return out
}

func TestWriteRoundTrip(t *testing.T) {
	ps := exportable(t)
	var buf bytes.Buffer
	if err := Write(&buf, ps); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, v := range SecretVars(ps) {
		vars[v.Name] = v.Value.Reveal()
	}
	got, err := Parse(bytes.NewReader(buf.Bytes()), func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatalf("re-import: %v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(got, ps) {
		t.Errorf("round trip changed the providers:\n got %#v\nwant %#v\nfile:\n%s", got, ps, buf.String())
	}
	// Without the variables the import fails, naming the first one missing.
	if _, err := Parse(bytes.NewReader(buf.Bytes()), nil); err == nil || !strings.Contains(err.Error(), "IDP_CLIENT_SECRET is not set") {
		t.Errorf("import without the environment: %v", err)
	}
}

func TestWriteNeverWritesASecret(t *testing.T) {
	ps := exportable(t)
	var buf bytes.Buffer
	if err := Write(&buf, ps); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	secrets := secretsOf(ps)
	if len(secrets) != 8 {
		t.Fatalf("test data has %d secrets, want 8", len(secrets))
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("the export contains the secret %q:\n%s", s, out)
		}
	}
	if strings.Contains(out, "SECRET-") {
		t.Errorf("the export contains part of a secret:\n%s", out)
	}
}

func TestSecretVarNames(t *testing.T) {
	var names []string
	for _, v := range SecretVars(exportable(t)) {
		names = append(names, v.Provider+" "+v.Field+" "+v.Name)
	}
	want := []string{
		"idp client_secret IDP_CLIENT_SECRET",
		"idp password IDP_PASSWORD",
		"idp headers.X-Api-Key IDP_HEADER_X_API_KEY",
		"idp headers.X.Dotted-Name IDP_HEADER_X_DOTTED_NAME",
		"momo-sandbox client_secret MOMO_SANDBOX_CLIENT_SECRET",
		"momo-sandbox headers.Ocp-Apim-Subscription-Key MOMO_SANDBOX_HEADER_OCP_APIM_SUBSCRIPTION_KEY",
		"momo_sandbox client_secret MOMO_SANDBOX_CLIENT_SECRET_2",
		"9lives client_secret _9LIVES_CLIENT_SECRET",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("SecretVars =\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
}

func TestWriteLayout(t *testing.T) {
	ps := exportable(t)
	var buf bytes.Buffer
	if err := Write(&buf, ps); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, w := range []string{
		"#   IDP_CLIENT_SECRET (idp client_secret)\n",
		`client_secret = "${IDP_CLIENT_SECRET}"`,
		`password = "${IDP_PASSWORD}"`,
		`X-Api-Key = "${IDP_HEADER_X_API_KEY}"`,
		`"X.Dotted-Name" = "${IDP_HEADER_X_DOTTED_NAME}"`,
		`X-Empty = ""`,
		`"odd key" = "$$$$"`,
		`timeout = "1m30s"`,
		`insecure = true`,
		`product = "remittance"`,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("export lacks %q:\n%s", w, out)
		}
	}
	// Each table's keys come in the documented order, name and preset first.
	order := []string{"name", "preset", "product", "token_url", "grant_type", "grant_in", "client_auth", "client_id",
		"client_secret", "username", "password", "scope", "logout_url", "logout_method", "revocation_url", "jwks_url",
		"try_url", "try_method", "try_body", "insecure", "timeout", "authorization_url", "redirect_uri", "pkce"}
	rank := map[string]int{}
	for i, k := range order {
		rank[k] = i
	}
	key := regexp.MustCompile(`^([a-z_]+) = `)
	for _, table := range strings.Split(out, "[[providers]]\n")[1:] {
		last := -1
		var keys []string
		for _, line := range strings.Split(table, "\n") {
			if strings.HasPrefix(line, "[") {
				break
			}
			if m := key.FindStringSubmatch(line); m != nil {
				keys = append(keys, m[1])
				if rank[m[1]] <= last {
					t.Errorf("key %s out of order in\n%s", m[1], table)
				}
				last = rank[m[1]]
			}
		}
		if len(keys) < 3 || keys[0] != "name" || keys[1] != "preset" {
			t.Errorf("table starts with %v, want name, preset", keys)
		}
	}
	// Deterministic: the same providers give the same bytes.
	var again bytes.Buffer
	if err := Write(&again, ps); err != nil || again.String() != out {
		t.Errorf("a second export differs (err %v)", err)
	}
}

func TestWriteLeavesOutWhatThePresetFillsIn(t *testing.T) {
	p := mustApply(t, providers.Provider{Name: "m", Preset: "momo", Product: "collection", ClientID: "u"})
	var buf bytes.Buffer
	if err := Write(&buf, []providers.Provider{p}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, k := range []string{"grant_type", "grant_in", "client_auth"} {
		if strings.Contains(out, k+" =") {
			t.Errorf("export repeats the preset's %s:\n%s", k, out)
		}
	}
	if !strings.Contains(out, "token_url = ") {
		t.Errorf("export lacks token_url:\n%s", out)
	}
	// MoMo's subscription-key header is in the preset with no value: it is
	// written empty, never as a variable nobody set.
	if !strings.Contains(out, `Ocp-Apim-Subscription-Key = ""`) || strings.Contains(out, "${") {
		t.Errorf("export of an empty header:\n%s", out)
	}
}

func TestWriteTelenorKeepsOnlyWhatTheUserSet(t *testing.T) {
	p := mustApply(t, providers.Provider{Name: "telenor", Preset: "telenor", ClientID: "c", ClientSecret: "SECRET-t",
		Username: "bedrift-api", Password: "SECRET-p", Scope: "subscriptions"})
	var buf bytes.Buffer
	if err := Write(&buf, []providers.Provider{p}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, k := range []string{"logout_url", "logout_method", "grant_type", "client_auth"} {
		if strings.Contains(out, k+" =") {
			t.Errorf("export repeats the preset's %s:\n%s", k, out)
		}
	}
	for _, w := range []string{`token_url = "https://api.telenor.no/oauth/v2/token"`, `username = "bedrift-api"`,
		`password = "${TELENOR_PASSWORD}"`, `scope = "subscriptions"`} {
		if !strings.Contains(out, w) {
			t.Errorf("export lacks %s:\n%s", w, out)
		}
	}
}

func TestWriteRefusesAStoredPasswordInAURL(t *testing.T) {
	p := providers.Provider{Name: "old", Preset: "oauth2", TokenURL: "https://u:hunter2@idp.example/token",
		Grant: providers.GrantClientCredentials, ClientAuth: providers.AuthBasic, ClientID: "c"}
	var buf bytes.Buffer
	err := Write(&buf, []providers.Provider{p})
	if !errors.Is(err, providers.ErrUserinfo) {
		t.Fatalf("Write = %v, want ErrUserinfo", err)
	}
	if strings.Contains(buf.String()+err.Error(), "hunter2") {
		t.Errorf("the password shows: %q, %v", buf.String(), err)
	}
}

func TestWriteIntroShowsNamesSafely(t *testing.T) {
	// A name stored before names were checked: it must not end the
	// comment line nor reach the terminal raw.
	p := providers.Provider{Name: "x\nevil = 1\x1b[2J", Preset: "oauth2", TokenURL: "https://idp.example/token",
		Grant: providers.GrantClientCredentials, ClientAuth: providers.AuthBasic, ClientID: "c", ClientSecret: "s"}
	var buf bytes.Buffer
	if err := Write(&buf, []providers.Provider{p}); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(line, "evil") || strings.ContainsRune(line, 0x1b) {
			t.Errorf("raw name in the export: %q", line)
		}
	}
}
