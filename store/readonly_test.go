package store

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
)

// legacyVault is a copy of testdata/v1, a vault of the old one-file
// layout, with its identity and payload.
func legacyVault(t *testing.T) (dir string, id string, want *Payload) {
	t.Helper()
	src := filepath.Join("testdata", "v1")
	identity := string(must(os.ReadFile(filepath.Join(src, "identity.txt"))))
	want, err := decodeLegacy(string(must(os.ReadFile(filepath.Join(src, "payload.json")))))
	if err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(t.TempDir(), "home")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, vaultFile), must(os.ReadFile(filepath.Join(src, vaultFile))))
	return dir, identity[:len(identity)-1], want
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

// TestLegacyReadOnly: a vault of the old layout in a directory that
// cannot be written (the lock, or the move to the new layout, fails with
// EROFS or EACCES; we run as root, which chmod does not stop, so the
// failure is injected) still opens and reads; ReadOnly says why, once;
// every save is refused with ErrReadOnly and nothing on disk changes.
// Once another process has moved it, the same Vault saves again.
func TestLegacyReadOnly(t *testing.T) {
	cases := map[string]func(v *Vault){
		"lock on a read-only file system": func(v *Vault) {
			v.lockHook = func() error {
				return &os.PathError{Op: "open", Path: filepath.Join(v.dir, lockFile), Err: syscall.EROFS}
			}
		},
		"move in a directory we may not write": func(v *Vault) {
			v.wrapWriter = func(io.Writer) io.Writer {
				return failingWriter{&os.PathError{Op: "write", Path: v.dir, Err: syscall.EACCES}}
			}
		},
	}
	for name, fault := range cases {
		t.Run(name, func(t *testing.T) {
			dir, identity, want := legacyVault(t)
			id, err := ParseIdentity(identity)
			if err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, dir)
			v := newVault(dir, id)
			fault(v)
			if err := v.open(); err != nil {
				t.Fatalf("open of a read-only old-layout vault: %v", err)
			}
			ro := v.ReadOnly()
			if !errors.Is(ro, ErrReadOnly) || !readOnlyErr(ro) {
				t.Fatalf("ReadOnly() = %v, want ErrReadOnly with the cause", ro)
			}
			p, err := v.Load()
			if err != nil {
				t.Fatal(err)
			}
			p.Version = want.Version
			if !reflect.DeepEqual(p, want) {
				t.Fatalf("read-only payload differs from payload.json\n got %+v\nwant %+v", p, want)
			}
			e := want.Providers[1]
			if prov, tok, err := v.Lookup(e.Provider.Name); err != nil || prov.Name != e.Provider.Name || !reflect.DeepEqual(tok, e.Token) {
				t.Fatalf("lookup %s: %v", e.Provider.Name, err)
			}
			if _, err := v.Record(e.Provider.Name, nil, ev("dropped")); !errors.Is(err, ErrReadOnly) {
				t.Fatalf("save: got %v, want ErrReadOnly", err)
			}
			if err := v.SetTheme("dracula"); !errors.Is(err, ErrReadOnly) {
				t.Fatalf("save: got %v, want ErrReadOnly", err)
			}
			after := snapshot(t, dir)
			delete(after, lockFile) // taken, when only the move fails
			sameSnapshot(t, before, after)

			// Another process, free to write, moves the vault: this one
			// sees it and saves again.
			if _, err := OpenIdentity(dir, identity); err != nil {
				t.Fatal(err)
			}
			v.lockHook, v.wrapWriter = nil, nil
			if _, err := v.Record(e.Provider.Name, nil, ev("dropped")); err != nil {
				t.Fatalf("save once the vault was moved: %v", err)
			}
			if v.ReadOnly() != nil {
				t.Fatalf("still read-only: %v", v.ReadOnly())
			}
		})
	}
}

// TestLegacyMoveNotDurable: when the directory fsync fails after the move
// to the new layout replaced vault.age, the vault still opens, in the new
// layout, with every provider.
func TestLegacyMoveNotDurable(t *testing.T) {
	dir, identity, want := legacyVault(t)
	id, err := ParseIdentity(identity)
	if err != nil {
		t.Fatal(err)
	}
	v := newVault(dir, id)
	synced := 0
	v.afterRename = func(name string) error {
		if name != vaultFile {
			return nil
		}
		synced++
		return &os.PathError{Op: "sync", Path: dir, Err: syscall.EIO}
	}
	if err := v.open(); err != nil {
		t.Fatalf("open after a move not confirmed durable: %v", err)
	}
	if synced != 1 {
		t.Fatalf("vault.age replaced %d times, want once", synced)
	}
	p, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Providers) != len(want.Providers) || v.ReadOnly() != nil {
		t.Fatalf("%d providers, read-only %v; want %d, writable", len(p.Providers), v.ReadOnly(), len(want.Providers))
	}
	if files := groupFiles(t, dir); len(files) != 1 {
		t.Fatalf("provider files %v, want the one the new vault.age names", files)
	}
}
