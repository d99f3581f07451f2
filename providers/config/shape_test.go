package config

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

const shapedFile = `
[[providers]]
name = "daraja-like"
preset = "oauth2"
token_url = "https://sandbox.example/oauth/v1/generate?grant_type=client_credentials"
token_method = "get"
client_id = "key"
client_secret = "${DARAJA_SECRET}"

[[providers]]
name = "airtel-like"
preset = "oauth2"
token_url = "https://uat.example/auth/oauth2/token"
body = "json"
client_auth = "body"
client_id = "id"
client_secret = "${AIRTEL_SECRET}"

[[providers]]
name = "at-like"
preset = "oauth2"
token_url = "https://at.example/auth-token/generate"
token_field = "token"
expires_field = "lifetimeInSeconds"
expires_unit = "minutes"
client_id = "sandbox"
`

func TestParseAndWriteShapes(t *testing.T) {
	getenv := env("DARAJA_SECRET", "SECRET-daraja", "AIRTEL_SECRET", "SECRET-airtel")
	ps, err := Parse(strings.NewReader(shapedFile), getenv)
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].TokenMethod != providers.MethodGET || ps[1].Body != providers.BodyJSON ||
		ps[2].Fields() != (providers.ResponseFields{Token: "token", Expires: "lifetimeInSeconds", Unit: providers.UnitMinutes}) {
		t.Fatalf("parsed %+v", ps)
	}
	var buf bytes.Buffer
	if err := Write(&buf, ps); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`token_method = "GET"`, `body = "json"`, `token_field = "token"`,
		`expires_field = "lifetimeInSeconds"`, `expires_unit = "minutes"`, `client_secret = "${DARAJA_LIKE_CLIENT_SECRET}"`,
		`client_secret = "${AIRTEL_LIKE_CLIENT_SECRET}"`} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "SECRET-") {
		t.Errorf("export holds a secret:\n%s", out)
	}
	again, err := Parse(strings.NewReader(out), env("DARAJA_LIKE_CLIENT_SECRET", "SECRET-daraja", "AIRTEL_LIKE_CLIENT_SECRET", "SECRET-airtel"))
	if err != nil {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(again, ps) {
		t.Errorf("round trip changed the providers:\n got %#v\nwant %#v", again, ps)
	}
}

func TestParseRefusesBadShapes(t *testing.T) {
	for _, tc := range []struct{ line, want string }{
		{`token_method = "PUT"`, `line 6: provider "p": token_method: unknown token method "PUT" (POST, GET or none)`},
		{`body = "xml"`, `line 6: provider "p": body: unknown body "xml" (form or json)`},
		{`expires_unit = "days"`, `line 6: provider "p": expires_unit: unknown unit "days"`},
		{`token_field = "a b"`, `line 6: provider "p": token_field: a member name holds no space`},
	} {
		src := "[[providers]]\nname = \"p\"\npreset = \"oauth2\"\ntoken_url = \"https://a.example/t\"\nclient_id = \"c\"\n" + tc.line + "\n"
		_, err := Parse(strings.NewReader(src), nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %s", tc.line, err, tc.want)
		}
	}
}

func TestEnvironmentImportsAndExports(t *testing.T) {
	src := "[[providers]]\nname = \"m\"\npreset = \"mpesa\"\nenvironment = \"production\"\nclient_id = \"k\"\nclient_secret = \"${S}\"\n"
	ps, err := Parse(strings.NewReader(src), env("S", "SECRET-m"))
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].TokenURL != "https://api.safaricom.co.ke/oauth/v1/generate?grant_type=client_credentials" || ps[0].TokenMethod != providers.MethodGET {
		t.Errorf("parsed %+v", ps[0])
	}
	var buf bytes.Buffer
	if err := Write(&buf, ps); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, `environment = "production"`) || strings.Contains(out, "token_method") || strings.Contains(out, "SECRET-m") {
		t.Errorf("export:\n%s", out)
	}
	again, err := Parse(strings.NewReader(out), env("M_CLIENT_SECRET", "SECRET-m"))
	if err != nil || !reflect.DeepEqual(again, ps) {
		t.Errorf("round trip: %v\n%s", err, out)
	}
	_, err = Parse(strings.NewReader(strings.Replace(src, "production", "live", 1)), env("S", "x"))
	if err == nil || !strings.Contains(err.Error(), `line 4: provider "m": environment: unknown mpesa environment "live" (one of sandbox, production)`) {
		t.Errorf("unknown environment: %v", err)
	}
}

func TestTryHeadersImportAndExport(t *testing.T) {
	src := "[[providers]]\nname = \"m\"\npreset = \"oauth2\"\ntoken_url = \"https://a.example/t\"\nclient_id = \"c\"\n" +
		"try_url = \"https://a.example/api\"\ntry_headers = { \"X-Target-Environment\" = \"mtnuganda\", \"X-Cost\" = \"$$5\" }\n"
	ps, err := Parse(strings.NewReader(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].TryHeaders["X-Target-Environment"] != "mtnuganda" || ps[0].TryHeaders["X-Cost"] != "$5" {
		t.Fatalf("try headers %v", ps[0].TryHeaders)
	}
	var buf bytes.Buffer
	if err := Write(&buf, ps); err != nil {
		t.Fatal(err)
	}
	again, err := Parse(strings.NewReader(buf.String()), nil)
	if err != nil || !reflect.DeepEqual(again, ps) {
		t.Errorf("round trip: %v\n%s", err, buf.String())
	}
	_, err = Parse(strings.NewReader(strings.Replace(src, "X-Cost", "Authorization", 1)), nil)
	if err == nil || !strings.Contains(err.Error(), `try_headers.Authorization: Authorization is set by tokenscope, not as a try header`) {
		t.Errorf("Authorization as a try header: %v", err)
	}
}
