package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"filippo.io/age"

	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/agent"
)

// maxIdentityFile bounds identity.age as the agent reads it: the file
// tokenscope writes is about 300 bytes.
const maxIdentityFile = 64 << 10

// fromAgent opens dir with the identity a running agent holds for it, or
// returns nil when there is no agent, it holds another store, or its
// answer does not open the store: the caller goes on to the next way of
// unlocking. Only a problem the user should fix is said, as a warning.
func (a *app) fromAgent(dir string) *store.Vault {
	socket, err := agent.SocketPath(a.getenv)
	if err != nil {
		return nil
	}
	id, err := agent.Identity(context.Background(), socket, dir)
	switch {
	case errors.Is(err, agent.ErrNoAgent) || errors.Is(err, agent.ErrOtherStore):
		return nil
	case err != nil:
		a.warnf("not using the agent: %v", err)
		return nil
	}
	v, err := store.OpenIdentity(dir, id)
	if err != nil {
		if !errors.Is(err, store.ErrNotInitialised) {
			a.warnf("not using the agent, whose key does not open the store: %v", err)
		}
		return nil
	}
	return v
}

// agentIdentity is the identity of the store in dir, for the agent to
// hold: TOKENSCOPE_IDENTITY, else identity.age unwrapped with
// TOKENSCOPE_PASSPHRASE or the passphrase typed at the terminal. The OS
// keyring is not asked: where it works, commands unlock without a KDF
// and need no agent.
func (a *app) agentIdentity(ctx context.Context, dir string) (string, error) {
	if s := a.getenv("TOKENSCOPE_IDENTITY"); s != "" {
		id, err := store.ParseIdentity(s)
		if err == nil {
			_, err = store.OpenIdentity(dir, id.String())
		}
		if err != nil {
			return "", fmt.Errorf("TOKENSCOPE_IDENTITY: %w", err)
		}
		return id.String(), nil
	}
	if pass := a.getenv("TOKENSCOPE_PASSPHRASE"); pass != "" {
		id, err := identityFromPassphrase(dir, []byte(pass))
		if err != nil {
			return "", fmt.Errorf("TOKENSCOPE_PASSPHRASE: %w", err)
		}
		return id, nil
	}
	if !a.interactive() {
		return "", withHint(fmt.Errorf("the store in %s is locked", dir),
			"run tokenscope agent in a terminal, or set TOKENSCOPE_PASSPHRASE or TOKENSCOPE_IDENTITY for it")
	}
	for try := 1; ; try++ {
		pass, err := a.readSecret(ctx, "Enter passphrase for "+dir+":")
		if err != nil {
			return "", err
		}
		id, err := identityFromPassphrase(dir, pass)
		clear(pass)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, store.ErrWrongPassphrase) || try == maxPassphraseTries {
			return "", err
		}
		a.printf("wrong passphrase, try again")
	}
}

// identityFromPassphrase decrypts dir's identity.age with passphrase, as
// "age -d identity.age" would, and returns the identity once it has opened
// the vault. The store keeps its identity to itself, and its public
// OpenPassphrase hands back a Vault, not the key an agent must hand out:
// hence this reading of the documented file. Anything but a plain wrong
// passphrase is left to store.OpenPassphrase to diagnose, in its words.
func identityFromPassphrase(dir string, passphrase []byte) (string, error) {
	path := filepath.Join(dir, "identity.age")
	data, err := readIdentityFile(path)
	if err != nil {
		return "", diagnose(dir, passphrase, err)
	}
	sid, err := age.NewScryptIdentity(string(passphrase))
	if err != nil { // an empty passphrase
		return "", fmt.Errorf("%s: %w", path, store.ErrWrongPassphrase)
	}
	sid.SetMaxWorkFactor(store.MaxWorkFactor) // a crafted file must not stall the agent
	r, err := age.Decrypt(bytes.NewReader(data), sid)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) && len(noMatch.StanzaTypes) == 1 && noMatch.StanzaTypes[0] == "scrypt" {
		return "", fmt.Errorf("%s: %w", path, store.ErrWrongPassphrase)
	}
	if err != nil {
		return "", diagnose(dir, passphrase, err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, maxIdentityFile))
	defer clear(plain)
	if err != nil {
		return "", diagnose(dir, passphrase, err)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(plain))
	if err != nil || len(ids) != 1 {
		return "", diagnose(dir, passphrase, errors.New("identity.age does not hold one identity"))
	}
	x, ok := ids[0].(*age.X25519Identity)
	if !ok {
		return "", diagnose(dir, passphrase, errors.New("identity.age does not hold an X25519 identity"))
	}
	if _, err := store.OpenIdentity(dir, x.String()); err != nil {
		return "", err
	}
	return x.String(), nil
}

// readIdentityFile reads identity.age, refusing anything but a small
// regular file.
func readIdentityFile(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxIdentityFile {
		return nil, fmt.Errorf("%s is not a small regular file", path)
	}
	return os.ReadFile(path)
}

// diagnose is the error for an identity.age the agent could not unwrap:
// the store's own, when it finds one (it runs the KDF again, only on this
// path of failure), else cause, which never holds a secret.
func diagnose(dir string, passphrase []byte, cause error) error {
	if errors.Is(cause, fs.ErrNotExist) && !store.Exists(dir) {
		return notInitialised(dir)
	}
	if _, err := store.OpenPassphrase(dir, passphrase); err != nil {
		return err
	}
	return fmt.Errorf("agent: cannot read the identity in %s: %w", dir, cause)
}
