//go:build unix

package store

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// otherUID owns the files chowned away from us.
const otherUID = 12345

// chownAway gives path to otherUID for the rest of the test. It needs root
// (CI runs the tests as root); anyone else skips, saying why.
func chownAway(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Lchown(path, otherUID, -1); err != nil {
		if os.Getuid() != 0 {
			t.Skipf("chown to uid %d needs root, and this test runs as uid %d: %v", otherUID, os.Getuid(), err)
		}
		t.Fatal(err)
	}
	uid, _ := fileOwner(fi)
	t.Cleanup(func() { _ = os.Lchown(path, uid, -1) })
}

// TestOwnedByAnotherUser: a store directory, identity.age, vault.age,
// vault.lock, keyring.id or a provider file owned by someone else is refused, as OpenSSH
// refuses such files, naming the file and the owner; nothing is changed.
func TestOwnedByAnotherUser(t *testing.T) {
	v := faultVault(t)
	if err := os.WriteFile(filepath.Join(v.Dir(), keyringFile), []byte(accountPrefix+strings.Repeat("ab", 16)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	openID := func() error { _, err := OpenIdentity(v.Dir(), v.id.String()); return err }
	openPass := func() error { _, err := OpenPassphrase(v.Dir(), testPass); return err }
	openKeys := func() error { _, err := OpenKeys(v.Dir(), Keys{}); return err }
	save := func() error { return v.SetTheme("other") }
	load := func() error { _, err := v.Load(); return err }
	record := func() error { _, err := v.Record("prov0001", nil, ev("dropped")); return err }
	// v has read every file: a lookup knows them by one Lstat, which
	// must refuse them as a read does.
	lookup := func() error { _, _, err := v.Lookup("prov0001"); return err }
	for _, c := range []struct {
		name string
		ops  map[string]func() error
	}{
		{"", map[string]func() error{"OpenIdentity": openID, "OpenPassphrase": openPass}},
		{identityFile, map[string]func() error{"OpenPassphrase": openPass}},
		{vaultFile, map[string]func() error{"OpenIdentity": openID, "OpenPassphrase": openPass, "a save": save, "Lookup": lookup}},
		{lockFile, map[string]func() error{"a save": save}},
		{keyringFile, map[string]func() error{"OpenKeys": openKeys}},
		{groupFiles(t, v.Dir())[0], map[string]func() error{"Load": load, "a save": record, "Lookup": lookup}},
	} {
		path := filepath.Join(v.Dir(), c.name)
		t.Run(filepath.Base(path), func(t *testing.T) {
			chownAway(t, path)
			for op, fn := range c.ops {
				before := snapshot(t, v.Dir())
				err := fn()
				if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), path+": is owned by user "+strconv.Itoa(otherUID)) {
					t.Errorf("%s: got %v, want ErrUnsafe naming %s and its owner", op, err, path)
				}
				sameSnapshot(t, before, snapshot(t, v.Dir()))
			}
		})
	}
	// Back in our hands, everything works again.
	if err := openID(); err != nil {
		t.Fatal(err)
	}
	if err := save(); err != nil {
		t.Fatal(err)
	}
}

// A vault.lock others can write could be replaced or held by them.
func TestLockWritableByOthers(t *testing.T) {
	v := faultVault(t)
	lock := filepath.Join(v.Dir(), lockFile)
	if err := os.Chmod(lock, 0o622); err != nil {
		t.Fatal(err)
	}
	if err := v.SetTheme("x"); !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), "writable by group or others") {
		t.Fatalf("a save with a group-writable vault.lock: %v", err)
	}
	if err := os.Chmod(lock, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := v.SetTheme("x"); err != nil {
		t.Fatal(err)
	}
}

// TestOwnershipErrorBlamesNoKey: a store file owned by someone else is the
// file's fault, not the passphrase's or the identity's.
func TestOwnershipErrorBlamesNoKey(t *testing.T) {
	v := faultVault(t)
	path := filepath.Join(v.Dir(), vaultFile)
	chownAway(t, path)
	for name, k := range map[string]Keys{"passphrase": {Passphrase: testPass}, "identity": {Identity: v.id.String()}} {
		_, err := OpenKeys(v.Dir(), k)
		var ke *KeyError
		if !errors.Is(err, ErrUnsafe) || errors.As(err, &ke) || !strings.HasSuffix(err.Error(), "so it is not used") {
			t.Errorf("unlocked by the %s: %v, want the file's owner named, no KeyError, \"so it is not used\"", name, err)
		}
	}
}
