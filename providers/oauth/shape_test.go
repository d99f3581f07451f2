package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// getEndpoint answers as a token endpoint that takes GET only (Daraja): a
// POST is 405 and a request with a body is 400, before next sees it.
func getEndpoint(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		switch {
		case r.Method != http.MethodGet:
			answer(405, `{"errorMessage":"method not allowed"}`)(w, r)
		case len(b) > 0 || r.ContentLength > 0 || r.Header.Get("Content-Type") != "":
			answer(400, `{"errorMessage":"a GET has no body"}`)(w, r)
		default:
			next(w, r)
		}
	}
}

// jsonEndpoint answers as a token endpoint that takes a JSON object only
// (Airtel): anything but a POST of application/json holding one object of
// string members is refused before next sees it.
func jsonEndpoint(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		var obj map[string]string
		switch {
		case r.Method != http.MethodPost:
			answer(405, `{"error":"method_not_allowed"}`)(w, r)
		case r.Header.Get("Content-Type") != "application/json":
			answer(415, `{"error":"unsupported_media_type"}`)(w, r)
		case json.Unmarshal(b, &obj) != nil:
			answer(400, `{"error":"invalid_request","error_description":"not a JSON object of strings"}`)(w, r)
		default:
			next(w, r)
		}
	}
}

// jsonBody decodes a body that must be a JSON object of strings.
func jsonBody(t *testing.T, s seen) map[string]string {
	t.Helper()
	var m map[string]string
	if err := json.Unmarshal([]byte(s.Body), &m); err != nil {
		t.Fatalf("body %q is not a JSON object of strings: %v", s.Body, err)
	}
	return m
}

