package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/tokenscope/tokenscope/providers"
)

// The variables exec gives the child and env prints.
const (
	envToken         = "TOKEN"
	envAuthorization = "AUTHORIZATION"
)

// unlockVars are the variables that unlock the store: a child of exec
// never sees them, so that a program given one token cannot take them all.
var unlockVars = []string{"TOKENSCOPE_IDENTITY", "TOKENSCOPE_PASSPHRASE"}

// childExit is the exit code of exec's child, passed on as tokenscope's
// own without a message: the child has said what it had to say.
type childExit struct{ code int }

func (e *childExit) Error() string { return fmt.Sprintf("the command exited with status %d", e.code) }

// cmdExec is "tokenscope exec NAME -- CMD [ARGS…]".
func (a *app) cmdExec(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	var f ensureFlags
	f.register(fs)
	ours, child := args, []string(nil)
	if i := slices.Index(args, "--"); i >= 0 {
		ours, child = args[:i], args[i+1:]
	}
	pos, err := a.parse(cmd, fs, ours, 1, -1)
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) && child == nil && ue.unknown != "" {
			ue.hint = "put -- before the command, so that its options are its own: tokenscope exec NAME -- CMD…"
		}
		return err
	}
	child = append(pos[1:], child...)
	if len(child) == 0 {
		return &usageError{cmd: cmd.name, msg: "exec needs a command to run after the provider NAME",
			hint: "tokenscope exec " + pos[0] + " -- CMD [ARGS…]"}
	}
	_, tok, err := a.ensure(ctx, cmd.name, pos[0], f)
	if err != nil {
		return err
	}
	if err := printableToken(pos[0], tok); err != nil {
		return err
	}
	return a.runChild(child, childEnv(os.Environ(), tok))
}

// childEnv is env without the variables that unlock the store, with TOKEN
// and AUTHORIZATION set to tok.
func childEnv(env []string, tok *providers.Token) []string {
	out := make([]string, 0, len(env)+2)
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if slices.Contains(unlockVars, k) || k == envToken || k == envAuthorization {
			continue
		}
		out = append(out, kv)
	}
	return append(out, envToken+"="+tok.AccessToken.Reveal(), envAuthorization+"=Bearer "+tok.Presented().Reveal())
}

// runChild runs argv with env on tokenscope's streams and returns its
// exit status as a childExit. Ctrl-C reaches the child from the terminal
// (tokenscope waits for it); SIGTERM and SIGHUP sent to tokenscope alone
// are passed on.
func (a *app) runChild(argv, env []string) error {
	c := exec.Command(argv[0], argv[1:]...)
	c.Env = env
	c.Stdin, c.Stdout, c.Stderr = a.stdin, a.stdout, a.stderr
	if err := c.Start(); err != nil {
		code := 126
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			code = 127 // as a shell says it
		}
		return &hintError{err: fmt.Errorf("exec: %w", err), code: code,
			hints: []string{"check the command's name and that it is on $PATH"}}
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = c.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := c.Wait()
	signal.Stop(sigs)
	close(done)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return &childExit{code: 0}
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return &childExit{code: 128 + int(ws.Signal())}
		}
		return &childExit{code: ee.ExitCode()}
	}
	return fmt.Errorf("exec: %w", err)
}

// cmdEnv is "tokenscope env NAME": the token as shell assignments, for
// eval "$(tokenscope env NAME)".
func (a *app) cmdEnv(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	var f ensureFlags
	f.register(fs)
	shell := fs.String("shell", "sh", "the `SHELL` to write for: sh (bash, zsh, any POSIX shell) or fish")
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *shell != "sh" && *shell != "fish" {
		return &usageError{cmd: cmd.name, msg: "--shell " + quote(*shell) + " is not sh or fish",
			hint: "bash, zsh and dash read --shell sh, the default"}
	}
	_, tok, err := a.ensure(ctx, cmd.name, pos[0], f)
	if err != nil {
		return err
	}
	if err := printableToken(pos[0], tok); err != nil {
		return err
	}
	return writeAssignments(a.stdout, *shell, [][2]string{{envToken, tok.AccessToken.Reveal()},
		{envAuthorization, "Bearer " + tok.Presented().Reveal()}})
}

// writeAssignments writes export lines for a POSIX shell, or set -gx
// lines for fish, each value quoted for that shell.
func writeAssignments(w io.Writer, shell string, kvs [][2]string) error {
	for _, kv := range kvs {
		var line string
		if shell == "fish" {
			line = "set -gx " + kv[0] + " " + fishQuote(kv[1])
		} else {
			line = "export " + kv[0] + "=" + posixQuote(kv[1])
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}

// posixQuote single-quotes s for a POSIX shell.
func posixQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// fishQuote single-quotes s for fish, where \\ and \' are the escapes
// inside single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
