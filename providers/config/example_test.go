package config

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// The example in testdata/example.toml is the one the README shows: it
// must import, and the README must show it as it is.
func TestExampleFileImports(t *testing.T) {
	data, err := os.ReadFile("testdata/example.toml")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, v := range []string{"MTN_CLIENT_SECRET", "MOMO_API_USER", "MOMO_API_KEY", "MOMO_DISBURSEMENT_KEY",
		"MOBIFINANCE_CLIENT_SECRET", "TELENOR_CLIENT_SECRET", "TELENOR_PASSWORD", "MOBILEDIGITAL_CLIENT_ID",
		"MOBILEDIGITAL_CLIENT_SECRET", "AUTH0_CLIENT_SECRET", "VODACOM_API_KEY", "PAYSTACK_SECRET_KEY", "ORANGE_AUTHORIZATION"} {
		vars[v] = "value-of-" + v
	}
	vars["ORANGE_AUTHORIZATION"] = "Basic aWQ6c2VjcmV0" // the portal's header is base64 of id:secret
	getenv := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	ps, err := Parse(bytes.NewReader(data), getenv)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]providers.Provider{}
	for _, p := range ps {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		byName[p.Name] = p
	}
	if len(byName) != 9 {
		t.Fatalf("%d providers, want 9: %v", len(byName), byName)
	}
	if v := byName["vodacom-tz"]; v.TokenURL != "https://openapi.m-pesa.com/sandbox/ipg/v2/vodacomTZN/getSession/" ||
		v.ClientSecret.Reveal() != "value-of-VODACOM_API_KEY" || v.Lifetime.String() != "1h0m0s" || v.PublicKey == "" {
		t.Errorf("vodacom-tz = %#v", v)
	}
	if s := byName["paystack"]; s.TokenMethod != providers.MethodNone || s.ClientSecret.Reveal() != "value-of-PAYSTACK_SECRET_KEY" {
		t.Errorf("paystack = %#v", s)
	}
	momo := byName["momo-disbursement"]
	if !strings.Contains(momo.TokenURL, "/disbursement/token/") ||
		momo.Headers["Ocp-Apim-Subscription-Key"].Reveal() != "value-of-MOMO_DISBURSEMENT_KEY" ||
		momo.ClientSecret.Reveal() != "value-of-MOMO_API_KEY" {
		t.Errorf("momo-disbursement = %#v", momo)
	}
	if tn := byName["telenor-order"]; tn.Grant != providers.GrantPassword || tn.Password.Reveal() != "value-of-TELENOR_PASSWORD" ||
		tn.LogoutMethod != "GET" {
		t.Errorf("telenor-order = %#v", tn)
	}
	if a := byName["auth0-api"]; a.ClientAuth != providers.AuthBody || a.Params["audience"] != "https://api.example.com" ||
		a.Timeout.String() != "10s" || a.JWKSURL == "" || a.RevocationURL == "" {
		t.Errorf("auth0-api = %#v", a)
	}
	if sms := byName["sms"]; sms.TryMethod != "POST" || !strings.HasPrefix(sms.TryBody, `{"recipient"`) {
		t.Errorf("sms = %#v", sms)
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte("```toml\n"+string(data)+"```\n")) {
		t.Error("README.md does not show providers/config/testdata/example.toml as it is, in a ```toml block")
	}
}
