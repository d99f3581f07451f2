package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/store"
)

// maxPassphraseTries is how many times a terminal user may mistype the
// passphrase before the command gives up.
const maxPassphraseTries = 3

// hintUnlock is what to do when the store is locked and nobody can be
// asked for the passphrase.
const hintUnlock = "set TOKENSCOPE_IDENTITY or TOKENSCOPE_PASSPHRASE, or run tokenscope in a terminal"

// storeDir is the store's directory: $TOKENSCOPE_HOME, else tokenscope/
// under the user's config directory.
func (a *app) storeDir() (string, error) {
	if d := a.getenv("TOKENSCOPE_HOME"); d != "" {
		return filepath.Abs(d)
	}
	dir, err := store.UserDir()
	if err != nil {
		return "", withHint(err, "set TOKENSCOPE_HOME to the directory of your store")
	}
	return dir, nil
}

// unlock opens the store for a command: from TOKENSCOPE_IDENTITY, a
// running agent, the OS keyring or TOKENSCOPE_PASSPHRASE, else by asking
// for the passphrase when someone is at the terminal.
func (a *app) unlock(ctx context.Context) (*store.Vault, error) {
	dir, err := a.storeDir()
	if err != nil {
		return nil, err
	}
	v, err := a.openEnv(dir)
	switch {
	case err == nil:
		if ro := v.ReadOnly(); ro != nil {
			a.warnf("%v", ro)
		}
		return v, nil
	case errors.Is(err, store.ErrNotInitialised):
		return nil, notInitialised(dir)
	case !errors.Is(err, store.ErrNeedPassphrase):
		return nil, err
	case !a.interactive():
		return nil, withHint(fmt.Errorf("the store in %s is locked", dir), hintUnlock)
	}
	return a.askPassphrase(ctx, dir)
}

// openEnv is store.OpenKeys with the keys of TOKENSCOPE_IDENTITY and
// TOKENSCOPE_PASSPHRASE, with a running agent asked after
// TOKENSCOPE_IDENTITY and before the keyring; a key that does not open the
// store is blamed on its variable. Once the store is unlocked,
// TOKENSCOPE_IDENTITY and TOKENSCOPE_PASSPHRASE have done their work, and
// both leave this process's environment, so that the programs tokenscope
// starts from then on (the explorer's xclip, xsel or wl-copy, a browser)
// never inherit the key.
func (a *app) openEnv(dir string) (*store.Vault, error) {
	if a.getenv("TOKENSCOPE_IDENTITY") == "" {
		if v := a.fromAgent(dir); v != nil {
			if err := a.dropKeys(); err != nil {
				return nil, err
			}
			return v, nil
		}
	}
	v, err := store.OpenKeys(dir, store.Keys{
		Identity:   a.getenv("TOKENSCOPE_IDENTITY"),
		Passphrase: []byte(a.getenv("TOKENSCOPE_PASSPHRASE")),
	})
	if err != nil {
		var ke *store.KeyError
		if errors.As(err, &ke) {
			name := "TOKENSCOPE_PASSPHRASE"
			if ke.Key == store.KeyIdentity {
				name = "TOKENSCOPE_IDENTITY"
			}
			err = fmt.Errorf("%s: %w", name, err)
		}
		return nil, err
	}
	if err := a.dropKeys(); err != nil {
		return nil, err
	}
	return v, nil
}

// dropKeys removes TOKENSCOPE_IDENTITY and TOKENSCOPE_PASSPHRASE from this
// process's environment when they are set.
func (a *app) dropKeys() error {
	if a.hooks.unsetenv == nil {
		return nil
	}
	for _, k := range []string{"TOKENSCOPE_IDENTITY", "TOKENSCOPE_PASSPHRASE"} {
		if a.getenv(k) == "" {
			continue
		}
		if err := a.hooks.unsetenv(k); err != nil {
			return fmt.Errorf("remove %s from the environment: %w", k, err)
		}
	}
	return nil
}

// askPassphrase unlocks dir with a passphrase typed at the terminal,
// allowing a few tries.
func (a *app) askPassphrase(ctx context.Context, dir string) (*store.Vault, error) {
	for try := 1; ; try++ {
		pass, err := a.readSecret(ctx, "Enter passphrase for "+dir+":")
		if err != nil {
			return nil, err
		}
		v, err := store.OpenPassphrase(dir, pass)
		clear(pass)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, store.ErrWrongPassphrase) || try == maxPassphraseTries {
			return nil, err
		}
		a.printf("wrong passphrase, try again")
	}
}

// notInitialised is the error for a directory without a store.
func notInitialised(dir string) error {
	return withHint(fmt.Errorf("no store in %s yet", dir),
		"run tokenscope init to create one, or set TOKENSCOPE_HOME to the directory that holds yours")
}

// newPassphrase is the passphrase for a new store (useEnv) or a changed
// one: the first line of standard input when fromStdin, else for a new
// store TOKENSCOPE_PASSPHRASE when it is set, else typed twice at the
// terminal.
func (a *app) newPassphrase(ctx context.Context, fromStdin, useEnv bool) ([]byte, error) {
	switch {
	case fromStdin:
		return readFirstLine(a.stdinFor(ctx), "passphrase")
	case useEnv && a.getenv("TOKENSCOPE_PASSPHRASE") != "":
		return []byte(a.getenv("TOKENSCOPE_PASSPHRASE")), nil
	case a.interactive() && useEnv:
		return a.readNewSecret(ctx, "passphrase")
	case a.interactive():
		return a.readNewSecret(ctx, "new passphrase")
	}
	hint := "run it in a terminal to be asked, or pass --passphrase-stdin and the passphrase on standard input"
	if useEnv {
		hint = "run it in a terminal to be asked, set TOKENSCOPE_PASSPHRASE, or pass --passphrase-stdin"
	}
	return nil, withHint(errors.New("no passphrase to use: standard input is not a terminal"), hint)
}

