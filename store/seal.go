package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"filippo.io/age"
)

// DefaultWorkFactor is the scrypt work factor (log2 N) identity.age is
// written with when the caller passes 0: age's own default, about a second.
const DefaultWorkFactor = 18

// MaxWorkFactor is the highest scrypt work factor identity.age may ask for.
// Each step doubles time and memory (20 is 1 GiB); a file asking for more
// was not written by tokenscope, or was raised to stall or exhaust it.
const MaxWorkFactor = 20

// MinWorkFactor is the lowest work factor Init and ChangePassphrase accept.
const MinWorkFactor = 10

const (
	ageIntro    = "age-encryption.org/v1"
	ageVersions = "age-encryption.org/v"
	armorHeader = "-----BEGIN AGE ENCRYPTED FILE-----"
	// identityComment starts identity.age's plaintext; the age command
	// ignores it, and it tells whoever decrypts the file what it is.
	identityComment = "# tokenscope vault identity: decrypt vault.age and providers-*.age with age -d -i identity.age FILE\n"
)

// seal encrypts plaintext to r as a binary age file, into dst's memory
// when it is big enough.
func seal(plaintext []byte, r age.Recipient, dst []byte) ([]byte, error) {
	buf := bytes.NewBuffer(dst[:0])
	// Header (~250 bytes), nonce, and a 16-byte tag per 64 KiB chunk.
	buf.Grow(len(plaintext) + 512 + 16*(len(plaintext)/(64<<10)+1))
	w, err := age.Encrypt(buf, r)
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	return buf.Bytes(), nil
}

// unseal decrypts data, the contents of path, with ids, and reads the whole
// payload so a damaged or truncated file fails here and never yields
// partial plaintext. Every failure is a refusal naming path and wrapping
// ErrCorrupt, ErrWrongPassphrase, ErrWorkFactor or ErrUnsupported.
func unseal(path string, data []byte, ids ...age.Identity) (string, error) {
	if err := precheck(path, data, hasScrypt(ids)); err != nil {
		return "", err
	}
	if hasScrypt(ids) {
		for _, id := range ids {
			if sid, ok := id.(*age.ScryptIdentity); ok {
				sid.SetMaxWorkFactor(MaxWorkFactor)
			}
		}
	}
	r, err := age.Decrypt(bytes.NewReader(data), ids...)
	if err != nil {
		return "", classify(path, err, ids)
	}
	// Into a string builder grown once: the plaintext is shorter than data,
	// and the payload decoder takes substrings of it without copying.
	var out strings.Builder
	out.Grow(len(data))
	if _, err := io.CopyBuffer(&out, r, make([]byte, 64<<10)); err != nil {
		return "", refuseWith(ErrCorrupt, path, err, "is damaged (truncated or altered after it was written)")
	}
	return out.String(), nil
}

// precheck refuses, before any decryption, what checkIntro does and, for
// a passphrase-encrypted file, a work factor over MaxWorkFactor: it would
// stall or exhaust the machine before the passphrase could be checked.
func precheck(path string, data []byte, scrypt bool) error {
	if err := checkIntro(path, data); err != nil {
		return err
	}
	if wf, ok := scryptWorkFactor(data); scrypt && ok && wf > MaxWorkFactor {
		return refuse(ErrWorkFactor, path, "asks for scrypt work factor %d, over the limit of %d: it was not written by tokenscope; restore it from a backup", wf, MaxWorkFactor)
	}
	return nil
}

// checkIntro recognises, before age does, the cases that deserve their own
// words: an empty file, an armored file, and a newer age format.
func checkIntro(path string, data []byte) error {
	line, _, complete := bytes.Cut(data, []byte("\n"))
	switch {
	case len(data) == 0:
		return refuse(ErrCorrupt, path, "is empty (truncated): restore it from a backup")
	case bytes.HasPrefix(bytes.TrimSpace(data), []byte(armorHeader)):
		return refuse(ErrCorrupt, path, "is an ASCII-armored age file, which tokenscope never writes: replaced")
	case complete && string(line) != ageIntro && bytes.HasPrefix(line, []byte(ageVersions)) &&
		isDigits(string(line[len(ageVersions):])):
		return refuse(ErrUnsupported, path, "uses a newer age format (%s) than this tokenscope reads", line)
	}
	return nil
}

