package oauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

func TestRetried503Then200(t *testing.T) {
	srv := serve(t, answer(503, "busy"), answer(200, tokenJSON))
	var s sleeps
	tok, err := testClient(&s).Fetch(context.Background(), oauth2Provider(t, srv.URL()))
	if err != nil || tok.AccessToken != "AT-1" {
		t.Fatalf("Fetch = %v, %v", tok, err)
	}
	if n := len(srv.got()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if d := s.all(); len(d) != 1 || d[0] < 0 || d[0] >= backoffBase {
		t.Errorf("slept %v, want one delay in [0, %v)", d, backoffBase)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	date := fixedNow.Add(-time.Hour) // the server's clock is an hour behind: its own Date counts
	for _, tc := range []struct {
		name string
		h    []string
		want time.Duration
	}{
		{"seconds", []string{"Retry-After", "2"}, 2 * time.Second},
		{"http date", []string{"Retry-After", date.Add(7 * time.Second).Format(http.TimeFormat), "Date", date.Format(http.TimeFormat)}, 7 * time.Second},
		{"date in the past", []string{"Retry-After", date.Format(http.TimeFormat), "Date", date.Add(time.Second).Format(http.TimeFormat)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, answer(429, `{"error":"slow_down"}`, tc.h...), answer(429, "", tc.h...), answer(200, tokenJSON))
			var s sleeps
			if _, err := testClient(&s).Fetch(context.Background(), oauth2Provider(t, srv.URL())); err != nil {
				t.Fatal(err)
			}
			if d := s.all(); len(d) != 2 || d[0] != tc.want || d[1] != tc.want {
				t.Errorf("slept %v, want [%v %v]", d, tc.want, tc.want)
			}
		})
	}
}

func TestRetryAfterTooLongIsReportedNotWaited(t *testing.T) {
	srv := serve(t, answer(429, "", "Retry-After", "120"))
	var s sleeps
	e := fetchErr(t, testClient(&s), oauth2Provider(t, srv.URL()))
	if len(s.all()) != 0 || len(srv.got()) != 1 {
		t.Errorf("slept %v over %d requests", s.all(), len(srv.got()))
	}
	if e.Status != 429 || e.Hint != "rate limited: the server asks to wait 2m before trying again" {
		t.Errorf("status %d hint %q", e.Status, e.Hint)
	}
}

func TestNeverRetried4xx(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 415} {
		srv := serve(t, answer(status, `{"error":"invalid_client"}`))
		var s sleeps
		e := fetchErr(t, testClient(&s), oauth2Provider(t, srv.URL()))
		if len(srv.got()) != 1 || len(s.all()) != 0 || e.Attempts != 1 {
			t.Errorf("%d: %d requests, slept %v, attempts %d", status, len(srv.got()), s.all(), e.Attempts)
		}
	}
}

func Test505RetriedThreeTimesWithGrowingJitter(t *testing.T) {
	srv := serve(t, answer(505, `{"error":"server_error","error_description":"Internal server error"}`))
	var s sleeps
	e := fetchErr(t, testClient(&s), presetAt(t, "mobifinance", srv.URL()))
	if len(srv.got()) != 4 || e.Attempts != 4 || e.Status != 505 {
		t.Fatalf("%d requests, attempts %d, status %d", len(srv.got()), e.Attempts, e.Status)
	}
	d := s.all()
	for i, ceiling := range []time.Duration{backoffBase, 2 * backoffBase, 4 * backoffBase} {
		if d[i] < 0 || d[i] >= ceiling {
			t.Errorf("delay %d = %v, want in [0, %v)", i+1, d[i], ceiling)
		}
	}
	want := "fetch token for mobifinance: HTTP 505 HTTP Version Not Supported: server_error: Internal server error (POST " + srv.URL() + "/token?…, after 4 attempts)"
	if e.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", e.Error(), want)
	}
}

func TestJitterIsFullAndCapped(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 200 {
		d := jitter(10)
		if d < 0 || d >= backoffCap {
			t.Fatalf("jitter(10) = %v, want in [0, %v)", d, backoffCap)
		}
		seen[d] = true
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct delays in 200: not jittered", len(seen))
	}
}

func TestMaxRetriesOption(t *testing.T) {
	for _, tc := range []struct{ opt, want int }{{-1, 1}, {1, 2}, {10, 4}} {
		srv := serve(t, answer(500, ""))
		var s sleeps
		c := NewClient(Options{MaxRetries: tc.opt, Sleep: s.sleep})
		fetchErr(t, c, oauth2Provider(t, srv.URL()))
		if n := len(srv.got()); n != tc.want {
			t.Errorf("MaxRetries %d: %d requests, want %d", tc.opt, n, tc.want)
		}
	}
}

