// Package store keeps everything tokenscope knows in one directory, as
// files the stock age command can read:
//
//	identity.age            an X25519 identity, encrypted with the passphrase (scrypt)
//	vault.age               the index: theme, settings, and which file holds each provider
//	providers-<hex>.age     up to 16 providers with their tokens and history
//	vault.lock              empty; every save holds an exclusive flock on it
//	keyring.id              present only when the identity is also in the OS keyring
//
// Every .age file but identity.age is JSON encrypted to the identity. To
// recover a vault without tokenscope (age asks for the passphrase once
// per file; the README's lines, tested in recover_test.go):
//
//	age -d -i identity.age vault.age > vault.json
//	for f in providers-*.age; do age -d -i identity.age "$f"; done > providers.json
//
// The passphrase KDF runs once per unlock: the Vault keeps the identity in
// memory and every save encrypts to its recipient, which is never written
// anywhere in plaintext (whoever knows it could forge a vault that
// decrypts cleanly). The layout and how a save keeps it consistent are in
// layout.go.
package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"filippo.io/age"
	"github.com/gofrs/flock"

	"github.com/tokenscope/tokenscope/providers"
)

// Vault is an unlocked vault directory. Its methods are safe for concurrent
// use, and every change is a locked read-modify-write, so several processes
// can share one directory.
type Vault struct {
	dir string
	id  *age.X25519Identity
	rcp *age.X25519Recipient

	// mu serialises this process's saves; vault.lock serialises processes.
	// Records hold it shared (record): saves of different provider files
	// run at once, under one vault.lock (share), one save per file at a
	// time (fileLocks); every other save holds it alone.
	mu sync.RWMutex
	// share is vault.lock as the records holding mu shared hold it
	// together: taken by the first, released by the last.
	share struct {
		sync.Mutex
		fl    *flock.Flock
		users int
	}
	// cmu guards cache, hist, readOnly and legacy, which readers that do not
	// wait for a save (Lookup) share with the saves.
	cmu sync.Mutex
	// queued are the records waiting to be saved, saved together by file
	// (record); fileLocks holds a lock per provider file a record saves.
	qmu       sync.Mutex
	queued    []*queuedRecord
	fileLocks map[string]*fileLock
	// lastSave is when the last save of records ended, lastBatch how
	// many it took, saving how many records saves took and have not
	// answered yet (under qmu).
	lastSave  time.Time
	lastBatch int
	saving    int
	// arrived counts the records ever queued, lastArrival is when the
	// last one was, and pace about how far apart they come (arrive),
	// under qmu.
	arrived     uint64
	lastArrival time.Time
	pace        time.Duration
	// cache holds, per file, the bytes this Vault last read or wrote and
	// what they decrypted to: every read reads the file again (or knows
	// it unchanged, readKnown), and decrypts only when the bytes differ.
	cache map[string]cached
	// known holds open, by name, each file of the directory as this
	// Vault last read it (readKnown), under kmu; a provider file the
	// index no longer names is let go (letGo).
	kmu   sync.Mutex
	known map[string]known
	// hist is, by provider name, each history as this Vault last wrote
	// it (encodeGroupWith), under cmu.
	hist map[string]encodedHistory

	lockTimeout time.Duration
	// wrapWriter, when set, wraps the writer of every file written; tests
	// use it to simulate a full or slow disk.
	wrapWriter func(io.Writer) io.Writer
	// afterRename, when set, runs after each file of a save is renamed
	// into place, and its error stands for the directory fsync's; tests
	// use it to simulate a sync that fails.
	afterRename func(name string) error
	// lockHook, when set, runs before vault.lock is taken and its error
	// stands for the lock's; tests use it to simulate a read-only directory.
	lockHook func() error

	// readOnly, when set, is why no save can be made: vault.age is of the
	// old layout and could not be moved to the new one. legacy then holds
	// its providers, by the in-memory names its index gives their groups.
	readOnly error
	legacy   map[string][]Entry
}

// cached is a file as last seen: the index for vault.age, the providers
// for a provider file. Nobody changes what it holds.
type cached struct {
	raw     []byte
	idx     *index
	entries []Entry
	// text is the plaintext of a provider file whose entries were read
	// without their histories (decodeGroupHead), for the read that needs
	// them; "" once they are read.
	text string
	// head is a provider file's providers undecoded, when all that was
	// read of it was a lookup's (readEntry), entries nil.
	head *groupHead
}

