package store

import (
	"errors"
	"fmt"
)

// The errors a caller tells apart with errors.Is. Each refusal wraps one of
// them with a message naming the file and what to do; none carries a secret.
var (
	// ErrNotInitialised means the directory holds no vault yet: run init.
	ErrNotInitialised = errors.New("no vault here yet")
	// ErrExists means Init found a vault (or part of one) already there.
	ErrExists = errors.New("a vault already exists")
	// ErrNeedPassphrase means OpenKeys had no identity, keyring entry or
	// passphrase to unlock the vault with: the caller prompts and calls
	// OpenPassphrase.
	ErrNeedPassphrase = errors.New("a passphrase is needed to unlock the vault")
	// ErrEmptyPassphrase means Init or ChangePassphrase was given an empty
	// passphrase, which they refuse.
	ErrEmptyPassphrase = errors.New("the passphrase is empty")
	// ErrWrongPassphrase means the passphrase did not unwrap identity.age.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrCorrupt means a file is damaged, truncated, or was replaced by one
	// encrypted to a different key: it was not written by this vault.
	ErrCorrupt = errors.New("corrupted or replaced")
	// ErrUnsafe means a file is not a regular file (a symlink, a directory, a
	// device) or is open to group or others; nothing was read.
	ErrUnsafe = errors.New("unsafe file")
	// ErrTooLarge means a file is over MaxFileSize, and nothing was read;
	// or a save would have made vault.age so, and nothing was written.
	ErrTooLarge = errors.New("file too large")
	// ErrWorkFactor means identity.age asks for more scrypt work than
	// MaxWorkFactor allows (a file crafted to stall or exhaust memory).
	ErrWorkFactor = errors.New("scrypt work factor too high")
	// ErrUnsupported means a file was written by a newer age format or a newer
	// tokenscope schema than this build understands.
	ErrUnsupported = errors.New("written by a newer version")
	// ErrLocked means another process held vault.lock for longer than the
	// lock timeout.
	ErrLocked = errors.New("vault is locked by another process")
	// ErrUnknownProvider means no provider has the given name.
	ErrUnknownProvider = errors.New("no such provider")
	// ErrNotDurable means a save was made and is what every reader now
	// sees, but the directory could not be synced, so a crash could still
	// undo it.
	ErrNotDurable = errors.New("saved, but not confirmed durable")
	// ErrReadOnly means the vault can be read but not changed here: it is
	// of the old one-file layout, in a directory that cannot be written,
	// so it could not be moved to the current layout.
	ErrReadOnly = errors.New("vault is read-only")
	// ErrKeyring means the OS keyring is unavailable or refused the request.
	ErrKeyring = errors.New("keyring unavailable")
)

// refusal is an error that names a file, says what is wrong with it in
// words a user can act on, and wraps one of the sentinel errors (and, when
// there is one, the underlying cause).
type refusal struct {
	kind  error
	file  string
	msg   string
	cause error
}

func (r *refusal) Error() string {
	s := r.file + ": " + r.msg
	if r.cause != nil {
		s += ": " + r.cause.Error()
	}
	return s
}

func (r *refusal) Unwrap() []error {
	if r.cause != nil {
		return []error{r.kind, r.cause}
	}
	return []error{r.kind}
}

func refuse(kind error, file, format string, args ...any) error {
	return &refusal{kind: kind, file: file, msg: fmt.Sprintf(format, args...)}
}

func refuseWith(kind error, file string, cause error, format string, args ...any) error {
	return &refusal{kind: kind, file: file, msg: fmt.Sprintf(format, args...), cause: cause}
}
