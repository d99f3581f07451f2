package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/demo"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/clipboard"
)

// wire records the grant type of every token request that passes through
// it on its way to the demo server: what crossed the wire, not what the
// engine meant to send.
type wire struct {
	mu     sync.Mutex
	grants map[string][]string // by request path
}

func (w *wire) proxy(t *testing.T, target string) *httptest.Server {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("grant_type") != "" {
			w.mu.Lock()
			w.grants[r.URL.Path] = append(w.grants[r.URL.Path], form.Get("grant_type"))
			w.mu.Unlock()
		}
		rp.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// last is the grant type of the last request to path, and how many there were.
func (w *wire) last(path string) (string, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	gs := w.grants[path]
	if len(gs) == 0 {
		return "", 0
	}
	return gs[len(gs)-1], len(gs)
}

// TestRefreshKeysUseTheRefreshGrant: r and R in the explorer renew with
// grant_type=refresh_token on the wire, and the refresh token the server
// rotated is the one a fresh open of the store reads back.
func TestRefreshKeysUseTheRefreshGrant(t *testing.T) {
	t.Parallel()
	now := func() time.Time { return e2eNow }
	srv, err := demo.Start(demo.Options{Now: now, SigningKey: demoKey()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	w := &wire{grants: map[string][]string{}}
	px := w.proxy(t, srv.URL())
	dir := filepath.Join(t.TempDir(), "store")
	pass := []byte("e2e passphrase")
	v, err := store.Init(dir, pass, 10)
	if err != nil {
		t.Fatal(err)
	}
	const name, path = "telenor-order", "/telenor/oauth/v2/token"
	for _, p := range srv.Providers() {
		p.TokenURL = strings.Replace(p.TokenURL, srv.URL(), px.URL, 1)
		if err := v.PutProvider(p); err != nil {
			t.Fatal(err)
		}
	}
	noSleep := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	client := oauth.NewClient(oauth.Options{Now: now, Sleep: noSleep})
	if _, err := client.Ensure(context.Background(), v, name, oauth.EnsureOptions{Fresh: true}); err != nil {
		t.Fatalf("prefetch: %v", err)
	}
	refreshOnDisk := func() providers.Secret {
		t.Helper()
		fresh, err := store.OpenPassphrase(dir, pass)
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := fresh.Lookup(name)
		if err != nil || tok == nil || tok.RefreshToken == "" {
			t.Fatalf("%s on disk: token %v, err %v", name, tok, err)
		}
		return tok.RefreshToken
	}
	first := refreshOnDisk()

	m := New(Options{Vault: v, Client: client, Now: now, Demo: true})
	m.clipOpts = clipboard.Options{Backend: &memClipboard{}, OSC52: clipboard.OSC52Never}
	r := &rig{tm: teatest.NewTestModel(t, m, teatest.WithInitialTermSize(120, 40)), srv: srv, vault: v}
	r.waitFor(t, "Providers")
	r.selectProvider(t, name)

	r.keys("r")
	r.waitFor(t, "refreshed "+name)
	if g, n := w.last(path); g != "refresh_token" || n != 2 {
		t.Fatalf("r sent grant_type=%q (request %d to %s), want refresh_token", g, n, path)
	}
	afterR := refreshOnDisk()
	if afterR == first {
		t.Error("the store still holds the refresh token r spent")
	}

	r.keys("R")
	r.waitFor(t, fmt.Sprintf("refreshed %d of %d; failed: broken-gateway", len(srv.Providers())-1, len(srv.Providers())))
	if g, n := w.last(path); g != "refresh_token" || n != 3 {
		t.Fatalf("R sent grant_type=%q (request %d to %s), want refresh_token", g, n, path)
	}
	if afterAll := refreshOnDisk(); afterAll == afterR || afterAll == first {
		t.Error("the store does not hold the refresh token R was answered with")
	}
	r.final(t)
}
