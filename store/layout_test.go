package store

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// unnamedFiles lists the provider files in v's directory that its index
// does not name.
func unnamedFiles(t *testing.T, v *Vault) []string {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	idx, err := v.readIndex(false)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range groupFiles(t, v.Dir()) {
		if !slices.Contains(idx.files(), f) {
			out = append(out, f)
		}
	}
	return out
}

// vaultOf is a vault of n test providers, each with a token.
func vaultOf(t *testing.T, n int) *Vault {
	t.Helper()
	v := newTestVault(t)
	big := bigPayload(n)
	if err := v.Update(func(p *Payload) error { *p = *big; return nil }); err != nil {
		t.Fatal(err)
	}
	return v
}

// fileHolding is the provider file that holds name.
func fileHolding(t *testing.T, v *Vault, name string) string {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	idx, err := v.readIndex(false)
	if err != nil {
		t.Fatal(err)
	}
	f := idx.fileOf(name)
	if f == "" {
		t.Fatalf("no file holds %s", name)
	}
	return f
}

func TestLayoutFilesOfSixteen(t *testing.T) {
	v := vaultOf(t, 40)
	files := groupFiles(t, v.Dir())
	if len(files) != 3 {
		t.Fatalf("40 providers in %d files, want 3", len(files))
	}
	for _, f := range files {
		if m := mustStat(t, filepath.Join(v.Dir(), f)).Mode().Perm(); m != 0o600 {
			t.Errorf("%s mode %04o", f, m)
		}
	}
	p, err := v.Load()
	if err != nil || len(p.Providers) != 40 || p.Providers[39].Provider.Name != "prov0039" || p.Theme != "dracula" {
		t.Fatalf("Load: %v", err)
	}
	// A new provider joins a file with room; removing every provider of a
	// file removes the file.
	if err := v.PutProvider(testProvider(40)); err != nil {
		t.Fatal(err)
	}
	if got := len(groupFiles(t, v.Dir())); got != 3 {
		t.Fatalf("after one more provider: %d files", got)
	}
	last := fileHolding(t, v, "prov0040")
	for i := 32; i <= 40; i++ {
		if err := v.RemoveProvider(testProvider(i).Name); err != nil {
			t.Fatal(err)
		}
	}
	if files := groupFiles(t, v.Dir()); len(files) != 2 || slices.Contains(files, last) {
		t.Fatalf("after removing a file's providers: %v", files)
	}
	if left := unnamedFiles(t, v); len(left) > 0 {
		t.Fatalf("files no index names: %v", left)
	}
}

// TestRecordRewritesOneFile: a token recorded writes one file, the one
// holding its provider, whatever the number of providers; vault.age and
// every other file are untouched.
func TestRecordRewritesOneFile(t *testing.T) {
	v := vaultOf(t, 100)
	target := fileHolding(t, v, "prov0050")
	before := snapshot(t, v.Dir())
	var writes int
	var written int64
	v.wrapWriter = func(w io.Writer) io.Writer { writes++; return countingWriter{w, &written} }
	if _, err := v.Record("prov0050", testToken(50, 2), ev("refreshed")); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, v.Dir())
	for name, was := range before {
		if changed := after[name] != was; changed != (name == target) {
			t.Errorf("%s changed: %v", name, changed)
		}
	}
	size := mustStat(t, filepath.Join(v.Dir(), target)).Size()
	if writes != 1 || written != size {
		t.Errorf("%d files, %d bytes written; want one file of %d bytes", writes, written, size)
	}
	if size > 80<<10 {
		t.Errorf("a provider file of 16 is %d bytes", size)
	}
}

