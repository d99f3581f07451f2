package form

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

func TestVodacomRows(t *testing.T) {
	t.Parallel()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	m := choose(t, newForm(Options{}), "preset", "vodacom")
	for _, label := range []string{"Environment", "Market", "API key", "Public key", "Lifetime", "Origin"} {
		if !shown(m, label) {
			t.Fatalf("vodacom does not show %q:\n%s", label, view(m))
		}
	}
	if shown(m, "Client ID") || shown(m, "Product") || shown(m, "Basic header") {
		t.Fatalf("vodacom shows a row it has no use for:\n%s", view(m))
	}
	m = choose(t, m, "market", "vodafoneGHA")
	m = choose(t, m, "environment", "production")
	if got := line(t, m, "Token URL"); !strings.HasSuffix(got, "https://openapi.m-pesa.com/openapi/ipg/v2/vodafoneGHA/getSession/") {
		t.Fatalf("the token URL does not follow market and environment: %q", got)
	}
	m = typeInto(t, m, "name", "vodacom-gh")
	m = typeInto(t, m, "client_secret", "the-api-key")
	m = typeInto(t, m, "public_key", base64.StdEncoding.EncodeToString(der))
	m = typeInto(t, m, "lifetime", "1h")
	_, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok {
		t.Fatalf("not submitted:\n%s", view(m))
	}
	p := sub.Provider
	if p.Market != "vodafoneGHA" || p.Environment != "production" || p.ClientSecret != "the-api-key" || p.Lifetime != time.Hour ||
		p.SessionEncryption != providers.EncryptRSAPKCS1 || p.Origin != "*" || p.ClientID != "" {
		t.Errorf("submitted %#v", p)
	}
}

func TestVodacomRefusesABadPublicKeyAtItsRow(t *testing.T) {
	t.Parallel()
	m := choose(t, newForm(Options{}), "preset", "vodacom")
	m = typeInto(t, m, "name", "v")
	m = typeInto(t, m, "client_secret", "k")
	m = typeInto(t, m, "public_key", "not-a-key!")
	m, msg := submit(t, m)
	if msg != nil {
		t.Fatal("saved with a bad public key")
	}
	assertErrorUnder(t, m, "Public key", "✗ neither PEM nor base64 DER")
}

func TestStaticRows(t *testing.T) {
	t.Parallel()
	m := choose(t, newForm(Options{}), "preset", "static")
	for _, label := range []string{"Token URL", "Client ID", "Grant", "Client auth", "Scope"} {
		if shown(m, label) {
			t.Fatalf("static shows %q:\n%s", label, view(m))
		}
	}
	m = typeInto(t, m, "name", "paystack")
	m = typeInto(t, m, "client_secret", "sk_test_abc")
	m = typeInto(t, m, "try_url", "https://api.paystack.co/balance")
	_, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok {
		t.Fatalf("not submitted:\n%s", view(m))
	}
	if p := sub.Provider; p.TokenMethod != providers.MethodNone || p.TokenURL != "" || p.ClientSecret != "sk_test_abc" {
		t.Errorf("submitted %#v", p)
	}
	if !strings.Contains(view(choose(t, newForm(Options{}), "preset", "static")), "Static key") {
		t.Error("the key's row is not called Static key")
	}
}

func TestOrangeTakesTheReadyMadeHeader(t *testing.T) {
	t.Parallel()
	m := choose(t, newForm(Options{}), "preset", "orange")
	if !shown(m, "Basic header") {
		t.Fatalf("orange does not offer the Basic header row:\n%s", view(m))
	}
	m = typeInto(t, m, "name", "orange-dev")
	m = typeInto(t, m, "basic_auth", "Basic "+base64.StdEncoding.EncodeToString([]byte("id:secret")))
	_, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok || sub.Provider.BasicAuth == "" || sub.Provider.ClientID != "" {
		t.Fatalf("not submitted (%#v):\n%s", msg, view(m))
	}
	if shown(choose(t, newForm(Options{}), "preset", "mtn"), "Basic header") {
		t.Error("mtn offers a Basic header row")
	}
}