func shaped(t *testing.T, p providers.Provider) providers.Provider {
	t.Helper()
	p, err := providers.ApplyPreset(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGetTokenMethodSendsNoBodyAndEverythingInTheQuery(t *testing.T) {
	srv := serve(t, getEndpoint(answer(200, `{"access_token":"AT-get","expires_in":"3599"}`)))
	p := shaped(t, providers.Provider{Name: "get", TokenURL: srv.URL() + "/oauth/v1/generate", TokenMethod: providers.MethodGET,
		ClientID: "key-1", ClientSecret: testSecret, Scope: "read", Params: map[string]string{"audience": "api"}})
	tok, err := testClient(nil).Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "AT-get" || tok.ExpiresIn != 3599 {
		t.Errorf("token %q expires_in %d", tok.AccessToken.Reveal(), tok.ExpiresIn)
	}
	got := srv.got()[0]
	if got.RawQuery != "grant_type=client_credentials&scope=read&audience=api" {
		t.Errorf("query %q", got.RawQuery)
	}
	if id, secret := decodeBasic(t, got.Header.Get("Authorization")); id != "key-1" || secret != testSecret {
		t.Errorf("Basic %q:%q", id, secret)
	}
	// The same provider as a POST is refused by this server: the test
	// server does refuse what the shape must not send.
	p.TokenMethod = ""
	if _, err := testClient(nil).Fetch(context.Background(), p); err == nil || !strings.Contains(err.Error(), "HTTP 405") {
		t.Errorf("a POST to the GET endpoint: %v", err)
	}
}

func TestGetTokenMethodWithQueryAuthAndAURLThatHasTheGrant(t *testing.T) {
	srv := serve(t, getEndpoint(answer(200, tokenJSON)))
	p := shaped(t, providers.Provider{Name: "get", TokenURL: srv.URL() + "/t?grant_type=client_credentials", TokenMethod: providers.MethodGET,
		ClientAuth: providers.AuthQuery, ClientID: "c", ClientSecret: testSecret})
	if _, err := testClient(nil).Fetch(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	q := srv.got()[0]
	if want := "grant_type=client_credentials&client_id=c&client_secret=" + strings.NewReplacer("+", "%2B", "/", "%2F", ":", "%3A",
		"%", "%25", "&", "%26", "=", "%3D").Replace(testSecret); q.RawQuery != want {
		t.Errorf("query %q, want %q", q.RawQuery, want)
	}
}

func TestJSONBodyCarriesParamsCredentialsAndGrant(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    providers.Provider
		want map[string]string
		auth bool
	}{
		{"client_auth body", providers.Provider{ClientAuth: providers.AuthBody, Params: map[string]string{"audience": "api"}},
			map[string]string{"grant_type": "client_credentials", "audience": "api", "client_id": "c-1", "client_secret": testSecret}, false},
		{"grant_in none", providers.Provider{ClientAuth: providers.AuthBody, GrantIn: providers.GrantInNone},
			map[string]string{"client_id": "c-1", "client_secret": testSecret}, false},
		{"basic", providers.Provider{ClientAuth: providers.AuthBasic, Scope: "a b"},
			map[string]string{"grant_type": "client_credentials", "scope": "a b"}, true},
		{"password", providers.Provider{ClientAuth: providers.AuthBody, Grant: providers.GrantPassword, Username: "u", Password: testPassword},
			map[string]string{"grant_type": "password", "username": "u", "password": testPassword, "client_id": "c-1", "client_secret": testSecret}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, jsonEndpoint(answer(200, `{"access_token":"AT-json","expires_in":"180","token_type":"bearer"}`)))
			p := tc.p
			p.Name, p.TokenURL, p.Body, p.ClientID, p.ClientSecret = "json", srv.URL()+"/auth/oauth2/token", providers.BodyJSON, "c-1", testSecret
			p = shaped(t, p)
			tok, err := testClient(nil).Fetch(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			if tok.ExpiresIn != 180 || tok.TokenType != "bearer" {
				t.Errorf("expires_in %d, token_type %q", tok.ExpiresIn, tok.TokenType)
			}
			got := srv.got()[0]
			if m := jsonBody(t, got); !reflect.DeepEqual(m, tc.want) {
				t.Errorf("body %v, want %v", m, tc.want)
			}
			if h := got.Header.Get("Authorization"); (h != "") != tc.auth {
				t.Errorf("Authorization %q", h)
			}
			if got.RawQuery != "" {
				t.Errorf("query %q", got.RawQuery)
			}
		})
	}
}

func TestJSONEndpointRefusesAForm(t *testing.T) {
	srv := serve(t, jsonEndpoint(answer(200, tokenJSON)))
	p := shaped(t, providers.Provider{Name: "form", TokenURL: srv.URL() + "/t", ClientAuth: providers.AuthBody, ClientID: "c", ClientSecret: testSecret})
	_, err := testClient(nil).Fetch(context.Background(), p)
	if err == nil || !strings.Contains(err.Error(), "HTTP 415") {
		t.Errorf("a form to the JSON endpoint: %v", err)
	}
}

func TestTokenAndLifetimeUnderOtherNamesAndA201(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fields providers.Provider
		body   string
		status int
		want   time.Duration
		extra  []string
	}{
		{"africastalking", providers.Provider{TokenField: "token", ExpiresField: "lifetimeInSeconds"},
			`{"token":"AT-at","lifetimeInSeconds":3600}`, 201, time.Hour, nil},
		{"minutes", providers.Provider{ExpiresUnit: providers.UnitMinutes}, `{"access_token":"AT-m","expires_in":"15"}`, 200, 15 * time.Minute, nil},
		{"milliseconds", providers.Provider{ExpiresField: "ttl", ExpiresUnit: providers.UnitMilliseconds},
			`{"access_token":"AT-ms","ttl":90000,"expires_in":5}`, 200, 90 * time.Second, []string{"expires_in"}},
		{"vodacom", providers.Provider{TokenField: "output_SessionID"},
			`{"output_ResponseCode":"INS-0","output_ResponseDesc":"Request processed successfully","output_SessionID":"AT-sess","access_token":"not-it"}`,
			200, 0, []string{"output_ResponseCode", "output_ResponseDesc", "access_token"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, answer(tc.status, tc.body))
			p := tc.fields
			p.Name, p.TokenURL, p.ClientID, p.ClientSecret = "f", srv.URL()+"/t", "c", testSecret
			tok, err := testClient(nil).Fetch(context.Background(), shaped(t, p))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(tok.AccessToken.Reveal(), "AT-") {
				t.Errorf("access token %q", tok.AccessToken.Reveal())
			}
			if d, ok := tok.Remaining(fixedNow); ok != (tc.want > 0) || d != tc.want {
				t.Errorf("remaining %v (%v), want %v", d, ok, tc.want)
			}
			if tok.ExpiresIn != int64(tc.want/time.Second) {
				t.Errorf("expires_in %d", tok.ExpiresIn)
			}
			var keys []string
			for _, f := range tok.Extra {
				keys = append(keys, f.Key)
			}
			if !reflect.DeepEqual(keys, tc.extra) {
				t.Errorf("extra %v, want %v", keys, tc.extra)
			}
		})
	}
}

