package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// metadataServer is an authorization server whose handler at each path
// answers as given; it records the paths asked for, in order.
type metadataServer struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newMetadataServer(t *testing.T, routes map[string]func(w http.ResponseWriter, base string)) *metadataServer {
	t.Helper()
	ms := &metadataServer{}
	ms.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ms.mu.Lock()
		ms.paths = append(ms.paths, r.URL.Path)
		ms.mu.Unlock()
		if h, ok := routes[r.URL.Path]; ok {
			h(w, ms.URL)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(ms.Close)
	return ms
}

func (ms *metadataServer) asked() []string {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return append([]string(nil), ms.paths...)
}

// metadataJSON answers a metadata document naming issuer.
func metadataJSON(issuer string) func(http.ResponseWriter, string) {
	return func(w http.ResponseWriter, base string) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"token_endpoint":%q,"authorization_endpoint":%q,
			"grant_types_supported":["authorization_code","client_credentials"],
			"code_challenge_methods_supported":["S256"],"x_unknown":{"a":1}}`,
			strings.ReplaceAll(issuer, "BASE", base), base+"/token", base+"/authorize")
	}
}

func discoverClient() *Client {
	return NewClient(Options{Now: func() time.Time { return fixedNow }, MaxRetries: -1})
}

func TestDiscoverInsertsTheIssuerPath(t *testing.T) {
	ms := newMetadataServer(t, map[string]func(http.ResponseWriter, string){
		"/.well-known/oauth-authorization-server/tenant/v2": metadataJSON("BASE/tenant/v2"),
	})
	issuer := ms.URL + "/tenant/v2"
	m, err := discoverClient().Discover(context.Background(), issuer)
	if err != nil {
		t.Fatal(err)
	}
	if m.Issuer != issuer || m.TokenEndpoint != ms.URL+"/token" || m.AuthorizationEndpoint != ms.URL+"/authorize" {
		t.Errorf("metadata = %+v", m)
	}
	if got := strings.Join(m.GrantTypesSupported, ","); got != "authorization_code,client_credentials" {
		t.Errorf("grant types = %q", got)
	}
	if m.Source != ms.URL+"/.well-known/oauth-authorization-server/tenant/v2" || !m.FetchedAt.Equal(fixedNow) {
		t.Errorf("source %q fetched %v", m.Source, m.FetchedAt)
	}
	if got := ms.asked(); len(got) != 1 {
		t.Errorf("asked for %q, want the RFC 8414 document only", got)
	}
}

func TestDiscoverFallsBackToOpenIDConnect(t *testing.T) {
	ms := newMetadataServer(t, map[string]func(http.ResponseWriter, string){
		"/tenant/.well-known/openid-configuration": metadataJSON("BASE/tenant"),
	})
	m, err := discoverClient().Discover(context.Background(), ms.URL+"/tenant")
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != ms.URL+"/tenant/.well-known/openid-configuration" {
		t.Errorf("source = %q", m.Source)
	}
	want := []string{"/.well-known/oauth-authorization-server/tenant", "/tenant/.well-known/openid-configuration"}
	if got := ms.asked(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("asked for %q, want %q", got, want)
	}
}

func TestDiscoverWellKnownURLs(t *testing.T) {
	for _, tc := range []struct{ issuer, rfc, oidc string }{
		{"https://as.example", "https://as.example/.well-known/oauth-authorization-server", "https://as.example/.well-known/openid-configuration"},
		{"https://as.example/", "https://as.example/.well-known/oauth-authorization-server", "https://as.example/.well-known/openid-configuration"},
		{"https://as.example/t/1/", "https://as.example/.well-known/oauth-authorization-server/t/1", "https://as.example/t/1/.well-known/openid-configuration"},
	} {
		rfc, oidc, err := wellKnownURLs(tc.issuer)
		if err != nil || rfc != tc.rfc || oidc != tc.oidc {
			t.Errorf("wellKnownURLs(%q) = %q, %q, %v", tc.issuer, rfc, oidc, err)
		}
	}
	for _, bad := range []string{"as.example", "ftp://as.example", "https://u:p@as.example", "https://as.example?x=1", "https://as.example/#f", ""} {
		if _, _, err := wellKnownURLs(bad); err == nil {
			t.Errorf("wellKnownURLs(%q) accepted", bad)
		}
	}
}

func TestDiscoverRefusesAnotherIssuer(t *testing.T) {
	ms := newMetadataServer(t, map[string]func(http.ResponseWriter, string){
		"/.well-known/oauth-authorization-server": metadataJSON("https://evil.example"),
	})
	_, err := discoverClient().Discover(context.Background(), ms.URL)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	for _, want := range []string{`"https://evil.example"`, `"` + ms.URL + `"`, "RFC 8414 §3.3"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %s", err, want)
		}
	}
	if !strings.Contains(e.Hint, "https://evil.example") {
		t.Errorf("hint = %q", e.Hint)
	}
}

func TestDiscoverNotFoundTwice(t *testing.T) {
	ms := newMetadataServer(t, nil)
	_, err := discoverClient().Discover(context.Background(), ms.URL)
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusNotFound || !strings.Contains(e.Hint, "check the issuer URL") {
		t.Fatalf("err = %v (%#v)", err, e)
	}
	if !strings.Contains(err.Error(), "oauth-authorization-server") || !strings.Contains(err.Error(), "openid-configuration") {
		t.Errorf("error %q does not name both documents", err)
	}
}

func TestDiscoverRefusesHTML(t *testing.T) {
	ms := newMetadataServer(t, map[string]func(http.ResponseWriter, string){
		"/.well-known/oauth-authorization-server": func(w http.ResponseWriter, _ string) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body>Welcome</body></html>")
		},
	})
	_, err := discoverClient().Discover(context.Background(), ms.URL)
	if err == nil || !strings.Contains(err.Error(), "HTML page") {
		t.Fatalf("err = %v", err)
	}
	if got := ms.asked(); len(got) != 1 {
		t.Errorf("asked for %q: a 200 page is an answer, not a missing document", got)
	}
}

func TestDiscoverRefusesOversized(t *testing.T) {
	ms := newMetadataServer(t, map[string]func(http.ResponseWriter, string){
		"/.well-known/oauth-authorization-server": func(w http.ResponseWriter, base string) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"issuer":%q,"x":"%s"}`, base, strings.Repeat("a", MaxBodySize))
		},
	})
	_, err := discoverClient().Discover(context.Background(), ms.URL)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, errBodyTooLarge) || !strings.Contains(e.Hint, "issuer URL") {
		t.Fatalf("err = %v", err)
	}
}

