package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokenscope/tokenscope/providers/config"
)

// errHelpShown ends a command whose --help was printed: exit 0.
var errHelpShown = errors.New("help shown")

// errDescribed ends a command run only to learn its flags (describe).
var errDescribed = errors.New("described")

// describe returns cmd's flag set, as cmd's own code defines it: the
// command is run on an app that stops it in parse, before it reads,
// unlocks or sends anything.
func describe(cmd command) *flag.FlagSet {
	a := newApp(strings.NewReader(""), io.Discard, io.Discard, nil, hooks{})
	a.describing = true
	if err := cmd.run(a, context.Background(), cmd, nil); !errors.Is(err, errDescribed) || a.described == nil {
		// A command that does not parse first; TestDescribe keeps every
		// command from being one.
		return newFlagSet(cmd.name)
	}
	return a.described
}

// newFlagSet returns a silent flag set: parse errors and usage are
// reported by parse, in tokenscope's voice.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args for cmd, flags and arguments in any order ("--" ends
// the flags), and checks that between nmin and nmax arguments remain
// (nmax < 0: any number). --help prints the usage to stdout.
func (a *app) parse(cmd command, fs *flag.FlagSet, args []string, nmin, nmax int) ([]string, error) {
	if a.describing {
		a.described = fs
		return nil, errDescribed
	}
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		a.printUsage(a.stdout, cmd, fs)
		return nil, errHelpShown
	}
	if err != nil {
		return nil, flagError(cmd.name, fs, err)
	}
	switch {
	case len(pos) < nmin:
		return nil, &usageError{cmd: cmd.name, msg: fmt.Sprintf("%s needs %s", cmd.name, cmd.needs)}
	case nmax >= 0 && len(pos) > nmax:
		// The extra argument is not quoted: it may be a secret typed where
		// none belongs.
		return nil, &usageError{cmd: cmd.name, msg: argCount(cmd.name, nmax)}
	}
	return pos, nil
}

// parseInterspersed is fs.Parse that also accepts flags after arguments,
// as "tokenscope token NAME --fresh" is typed.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// The flag package's errors, which name a flag with one dash ("-jsn")
// where tokenscope's help shows two.
var (
	errUndefined = regexp.MustCompile(`^flag provided but not defined: -(.*)$`)
	errNoValue   = regexp.MustCompile(`^flag needs an argument: -(.*)$`)
	errBadValue  = regexp.MustCompile(`^invalid value (".*") for flag -([^:]*): (.*)$`)
	errBadBool   = regexp.MustCompile(`^invalid boolean value (".*") for -([^:]*): (.*)$`)
	errSyntax    = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// flagError turns a flag package error about fs into a usage error that
// names the flag as --help shows it (--json, not -json), with a hint: for
// an unknown flag the flags it may be a typo of, or, for someone trying to
// pass a secret on the command line, how the command takes its secrets;
// for a duration, an example.
func flagError(cmd string, fs *flag.FlagSet, err error) error {
	msg := err.Error()
	ue := &usageError{cmd: cmd, msg: msg}
	if m := errUndefined.FindStringSubmatch(msg); m != nil {
		name := m[1]
		ue.msg, ue.unknown = "unknown option --"+name, name
		lower := strings.ToLower(strings.TrimLeft(name, "-"))
		for _, w := range []string{"secret", "password", "passphrase", "token", "key"} {
			if strings.Contains(lower, w) && !strings.HasSuffix(lower, "-env") {
				ue.hint = "secrets are never read from the command line: " + secretWays(cmd)
				return ue
			}
		}
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		names = append(names, "help")
		if s := config.Suggest(strings.TrimLeft(name, "-"), names); len(s) > 0 {
			for i := range s {
				s[i] = "--" + s[i]
			}
			ue.hint = config.DidYouMean(s)
		}
		return ue
	}
	if m := errNoValue.FindStringSubmatch(msg); m != nil {
		ue.msg = fmt.Sprintf("--%s needs a value", m[1])
		if f := fs.Lookup(m[1]); f != nil && strings.Contains(f.Usage, "`") {
			arg, _ := flag.UnquoteUsage(f)
			ue.hint = fmt.Sprintf("write --%s %s", m[1], arg)
		}
		return ue
	}
	if m := errBadBool.FindStringSubmatch(msg); m != nil {
		ue.msg = fmt.Sprintf("--%s takes no value, and %s is not true or false", m[2], m[1])
		ue.hint = fmt.Sprintf("write --%s alone, or --%s=false", m[2], m[2])
		return ue
	}
	if m := errBadValue.FindStringSubmatch(msg); m != nil {
		value, name, why := m[1], m[2], m[3]
		var kind any
		if f := fs.Lookup(name); f != nil {
			if g, ok := f.Value.(flag.Getter); ok {
				kind = g.Get()
			}
		}
		switch kind.(type) {
		case time.Duration:
			ue.msg = fmt.Sprintf("--%s: %s is not a duration", name, value)
			ue.hint = fmt.Sprintf("write a number and a unit (ms, s, m, h), such as --%s 5m or --%s 1h30m", name, name)
		case int, int64, uint, uint64:
			ue.msg = fmt.Sprintf("--%s: %s is not a whole number", name, value)
		default:
			ue.msg = fmt.Sprintf("invalid value %s for --%s: %s", value, name, why)
		}
		return ue
	}
	if m := errSyntax.FindStringSubmatch(msg); m != nil {
		ue.msg = "bad option syntax: " + m[1]
	}
	return ue
}

// secretWays says how cmd does take its secrets.
func secretWays(cmd string) string {
	switch cmd {
	case "add":
		return "use an environment variable (--client-secret-env VAR), --secrets-stdin, or the prompt in a terminal"
	case "init", "passphrase":
		return "pass --passphrase-stdin, set TOKENSCOPE_PASSPHRASE (init), or type it at the prompt in a terminal"
	case "momo-sandbox":
		return "pass --subscription-key-env VAR, pipe the subscription key in, or type it at the prompt in a terminal"
	case "decode":
		return "pipe the token in (… | tokenscope decode), or paste it at the prompt in a terminal"
	}
	return "the store holds them, unlocked with TOKENSCOPE_IDENTITY, TOKENSCOPE_PASSPHRASE or the prompt"
}

// printUsage writes cmd's usage: synopsis, description, options.
func (a *app) printUsage(w io.Writer, cmd command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage:\n    tokenscope %s\n", strings.TrimSpace(cmd.name+" "+cmd.args))
	if cmd.doc != "" {
		fmt.Fprintf(w, "\n%s\n", cmd.doc)
	}
	fmt.Fprintf(w, "\nOptions:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if arg != "" {
			name += " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0s" && f.DefValue != "[]" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "    %s\t%s\n", name, usage)
	})
	fmt.Fprintf(tw, "    -h, --help\tshow this help\n")
	tw.Flush()
}

// pairFlag is a repeatable KEY=VALUE flag; the value may be empty and may
// contain "=", the key may not be empty.
type pairFlag struct {
	keys, values []string
}

func (p *pairFlag) String() string { return strings.Join(p.keys, ",") }

func (p *pairFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return errors.New("want KEY=VALUE")
	}
	p.keys = append(p.keys, strings.TrimSpace(k))
	p.values = append(p.values, v)
	return nil
}

// argCount says how many arguments a command takes at most.
func argCount(name string, n int) string {
	switch n {
	case 0:
		return name + " takes no arguments"
	case 1:
		return name + " takes one argument"
	}
	return fmt.Sprintf("%s takes at most %d arguments", name, n)
}
