package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// pending is a temp file that replaces its target atomically when done:
// renameio's PendingFile, or a plain equivalent where renameio has none.
type pending interface {
	io.Writer
	// CloseAtomicallyReplace fsyncs, closes and renames over the target.
	CloseAtomicallyReplace() error
	// Cleanup removes the temp file unless it replaced the target.
	Cleanup() error
}

// MaxFileSize bounds every file the store reads: anything bigger is refused
// before a byte of it is read.
const MaxFileSize = 16 << 20

// The files in a vault directory.
const (
	identityFile = "identity.age" // the X25519 identity, encrypted with the passphrase
	vaultFile    = "vault.age"    // the payload, encrypted to the identity
	lockFile     = "vault.lock"   // empty, only ever locked
	keyringFile  = "keyring.id"   // present when the identity is also in the OS keyring
)

// checkOwnedPerms is false where file modes mean nothing (Windows).
const checkOwnedPerms = runtime.GOOS != "windows"

// readSafe reads dir/name after refusing a symlink, anything but a regular
// file, a mode open to group or others, or a size over MaxFileSize. The
// checks are made on the open descriptor too, so a file swapped in between
// is caught. A missing file returns an error wrapping fs.ErrNotExist. The
// contents go into buf's memory when it is big enough: re-reading a
// multi-megabyte vault into fresh memory on every save costs more than the
// read.
func readSafe(dir, name string, buf []byte) ([]byte, error) {
	data, f, _, err := readOpen(dir, name, buf)
	if f != nil {
		f.Close()
	}
	return data, err
}

// readOpen is readSafe leaving the file open, with what its descriptor
// said of it before it was read: the caller closes it. On an error the
// file is closed.
func readOpen(dir, name string, buf []byte) (data []byte, f *os.File, fi fs.FileInfo, err error) {
	path := filepath.Join(dir, name)
	fi, err = os.Lstat(path)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := checkFile(path, fi); err != nil {
		return nil, nil, nil, err
	}
	f, err = openNoFollow(path)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	fi, err = f.Stat()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("stat %s: %w", path, err)
	}
	if err := checkFile(path, fi); err != nil {
		return nil, nil, nil, err
	}
	if int64(cap(buf)) <= fi.Size() {
		// Slack for the next, slightly bigger, vault in the same memory.
		buf = make([]byte, 0, fi.Size()+fi.Size()/8+4096)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // the file grew since Stat
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxFileSize {
			return nil, nil, nil, refuse(ErrTooLarge, path, "grew past the %d MiB limit while being read", MaxFileSize>>20)
		}
		if err == io.EOF {
			return buf, f, fi, nil
		}
		if err != nil {
			return nil, nil, nil, fmt.Errorf("read %s: %w", path, err)
		}
	}
}

// checkFile refuses what tokenscope never writes itself.
func checkFile(path string, fi fs.FileInfo) error {
	mode := fi.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return refuse(ErrUnsafe, path, "is a symbolic link, not tokenscope's own file: replace it with a regular file")
	case !mode.IsRegular():
		return refuse(ErrUnsafe, path, "is not a regular file (%s)", mode.Type())
	}
	if err := checkOwner(path, fi); err != nil {
		return err
	}
	switch {
	case checkOwnedPerms && mode.Perm()&0o077 != 0:
		return refuse(ErrUnsafe, path, "is open to group or others (mode %04o): check nobody else changed it, then make it private to you (mode 0600)", mode.Perm())
	case fi.Size() > MaxFileSize:
		return refuse(ErrTooLarge, path, "is %d bytes, over the %d MiB limit", fi.Size(), MaxFileSize>>20)
	}
	return nil
}

// checkDir refuses a vault directory that is missing, not a directory, or
// open to group or others. A symlinked directory is followed: pointing
// $TOKENSCOPE_HOME at a synced folder through a link is ordinary.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return refuse(ErrNotInitialised, dir, "does not exist")
	case err != nil:
		return fmt.Errorf("vault directory: %w", err)
	case !fi.IsDir():
		return refuse(ErrUnsafe, dir, "is not a directory")
	}
	if err := checkOwner(dir, fi); err != nil {
		return err
	}
	switch {
	case checkOwnedPerms && fi.Mode().Perm()&0o077 != 0:
		return refuse(ErrUnsafe, dir, "is open to group or others (mode %04o): check its files, then make it private to you (mode 0700)", fi.Mode().Perm())
	}
	return nil
}

// checkOwner refuses a file or directory another user owns, as OpenSSH's
// StrictModes does: its owner could have written anything in it, or can
// change it under us. Root owns its own store; nobody else's.
func checkOwner(path string, fi fs.FileInfo) error {
	uid, ok := fileOwner(fi)
	if !ok || uid == os.Getuid() {
		return nil
	}
	return refuse(ErrUnsafe, path, "is owned by user %d, not by the user running tokenscope (%d): another user could have written or could change it, so it is not used", uid, os.Getuid())
}

