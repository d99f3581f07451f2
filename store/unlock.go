package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"
	"github.com/zalando/go-keyring"
)

// keyringService is the service name of the identity's keyring entry; the
// account is the random name in keyring.id, so two vault directories never
// share an entry and the entry's name reveals nothing.
const keyringService = "tokenscope"

const accountPrefix = "tokenscope-vault-"

// Keys are the keys a caller holds for a vault without asking anyone for
// one: where they come from (the environment, a file) is the caller's
// business, and so is naming that place in an error.
type Keys struct {
	// Identity is an AGE-SECRET-KEY-1… string; "" for none.
	Identity string
	// Passphrase is the vault's passphrase; empty for none.
	Passphrase []byte
}

// Key names one of the Keys.
type Key int

// The Keys a KeyError can be about.
const (
	KeyIdentity Key = iota + 1
	KeyPassphrase
)

// KeyError is a key of Keys that did not open the vault: a wrong
// passphrase, an identity that is malformed or for another vault. Its text
// is the error's own; the caller names where the key came from. A file's
// trouble (its owner, its mode, a lock, its size or version) is no fault
// of the key and is never a KeyError.
type KeyError struct {
	Key Key
	Err error
}

func (e *KeyError) Error() string { return e.Err.Error() }

// Unwrap returns the error the key caused.
func (e *KeyError) Unwrap() error { return e.Err }

// OpenKeys unlocks dir without asking anything, trying in order: k's
// identity (no KDF); the OS keyring, when the user opted in with
// EnableKeyring and the keyring answers with an identity that opens the
// vault; k's passphrase. When none applies it returns ErrNeedPassphrase:
// the caller prompts without echo and calls OpenPassphrase.
func OpenKeys(dir string, k Keys) (*Vault, error) {
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	if !Exists(dir) {
		return nil, refuse(ErrNotInitialised, dir, "holds no vault")
	}
	if k.Identity != "" {
		v, err := OpenIdentity(dir, k.Identity)
		if err != nil {
			return nil, keyFault(KeyIdentity, err)
		}
		return v, nil
	}
	v, err := openKeyring(dir)
	if v != nil || err != nil {
		return v, err
	}
	if len(k.Passphrase) > 0 {
		v, err := OpenPassphrase(dir, k.Passphrase)
		if err != nil {
			return nil, keyFault(KeyPassphrase, err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("%s: %w", dir, ErrNeedPassphrase)
}

// keyFault makes err a KeyError about key unless it is a file's trouble.
func keyFault(key Key, err error) error {
	for _, e := range []error{ErrUnsafe, ErrLocked, ErrTooLarge, ErrUnsupported} {
		if errors.Is(err, e) {
			return err
		}
	}
	return &KeyError{Key: key, Err: err}
}

// openKeyring opens dir with the identity in the OS keyring. It returns
// (nil, nil), so the caller falls through to the passphrase, when the user
// has not opted in, the keyring is unavailable or has no entry, or the
// entry does not open this vault (a stale entry after a restore).
func openKeyring(dir string) (*Vault, error) {
	account, err := readAccount(dir)
	if err != nil || account == "" {
		return nil, err
	}
	secret, err := keyring.Get(keyringService, account)
	if err != nil {
		return nil, nil
	}
	v, err := OpenIdentity(dir, secret)
	var noMatch *age.NoIdentityMatchError
	if errors.Is(err, errNotIdentity) || errors.As(err, &noMatch) {
		return nil, nil
	}
	return v, err
}

// readAccount returns the keyring account named in keyring.id, or "" when
// the user has not opted in.
func readAccount(dir string) (string, error) {
	data, err := readSafe(dir, keyringFile, nil)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	account := strings.TrimSpace(string(data))
	rest, ok := strings.CutPrefix(account, accountPrefix)
	if _, herr := hex.DecodeString(rest); !ok || herr != nil || len(rest) != 32 {
		return "", refuse(ErrCorrupt, filepath.Join(dir, keyringFile), "is not a keyring reference: remove it, then enable the keyring again")
	}
	return account, nil
}

// KeyringEnabled reports whether the user opted in to keeping the identity
// in the OS keyring.
func (v *Vault) KeyringEnabled() bool {
	account, err := readAccount(v.dir)
	return err == nil && account != ""
}

// EnableKeyring stores the identity (not the vault, which is too big for
// most keyrings) in the OS keyring, and records the opt-in in keyring.id
// so later unlocks try the keyring first. It wraps ErrKeyring when no
// keyring is available.
func (v *Vault) EnableKeyring() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	var account string
	err := v.locked(func() error {
		if _, err := v.readIndex(true); err != nil { // this key must still open the vault
			return fmt.Errorf("enable the keyring: %w", err)
		}
		var err error
		account, err = readAccount(v.dir)
		return err
	})
	if err != nil {
		return err
	}
	if account == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("enable the keyring: %w", err)
		}
		account = accountPrefix + hex.EncodeToString(b)
	}
	// The keyring may wait on a desktop prompt: not while holding
	// vault.lock, where every other process's save would time out.
	if err := keyring.Set(keyringService, account, v.id.String()); err != nil {
		return fmt.Errorf("enable the keyring: %w: %v", ErrKeyring, err)
	}
	return v.locked(func() error {
		return writeAtomic(v.dir, keyringFile, []byte(account+"\n"), v.wrapWriter)
	})
}

// DisableKeyring removes the opt-in and the identity's keyring entry. The
// opt-in goes first, so even when the keyring cannot be reached the next
// unlock asks for the passphrase; the error then says an entry may remain.
func (v *Vault) DisableKeyring() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	var account string
	err := v.locked(func() error {
		var err error
		account, err = readAccount(v.dir)
		if err != nil || account == "" {
			return err
		}
		if err := os.Remove(filepath.Join(v.dir, keyringFile)); err != nil {
			return fmt.Errorf("disable the keyring: %w", err)
		}
		return syncDir(v.dir)
	})
	if err != nil || account == "" {
		return err
	}
	// Outside vault.lock, as in EnableKeyring.
	if err := keyring.Delete(keyringService, account); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("disable the keyring: %w: the entry %s/%s may remain, remove it with your keyring tool: %v", ErrKeyring, keyringService, account, err)
	}
	return nil
}

// ChangePassphrase re-wraps the identity with a new passphrase at
// workFactor (0: DefaultWorkFactor) and atomically replaces identity.age.
// vault.age is untouched: the identity, and so the vault's key, is the
// same. An empty passphrase is refused.
func (v *Vault) ChangePassphrase(passphrase []byte, workFactor int) error {
	if len(passphrase) == 0 {
		return fmt.Errorf("change passphrase: %w", ErrEmptyPassphrase)
	}
	wf, err := checkWorkFactor(workFactor)
	if err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	wrapped, err := wrapIdentity(v.id, passphrase, wf) // the KDF, outside any lock
	if err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.locked(func() error {
		// Only a key that still opens vault.age may replace identity.age:
		// the vault may have been re-created since this Vault was opened,
		// and its only identity would be lost.
		if _, err := v.readIndex(true); err != nil {
			return fmt.Errorf("change passphrase: %w", err)
		}
		if err := writeAtomic(v.dir, identityFile, wrapped, v.wrapWriter); err != nil {
			return fmt.Errorf("change passphrase: %w", err)
		}
		return nil
	})
}