// UserDir is the store's usual directory: tokenscope/ under the user's
// config directory. A caller that lets the user choose another says how.
func UserDir() (string, error) {
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config directory: %w", err)
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
		return nil, fmt.Errorf("create the vault: %w: choose a passphrase", ErrEmptyPassphrase)
	}
	wf, err := checkWorkFactor(workFactor)
	if err != nil {
		return nil, fmt.Errorf("create the vault: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the vault: %w", err)
	}
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("create the vault: %w", err)
	}
	v := newVault(dir, id)
	wrapped, err := wrapIdentity(id, passphrase, wf)
	if err != nil {
		return nil, fmt.Errorf("create the vault: %w", err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	err = v.locked(func() error {
		if Exists(dir) {
			return refuse(ErrExists, dir, "already holds a vault: unlock it, or move it away first")
		}
		if err := removeStale(dir, nil); err != nil {
			return err
		}
		// vault.age first, so identity.age never names a vault that is not
		// there. A crash between the two leaves a vault.age nobody can
		// open, which init refuses to overwrite: remove it by hand then.
		if err := v.writeIndex(&index{Version: SchemaVersion, Providers: []indexRef{}}); err != nil {
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
	return &Vault{dir: dir, id: id, rcp: id.Recipient(), lockTimeout: DefaultLockTimeout, cache: map[string]cached{}, known: map[string]known{}, hist: map[string]encodedHistory{}, fileLocks: map[string]*fileLock{}}
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
			return nil, refuse(ErrCorrupt, filepath.Join(dir, identityFile), "is missing: restore it from a backup, or unlock with the identity itself")
		}
		return nil, refuse(ErrNotInitialised, dir, "holds no vault")
	}
	if err != nil {
		return nil, err
	}
	if _, err := readVault(dir); err != nil {
		return nil, err
	}
	id, err := unwrapIdentity(filepath.Join(dir, identityFile), idData, passphrase)
	if err != nil {
		return nil, err
	}
	return open(dir, id)
}

// OpenIdentity unlocks dir with an AGE-SECRET-KEY-1… identity, without a
// KDF (TOKENSCOPE_IDENTITY, the keyring). It reads only vault.age: the
// provider files are read when a provider in them is.
func OpenIdentity(dir, identity string) (*Vault, error) {
	id, err := ParseIdentity(identity)
	if err != nil {
		return nil, err
	}
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	return open(dir, id)
}

func readVault(dir string) ([]byte, error) {
	data, err := readSafe(dir, vaultFile, nil)
	return vaultRead(dir, data, err)
}

// readVault reads vault.age as the readVault of v.dir does, knowing it
// when it did not change (readKnown).
func (v *Vault) readVault() ([]byte, error) {
	data, err := v.readKnown(vaultFile)
	return vaultRead(v.dir, data, err)
}

// vaultRead is the result of reading vault.age from dir: data, or err,
// which for a missing file says whether dir holds a vault.
func vaultRead(dir string, data []byte, err error) ([]byte, error) {
	if errors.Is(err, fs.ErrNotExist) {
		if Exists(dir) {
			return nil, refuse(ErrCorrupt, filepath.Join(dir, vaultFile), "is missing: restore it from a backup")
		}
		return nil, refuse(ErrNotInitialised, dir, "holds no vault")
	}
	return data, err
}

// open reads vault.age's index with id (migrating a vault of the old
// layout), then removes what a crashed save left behind, if no other
// process is saving right now. The clean-up is housekeeping: when it
// cannot run (a read-only directory, a busy lock) the vault still opens,
// and the next open tries again.
func open(dir string, id *age.X25519Identity) (*Vault, error) {
	v := newVault(dir, id)
	if err := v.open(); err != nil {
		return nil, err
	}
	return v, nil
}

func (v *Vault) open() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	idx, err := v.readIndex(false)
	if err != nil {
		return err
	}
	if v.readOnlyErr() != nil {
		return nil
	}
	// Most opens find nothing to remove: the lock, and the index read again
	// under it, only when the listing shows something a crash may have
	// left. What goes is decided under the lock, from the index then.
	if stale, err := staleFiles(v.dir, idx); err != nil || len(stale) == 0 {
		return nil
	}
	if fl, ok, err := tryLockDir(v.dir); err == nil && ok {
		if idx, err := v.readIndex(true); err == nil {
			_ = removeStale(v.dir, idx)
		}
		_ = fl.Close()
	}
	return nil
}

// ReadOnly is nil when the vault can be changed, or else the error every
// save returns (wrapping ErrReadOnly), saying why: a caller shows it once,
// as a warning, when it opens the vault.
func (v *Vault) ReadOnly() error {
	return v.readOnlyErr()
}

// Dir is the vault's directory.
func (v *Vault) Dir() string { return v.dir }

// Load returns the current payload, a copy the caller may change freely
// (changes are saved only through Update). It reads every provider file;
// a file that did not change since this Vault last read or wrote it is
// not decrypted again.
func (v *Vault) Load() (*Payload, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	idx, loaded, err := v.snapshot(func(idx *index) []string { return idx.files() }, true)
	if err != nil {
		return nil, err
	}
	return payloadOf(idx, loaded), nil
}

// LoadProviders is Load without the histories: every entry's History is
// nil. It reads the part of each file before the histories, most of
// whose bytes they are, so the explorer lists the providers sooner;
// Histories reads the rest.
func (v *Vault) LoadProviders() (*Payload, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	idx, loaded, err := v.snapshot(func(idx *index) []string { return idx.files() }, false)
	if err != nil {
		return nil, err
	}
	p := payloadOf(idx, loaded)
	for i := range p.Providers {
		p.Providers[i].History = nil
	}
	return p, nil
}

// Histories returns every provider's history, by name, as the store holds
// it now, read as strictly as Load reads it.
func (v *Vault) Histories() (map[string][]providers.Event, error) {
	p, err := v.Load()
	if err != nil {
		return nil, err
	}
	out := make(map[string][]providers.Event, len(p.Providers))
	for _, e := range p.Providers {
		out[e.Provider.Name] = e.History
	}
	return out, nil
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