// classify turns an age.Decrypt error into a refusal. A stanza that no
// identity opens is "corrupted or replaced" for the vault, but "wrong
// passphrase" for a passphrase-encrypted file tried with a passphrase.
func classify(path string, err error, ids []age.Identity) error {
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch):
		if !hasScrypt(ids) {
			return refuseWith(ErrCorrupt, path, noMatch, "is encrypted to a key this vault does not hold: corrupted or replaced, not a wrong passphrase")
		}
		if len(noMatch.StanzaTypes) == 1 && noMatch.StanzaTypes[0] == "scrypt" {
			return refuse(ErrWrongPassphrase, path, "wrong passphrase (if you are sure of it, the file was altered: restore it from a backup)")
		}
		return refuseWith(ErrCorrupt, path, noMatch, "is not passphrase-encrypted (its stanzas: %s): corrupted or replaced, not a wrong passphrase", strings.Join(noMatch.StanzaTypes, ", "))
	case strings.HasSuffix(err.Error(), "bad header MAC"):
		return refuse(ErrCorrupt, path, "has a header that does not match its MAC: corrupted or replaced")
	case strings.Contains(err.Error(), "scrypt work factor too large"):
		return refuse(ErrWorkFactor, path, "asks for more scrypt work than %d: refused", MaxWorkFactor)
	}
	return refuseWith(ErrCorrupt, path, err, "is not a valid age file (damaged or truncated)")
}

func hasScrypt(ids []age.Identity) bool {
	for _, id := range ids {
		if _, ok := id.(*age.ScryptIdentity); ok {
			return true
		}
	}
	return false
}

// wrapIdentity encrypts the identity with the passphrase.
func wrapIdentity(id *age.X25519Identity, passphrase []byte, workFactor int) ([]byte, error) {
	r, err := age.NewScryptRecipient(string(passphrase))
	if err != nil {
		return nil, ErrEmptyPassphrase
	}
	r.SetWorkFactor(workFactor)
	return seal([]byte(identityComment+id.String()+"\n"), r, nil)
}

// unwrapIdentity decrypts identity.age (data, read from path). It refuses a
// work factor over MaxWorkFactor before running any KDF.
func unwrapIdentity(path string, data []byte, passphrase []byte) (*age.X25519Identity, error) {
	if err := precheck(path, data, true); err != nil {
		return nil, err
	}
	if len(passphrase) == 0 {
		return nil, refuse(ErrWrongPassphrase, path, "the passphrase is empty")
	}
	sid, err := age.NewScryptIdentity(string(passphrase))
	if err != nil {
		return nil, refuse(ErrWrongPassphrase, path, "the passphrase is empty")
	}
	plain, err := unseal(path, data, sid)
	if err != nil {
		return nil, err
	}
	return parseIdentityFile(path, plain)
}

// parseIdentityFile reads the one X25519 identity in identity.age's
// plaintext. Parse errors are not passed on: they could quote the key.
func parseIdentityFile(path string, plain string) (*age.X25519Identity, error) {
	ids, err := age.ParseIdentities(strings.NewReader(plain))
	if err != nil {
		return nil, refuse(ErrCorrupt, path, "decrypts, but does not hold an age identity: replaced")
	}
	if len(ids) != 1 {
		return nil, refuse(ErrCorrupt, path, "holds %d identities, tokenscope writes one: replaced", len(ids))
	}
	id, ok := ids[0].(*age.X25519Identity)
	if !ok {
		return nil, refuse(ErrCorrupt, path, "holds a %T, tokenscope writes an X25519 identity: replaced", ids[0])
	}
	return id, nil
}

// ParseIdentity parses an AGE-SECRET-KEY-1… string (TOKENSCOPE_IDENTITY).
// The error never repeats the input.
func ParseIdentity(s string) (*age.X25519Identity, error) {
	id, err := age.ParseX25519Identity(strings.TrimSpace(s))
	if err != nil {
		return nil, errNotIdentity
	}
	return id, nil
}

// errNotIdentity is ParseIdentity's only error.
var errNotIdentity = errors.New("not an age X25519 identity (AGE-SECRET-KEY-1…)")

// scryptWorkFactor reads the work factor from the first stanza of an age
// header, "-> scrypt SALT WF", without decrypting anything.
func scryptWorkFactor(data []byte) (int, bool) {
	_, rest, _ := bytes.Cut(data, []byte("\n"))
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	f := strings.Split(string(line), " ")
	if len(f) != 4 || f[0] != "->" || f[1] != "scrypt" || !isDigits(f[3]) || len(f[3]) > 9 {
		return 0, false
	}
	wf, err := strconv.Atoi(f[3])
	return wf, err == nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
