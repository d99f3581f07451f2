package demo

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

func TestDarajaWire(t *testing.T) {
	f := newFixture(t)
	p := f.preset(t, providers.Provider{Name: "mpesa", Preset: "mpesa",
		TokenURL: f.srv.URL() + "/mpesa/oauth/v1/generate?grant_type=client_credentials",
		ClientID: darajaConsumerKey, ClientSecret: darajaConsumerSecret})
	tok, err := f.client.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	// A GET, the grant in the query once, the Basic header, no body.
	checkWire(t, f.wire.one(t), expect{
		method: "GET", path: "/mpesa/oauth/v1/generate", rawQuery: "grant_type=client_credentials",
		header: map[string]string{"Authorization": basic(darajaConsumerKey, darajaConsumerSecret), "Content-Type": ""},
	})
	if tok.ExpiresIn != 89 || tok.ExpirySource != providers.ExpiryFromExpiresIn {
		t.Errorf("expires_in %d from %s, want the string \"89\" read", tok.ExpiresIn, tok.ExpirySource)
	}
	// A wrong secret: Daraja's words, its request id, the hint.
	p.ClientSecret = "wrong"
	_, err = f.client.Fetch(context.Background(), p)
	e := engineError(t, err)
	if e.Status != 400 || e.Code != "400.008.01" || e.Description != "Invalid Authentication passed" || e.RequestID == "" ||
		!strings.Contains(e.Hint, "consumer key and consumer secret") {
		t.Errorf("error %v, hint %q", e, e.Hint)
	}
	f.wire.take()
}

func TestDarajaRefusesWhatDarajaRefuses(t *testing.T) {
	f := newFixture(t)
	path := "/mpesa/oauth/v1/generate?grant_type=client_credentials"
	auth := map[string]string{"Authorization": basic(darajaConsumerKey, darajaConsumerSecret)}
	for _, tc := range []struct {
		name, method, path string
		header             map[string]string
		body               string
		status             int
		code               string
	}{
		{"a POST", "POST", path, map[string]string{"Authorization": auth["Authorization"], "Content-Type": formType}, "", 405, "405.001.01"},
		{"a body", "GET", path, map[string]string{"Authorization": auth["Authorization"], "Content-Type": formType}, "a=b", 400, "400.002.02"},
		{"no grant", "GET", "/mpesa/oauth/v1/generate", auth, "", 400, "400.008.02"},
		{"no auth", "GET", path, nil, "", 400, "400.008.01"},
	} {
		got := f.send(t, tc.method, tc.path, tc.header, tc.body)
		var body struct{ RequestID, ErrorCode, ErrorMessage string }
		if err := json.Unmarshal([]byte(got.body), &body); err != nil || got.status != tc.status || body.ErrorCode != tc.code || body.RequestID == "" {
			t.Errorf("%s: %d %s, want %d %s", tc.name, got.status, got.body, tc.status, tc.code)
		}
	}
}

func TestMpesaProductionHost(t *testing.T) {
	p, err := providers.ApplyPreset(providers.Provider{Name: "m", Preset: "mpesa", Environment: "Production"})
	if err != nil {
		t.Fatal(err)
	}
	if p.TokenURL != "https://api.safaricom.co.ke/oauth/v1/generate?grant_type=client_credentials" || p.Environment != "production" {
		t.Errorf("token_url %q environment %q", p.TokenURL, p.Environment)
	}
}

func TestAirtelWire(t *testing.T) {
	f := newFixture(t)
	p := f.preset(t, providers.Provider{Name: "airtel", Preset: "airtel", TokenURL: f.srv.URL() + "/airtel/auth/oauth2/token",
		ClientID: airtelClientID, ClientSecret: airtelClientSecret})
	tok, err := f.client.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	got := f.wire.one(t)
	checkWire(t, received{Method: got.Method, Path: got.Path, RawQuery: got.RawQuery, Header: got.Header}, expect{
		method: "POST", path: "/airtel/auth/oauth2/token",
		header: map[string]string{"Content-Type": "application/json", "Authorization": ""},
	})
	var body map[string]string
	if err := json.Unmarshal(got.Body, &body); err != nil {
		t.Fatalf("body %q: %v", got.Body, err)
	}
	if len(body) != 3 || body["client_id"] != airtelClientID || body["client_secret"] != airtelClientSecret || body["grant_type"] != "client_credentials" {
		t.Errorf("body %s", got.Body)
	}
	if tok.ExpiresIn != 180 || tok.TokenType != "bearer" {
		t.Errorf("expires_in %d token_type %q", tok.ExpiresIn, tok.TokenType)
	}
	if d, _ := tok.Remaining(f.clock.Now()); d != 180*time.Second || tok.LifetimeNote() == "" {
		t.Errorf("remaining %v, note %q", d, tok.LifetimeNote())
	}
	// The same provider sending a form is refused, as Airtel refuses it.
	p.Body = providers.BodyForm
	_, err = f.client.Fetch(context.Background(), p)
	if e := engineError(t, err); e.Status != 415 {
		t.Errorf("a form to Airtel: %v", e)
	}
	f.wire.take()
}

func TestAirtelProductionHost(t *testing.T) {
	p, err := providers.ApplyPreset(providers.Provider{Name: "a", Preset: "airtel", Environment: "production"})
	if err != nil {
		t.Fatal(err)
	}
	if p.TokenURL != "https://openapi.airtel.africa/auth/oauth2/token" || p.Body != providers.BodyJSON {
		t.Errorf("token_url %q body %q", p.TokenURL, p.Body)
	}
	if d, _ := providers.ApplyPreset(providers.Provider{Name: "a", Preset: "airtel"}); d.TokenURL != "https://openapiuat.airtel.africa/auth/oauth2/token" {
		t.Errorf("default token_url %q", d.TokenURL)
	}
}

func TestOrangeWire(t *testing.T) {
	f := newFixture(t)
	p := f.preset(t, providers.Provider{Name: "orange", Preset: "orange", TokenURL: f.srv.URL() + "/orange/oauth/v3/token",
		ClientID: orangeClientID, ClientSecret: orangeClientSecret})
	tok, err := f.client.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	checkWire(t, f.wire.one(t), expect{
		method: "POST", path: "/orange/oauth/v3/token",
		header: map[string]string{"Authorization": basic(orangeClientID, orangeClientSecret), "Content-Type": formType},
		form:   url.Values{"grant_type": {"client_credentials"}},
	})
	if tok.ExpiresIn != 90 || tok.TokenType != "Bearer" {
		t.Errorf("expires_in %d token_type %q", tok.ExpiresIn, tok.TokenType)
	}
	if d, _ := providers.ApplyPreset(providers.Provider{Name: "o", Preset: "orange"}); d.TokenURL != "https://api.orange.com/oauth/v3/token" {
		t.Errorf("default token_url %q", d.TokenURL)
	}
	p.ClientSecret = "wrong"
	_, err = f.client.Fetch(context.Background(), p)
	if e := engineError(t, err); e.Status != 401 || e.Code != "invalid_client" {
		t.Errorf("wrong secret: %v", e)
	}
	f.wire.take()
}
