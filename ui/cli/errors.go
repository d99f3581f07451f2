package cli

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
)

// errInterrupted ends a command the user interrupted (Ctrl-C at a prompt).
var errInterrupted = errors.New("interrupted")

// interruptError is errInterrupted with what the interrupt left behind,
// when the user needs to know ("interrupted: nothing was imported").
type interruptError struct{ outcome string }

func (e *interruptError) Error() string { return "interrupted: " + e.outcome }
func (e *interruptError) Unwrap() error { return errInterrupted }

// usageError is a command line that cannot be run as written: exit 2, with
// a hint (by default, where to read the command's usage).
type usageError struct {
	cmd  string // the command, for the default hint
	msg  string
	hint string
	// unknown is the option the command does not have ("" when that is
	// not what went wrong), without its dashes.
	unknown string
}

func (e *usageError) Error() string { return e.msg }

// hintError is a failure with the hints that say what to do about it.
type hintError struct {
	err   error
	hints []string
	// notes are lines of our own said after the error and before the
	// hints, as "tokenscope: …": what the failure left behind.
	notes []string
	// paste are lines to copy into a shell (export VAR=…), written after
	// the hints as they are, indented, without the "tokenscope:" prefix
	// that would get in the way. Only our own text: never outside text.
	paste []string
	code  int // 0: exitFailure
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

// linesError is a failure of several causes, each reported on a line of
// its own ("tokenscope: error: …"). The lines may hold outside text: exit
// shows each through display.Text, once.
type linesError struct{ lines []string }

func (e *linesError) Error() string { return strings.Join(e.lines, "; ") }

// withHint attaches hints to err.
func withHint(err error, hints ...string) error {
	return &hintError{err: err, hints: hints}
}

// exit reports err on stderr and returns the exit code for it.
func (a *app) exit(ctx context.Context, err error) int {
	// An interrupt wins over success: a command that finished its work
	// after Ctrl-C (an unlock that ran on through the KDF) must not exit 0
	// as if the user had not asked it to stop.
	var ce *childExit
	if errors.As(err, &ce) {
		return ce.code // exec's child, interrupted or not, had the last word
	}
	var ie *interruptError
	switch {
	case errors.As(err, &ie):
		a.errorf("%s", ie)
		return exitInterrupt
	case errors.Is(err, errInterrupted) || ctx.Err() != nil:
		a.errorf("interrupted")
		return exitInterrupt
	case err == nil || errors.Is(err, errHelpShown):
		return exitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		a.errorf("%s", ue.msg)
		hint := ue.hint
		if hint == "" {
			hint = "run tokenscope " + strings.TrimSpace(ue.cmd+" --help") + " to see the usage"
		}
		a.hintf("%s", hint)
		return exitUsage
	}
	var le *linesError
	if errors.As(err, &le) {
		for _, l := range le.lines {
			a.errorf("%s", l)
		}
		return exitFailure
	}
	code := exitFailure
	var hints, paste, notes []string
	var he *hintError
	if errors.As(err, &he) {
		hints, paste, notes = he.hints, he.paste, he.notes
		if he.code != 0 {
			code = he.code
		}
	}
	a.errorf("%s", err)
	for _, n := range notes {
		a.printf("%s", n)
	}
	if h := oauth.HintOf(err); h != "" {
		a.hintf("%s", h)
	}
	hints = append(hints, storeHints(err)...)
	for _, h := range hints {
		a.hintf("%s", h)
	}
	for _, l := range paste {
		fmt.Fprintf(a.stderr, "    %s\n", l)
	}
	return code
}

// storeHints says what to do about the store's refusals that the store's
// own message does not already spell out.
func storeHints(err error) []string {
	var he *hintError
	if errors.As(err, &he) && len(he.hints) > 0 {
		return nil // the command knew better
	}
	switch {
	case errors.Is(err, store.ErrNotInitialised):
		return []string{"run tokenscope init to create it, or set TOKENSCOPE_HOME to the directory that holds it"}
	case errors.Is(err, store.ErrUnknownProvider):
		return []string{"run tokenscope list to see the providers"}
	case errors.Is(err, store.ErrLocked):
		return []string{"wait for the other tokenscope to finish, then try again"}
	case errors.Is(err, store.ErrWrongPassphrase):
		return []string{"check the passphrase (TOKENSCOPE_PASSPHRASE when it is set) and try again"}
	case errors.Is(err, store.ErrUnsupported):
		return []string{"it was written by a newer version: upgrade tokenscope to read it"}
	case errors.Is(err, store.ErrUnsafe):
		// The store's error names the file and what is wrong with it; the
		// commands are ours to name.
		return []string{"tokenscope writes its files mode 0600 in a directory of mode 0700, all owned by you: check who changed it, then fix it (chmod 600 FILE, chmod 700 DIR, chown)"}
	}
	return nil
}

// errorf writes "tokenscope: error: …" to stderr.
func (a *app) errorf(format string, args ...any) {
	a.message("error: ", format, args...)
}

// hintf writes "tokenscope: hint: …" to stderr.
func (a *app) hintf(format string, args ...any) {
	a.message("hint: ", format, args...)
}

// warnf writes "tokenscope: warning: …" to stderr.
func (a *app) warnf(format string, args ...any) {
	a.message("warning: ", format, args...)
}

// printf writes "tokenscope: …" to stderr: a message, not data.
func (a *app) printf(format string, args ...any) {
	a.message("", format, args...)
}

// message writes one "tokenscope: kind…" line per line of the message.
// The format is ours; every argument may hold outside text (a provider
// name from an import file, a server's error), so each is shown through
// display.Text before it is formatted, and no argument can end a line.
func (a *app) message(kind, format string, args ...any) {
	safe := make([]any, len(args))
	for i, arg := range args {
		safe[i] = shown(arg)
	}
	msg := fmt.Sprintf(format, safe...)
	for _, line := range strings.Split(msg, "\n") {
		fmt.Fprintf(a.stderr, "tokenscope: %s%s\n", kind, line)
	}
}

// shown is arg made safe to print. An error of our own may span lines
// (import reports one line per mistake), so it is shown line by line; an
// error that carries a server's words is kept to one line, so that a
// server cannot start a line of its own that looks like ours.
func shown(arg any) any {
	switch v := arg.(type) {
	case string:
		return display.Text(v)
	case error:
		var pe *oauth.Error
		if errors.As(v, &pe) {
			return display.Text(v.Error())
		}
		lines := strings.Split(v.Error(), "\n")
		for i, l := range lines {
			lines[i] = display.Text(l)
		}
		return strings.Join(lines, "\n")
	case fmt.Stringer:
		return display.Text(v.String())
	}
	if rv := reflect.ValueOf(arg); rv.Kind() == reflect.String {
		return display.Text(rv.String()) // a named string type: providers.Grant
	}
	return arg
}

// warnInsecure says, each time an insecure provider is used, what exposes
// its secrets and tokens to the network: TLS certificates not checked, or
// an endpoint over plain http.
func (a *app) warnInsecure(p providers.Provider) {
	if why := p.Exposure(); why != "" {
		a.warnf("%s %s: anyone on the path can read its tokens", p.Name, why)
	}
}

// quote is strconv.Quote, for names the user typed.
func quote(s string) string { return strconv.Quote(s) }
