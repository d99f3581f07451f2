package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/tokenscope/tokenscope/providers"
	"github.com/zalando/go-keyring"
)

func TestInitLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "home")
	if Exists(dir) {
		t.Fatal("Exists before Init")
	}
	if _, err := OpenPassphrase(dir, testPass); !errors.Is(err, ErrNotInitialised) {
		t.Fatalf("open before init: %v", err)
	}
	if _, err := Init(dir, testPass, testWF); err != nil {
		t.Fatal(err)
	}
	if !Exists(dir) {
		t.Fatal("not Exists after Init")
	}
	if m := mustStat(t, dir).Mode().Perm(); m != 0o700 {
		t.Errorf("dir mode %04o", m)
	}
	for _, name := range []string{identityFile, vaultFile, lockFile} {
		if m := mustStat(t, filepath.Join(dir, name)).Mode().Perm(); m != 0o600 {
			t.Errorf("%s mode %04o", name, m)
		}
	}
	if s := mustStat(t, filepath.Join(dir, lockFile)).Size(); s != 0 {
		t.Errorf("vault.lock holds %d bytes", s)
	}
	if got := strings.Join(tempFiles(t, dir), ","); got != "" {
		t.Errorf("temp files left: %s", got)
	}
	if _, err := Init(dir, []byte("another"), testWF); !errors.Is(err, ErrExists) {
		t.Fatalf("second Init: %v", err)
	}
	os.Remove(filepath.Join(dir, identityFile))
	if _, err := Init(dir, []byte("another"), testWF); !errors.Is(err, ErrExists) {
		t.Fatalf("Init over an orphan vault.age: %v", err)
	}
}

func TestProvidersAndTokens(t *testing.T) {
	v := newTestVault(t)
	p := testProvider(7)
	if err := v.PutProvider(p); err != nil {
		t.Fatal(err)
	}
	bad := p
	bad.TokenURL = "ftp://x"
	if err := v.PutProvider(bad); err == nil || !strings.Contains(err.Error(), "token_url") {
		t.Fatalf("invalid provider saved: %v", err)
	}
	if _, _, err := v.Lookup("nope"); !errors.Is(err, ErrUnknownProvider) {
		t.Fatalf("lookup of a missing provider: %v", err)
	}
	tok := testToken(7, 1)
	if _, err := v.Record(p.Name, tok, ev("issued")); err != nil {
		t.Fatal(err)
	}
	tok.AccessToken = "changed by the caller afterwards"
	got, gotTok, err := v.Lookup(p.Name)
	if err != nil || got.ClientSecret != p.ClientSecret || gotTok.AccessToken != testToken(7, 1).AccessToken {
		t.Fatalf("lookup: %v", err)
	}

	// A rotated secret keeps the token; a new token URL drops it.
	p.ClientSecret = "rotated-secret-value"
	if err := v.PutProvider(p); err != nil {
		t.Fatal(err)
	}
	if _, tok, _ := v.Lookup(p.Name); tok == nil {
		t.Fatal("token dropped when only the secret changed")
	}
	p.TokenURL = "https://elsewhere.example.com/token"
	if err := v.PutProvider(p); err != nil {
		t.Fatal(err)
	}
	if _, tok, _ := v.Lookup(p.Name); tok != nil {
		t.Fatal("token kept for a different token URL")
	}
	if _, err := v.Record(p.Name, nil, ev("revoked")); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Record("nope", nil, ev("revoked")); !errors.Is(err, ErrUnknownProvider) {
		t.Fatalf("record for a missing provider: %v", err)
	}
	if err := v.SetTheme("dracula"); err != nil {
		t.Fatal(err)
	}
	if err := v.SetSettings(Settings{ClipboardClearOff: true}); err != nil {
		t.Fatal(err)
	}
	pl, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	if pl.Theme != "dracula" || pl.Settings.ClipboardClearAfter() != 0 || len(pl.Providers[0].History) != 2 {
		t.Fatalf("loaded %+v", pl.Settings)
	}
	// Load hands out a copy.
	pl.Providers[0].Provider.Headers["X"] = "y"
	pl.Providers = nil
	if again, _ := v.Load(); len(again.Providers) != 1 || again.Providers[0].Provider.Headers["X"] != "" {
		t.Fatal("changing a loaded payload changed the vault's copy")
	}
	if err := v.RemoveProvider(p.Name); err != nil {
		t.Fatal(err)
	}
	if err := v.RemoveProvider(p.Name); !errors.Is(err, ErrUnknownProvider) {
		t.Fatalf("second remove: %v", err)
	}
	if (Settings{}).ClipboardClearAfter() != DefaultClipboardClear {
		t.Fatal("default clipboard clear")
	}
}

