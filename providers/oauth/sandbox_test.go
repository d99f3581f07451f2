package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// testAPIKey is the key the strict sandbox hands out.
const testAPIKey = "f1e2d3c4b5a697887766554433221100"

// strictSandbox is MoMo's provisioning API as its documentation has it,
// refusing everything off it with a 418 that names the fault, so that a
// test fails on any request the real sandbox would not take: the method
// and path, the subscription key, a UUID v4 X-Reference-Id, a JSON body of
// exactly {"providerCallbackHost"} on the create and none on the others.
type strictSandbox struct {
	t     *testing.T
	srv   *httptest.Server
	mu    sync.Mutex
	users map[string]string // id → callback host
	// fault, when set, answers instead of the sandbox for a path suffix.
	fault map[string]http.HandlerFunc
	calls []string
}

func newStrictSandbox(t *testing.T) *strictSandbox {
	s := &strictSandbox{t: t, users: map[string]string{}, fault: map[string]http.HandlerFunc{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// setFault answers requests whose path ends in suffix with h.
func (s *strictSandbox) setFault(suffix string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault[suffix] = h
}

// sent is every request line the sandbox received.
func (s *strictSandbox) sent() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *strictSandbox) sandbox() Sandbox {
	return Sandbox{BaseURL: s.srv.URL, SubscriptionKey: testSubKey}
}

func (s *strictSandbox) off(w http.ResponseWriter, why string) {
	s.t.Errorf("off the specification: %s", why)
	w.WriteHeader(http.StatusTeapot)
	_, _ = w.Write([]byte(why))
}

func (s *strictSandbox) serve(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	_, _ = body.ReadFrom(r.Body)
	s.mu.Lock()
	s.calls = append(s.calls, r.Method+" "+r.URL.Path)
	var fault http.HandlerFunc
	for suffix, h := range s.fault {
		if strings.HasSuffix(r.URL.Path, suffix) {
			fault = h
		}
	}
	s.mu.Unlock()
	if fault != nil {
		fault(w, r)
		return
	}
	switch {
	case r.URL.RawQuery != "":
		s.off(w, "a query")
		return
	case r.Header.Get("Ocp-Apim-Subscription-Key") == "":
		s.off(w, "no subscription key")
		return
	case r.Header.Get("Ocp-Apim-Subscription-Key") != testSubKey:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"statusCode":401,"message":"Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."}`))
		return
	case r.Header.Get("Authorization") != "":
		s.off(w, "an Authorization header")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1_0/apiuser")
	if !ok {
		s.off(w, "path "+r.URL.Path)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case rest == "" && r.Method == http.MethodPost:
		id := r.Header.Get("X-Reference-Id")
		if !ValidReferenceID(id) || strings.ToLower(id) != id {
			s.off(w, "X-Reference-Id "+id)
			return
		}
		if r.Header.Get("Content-Type") != "application/json" {
			s.off(w, "Content-Type "+r.Header.Get("Content-Type"))
			return
		}
		var m map[string]any
		if err := json.Unmarshal(body.Bytes(), &m); err != nil || len(m) != 1 {
			s.off(w, "body "+body.String())
			return
		}
		host, ok := m["providerCallbackHost"].(string)
		if !ok {
			s.off(w, "body "+body.String())
			return
		}
		if _, dup := s.users[id]; dup {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"code":"RESOURCE_ALREADY_EXIST","message":"Duplicated reference id. Creation of resource failed."}`))
			return
		}
		s.users[id] = host
		w.WriteHeader(http.StatusCreated)
	case strings.HasSuffix(rest, "/apikey") && r.Method == http.MethodPost:
		id := strings.TrimSuffix(strings.TrimPrefix(rest, "/"), "/apikey")
		if body.Len() != 0 || r.Header.Get("X-Reference-Id") != "" {
			s.off(w, "a body or a reference on the apikey POST")
			return
		}
		if _, ok := s.users[id]; !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"code":"RESOURCE_NOT_FOUND","message":"Requested resource was not found."}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"apiKey":"` + testAPIKey + `"}`))
	case r.Method == http.MethodGet && strings.Count(rest, "/") == 1:
		host, ok := s.users[rest[1:]]
		if !ok || body.Len() != 0 {
			s.off(w, "GET of an unknown user or with a body")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"providerCallbackHost":"` + host + `","targetEnvironment":"sandbox"}`))
	default:
		s.off(w, r.Method+" "+r.URL.Path)
	}
}