// workFactorFlag adds --work-factor to fs.
func workFactorFlag(fs *flag.FlagSet) *int {
	return fs.Int("work-factor", store.DefaultWorkFactor,
		fmt.Sprintf("the passphrase's scrypt work factor `N` (%d to %d; each step doubles the unlock time)",
			store.MinWorkFactor, store.MaxWorkFactor))
}

func checkWorkFactor(cmd string, wf int) error {
	if wf < store.MinWorkFactor || wf > store.MaxWorkFactor {
		return &usageError{cmd: cmd, msg: fmt.Sprintf("--work-factor %d is outside %d to %d", wf, store.MinWorkFactor, store.MaxWorkFactor)}
	}
	return nil
}

// cmdInit is "tokenscope init": create the store.
func (a *app) cmdInit(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	wf := workFactorFlag(fs)
	fromStdin := fs.Bool("passphrase-stdin", false, "read the passphrase from the first line of standard input")
	if _, err := a.parse(cmd, fs, args, 0, 0); err != nil {
		return err
	}
	if err := checkWorkFactor(cmd.name, *wf); err != nil {
		return err
	}
	dir, err := a.storeDir()
	if err != nil {
		return err
	}
	if store.Exists(dir) {
		return withHint(fmt.Errorf("%s already holds a store", dir),
			"use it (tokenscope list), change its passphrase (tokenscope passphrase), or set TOKENSCOPE_HOME to another directory")
	}
	pass, err := a.newPassphrase(ctx, *fromStdin, true)
	if err != nil {
		return err
	}
	defer clear(pass)
	if _, err := store.Init(dir, pass, *wf); err != nil {
		return err
	}
	if !*fromStdin && a.getenv("TOKENSCOPE_PASSPHRASE") != "" {
		a.printf("created the store in %s, with the passphrase in TOKENSCOPE_PASSPHRASE", dir)
	} else {
		a.printf("created the store in %s", dir)
	}
	a.printf("next: tokenscope add NAME --preset PRESET, or tokenscope import FILE")
	return nil
}

// cmdPassphrase is "tokenscope passphrase": re-wrap the store's key.
func (a *app) cmdPassphrase(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	wf := workFactorFlag(fs)
	fromStdin := fs.Bool("passphrase-stdin", false, "read the new passphrase from the first line of standard input")
	if _, err := a.parse(cmd, fs, args, 0, 0); err != nil {
		return err
	}
	if err := checkWorkFactor(cmd.name, *wf); err != nil {
		return err
	}
	envPass := a.getenv("TOKENSCOPE_PASSPHRASE") != "" // the unlock removes it
	v, err := a.unlock(ctx)
	if err != nil {
		return err
	}
	pass, err := a.newPassphrase(ctx, *fromStdin, false)
	if err != nil {
		return err
	}
	defer clear(pass)
	if err := v.ChangePassphrase(pass, *wf); err != nil {
		return err
	}
	a.printf("changed the passphrase of the store in %s", v.Dir())
	if envPass {
		a.printf("TOKENSCOPE_PASSPHRASE still holds the old passphrase: update it")
	}
	return nil
}

// cmdKeyring is "tokenscope keyring enable|disable".
func (a *app) cmdKeyring(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	if pos[0] != "enable" && pos[0] != "disable" {
		return &usageError{cmd: cmd.name, msg: fmt.Sprintf("keyring: unknown action %s (enable or disable)", quote(pos[0]))}
	}
	v, err := a.unlock(ctx)
	if err != nil {
		return err
	}
	if pos[0] == "enable" {
		if err := v.EnableKeyring(); err != nil {
			if errors.Is(err, store.ErrKeyring) {
				return withHint(err, "keep unlocking with TOKENSCOPE_PASSPHRASE, TOKENSCOPE_IDENTITY or the prompt")
			}
			return err
		}
		a.printf("the store's key is in the OS keyring: tokenscope unlocks without asking")
		return nil
	}
	if !v.KeyringEnabled() {
		a.printf("the keyring was not in use: nothing to do")
		return nil
	}
	if err := v.DisableKeyring(); err != nil {
		return err
	}
	a.printf("removed the store's key from the OS keyring: tokenscope asks for the passphrase again")
	return nil
}

// cmdClipboard is "tokenscope clipboard [DURATION|off|default]".
func (a *app) cmdClipboard(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	pos, err := a.parse(cmd, fs, args, 0, 1)
	if err != nil {
		return err
	}
	var set *store.Settings
	if len(pos) == 1 {
		s := store.Settings{}
		switch pos[0] {
		case "off":
			s.ClipboardClearOff = true
		case "default":
		default:
			d, err := time.ParseDuration(pos[0])
			if err != nil || d < time.Second || d > 24*time.Hour {
				return &usageError{cmd: cmd.name, msg: fmt.Sprintf("clipboard: %s is not a duration from 1s to 24h, off or default", quote(pos[0]))}
			}
			s.ClipboardClear = d
		}
		set = &s
	}
	v, err := a.unlock(ctx)
	if err != nil {
		return err
	}
	if set != nil {
		if err := v.SetSettings(*set); err != nil {
			return err
		}
	}
	p, err := v.Load()
	if err != nil {
		return err
	}
	if d := p.Settings.ClipboardClearAfter(); d > 0 {
		a.printf("copied tokens are cleared from the clipboard after %s", display.Duration(d))
	} else {
		a.printf("copied tokens stay on the clipboard: clearing is off")
	}
	return nil
}