func TestHistoryCappedAndScrubbed(t *testing.T) {
	v := newTestVault(t)
	p := testProvider(3)
	if err := v.PutProvider(p); err != nil {
		t.Fatal(err)
	}
	tok := testToken(3, 1)
	for i := range MaxHistory + 10 {
		e := providers.Event{At: fixedTime.Add(time.Duration(i) * time.Second), Kind: providers.EventRefreshed, Detail: "n=" + itoa(i)}
		if _, err := v.Record(p.Name, tok, e); err != nil {
			t.Fatal(err)
		}
	}
	leak := "sent " + p.ClientSecret.Reveal() + " and got " + tok.AccessToken.Reveal() + ", header " + p.Headers["Ocp-Apim-Subscription-Key"].Reveal()
	if _, err := v.Record(p.Name, tok, providers.Event{At: fixedTime, Kind: providers.EventFailed, Detail: leak}); err != nil {
		t.Fatal(err)
	}
	pl, _ := v.Load()
	h := pl.Providers[0].History
	if len(h) != MaxHistory || h[0].Detail != "n=11" || h[MaxHistory-2].Detail != "n=59" {
		t.Fatalf("history of %d, first %q", len(h), h[0].Detail)
	}
	if d := h[MaxHistory-1].Detail; d != "sent ******** and got ********, header ********" {
		t.Fatalf("history detail not scrubbed: %q", d)
	}
}

