package e2e_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// issuerState is the engine's State for one provider, keeping its
// metadata as the store does.
type issuerState struct {
	mu   sync.Mutex
	p    providers.Provider
	tok  *providers.Token
	meta *providers.Metadata
	evs  []providers.Event
}

func (s *issuerState) Lookup(string) (providers.Provider, *providers.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p, s.tok, nil
}

func (s *issuerState) Record(_ string, tok *providers.Token, ev providers.Event) (providers.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tok, s.evs = tok, append(s.evs, ev)
	return s.entry(), nil
}

func (s *issuerState) RecordEvent(_ string, ev providers.Event) (providers.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.evs = append(s.evs, ev)
	return s.entry(), nil
}

// entry is the provider as s holds it; s.mu is held.
func (s *issuerState) entry() providers.Entry {
	return providers.Entry{Provider: s.p, Token: s.tok, History: slices.Clone(s.evs), Metadata: s.meta.Clone()}
}

func (s *issuerState) LookupMetadata(string) (*providers.Metadata, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.meta.Clone(), nil
}

func (s *issuerState) RecordMetadata(_ string, m *providers.Metadata) (providers.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.meta = m.Clone()
	return s.entry(), nil
}

// TestIssuerOnlyProvider: a provider given oauth2-mock-server's issuer and
// nothing else of the server discovers its token endpoint (from the
// OpenID Connect document, the RFC 8414 one being absent), picks the
// client_auth the server lists, and gets a token there; the second token
// is got without discovering again.
func TestIssuerOnlyProvider(t *testing.T) {
	m := startMock(t)
	p, err := providers.ApplyPreset(providers.Provider{Name: "by-issuer", Preset: "oauth2", Issuer: m.issuer,
		ClientID: clientID, ClientSecret: clientSecret, Scope: "read"})
	if err != nil {
		t.Fatal(err)
	}
	if p.TokenURL != "" || p.ClientAuth != "" {
		t.Fatalf("the preset filled token_url %q or client_auth %q", p.TokenURL, p.ClientAuth)
	}
	st := &issuerState{p: p}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := oauth.NewClient(oauth.Options{})
	out, err := c.Ensure(ctx, st, p.Name, oauth.EnsureOptions{Fresh: true})
	if err != nil {
		t.Fatal(err)
	}
	if out.Token == nil || out.Token.AccessToken == "" || !out.Resolved.Fetched {
		t.Fatalf("outcome %+v", out)
	}
	if st.meta == nil || st.meta.Source != m.issuer+"/.well-known/openid-configuration" {
		t.Errorf("kept metadata %+v", st.meta)
	}
	if got := out.Resolved.Provider.TokenURL; got != st.meta.TokenEndpoint || got == "" {
		t.Errorf("token URL %q, the metadata's %q", got, st.meta.TokenEndpoint)
	}
	if out.Resolved.Provider.ClientAuth == "" {
		t.Error("no client_auth picked")
	}
	t.Logf("%s; token endpoint %s", out.Resolved.Note(), out.Resolved.Provider.TokenURL)
	fetched := st.meta.FetchedAt
	out, err = c.Ensure(ctx, st, p.Name, oauth.EnsureOptions{Fresh: true})
	if err != nil || out.Resolved.Fetched || !st.meta.FetchedAt.Equal(fetched) {
		t.Errorf("second fetch: %v, fetched again %v", err, out.Resolved.Fetched)
	}
}
