// Package cli is tokenscope's command line. Main parses the arguments,
// runs one command and returns the exit code; it writes data to stdout and
// messages to stderr in age's voice ("tokenscope: error: …", then
// "tokenscope: hint: …" saying what to type next).
//
// It is also the composition root: the one place that reads the process's
// environment, arguments and terminal, and builds from them what the rest
// of the program is handed as values (the store's directory and unlocked
// vault, the engine's client, the explorer's options, a clock). The
// explorer (package ui) reads no environment of its own, and the store's
// errors name no command and no environment variable: the hints that say
// which to use are added here.
//
// Secrets never come from the command line, where shell history and ps
// would keep them: they come from a prompt without echo on the terminal,
// from standard input, or from the environment.
package cli

import (
	"context"
	"flag"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers/config"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/ui"
)

// The exit codes.
const (
	exitOK        = 0
	exitFailure   = 1
	exitUsage     = 2
	exitInterrupt = 130
)

// Main runs tokenscope with args (without the program name) and returns
// its exit code: 0 on success, 1 on a failure, 2 on a usage error and 130
// when interrupted. The version it reports is the module version from the
// build information.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return MainVersion("", args, stdin, stdout, stderr, getenv)
}

// MainVersion is Main for a binary whose version was set at link time
// (main.version); an empty version falls back to the build information.
func MainVersion(version string, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	a := newApp(stdin, stdout, stderr, getenv, defaultHooks())
	a.version = version
	return a.main(ctx, args)
}

// hooks are the parts of the outside world tests replace: the explorer and
// the question whether a stream is a terminal.
type hooks struct {
	// runUI runs the explorer (ui.Run).
	runUI func(ui.Options) error
	// isTerminal reports whether a stream is an interactive terminal.
	isTerminal func(any) bool
	// tty opens the terminal prompts go to.
	tty func() (ttyFiles, error)
	// unsetenv removes a variable from the environment the programs this
	// process starts inherit (os.Unsetenv).
	unsetenv func(string) error
	// referenceID makes the id of a new MoMo sandbox API user
	// (oauth.NewReferenceID).
	referenceID func() (string, error)
}

func defaultHooks() hooks {
	return hooks{runUI: ui.Run, isTerminal: isTerminal, tty: openTTY, unsetenv: os.Unsetenv,
		referenceID: oauth.NewReferenceID}
}

// app is one run of the command line: its streams, its environment and
// what it learnt on the way. Nothing in it outlives Main.
type app struct {
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	getenv  func(string) string
	version string
	hooks   hooks
	// describing makes parse stop a command before it does anything,
	// keeping its flag set in described: how completion and the man page
	// learn every command's options from the code that parses them.
	describing bool
	described  *flag.FlagSet
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, h hooks) *app {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, hooks: h}
}

// main dispatches to the explorer or to one command, and turns the error
// into messages and an exit code.
func (a *app) main(ctx context.Context, args []string) int {
	return a.exit(ctx, a.dispatch(ctx, args))
}

func (a *app) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return a.root(args)
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help":
		return a.help(rest)
	case completeNamesCommand:
		return a.completeNames(rest)
	}
	cmd, ok := lookupCommand(name)
	if !ok {
		return unknownCommand(name)
	}
	return cmd.run(a, ctx, cmd, rest)
}

// help is "tokenscope help [COMMAND]", the same as --help.
func (a *app) help(args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		a.printRootUsage(a.stdout)
		return nil
	}
	if cmd, ok := lookupCommand(args[0]); ok {
		return cmd.run(a, context.Background(), cmd, []string{"--help"})
	}
	return unknownCommand(args[0])
}

// unknownCommand is the usage error for a command that does not exist,
// with the ones it may be a typo of.
func unknownCommand(name string) error {
	names := []string{"help"}
	for _, c := range commands() {
		names = append(names, c.name)
	}
	hint := "run tokenscope --help to see the commands"
	if s := config.Suggest(name, names); len(s) > 0 {
		hint = config.DidYouMean(s)
	}
	return &usageError{msg: "unknown command " + quote(name), hint: hint}
}

// versionString is the line --version prints: the program's name, its
// version, the commit it was built from and the Go that built it, as a bug
// report needs them.
func (a *app) versionString() string {
	bi, _ := debug.ReadBuildInfo()
	return versionLine(a.version, bi)
}

// versionLine is versionString for a link-time version (empty when unset)
// and the build information (nil when the binary has none).
func versionLine(version string, bi *debug.BuildInfo) string {
	goVersion, commit, modified, when := runtime.Version(), "", false, ""
	if bi != nil {
		if version == "" && bi.Main.Version != "" {
			version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			case "vcs.time":
				when = s.Value
			}
		}
	}
	if version == "" || version == "(devel)" {
		version = "devel"
	}
	var b strings.Builder
	b.WriteString("tokenscope " + version)
	switch {
	case commit == "":
		b.WriteString(" (no commit recorded)")
	default:
		if len(commit) > 12 {
			commit = commit[:12]
		}
		b.WriteString(" (commit " + commit)
		if modified {
			b.WriteString(", modified")
		}
		if t, err := time.Parse(time.RFC3339, when); err == nil {
			b.WriteString(", " + t.UTC().Format("2006-01-02"))
		}
		b.WriteString(")")
	}
	b.WriteString(" " + goVersion + " " + runtime.GOOS + "/" + runtime.GOARCH)
	return b.String()
}
