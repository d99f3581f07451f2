package store

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// faultVault is an initialised vault with one provider and a token, so
// vault.age has a real payload to damage.
func faultVault(t *testing.T) *Vault {
	t.Helper()
	v := newTestVault(t)
	if err := v.PutProvider(testProvider(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Record("prov0001", testToken(1, 1), ev("issued")); err != nil {
		t.Fatal(err)
	}
	return v
}

// damage rewrites dir/name with f applied to its contents, then checks
// that opening refuses with want and leaves every file as it was.
func damage(t *testing.T, v *Vault, name string, f func([]byte) []byte, want error, open func() error) {
	t.Helper()
	path := filepath.Join(v.Dir(), name)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, f(bytes.Clone(orig)))
	defer writeFile(t, path, orig)
	before := snapshot(t, v.Dir())
	err = open()
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want %v", err, want)
	}
	if want == ErrCorrupt && errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("damage reported as a wrong passphrase: %v", err)
	}
	if !strings.Contains(err.Error(), name) {
		t.Errorf("error %q does not name %s", err, name)
	}
	sameSnapshot(t, before, snapshot(t, v.Dir()))
}

// openers: vault.age is read by OpenIdentity (no KDF), identity.age only
// by OpenPassphrase.
func openers(v *Vault) map[string]func() error {
	return map[string]func() error{
		vaultFile:    func() error { _, err := OpenIdentity(v.Dir(), v.id.String()); return err },
		identityFile: func() error { _, err := OpenPassphrase(v.Dir(), testPass); return err },
	}
}

func TestWrongAndEmptyPassphrase(t *testing.T) {
	v := faultVault(t)
	before := snapshot(t, v.Dir())
	for _, pass := range []string{"wrong passphrase!", ""} {
		_, err := OpenPassphrase(v.Dir(), []byte(pass))
		if !errors.Is(err, ErrWrongPassphrase) || errors.Is(err, ErrCorrupt) {
			t.Fatalf("passphrase %q: got %v, want ErrWrongPassphrase", pass, err)
		}
		if pass != "" && strings.Contains(err.Error(), pass) {
			t.Fatalf("error %q repeats the passphrase", err)
		}
	}
	sameSnapshot(t, before, snapshot(t, v.Dir()))
	if _, err := Init(filepath.Join(t.TempDir(), "x"), nil, testWF); !errors.Is(err, ErrEmptyPassphrase) {
		t.Fatalf("Init with an empty passphrase: %v", err)
	}
	if err := v.ChangePassphrase([]byte{}, testWF); !errors.Is(err, ErrEmptyPassphrase) {
		t.Fatalf("ChangePassphrase to an empty passphrase: %v", err)
	}
}

// headerEnd is the length of the age header, through the MAC line.
func headerEnd(t *testing.T, data []byte) int {
	i := bytes.Index(data, []byte("\n--- "))
	if i < 0 {
		t.Fatal("no MAC line")
	}
	return i + 1 + bytes.IndexByte(data[i+1:], '\n') + 1
}

func TestTruncated(t *testing.T) {
	v := faultVault(t)
	for name, open := range openers(v) {
		data, _ := os.ReadFile(filepath.Join(v.Dir(), name))
		h := headerEnd(t, data)
		for _, n := range []int{0, 1, 21, h / 2, h, h + 16, len(data) - 1} {
			t.Run(name+"/"+itoa(n), func(t *testing.T) {
				damage(t, v, name, func(b []byte) []byte { return b[:n] }, ErrCorrupt, open)
			})
		}
	}
}

