package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// deviceAS is an authorization server that keeps to RFC 8628 to the
// letter, on a clock of its own that the client's sleeps move: its
// /device refuses a request without client_id (or, for a confidential
// client, without its Basic credentials), and its /token refuses a poll
// without them, one with another grant_type or device code, and answers
// slow_down to a poll sooner than its interval after the last one, adding
// 5 s to that interval (§3.5); a second poll too soon is refused outright,
// as a client that ignores slow_down deserves.
type deviceAS struct {
	mu  sync.Mutex
	srv *httptest.Server
	now time.Time
	// noExpiry leaves expires_in out of /device's answer, as servers
	// that ignore RFC 8628 §3.2 do.
	noExpiry bool
	// announce is the interval /device sends (0: none); interval is the
	// one /token holds polls to, announce (or 5 s) at first.
	announce, interval time.Duration
	// slowAt is the poll that answers slow_down whatever its time, as a
	// server under load does (0: none).
	slowAt int
	// pending is how many polls answer authorization_pending first; then
	// the poll answers final, or a token when final is "".
	pending int
	final   string
	secret  string // the client secret of a confidential client ("" public)
	polls   int
	tooSoon int
	last    time.Time
	refused []string // why requests were refused
}

const (
	deviceClient = "tv-app"
	deviceCode   = "dc-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
)

func newDeviceAS(t *testing.T) *deviceAS {
	as := &deviceAS{now: fixedNow, announce: time.Second}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /device", as.device)
	mux.HandleFunc("POST /token", as.token)
	as.srv = httptest.NewServer(mux)
	t.Cleanup(as.srv.Close)
	return as
}

// client is a Client whose sleeps move the server's clock (and record the
// waits), on that same clock.
func (as *deviceAS) client(s *sleeps, trace *bytes.Buffer) *Client {
	o := Options{
		Now: func() time.Time { as.mu.Lock(); defer as.mu.Unlock(); return as.now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			as.mu.Lock()
			as.now = as.now.Add(d)
			as.mu.Unlock()
			return s.sleep(ctx, d)
		},
	}
	if trace != nil {
		o.Trace = trace
	}
	return NewClient(o)
}

func (as *deviceAS) refuse(w http.ResponseWriter, code, why string) {
	as.refused = append(as.refused, why)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": why})
}

// authenticated reports why r's client is not deviceClient, or "".
func (as *deviceAS) authenticated(r *http.Request) string {
	if as.secret == "" {
		if _, _, ok := r.BasicAuth(); ok || r.PostForm.Has("client_secret") {
			return "a public client sent a secret"
		}
		if r.PostForm.Get("client_id") != deviceClient {
			return "missing client_id"
		}
		return ""
	}
	id, secret, ok := r.BasicAuth()
	if !ok || id != deviceClient || secret != as.secret {
		return "no Basic credentials"
	}
	return ""
}

func (as *deviceAS) device(w http.ResponseWriter, r *http.Request) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if r.Header.Get("Content-Type") != contentForm || r.ParseForm() != nil {
		as.refuse(w, "invalid_request", "not a form")
		return
	}
	if why := as.authenticated(r); why != "" {
		as.refuse(w, "invalid_client", why)
		return
	}
	m := map[string]any{"device_code": deviceCode, "user_code": "WDJB-MJHT",
		"verification_uri":          as.srv.URL + "/activate",
		"verification_uri_complete": as.srv.URL + "/activate?user_code=WDJB-MJHT", "expires_in": 600}
	if as.announce > 0 {
		m["interval"] = int(as.announce / time.Second)
	}
	if as.noExpiry {
		delete(m, "expires_in")
	}
	if s := r.PostForm.Get("scope"); s != "" {
		m["scope_seen"] = s
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(m)
}