func TestTokenFieldMissingNamesIt(t *testing.T) {
	srv := serve(t, answer(200, `{"access_token":"AT-1"}`))
	p := shaped(t, providers.Provider{Name: "f", TokenURL: srv.URL() + "/t", ClientID: "c", TokenField: "token"})
	_, err := testClient(nil).Fetch(context.Background(), p)
	if err == nil || !strings.Contains(err.Error(), "token response has no token (members: access_token)") {
		t.Errorf("err = %v", err)
	}
}

func TestTraceMasksATokenUnderItsOwnName(t *testing.T) {
	srv := serve(t, answer(200, `{"output_ResponseCode":"INS-0","output_SessionID":"sess-0123456789abcdef"}`))
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace})
	p := shaped(t, providers.Provider{Name: "v", TokenURL: srv.URL() + "/t", ClientID: "c", ClientSecret: testSecret,
		TokenField: "output_SessionID", TokenMethod: providers.MethodGET})
	if _, err := c.Fetch(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if out := trace.String(); strings.Contains(out, "sess-0123456789abcdef") || !strings.Contains(out, "> GET ") {
		t.Errorf("trace:\n%s", out)
	}
}

func TestJSONTraceMasksTheSecret(t *testing.T) {
	srv := serve(t, jsonEndpoint(answer(200, tokenJSON)))
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace})
	p := shaped(t, providers.Provider{Name: "j", TokenURL: srv.URL() + "/t", Body: providers.BodyJSON, ClientAuth: providers.AuthBody,
		ClientID: "c", ClientSecret: testSecret})
	if _, err := c.Fetch(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	out := trace.String()
	if strings.Contains(out, testSecret) || strings.Contains(out, jsonText(testSecret)) || !strings.Contains(out, `"client_secret":"****"`) {
		t.Errorf("trace:\n%s", out)
	}
}

func TestShapedErrorsNameTheMethod(t *testing.T) {
	srv := serve(t, answer(405, ""))
	p := shaped(t, providers.Provider{Name: "g", TokenURL: srv.URL() + "/t", TokenMethod: providers.MethodGET, ClientID: "c"})
	_, err := testClient(nil).Fetch(context.Background(), p)
	var e *Error
	if !errors.As(err, &e) || e.Method != "GET" || !strings.Contains(e.Hint, "does not take GET there") {
		t.Errorf("err = %v, hint %q", err, e.Hint)
	}
}

func FuzzTokenResponseFields(f *testing.F) {
	f.Add([]byte(`{"token":"t","lifetimeInSeconds":3600}`), "token", "lifetimeInSeconds", "seconds")
	f.Add([]byte(`{"access_token":"t","expires_in":"1e300"}`), "", "", "hours")
	f.Add([]byte(`{"output_SessionID":"s","output_ResponseCode":"INS-0"}`), "output_SessionID", "", "")
	f.Add([]byte(`{"access_token":"t","ttl":-1}`), "", "ttl", "milliseconds")
	f.Fuzz(func(t *testing.T, body []byte, token, expires, unit string) {
		fields := providers.ResponseFields{Token: token, Expires: expires, Unit: providers.ExpiresUnit(unit)}
		if !fields.Unit.Valid() {
			return
		}
		tok, err := ParseTokenResponseFields(body, http.Header{}, fixedNow, fields)
		if err != nil {
			return
		}
		if tok.AccessToken == "" || tok.Check() != nil {
			t.Fatalf("accepted a token that is empty or not VSCHAR: %q", tok.AccessToken.Reveal())
		}
		if tok.ExpiresIn < 0 || tok.ExpiresAt.Before(fixedNow.Add(-time.Second)) && tok.ExpirySource == providers.ExpiryFromExpiresIn {
			t.Fatalf("lifetime %d, expires at %v", tok.ExpiresIn, tok.ExpiresAt)
		}
		if d, ok := tok.Remaining(fixedNow); ok && tok.ExpirySource == providers.ExpiryFromExpiresIn && d > maxLifetime {
			t.Fatalf("lifetime %v past the cap", d)
		}
	})
}