func TestSandboxWire(t *testing.T) {
	s := newStrictSandbox(t)
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace})
	ctx := context.Background()
	id, err := NewReferenceID()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateAPIUser(ctx, s.sandbox(), id, "cb.example.com"); err != nil {
		t.Fatal(err)
	}
	key, err := c.CreateAPIKey(ctx, s.sandbox(), id)
	if err != nil {
		t.Fatal(err)
	}
	if key.Reveal() != testAPIKey {
		t.Errorf("key = %q", key.Reveal())
	}
	u, err := c.ReadAPIUser(ctx, s.sandbox(), id)
	if err != nil {
		t.Fatal(err)
	}
	if u != (APIUser{ProviderCallbackHost: "cb.example.com", TargetEnvironment: "sandbox"}) {
		t.Errorf("user = %+v", u)
	}
	want := []string{"POST /v1_0/apiuser", "POST /v1_0/apiuser/" + id + "/apikey", "GET /v1_0/apiuser/" + id}
	if strings.Join(s.sent(), "\n") != strings.Join(want, "\n") {
		t.Errorf("calls = %q, want %q", s.sent(), want)
	}
	tr := trace.String()
	for _, secret := range []string{testAPIKey, testSubKey} {
		if strings.Contains(tr, secret) {
			t.Errorf("the trace shows a secret %q:\n%s", secret, tr)
		}
	}
	for _, line := range []string{"> X-Reference-Id: " + id, "> Ocp-Apim-Subscription-Key: ****", `< {"apiKey":"****"}`,
		`> {"providerCallbackHost":"cb.example.com"}`} {
		if !strings.Contains(tr, line+"\n") {
			t.Errorf("the trace lacks %q:\n%s", line, tr)
		}
	}
}

func TestSandboxRefusalsInTheServersWords(t *testing.T) {
	s := newStrictSandbox(t)
	c := NewClient(Options{})
	ctx := context.Background()
	id, _ := NewReferenceID()
	if err := c.CreateAPIUser(ctx, s.sandbox(), id, "h"); err != nil {
		t.Fatal(err)
	}
	err := c.CreateAPIUser(ctx, s.sandbox(), id, "h")
	var e *Error
	if !errors.As(err, &e) || e.Status != 409 || e.Code != "RESOURCE_ALREADY_EXIST" || !strings.Contains(e.Hint, "exists already") {
		t.Errorf("409: %v (%+v)", err, e)
	}
	wrong := s.sandbox()
	wrong.SubscriptionKey = "wrong-key-1234"
	err = c.CreateAPIUser(ctx, wrong, id, "h")
	if !errors.As(err, &e) || e.Status != 401 || !strings.Contains(err.Error(), "invalid subscription key") ||
		strings.Contains(err.Error(), "wrong-key-1234") {
		t.Errorf("401: %v", err)
	}
	other, _ := NewReferenceID()
	_, err = c.CreateAPIKey(ctx, s.sandbox(), other)
	if !errors.As(err, &e) || e.Status != 404 || e.Code != "RESOURCE_NOT_FOUND" {
		t.Errorf("404: %v", err)
	}
	if len(s.sent()) != 4 {
		t.Errorf("calls = %q: each refusal is answered once, never retried", s.sent())
	}
}

// TestSandboxPOSTsAreNotRetried: a 500 or a dropped connection on a POST
// is reported at once; the GET is retried as a token request is.
func TestSandboxPOSTsAreNotRetried(t *testing.T) {
	s := newStrictSandbox(t)
	var sl sleeps
	c := testClient(&sl)
	ctx := context.Background()
	id, _ := NewReferenceID()
	if err := c.CreateAPIUser(ctx, s.sandbox(), id, "h"); err != nil {
		t.Fatal(err)
	}
	s.setFault("/apikey", answer(500, `{"code":"INTERNAL_PROCESSING_ERROR","message":"An internal error occurred while processing."}`))
	_, err := c.CreateAPIKey(ctx, s.sandbox(), id)
	var e *Error
	if !errors.As(err, &e) || e.Status != 500 || e.Provider != id || !strings.Contains(err.Error(), "create API key for "+id) {
		t.Errorf("500: %v", err)
	}
	s.setFault("/apikey", func(w http.ResponseWriter, _ *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	})
	_, err = c.CreateAPIKey(ctx, s.sandbox(), id)
	if !errors.As(err, &e) || e.Status != 0 || e.Attempts != 1 {
		t.Errorf("dropped: %v (%+v)", err, e)
	}
	n := len(s.sent())
	s.setFault("/"+id, answer(503, ""))
	if _, err := c.ReadAPIUser(ctx, s.sandbox(), id); err == nil {
		t.Error("the 503 of the read was taken for an answer")
	}
	if got := len(s.sent()) - n; got != 4 {
		t.Errorf("the read was sent %d times, want 4 (3 retries)", got)
	}
	if len(s.sent()) != 1+2+4 || len(sl.all()) != 3 {
		t.Errorf("calls %q, sleeps %v", s.sent(), sl.all())
	}
}