// TestLookupReadsOneFile: looking a provider up reads vault.age and the
// file that holds it, no other: a damaged file elsewhere does not stop it
// (and is refused, naming it, when it is read).
func TestLookupReadsOneFile(t *testing.T) {
	v := vaultOf(t, 40)
	damaged := fileHolding(t, v, "prov0000")
	path := filepath.Join(v.Dir(), damaged)
	data, _ := os.ReadFile(path)
	data[len(data)-5] ^= 1
	writeFile(t, path, data)

	w, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, tok, err := w.Lookup("prov0039"); err != nil || tok == nil {
		t.Fatalf("a provider in a sound file: %v", err)
	}
	for what, op := range map[string]func() error{
		"Lookup": func() error { _, _, err := w.Lookup("prov0001"); return err },
		"Load":   func() error { _, err := w.Load(); return err },
		"Record": func() error { _, err := w.Record("prov0002", nil, providers.Event{}); return err },
	} {
		before := snapshot(t, v.Dir())
		if err := op(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), damaged) {
			t.Errorf("%s in a damaged file: %v", what, err)
		}
		sameSnapshot(t, before, snapshot(t, v.Dir()))
	}
	// A provider in a sound file can still be changed.
	if _, err := w.Record("prov0039", testToken(39, 2), ev("refreshed")); err != nil {
		t.Fatal(err)
	}
}

// Provider files that are missing, swapped or damaged are refused, naming
// them, and change nothing.
func TestProviderFileFaults(t *testing.T) {
	v := vaultOf(t, 20)
	a, b := fileHolding(t, v, "prov0000"), fileHolding(t, v, "prov0019")
	pa, pb := filepath.Join(v.Dir(), a), filepath.Join(v.Dir(), b)
	origA, origB := must(os.ReadFile(pa)), must(os.ReadFile(pb))
	load := func() error {
		w, err := OpenIdentity(v.Dir(), v.id.String())
		if err == nil {
			_, err = w.Load()
		}
		return err
	}
	for _, c := range []struct {
		name  string
		apply func()
		want  error
		msg   string
	}{
		{"missing", func() { os.Remove(pa) }, ErrCorrupt, a + ": is missing"},
		{"swapped", func() { writeFile(t, pa, origB) }, ErrCorrupt, a + ": does not hold the providers"},
		{"truncated", func() { writeFile(t, pa, origA[:len(origA)-1]) }, ErrCorrupt, a + ": is damaged"},
		{"another key", func() {
			writeFile(t, pa, sealFor(t, newVault("", otherKey(t)), []byte(`{"version":2,"providers":[]}`)))
		}, ErrCorrupt, a},
		{"open to others", func() { os.Chmod(pa, 0o644) }, ErrUnsafe, a},
		{"newer", func() { writeFile(t, pa, sealFor(t, v, []byte(`{"version":3,"providers":[],"sync":1}`))) }, ErrUnsupported, a},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.apply()
			defer func() { os.Remove(pa); writeFile(t, pa, origA); writeFile(t, pb, origB) }()
			before := snapshot(t, v.Dir())
			if err := load(); !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want %v naming %q", err, c.want, c.msg)
			}
			if _, err := v.Record("prov0001", nil, providers.Event{}); !errors.Is(err, c.want) {
				t.Fatalf("a save: got %v, want %v", err, c.want)
			}
			sameSnapshot(t, before, snapshot(t, v.Dir()))
		})
	}
	if err := load(); err != nil {
		t.Fatal(err)
	}
}