// writeAtomic replaces dir/name with data: a 0600 temp file in the same
// directory, written, fsynced, renamed over the old file, then the directory
// fsynced so the rename itself survives a crash. On an error before the
// rename the old file is untouched and the temp file removed; one after it
// (the directory fsync) wraps errSyncAfterRename. wrap, when set, wraps the temp
// file's writer (tests inject a full disk or a slow one through it).
func writeAtomic(dir, name string, data []byte, wrap func(io.Writer) io.Writer) error {
	return writeAtomicFunc(dir, name, wrap, nil, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// errSyncAfterRename marks an error of writeAtomicFunc that came after
// the rename: dir/name already holds the new contents, and a crash could
// still bring the old ones back.
var errSyncAfterRename = errors.New("replaced, but the directory was not synced")

// writeAtomicFunc is writeAtomic with the contents written by produce.
// An error wrapping errSyncAfterRename means the new file is in place.
// afterRename, when set, runs (with name) before the directory fsync and
// its error stands for the fsync's: tests inject a failing sync with it.
func writeAtomicFunc(dir, name string, wrap func(io.Writer) io.Writer, afterRename func(string) error, produce func(io.Writer) error) error {
	path := filepath.Join(dir, name)
	pf, err := newPending(dir, path)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer pf.Cleanup()
	var w io.Writer = pf
	if wrap != nil {
		w = wrap(pf)
	}
	if err := produce(w); err != nil {
		return fmt.Errorf("write %s (the previous %s is intact): %w", name, name, err)
	}
	// CloseAtomicallyReplace fsyncs the file before the rename.
	if err := pf.CloseAtomicallyReplace(); err != nil {
		return fmt.Errorf("replace %s (the previous %s is intact): %w", name, name, err)
	}
	var serr error
	if afterRename != nil {
		serr = afterRename(name)
	}
	if serr == nil {
		serr = syncDir(dir)
	}
	if serr != nil {
		return fmt.Errorf("%s %w: %w", name, errSyncAfterRename, serr)
	}
	return nil
}

// syncDir makes a rename in dir durable; renameio leaves that to callers.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// isTempName reports whether name is one of renameio's pending files for
// our own files: a dot, the target name, then random digits.
func isTempName(name string) bool {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok {
		return false
	}
	for _, target := range []string{identityFile, vaultFile, keyringFile} {
		digits, ok := strings.CutPrefix(rest, target)
		if ok && isDigits(digits) {
			return true
		}
	}
	if len(rest) > len(groupPrefix)+groupDigits+len(groupSuffix) {
		target, digits := rest[:len(groupPrefix)+groupDigits+len(groupSuffix)], rest[len(groupPrefix)+groupDigits+len(groupSuffix):]
		return isGroupName(target) && isDigits(digits)
	}
	return false
}

// removeStale deletes temp files a crashed save left behind and, when idx
// is the index on disk, the provider files it does not name (a crash
// between writing them and the index, or before removing the old ones).
// Callers hold the vault lock, so no live save owns any of them.
func removeStale(dir string, idx *index) error {
	stale, err := staleFiles(dir, idx)
	if err != nil {
		return err
	}
	for _, name := range stale {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove stale %s: %w", name, err)
		}
	}
	return nil
}

// staleFiles lists the files of dir that removeStale deletes.
func staleFiles(dir string, idx *index) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	named := map[string]bool{}
	if idx != nil {
		for _, f := range idx.files() {
			named[f] = true
		}
	}
	var stale []string
	for _, e := range entries {
		name := e.Name()
		if (isTempName(name) || (isGroupName(name) && !named[name])) && e.Type().IsRegular() {
			stale = append(stale, name)
		}
	}
	return stale, nil
}

// DefaultLockTimeout is how long a save waits for another process's save.
// A save holds the lock for milliseconds, so running out of it means a
// process is stuck; the error names it.
const DefaultLockTimeout = 10 * time.Second

// lockRetry is how often a waiting save retries the lock.
const lockRetry = 2 * time.Millisecond

// lockDir takes the exclusive lock on dir/vault.lock, waiting up to timeout.
// The caller releases it with Close.
func lockDir(dir string, timeout time.Duration) (*flock.Flock, error) {
	fl, err := newLock(dir)
	if err != nil {
		return nil, err
	}
	ok, err := fl.TryLock()
	if err == nil && !ok {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		ok, err = fl.TryLockContext(ctx, lockRetry)
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("lock %s: %w", fl.Path(), err)
	}
	if !ok {
		return nil, refuse(ErrLocked, fl.Path(), "%s has held it for over %s: wait for it to finish, or stop it if it is stuck", holder(fl.Path()), timeout)
	}
	return fl, nil
}

// tryLockDir takes the lock only if it is free at once; ok is false when
// another process holds it.
func tryLockDir(dir string) (fl *flock.Flock, ok bool, err error) {
	fl, err = newLock(dir)
	if err != nil {
		return nil, false, err
	}
	ok, err = fl.TryLock()
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", fl.Path(), err)
	}
	return fl, ok, nil
}

// newLock refuses a vault.lock that is a symlink or not a regular file
// (flock would follow a link and create its target) and otherwise returns a
// lock that creates the file 0600 if it is missing.
func newLock(dir string) (*flock.Flock, error) {
	path := filepath.Join(dir, lockFile)
	fi, err := os.Lstat(path)
	switch {
	case err == nil && fi.Mode()&os.ModeSymlink != 0:
		return nil, refuse(ErrUnsafe, path, "is a symbolic link, not tokenscope's own file: remove it")
	case err == nil && !fi.Mode().IsRegular():
		return nil, refuse(ErrUnsafe, path, "is not a regular file (%s): remove it", fi.Mode().Type())
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("lock %s: %w", path, err)
	case err == nil:
		// Whoever else can write or replace the lock file can take the
		// lock, or stall every save.
		if err := checkOwner(path, fi); err != nil {
			return nil, err
		}
		if checkOwnedPerms && fi.Mode().Perm()&0o022 != 0 {
			return nil, refuse(ErrUnsafe, path, "is writable by group or others (mode %04o): remove it", fi.Mode().Perm())
		}
	}
	return flock.New(path, flock.SetPermissions(0o600)), nil
}

// unlock releases a lock taken by lockDir. Closing the descriptor releases
// the lock even if the explicit unlock failed, so only report the error.
func unlock(fl *flock.Flock, err *error) {
	if uerr := fl.Close(); uerr != nil && *err == nil {
		*err = fmt.Errorf("unlock %s: %w", fl.Path(), uerr)
	}
}
