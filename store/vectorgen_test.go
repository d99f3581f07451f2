package store

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/tokenscope/tokenscope/providers"
)

const vectorPassphrase = "vector passphrase"

// writeVectors regenerates testdata/vectors (go test -run TestOwnVectors
// ./store -update-vectors). Encryption is randomised, so every file
// changes; the expectations do not.
func writeVectors(t *testing.T) {
	dir := filepath.Join("testdata", "vectors")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	key, other := otherKey(t), otherKey(t)
	v := newVault("", key)
	good := &Payload{Version: 1, Theme: "dracula"}
	for _, name := range []string{"mtn", "momo"} {
		good.Providers = append(good.Providers, Entry{
			Provider: providers.Provider{Name: name, Preset: name, TokenURL: "https://" + name + ".example/token",
				Grant: providers.GrantClientCredentials, ClientAuth: providers.AuthBasic, ClientID: "vector-client", ClientSecret: "vector-secret"},
			Token: &providers.Token{AccessToken: "vector-token", IssuedAt: fixedTime, ExpirySource: providers.ExpiryUnknown},
		})
	}
	b, err := encodeJSON(good)
	if err != nil {
		t.Fatal(err)
	}
	goodJSON := string(b)
	vault := func(plain string) []byte { return sealFor(t, v, []byte(plain)) }
	put := func(name string, header []string, body []byte) {
		t.Helper()
		data := append([]byte(strings.Join(header, "\n")+"\n\n"), body...)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vh := func(expect, comment string) []string {
		return []string{"expect: " + expect, "file: vault.age", "identity: " + key.String(), "comment: " + comment}
	}
	// The vault_* vectors of schema version 1 are vault.age of the old
	// layout, the whole payload, which opening migrates; vault_index_* are
	// the current layout's vault.age.
	put("vault_empty", vh("success", "a fresh vault of the old layout"), vault(`{"version":1,"settings":{},"providers":[]}`+"\n"))
	put("vault_index_empty", append(vh("success", "a fresh vault"), "theme: dracula"), vault(`{"version":2,"theme":"dracula","settings":{},"providers":[]}`+"\n"))
	put("vault_index_unknown_key", vh("corrupt", "an index key this version does not know"), vault(`{"version":2,"settings":{},"providers":[],"sync":true}`+"\n"))
	put("vault_index_path", vh("corrupt", "a provider file named by a path"),
		vault(`{"version":2,"settings":{},"providers":["a"],"files":{"../providers-0123456789abcdef.age":["a"]}}`+"\n"))
	put("vault_index_no_version", vh("corrupt", "an index without a schema version"), vault(`{"settings":{},"providers":[]}`+"\n"))
	put("vault_two_providers", append(vh("success", "two providers with tokens"), "providers: mtn,momo", "theme: dracula"), vault(goodJSON))
	put("vault_unknown_key", vh("corrupt", "a top-level key this version does not know"), vault(strings.Replace(goodJSON, `"settings"`, `"sync":true,"settings"`, 1)))
	put("vault_unknown_nested_key", vh("corrupt", "a provider key this version does not know"), vault(strings.Replace(goodJSON, `"preset"`, `"colour":"red","preset"`, 1)))
	put("vault_schema_3", vh("unsupported", "written by a newer tokenscope"), vault(strings.Replace(goodJSON, `"version":1`, `"version":3`, 1)))
	put("vault_no_version", vh("corrupt", "no schema version"), vault(strings.Replace(goodJSON, `"version":1,`, ``, 1)))
	put("vault_duplicate_names", vh("corrupt", "two providers with one name"), vault(`{"version":1,"providers":[{"provider":{"name":"a"}},{"provider":{"name":"a"}}]}`))
	put("vault_duplicate_key", vh("corrupt", "a key twice in one object, which encoding/json would silently take the last of"),
		vault(strings.Replace(goodJSON, `"theme":"dracula"`, `"theme":"dracula","theme":"nord"`, 1)))
	put("vault_duplicate_header", vh("corrupt", "one header name twice in a provider's headers"),
		vault(strings.Replace(goodJSON, `"client_secret":"vector-secret"`, `"client_secret":"vector-secret","headers":{"X-Key":"1","X-Key":"2"}`, 1)))
	put("vault_trailing_json", vh("corrupt", "a second JSON value after the payload"), vault(goodJSON+"{}"))
	put("vault_not_json", vh("corrupt", "decrypts, but is not JSON"), vault("not json"))
	put("vault_other_key", vh("corrupt", "a valid payload encrypted to another key: replaced"), sealFor(t, newVault("", other), []byte(goodJSON)))
	scrypted, err := wrapPlain([]byte(goodJSON), vectorPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	put("vault_passphrase_encrypted", vh("corrupt", "encrypted with a passphrase instead of the identity"), scrypted)
	put("vault_age_v2", vh("unsupported", "a future age format"), bytes.Replace(vault(goodJSON), []byte(ageIntro), []byte("age-encryption.org/v2"), 1))
	sealed := vault(goodJSON)
	put("vault_truncated", vh("corrupt", "one byte short"), sealed[:len(sealed)-1])
	mac := bytes.Index(sealed, []byte("\n--- ")) + 6
	flipped := bytes.Clone(sealed)
	flipped[mac+3] ^= 0x01
	put("vault_bad_mac", vh("corrupt", "one bit flipped in the header MAC"), flipped)

	ih := func(expect, pass, comment string) []string {
		return []string{"expect: " + expect, "file: identity.age", "identity: " + key.String(), "passphrase: " + pass, "comment: " + comment}
	}
	wrapped, err := wrapIdentity(key, []byte(vectorPassphrase), MinWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	put("identity_ok", ih("success", vectorPassphrase, "the identity wrapped with the passphrase"), wrapped)
	put("identity_wrong_passphrase", ih("wrong passphrase", "not it", "the right file, the wrong passphrase"), wrapped)
	put("identity_work_factor_21", ih("work factor", vectorPassphrase, "work factor raised to 21 (refused before the KDF runs)"),
		bytes.Replace(wrapped, []byte(" 10\n"), []byte(" 21\n"), 1))
	put("identity_to_x25519", ih("corrupt", vectorPassphrase, "encrypted to a key, not a passphrase: replaced"),
		sealFor(t, newVault("", other), []byte(identityComment+key.String()+"\n")))
	for name, plain := range map[string]string{
		"identity_not_a_key": "hello\n",
		"identity_two_keys":  key.String() + "\n" + other.String() + "\n",
	} {
		b, err := wrapPlain([]byte(plain), vectorPassphrase)
		if err != nil {
			t.Fatal(err)
		}
		put(name, ih("corrupt", vectorPassphrase, "decrypts, but is not one X25519 identity"), b)
	}
	put("identity_empty", ih("corrupt", vectorPassphrase, "an empty file"), nil)
	put("identity_age_v2", ih("unsupported", vectorPassphrase, "a future age format"), bytes.Replace(wrapped, []byte(ageIntro), []byte("age-encryption.org/v2"), 1))
}

// wrapPlain encrypts plain with a passphrase at the minimum work factor.
func wrapPlain(plain []byte, pass string) ([]byte, error) {
	r, err := age.NewScryptRecipient(pass)
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(MinWorkFactor)
	return seal(plain, r, nil)
}