func (as *deviceAS) token(w http.ResponseWriter, r *http.Request) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if r.ParseForm() != nil {
		as.refuse(w, "invalid_request", "not a form")
		return
	}
	if why := as.authenticated(r); why != "" {
		as.refuse(w, "invalid_client", why)
		return
	}
	if r.PostForm.Get("grant_type") != providers.DeviceCodeURN || r.PostForm.Get("device_code") != deviceCode {
		as.refuse(w, "invalid_grant", "not this device code's grant")
		return
	}
	as.polls++
	if as.interval == 0 {
		as.interval = as.announce
		if as.interval == 0 {
			as.interval = 5 * time.Second
		}
	}
	soon := !as.last.IsZero() && as.now.Sub(as.last) < as.interval
	if soon {
		as.tooSoon++
	}
	if soon && as.tooSoon > 1 {
		as.last = as.now
		as.refuse(w, "invalid_request", "polled too fast after slow_down")
		return
	}
	if soon || as.polls == as.slowAt {
		as.last = as.now
		as.interval += 5 * time.Second
		as.refuse(w, "slow_down", "")
		return
	}
	as.last = as.now
	if as.pending > 0 {
		as.pending--
		as.refuse(w, "authorization_pending", "")
		return
	}
	if as.final != "" {
		as.refuse(w, as.final, "the user said no \x1b[31m")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"access_token":"AT-device-1","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-device-1"}`)
}

func deviceProvider(t *testing.T, url string, grant providers.Grant, auth providers.ClientAuth, secret string) providers.Provider {
	t.Helper()
	p, err := providers.ApplyPreset(providers.Provider{Name: "tv", Preset: "oauth2", TokenURL: url + "/token",
		DeviceAuthorizationURL: url + "/device", Grant: grant, ClientAuth: auth, ClientID: deviceClient,
		ClientSecret: providers.Secret(secret), Scope: "openid offline_access"})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDeviceLoginPublicClient(t *testing.T) {
	as := newDeviceAS(t)
	as.pending = 2
	s := &sleeps{}
	var trace bytes.Buffer
	c := as.client(s, &trace)
	p := deviceProvider(t, as.srv.URL, providers.GrantDeviceCode, providers.AuthNone, "")
	da, err := c.StartDevice(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if da.UserCode != "WDJB-MJHT" || da.VerificationURI != as.srv.URL+"/activate" ||
		da.VerificationURIComplete != as.srv.URL+"/activate?user_code=WDJB-MJHT" || da.Interval != time.Second {
		t.Fatalf("device authorization = %+v", da)
	}
	if !da.Expires.Equal(fixedNow.Add(600 * time.Second)) {
		t.Errorf("expires %v, want 600 s after %v", da.Expires, fixedNow)
	}
	st := newMemState(p)
	out, err := c.DeviceLogin(context.Background(), st, "tv", da)
	if err != nil {
		t.Fatalf("DeviceLogin: %v (refused: %v)", err, as.refused)
	}
	if out.Token.AccessToken.Reveal() != "AT-device-1" || out.Token.RefreshToken.Reveal() != "RT-device-1" {
		t.Errorf("token %+v", out.Token)
	}
	if got := st.tok["tv"]; got == nil || got.AccessToken.Reveal() != "AT-device-1" {
		t.Errorf("stored %+v", got)
	}
	if !strings.HasPrefix(out.Event.Detail, "device login") {
		t.Errorf("event %q", out.Event.Detail)
	}
	if want := []time.Duration{time.Second, time.Second, time.Second}; !slices.Equal(s.all(), want) {
		t.Errorf("waits %v, want %v", s.all(), want)
	}
	if as.polls != 3 || len(as.refused) != 2 {
		t.Errorf("polls %d, refused %v", as.polls, as.refused)
	}
	tr := trace.String()
	for _, secret := range []string{deviceCode, "AT-device-1", "RT-device-1"} {
		if strings.Contains(tr, secret) {
			t.Errorf("the trace shows %s:\n%s", secret, tr)
		}
	}
	if !strings.Contains(tr, "device_code=****") || !strings.Contains(tr, `"device_code":"****"`) {
		t.Errorf("the trace does not show the device code masked in the request and the answer:\n%s", tr)
	}
	if !strings.Contains(tr, "client_id="+deviceClient) {
		t.Errorf("the trace shows no client_id:\n%s", tr)
	}
}

func TestDevicePollWithoutClientIDIsRefused(t *testing.T) {
	// The server itself: a poll that leaves client_id out (the bug of two
	// peers) is refused, so the tests above could not pass without it.
	as := newDeviceAS(t)
	res, err := http.PostForm(as.srv.URL+"/token", map[string][]string{
		"grant_type": {providers.DeviceCodeURN}, "device_code": {deviceCode}})
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !slices.Equal(as.refused, []string{"missing client_id"}) {
		t.Fatalf("status %d, refused %v", res.StatusCode, as.refused)
	}
}

func TestDevicePollTooSoonIsSlowedThenRefused(t *testing.T) {
	// The server itself: a poll sooner than the interval is told to slow
	// down, and one sooner than the interval slow_down raised is refused.
	as := newDeviceAS(t)
	poll := func() string {
		res, err := http.PostForm(as.srv.URL+"/token", map[string][]string{"client_id": {deviceClient},
			"grant_type": {providers.DeviceCodeURN}, "device_code": {deviceCode}})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		var m map[string]string
		_ = json.NewDecoder(res.Body).Decode(&m)
		return m["error"]
	}
	wait := func(d time.Duration) {
		as.mu.Lock()
		as.now = as.now.Add(d)
		as.mu.Unlock()
	}
	as.mu.Lock()
	as.pending = 10
	as.mu.Unlock()
	got := []string{poll()}
	wait(500 * time.Millisecond)
	got = append(got, poll())
	wait(time.Second)
	got = append(got, poll())
	if want := []string{"authorization_pending", "slow_down", "invalid_request"}; !slices.Equal(got, want) {
		t.Fatalf("answers %v, want %v", got, want)
	}
}

func TestDeviceLoginURNAndConfidentialClient(t *testing.T) {
	as := newDeviceAS(t)
	as.secret = "s3cr3t-device-client"
	as.pending = 1
	s := &sleeps{}
	var trace bytes.Buffer
	c := as.client(s, &trace)
	p := deviceProvider(t, as.srv.URL, providers.DeviceCodeURN, providers.AuthBasic, as.secret)
	da, err := c.StartDevice(context.Background(), p)
	if err != nil {
		t.Fatalf("%v (refused %v)", err, as.refused)
	}
	tok, err := c.PollDevice(context.Background(), p, da)
	if err != nil || tok.AccessToken.Reveal() != "AT-device-1" {
		t.Fatalf("token %v, %v (refused %v)", tok, err, as.refused)
	}
	if strings.Contains(trace.String(), as.secret) || strings.Contains(trace.String(), "client_secret") {
		t.Errorf("the trace shows the secret:\n%s", trace.String())
	}
}

func TestDeviceSlowDownAddsFiveSeconds(t *testing.T) {
	// The second poll is told to slow down: the server holds the polls
	// after it to 6 s, and refuses one sooner.
	as := newDeviceAS(t)
	as.slowAt = 2
	as.pending = 3
	s := &sleeps{}
	c := as.client(s, nil)
	p := deviceProvider(t, as.srv.URL, providers.GrantDeviceCode, providers.AuthNone, "")
	da, err := c.StartDevice(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PollDevice(context.Background(), p, da); err != nil {
		t.Fatalf("%v (refused %v)", err, as.refused)
	}
	want := []time.Duration{time.Second, time.Second, 6 * time.Second, 6 * time.Second, 6 * time.Second}
	if !slices.Equal(s.all(), want) {
		t.Errorf("waits %v, want %v", s.all(), want)
	}
	if as.tooSoon != 0 {
		t.Errorf("%d polls too soon (refused %v)", as.tooSoon, as.refused)
	}
}

func TestDeviceIntervalDefaultsToFiveSeconds(t *testing.T) {
	as := newDeviceAS(t)
	as.announce = 0
	s := &sleeps{}
	c := as.client(s, nil)
	p := deviceProvider(t, as.srv.URL, providers.GrantDeviceCode, providers.AuthNone, "")
	da, err := c.StartDevice(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PollDevice(context.Background(), p, da); err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{5 * time.Second}; !slices.Equal(s.all(), want) {
		t.Errorf("waits %v, want %v", s.all(), want)
	}
}

func TestDeviceRefusals(t *testing.T) {
	for _, code := range []string{"access_denied", "expired_token"} {
		t.Run(code, func(t *testing.T) {
			as := newDeviceAS(t)
			as.pending, as.final = 1, code
			c := as.client(&sleeps{}, nil)
			p := deviceProvider(t, as.srv.URL, providers.GrantDeviceCode, providers.AuthNone, "")
			da, err := c.StartDevice(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			st := newMemState(p)
			_, err = c.DeviceLogin(context.Background(), st, "tv", da)
			var e *Error
			if !errors.As(err, &e) || e.Code != code || !strings.Contains(e.Description, "the user said no") {
				t.Fatalf("err = %#v", err)
			}
			if !strings.Contains(e.Hint, "tokenscope login tv") {
				t.Errorf("hint %q", e.Hint)
			}
			if st.tok["tv"] != nil {
				t.Errorf("stored %v", st.tok["tv"])
			}
			if k := st.kinds(); len(k) != 1 || k[0] != providers.EventFailed {
				t.Errorf("events %v", k)
			}
		})
	}
}

func TestDeviceExpiresOnItsOwn(t *testing.T) {
	// A server that says authorization_pending for ever: the login stops
	// when expires_in has passed, on the client's clock.
	as := newDeviceAS(t)
	as.pending = 1 << 30
	c := as.client(&sleeps{}, nil)
	p := deviceProvider(t, as.srv.URL, providers.GrantDeviceCode, providers.AuthNone, "")
	da, err := c.StartDevice(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PollDevice(context.Background(), p, da)
	if !errors.Is(err, ErrDeviceExpired) {
		t.Fatalf("err = %v", err)
	}
	if as.polls < 599 || as.polls > 602 {
		t.Errorf("%d polls in 600 s at 1 s", as.polls)
	}
}

func TestDeviceWithoutExpiresInGivesUp(t *testing.T) {
	// A server that leaves expires_in out and says authorization_pending
	// for ever: the login stops on its own after DefaultDeviceLifetime,
	// and says the bound was tokenscope's, not the server's.
	as := newDeviceAS(t)
	as.pending, as.noExpiry = 1<<30, true
	c := as.client(&sleeps{}, nil)
	p := deviceProvider(t, as.srv.URL, providers.GrantDeviceCode, providers.AuthNone, "")
	da, err := c.StartDevice(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !da.ExpiryAssumed || !da.Expires.Equal(fixedNow.Add(15*time.Minute)) {
		t.Fatalf("expires %v, assumed %t: want 15m from now, assumed", da.Expires, da.ExpiryAssumed)
	}
	_, err = c.PollDevice(context.Background(), p, da)
	if !errors.Is(err, ErrDeviceGaveUp) || errors.Is(err, ErrDeviceExpired) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "the server gave no expiry") {
		t.Errorf("err %q does not say the server gave no expiry", err)
	}
	if as.polls < 899 || as.polls > 902 {
		t.Errorf("%d polls in 900 s at 1 s", as.polls)
	}
}

func TestDeviceCancel(t *testing.T) {
	as := newDeviceAS(t)
	as.pending = 1 << 30
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	c := NewClient(Options{Sleep: func(ctx context.Context, d time.Duration) error {
		if n++; n == 3 {
			cancel()
		}
		return ctx.Err()
	}})
	p := deviceProvider(t, as.srv.URL, providers.GrantDeviceCode, providers.AuthNone, "")
	da, err := c.StartDevice(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PollDevice(ctx, p, da); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestDeviceFetchNeedsLogin(t *testing.T) {
	// Fetch never starts a device login: it says to run login.
	p := deviceProvider(t, "http://127.0.0.1:1", providers.GrantDeviceCode, providers.AuthNone, "")
	_, err := testClient(nil).Fetch(context.Background(), p)
	var e *Error
	if !errors.Is(err, ErrLoginRequired) || !errors.As(err, &e) || e.Hint != "tokenscope login tv" {
		t.Fatalf("err = %v", err)
	}
}

func TestParseDevice(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"user_code":"A","verification_uri":"https://x"}`, "no device_code"},
		{`{"device_code":"d","verification_uri":"https://x"}`, "no user_code"},
		{`{"device_code":"d","user_code":"A"}`, "no verification_uri"},
		{`{"device_code":"d","user_code":"A","verification_uri":"https://x","interval":1.5}`, "interval"},
		{`{"device_code":"d","user_code":"A","verification_uri":"https://x","expires_in":-1}`, "expires_in"},
		{`<html>`, "not a JSON object"},
	} {
		if _, err := parseDevice([]byte(tc.body), fixedNow); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.body, err, tc.want)
		}
	}
	da, err := parseDevice([]byte(`{"device_code":"d","user_code":"A","verification_url":"https://g/device"}`), fixedNow)
	if err != nil || da.VerificationURI != "https://g/device" || da.Interval != 5*time.Second ||
		!da.ExpiryAssumed || !da.Expires.Equal(fixedNow.Add(providers.DefaultDeviceLifetime*time.Second)) {
		t.Errorf("Google's verification_url: %+v, %v", da, err)
	}
}