// TestReadersDuringCommits: one Vault commits over and over (providers
// added and removed, files created, renamed and deleted) while another,
// in the same directory, reads without the lock: every read is whole,
// never an error.
func TestReadersDuringCommits(t *testing.T) {
	v := vaultOf(t, 40)
	r, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	var readErr error
	reads := 0
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			p, err := r.Load()
			if err == nil && len(p.Providers) != 40 && len(p.Providers) != 41 {
				err = errors.New("a Load saw part of a change")
			}
			if err == nil {
				_, _, err = r.Lookup("prov0020")
			}
			if err != nil {
				readErr = err
				return
			}
			reads++
		}
	})
	for i := range 30 {
		err := v.Update(func(p *Payload) error {
			if len(p.Providers) == 41 {
				p.Providers = p.Providers[:40]
			} else {
				p.Providers = append(p.Providers, Entry{Provider: testProvider(99)})
			}
			// Touch every file, so every one moves.
			for k := 0; k < 40; k += 16 {
				p.Providers[k].Provider.Params = map[string]string{"n": itoa(i)}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	if readErr != nil {
		t.Fatalf("after %d reads: %v", reads, readErr)
	}
	t.Logf("%d reads during 30 commits", reads)
	if left := unnamedFiles(t, v); len(left) > 0 {
		t.Fatalf("files no index names: %v", left)
	}
}

// Provider files no index names (a crash between writing them and the
// index, or before removing the old ones) and their temp files are
// removed at open; named ones and other files are kept.
func TestUnnamedProviderFilesRemovedAtOpen(t *testing.T) {
	v := vaultOf(t, 3)
	named := groupFiles(t, v.Dir())
	stray := []string{"providers-00000000000000aa.age", ".providers-00000000000000aa.age123", ".providers-00000000000000bb.age9"}
	kept := []string{"providers-xyz.age", ".providers-00000000000000aa.agex", "providers-00000000000000AA.age"}
	for _, n := range append(stray, kept...) {
		writeFile(t, filepath.Join(v.Dir(), n), []byte("x"))
	}
	if _, err := OpenIdentity(v.Dir(), v.id.String()); err != nil {
		t.Fatal(err)
	}
	for _, n := range append(append(kept, named...), vaultFile, identityFile) {
		if _, err := os.Lstat(filepath.Join(v.Dir(), n)); err != nil {
			t.Errorf("%s was removed", n)
		}
	}
	for _, n := range stray {
		if _, err := os.Lstat(filepath.Join(v.Dir(), n)); err == nil {
			t.Errorf("%s was kept", n)
		}
	}
}

// oldVault writes a vault of schema version 1 (the whole payload in
// vault.age), as tokenscope wrote it before the provider files, from the
// vault_two_providers vector, and returns the identity that opens it.
func oldVault(t *testing.T) (dir, identity string, old []byte) {
	t.Helper()
	vec := parseVector(t, must(os.ReadFile(filepath.Join("testdata", "vectors", "vault_two_providers"))))
	dir = filepath.Join(t.TempDir(), "home")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, vaultFile), vec.body)
	return dir, vec.identities[0], vec.body
}

// TestMigrateFromOneFile: opening a vault of the old layout moves it to the
// new one: vault.age becomes the index, the providers go to a provider
// file, nothing is lost.
func TestMigrateFromOneFile(t *testing.T) {
	dir, identity, _ := oldVault(t)
	v, err := OpenIdentity(dir, identity)
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Names(), ",") != "mtn,momo" || p.Theme != "dracula" || p.Providers[1].Token.AccessToken != "vector-token" ||
		p.Providers[0].Provider.ClientSecret != "vector-secret" {
		t.Fatalf("after the migration: %+v", p)
	}
	if files := groupFiles(t, dir); len(files) != 1 {
		t.Fatalf("provider files %v", files)
	}
	v.mu.Lock()
	idx, err := v.readIndex(false)
	v.mu.Unlock()
	if err != nil || len(idx.Providers) != 2 {
		t.Fatalf("vault.age is not the index: %v", err)
	}
	// A second open finds nothing to do.
	before := snapshot(t, dir)
	if _, err := OpenIdentity(dir, identity); err != nil {
		t.Fatal(err)
	}
	sameSnapshot(t, before, snapshot(t, dir))
}

// TestMigrationInterrupted: a migration that fails before its last write
// (the disk full when vault.age is replaced) leaves the old vault.age
// exactly as it was; the next open migrates, and removes the provider
// files the failed one wrote.
func TestMigrationInterrupted(t *testing.T) {
	dir, identity, old := oldVault(t)
	id, err := ParseIdentity(identity)
	if err != nil {
		t.Fatal(err)
	}
	v := newVault(dir, id)
	writes := 0
	v.wrapWriter = func(w io.Writer) io.Writer {
		writes++
		if writes == 2 { // the provider file went well; vault.age does not
			return &fullDisk{w: w, left: 10}
		}
		return w
	}
	v.mu.Lock()
	_, err = v.readIndex(false)
	v.mu.Unlock()
	if err == nil || !strings.Contains(err.Error(), "new layout") {
		t.Fatalf("a migration on a full disk: %v", err)
	}
	if got := must(os.ReadFile(filepath.Join(dir, vaultFile))); !bytes.Equal(got, old) {
		t.Fatal("the failed migration changed vault.age")
	}
	w, err := OpenIdentity(dir, identity)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := w.Load(); err != nil || len(p.Providers) != 2 {
		t.Fatalf("after the second try: %v", err)
	}
	if files := groupFiles(t, dir); len(files) != 1 {
		t.Fatalf("provider files after the second try: %v", files)
	}
}

