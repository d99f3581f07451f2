package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// testPublicKey is a 1024-bit RSA public key, base64 DER, as the M-Pesa
// OpenAPI portal shows one (public: made for these tests).
const testPublicKey = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCgL4VOMpmax8osYTTBROpppHRqOrUy+oxsAYV1p1pjIK9P4icp8X2fxRs0ylwT4iirPH25NSUTWt9L7Ot3DqL60ZtWF7rYwguW24HG/" +
	"L7eYjpptWA6cmdT9er/7UWmPqDvmjU63RvTMn8KUw79ZAy8zHbEzqm9OKp51n3MxU+BcQIDAQAB"

// catalogueFile holds the new presets' keys, every secret a variable.
const catalogueFile = `
[[providers]]
name = "vodacom-tz"
preset = "vodacom"
market = "vodacomMOZ"
environment = "production"
api_key = "${VODACOM_KEY}"
public_key = "` + testPublicKey + `"
lifetime = "1h"
origin = "https://shop.example"

[[providers]]
name = "paystack"
preset = "static"
static_key = "${PAYSTACK_KEY}"
try_url = "https://api.paystack.co/balance"

[[providers]]
name = "orange-dev"
preset = "orange"
basic_auth = "${ORANGE_BASIC}"

[[providers]]
name = "momo-ug"
preset = "momo"
environment = "mtnuganda"
client_id = "user"
client_secret = "${MOMO_KEY}"
headers = { Ocp-Apim-Subscription-Key = "${MOMO_SUB}" }
`

func TestCatalogueKeysImportAndExport(t *testing.T) {
	secrets := map[string]string{"VODACOM_KEY": "vk-1", "PAYSTACK_KEY": "sk_test_1",
		"ORANGE_BASIC": "Basic aWQ6c2VjcmV0", "MOMO_KEY": "mk", "MOMO_SUB": "ms"}
	ps, err := Parse(strings.NewReader(catalogueFile), func(k string) (string, bool) { v, ok := secrets[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	v, s, o, m := ps[0], ps[1], ps[2], ps[3]
	if v.TokenURL != "https://openapi.m-pesa.com/openapi/ipg/v2/vodacomMOZ/getSession/" || v.ClientSecret != "vk-1" ||
		v.PublicKey != testPublicKey || v.Lifetime.String() != "1h0m0s" || v.Origin != "https://shop.example" ||
		v.SessionEncryption != providers.EncryptRSAPKCS1 {
		t.Errorf("vodacom = %#v", v)
	}
	if s.ClientSecret != "sk_test_1" || s.TokenMethod != providers.MethodNone || s.TokenURL != "" {
		t.Errorf("static = %#v", s)
	}
	if o.BasicAuth != "Basic aWQ6c2VjcmV0" || o.ClientID != "" {
		t.Errorf("orange = %#v", o)
	}
	if m.TokenURL != "https://proxy.momoapi.mtn.com/collection/token/" || m.TryHeaders["X-Target-Environment"] != "mtnuganda" {
		t.Errorf("momo = %#v", m)
	}

	var buf strings.Builder
	if err := Write(&buf, ps); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		`api_key = "${VODACOM_TZ_API_KEY}"`, `public_key = "` + testPublicKey + `"`, `market = "vodacomMOZ"`,
		`lifetime = "1h0m0s"`, `origin = "https://shop.example"`,
		`static_key = "${PAYSTACK_STATIC_KEY}"`, `basic_auth = "${ORANGE_DEV_BASIC_AUTH}"`,
		`environment = "mtnuganda"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %s:\n%s", want, out)
		}
	}
	// No secret is written, nor a key the preset fills in.
	for _, bad := range []string{"vk-1", "sk_test_1", "aWQ6c2VjcmV0", "session_encryption", "X-Target-Environment",
		"client_secret = \"${VODACOM", "token_method"} {
		if strings.Contains(out, bad) {
			t.Errorf("export holds %q:\n%s", bad, out)
		}
	}
	vars := map[string]string{}
	for _, sv := range SecretVars(ps) {
		vars[sv.Name] = sv.Value.Reveal()
	}
	again, err := Parse(strings.NewReader(out), func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatalf("re-import: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(again, ps) {
		t.Errorf("round trip changed\n%#v\ninto\n%#v", ps, again)
	}
}

func TestCatalogueKeyErrors(t *testing.T) {
	env := func(k string) (string, bool) { return "v", true }
	for _, tc := range []struct{ src, want string }{
		{"[[providers]]\nname = \"v\"\npreset = \"vodacom\"\napi_key = \"k\"\nclient_secret = \"k\"\npublic_key = \"" + testPublicKey + "\"\n",
			`line 4: provider "v": api_key: client_secret and api_key are the same secret: give one`},
		{"[[providers]]\nname = \"v\"\npreset = \"vodacom\"\napi_key = \"k\"\n",
			`provider "v": public_key: session_encryption needs the public key to encrypt to (PEM or base64 DER)`},
		{"[[providers]]\nname = \"v\"\npreset = \"vodacom\"\nmarket = \"vodacomKEN\"\napi_key = \"k\"\n",
			`line 4: provider "v": market: unknown vodacom market "vodacomKEN" (one of vodacomTZN, vodacomDRC, vodacomMOZ, vodafoneGHA, vodacomLES)`},
		{"[[providers]]\nname = \"v\"\npreset = \"vodacom\"\napi_key = \"k\"\npublic_key = \"bm9wZQ==\"\n",
			`line 5: provider "v": public_key: the DER is not an RSA public key (PKIX or PKCS #1)`},
		{"[[providers]]\nname = \"v\"\npreset = \"vodacom\"\napi_key = \"k\"\nlifetime = \"soon\"\n",
			`line 5: provider "v": lifetime: "soon" is not a duration such as 1h or 15m`},
		{"[[providers]]\nname = \"s\"\npreset = \"static\"\nstatic_key = \"k\"\ntoken_url = \"https://x/t\"\n",
			`line 5: provider "s": token_url: a static key has no token endpoint`},
		{"[[providers]]\nname = \"o\"\npreset = \"orange\"\nbasic_auth = \"not base64!\"\n",
			`line 4: provider "o": basic_auth: not a Basic header value`},
		{"[[providers]]\nname = \"m\"\npreset = \"momo\"\nenvironment = \"live\"\nclient_id = \"u\"\n",
			`line 4: provider "m": environment: unknown momo environment "live" (one of sandbox, mtn…)`},
	} {
		_, err := Parse(strings.NewReader(tc.src), env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.src, err, tc.want)
		}
	}
}