func TestBitFlips(t *testing.T) {
	v := faultVault(t)
	for name, open := range openers(v) {
		data, _ := os.ReadFile(filepath.Join(v.Dir(), name))
		h := headerEnd(t, data)
		mac := bytes.Index(data, []byte("\n--- ")) + 5
		at := map[string]int{
			"intro":         3,
			"stanza type":   len(ageIntro) + 4,
			"MAC":           mac + 10,
			"nonce":         h + 5,
			"body":          h + 16 + (len(data)-h-32)/2,
			"tag":           len(data) - 5,
			"closing line":  mac - 2,
			"stanza body 1": stanzaBodyLetter(data),
		}
		for part, i := range at {
			t.Run(name+"/"+part, func(t *testing.T) {
				bit := byte(0x04)
				if part == "stanza body 1" {
					bit = 0x20 // swaps a letter's case: still base64, another key
				}
				want := ErrCorrupt
				if name == identityFile && part == "stanza body 1" {
					// The scrypt stanza's body is the wrapped file key: a
					// flip there cannot be told from a wrong passphrase,
					// and the error says both.
					want = ErrWrongPassphrase
				}
				damage(t, v, name, func(b []byte) []byte { b[i] ^= bit; return b }, want, open)
			})
		}
	}
}

// stanzaBodyLetter is the index of a letter early in the first stanza's
// body line.
func stanzaBodyLetter(data []byte) int {
	i := len(ageIntro) + 1
	i += bytes.IndexByte(data[i:], '\n') + 3
	for !('a' <= data[i] && data[i] <= 'z' || 'A' <= data[i] && data[i] <= 'Z') {
		i++
	}
	return i
}

func TestTrailingGarbage(t *testing.T) {
	v := faultVault(t)
	for name, open := range openers(v) {
		damage(t, v, name, func(b []byte) []byte { return append(b, "garbage"...) }, ErrCorrupt, open)
	}
}

func TestFutureAgeVersion(t *testing.T) {
	v := faultVault(t)
	for name, open := range openers(v) {
		damage(t, v, name, func(b []byte) []byte {
			return bytes.Replace(b, []byte(ageIntro+"\n"), []byte("age-encryption.org/v2\n"), 1)
		}, ErrUnsupported, open)
	}
}

// TestVaultToAnotherKey: a valid vault encrypted to someone else's key is
// "corrupted or replaced", even when the passphrase is right.
func TestVaultToAnotherKey(t *testing.T) {
	v := faultVault(t)
	forged := sealFor(t, newVault("", otherKey(t)), []byte(`{"version":1,"providers":[]}`))
	for _, open := range openers(v) {
		damage(t, v, vaultFile, func([]byte) []byte { return forged }, ErrCorrupt, open)
	}
	_, err := OpenPassphrase(v.Dir(), testPass)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(v.Dir(), vaultFile), forged)
	_, err = OpenPassphrase(v.Dir(), testPass)
	if !strings.Contains(fmtErr(err), "corrupted or replaced, not a wrong passphrase") {
		t.Fatalf("message %q does not say which", err)
	}
}

func TestUnknownSchemaVersion(t *testing.T) {
	v := faultVault(t)
	newer := sealFor(t, v, []byte(`{"version":3,"providers":[],"sync":{"peer":"x"}}`))
	for _, open := range openers(v) {
		damage(t, v, vaultFile, func([]byte) []byte { return newer }, ErrUnsupported, open)
	}
	// An unlocked vault does not rewrite a newer file either.
	writeFile(t, filepath.Join(v.Dir(), vaultFile), newer)
	before := snapshot(t, v.Dir())
	if err := v.SetTheme("x"); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("save over a newer vault: %v", err)
	}
	sameSnapshot(t, before, snapshot(t, v.Dir()))
}

