package oauth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// sessionKey is one market key for every test here: generating one is slow.
var sessionKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	return k
})

const (
	vodacomKey     = "api-key-7c2e"
	vodacomSession = "0123456789abcdef0123456789abcdef"
)

// openAPI answers getSession as the M-Pesa OpenAPI does: it decrypts the
// Bearer with the market's private key (PKCS #1 v1.5) and refuses a
// missing Origin, a raw key or a wrong one.
func openAPI(w http.ResponseWriter, r *http.Request) {
	bad := func(status int, code string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"output_ResponseCode": code, "output_ResponseDesc": "refused " + code})
	}
	if r.Method != http.MethodGet || r.Header.Get("Origin") == "" {
		bad(400, "INS-996")
		return
	}
	v, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	c, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		bad(401, "INS-2001")
		return
	}
	//lint:ignore SA1019 the dialect under test
	key, err := rsa.DecryptPKCS1v15(nil, sessionKey(), c)
	if err != nil || string(key) != vodacomKey {
		bad(401, "INS-2001")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"output_ResponseCode":"INS-0","output_ResponseDesc":"Request processed successfully","output_SessionID":"` +
		vodacomSession + `"}`))
}

func vodacomProvider(t *testing.T, url string) providers.Provider {
	t.Helper()
	der, _ := x509.MarshalPKIXPublicKey(&sessionKey().PublicKey)
	p, err := providers.ApplyPreset(providers.Provider{Name: "vodacom-tz", Preset: "vodacom", TokenURL: url + "/getSession/",
		ClientSecret: vodacomKey, PublicKey: base64.StdEncoding.EncodeToString(der), Lifetime: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVodacomSessionAndDerivedBearer(t *testing.T) {
	srv := serve(t, openAPI, answer(200, `{"output_ResponseCode":"INS-0"}`), openAPI)
	p := vodacomProvider(t, srv.URL())
	p.TryURL = srv.URL() + "/queryTransactionStatus/"
	var trace bytes.Buffer
	c := NewClient(Options{Now: func() time.Time { return fixedNow }, Trace: &trace})
	tok, err := c.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken.Reveal() != vodacomSession || tok.ExpirySource != providers.ExpiryFromLifetime ||
		!tok.ExpiresAt.Equal(fixedNow.Add(time.Hour)) {
		t.Errorf("token %q, expiry %s from %s", tok.AccessToken.Reveal(), tok.ExpiresAt, tok.ExpirySource)
	}
	c2, err := base64.StdEncoding.DecodeString(tok.Bearer.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 the dialect under test
	if s, err := rsa.DecryptPKCS1v15(nil, sessionKey(), c2); err != nil || string(s) != vodacomSession {
		t.Errorf("the bearer decrypts to %q, %v", s, err)
	}
	if _, err := c.Try(context.Background(), p, tok); err != nil {
		t.Fatal(err)
	}
	got := srv.got()
	if got[1].Header.Get("Authorization") != "Bearer "+tok.Bearer.Reveal() || got[1].Header.Get("Origin") != "*" {
		t.Errorf("the try request presents %v", got[1].Header)
	}
	// The trace shows neither the key, nor the session, nor either bearer.
	for _, s := range []string{vodacomKey, vodacomSession, tok.Bearer.Reveal(), strings.TrimPrefix(got[0].Header.Get("Authorization"), "Bearer ")} {
		if strings.Contains(trace.String(), s) {
			t.Errorf("the trace shows %q:\n%s", s, trace.String())
		}
	}
	if !strings.Contains(trace.String(), "> Origin: *") {
		t.Errorf("the trace lacks the Origin header:\n%s", trace.String())
	}
	// The same key sent unencrypted is refused, in the server's words.
	p.SessionEncryption, p.PublicKey = "", ""
	_, err = c.Fetch(context.Background(), p)
	var e *Error
	if !errors.As(err, &e) || e.Status != 401 || e.Code != "INS-2001" || strings.Contains(err.Error(), vodacomKey) {
		t.Errorf("an unencrypted key: %v", err)
	}
}

func TestSessionCurlCommands(t *testing.T) {
	p := vodacomProvider(t, "https://openapi.m-pesa.com/sandbox/ipg/v2/vodacomTZN")
	cmd := CurlCommand(p)
	for _, want := range []string{
		"# the Bearer is the API key encrypted to public_key (RSA PKCS #1 v1.5), base64; public_key.pem holds public_key as PEM\n" +
			`ENCRYPTED_API_KEY=$(printf %s "$API_KEY" | openssl pkeyutl -encrypt -pubin -inkey public_key.pem | base64 -w0)` + "\n",
		"curl -sS https://openapi.m-pesa.com/sandbox/ipg/v2/vodacomTZN/getSession/ \\\n",
		"-H 'Origin: *'", `-H "Authorization: Bearer $ENCRYPTED_API_KEY"`,
	} {
		if !strings.Contains(cmd, want) {
			t.Errorf("vodacom curl lacks %q:\n%s", want, cmd)
		}
	}
	if strings.Contains(cmd, vodacomKey) || strings.Contains(cmd, "--data") {
		t.Errorf("vodacom curl:\n%s", cmd)
	}
	s, _ := providers.ApplyPreset(providers.Provider{Name: "paystack", Preset: "static", ClientSecret: "sk_test_1",
		TryURL: "https://api.paystack.co/balance"})
	if got, want := CurlCommand(s), "# paystack has no token request: its static key is the token\n"+
		"curl -sS https://api.paystack.co/balance \\\n  -H 'Accept: application/json, */*;q=0.8' \\\n"+
		`  -H "Authorization: Bearer $CLIENT_SECRET"`; got != want {
		t.Errorf("static curl =\n%s\nwant\n%s", got, want)
	}
	o, _ := providers.ApplyPreset(providers.Provider{Name: "orange", Preset: "orange",
		BasicAuth: providers.Secret("Basic " + base64.StdEncoding.EncodeToString([]byte("id:secret")))})
	if got := CurlCommand(o); !strings.Contains(got, `-H "Authorization: Basic $BASIC_AUTH"`) || strings.Contains(got, "-u ") ||
		strings.Contains(got, "aWQ6c2VjcmV0") {
		t.Errorf("orange curl:\n%s", got)
	}
}

func TestStaticKeySendsNothing(t *testing.T) {
	srv := serve(t, answer(200, `{"status":true}`))
	p, _ := providers.ApplyPreset(providers.Provider{Name: "wave", Preset: "static", ClientSecret: "wave_sn_prod_x1",
		TryURL: srv.URL() + "/v1/balance"})
	c := testClient(nil)
	tok, err := c.Fetch(context.Background(), p)
	if err != nil || tok.AccessToken.Reveal() != "wave_sn_prod_x1" || tok.ExpirySource != providers.ExpiryNever || tok.TokenType != "Bearer" {
		t.Fatalf("%+v, %v", tok, err)
	}
	if len(srv.got()) != 0 {
		t.Fatal("a static key's fetch sent a request")
	}
	if _, err := c.Try(context.Background(), p, tok); err != nil {
		t.Fatal(err)
	}
	if h := srv.got()[0].Header.Get("Authorization"); h != "Bearer wave_sn_prod_x1" {
		t.Errorf("Authorization %q", h)
	}
}
