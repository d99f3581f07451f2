package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/themes"
)

// completeNamesCommand is the hidden command the completion scripts run
// for provider names. It is not in --help, the man page or completion.
const completeNamesCommand = "__complete-names"

// shells are the shells completion writes for.
var shells = []string{"bash", "zsh", "fish"}

// spec is what completion and the man page know of the command line,
// built from the command table and each command's own flag set, so that
// they cannot disagree with --help.
type spec struct {
	root []specFlag
	cmds []specCmd
}

type specCmd struct {
	command
	flags []specFlag
}

type specFlag struct {
	name   string
	arg    string // "" for a boolean flag
	usage  string
	values []string // the values it takes, when they are a fixed few
	names  bool     // it takes a provider's name (decode --provider)
}

func newSpec() spec {
	fs := newFlagSet("tokenscope")
	rootFlags(fs)
	s := spec{root: specFlags(fs)}
	for _, c := range commands() {
		s.cmds = append(s.cmds, specCmd{command: c, flags: specFlags(describe(c))})
	}
	return s
}

func specFlags(fs *flag.FlagSet) []specFlag {
	var out []specFlag
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			arg = ""
		}
		out = append(out, specFlag{name: f.Name, arg: arg, usage: usage, values: flagValues(f.Name), names: f.Name == "provider"})
	})
	return append(out, specFlag{name: "help", usage: "show this help"})
}

// flagValues are the values of the flags that take one of a few.
func flagValues(name string) []string {
	switch name {
	case "preset":
		return providers.PresetNames()
	case "product":
		p, _ := providers.LookupPreset("momo")
		return p.Products
	case "theme":
		return themes.Names()
	case "shell":
		return []string{"sh", "fish"}
	case "sort":
		return listSorts()
	case "grant-type":
		return []string{string(providers.GrantClientCredentials), string(providers.GrantPassword), string(providers.GrantAuthorizationCode), string(providers.GrantDeviceCode)}
	case "grant-in":
		return []string{string(providers.GrantInBody), string(providers.GrantInQuery), string(providers.GrantInNone)}
	case "client-auth":
		return []string{string(providers.AuthBasic), string(providers.AuthBody), string(providers.AuthQuery), string(providers.AuthNone)}
	}
	return nil
}

// cmdCompletion is "tokenscope completion bash|zsh|fish".
func (a *app) cmdCompletion(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	s := newSpec()
	switch pos[0] {
	case "bash":
		return s.bash(a.stdout)
	case "zsh":
		return s.zsh(a.stdout)
	case "fish":
		return s.fish(a.stdout)
	}
	return &usageError{cmd: cmd.name, msg: "completion: unknown shell " + quote(pos[0]) + " (bash, zsh or fish)"}
}

// completeNames is the hidden "tokenscope __complete-names": the
// providers' names, one a line, when the store unlocks without a prompt
// and without the passphrase's KDF (TOKENSCOPE_IDENTITY, a running agent,
// the keyring);
// else nothing. It never fails: a completion has nowhere to say why.
func (a *app) completeNames(args []string) error {
	if len(args) > 0 {
		return nil
	}
	dir, err := a.storeDir()
	if err != nil || !store.Exists(dir) {
		return nil
	}
	// TOKENSCOPE_PASSPHRASE would cost the KDF on every Tab; a running
	// agent, the identity and the keyring do not. Nothing is said.
	quiet := newApp(strings.NewReader(""), io.Discard, io.Discard, func(k string) string {
		if k == "TOKENSCOPE_PASSPHRASE" {
			return ""
		}
		return a.getenv(k)
	}, hooks{})
	v, err := quiet.openEnv(dir)
	if err != nil {
		return nil
	}
	pl, err := v.Load()
	if err != nil {
		return nil
	}
	for _, e := range pl.Providers {
		fmt.Fprintln(a.stdout, display.Text(e.Provider.Name))
	}
	return nil
}

// words joins names for a shell word list.
func words(ws []string) string { return strings.Join(ws, " ") }

func (s spec) commandNames() []string {
	names := make([]string, 0, len(s.cmds)+1)
	for _, c := range s.cmds {
		names = append(names, c.name)
	}
	return append(names, "help")
}

func flagNames(fs []specFlag) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = "--" + f.name
	}
	return out
}