func TestUnsafeFiles(t *testing.T) {
	v := faultVault(t)
	elsewhere := filepath.Join(t.TempDir(), "copy")
	for name, open := range openers(v) {
		path := filepath.Join(v.Dir(), name)
		orig, _ := os.ReadFile(path)
		writeFile(t, elsewhere, orig)
		cases := map[string]struct {
			make func() error
			msg  string
		}{
			"mode 0644": {func() error { return os.Chmod(path, 0o644) }, "(mode 0600)"},
			"mode 0660": {func() error { return os.Chmod(path, 0o660) }, "open to group or others"},
			"symlink":   {func() error { os.Remove(path); return os.Symlink(elsewhere, path) }, "symbolic link"},
			"directory": {func() error { os.Remove(path); return os.Mkdir(path, 0o700) }, "not a regular file"},
			"fifo":      {func() error { os.Remove(path); return exec.Command("mkfifo", "-m", "600", path).Run() }, "not a regular file"},
		}
		for what, c := range cases {
			t.Run(name+"/"+what, func(t *testing.T) {
				if err := c.make(); err != nil {
					t.Fatal(err)
				}
				defer func() { os.Remove(path); writeFile(t, path, orig) }()
				before := snapshot(t, v.Dir())
				err := open()
				if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), c.msg) {
					t.Fatalf("got %v, want ErrUnsafe saying %q", err, c.msg)
				}
				sameSnapshot(t, before, snapshot(t, v.Dir()))
			})
		}
	}
	t.Run("directory mode", func(t *testing.T) {
		os.Chmod(v.Dir(), 0o755)
		defer os.Chmod(v.Dir(), 0o700)
		if _, err := OpenIdentity(v.Dir(), v.id.String()); !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), "(mode 0700)") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("lock symlink", func(t *testing.T) {
		lock := filepath.Join(v.Dir(), lockFile)
		os.Remove(lock)
		os.Symlink(elsewhere, lock)
		defer os.Remove(lock)
		if err := v.SetTheme("x"); !errors.Is(err, ErrUnsafe) {
			t.Fatalf("save through a symlinked lock: %v", err)
		}
	})
}

func TestTooLarge(t *testing.T) {
	v := faultVault(t)
	for name, open := range openers(v) {
		path := filepath.Join(v.Dir(), name)
		orig, _ := os.ReadFile(path)
		if err := os.Truncate(path, MaxFileSize+1); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, v.Dir())
		start := time.Now()
		err := open()
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "16 MiB") {
			t.Fatalf("%s: got %v, want ErrTooLarge", name, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: refusing took %v: it read the file", name, d)
		}
		sameSnapshot(t, before, snapshot(t, v.Dir()))
		writeFile(t, path, orig)
	}
}

// TestRaisedWorkFactor: identity.age asking for 2^21 scrypt (2 GiB, many
// seconds) is refused before the KDF runs.
func TestRaisedWorkFactor(t *testing.T) {
	v := faultVault(t)
	open := openers(v)[identityFile]
	for _, wf := range []string{"21", "30", "99999"} {
		start := time.Now()
		damage(t, v, identityFile, func(b []byte) []byte {
			return bytes.Replace(b, []byte(" "+itoa(testWF)+"\n"), []byte(" "+wf+"\n"), 1)
		}, ErrWorkFactor, open)
		if d := time.Since(start); d > time.Second {
			t.Errorf("work factor %s: refusing took %v: the KDF ran", wf, d)
		}
	}
	for _, wf := range []int{MaxWorkFactor + 1, MinWorkFactor - 1, -1} {
		if _, err := Init(filepath.Join(t.TempDir(), "x"), testPass, wf); err == nil {
			t.Errorf("Init accepted work factor %d", wf)
		}
	}
}

