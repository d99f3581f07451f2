package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// A provider file is read without its histories as it is with them, less
// the histories, and as strictly in the part it reads: every refusal of
// the providers and tokens is decodeGroup's, only a damaged history is
// left to the read that needs it.
func TestDecodeGroupHead(t *testing.T) {
	es := oddPayload().Providers
	b, err := encodeGroup(es)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	full, err := decodeGroup(text)
	if err != nil {
		t.Fatal(err)
	}
	if i := strings.Index(text, `"history":`); i < strings.LastIndex(text, `"token_type"`) {
		t.Fatalf("the histories are not after every provider: %s", text)
	}
	head, err := decodeGroupHead(text)
	if err != nil {
		t.Fatal(err)
	}
	for i := range full {
		if len(full[i].History) == 0 && i == 1 {
			t.Fatal("the odd provider lost its history")
		}
		full[i].History = nil
	}
	if !reflect.DeepEqual(head, full) {
		t.Fatalf("the head differs:\n got %+v\nwant %+v", head, full)
	}

	for _, tc := range []struct{ name, old, new string }{
		{"unknown key", `"preset":"oauth2",`, `"preset":"oauth2","colour":"red",`},
		{"duplicate key", `"preset":"oauth2",`, `"preset":"oauth2","preset":"oauth2",`},
		{"duplicate top-level key", `"version":2,`, `"version":2,"version":2,`},
		{"unknown top-level key", `"version":2,`, `"version":2,"colour":"red",`},
		{"newer schema", `"version":2,`, `"version":3,`},
		{"wrong type", `"token_type":"Bearer"`, `"token_type":7`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(text, tc.old, tc.new, 1)
			_, want := decodeGroup(bad)
			_, got := decodeGroupHead(bad)
			if want == nil || got == nil || got.Error() != want.Error() {
				t.Fatalf("decodeGroupHead = %v, want decodeGroup's %v", got, want)
			}
		})
	}

	// The histories are the full read's to check.
	bad := strings.Replace(text, `"kind":"refreshed",`, `"kind":"refreshed","colour":"red",`, 1)
	if _, err := decodeGroup(bad); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("decodeGroup = %v, want the unknown key in a history refused", err)
	}
	if got, err := decodeGroupHead(bad); err != nil || !reflect.DeepEqual(got, head) {
		t.Fatalf("decodeGroupHead = %v, want the providers before the histories", err)
	}

	// Keys in another order than tokenscope writes them are read whole.
	moved := `{"version":2,"history":{"a":[{"at":"2025-06-01T12:00:00Z","kind":"failed"}]},"providers":[{"provider":{"name":"a"}}]}`
	if got, err := decodeGroupHead(moved); err != nil || len(got) != 1 || len(got[0].History) != 1 {
		t.Fatalf("decodeGroupHead(histories first) = %+v, %v", got, err)
	}
	if _, err := decodeGroup(strings.Replace(moved, `"a":[`, `"b":[`, 1)); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("a history of a provider the file does not hold: %v", err)
	}

	// The first files of this layout held each history in its provider.
	first := `{"version":2,"providers":[{"provider":{"name":"a"},"history":[{"at":"2025-06-01T12:00:00Z","kind":"failed"}]}]}`
	for _, decode := range []func(string) ([]Entry, error){decodeGroup, decodeGroupHead} {
		if got, err := decode(first); err != nil || len(got) != 1 || len(got[0].History) != 1 {
			t.Fatalf("a history in its provider: %+v, %v", got, err)
		}
	}
	both := strings.Replace(first, `]}]}`, `]}],"history":{"a":[]}}`, 1)
	if _, err := decodeGroup(both); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("two histories for one provider: %v", err)
	}
}

// LoadProviders is Load without the histories; Histories the rest, and a
// save between the two is seen by Histories.
func TestLoadProvidersThenHistories(t *testing.T) {
	v := newTestVault(t)
	big := bigPayload(40)
	if err := v.Update(func(p *Payload) error { *p = *big; return nil }); err != nil {
		t.Fatal(err)
	}
	want, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	other, err := OpenIdentity(v.Dir(), v.id.String()) // reads the files afresh
	if err != nil {
		t.Fatal(err)
	}
	p, err := other.LoadProviders()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Providers) != len(want.Providers) {
		t.Fatalf("%d providers, want %d", len(p.Providers), len(want.Providers))
	}
	for i, e := range p.Providers {
		w := want.Providers[i]
		if e.History != nil || e.Provider.Name != w.Provider.Name || !reflect.DeepEqual(e.Token, w.Token) {
			t.Fatalf("provider %d: %+v, want %+v without history", i, e, w)
		}
	}
	if _, err := v.Record("prov0007", testToken(7, 1), want.Providers[7].History[0]); err != nil {
		t.Fatal(err)
	}
	h, err := other.Histories()
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range want.Providers {
		n := len(e.History)
		if i == 7 {
			n++
		}
		if len(h[e.Provider.Name]) != n {
			t.Fatalf("%s: %d events, want %d", e.Provider.Name, len(h[e.Provider.Name]), n)
		}
	}
}

// A reader without the lock that went by an index a save of the same
// Vault has since replaced, removing the files it named, is told to read
// again (errMoved), never that a healthy vault lost a file.
func TestReaderOfAReplacedIndexReadsAgain(t *testing.T) {
	v := newTestVault(t)
	if err := v.Update(func(p *Payload) error { *p = *bigPayload(2 * groupSize); return nil }); err != nil {
		t.Fatal(err)
	}
	first, last := testProvider(0).Name, testProvider(2*groupSize-1).Name
	used, err := v.readIndex(false)
	if err != nil {
		t.Fatal(err)
	}
	old := used.fileOf(first)
	if old == "" || old == used.fileOf(last) {
		t.Fatalf("want %s and %s in two files, got %q and %q", first, last, old, used.fileOf(last))
	}
	// A change of two files writes both under new names and removes the old.
	if err := v.Update(func(p *Payload) error {
		p.Providers[0].Token = testToken(0, 1)
		p.Providers[len(p.Providers)-1].Token = testToken(2*groupSize-1, 1)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	now, err := v.readIndex(false)
	if err != nil {
		t.Fatal(err)
	}
	if now.fileOf(first) == old {
		t.Fatalf("the save kept %s: the test needs one that moves the file", old)
	}
	if _, err := v.readGroups(used, []string{old}, false, false); !errors.Is(err, errMoved) {
		t.Fatalf("reading %s of the replaced index: %v, want errMoved", old, err)
	}
	// And Lookup, which retries, finds the new token.
	_, tok, err := v.Lookup(first)
	if err != nil || tok.RefreshToken != testToken(0, 1).RefreshToken {
		t.Fatalf("Lookup(%s) = %v, %v", first, tok, err)
	}
}
