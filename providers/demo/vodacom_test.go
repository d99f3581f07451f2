package demo

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

func TestVodacomWire(t *testing.T) {
	f := newFixture(t)
	p := f.demoProvider(t, "vodacom-tz")
	tok, err := f.client.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	got := f.wire.one(t)
	checkWire(t, got, expect{
		method: "GET", path: "/vodacom/sandbox/ipg/v2/vodacomTZN/getSession/",
		header: map[string]string{"Origin": "*", "Content-Type": ""},
	})
	// The Bearer is the API key encrypted to the market's key: the
	// server's private key gives the key back, and the raw key is nowhere.
	if key := decryptBearer(t, f.srv, got.Header.Get("Authorization")); key != vodacomAPIKey {
		t.Errorf("the Bearer decrypts to %q", key)
	}
	if strings.Contains(got.Header.Get("Authorization"), vodacomAPIKey) || len(got.Body) != 0 || got.RawQuery != "" {
		t.Errorf("the request shows the key or carries more: %v %q %q", got.Header, got.Body, got.RawQuery)
	}
	// The session is the token; its lifetime is the provider's setting.
	if len(tok.AccessToken) != 32 || tok.ExpirySource != providers.ExpiryFromLifetime {
		t.Errorf("session %d chars, expiry from %s", len(tok.AccessToken), tok.ExpirySource)
	}
	if d, _ := tok.Remaining(f.clock.Now()); d != p.Lifetime {
		t.Errorf("remaining %v, want the lifetime setting %v", d, p.Lifetime)
	}
	// What is presented is the session encrypted to the same key.
	if !tok.Derived() || decryptBearer(t, f.srv, "Bearer "+tok.Presented().Reveal()) != tok.AccessToken.Reveal() {
		t.Error("the presented bearer is not the session encrypted to the public key")
	}
	res, err := f.client.Try(context.Background(), p, tok)
	if err != nil || res.Status != 200 {
		t.Fatalf("try = %+v, %v", res, err)
	}
	tried := f.wire.one(t)
	if tried.Header.Get("Origin") != "*" || decryptBearer(t, f.srv, tried.Header.Get("Authorization")) != tok.AccessToken.Reveal() {
		t.Errorf("the try request: %v", tried.Header)
	}
}

func TestVodacomRefusesWhatTheOpenAPIRefuses(t *testing.T) {
	f := newFixture(t)
	path := "/vodacom/sandbox/ipg/v2/vodacomTZN/getSession/"
	pub := &f.srv.vodacom.PublicKey
	enc := func(s string) string {
		//lint:ignore SA1019 the dialect under test
		c, err := rsa.EncryptPKCS1v15(rand.Reader, pub, []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + base64.StdEncoding.EncodeToString(c)
	}
	oaep, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, []byte(vodacomAPIKey), nil)
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]string{"Authorization": enc(vodacomAPIKey), "Origin": "*"}
	for _, tc := range []struct {
		name, method, path string
		header             map[string]string
		status             int
		code               string
	}{
		{"the right key", "GET", path, good, 200, "INS-0"},
		{"a POST", "POST", path, good, 405, "INS-995"},
		{"no Origin", "GET", path, map[string]string{"Authorization": good["Authorization"]}, 400, "INS-996"},
		{"an unknown market", "GET", "/vodacom/sandbox/ipg/v2/vodacomXYZ/getSession/", good, 400, "INS-998"},
		{"the key unencrypted", "GET", path, map[string]string{"Authorization": "Bearer " + vodacomAPIKey, "Origin": "*"}, 401, "INS-2001"},
		{"the key base64 but not encrypted", "GET", path, map[string]string{"Origin": "*",
			"Authorization": "Bearer " + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, pub.Size()))}, 401, "INS-2001"},
		{"OAEP padding", "GET", path, map[string]string{"Origin": "*",
			"Authorization": "Bearer " + base64.StdEncoding.EncodeToString(oaep)}, 401, "INS-2001"},
		{"another key", "GET", path, map[string]string{"Authorization": enc("not-the-key"), "Origin": "*"}, 401, "INS-2001"},
	} {
		got := f.send(t, tc.method, tc.path, tc.header, "")
		var body struct{ Output_ResponseCode string }
		if err := json.Unmarshal([]byte(got.body), &body); err != nil || got.status != tc.status || body.Output_ResponseCode != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, got.status, got.body, tc.status, tc.code)
		}
	}
	// An API call presenting the raw session is refused: it must be
	// encrypted too.
	f.wire.take()
	p := f.demoProvider(t, "vodacom-tz")
	tok, err := f.client.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	raw := *tok
	raw.Bearer = ""
	if res, err := f.client.Try(context.Background(), p, &raw); err != nil || res.Status != 401 {
		t.Errorf("the raw session on an API call: %+v, %v", res, err)
	}
	f.wire.take()
}

func TestVodacomWrongKeyIsShownInTheServersWords(t *testing.T) {
	f := newFixture(t)
	p := f.demoProvider(t, "vodacom-tz")
	p.ClientSecret = "not-the-api-key"
	_, err := f.client.Fetch(context.Background(), p)
	e := engineError(t, err)
	if e.Status != 401 || e.Code != "INS-2001" || !strings.Contains(e.Hint, "public key") {
		t.Errorf("error %v, hint %q", e, e.Hint)
	}
	noSecret(t, e.Error(), "not-the-api-key")
	f.wire.take()
}

