package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// TestPutProvidersAllOrNothing: many providers go in one save, reporting
// which replaced one of the same name; a batch whose last provider is
// invalid, or holds a name twice, or whose ctx is done, saves none of them
// and leaves vault.age byte for byte as it was.
func TestPutProvidersAllOrNothing(t *testing.T) {
	v := newTestVault(t)
	keep := testProvider(1)
	if err := v.PutProvider(keep); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Record(keep.Name, testToken(1, 1), ev("refreshed")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(v.Dir(), vaultFile)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	bad := testProvider(9)
	bad.ClientID = ""
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name string
		ctx  context.Context
		ps   []providers.Provider
		want string
	}{
		{"last invalid", context.Background(), batch(2, 3, 9), `provider "prov0009": client_id: a client id is needed`},
		{"a name twice", context.Background(), batch(2, 3, 2), `provider "prov0002" is given twice`},
		{"interrupted", canceled, batch(2, 3), context.Canceled.Error()},
	} {
		ps := tt.ps
		if tt.name == "last invalid" {
			ps[len(ps)-1] = bad
		}
		replaced, err := v.PutProviders(tt.ctx, ps)
		if err == nil || !strings.Contains(err.Error(), tt.want) || replaced != nil {
			t.Errorf("%s: %v, %v; want an error with %q", tt.name, replaced, err, tt.want)
		}
		if tt.ctx == canceled && !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v does not wrap context.Canceled", tt.name, err)
		}
		after, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(before, after) {
			t.Errorf("%s: vault.age changed", tt.name)
		}
	}

	// The same wire identity keeps the token; the others are added.
	again := keep
	again.ClientSecret = "rotated-secret-value"
	replaced, err := v.PutProviders(context.Background(), append(batch(2, 3), again))
	if err != nil {
		t.Fatal(err)
	}
	if want := []bool{false, false, true}; !slices.Equal(replaced, want) {
		t.Errorf("replaced = %v, want %v", replaced, want)
	}
	pl, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pl.Names(), []string{"prov0001", "prov0002", "prov0003"}; !slices.Equal(got, want) {
		t.Errorf("names = %q, want %q", got, want)
	}
	if e := pl.Providers[0]; e.Token == nil || e.Provider.ClientSecret != "rotated-secret-value" {
		t.Errorf("prov0001 after the batch: secret %q, token %v", e.Provider.ClientSecret.Reveal(), e.Token)
	}
}

// batch is testProvider(i) for each i.
func batch(is ...int) []providers.Provider {
	ps := make([]providers.Provider, len(is))
	for j, i := range is {
		ps[j] = testProvider(i)
	}
	return ps
}

// TestRecordEventKeepsTheTokenHeld: RecordEvent appends to the history and
// keeps the token the store holds now, not one this Vault read before
// another process stored a new one; the event is scrubbed of its secrets.
func TestRecordEventKeepsTheTokenHeld(t *testing.T) {
	v := faultVault(t)
	if _, _, err := v.Lookup("prov0001"); err != nil { // this Vault has read token 1
		t.Fatal(err)
	}
	other, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Record("prov0001", testToken(1, 2), ev("refreshed")); err != nil {
		t.Fatal(err)
	}
	failed := providers.Event{At: fixedTime, Kind: providers.EventFailed, Detail: "refused " + string(testToken(1, 2).RefreshToken)}
	held, err := v.RecordEvent("prov0001", failed)
	if err != nil {
		t.Fatal(err)
	}
	if held.Token.RefreshToken != testToken(1, 2).RefreshToken {
		t.Fatalf("RecordEvent answered token %q, want the one stored meanwhile", held.Token.RefreshToken)
	}
	_, tok, err := other.Lookup("prov0001")
	if err != nil || tok.RefreshToken != testToken(1, 2).RefreshToken {
		t.Fatalf("stored token after RecordEvent: %v, %v", tok, err)
	}
	p, err := other.Load()
	if err != nil {
		t.Fatal(err)
	}
	h := p.Providers[p.Find("prov0001")].History
	if last := h[len(h)-1]; last.Kind != providers.EventFailed || last.Detail != "refused "+redacted {
		t.Fatalf("last event %+v, want the failure, scrubbed", last)
	}
	if _, err := v.RecordEvent("nobody", failed); !errors.Is(err, ErrUnknownProvider) {
		t.Fatalf("unknown provider: %v", err)
	}
}