func TestDiscoverFollowsNoRedirect(t *testing.T) {
	var reached atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Store(true)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q}`, "http://"+r.Host)
	}))
	t.Cleanup(other.Close)
	ms := newMetadataServer(t, map[string]func(http.ResponseWriter, string){
		"/.well-known/oauth-authorization-server": func(w http.ResponseWriter, _ string) {
			w.Header().Set("Location", other.URL+"/meta")
			w.WriteHeader(http.StatusFound)
		},
	})
	_, err := discoverClient().Discover(context.Background(), ms.URL)
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusFound || !strings.Contains(err.Error(), "not followed") ||
		!strings.Contains(err.Error(), other.URL+"/meta") {
		t.Fatalf("err = %v", err)
	}
	if reached.Load() {
		t.Error("the redirect was followed")
	}
}

func TestParseMetadata(t *testing.T) {
	for _, bad := range []string{``, `[]`, `{}`, `{"issuer":""}`, `{"issuer":1}`, `{"issuer":"a","scopes_supported":"openid"}`, `{"issuer":"a"`} {
		if m, err := ParseMetadata([]byte(bad)); err == nil {
			t.Errorf("ParseMetadata(%q) = %+v, want an error", bad, m)
		}
	}
	_, err := ParseMetadata([]byte(`{"issuer":"a","scopes_supported":"openid"}`))
	if err == nil || !strings.Contains(err.Error(), "scopes_supported is not a list of strings") {
		t.Errorf("err = %v", err)
	}
	m, err := ParseMetadata([]byte(`{"issuer":"a","source":"https://evil","fetched_at":"2020-01-01T00:00:00Z"}`))
	if err != nil || m.Source != "" || !m.FetchedAt.IsZero() {
		t.Errorf("the document set what only the client knows: %+v, %v", m, err)
	}
}

func FuzzParseMetadata(f *testing.F) {
	for _, s := range []string{`{"issuer":"https://a","token_endpoint":"https://a/t","scopes_supported":["x"]}`,
		`{"issuer":"a","grant_types_supported":[1]}`, `[]`, `{"a":`, "<html>", `{"issuer":"\u202e"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := ParseMetadata(body)
		if (m == nil) == (err == nil) {
			t.Fatalf("metadata %v and error %v", m, err)
		}
		if m != nil && (m.Issuer == "" || m.Source != "" || !m.FetchedAt.IsZero()) {
			t.Fatalf("metadata %+v", m)
		}
	})
}
