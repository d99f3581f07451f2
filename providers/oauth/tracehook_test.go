package oauth

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// TestWithTraceHandsTheTraceTextToTheHook checks that a hook set on the
// context gets every exchange of the call, each with the text the trace
// writer gets, secrets masked alike, while a call without it gets none.
func TestWithTraceHandsTheTraceTextToTheHook(t *testing.T) {
	body := `{"access_token":"AT-very-secret","refresh_token":"RT-very-secret","expires_in":"3600"}`
	srv := serve(t, answer(503, "busy"), answer(200, body, "Set-Cookie", "session=SESSION-SECRET"), answer(200, body))
	p := presetAt(t, "telenor", srv.URL())
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace, Sleep: (&sleeps{}).sleep})
	var mu sync.Mutex
	var got []Exchange
	ctx := WithTrace(context.Background(), func(x Exchange) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, x)
	})
	if _, err := c.Fetch(ctx, p); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("the hook got %d exchanges, want 2 (one retry)", len(got))
	}
	if got[0].Status != 503 || got[1].Status != 200 || got[1].Method != "POST" || got[1].URL != srv.URL()+"/token" {
		t.Errorf("exchanges = %+v", got)
	}
	if joined := got[0].Text + got[1].Text; joined != trace.String() {
		t.Errorf("the hook's text is not the trace's:\nhook:\n%s\ntrace:\n%s", joined, trace.String())
	}
	for _, x := range got {
		assertNoSecret(t, "hook", x.Text)
		for _, s := range []string{"AT-very-secret", "RT-very-secret", "SESSION-SECRET"} {
			if strings.Contains(x.Text, s) {
				t.Errorf("the hook's text shows %q", s)
			}
		}
	}
	got = nil
	if _, err := c.Fetch(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("a call without the hook reached it: %d exchanges", len(got))
	}
}

// TestTryResultHoldsTheWholeAnswerMasked checks that a try's result
// carries the status line, the headers and the whole body, with the token
// and the provider's secrets masked in each as the trace masks them.
func TestTryResultHoldsTheWholeAnswerMasked(t *testing.T) {
	long := strings.Repeat("x", 4000)
	echo := `{"echo":"Bearer AT-very-secret-token","key":"` + testSubKey + `","long":"` + long + `"}`
	srv := serve(t, answer(200, echo, "X-Echo", "AT-very-secret-token", "Set-Cookie", "sid=SESSION-SECRET; Path=/"))
	p := presetAt(t, "telenor", srv.URL())
	p.TryURL = srv.URL() + "/api"
	tok := &providers.Token{AccessToken: "AT-very-secret-token", TokenType: "Bearer"}
	res, err := NewClient(Options{}).Try(context.Background(), p, tok)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusLine != "HTTP/1.1 200 OK" {
		t.Errorf("status line %q", res.StatusLine)
	}
	if got := res.Header.Get("X-Echo"); got != "****" {
		t.Errorf("X-Echo = %q, want masked", got)
	}
	if got := res.Header.Get("Set-Cookie"); got != "sid=****" {
		t.Errorf("Set-Cookie = %q, want its value masked", got)
	}
	want := `{"echo":"Bearer ****","key":"****","long":"` + long + `"}`
	if string(res.Body) != want {
		t.Errorf("body = %.200q…, want the whole body masked", res.Body)
	}
	assertNoSecret(t, "try body", string(res.Body))
}
