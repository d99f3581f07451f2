package demo

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// approve plays the person on the verification page: it opens page,
// types userCode when the page asks for it, presses the button named
// action, and returns the page it lands on.
func approve(t *testing.T, page, userCode, action string) string {
	t.Helper()
	res, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := url.Values{"action": {action}}
	for _, m := range regexp.MustCompile(`type="hidden" name="([a-z_]+)" value="([^"]*)"`).FindAllStringSubmatch(string(b), -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if strings.Contains(string(b), `type="text" name="user_code"`) {
		form.Set("user_code", userCode)
	}
	act := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindStringSubmatch(string(b))
	if act == nil || !strings.Contains(string(b), ">Approve</button>") {
		t.Fatalf("no approval form at %s: %s", page, b)
	}
	res, err = http.PostForm(html.UnescapeString(act[1]), form) // follows the 303
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(res.Body)
	res.Body.Close()
	return string(b)
}

func deviceProvider(t *testing.T, f *fixture) providers.Provider {
	for _, p := range f.srv.LoginProviders() {
		if p.Name == "oauth2-device" {
			return p
		}
	}
	t.Fatal("no oauth2-device provider")
	return providers.Provider{}
}

// deviceClient is a client whose sleeps move the fixture's clock.
func deviceClient(f *fixture, waits *[]time.Duration) *oauth.Client {
	return oauth.NewClient(oauth.Options{Now: f.clock.Now, Sleep: func(ctx context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		f.clock.Advance(d)
		return ctx.Err()
	}})
}

func TestDeviceGrantApproved(t *testing.T) {
	f := newFixture(t)
	p := deviceProvider(t, f)
	var waits []time.Duration
	c := deviceClient(f, &waits)
	ctx := context.Background()
	da, err := c.StartDevice(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`).MatchString(da.UserCode) ||
		da.VerificationURI != f.srv.URL()+"/oauth2/device" || da.Interval != DefaultDeviceInterval {
		t.Fatalf("device authorization %+v", da)
	}
	// Not approved yet: pending, at the interval.
	f.clock.Advance(da.Interval)
	if got := poll(t, f, p.ClientID, da); got != "authorization_pending" {
		t.Fatalf("poll before approval: %s", got)
	}
	// The person types the code (lower case, no dash, as people do).
	typed := strings.ToLower(strings.ReplaceAll(da.UserCode, "-", ""))
	if page := approve(t, da.VerificationURI, typed, "allow"); !strings.Contains(page, "Approved") {
		t.Fatalf("after approval: %s", page)
	}
	tok, err := c.PollDevice(ctx, p, da)
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken == "" || !strings.HasPrefix(tok.AccessToken.Reveal(), "eyJ") {
		t.Errorf("token %+v", tok)
	}
	if !slices.Equal(waits, []time.Duration{DefaultDeviceInterval}) {
		t.Errorf("waits %v", waits)
	}
	// The device code is good once.
	f.clock.Advance(da.Interval)
	if got := poll(t, f, p.ClientID, da); got != "invalid_grant" {
		t.Errorf("second redemption: %s", got)
	}
	// The token refreshes like any other.
	if _, err := c.Refresh(ctx, p, tok); err != nil {
		t.Errorf("refresh: %v", err)
	}
}

// poll sends one device poll by hand and returns the error code, "" for
// a token.
func poll(t *testing.T, f *fixture, clientID string, da *oauth.DeviceAuthorization) string {
	t.Helper()
	v := url.Values{"grant_type": {providers.DeviceCodeURN}, "device_code": {da.DeviceCode.Reveal()}}
	if clientID != "" {
		v.Set("client_id", clientID)
	}
	res, err := http.PostForm(f.srv.URL()+"/oauth2/token", v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(res.Body).Decode(&m)
	s, _ := m["error"].(string)
	return s
}

func TestDeviceGrantRefusesOffSpec(t *testing.T) {
	f := newFixture(t)
	p := deviceProvider(t, f)
	var waits []time.Duration
	c := deviceClient(f, &waits)
	da, err := c.StartDevice(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(da.Interval)
	if got := poll(t, f, "", da); got != "invalid_client" {
		t.Errorf("a poll without client_id: %s", got)
	}
	if got := poll(t, f, p.ClientID, da); got != "authorization_pending" {
		t.Errorf("a poll at the interval: %s", got)
	}
	f.clock.Advance(time.Second)
	if got := poll(t, f, p.ClientID, da); got != "slow_down" {
		t.Errorf("a poll 1 s after the last: %s", got)
	}
	// slow_down made the interval 10 s: 6 s later is still too soon.
	f.clock.Advance(6 * time.Second)
	if got := poll(t, f, p.ClientID, da); got != "slow_down" {
		t.Errorf("a poll 6 s after slow_down: %s", got)
	}
	f.clock.Advance(15 * time.Second)
	if got := poll(t, f, p.ClientID, da); got != "authorization_pending" {
		t.Errorf("a poll 15 s after slow_down: %s", got)
	}
	// Another client's poll for this code is refused.
	if got := poll(t, f, oauth2ClientID, da); got != "invalid_client" {
		t.Errorf("another client without its secret: %s", got)
	}
}

func TestDeviceGrantDeniedAndExpired(t *testing.T) {
	f := newFixture(t)
	p := deviceProvider(t, f)
	var waits []time.Duration
	c := deviceClient(f, &waits)
	ctx := context.Background()
	da, err := c.StartDevice(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if page := approve(t, da.VerificationURIComplete, "", "deny"); !strings.Contains(page, "Denied") {
		t.Fatalf("after denial: %s", page)
	}
	_, err = c.PollDevice(ctx, p, da)
	var e *oauth.Error
	if !errors.As(err, &e) || e.Code != "access_denied" || e.Description != "the demo user denied the sign-in" {
		t.Fatalf("denied: %v", err)
	}
	// A code nobody approves expires: the server says expired_token.
	da, err = c.StartDevice(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PollDevice(ctx, p, da)
	if !errors.As(err, &e) || e.Code != "expired_token" {
		t.Fatalf("expired: %v", err)
	}
	// The page refuses a code that is unknown.
	if page := approve(t, da.VerificationURI, "BCDF-GHJK", "allow"); !strings.Contains(page, "unknown") {
		t.Errorf("unknown code: %s", page)
	}
}