func TestNetworkErrorRetried(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close() // the connection drops without an answer
		}
	}, answer(200, tokenJSON))
	var s sleeps
	tok, err := testClient(&s).Fetch(context.Background(), oauth2Provider(t, srv.URL()))
	if err != nil || tok.AccessToken != "AT-1" || len(s.all()) != 1 {
		t.Errorf("Fetch = %v, %v after sleeping %v", tok, err, s.all())
	}
}

func TestSlowServerTimesOutInTime(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	p := oauth2Provider(t, srv.URL())
	p.Timeout = 300 * time.Millisecond
	start := time.Now()
	_, err := NewClient(Options{}).Fetch(context.Background(), p)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 300ms (timeout)") {
		t.Errorf("err = %v", err)
	}
	if took > 2*time.Second {
		t.Errorf("gave up after %v for a 300ms timeout", took)
	}
	var e *Error
	if errors.As(err, &e) && !strings.Contains(e.Hint, "raise timeout") {
		t.Errorf("hint = %q", e.Hint)
	}
}

func TestHugeBodyRefused(t *testing.T) {
	big := strings.Repeat("x", 10<<20)
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"with length", answer(200, big)},
		{"a gateway page", answer(502, big)},
		{"chunked", func(w http.ResponseWriter, _ *http.Request) {
			for i := 0; i < 10; i++ {
				_, _ = w.Write([]byte(big[:1<<20]))
				w.(http.Flusher).Flush()
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, tc.h)
			e := fetchErr(t, testClient(nil), oauth2Provider(t, srv.URL()))
			if !errors.Is(e, errBodyTooLarge) || !strings.Contains(e.Error(), "larger than 1 MiB") || len(srv.got()) != 1 {
				t.Errorf("%d requests: %v", len(srv.got()), e)
			}
			want := 200
			if tc.name == "a gateway page" {
				want = 502
			}
			if e.Status != want || !strings.Contains(e.Error(), fmt.Sprintf("HTTP %d", want)) {
				t.Errorf("error = %v (status %d), want the answer's status %d", e, e.Status, want)
			}
		})
	}
}

func TestMalformedOrEmptySuccess(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`{"access_token": "abc-7f3e", "expires_in": 3600`, "fetch token for idp: HTTP 200 OK: " +
			`"{"access_token": "****", "expires_in": 3600": token response is not JSON: unexpected end of JSON input`},
		{`{"token_type":"Bearer"}`, "token response has no access_token (members: token_type)"},
		{`<html>Welcome to nginx!</html>`, `HTTP 200 OK: "Welcome to nginx!": token response is not JSON`},
		{`{"error":"invalid_client","error_description":"bad secret"}`, "HTTP 200 OK: invalid_client: bad secret"},
	} {
		srv := serve(t, answer(200, tc.body))
		e := fetchErr(t, testClient(nil), oauth2Provider(t, srv.URL()))
		got := e.Error()
		if !strings.Contains(got, tc.want) {
			t.Errorf("body %s:\n%s\nwant it to contain\n%s", tc.body, got, tc.want)
		}
	}
}

func TestRedirectIsNotFollowedWithCredentials(t *testing.T) {
	elsewhere := serve(t, answer(200, tokenJSON))
	for _, status := range []int{301, 302, 307, 308} {
		srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL()+"/token", status)
		})
		p := oauth2Provider(t, srv.URL())
		p.ClientAuth = providers.AuthBody // credentials in the body a 307 would re-send
		e := fetchErr(t, testClient(nil), p)
		if e.Status != status || !strings.Contains(e.Description, "redirected to "+elsewhere.URL()+"/token") ||
			e.Hint != "the URL redirects: configure the URL it points to" {
			t.Errorf("%d: %v (hint %q)", status, e, e.Hint)
		}
	}
	if n := len(elsewhere.got()); n != 0 {
		t.Errorf("the redirect target received %d requests", n)
	}
}

func TestCancellationStopsRetries(t *testing.T) {
	srv := serve(t, answer(503, ""))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := NewClient(Options{}).Fetch(ctx, oauth2Provider(t, srv.URL()))
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Errorf("after %v: %v", time.Since(start), err)
	}
}

func TestTLSVerifiedUnlessInsecure(t *testing.T) {
	srv := httptest.NewUnstartedServer(answer(200, tokenJSON))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	p := oauth2Provider(t, srv.URL)
	var s sleeps
	c := NewClient(Options{Sleep: s.sleep})
	_, err := c.Fetch(context.Background(), p)
	var e *Error
	if !errors.As(err, &e) || e.Attempts != 1 || !strings.Contains(e.Error(), "certificate") || !strings.Contains(e.Hint, "insecure") {
		t.Fatalf("self-signed certificate accepted or retried: %v", err)
	}
	p.Insecure = true
	if tok, err := c.Fetch(context.Background(), p); err != nil || tok.AccessToken != "AT-1" {
		t.Errorf("insecure provider: %v, %v", tok, err)
	}
}
