package oauth

import (
	"context"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// decodeBasic is what an RFC 6749 server does with a client's Basic header.
func decodeBasic(t *testing.T, h string) (id, secret string) {
	t.Helper()
	b64, ok := strings.CutPrefix(h, "Basic ")
	if !ok {
		t.Fatalf("Authorization %q is not Basic", h)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("Basic credentials are not base64: %v", err)
	}
	u, s, ok := strings.Cut(string(raw), ":")
	if !ok {
		t.Fatalf("Basic credentials %q have no colon", raw)
	}
	id, err1 := url.QueryUnescape(u)
	secret, err2 := url.QueryUnescape(s)
	if err1 != nil || err2 != nil {
		t.Fatalf("Basic credentials %q are not form-encoded: %v %v", raw, err1, err2)
	}
	return id, secret
}

func TestBasicFormEncodesIDAndSecret(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON))
	p := oauth2Provider(t, srv.URL())
	p.ClientID = "client id:1é"
	p.ClientSecret = "a+b/c:d%e&f=g"
	if _, err := testClient(nil).Fetch(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	h := srv.got()[0].Header.Get("Authorization")
	if id, secret := decodeBasic(t, h); id != "client id:1é" || secret != "a+b/c:d%e&f=g" {
		t.Errorf("server decoded %q / %q from %q", id, secret, h)
	}
	// The encoded form, not the raw one: a raw colon in the id would split wrongly.
	if raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(h, "Basic ")); string(raw) != "client+id%3A1%C3%A9:a%2Bb%2Fc%3Ad%25e%26f%3Dg" {
		t.Errorf("credentials before base64 = %q", raw)
	}
}

// wire is what a token request put on the wire, in the terms a test compares.
type wire struct {
	method, path, query, auth, subKey, body string
}

func TestTokenRequestOfEveryPreset(t *testing.T) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("client-1:"+url.QueryEscape(testSecret)))
	esc := url.QueryEscape(testSecret)
	for _, tc := range []struct {
		preset string
		edit   func(p *providers.Provider)
		want   wire
	}{
		{"mtn", nil, wire{"POST", "/v1/oauth/access_token", "grant_type=client_credentials", "", "",
			"client_id=client-1&client_secret=" + esc}},
		{"momo", func(p *providers.Provider) {
			p.Product = "disbursement"
			p.Headers = map[string]providers.Secret{"Ocp-Apim-Subscription-Key": testSubKey}
		},
			wire{"POST", "/disbursement/token/", "", basic, testSubKey, ""}},
		{"mobifinance", nil, wire{"POST", "/token", "client_id=client-1&client_secret=" + esc + "&grant_type=client_credentials", "", "", ""}},
		{"telenor", func(p *providers.Provider) {
			p.Username = "api7813371375"
			p.Password = testPassword
			p.Scope = "orders"
		},
			wire{"POST", "/oauth/v2/token", "", basic, "",
				"grant_type=password&scope=orders&username=api7813371375&password=" + url.QueryEscape(testPassword)}},
		{"mobiledigital", nil, wire{"POST", "/prod/oauth2/token", "", basic, "", "grant_type=client_credentials&scope=read+write+admin"}},
		{"oauth2", func(p *providers.Provider) {
			p.Params = map[string]string{"resource": "r 1", "audience": "https://api"}
		},
			wire{"POST", "/token", "", basic, "", "grant_type=client_credentials&audience=https%3A%2F%2Fapi&resource=r+1"}},
	} {
		t.Run(tc.preset, func(t *testing.T) {
			srv := serve(t, answer(200, tokenJSON))
			p := providers.Provider{Name: tc.preset, Preset: tc.preset, ClientID: "client-1", ClientSecret: testSecret}
			if tc.edit != nil {
				tc.edit(&p)
			}
			p, err := providers.ApplyPreset(p)
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(p.TokenURL)
			if u == nil || u.Path == "" {
				u = &url.URL{Path: "/token"}
			}
			p.TokenURL = srv.URL() + u.Path // the preset's path on the test server
			if _, err := testClient(nil).Fetch(context.Background(), p); err != nil {
				t.Fatal(err)
			}
			s := srv.got()[0]
			got := wire{s.Method, s.Path, s.RawQuery, s.Header.Get("Authorization"), s.Header.Get("Ocp-Apim-Subscription-Key"), s.Body}
			if got != tc.want {
				t.Errorf("wire =\n%#v\nwant\n%#v", got, tc.want)
			}
			if ct := s.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type = %q", ct)
			}
			if s.Header.Get("Accept") != "application/json" || !strings.HasPrefix(s.Header.Get("User-Agent"), "tokenscope/") {
				t.Errorf("Accept %q, User-Agent %q", s.Header.Get("Accept"), s.Header.Get("User-Agent"))
			}
		})
	}
}

func TestTokenURLWithItsOwnQuery(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON))
	p, _ := providers.ApplyPreset(providers.Provider{Name: "m", Preset: "mtn", ClientID: "c", ClientSecret: "s",
		TokenURL: srv.URL() + "/v1/oauth/access_token?grant_type=client_credentials&tenant=a%20b"})
	if _, err := testClient(nil).Fetch(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if q := srv.got()[0].RawQuery; q != "grant_type=client_credentials&tenant=a%20b" {
		t.Errorf("query = %q: grant_type sent twice or the URL's own query lost", q)
	}
}

func TestMoMoRefusesToSendWithoutSubscriptionKey(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON))
	p, _ := providers.ApplyPreset(providers.Provider{Name: "m", Preset: "momo", ClientID: "u", ClientSecret: "k"})
	p.TokenURL = srv.URL() + "/collection/token/"
	_, err := testClient(nil).Fetch(context.Background(), p)
	if err == nil || !strings.Contains(err.Error(), "Ocp-Apim-Subscription-Key needs a value") {
		t.Errorf("err = %v", err)
	}
	if n := len(srv.got()); n != 0 {
		t.Errorf("%d requests sent without the key", n)
	}
}

func TestInvalidProviderIsReportedByField(t *testing.T) {
	_, err := testClient(nil).Fetch(context.Background(), providers.Provider{Name: "x", Preset: "oauth2", Grant: providers.GrantClientCredentials, ClientAuth: providers.AuthBasic, ClientID: "c"})
	var fe *providers.FieldError
	if err == nil || !strings.Contains(err.Error(), "token_url") || !errors.As(err, &fe) {
		t.Errorf("err = %v", err)
	}
}

func TestHeaderEnv(t *testing.T) {
	for in, want := range map[string]string{
		"Ocp-Apim-Subscription-Key": "OCP_APIM_SUBSCRIPTION_KEY", "x-api-key": "X_API_KEY", "1st": "H_1ST",
		"X-Target-Environment": "X_TARGET_ENVIRONMENT",
	} {
		if got := HeaderEnv(in); got != want {
			t.Errorf("HeaderEnv(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBodyType(t *testing.T) {
	for in, want := range map[string]string{
		`{"recipient": "+61400000000"}`: "application/json", " [1]": "application/json",
		"a=1&b=2": "application/x-www-form-urlencoded", "hello there": "text/plain; charset=utf-8",
	} {
		if got := bodyType(in); got != want {
			t.Errorf("bodyType(%q) = %q, want %q", in, got, want)
		}
	}
}