// TestKDFOncePerUnlock: saves never touch identity.age (where the KDF
// lives): with the file gone after unlock, every save still works.
func TestKDFOncePerUnlock(t *testing.T) {
	v := newTestVault(t)
	w, err := OpenPassphrase(v.Dir(), testPass)
	if err != nil {
		t.Fatal(err)
	}
	id := filepath.Join(v.Dir(), identityFile)
	saved, _ := os.ReadFile(id)
	os.Remove(id)
	if err := w.PutProvider(testProvider(1)); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := w.Record("prov0001", testToken(1, i), ev("refreshed")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(id); !os.IsNotExist(err) {
		t.Fatal("a save wrote identity.age")
	}
	writeFile(t, id, saved)
}

func TestChangePassphrase(t *testing.T) {
	v := faultVault(t)
	vaultBefore, _ := os.ReadFile(filepath.Join(v.Dir(), vaultFile))
	if err := v.ChangePassphrase([]byte("a new passphrase"), testWF+1); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(filepath.Join(v.Dir(), vaultFile)); !bytes.Equal(after, vaultBefore) {
		t.Fatal("ChangePassphrase rewrote vault.age")
	}
	if _, err := OpenPassphrase(v.Dir(), testPass); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("old passphrase: %v", err)
	}
	w, err := OpenPassphrase(v.Dir(), []byte("a new passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	if w.id.String() != v.id.String() {
		t.Fatal("the identity changed")
	}
	if wf, _ := scryptWorkFactor(must(os.ReadFile(filepath.Join(v.Dir(), identityFile)))); wf != testWF+1 {
		t.Fatalf("work factor %d", wf)
	}
	if m := mustStat(t, filepath.Join(v.Dir(), identityFile)).Mode().Perm(); m != 0o600 {
		t.Fatalf("identity.age mode %04o", m)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestOpenKeysOrder: the identity, then the keyring when opted in, then
// the passphrase, else ErrNeedPassphrase; a key that does not open the
// vault is a KeyError naming that key. (keyring.MockInit in TestMain
// stands in for the OS keyring.)
func TestOpenKeysOrder(t *testing.T) {
	v := faultVault(t)
	var k Keys

	if _, err := OpenKeys(v.Dir(), k); !errors.Is(err, ErrNeedPassphrase) {
		t.Fatalf("no way to unlock: %v", err)
	}
	k.Passphrase = testPass
	if _, err := OpenKeys(v.Dir(), k); err != nil {
		t.Fatalf("the passphrase: %v", err)
	}
	if _, err := OpenKeys(v.Dir(), Keys{Passphrase: []byte("wrong")}); !errors.Is(err, ErrWrongPassphrase) || !isKeyError(err, KeyPassphrase) {
		t.Fatalf("a wrong passphrase: %v, want ErrWrongPassphrase as a KeyError about the passphrase", err)
	}
	k.Identity = otherKey(t).String()
	if _, err := OpenKeys(v.Dir(), k); !errors.Is(err, ErrCorrupt) || !isKeyError(err, KeyIdentity) {
		t.Fatalf("an identity that does not match must not fall through: %v", err)
	}
	k.Identity = "AGE-SECRET-KEY-1NOTAKEY"
	if _, err := OpenKeys(v.Dir(), k); err == nil || strings.Contains(err.Error(), "NOTAKEY") {
		t.Fatalf("a malformed identity: %v", err)
	}
	k.Identity = v.id.String()
	k.Passphrase = []byte("wrong")
	if _, err := OpenKeys(v.Dir(), k); err != nil {
		t.Fatalf("the identity comes before the passphrase: %v", err)
	}
	k.Identity = ""
	k.Passphrase = nil

	// The keyring, once opted in.
	if v.KeyringEnabled() {
		t.Fatal("keyring enabled before opting in")
	}
	if err := v.EnableKeyring(); err != nil {
		t.Fatal(err)
	}
	if !v.KeyringEnabled() {
		t.Fatal("keyring not enabled")
	}
	if _, err := OpenKeys(v.Dir(), k); err != nil {
		t.Fatalf("keyring unlock: %v", err)
	}
	// A stale entry (another key) falls through to the passphrase.
	account := strings.TrimSpace(string(must(os.ReadFile(filepath.Join(v.Dir(), keyringFile)))))
	if err := keyring.Set(keyringService, account, otherKey(t).String()); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenKeys(v.Dir(), k); !errors.Is(err, ErrNeedPassphrase) {
		t.Fatalf("stale keyring entry: %v", err)
	}
	k.Passphrase = testPass
	if _, err := OpenKeys(v.Dir(), k); err != nil {
		t.Fatalf("stale keyring entry, then the passphrase: %v", err)
	}
	k.Passphrase = nil
	if err := v.EnableKeyring(); err != nil {
		t.Fatal(err)
	}
	if err := v.DisableKeyring(); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(keyringService, account); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("keyring entry left: %v", err)
	}
	if _, err := OpenKeys(v.Dir(), k); !errors.Is(err, ErrNeedPassphrase) {
		t.Fatalf("after disable: %v", err)
	}
	if _, err := OpenKeys(filepath.Join(t.TempDir(), "none"), k); !errors.Is(err, ErrNotInitialised) {
		t.Fatalf("no vault: %v", err)
	}
}

func TestKeyringUnavailable(t *testing.T) {
	v := faultVault(t)
	keyring.MockInitWithError(errors.New("dbus: no session bus"))
	defer keyring.MockInit()
	if err := v.EnableKeyring(); !errors.Is(err, ErrKeyring) {
		t.Fatalf("enable without a keyring: %v", err)
	}
	writeFile(t, filepath.Join(v.Dir(), keyringFile), []byte(accountPrefix+strings.Repeat("ab", 16)+"\n"))
	if _, err := OpenKeys(v.Dir(), Keys{Passphrase: testPass}); err != nil {
		t.Fatalf("opted in, keyring gone: should fall through to the passphrase: %v", err)
	}
	if err := v.DisableKeyring(); !errors.Is(err, ErrKeyring) || v.KeyringEnabled() {
		t.Fatalf("disable without a keyring: %v (the opt-in must go anyway)", err)
	}
}

// TestNoSecretOnDisk is `grep -r` for every secret over the vault
// directory after a full session: init, providers, tokens, history,
// keyring, a passphrase change, a failed save, removals.
func TestNoSecretOnDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	v, err := Init(dir, testPass, testWF)
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{string(testPass), "second passphrase value", v.id.String(), v.rcp.String()}
	for i := range 5 {
		p := testProvider(i)
		if err := v.PutProvider(p); err != nil {
			t.Fatal(err)
		}
		tok := testToken(i, 1)
		if _, err := v.Record(p.Name, tok, providers.Event{At: fixedTime, Kind: providers.EventIssued, Detail: "got " + tok.AccessToken.Reveal()}); err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, p.ClientSecret.Reveal(), p.Password.Reveal(), p.Headers["Ocp-Apim-Subscription-Key"].Reveal(),
			tok.AccessToken.Reveal(), tok.RefreshToken.Reveal())
	}
	if err := v.EnableKeyring(); err != nil {
		t.Fatal(err)
	}
	if err := v.ChangePassphrase([]byte(secrets[1]), testWF); err != nil {
		t.Fatal(err)
	}
	v.wrapWriter = func(w io.Writer) io.Writer { return &fullDisk{w: w, left: 300} }
	v.SetTheme("x")
	v.wrapWriter = nil
	if err := v.RemoveProvider("prov0000"); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenPassphrase(dir, []byte(secrets[1])); err != nil {
		t.Fatal(err)
	}
	files := 0
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data := must(os.ReadFile(path))
		for _, s := range secrets {
			for _, form := range []string{s, jsonQuoted(s)} {
				if bytes.Contains(data, []byte(form)) {
					t.Errorf("%s holds a secret in plaintext (%.12s…)", filepath.Base(path), s)
				}
			}
		}
		return nil
	})
	if files < 4 {
		t.Fatalf("only %d files to search", files)
	}
}

