package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/demo"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui"
)

// root is tokenscope without a command: --version, --help, or the
// explorer (on the demo server with --demo).
func (a *app) root(args []string) error {
	fs := newFlagSet("tokenscope")
	demoFlag, theme, version, noRenew, noMouse := rootFlags(fs)
	pos, err := parseInterspersed(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		a.printRootUsage(a.stdout)
		return errHelpShown
	case err != nil:
		return flagError("", fs, err)
	case len(pos) > 0:
		return &usageError{msg: fmt.Sprintf("unexpected argument %s: the command goes first, then its options", quote(pos[0]))}
	case *version:
		_, err := fmt.Fprintln(a.stdout, a.versionString())
		return err
	}
	if *theme != "" {
		if _, ok := themes.Lookup(*theme); !ok {
			return &usageError{msg: "unknown theme " + quote(*theme),
				hint: "choose one of " + strings.Join(themes.Names(), ", ")}
		}
	}
	if !a.hooks.isTerminal(a.stdout) || !a.interactive() {
		return withHint(errors.New("the explorer needs a terminal"),
			"run tokenscope list to see the providers, or tokenscope --help for every command")
	}
	if *demoFlag {
		return a.demo(*theme, *noMouse)
	}
	return a.explorer(*theme, !*noRenew, *noMouse)
}

// rootFlags defines tokenscope's options without a command (for root,
// completion and the man page).
func rootFlags(fs *flag.FlagSet) (demo *bool, theme *string, version, noRenew, noMouse *bool) {
	demo = fs.Bool("demo", false, "run against a built-in demo server, with a throwaway store")
	theme = fs.String("theme", "", "the explorer's colours `THEME` (remembered in the store)")
	version = fs.Bool("version", false, "print the version")
	noRenew = fs.Bool("no-renew-on-open", false, "leave the tokens found expired as they are, instead of renewing them")
	noMouse = fs.Bool("no-mouse", false, "leave the mouse to the terminal, where a drag selects text")
	return demo, theme, version, noRenew, noMouse
}

// explorer opens the explorer on the store: unlocked already when the
// environment or the keyring can, else on its unlock or first-run screen;
// with renewOnOpen it renews the tokens it finds expired.
func (a *app) explorer(theme string, renewOnOpen, noMouse bool) error {
	dir, err := a.storeDir()
	if err != nil {
		return err
	}
	var v *store.Vault
	if store.Exists(dir) {
		v, err = a.openEnv(dir)
		if errors.Is(err, store.ErrNeedPassphrase) {
			v, err = nil, nil // the explorer asks
		}
		if err != nil {
			return err
		}
	} else if err := a.dropKeys(); err != nil {
		// The first-run screen asks for a passphrase: the helpers the
		// explorer starts must not inherit one from here.
		return err
	}
	return a.runUI(ui.Options{Dir: dir, Vault: v, Client: oauth.NewClient(oauth.Options{}), Theme: theme,
		RenewOnOpen: renewOnOpen, NoMouse: noMouse, Output: a.stdout, Getenv: a.getenv})
}

// demo opens the explorer on a demo server, with a throwaway store holding
// one provider per preset; the server and the store are gone at exit.
func (a *app) demo(theme string, noMouse bool) (err error) {
	srv, err := demo.Start(demo.Options{})
	if err != nil {
		return err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "tokenscope-demo-")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
			err = fmt.Errorf("demo: remove the throwaway store: %w", rerr)
		}
	}()
	stop := removeOnHangup(dir)
	defer stop()
	v, err := demoStore(dir, append(srv.Providers(), srv.LoginProviders()...))
	if err != nil {
		return err
	}
	return a.runUI(ui.Options{Dir: dir, Vault: v, Client: oauth.NewClient(oauth.Options{}), Theme: theme,
		Demo: true, FetchOnStart: true, NoMouse: noMouse, Output: a.stdout, Getenv: a.getenv})
}

// removeOnHangup removes dir and exits when the terminal hangs up, which
// the explorer does not see: a closed terminal window must not leave a
// demo store behind. (The explorer quits by itself on SIGINT and SIGTERM.)
func removeOnHangup(dir string) (stop func()) {
	hup := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		select {
		case <-hup:
			_ = os.RemoveAll(dir)
			os.Exit(128 + int(syscall.SIGHUP))
		case <-done:
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
	}
}

// demoStore creates a store in dir, under a random passphrase nobody will
// type (so at the lowest work factor), holding ps.
func demoStore(dir string, ps []providers.Provider) (*store.Vault, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	v, err := store.Init(dir, []byte(hex.EncodeToString(b)), store.MinWorkFactor)
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if _, err := v.PutProviders(context.Background(), ps); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	return v, nil
}

// runUI runs the explorer on the app's terminal; an interrupt exits 130.
func (a *app) runUI(o ui.Options) error {
	o.Input, o.Output = a.stdin, a.stdout
	err := a.hooks.runUI(o)
	if errors.Is(err, tea.ErrInterrupted) || errors.Is(err, tea.ErrProgramKilled) {
		return errInterrupted
	}
	return err
}