func TestCurlCommandSendsWhatTheEngineSendsForGetAndJSON(t *testing.T) {
	const secret = "plain-S3CRET_value.1" // a JSON body's variable holds the text as written inside the string
	for name, p := range map[string]providers.Provider{
		"get":  {TokenMethod: providers.MethodGET, ClientAuth: providers.AuthBasic, Scope: "a b"},
		"json": {Body: providers.BodyJSON, ClientAuth: providers.AuthBody, Params: map[string]string{"audience": "it's \"q\""}},
	} {
		t.Run(name, func(t *testing.T) {
			h := getEndpoint(answer(200, tokenJSON))
			if name == "json" {
				h = jsonEndpoint(answer(200, tokenJSON))
			}
			srv := serve(t, h)
			p.Name, p.TokenURL, p.ClientID, p.ClientSecret = name, srv.URL()+"/token?grant_type=client_credentials", "client-1", secret
			p = shaped(t, p)
			if _, err := testClient(nil).Fetch(context.Background(), p); err != nil {
				t.Fatal(err)
			}
			cmd := CurlCommand(p)
			if strings.Contains(cmd, secret) {
				t.Fatalf("the curl command shows the secret:\n%s", cmd)
			}
			runCurl(t, cmd+" -o /dev/null -f", "CLIENT_SECRET="+secret)
			got := srv.got()
			if len(got) != 2 {
				t.Fatalf("%d requests", len(got))
			}
			engine, curl := got[0], got[1]
			if engine.Method != curl.Method || engine.RawQuery != curl.RawQuery || engine.Header.Get("Authorization") != curl.Header.Get("Authorization") {
				t.Errorf("engine %s ?%s %q, curl %s ?%s %q\n%s", engine.Method, engine.RawQuery, engine.Header.Get("Authorization"),
					curl.Method, curl.RawQuery, curl.Header.Get("Authorization"), cmd)
			}
			if name == "json" && !reflect.DeepEqual(jsonBody(t, engine), jsonBody(t, curl)) {
				t.Errorf("engine sent %s, curl %s\n%s", engine.Body, curl.Body, cmd)
			}
		})
	}
}

func TestCurlCommandOfAJSONBodySaysHowToEscape(t *testing.T) {
	p := shaped(t, providers.Provider{Name: "j", TokenURL: "https://a.example/t", Body: providers.BodyJSON, ClientAuth: providers.AuthBody,
		ClientID: "c", ClientSecret: `has"quote`})
	if cmd := CurlCommand(p); !strings.HasPrefix(cmd, "# the body is JSON") || strings.Contains(cmd, `has"quote`) {
		t.Errorf("curl:\n%s", cmd)
	}
}

// MoMo's sandbox answers token_type "access_token": the token is kept, and
// the header the engine presents it with is still Bearer.
func TestMoMoSandboxTokenType(t *testing.T) {
	srv := serve(t, answer(200, `{"access_token":"eyJ.momo.sig","token_type":"access_token","expires_in":3600}`), answer(200, `{}`))
	p := presetAt(t, "momo", srv.URL())
	p.TryURL = srv.URL() + "/collection/v1_0/account/balance"
	c := testClient(nil)
	tok, err := c.Fetch(context.Background(), p)
	if err != nil || tok.TokenType != "access_token" || tok.ExpiresIn != 3600 {
		t.Fatalf("Fetch = %+v, %v", tok, err)
	}
	if _, err := c.Try(context.Background(), p, tok); err != nil {
		t.Fatal(err)
	}
	if h := srv.got()[1].Header.Get("Authorization"); h != "Bearer eyJ.momo.sig" {
		t.Errorf("try Authorization %q", h)
	}
}
