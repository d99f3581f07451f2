package oauth

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// Secrets the tests plant, chosen to survive no accidental match.
const (
	testSecret   = "a+b/c:d%e&f=g-S3CRET"
	testPassword = "pw-Tr0ub4dor&3"
	testSubKey   = "sub-key-0f9e8d7c"
)

// fixedNow is the clock of the tests.
var fixedNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// seen is what a test server received.
type seen struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// form parses the body as a form.
func (s seen) form(t *testing.T) url.Values {
	t.Helper()
	v, err := url.ParseQuery(s.Body)
	if err != nil {
		t.Fatalf("body %q is not a form: %v", s.Body, err)
	}
	return v
}

// recorder is a test server that records every request and answers with
// the next of its handlers (the last one repeats).
type recorder struct {
	mu       sync.Mutex
	requests []seen
	handlers []http.HandlerFunc
	srv      *httptest.Server
}

// serve starts a recorder; it is closed when the test ends.
func serve(t *testing.T, hs ...http.HandlerFunc) *recorder {
	t.Helper()
	r := &recorder{handlers: hs}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(strings.NewReader(string(b))) // for a handler that reads it too
		r.mu.Lock()
		r.requests = append(r.requests, seen{req.Method, req.URL.Path, req.URL.RawQuery, req.Header.Clone(), string(b)})
		n := len(r.requests)
		r.mu.Unlock()
		h := r.handlers[min(n, len(r.handlers))-1]
		h(w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) URL() string { return r.srv.URL }

func (r *recorder) got() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]seen(nil), r.requests...)
}

// answer is a handler that replies with status, body and headers (k, v pairs).
func answer(status int, body string, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(kv); i += 2 {
			w.Header().Set(kv[i], kv[i+1])
		}
		if w.Header().Get("Content-Type") == "" && strings.HasPrefix(body, "{") {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// tokenJSON is a plain successful token response.
const tokenJSON = `{"access_token":"AT-1","token_type":"Bearer","expires_in":3600}`

// sleeps records the delays a Client asked for instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// testClient is a client on the fixed clock that never really sleeps.
func testClient(s *sleeps) *Client {
	if s == nil {
		s = &sleeps{}
	}
	return NewClient(Options{Now: func() time.Time { return fixedNow }, Sleep: s.sleep})
}

// oauth2Provider is a plain RFC 6749 provider against url.
func oauth2Provider(t *testing.T, url string) providers.Provider {
	t.Helper()
	p, err := providers.ApplyPreset(providers.Provider{Name: "idp", Preset: "oauth2", TokenURL: url + "/token",
		ClientID: "client-1", ClientSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// memState is a State in a map, with the events it recorded (all of
// them, and each provider's history). It keeps no metadata itself; meta
// is metaState's, and goes into the entries it answers with.
type memState struct {
	mu     sync.Mutex
	p      map[string]providers.Provider
	tok    map[string]*providers.Token
	hist   map[string][]providers.Event
	meta   map[string]*providers.Metadata
	events []providers.Event
	fail   error
}

func newMemState(ps ...providers.Provider) *memState {
	m := &memState{p: map[string]providers.Provider{}, tok: map[string]*providers.Token{},
		hist: map[string][]providers.Event{}, meta: map[string]*providers.Metadata{}}
	for _, p := range ps {
		m.p[p.Name] = p
	}
	return m
}

func (m *memState) Lookup(name string) (providers.Provider, *providers.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.p[name]
	if !ok {
		return providers.Provider{}, nil, &providers.FieldError{Field: "name", Msg: "no provider " + name}
	}
	return p, m.tok[name], nil
}

func (m *memState) Record(name string, tok *providers.Token, ev providers.Event) (providers.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return providers.Entry{}, m.fail
	}
	m.tok[name] = tok
	m.events, m.hist[name] = append(m.events, ev), append(m.hist[name], ev)
	return m.entry(name), nil
}

func (m *memState) RecordEvent(name string, ev providers.Event) (providers.Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return providers.Entry{}, m.fail
	}
	m.events, m.hist[name] = append(m.events, ev), append(m.hist[name], ev)
	return m.entry(name), nil
}

// entry is the named provider as m holds it; m.mu is held.
func (m *memState) entry(name string) providers.Entry {
	return providers.Entry{Provider: m.p[name], Token: m.tok[name], History: slices.Clone(m.hist[name]),
		Metadata: m.meta[name].Clone()}
}

func (m *memState) kinds() []providers.EventKind {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ks []providers.EventKind
	for _, e := range m.events {
		ks = append(ks, e.Kind)
	}
	return ks
}

// sortedKeys is m's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// extraBytes is the size Token.AddExtra counts of t's extra fields.
func extraBytes(t *providers.Token) int {
	n := 0
	for _, f := range t.Extra {
		n += len(f.Key) + len(f.Value)
	}
	return n
}