func TestVodacomPreset(t *testing.T) {
	p, err := providers.ApplyPreset(providers.Provider{Name: "v", Preset: "vodacom", Market: "vodafonegha", Environment: "production"})
	if err != nil {
		t.Fatal(err)
	}
	if p.TokenURL != "https://openapi.m-pesa.com/openapi/ipg/v2/vodafoneGHA/getSession/" || p.Market != "vodafoneGHA" ||
		p.Origin != "*" || p.TokenField != "output_SessionID" || p.ClientAuth != providers.AuthBearer {
		t.Errorf("%+v", p)
	}
	d, _ := providers.ApplyPreset(providers.Provider{Name: "v", Preset: "vodacom"})
	if d.TokenURL != "https://openapi.m-pesa.com/sandbox/ipg/v2/vodacomTZN/getSession/" {
		t.Errorf("default token_url %q", d.TokenURL)
	}
	if _, err := providers.ApplyPreset(providers.Provider{Name: "v", Preset: "vodacom", Market: "vodacomKEN"}); err == nil ||
		!strings.Contains(err.Error(), "unknown vodacom market") {
		t.Errorf("an unknown market: %v", err)
	}
}

func TestStaticKeyWire(t *testing.T) {
	f := newFixture(t)
	p := f.demoProvider(t, "paystack-static")
	tok, err := f.client.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.wire.take(); len(got) != 0 {
		t.Errorf("a static key's fetch sent %v", paths(got))
	}
	if tok.AccessToken.Reveal() != staticKey || tok.ExpirySource != providers.ExpiryNever || tok.ValidFor(f.clock.Now().Add(1000*time.Hour), 0) == false {
		t.Errorf("token %+v", tok)
	}
	again, err := f.client.Refresh(context.Background(), p, tok)
	if err != nil || again.AccessToken != tok.AccessToken || len(f.wire.take()) != 0 {
		t.Errorf("refresh: %+v, %v", again, err)
	}
	res, err := f.client.Try(context.Background(), p, tok)
	if err != nil || res.Status != 200 {
		t.Fatalf("try = %+v, %v", res, err)
	}
	checkWire(t, f.wire.one(t), expect{method: "GET", path: "/static/balance",
		header: map[string]string{"Authorization": "Bearer " + staticKey}})
	// A wrong key is refused by the API, in its words.
	p.ClientSecret = "sk_test_wrong"
	tok, _ = f.client.Fetch(context.Background(), p)
	if res, err := f.client.Try(context.Background(), p, tok); err != nil || res.Status != 401 {
		t.Errorf("a wrong key: %+v, %v", res, err)
	}
	f.wire.take()
}

func TestOrangeReadyMadeBasicHeader(t *testing.T) {
	f := newFixture(t)
	ready := basic(orangeClientID, orangeClientSecret) // "Basic …", as the portal shows it
	p := f.preset(t, providers.Provider{Name: "orange", Preset: "orange", TokenURL: f.srv.URL() + "/orange/oauth/v3/token",
		BasicAuth: providers.Secret(ready)})
	if _, err := f.client.Fetch(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	checkWire(t, f.wire.one(t), expect{method: "POST", path: "/orange/oauth/v3/token",
		header: map[string]string{"Authorization": ready, "Content-Type": formType},
		form:   url.Values{"grant_type": {"client_credentials"}}})
	// Without its scheme it is the same header.
	p.BasicAuth = providers.Secret(strings.TrimPrefix(ready, "Basic "))
	if _, err := f.client.Fetch(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if got := f.wire.one(t).Header.Get("Authorization"); got != ready {
		t.Errorf("Authorization %q", got)
	}
	p.BasicAuth = "Basic not base64!"
	if _, err := f.client.Fetch(context.Background(), p); err == nil || !strings.Contains(err.Error(), "basic_auth") {
		t.Errorf("a malformed header: %v", err)
	}
	f.wire.take()
}

func TestMoMoTargetEnvironment(t *testing.T) {
	f := newFixture(t)
	p := f.demoProvider(t, "momo-collection")
	tok, err := f.client.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.wire.one(t).Header.Get("X-Target-Environment"); got != "" {
		t.Errorf("the token request carries X-Target-Environment %q: only API calls do", got)
	}
	p.TryURL, p.TryMethod = f.srv.URL()+"/oauth2/userinfo", "GET"
	_, _ = f.client.Try(context.Background(), p, tok)
	if got := f.wire.one(t).Header.Get("X-Target-Environment"); got != "sandbox" {
		t.Errorf("the try request's X-Target-Environment = %q, want sandbox", got)
	}
	q, err := providers.ApplyPreset(providers.Provider{Name: "m", Preset: "momo", Environment: "mtnuganda", Product: "disbursement"})
	if err != nil {
		t.Fatal(err)
	}
	if q.TokenURL != "https://proxy.momoapi.mtn.com/disbursement/token/" || q.TryHeaders["X-Target-Environment"] != "mtnuganda" {
		t.Errorf("production: %q %v", q.TokenURL, q.TryHeaders)
	}
	if _, err := providers.ApplyPreset(providers.Provider{Name: "m", Preset: "momo", Environment: "production"}); err == nil ||
		!strings.Contains(err.Error(), "one of sandbox, mtn…") {
		t.Errorf("an environment MoMo does not have: %v", err)
	}
}

// decryptBearer is the value a "Bearer …" header carries, decrypted with
// the demo market's private key as the OpenAPI does.
func decryptBearer(t *testing.T, srv *Server, h string) string {
	t.Helper()
	v, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		t.Fatalf("not a Bearer header: %q", h)
	}
	c, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		t.Fatalf("the Bearer is not base64: %v", err)
	}
	//lint:ignore SA1019 the dialect under test
	p, err := rsa.DecryptPKCS1v15(nil, srv.vodacom, c)
	if err != nil {
		t.Fatalf("the Bearer does not decrypt: %v", err)
	}
	return string(p)
}
