// Package store keeps everything tokenscope knows in one directory, as
// files the stock age command can read:
//
//	identity.age  an X25519 identity, encrypted with the passphrase (scrypt)
//	vault.age     the JSON Payload, encrypted to that identity
//	vault.lock    empty; every save holds an exclusive flock on it
//	keyring.id    present only when the identity is also in the OS keyring
//
// To recover a vault without tokenscope:
//
//	age -d -i identity.age vault.age > vault.json
//
// (age asks for the passphrase of identity.age). The passphrase KDF runs
// once per unlock: the Vault keeps the identity in memory and every save
// encrypts to its recipient, which is never written anywhere in plaintext
// (whoever knows it could forge a vault that decrypts cleanly).
package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"filippo.io/age"
)

// Vault is an unlocked vault directory. Its methods are safe for concurrent
// use, and every change is a locked read-modify-write, so several processes
// can share one directory.
type Vault struct {
	dir string
	id  *age.X25519Identity
	rcp *age.X25519Recipient

	mu sync.Mutex // serialises this process's saves; vault.lock serialises processes
	// last is vault.age as this Vault last read or wrote it, and cached its
	// decoded payload (nil when unknown). A save re-reads vault.age and only
	// decrypts again when the bytes differ.
	last   []byte
	cached *Payload
	// spare and plain are buffers kept between saves (the next read or
	// ciphertext, the next plaintext): with a multi-megabyte vault, fresh
	// memory on every save costs more than the work done in it.
	spare, plain []byte

	lockTimeout time.Duration
	// wrapWriter, when set, wraps the writer of every file written; tests
	// use it to simulate a full or slow disk.
	wrapWriter func(io.Writer) io.Writer
}

// DefaultDir is $TOKENSCOPE_HOME, or else tokenscope/ under the user's
// config directory.
func DefaultDir() (string, error) { return DirFromEnv(os.Getenv) }

// DirFromEnv is DefaultDir reading TOKENSCOPE_HOME through getenv.
func DirFromEnv(getenv func(string) string) (string, error) {
	if d := getenv("TOKENSCOPE_HOME"); d != "" {
		return filepath.Abs(d)
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory (set TOKENSCOPE_HOME): %w", err)
	}
	return filepath.Join(cfg, "tokenscope"), nil
}