func TestDeviceCurlCommand(t *testing.T) {
	p := deviceProvider(t, "https://idp.example", providers.GrantDeviceCode, providers.AuthNone, "")
	got := CurlCommand(p)
	for _, want := range []string{"https://idp.example/device", "https://idp.example/token",
		"grant_type=urn:ietf:params:oauth:grant-type:device_code", `"device_code=$DEVICE_CODE"`, "client_id=tv-app"} {
		if !strings.Contains(got, want) {
			t.Errorf("curl command lacks %q:\n%s", want, got)
		}
	}
}

// FuzzParseDevice: any device authorization response is parsed without
// panicking, and what is accepted has the codes, the page and an interval.
func FuzzParseDevice(f *testing.F) {
	for _, s := range []string{
		`{"device_code":"d","user_code":"A","verification_uri":"https://x","expires_in":600,"interval":5}`,
		`{"device_code":"d","user_code":"A","verification_url":"https://x"}`,
		`{"device_code":"d","user_code":"A","verification_uri":"https://x","interval":1e400}`,
		`{"device_code":"d","user_code":"A","verification_uri":"https://x","expires_in":9223372036854775807}`,
		`{"device_code":1}`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		da, err := parseDevice(body, fixedNow)
		if err != nil {
			return
		}
		if da.DeviceCode == "" || da.UserCode == "" || da.VerificationURI == "" || da.Interval <= 0 ||
			(!da.Expires.IsZero() && !da.Expires.After(fixedNow)) {
			t.Fatalf("accepted %q as %+v", body, da)
		}
	})
}
