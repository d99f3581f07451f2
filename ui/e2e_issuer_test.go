package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/ui/clipboard"
)

// issuerRig is the explorer fetching on start, as `tokenscope` does, over
// a store holding the demo's provider configured by its issuer alone
// (oauth2-issuer, whose client_auth the metadata picks) and one with
// endpoints of its own (mtn-sandbox).
func issuerRig(t *testing.T, w, h int) *rig {
	t.Helper()
	now := func() time.Time { return e2eNow }
	srv, v := demoStore(t)
	for _, p := range append(srv.IssuerProviders(), srv.Providers()[0]) {
		if err := v.PutProvider(p); err != nil {
			t.Fatal(err)
		}
	}
	noSleep := func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	r := &rig{srv: srv, vault: v, clip: &memClipboard{}}
	m := New(Options{Vault: v, Client: oauth.NewClient(oauth.Options{Now: now, Sleep: noSleep}), Now: now,
		Demo: true, FetchOnStart: true, Renderer: colourRenderer()})
	m.clipOpts = clipboard.Options{Backend: r.clip, OSC52: clipboard.OSC52Never}
	r.tm = teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	return r
}

// pickSummary is the start-up fetch's summary over issuerRig's store.
const pickSummary = "fetched tokens for 2 providers · client_auth from the issuer: oauth2-issuer basic"

// TestStartupFetchSaysThePick: the bulk fetch on start says once, in its
// summary, which client_auth the issuer's metadata picked, as a single
// fetch does; a refresh-all after it, with the metadata stored, does not
// say it again; the detail keeps saying it.
func TestStartupFetchSaysThePick(t *testing.T) {
	t.Parallel()
	r := issuerRig(t, 140, 60) // tall enough for the detail to show its Discovery section whole
	r.waitFor(t, pickSummary)
	p, _, err := r.vault.Lookup("oauth2-issuer")
	if err != nil || p.ClientAuth != "" {
		t.Fatalf("stored: %v, client_auth %q", err, p.ClientAuth)
	}
	if md, err := r.vault.LookupMetadata("oauth2-issuer"); err != nil || md == nil {
		t.Fatalf("no metadata stored: %v", err)
	}
	r.keys("R")
	r.waitFor(t, "refreshed 2 providers")
	r.keys("/")
	r.tm.Type("oauth2-issuer")
	r.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, "1 of 2")
	got := normalize(r.final(t))
	for _, l := range strings.Split(got, "\n") {
		if strings.Contains(l, "refreshed 2 providers") && strings.Contains(l, "client_auth") {
			t.Errorf("the refresh-all said the pick again: %q", l)
		}
	}
	if !strings.Contains(got, "Picks     client_auth basic (the issuer lists client_secret_basic)") {
		t.Errorf("the detail does not say the pick:\n%s", got)
	}
}

// TestGoldenEditFormFromIssuer: the edit form of a provider whose
// client_auth is left to its issuer shows "from the issuer" with what the
// stored metadata picked, focused on that row.
func TestGoldenEditFormFromIssuer(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := issuerRig(t, w, h)
		r.waitFor(t, "fetched tokens for 2 providers")
		r.keys("/")
		r.tm.Type("oauth2-issuer")
		r.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
		r.waitFor(t, "1 of 2")
		r.keys("e")
		r.waitFor(t, "Edit oauth2-issuer")
		r.keys("tab", "tab", "tab", "tab")
		r.waitFor(t, "from the issuer: basic (client_secret_basic)", "saved unset")
		golden(t, r.final(t))
	})
}

// TestAddByIssuerThroughTheForm: a provider added in the form with an
// issuer leaves client_auth to it, is stored without one, and its first
// fetch picks the method from the metadata and says so.
func TestAddByIssuerThroughTheForm(t *testing.T) {
	t.Parallel()
	r := issuerRig(t, 140, 40)
	r.waitFor(t, pickSummary)
	demoClient := r.srv.IssuerProviders()[0]
	r.keys("a")
	r.waitFor(t, "Add a provider")
	r.keys("tab") // from the preset to the name
	r.tm.Type("by-form")
	r.keys("tab", "tab", "tab", "tab", "tab") // token URL, grant, grant in, client auth, client id
	r.tm.Type(demoClient.ClientID)
	r.keys("tab")
	r.tm.Type(demoClient.ClientSecret.Reveal())
	r.keys("tab", "tab", "tab", "tab") // scope, extra params, extra headers, issuer
	r.tm.Type(demoClient.Issuer)
	r.waitFor(t, "Client auth        from the issuer")
	r.tm.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
	r.waitFor(t, "added by-form")
	p, _, err := r.vault.Lookup("by-form")
	if err != nil || p.Issuer != demoClient.Issuer || p.ClientAuth != "" || p.TokenURL != "" {
		t.Fatalf("stored issuer %q client_auth %q token_url %q, %v", p.Issuer, p.ClientAuth, p.TokenURL, err)
	}
	r.keys("/")
	r.tm.Type("by-form")
	r.tm.Send(tea.KeyMsg{Type: tea.KeyEnter})
	r.waitFor(t, "1 of 3")
	r.keys("f")
	r.waitFor(t, "fetched a token for by-form", "client_auth basic (the issuer lists client_secret_basic)")
	r.final(t)
}