// Exists reports whether dir holds a vault, or any part of one: Init
// refuses such a directory rather than overwrite it.
func Exists(dir string) bool {
	for _, name := range []string{identityFile, vaultFile} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// Init creates a vault in dir (made 0700 if missing): a new identity,
// wrapped with passphrase at workFactor (0: DefaultWorkFactor), and an
// empty payload. It refuses an empty passphrase and a directory that
// already holds a vault.
func Init(dir string, passphrase []byte, workFactor int) (*Vault, error) {
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("init: %w: choose a passphrase", ErrEmptyPassphrase)
	}
	wf, err := checkWorkFactor(workFactor)
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	v := newVault(dir, id)
	wrapped, err := wrapIdentity(id, passphrase, wf)
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	p := &Payload{Version: SchemaVersion, Providers: []Entry{}}
	err = v.locked(func() error {
		if Exists(dir) {
			return refuse(ErrExists, dir, "already holds a vault: unlock it, or move it away first")
		}
		if err := removeStale(dir); err != nil {
			return err
		}
		// vault.age first, so identity.age never names a vault that is not
		// there. A crash between the two leaves a vault.age nobody can
		// open, which init refuses to overwrite: remove it by hand then.
		if err := v.write(p); err != nil {
			return err
		}
		if err := writeAtomic(dir, identityFile, wrapped, v.wrapWriter); err != nil {
			// Without identity.age nobody can open the new vault.age (its
			// key lived only in this process): remove it, so init can be
			// run again once the cause is fixed.
			return errors.Join(err, os.Remove(filepath.Join(dir, vaultFile)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

func checkWorkFactor(wf int) (int, error) {
	if wf == 0 {
		return DefaultWorkFactor, nil
	}
	if wf < MinWorkFactor || wf > MaxWorkFactor {
		return 0, fmt.Errorf("scrypt work factor %d is outside %d..%d", wf, MinWorkFactor, MaxWorkFactor)
	}
	return wf, nil
}

func newVault(dir string, id *age.X25519Identity) *Vault {
	return &Vault{dir: dir, id: id, rcp: id.Recipient(), lockTimeout: DefaultLockTimeout}
}

// OpenPassphrase unlocks dir with the passphrase: ErrWrongPassphrase when it
// does not open identity.age, ErrCorrupt when a file was damaged or
// replaced. Both files are checked before the KDF runs.
func OpenPassphrase(dir string, passphrase []byte) (*Vault, error) {
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	idData, err := readSafe(dir, identityFile, nil)
	if errors.Is(err, fs.ErrNotExist) {
		if Exists(dir) {
			return nil, refuse(ErrCorrupt, filepath.Join(dir, identityFile), "is missing: restore it from a backup, or unlock with TOKENSCOPE_IDENTITY")
		}
		return nil, refuse(ErrNotInitialised, dir, "holds no vault: run tokenscope init")
	}
	if err != nil {
		return nil, err
	}
	vaultData, err := readVault(dir, nil)
	if err != nil {
		return nil, err
	}
	id, err := unwrapIdentity(filepath.Join(dir, identityFile), idData, passphrase)
	if err != nil {
		return nil, err
	}
	return open(dir, id, vaultData)
}

// OpenIdentity unlocks dir with an AGE-SECRET-KEY-1… identity, without a
// KDF (TOKENSCOPE_IDENTITY, the keyring). It needs only vault.age.
func OpenIdentity(dir, identity string) (*Vault, error) {
	id, err := ParseIdentity(identity)
	if err != nil {
		return nil, err
	}
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	data, err := readVault(dir, nil)
	if err != nil {
		return nil, err
	}
	return open(dir, id, data)
}

func readVault(dir string, buf []byte) ([]byte, error) {
	data, err := readSafe(dir, vaultFile, buf)
	if errors.Is(err, fs.ErrNotExist) {
		if Exists(dir) {
			return nil, refuse(ErrCorrupt, filepath.Join(dir, vaultFile), "is missing: restore it from a backup")
		}
		return nil, refuse(ErrNotInitialised, dir, "holds no vault: run tokenscope init")
	}
	return data, err
}

// open decrypts vault.age with id, then removes temp files a crashed save
// left behind, if no other process is saving right now. The clean-up is
// housekeeping: when it cannot run (a read-only directory, a busy lock)
// the vault still opens, and the next open tries again.
func open(dir string, id *age.X25519Identity, data []byte) (*Vault, error) {
	v := newVault(dir, id)
	if _, err := v.decode(data); err != nil {
		return nil, err
	}
	if fl, ok, err := tryLockDir(dir); err == nil && ok {
		_ = removeStale(dir)
		_ = fl.Close()
	}
	return v, nil
}

// Dir is the vault's directory.
func (v *Vault) Dir() string { return v.dir }

// Load returns the current payload, a copy the caller may change freely
// (changes are saved only through Update).
func (v *Vault) Load() (*Payload, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	p, err := v.current()
	if err != nil {
		return nil, err
	}
	return p.clone(), nil
}

// Update applies fn to the current payload and saves the result: it takes
// vault.lock (waiting up to the lock timeout), re-reads vault.age so a
// change another process saved meanwhile is kept, applies fn, encrypts,
// writes a 0600 temp file in the directory, fsyncs it, renames it over
// vault.age, fsyncs the directory and unlocks. If fn returns an error
// nothing is written and that error is returned.
func (v *Vault) Update(fn func(*Payload) error) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.locked(func() error {
		p, err := v.current()
		if err != nil {
			return err
		}
		// fn changes the cached payload in place: until write succeeds it
		// is no longer what the file holds (fn may fail or panic halfway).
		v.cached = nil
		if err := fn(p); err != nil {
			return err
		}
		return v.write(p)
	})
}

// locked runs fn holding vault.lock.
func (v *Vault) locked(fn func() error) (err error) {
	fl, err := lockDir(v.dir, v.lockTimeout)
	if err != nil {
		return err
	}
	defer unlock(fl, &err)
	return fn()
}

// current returns the payload as vault.age holds it now: read every time,
// decrypted only when it changed since this Vault last saw it. The caller
// holds v.mu and must not let the result escape.
func (v *Vault) current() (*Payload, error) {
	data, err := readVault(v.dir, v.spare)
	if err != nil {
		return nil, err
	}
	if v.cached != nil && bytes.Equal(data, v.last) {
		v.spare = data
		return v.cached, nil
	}
	old := v.last
	p, err := v.decode(data)
	if err != nil {
		v.spare = data
		return nil, err
	}
	v.spare = old
	return p, nil
}

// decode decrypts and parses vault.age's bytes and caches the result.
func (v *Vault) decode(data []byte) (*Payload, error) {
	path := filepath.Join(v.dir, vaultFile)
	plain, err := unseal(path, data, v.id)
	if err != nil {
		return nil, err
	}
	n := 0
	if v.cached != nil {
		n = len(v.cached.Providers)
	}
	p, err := decodePayload(plain, n)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v.last, v.cached = data, p
	return p, nil
}

// write encrypts p to the vault's recipient and replaces vault.age.
func (v *Vault) write(p *Payload) error {
	v.cached = nil
	if err := p.prepare(); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	if want := len(v.last) + len(v.last)/8 + 4096; cap(v.plain) < want {
		v.plain = make([]byte, 0, want) // about the last plaintext's size, grown once
	}
	// The ciphertext is kept as well as written: it is what the next read
	// compares against to know the file is unchanged.
	ct := bytes.NewBuffer(v.spare[:0])
	err := writeAtomicFunc(v.dir, vaultFile, v.wrapWriter, func(w io.Writer) error {
		lw := &limitWriter{w: io.MultiWriter(ct, w), left: MaxFileSize}
		plain, err := sealPayload(p, v.rcp, v.plain, lw, fastCodec)
		v.plain = plain
		return err
	})
	data := ct.Bytes()
	if errors.Is(err, errOverLimit) {
		v.spare = data
		return refuse(ErrTooLarge, filepath.Join(v.dir, vaultFile),
			"this change would make it larger than the %d MiB that can be read back: nothing was saved, the vault is as it was", MaxFileSize>>20)
	}
	if err != nil {
		v.spare = data
		return fmt.Errorf("save: %w", err)
	}
	v.spare, v.last, v.cached = v.last, data, p
	return nil
}

// errOverLimit stops a save whose file would be over MaxFileSize, which
// every later read would refuse: the store must never write what it
// cannot open again.
var errOverLimit = errors.New("over the file size limit")

// limitWriter passes at most left bytes on to w, and fails the write that
// would pass more, before writing any of it.
type limitWriter struct {
	w    io.Writer
	left int
}

func (l *limitWriter) Write(b []byte) (int, error) {
	if len(b) > l.left {
		l.left = -1
		return 0, errOverLimit
	}
	l.left -= len(b)
	return l.w.Write(b)
}