// TestPutProvidersRewritesTheirFiles: a batch rewrites the files of the
// providers it replaces, fills the last file with room, and puts the rest
// in a new file; every other file is untouched, and the order is the old
// one with the new providers after it.
func TestPutProvidersRewritesTheirFiles(t *testing.T) {
	v := vaultOf(t, 100) // six files of 16 and one of 4
	replaced := fileHolding(t, v, "prov0050")
	roomy := fileHolding(t, v, "prov0099")
	before := snapshot(t, v.Dir())
	batch := []providers.Provider{testProvider(50)}
	batch[0].TryBody = "replaced"
	for i := 100; i < 120; i++ {
		batch = append(batch, testProvider(i))
	}
	got, err := v.PutProviders(t.Context(), batch)
	if err != nil {
		t.Fatal(err)
	}
	if !got[0] || slices.Contains(got[1:], true) {
		t.Fatalf("replaced %v", got)
	}
	after := snapshot(t, v.Dir())
	for name, was := range before {
		want := name == replaced || name == roomy || name == vaultFile
		if changed := after[name] != was; changed != want {
			t.Errorf("%s changed: %v, want %v", name, changed, want)
		}
	}
	if n := len(groupFiles(t, v.Dir())); n != 8 {
		t.Errorf("%d provider files, want 8", n)
	}
	// A file rewritten with others gets a new name (commit.go): the one
	// that had room is now where prov0099 is.
	filled := fileHolding(t, v, "prov0099")
	if f := fileHolding(t, v, "prov0111"); f != filled {
		t.Errorf("prov0111 is not in the file that had room")
	}
	if f := fileHolding(t, v, "prov0112"); f == filled || before[f] != "" {
		t.Errorf("prov0112 is in %s, want a new file", f)
	}
	p, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range p.Providers {
		if want := testProvider(i).Name; e.Provider.Name != want {
			t.Fatalf("provider #%d is %s, want %s", i, e.Provider.Name, want)
		}
	}
	if len(p.Providers) != 120 || p.Providers[50].Provider.TryBody != "replaced" || p.Providers[50].Token == nil {
		t.Fatalf("after the batch: %d providers, #50 %+v", len(p.Providers), p.Providers[50].Provider)
	}
}

// TestSaveCostDoesNotGrow: a token recorded writes the same bytes with
// ten times the providers (one file of 16 either way), so refreshing every
// provider writes bytes linear in their number. Counted, not timed: 32
// saves, spread over the providers, in a vault of 32 and one of 320.
func TestSaveCostDoesNotGrow(t *testing.T) {
	written := func(n int) (files int, bytes int64) {
		v := vaultOf(t, n)
		v.wrapWriter = func(w io.Writer) io.Writer { files++; return countingWriter{w, &bytes} }
		for k := range 32 {
			i := k * n / 32
			if _, err := v.Record(testProvider(i).Name, testToken(i, 2), ev("refreshed")); err != nil {
				t.Fatal(err)
			}
		}
		return files, bytes
	}
	files1, bytes1 := written(32)
	files10, bytes10 := written(320)
	if files1 != 32 || files10 != 32 {
		t.Fatalf("32 saves wrote %d and %d files, want 32 each", files1, files10)
	}
	if ratio := float64(bytes10) / float64(bytes1); ratio > 1.05 {
		t.Fatalf("32 saves wrote %d bytes among 320 providers, %.2f× what they wrote among 32 (%d)", bytes10, ratio, bytes1)
	}
}
