package store

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// TestMigrateVaultOfMain opens testdata/v1/vault.age, a vault of the
// one-file layout written by tokenscope before the provider files (main
// at b2379c5, with its hand-written JSON encoder), with every field of
// the payload set and text a codec can get wrong: quotes, backslashes,
// <, > and &, U+2028, control characters, a NUL, invalid UTF-8 (which it
// wrote as U+FFFD), times with nanoseconds in a zone, a full history.
// payload.json is that vault's plaintext. After the move to the new layout every value is
// there, and stays there through a save and a fresh open.
func TestMigrateVaultOfMain(t *testing.T) {
	src := filepath.Join("testdata", "v1")
	identity := string(must(os.ReadFile(filepath.Join(src, "identity.txt"))))
	want := string(must(os.ReadFile(filepath.Join(src, "payload.json"))))
	old := must(os.ReadFile(filepath.Join(src, vaultFile)))
	id, err := ParseIdentity(identity[:len(identity)-1])
	if err != nil {
		t.Fatal(err)
	}
	if text, err := unseal(vaultFile, old, id); err != nil || text != want {
		t.Fatalf("testdata/v1: payload.json is not the plaintext of vault.age (%v)", err)
	}
	wantP, err := decodeLegacy(want)
	if err != nil {
		t.Fatal(err)
	}
	if len(wantP.Providers) != 3 || len(wantP.Providers[0].History) != MaxHistory || wantP.Settings.ClipboardClear != 45*time.Second {
		t.Fatalf("payload.json is not the vault this test expects: %+v", wantP)
	}

	dir := filepath.Join(t.TempDir(), "home")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, vaultFile), old)
	check := func(when string, p *Payload) {
		t.Helper()
		p.Version = wantP.Version // the payload's version is the layout's
		if !reflect.DeepEqual(p, wantP) {
			t.Fatalf("%s: the payload differs from payload.json\n got %+v\nwant %+v", when, p, wantP)
		}
		// Both sides above went through this build's decoder. Encoded
		// again, the payload is payload.json as JSON values (the old
		// encoder wrote U+FFFD as an escape, encoding/json writes it as
		// is), so the decoder dropped nothing either.
		var got, orig any
		if err := json.Unmarshal(must(encodeJSON(p)), &got); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(want), &orig); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, orig) {
			t.Fatalf("%s: encoded again, the payload is not payload.json:\n%s", when, must(encodeJSON(p)))
		}
	}
	v, err := OpenIdentity(dir, identity[:len(identity)-1])
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	check("after the move", p)
	if files := groupFiles(t, dir); len(files) != 1 {
		t.Fatalf("provider files %v", files)
	}

	// A save of one provider, then a fresh open, changes nothing else.
	name := wantP.Providers[2].Provider.Name
	if _, err := v.Record(name, wantP.Providers[2].Token, providers.Event{}); err != nil {
		t.Fatal(err)
	}
	w, err := OpenIdentity(dir, identity[:len(identity)-1])
	if err != nil {
		t.Fatal(err)
	}
	if p, err = w.Load(); err != nil {
		t.Fatal(err)
	}
	check("after a save and a fresh open", p)
}
