package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/session"
)

// byIssuer is a provider configured by its issuer alone.
func byIssuer(name string) providers.Provider {
	return providers.Provider{Name: name, Preset: "oauth2", Issuer: "https://login.example/tenant",
		Grant: providers.GrantClientCredentials, ClientID: "id", ClientSecret: "s"}
}

func issuerMetadata(source string, at time.Time) *providers.Metadata {
	return &providers.Metadata{Issuer: "https://login.example/tenant", TokenEndpoint: "https://login.example/tenant/token",
		JWKSURI: "https://login.example/tenant/jwks", Source: source, FetchedAt: at}
}

// TestDetailShowsTheMetadata: the pane says where a provider's endpoints
// came from and how old that is, and the key that fetches them again;
// a provider without an issuer has neither the section nor the key.
func TestDetailShowsTheMetadata(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	src := "https://login.example/.well-known/openid-configuration"
	m := unitModel(t, c, 120, 40, store.Entry{Provider: byIssuer("alpha"), Metadata: issuerMetadata(src, t0.Add(-3*time.Minute))},
		store.Entry{Provider: prov("beta")})
	got := plain(m)
	for _, want := range []string{"Discovery fetched 3m ago", "Issuer    https://login.example/tenant",
		"Source    " + src, "Fills     token_url jwks_url", "press D to fetch it again",
		"Picks     client_auth basic (the issuer lists no methods)"} {
		if !strings.Contains(got, want) {
			t.Errorf("pane lacks %q:\n%s", want, got)
		}
	}
	if !m.keys.Discover.Enabled() {
		t.Error("D is off for a provider with an issuer")
	}
	m, _ = press(m, "down")
	if strings.Contains(plain(m), "Discovery") || m.keys.Discover.Enabled() {
		t.Errorf("a provider without an issuer shows discovery, or D is on:\n%s", plain(m))
	}
}

// TestDetailBeforeDiscovery: an issuer whose metadata was not fetched yet
// says so, and that the client_auth left to it is picked then.
func TestDetailBeforeDiscovery(t *testing.T) {
	t.Parallel()
	m := unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: byIssuer("alpha")})
	if got := plain(m); !strings.Contains(got, "metadata not fetched yet: the first request fetches it and picks") {
		t.Errorf("pane:\n%s", got)
	}
}

// TestDetailPicksOnlyWhatIsLeftToTheIssuer: a provider that sets its own
// client_auth is not told the metadata picked one.
func TestDetailPicksOnlyWhatIsLeftToTheIssuer(t *testing.T) {
	t.Parallel()
	own := byIssuer("alpha")
	own.ClientAuth = providers.AuthBody
	md := issuerMetadata("https://login.example/.well-known/openid-configuration", t0)
	md.TokenEndpointAuthMethodsSupported = []string{"client_secret_basic"}
	got := plain(unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: own, Metadata: md}))
	if !strings.Contains(got, "Fills     token_url jwks_url") || strings.Contains(got, "Picks     ") {
		t.Errorf("pane:\n%s", got)
	}
	got = plain(unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: byIssuer("alpha"), Metadata: md}))
	if !strings.Contains(got, "Picks     client_auth basic (the issuer lists client_secret_basic)") {
		t.Errorf("pane:\n%s", got)
	}
	own.ClientAuth = ""
	got = plain(unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: own}))
	if !strings.Contains(got, "fetches it and picks") {
		t.Errorf("pane:\n%s", got)
	}
	own.ClientAuth = providers.AuthBody
	got = plain(unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: own}))
	if !strings.Contains(got, "metadata not fetched yet") || strings.Contains(got, "and picks") {
		t.Errorf("pane:\n%s", got)
	}
}

