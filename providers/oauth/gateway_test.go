package oauth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// nginxPage is nginx's own 502 page, as it sends it.
const nginxPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
	"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// The summary of a gateway's page says its title once, not again for
// the heading that repeats it.
func TestGatewayPageSummarySaysTheTitleOnce(t *testing.T) {
	for _, tc := range []struct{ page, want string }{
		{nginxPage, "502 Bad Gateway nginx"},
		{`<title>Service Unavailable</title><h1>SERVICE   unavailable</h1><p>Try later.</p><p>Try later.</p>`,
			"Service Unavailable Try later."},
		// A heading that says more than the title stays whole.
		{`<title>Error</title><h1>Error 502: upstream failed</h1>`, "Error Error 502: upstream failed"},
		// The words of a text, not any part of them: "Bad" is not in "Badge".
		{`<b>Badge</b><i>Bad</i>`, "Badge Bad"},
		{`plain text &amp; no tags`, "plain text & no tags"},
	} {
		if got := bodyStart([]byte(tc.page), newRedactor(providers.Provider{})); got != tc.want {
			t.Errorf("bodyStart(%q) = %q, want %q", tc.page, got, tc.want)
		}
	}
}

// A proxy's or gateway's page gets a hint that says what it means; the
// server's own words at the same status keep theirs.
func TestGatewayPageHints(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		kv     []string
		hint   string
	}{
		{502, nginxPage, nil, "a proxy or gateway in front of the server got no valid answer from it: the server behind it is down or failing; try again later"},
		{504, "<html><title>504 Gateway Time-out</title></html>", nil,
			"a proxy or gateway in front of the server gave up waiting for it: the server behind it is slow or unreachable; try again later"},
		{503, "<html><h1>503 Service Unavailable</h1></html>", nil,
			"the server, or a proxy or gateway in front of it, is unavailable (down, overloaded or in maintenance); try again later"},
		{503, "Service Unavailable", []string{"Retry-After", "120"},
			"the server, or a proxy or gateway in front of it, is unavailable (down, overloaded or in maintenance): it asks to wait 2m before trying again"},
		{502, `{"error":"server_error","error_description":"upstream"}`, nil, "the server failed; try again later"},
	} {
		srv := serve(t, answer(tc.status, tc.body, append([]string{"Content-Type", "text/html"}, tc.kv...)...))
		e := fetchErr(t, NewClient(Options{MaxRetries: -1}), oauth2Provider(t, srv.URL()))
		if e.Hint != tc.hint {
			t.Errorf("%d %q: hint %q\nwant       %q", tc.status, tc.body, e.Hint, tc.hint)
		}
	}
}

// An error for an answer names the request it came to; the URL shows
// without its query, which may carry secrets.
func TestErrorNamesTheRequest(t *testing.T) {
	srv := serve(t, answer(401, `{"error":"invalid_client"}`))
	p := oauth2Provider(t, srv.URL())
	p.TokenURL += "?api_key=" + testSecret
	e := fetchErr(t, NewClient(Options{MaxRetries: -1}), p)
	if e.Method != "POST" || e.URL != srv.URL()+"/token?…" {
		t.Errorf("request named %q %q", e.Method, e.URL)
	}
	want := "fetch token for idp: HTTP 401 Unauthorized: invalid_client (POST " + srv.URL() + "/token?…)"
	if e.Error() != want || strings.Contains(e.Error(), "api_key") {
		t.Errorf("Error() = %q\nwant      %q", e.Error(), want)
	}

	// No answer: the network error names the request itself, once.
	p = oauth2Provider(t, "http://127.0.0.1:1")
	_, err := NewClient(Options{MaxRetries: -1}).Fetch(context.Background(), p)
	if !errors.As(err, &e) || e.Status != 0 || strings.Contains(e.Error(), "(POST") {
		t.Errorf("network error = %v", err)
	}
}

// The name of a request drops its user information, query and fragment.
func TestRequestNamed(t *testing.T) {
	red := newRedactor(providers.Provider{})
	for _, tc := range []struct {
		rq   request
		want string
	}{
		{request{method: "GET", url: "https://idp.example/logout"}, "https://idp.example/logout"},
		{request{method: "GET", url: "https://user:" + testPassword + "@idp.example/a#frag"}, "https://idp.example/a"},
		{request{method: "POST", url: "https://idp.example/token", query: form{{key: "grant_type", value: "password"}}}, "https://idp.example/token?…"},
		{request{method: "POST", url: "https://idp.example/token?"}, "https://idp.example/token?…"},
	} {
		m, u := tc.rq.named(red)
		if m != tc.rq.method || u != tc.want {
			t.Errorf("named(%q) = %q %q, want %q", tc.rq.url, m, u, tc.want)
		}
	}
}