func jsonQuoted(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

// TestRecoverWithAge decrypts the vault the way the stock age command
// does for the README's recovery lines: identity.age is an age-encrypted
// identity file, decrypted with the passphrase and parsed with
// age.ParseIdentities, whose identity then decrypts vault.age, the index,
// and every provider file it names.
func TestRecoverWithAge(t *testing.T) {
	v := faultVault(t)
	sid, _ := age.NewScryptIdentity(string(testPass))
	r, err := age.Decrypt(bytes.NewReader(must(os.ReadFile(filepath.Join(v.Dir(), identityFile)))), sid)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := age.ParseIdentities(r)
	if err != nil || len(ids) != 1 {
		t.Fatalf("identity file: %v", err)
	}
	var idx struct {
		Version   int
		Providers []string
		Files     map[string][]string
	}
	read := func(name string, out any) {
		t.Helper()
		r, err := age.Decrypt(bytes.NewReader(must(os.ReadFile(filepath.Join(v.Dir(), name)))), ids...)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.NewDecoder(r).Decode(out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	read(vaultFile, &idx)
	if idx.Version != 2 || len(idx.Providers) != 1 || idx.Providers[0] != "prov0001" || len(idx.Files) != 1 {
		t.Fatalf("vault.age: %+v", idx)
	}
	for file := range idx.Files {
		var g struct{ Providers []Entry }
		read(file, &g)
		if len(g.Providers) != 1 || g.Providers[0].Token.RefreshToken != testToken(1, 1).RefreshToken {
			t.Fatalf("%s: %+v", file, g)
		}
	}
}

func TestHistoryScrubsTokenExtraFields(t *testing.T) {
	v := newTestVault(t)
	p := testProvider(4)
	if err := v.PutProvider(p); err != nil {
		t.Fatal(err)
	}
	tok := testToken(4, 1)
	tok.Extra = append(tok.Extra, providers.Field{Key: "id_token", Value: `"eyJpZC10b2tlbi1zZWNyZXQ"`})
	ev := providers.Event{At: fixedTime, Kind: providers.EventFailed, Detail: "server echoed eyJpZC10b2tlbi1zZWNyZXQ back"}
	if _, err := v.Record(p.Name, tok, ev); err != nil {
		t.Fatal(err)
	}
	pl, _ := v.Load()
	if d := pl.Providers[0].History[0].Detail; d != "server echoed ******** back" {
		t.Fatalf("id_token not scrubbed from the history: %q", d)
	}
}

// TestPanicInUpdateSavesNothingHalfDone: a change that panics halfway is
// not written by the next save.
func TestPanicInUpdateSavesNothingHalfDone(t *testing.T) {
	v := newTestVault(t)
	func() {
		defer func() { _ = recover() }()
		_ = v.Update(func(p *Payload) error {
			p.Theme = "half-done"
			panic("boom")
		})
	}()
	if err := v.SetSettings(Settings{ClipboardClearOff: true}); err != nil {
		t.Fatal(err)
	}
	w, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := w.Load(); p.Theme == "half-done" || !p.Settings.ClipboardClearOff {
		t.Fatalf("after a panicking update: theme %q, settings %+v", p.Theme, p.Settings)
	}
}

// TestChangePassphraseRefusesAReplacedVault: a Vault opened before the
// store was re-created must not overwrite the new store's identity.
func TestChangePassphraseRefusesAReplacedVault(t *testing.T) {
	old := newTestVault(t)
	dir := old.Dir()
	for _, f := range []string{identityFile, vaultFile} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Init(dir, []byte("the new passphrase"), testWF); err != nil {
		t.Fatal(err)
	}
	if err := old.ChangePassphrase([]byte("stale"), testWF); err == nil {
		t.Fatal("ChangePassphrase with a key that no longer opens the vault succeeded")
	}
	if _, err := OpenPassphrase(dir, []byte("the new passphrase")); err != nil {
		t.Fatalf("the new store no longer opens: %v", err)
	}
}

// isKeyError reports whether err is a KeyError about key.
func isKeyError(err error, key Key) bool {
	var ke *KeyError
	return errors.As(err, &ke) && ke.Key == key
}