// TestDiscoverKeyFetchesAgain: D makes the provider busy discovering;
// the answer shows the new metadata and says on the status line where
// it came from and which client_auth it picked.
func TestDiscoverKeyFetchesAgain(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	old := "https://login.example/old"
	m := unitModel(t, c, 120, 40, store.Entry{Provider: byIssuer("alpha"), Metadata: issuerMetadata(old, t0.Add(-time.Hour))})
	m, cmd := press(m, "D")
	e := m.sess.Get("alpha")
	if cmd == nil || e.Busy != session.OpDiscover || !strings.Contains(plain(m), "discovering") {
		t.Fatalf("after D: busy %v, cmd %v\n%s", e.Busy, cmd != nil, plain(m))
	}
	src := "https://login.example/.well-known/openid-configuration"
	fresh := issuerMetadata(src, t0)
	fresh.TokenEndpointAuthMethodsSupported = []string{"client_secret_post"}
	p, d := byIssuer("alpha").Discovered(fresh)
	m = step(m, tokenMsg{name: "alpha", seq: e.Pending, op: session.OpDiscover,
		stored:     &store.Entry{Provider: byIssuer("alpha"), Metadata: fresh},
		discovered: oauth.Resolved{Provider: p, Metadata: fresh, Discovery: d, Fetched: true}})
	got := plain(m)
	for _, want := range []string{"alpha: endpoints discovered · client_auth body (the issuer lists client_secret_post)",
		"Discovery fetched now", src} {
		if !strings.Contains(got, want) {
			t.Errorf("screen lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, old) {
		t.Errorf("the old source is still shown:\n%s", got)
	}
}

// TestTokenCmdDiscovers: the explorer's fetch of a provider configured by
// its issuer discovers on the way, keeps the metadata in the store's
// answer, and carries the pick; the discover op fetches it again.
func TestTokenCmdDiscovers(t *testing.T) {
	t.Parallel()
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/oauth-authorization-server":
			hits++
			fmt.Fprintf(w, `{"issuer":"http://%[1]s","token_endpoint":"http://%[1]s/token",
				"token_endpoint_auth_methods_supported":["client_secret_post"]}`, r.Host)
		case "/token":
			if r.Header.Get("Authorization") != "" {
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprint(w, `{"error":"invalid_client"}`)
				return
			}
			fmt.Fprint(w, `{"access_token":"AT-1","token_type":"Bearer","expires_in":3600}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	p, err := providers.ApplyPreset(providers.Provider{Name: "idp", Issuer: srv.URL, ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	st := &memState{p: p}
	c := oauth.NewClient(oauth.Options{MaxRetries: -1})
	msg := tokenCmd(c, st, "idp", 1, session.OpFetch, oauth.EnsureOptions{}, nil)().(tokenMsg)
	if msg.err != nil || msg.stored == nil || msg.stored.Metadata == nil || msg.stored.Token == nil {
		t.Fatalf("fetch answer %+v", msg)
	}
	if note := discoveryNote(msg); !strings.Contains(note, "client_auth body") {
		t.Errorf("note %q", note)
	}
	msg = tokenCmd(c, st, "idp", 2, session.OpDiscover, oauth.EnsureOptions{}, nil)().(tokenMsg)
	if msg.err != nil || msg.stored == nil || msg.stored.Metadata == nil || hits != 2 {
		t.Errorf("discover answer %+v, %d metadata requests", msg, hits)
	}
}

// TestFailedFetchSaysThePick: a fetch that discovered on the way and was
// then refused says the client_auth the metadata picked after the
// server's words, as the command line does: the refusal may be of it.
func TestFailedFetchSaysThePick(t *testing.T) {
	t.Parallel()
	m := unitModel(t, &clock{t0}, 160, 40, store.Entry{Provider: byIssuer("alpha")})
	m, _ = press(m, "f")
	e := m.sess.Get("alpha")
	if e.Busy != session.OpFetch {
		t.Fatalf("after f: busy %v", e.Busy)
	}
	md := issuerMetadata("https://login.example/.well-known/openid-configuration", t0)
	md.TokenEndpointAuthMethodsSupported = []string{"client_secret_basic"}
	p, d := byIssuer("alpha").Discovered(md)
	m = step(m, tokenMsg{name: "alpha", seq: e.Pending, op: session.OpFetch, err: errors.New("invalid_client: bad credentials"),
		stored:     &store.Entry{Provider: byIssuer("alpha"), Metadata: md},
		discovered: oauth.Resolved{Provider: p, Metadata: md, Discovery: d, Fetched: true}})
	if got := plain(m); !strings.Contains(got, "invalid_client: bad credentials · client_auth basic (the issuer lists client_secret_basic)") {
		t.Errorf("screen:\n%s", got)
	}
}
