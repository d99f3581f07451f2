package store

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// testMetadata is an issuer's metadata as the engine keeps it.
func testMetadata(issuer string) *providers.Metadata {
	return &providers.Metadata{
		Issuer: issuer, TokenEndpoint: issuer + "/token", AuthorizationEndpoint: issuer + "/authorize",
		JWKSURI: issuer + "/jwks", UserinfoEndpoint: issuer + "/me",
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "none"},
		Source:                            issuer + "/.well-known/openid-configuration",
		FetchedAt:                         fixedTime.Add(-time.Hour),
	}
}

// TestMetadataSurvivesSaveAndLoad: the metadata recorded is what a new
// process reads, the token and history kept beside it; a provider edited
// to another issuer loses it, one edited otherwise keeps it.
func TestMetadataSurvivesSaveAndLoad(t *testing.T) {
	v := newTestVault(t)
	p := testProvider(1)
	p.TokenURL, p.ClientAuth, p.Issuer = "", "", "https://login.example.com/tenant"
	if err := v.PutProvider(p); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Record(p.Name, testToken(1, 1), ev("issued")); err != nil {
		t.Fatal(err)
	}
	m := testMetadata(p.Issuer)
	e, err := v.RecordMetadata(p.Name, m)
	if err != nil {
		t.Fatal(err)
	}
	if e.Token == nil || len(e.History) != 1 || !reflect.DeepEqual(e.Metadata, m) {
		t.Fatalf("entry after RecordMetadata: %+v", e)
	}
	m.TokenEndpointAuthMethodsSupported[0] = "changed" // the store keeps its own copy

	w, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.LookupMetadata(p.Name)
	if err != nil {
		t.Fatal(err)
	}
	want := testMetadata(p.Issuer)
	if !got.FetchedAt.Equal(want.FetchedAt) {
		t.Errorf("fetched at %v, want %v", got.FetchedAt, want.FetchedAt)
	}
	got.FetchedAt = want.FetchedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
	pl, err := w.Load()
	if err != nil {
		t.Fatal(err)
	}
	if e := pl.Providers[pl.Find(p.Name)]; e.Metadata == nil || e.Metadata.Source != want.Source {
		t.Errorf("Load's entry has metadata %+v", e.Metadata)
	}

	p.Scope = "read" // not the issuer: the metadata stays
	if err := w.PutProvider(p); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.LookupMetadata(p.Name); got == nil {
		t.Error("an edit that kept the issuer dropped the metadata")
	}
	p.Issuer = "https://other.example.com"
	if err := w.PutProvider(p); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.LookupMetadata(p.Name); got != nil {
		t.Errorf("another issuer kept the old one's metadata: %+v", got)
	}
	if _, err := w.LookupMetadata("nobody"); err == nil {
		t.Error("metadata of an unknown provider")
	}
}

// TestMetadataDecodesStrictly: a provider file's metadata is held to the
// rules of the rest: an unknown member or a key given twice is corrupt,
// and a file without metadata (written before it existed) reads as none.
func TestMetadataDecodesStrictly(t *testing.T) {
	entry := `{"version":2,"providers":[{"provider":{"name":"a","preset":"oauth2","token_url":"","grant_type":"client_credentials","client_auth":"","issuer":"https://i.example"}%s}]}`
	es, err := decodeGroup(fmt.Sprintf(entry, ""))
	if err != nil || len(es) != 1 || es[0].Metadata != nil {
		t.Fatalf("a file without metadata: %v, %+v", err, es)
	}
	good := `,"metadata":{"issuer":"https://i.example","token_endpoint":"https://i.example/t","fetched_at":"2026-01-02T03:04:05Z"}`
	if es, err := decodeGroup(fmt.Sprintf(entry, good)); err != nil || es[0].Metadata.TokenEndpoint != "https://i.example/t" {
		t.Fatalf("a file with metadata: %v, %+v", err, es)
	}
	for _, bad := range []string{
		`,"metadata":{"issuer":"https://i.example","x_unknown":"1"}`,
		`,"metadata":{"issuer":"https://i.example","issuer":"https://evil.example"}`,
		`,"metadata":{"issuer":"https://i.example"},"metadata":null`,
	} {
		if _, err := decodeGroup(fmt.Sprintf(entry, bad)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", bad, err)
		}
	}
}
