package demo

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// epoch is the fixed start of the tests' clock: a whole second, so that
// the Date header (whole seconds) and the clock agree exactly.
var epoch = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// testKey is the RSA key every server these tests start signs with,
// generated once per test binary rather than once per server.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		panic("generate the tests' signing key: " + err.Error())
	}
	return k
})

// clock is a fixed clock the tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// wire records what the server received.
type wire struct {
	mu  sync.Mutex
	got []received
}

func (w *wire) observe(r received) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, r)
}

// take returns what was received since the last take.
func (w *wire) take() []received {
	w.mu.Lock()
	defer w.mu.Unlock()
	got := w.got
	w.got = nil
	return got
}

// one returns the only request received since the last take.
func (w *wire) one(t *testing.T) received {
	t.Helper()
	got := w.take()
	if len(got) != 1 {
		t.Fatalf("server received %d requests, want 1: %+v", len(got), paths(got))
	}
	return got[0]
}

func paths(rs []received) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// fixture is a demo server on a fixed clock with a recorder, and an engine
// client on the same clock that does not sleep between retries.
type fixture struct {
	srv    *Server
	wire   *wire
	clock  *clock
	client *oauth.Client
	sleeps *[]time.Duration
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{wire: &wire{}, clock: &clock{t: epoch}, sleeps: new([]time.Duration)}
	srv, err := Start(Options{Now: f.clock.Now, SigningKey: testKey(), observe: f.wire.observe})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	f.srv = srv
	var mu sync.Mutex
	f.client = oauth.NewClient(oauth.Options{
		Now: f.clock.Now,
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			*f.sleeps = append(*f.sleeps, d)
			return ctx.Err()
		},
	})
	return f
}

// preset builds a provider the way a user would: a preset, the token URL
// pointed at the demo server, credentials.
func (f *fixture) preset(t *testing.T, p providers.Provider) providers.Provider {
	t.Helper()
	out, err := providers.ApplyPreset(p)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// demoProvider returns the server's own provider of that name.
func (f *fixture) demoProvider(t *testing.T, name string) providers.Provider {
	t.Helper()
	for _, p := range f.srv.Providers() {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no demo provider %q", name)
	return providers.Provider{}
}

// answer is a raw HTTP answer.
type answer struct {
	status int
	header http.Header
	body   string
}

// send sends a raw request, for the variants the engine would never send.
func (f *fixture) send(t *testing.T, method, path string, header map[string]string, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	f.wire.take()
	return answer{status: res.StatusCode, header: res.Header, body: strings.TrimSpace(string(b))}
}

// basic is an Authorization header value with the parts as given.
func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

const formType = "application/x-www-form-urlencoded"

// expect is what a request must look like on the wire.
type expect struct {
	method, path, rawQuery string
	// header values that must be present exactly; "" means absent.
	header map[string]string
	// form is the body as a form; nil means an empty body.
	form url.Values
}

func checkWire(t *testing.T, got received, want expect) {
	t.Helper()
	if got.Method != want.method || got.Path != want.path {
		t.Errorf("request line = %s %s, want %s %s", got.Method, got.Path, want.method, want.path)
	}
	if got.RawQuery != want.rawQuery {
		t.Errorf("query = %q, want %q", got.RawQuery, want.rawQuery)
	}
	for k, v := range want.header {
		if g := got.Header.Get(k); g != v {
			t.Errorf("header %s = %q, want %q", k, g, v)
		}
	}
	if want.form == nil {
		if len(got.Body) != 0 {
			t.Errorf("body = %q, want none", got.Body)
		}
		return
	}
	form, err := url.ParseQuery(string(got.Body))
	if err != nil {
		t.Fatalf("body %q is not a form: %v", got.Body, err)
	}
	if form.Encode() != want.form.Encode() {
		t.Errorf("form body = %s, want %s", form.Encode(), want.form.Encode())
	}
}

// engineError is err as the engine's *oauth.Error.
func engineError(t *testing.T, err error) *oauth.Error {
	t.Helper()
	var e *oauth.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *oauth.Error", err, err)
	}
	return e
}

// noSecret fails when s shows any of secrets.
func noSecret(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("%q shows a secret", s)
		}
	}
}

// refusal is one request a dialect must refuse, and how.
type refusal struct {
	name         string
	method, path string
	header       map[string]string
	body         string
	status       int
	// answer is the whole body, exactly (JSON compared as text).
	answer string
}

func (f *fixture) checkRefusals(t *testing.T, cases []refusal) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := f.send(t, c.method, c.path, c.header, c.body)
			if got.status != c.status || got.body != c.answer {
				t.Errorf("answer = %d %s\nwant     %d %s", got.status, got.body, c.status, c.answer)
			}
		})
	}
}