// bash writes the bash completion script.
func (s spec) bash(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`# bash completion for tokenscope (tokenscope completion bash)
_tokenscope_names() {
    "${COMP_WORDS[0]}" ` + completeNamesCommand + ` 2>/dev/null
}

_tokenscope() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmd=${COMP_WORDS[1]} i
    COMPREPLY=()
    if (( COMP_CWORD == 1 )) || [[ $cmd == -* ]]; then
        case $prev in
`)
	for _, f := range s.root {
		if f.arg != "" {
			fmt.Fprintf(&b, "        %s\n", bashFlagValue(f))
		}
	}
	fmt.Fprintf(&b, `        esac
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W '%s' -- "$cur"))
        elif (( COMP_CWORD == 1 )); then
            COMPREPLY=($(compgen -W '%s' -- "$cur"))
        fi
        return
    fi
    case $cmd in
`, words(flagNames(s.root)), words(s.commandNames()))
	for _, c := range s.cmds {
		fmt.Fprintf(&b, "    %s)\n", c.name)
		if c.name == "exec" {
			b.WriteString(`        for (( i = 2; i < COMP_CWORD; i++ )); do
            if [[ ${COMP_WORDS[i]} == -- ]]; then
                if (( i == COMP_CWORD - 1 )); then
                    COMPREPLY=($(compgen -c -- "$cur"))
                else
                    COMPREPLY=($(compgen -f -- "$cur"))
                fi
                return
            fi
        done
`)
		}
		b.WriteString("        case $prev in\n")
		for _, f := range c.flags {
			if f.arg != "" {
				fmt.Fprintf(&b, "        %s\n", bashFlagValue(f))
			}
		}
		fmt.Fprintf(&b, "        esac\n        if [[ $cur == -* ]]; then\n            COMPREPLY=($(compgen -W '%s' -- \"$cur\"))\n", words(flagNames(c.flags)))
		switch {
		case c.operand == operandProvider:
			b.WriteString("        else\n            COMPREPLY=($(compgen -W \"$(_tokenscope_names)\" -- \"$cur\"))\n")
		case c.operand == operandFile:
			b.WriteString("        else\n            compopt -o filenames 2>/dev/null\n            COMPREPLY=($(compgen -f -- \"$cur\"))\n")
		case len(c.words) > 0:
			fmt.Fprintf(&b, "        else\n            COMPREPLY=($(compgen -W '%s' -- \"$cur\"))\n", words(c.words))
		}
		b.WriteString("        fi\n        ;;\n")
	}
	fmt.Fprintf(&b, `    help)
        COMPREPLY=($(compgen -W '%s' -- "$cur"))
        ;;
    esac
}
complete -F _tokenscope tokenscope
`, words(s.commandNames()))
	_, err := io.WriteString(w, b.String())
	return err
}

// bashFlagValue is the case arm that completes f's value.
func bashFlagValue(f specFlag) string {
	if f.names {
		return fmt.Sprintf(`--%s) COMPREPLY=($(compgen -W "$(_tokenscope_names)" -- "$cur")); return ;;`, f.name)
	}
	return fmt.Sprintf(`--%s) COMPREPLY=($(compgen -W '%s' -- "$cur")); return ;;`, f.name, words(f.values))
}

// zshQuote makes s a zsh single-quoted word's inside.
func zshQuote(s string) string { return strings.ReplaceAll(s, "'", `'\''`) }

// zshDesc makes s fit an _arguments description in [brackets].
func zshDesc(s string) string {
	return zshQuote(strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, ":", `\:`).Replace(s))
}

// zshFlag is one _arguments spec for f.
func zshFlag(f specFlag) string {
	spec := "--" + f.name + "[" + zshDesc(f.usage) + "]"
	if f.arg != "" {
		action := " "
		if f.names {
			action = "_tokenscope_names"
		} else if len(f.values) > 0 {
			action = "(" + words(f.values) + ")"
		}
		spec += ":" + zshDesc(f.arg) + ":" + action
	}
	return "'" + spec + "'"
}

