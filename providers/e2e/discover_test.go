package e2e_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers/oauth"
)

// TestDiscoverMockServer reads oauth2-mock-server's metadata: it serves
// only the OpenID Connect document, so the RFC 8414 URL answers 404 and
// Discover falls back, and the document names the server as its issuer.
func TestDiscoverMockServer(t *testing.T) {
	m := startMock(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	md, err := oauth.NewClient(oauth.Options{}).Discover(ctx, m.issuer)
	if err != nil {
		t.Fatal(err)
	}
	if md.Issuer != m.issuer || md.TokenEndpoint == "" || md.JWKSURI == "" || md.Source == "" || md.FetchedAt.IsZero() {
		t.Errorf("metadata %+v", md)
	}
	if want := m.issuer + "/.well-known/openid-configuration"; md.Source != want {
		t.Errorf("read from %s, want %s", md.Source, want)
	}
	if !slices.Contains(md.GrantTypesSupported, "client_credentials") {
		t.Errorf("grant types %q, want client_credentials among them", md.GrantTypesSupported)
	}
	t.Logf("read from %s: token %s, jwks %s", md.Source, md.TokenEndpoint, md.JWKSURI)
}
