package store

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fullFile is a vault of one provider file: 16 providers, each with a
// token and a full history, the file more than one 64 KiB chunk of
// plaintext and its providers, before the histories, less than one.
func fullFile(t *testing.T) (v *Vault, path string, want *Payload) {
	t.Helper()
	v = newTestVault(t)
	want = bigPayload(groupSize)
	for i := range want.Providers {
		h := want.Providers[i].History
		for len(h) < MaxHistory {
			h = append(h, h[len(h)%5])
		}
		want.Providers[i].History = h
	}
	if err := v.Update(func(p *Payload) error { *p = *want; return nil }); err != nil {
		t.Fatal(err)
	}
	idx, err := v.readIndex(false)
	if err != nil {
		t.Fatal(err)
	}
	if files := idx.files(); len(files) != 1 {
		t.Fatalf("%d provider files, want 1", len(files))
	}
	path = filepath.Join(v.Dir(), idx.files()[0])
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text, err := unseal(path, data, v.id)
	if err != nil {
		t.Fatal(err)
	}
	if head := strings.Index(text, `"history":`); len(text) <= 64<<10 || head < 0 || head >= 64<<10 {
		t.Fatalf("plaintext of %d bytes, histories from %d: want the providers in the first 64 KiB chunk and more after", len(text), head)
	}
	return v, path, want
}

// A lookup (what header and token read) decrypts a provider file only as
// far as its providers: a file damaged in the histories after them still
// gives every provider and token, while every read that needs the whole
// file, and every save, refuses it. Reading the whole file, the lookup
// would refuse it too.
func TestLookupDecryptsOnlyTheProviders(t *testing.T) {
	v, path, want := fullFile(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-20] ^= 0xff // in the last chunk's ciphertext, which holds only histories
	writeFile(t, path, data)

	other, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range want.Providers {
		p, tok, err := other.Lookup(e.Provider.Name)
		if err != nil || !reflect.DeepEqual(p, e.Provider) || !reflect.DeepEqual(tok, e.Token) {
			t.Fatalf("Lookup(%s) = %+v, %+v, %v; want it as stored", e.Provider.Name, p, tok, err)
		}
	}
	if _, err := other.LookupMetadata(want.Providers[0].Provider.Name); err != nil {
		t.Fatalf("LookupMetadata: %v", err)
	}
	if _, err := other.Load(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Load = %v, want the damaged file refused", err)
	}
	if _, err := other.LoadProviders(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("LoadProviders = %v, want the damaged file refused", err)
	}
	if _, err := other.Record("prov0001", testToken(1, 1), ev("refreshed")); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Record = %v, want the damaged file refused", err)
	}
}

// What a lookup returns it checks as every read does: the provider read
// is decoded strictly, and the file must hold the providers the index
// lists for it; a refusal says what readGroups says.
func TestLookupChecksWhatItReads(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"unknown key", `"name":"prov0003","preset":"oauth2",`, `"name":"prov0003","preset":"oauth2","colour":"red",`, `unknown field "colour"`},
		{"key twice", `"name":"prov0003","preset":"oauth2",`, `"name":"prov0003","preset":"oauth2","preset":"oauth2",`, `the key "preset" appears twice`},
		{"renamed", `"name":"prov0009",`, `"name":"prov9999",`, "does not hold the providers"},
		{"newer schema", `{"version":2,`, `{"version":3,`, "schema version 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, path, _ := fullFile(t)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			text, err := unseal(path, data, v.id)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text, tc.old) {
				t.Fatalf("no %s in the file", tc.old)
			}
			writeFile(t, path, sealFor(t, v, []byte(strings.Replace(text, tc.old, tc.new, 1))))
			other, err := OpenIdentity(v.Dir(), v.id.String())
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = other.Lookup("prov0003")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Lookup = %v, want %q", err, tc.want)
			}
			if _, werr := other.LoadProviders(); werr == nil || werr.Error() != err.Error() {
				t.Fatalf("Lookup = %v, LoadProviders = %v: want the same refusal", err, werr)
			}
		})
	}
}