// zsh writes the zsh completion script (a #compdef function file).
func (s spec) zsh(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`#compdef tokenscope
# zsh completion for tokenscope (tokenscope completion zsh)

_tokenscope_names() {
    local -a names
    names=(${(f)"$(_call_program names tokenscope ` + completeNamesCommand + ` 2>/dev/null)"})
    compadd -a names
}

_tokenscope() {
    local curcontext=$curcontext state line
    local -a commands
    commands=(
`)
	for _, c := range s.cmds {
		fmt.Fprintf(&b, "        '%s:%s'\n", c.name, zshQuote(strings.ReplaceAll(c.summary, ":", `\:`)))
	}
	b.WriteString("        'help:show the help of tokenscope or of a command'\n    )\n    _arguments -C \\\n")
	for _, f := range s.root {
		fmt.Fprintf(&b, "        %s \\\n", zshFlag(f))
	}
	b.WriteString(`        '1: :->command' \
        '*:: :->args'
    case $state in
    command)
        _describe -t commands 'tokenscope command' commands
        ;;
    args)
        case $words[1] in
`)
	for _, c := range s.cmds {
		fmt.Fprintf(&b, "        %s)\n            _arguments \\\n", c.name)
		for _, f := range c.flags {
			fmt.Fprintf(&b, "                %s \\\n", zshFlag(f))
		}
		switch {
		case c.name == "exec":
			b.WriteString("                '1:provider:_tokenscope_names' \\\n                '2:end of options:(--)' \\\n                '*:::command:_normal'\n")
		case c.operand == operandProvider:
			b.WriteString("                '1:provider:_tokenscope_names'\n")
		case c.operand == operandFile:
			b.WriteString("                '1:file:_files'\n")
		case len(c.words) > 0:
			fmt.Fprintf(&b, "                '1:%s:(%s)'\n", c.name, words(c.words))
		default:
			b.WriteString("                '*: :'\n")
		}
		b.WriteString("            ;;\n")
	}
	b.WriteString(`        help)
            _describe -t commands 'tokenscope command' commands
            ;;
        esac
        ;;
    esac
}

_tokenscope "$@"
`)
	_, err := io.WriteString(w, b.String())
	return err
}

// fish writes the fish completion script.
func (s spec) fish(w io.Writer) error {
	var b strings.Builder
	b.WriteString(`# fish completion for tokenscope (tokenscope completion fish)
function __tokenscope_needs_command
    test (count (commandline -opc)) -eq 1
end
function __tokenscope_using
    set -l words (commandline -opc)
    test (count $words) -gt 1; and test $words[2] = $argv[1]
end
function __tokenscope_names
    set -l words (commandline -opc)
    $words[1] ` + completeNamesCommand + ` 2>/dev/null
end
function __tokenscope_after_dashdash
    contains -- -- (commandline -opc)
end
function __tokenscope_child
    set -l words (commandline -opc) (commandline -ct)
    set -l i (contains -i -- -- $words)
    complete --do-complete=(string join ' ' -- (string escape -- $words[(math $i + 1)..-1]))
end
complete -c tokenscope -f
`)
	for _, f := range s.root {
		fmt.Fprintf(&b, "complete -c tokenscope -n __tokenscope_needs_command -l %s%s -d %s\n", f.name, fishArg(f), fishQuote(f.usage))
	}
	for _, c := range s.cmds {
		fmt.Fprintf(&b, "complete -c tokenscope -n __tokenscope_needs_command -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	b.WriteString("complete -c tokenscope -n __tokenscope_needs_command -a help -d 'show the help of tokenscope or of a command'\n")
	for _, c := range s.cmds {
		cond := fishQuote("__tokenscope_using " + c.name)
		if c.name == "exec" {
			// After --, CMD and its arguments complete as a command line.
			fmt.Fprintf(&b, "complete -c tokenscope -n %s -x -a '(__tokenscope_child)'\n",
				fishQuote("__tokenscope_using exec; and __tokenscope_after_dashdash"))
			cond = fishQuote("__tokenscope_using exec; and not __tokenscope_after_dashdash")
		}
		for _, f := range c.flags {
			fmt.Fprintf(&b, "complete -c tokenscope -n %s -l %s%s -d %s\n", cond, f.name, fishArg(f), fishQuote(f.usage))
		}
		switch {
		case c.operand == operandProvider:
			fmt.Fprintf(&b, "complete -c tokenscope -n %s -a '(__tokenscope_names)'\n", cond)
		case c.operand == operandFile:
			fmt.Fprintf(&b, "complete -c tokenscope -n %s -F\n", cond)
		case len(c.words) > 0:
			fmt.Fprintf(&b, "complete -c tokenscope -n %s -a %s\n", cond, fishQuote(words(c.words)))
		}
	}
	fmt.Fprintf(&b, "complete -c tokenscope -n %s -a %s\n", fishQuote("__tokenscope_using help"), fishQuote(words(s.commandNames())))
	_, err := io.WriteString(w, b.String())
	return err
}

// fishArg is the -r (and -a VALUES) of a flag that takes a value.
func fishArg(f specFlag) string {
	switch {
	case f.arg == "":
		return ""
	case f.names:
		return " -x -a '(__tokenscope_names)'"
	case len(f.values) > 0:
		return " -x -a " + fishQuote(words(f.values))
	}
	return " -r"
}
