package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// cmdMan is "tokenscope man": the manual page in roff (man(7)), built
// from the same command table and flag sets as --help.
func (a *app) cmdMan(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	if _, err := a.parse(cmd, fs, args, 0, 0); err != nil {
		return err
	}
	_, err := io.WriteString(a.stdout, newSpec().man())
	return err
}

// roff escapes s for roff text: backslashes, hyphens (which roff would
// otherwise hyphenate and render as a hyphen, not a minus) and a line's
// leading control character.
func roff(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r > 0x7e:
			fmt.Fprintf(&b, `\[u%04X]`, r) // "…" without relying on the reader's input encoding
		default:
			b.WriteRune(r)
		}
	}
	s = b.String()
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffText writes a --help text: paragraphs, and lines indented by four
// spaces (examples) kept as they are.
func roffText(b *strings.Builder, text string) {
	example := false
	for _, l := range strings.Split(text, "\n") {
		switch ex := strings.HasPrefix(l, "    "); {
		case ex && !example:
			b.WriteString(".PP\n.RS 4\n.nf\n")
			example = true
		case !ex && example:
			b.WriteString(".fi\n.RE\n")
			example = false
		}
		switch {
		case example:
			b.WriteString(roff(strings.TrimPrefix(l, "    ")) + "\n")
		case l == "":
			b.WriteString(".PP\n")
		default:
			b.WriteString(roff(l) + "\n")
		}
	}
	if example {
		b.WriteString(".fi\n.RE\n")
	}
}

// roffFlags writes the flags as a tagged list.
func roffFlags(b *strings.Builder, fs []specFlag) {
	for _, f := range fs {
		b.WriteString(".TP\n")
		if f.arg != "" {
			fmt.Fprintf(b, "\\fB\\-\\-%s\\fR \\fI%s\\fR\n", roff(f.name), roff(f.arg))
		} else {
			fmt.Fprintf(b, "\\fB\\-\\-%s\\fR\n", roff(f.name))
		}
		b.WriteString(roff(f.usage) + "\n")
	}
}

// man renders the manual page.
func (s spec) man() string {
	var b strings.Builder
	b.WriteString(`.TH TOKENSCOPE 1 "" "tokenscope" "User Commands"
.SH NAME
tokenscope \- explore, fetch and debug OAuth 2.0 credentials in the terminal
.SH SYNOPSIS
.B tokenscope
[\fB\-\-theme\fR \fITHEME\fR]
.br
.B tokenscope \-\-demo
[\fB\-\-theme\fR \fITHEME\fR]
.br
.B tokenscope
\fICOMMAND\fR [\fIARGS\fR]
.SH DESCRIPTION
Without a command, tokenscope opens the explorer: every provider, its token's countdown,
claims and history, with keys to fetch, refresh, try, copy and log out.
With a command, it runs that one command and exits: data on standard output,
messages on standard error.
.PP
Secrets are never read from the command line: they come from a prompt without echo,
from standard input, or from the environment.
.SH OPTIONS
`)
	roffFlags(&b, s.root)
	b.WriteString(".SH COMMANDS\n")
	for _, c := range s.cmds {
		fmt.Fprintf(&b, ".SS %s\n", roff(strings.TrimSpace(c.name+" "+c.args)))
		if c.doc != "" {
			roffText(&b, c.doc)
		} else {
			b.WriteString(roff(c.summary) + "\n")
		}
		if len(c.flags) > 1 { // more than --help
			b.WriteString(".PP\nOptions:\n.RS 4\n")
			roffFlags(&b, c.flags[:len(c.flags)-1])
			b.WriteString(".RE\n")
		}
	}
	b.WriteString(`.SS help [COMMAND]
Shows the usage of tokenscope, or of COMMAND, as \fB\-\-help\fR does.
.SH ENVIRONMENT
.TP
.B TOKENSCOPE_HOME
The store's directory (default: tokenscope/ in the user's config directory).
.TP
.B TOKENSCOPE_IDENTITY
An AGE\-SECRET\-KEY\-1\&... identity that unlocks the store without a passphrase.
.TP
.B TOKENSCOPE_PASSPHRASE
The store's passphrase, for scripts.
.TP
.B NO_COLOR
Any value turns the explorer's colours off.
.SH EXIT STATUS
.TP
.B 0
Success.
.TP
.B 1
A failure: a refused request, a locked store, an answer other than 2xx from \fBtry\fR.
.TP
.B 2
A usage error.
.TP
.B 130
Interrupted.
.PP
\fBexec\fR exits with its command's status.
.SH SEE ALSO
.BR age (1),
.BR curl (1)
`)
	return b.String()
}