func TestSandboxChecksBeforeSending(t *testing.T) {
	s := newStrictSandbox(t)
	c := NewClient(Options{})
	ctx := context.Background()
	id, _ := NewReferenceID()
	for _, sb := range []Sandbox{
		{BaseURL: s.srv.URL}, // no subscription key
		{BaseURL: "ftp://example.com", SubscriptionKey: "k"}, // not http
		{BaseURL: "https://u:p@example.com", SubscriptionKey: "k"},
	} {
		if err := c.CreateAPIUser(ctx, sb, id, "h"); err == nil {
			t.Errorf("%+v: sent", sb)
		}
	}
	for _, bad := range []string{"", "x", strings.ToUpper(id)[:35], "c232ab00-9414-11ec-b3c8-9e6bdeced846", id + "/apikey"} {
		if err := c.CreateAPIUser(ctx, s.sandbox(), bad, "h"); err == nil {
			t.Errorf("reference %q: sent", bad)
		}
		if _, err := c.CreateAPIKey(ctx, s.sandbox(), bad); err == nil {
			t.Errorf("apikey of %q: sent", bad)
		}
	}
	if len(s.sent()) != 0 {
		t.Errorf("sent %q", s.sent())
	}
}

func TestNewReferenceID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id, err := NewReferenceID()
		if err != nil {
			t.Fatal(err)
		}
		if !ValidReferenceID(id) || seen[id] || strings.ToLower(id) != id {
			t.Fatalf("%q: valid %v, seen %v", id, ValidReferenceID(id), seen[id])
		}
		seen[id] = true
	}
}

func TestParseAPIKey(t *testing.T) {
	for _, c := range []struct {
		body, want, err string
	}{
		{`{"apiKey":"abc123"}`, "abc123", ""},
		{` {"apiKey":"abc123","other":1} `, "abc123", ""},
		{`{"apiKey":""}`, "", "apiKey is empty"},
		{`{"apiKey":12}`, "", "apiKey is not a string"},
		{`{"apikey":"abc"}`, "abc", ""}, // encoding/json matches names without regard to case
		{`{}`, "", "the answer has no apiKey"},
		{`[]`, "", "the answer is not a JSON object"},
		{`{"apiKey":"a b"}`, "", "apiKey holds spaces, colons or control characters"},
		{`{"apiKey":"a:b"}`, "", "apiKey holds spaces, colons or control characters"},
		{`{"apiKey":"a\u001bb"}`, "", "apiKey holds spaces, colons or control characters"},
		{`{"apiKey":"abc"`, "", "the answer is not valid JSON"},
	} {
		got, err := ParseAPIKey([]byte(c.body))
		if got.Reveal() != c.want || (err == nil) != (c.err == "") || err != nil && err.Error() != c.err {
			t.Errorf("%s: %q, %v; want %q, %q", c.body, got.Reveal(), err, c.want, c.err)
		}
		if err != nil && strings.Contains(err.Error(), "abc") {
			t.Errorf("%s: the error quotes the key", c.body)
		}
	}
}

func FuzzParseAPIKey(f *testing.F) {
	for _, s := range []string{`{"apiKey":"abc123"}`, `{"apiKey":""}`, `{"apiKey":null}`, `{"apiKey":"a\nb"}`, `nope`, `{"apiKey":["x"]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		key, err := ParseAPIKey(body)
		if err != nil {
			if key != "" {
				t.Fatalf("a key with an error")
			}
			return
		}
		k := key.Reveal()
		if k == "" || strings.ContainsAny(k, " :\t\r\n\x00\x7f") {
			t.Fatalf("key %q cannot go in a Basic header", k)
		}
		// What is accepted is what the object says.
		var m map[string]json.RawMessage
		if json.Unmarshal(bytes.TrimSpace(body), &m) != nil {
			t.Fatalf("accepted %q, which is not a JSON object", body)
		}
	})
}

func FuzzValidReferenceID(f *testing.F) {
	for _, s := range []string{"c72025f5-5cd1-4630-99e4-8ba4722fad56", "c232ab00-9414-11ec-b3c8-9e6bdeced846", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidReferenceID(s) {
			return
		}
		// A valid reference is a canonical UUID v4: it goes in a URL path
		// as it is, and its bytes say version 4, variant RFC 9562.
		if len(s) != 36 || strings.ContainsAny(s, "/?#%. ") || s[14] != '4' {
			t.Fatalf("%q accepted", s)
		}
		hex := strings.ReplaceAll(s, "-", "")
		if len(hex) != 32 || strings.Trim(strings.ToLower(hex), "0123456789abcdef") != "" {
			t.Fatalf("%q accepted", s)
		}
		if v := strings.ToLower(hex[16:17]); !strings.Contains("89ab", v) {
			t.Fatalf("%q: variant %s", s, v)
		}
	})
}

// The provisioning requests reach the sandbox through the engine's own
// transport, TLS verified.
func TestSandboxVerifiesTLS(t *testing.T) {
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(201) }))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	id, _ := NewReferenceID()
	err := NewClient(Options{}).CreateAPIUser(context.Background(), Sandbox{BaseURL: tlsSrv.URL, SubscriptionKey: "k-1234"}, id, "h")
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Hint, "certificate") {
		t.Errorf("an untrusted certificate: %v", err)
	}
}