// TestFullDisk: a write that fails part way (ENOSPC from an injected
// writer) leaves the old vault.age and identity.age intact and no temp
// file behind, and the next save works.
func TestFullDisk(t *testing.T) {
	v := faultVault(t)
	before := snapshot(t, v.Dir())
	size := int(mustStat(t, filepath.Join(v.Dir(), vaultFile)).Size())
	for _, limit := range []int{0, 100, size / 2, size - 1} {
		v.wrapWriter = func(w io.Writer) io.Writer { return &fullDisk{w: w, left: limit} }
		if _, err := v.Record("prov0001", testToken(1, 2), ev("refreshed")); !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "intact") {
			t.Fatalf("limit %d: save on a full disk: %v", limit, err)
		}
		sameSnapshot(t, before, snapshot(t, v.Dir()))
	}
	size = int(mustStat(t, filepath.Join(v.Dir(), identityFile)).Size())
	for _, limit := range []int{0, size / 2, size - 1} {
		v.wrapWriter = func(w io.Writer) io.Writer { return &fullDisk{w: w, left: limit} }
		if err := v.ChangePassphrase([]byte("new passphrase"), testWF); !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("limit %d: passphrase change on a full disk: %v", limit, err)
		}
		sameSnapshot(t, before, snapshot(t, v.Dir()))
	}
	v.wrapWriter = nil
	w, err := OpenPassphrase(v.Dir(), testPass)
	if err != nil {
		t.Fatal(err)
	}
	if _, tok, err := w.Lookup("prov0001"); err != nil || tok.RefreshToken != testToken(1, 1).RefreshToken {
		t.Fatalf("old token lost: %v", err)
	}
	if _, err := v.Record("prov0001", testToken(1, 3), ev("refreshed")); err != nil {
		t.Fatalf("save after the disk freed up: %v", err)
	}
}

type fullDisk struct {
	w    io.Writer
	left int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if len(p) > f.left {
		n, _ := f.w.Write(p[:f.left])
		f.left = 0
		return n, &os.PathError{Op: "write", Path: "vault.age.tmp", Err: syscall.ENOSPC}
	}
	f.left -= len(p)
	return f.w.Write(p)
}

func mustStat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// TestSyncFailsAfterIndexRename: when the directory fsync fails after
// vault.age was replaced, the save says it was made but not confirmed
// durable, and keeps the provider files the new vault.age names, so the
// vault still opens with the change in it.
func TestSyncFailsAfterIndexRename(t *testing.T) {
	v := faultVault(t)
	synced := 0
	v.afterRename = func(name string) error {
		if name != vaultFile {
			return nil
		}
		synced++
		return &os.PathError{Op: "sync", Path: v.Dir(), Err: syscall.EIO}
	}
	err := v.PutProvider(testProvider(2))
	if synced == 0 {
		t.Fatal("the save did not replace vault.age: the test exercises nothing")
	}
	if !errors.Is(err, ErrNotDurable) || !errors.Is(err, syscall.EIO) || !strings.Contains(err.Error(), "was saved") {
		t.Fatalf("got %v, want ErrNotDurable saying the change was saved", err)
	}
	v.afterRename = nil
	w, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatalf("the vault no longer opens: %v", err)
	}
	for _, name := range []string{"prov0001", "prov0002"} {
		if _, _, err := w.Lookup(name); err != nil {
			t.Fatalf("lookup %s after the failed sync: %v", name, err)
		}
	}
	if _, err := v.Record("prov0002", testToken(2, 1), ev("issued")); err != nil {
		t.Fatalf("save after the sync failure: %v", err)
	}
}

// TestSyncFailsAfterGroupRename: a failed fsync after a provider file was
// replaced in place says the change was saved; one after a new provider
// file, before the index names it, leaves nothing behind and the vault as
// it was.
func TestSyncFailsAfterGroupRename(t *testing.T) {
	v := faultVault(t)
	v.afterRename = func(name string) error {
		if name == vaultFile {
			return nil
		}
		return &os.PathError{Op: "sync", Path: v.Dir(), Err: syscall.EIO}
	}
	if _, err := v.Record("prov0001", testToken(1, 2), ev("refreshed")); !errors.Is(err, ErrNotDurable) {
		t.Fatalf("in-place save: got %v, want ErrNotDurable", err)
	}
	before := snapshot(t, v.Dir())
	if err := v.PutProvider(testProvider(2)); err == nil || errors.Is(err, ErrNotDurable) {
		t.Fatalf("save through a new provider file: got %v, want a plain error", err)
	}
	sameSnapshot(t, before, snapshot(t, v.Dir()))
	v.afterRename = nil
	_, tok, err := v.Lookup("prov0001")
	if err != nil || tok.RefreshToken != testToken(1, 2).RefreshToken {
		t.Fatalf("the in-place change is not what readers see: %v", err)
	}
}
