package demo

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

func TestProvidersOnePerPresetAndAllWork(t *testing.T) {
	f := newFixture(t)
	ps := append(f.srv.Providers(), f.srv.CatalogueProviders()...)
	var names, presets []string
	for _, p := range ps {
		names = append(names, p.Name)
		presets = append(presets, p.Preset)
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		for _, u := range []string{p.TokenURL, p.LogoutURL, p.RevocationURL, p.JWKSURL, p.TryURL} {
			if u != "" && !strings.HasPrefix(u, f.srv.URL()+"/") {
				t.Errorf("%s: URL %s is not on the demo server", p.Name, u)
			}
		}
	}
	wantNames := []string{"mtn-sandbox", "momo-collection", "mobifinance", "telenor-order", "mobiledigital-sms", "oauth2-local", "broken-gateway",
		"mpesa-sandbox", "airtel-uat", "orange-dev"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("names = %v, want %v", names, wantNames)
	}
	for _, pr := range providers.Presets() {
		if !slices.Contains(presets, pr.Name) {
			t.Errorf("no demo provider for preset %s", pr.Name)
		}
	}

	// Every provider but the broken one gets a token, and its try request
	// (where it has one) is answered 200; logout works where there is one.
	ctx := context.Background()
	for _, p := range ps {
		tok, err := f.client.Fetch(ctx, p)
		if p.Name == "broken-gateway" {
			if err == nil {
				t.Error("broken-gateway gave a token")
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", p.Name, err)
			continue
		}
		if _, ok := tok.Remaining(f.clock.Now()); !ok {
			t.Errorf("%s: expiry unknown, want every demo token to have one", p.Name)
		}
		if p.TryURL != "" {
			if res, err := f.client.Try(ctx, p, tok); err != nil || res.Status != 200 {
				t.Errorf("%s: try = %+v, %v", p.Name, res, err)
			}
		}
		if lr, err := f.client.Logout(ctx, p, tok); err != nil {
			t.Errorf("%s: logout = %+v, %v", p.Name, lr, err)
		}
	}
}

func TestLifetimes(t *testing.T) {
	clk := &clock{t: epoch}
	srv, err := Start(Options{Now: clk.Now, Lifetime: 10 * time.Minute, SigningKey: testKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := oauth.NewClient(oauth.Options{Now: clk.Now})
	want := map[string]time.Duration{
		"mtn-sandbox": 10*time.Minute - time.Second, "momo-collection": 10 * time.Minute,
		"mobifinance": 5 * time.Minute, "telenor-order": 400 * time.Second,
		"mobiledigital-sms": 10 * time.Minute, "oauth2-local": 200 * time.Second,
		"mpesa-sandbox": 10*time.Minute - time.Second, "airtel-uat": 180 * time.Second, "orange-dev": 10 * time.Minute,
	}
	for _, p := range append(srv.Providers(), srv.CatalogueProviders()...) {
		d, ok := want[p.Name]
		if !ok {
			continue
		}
		tok, err := c.Fetch(context.Background(), p)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if got, _ := tok.Remaining(epoch); got != d {
			t.Errorf("%s: lifetime %v, want %v", p.Name, got, d)
		}
	}
	if _, err := Start(Options{Lifetime: -time.Second}); err == nil {
		t.Error("a negative lifetime was accepted")
	}
}

func TestDateHeaderFollowsTheServerClock(t *testing.T) {
	f := newFixture(t)
	// The server's clock runs 5 minutes ahead of the client's.
	srvClock := &clock{t: epoch.Add(5 * time.Minute)}
	srv, err := Start(Options{Now: srvClock.Now, SigningKey: testKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var p providers.Provider
	for _, q := range srv.Providers() {
		if q.Name == "mobiledigital-sms" {
			p = q
		}
	}
	tok, err := f.client.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if tok.ClockSkew != 5*time.Minute {
		t.Errorf("clock skew = %v, want 5m", tok.ClockSkew)
	}
}

func TestConcurrentClients(t *testing.T) {
	srv, err := Start(Options{SigningKey: testKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c := oauth.NewClient(oauth.Options{})
	ps := srv.Providers()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		p := ps[i%(len(ps)-1)] // all but broken-gateway, whose retries sleep
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := c.Fetch(ctx, p)
			if err == nil {
				tok, err = c.Refresh(ctx, p, tok)
			}
			if err == nil && p.TryURL != "" {
				var res *oauth.TryResult
				if res, err = c.Try(ctx, p, tok); err == nil && res.Status != 200 {
					err = fmt.Errorf("try: %d %s", res.Status, res.BodyStart)
				}
			}
			if err != nil {
				errs <- fmt.Errorf("%s: %w", p.Name, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCloseStopsServing(t *testing.T) {
	srv, err := Start(Options{SigningKey: testKey()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(srv.URL() + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("index = %d", res.StatusCode)
	}
	srv.Close()
	srv.Close() // a second Close is harmless
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	if res, err := hc.Get(srv.URL() + "/"); err == nil {
		res.Body.Close()
		t.Error("the server still answers after Close")
	}
}

func TestIndexAndUnknownPaths(t *testing.T) {
	f := newFixture(t)
	got := f.send(t, "GET", "/", nil, "")
	if got.status != 200 || !strings.Contains(got.body, "telenor-order") || !strings.Contains(got.body, f.srv.URL()+"/oauth2/token") ||
		!strings.Contains(got.body, "tokenscope momo-sandbox NAME --product collection --base-url "+f.srv.URL()+"/momo") {
		t.Errorf("index = %d %q", got.status, got.body)
	}
	if got := f.send(t, "GET", "/nothing/here", nil, ""); got.status != 404 {
		t.Errorf("unknown path = %d", got.status)
	}
	big := strings.Repeat("a", maxRequestBody+1)
	if got := f.send(t, "POST", "/oauth2/token", map[string]string{"Content-Type": formType}, big); got.status != 413 {
		t.Errorf("oversized body = %d, want 413", got.status)
	}
}
