package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
)

// command is one subcommand: how it is written, what it is for, and the
// function that parses its flags and runs it.
type command struct {
	name    string
	args    string // the synopsis after the name
	needs   string // what the missing argument is, for "NAME needs …"
	summary string // one line for the command list
	doc     string // what --help says under the synopsis
	// operand is what the command's arguments are, for completion:
	// operandProvider, operandFile, or "" for anything (or nothing); words
	// are the fixed words it takes instead (enable, disable).
	operand string
	words   []string
	run     func(a *app, ctx context.Context, cmd command, args []string) error
}

// The kinds of operand completion offers.
const (
	operandProvider = "provider"
	operandFile     = "file"
)

// commands lists every subcommand, in the order --help shows them.
func commands() []command {
	return []command{
		{name: "init", args: "[--work-factor N] [--passphrase-stdin]", summary: "create the encrypted store",
			doc: "Creates the encrypted store in $TOKENSCOPE_HOME (or tokenscope/ in the user's config\n" +
				"directory), protected by a passphrase: asked twice in a terminal, else taken from\n" +
				"TOKENSCOPE_PASSPHRASE or, with --passphrase-stdin, the first line of standard input.",
			run: (*app).cmdInit},
		{name: "passphrase", args: "[--work-factor N] [--passphrase-stdin]", summary: "change the store's passphrase",
			doc: "Unlocks the store, then wraps its key with a new passphrase: asked twice in a terminal,\n" +
				"or with --passphrase-stdin the first line of standard input. The vault itself is not\n" +
				"rewritten, and TOKENSCOPE_IDENTITY and the keyring keep working.",
			run: (*app).cmdPassphrase},
		{name: "keyring", words: []string{"enable", "disable"}, args: "enable|disable", needs: "enable or disable", summary: "keep the store's key in the OS keyring",
			doc: "enable keeps the store's key in the OS keyring, so tokenscope unlocks without asking;\n" +
				"disable removes it from the keyring and asks for the passphrase again.",
			run: (*app).cmdKeyring},
		{name: "agent", args: "[--lifetime DURATION] | --status | --stop", summary: "unlock once, for the commands that follow",
			doc: agentDoc, run: (*app).cmdAgent},
		{name: "clipboard", words: []string{"off", "default"}, args: "[DURATION|off|default]", summary: "how long copied tokens stay on the clipboard",
			doc: "Without an argument, says how long the explorer leaves a copied token on the system\n" +
				"clipboard before clearing it (unless something else was copied since). DURATION (45s,\n" +
				"2m) sets it, off never clears, default goes back to 30s.",
			run: (*app).cmdClipboard},
		{name: "list", args: "[--json] [--sort name|expiry|status] [--failing]", summary: "list the providers and their tokens",
			doc: "Lists every provider: name, preset, token status and expiry, in the store's order or\n" +
				"with --sort by name, by expiry (soonest first, no expiry last) or by status (failed,\n" +
				"expired, expiring, no token, valid). --failing keeps the providers whose last fetch or\n" +
				"refresh failed.",
			run: (*app).cmdList},
		{name: "add", args: "NAME --preset PRESET [options]", needs: "a provider NAME", summary: "add a provider",
			doc: addDoc(), run: (*app).cmdAdd},
		{name: "momo-sandbox", args: "NAME --product PRODUCT [--callback-host HOST] [--base-url URL] [options]",
			needs: "a provider NAME", summary: "create a MoMo sandbox API user and save it as a provider",
			doc: momoSandboxDoc, run: (*app).cmdMoMoSandbox},
		{name: "remove", operand: operandProvider, args: "NAME", needs: "a provider NAME", summary: "remove a provider with its token",
			doc: "Removes the provider, its token and its history from the store. The token is not\n" +
				"revoked: run tokenscope logout NAME first for that.",
			run: (*app).cmdRemove},
		{name: "import", operand: operandFile, args: "FILE", needs: "a FILE (- for standard input)", summary: "add the providers of a TOML file",
			doc: "Adds the providers of FILE (- for standard input), replacing those of the same name.\n" +
				"Each ${NAME} in the file is read from the environment, so the file holds no secret.",
			run: (*app).cmdImport},
		{name: "export", summary: "print the providers as TOML, without secrets",
			doc: "Prints every provider in the format import reads. Secrets are written as ${NAME}\n" +
				"references to environment variables, listed at the top.",
			run: (*app).cmdExport},
		{name: "token", operand: operandProvider, args: "NAME [--fresh] [--id-token] [--json] [--min-validity DURATION] [--trace]", needs: "a provider NAME",
			summary: "print a provider's access token",
			doc: "Prints NAME's access token, fetching or refreshing it only when the stored one is\n" +
				"missing or valid for less than --min-validity.",
			run: (*app).cmdToken},
		{name: "header", operand: operandProvider, args: "NAME [--all] [--curl] [--fresh] [--min-validity DURATION] [--trace]", needs: "a provider NAME",
			summary: "print an Authorization header",
			doc: "Prints \"Authorization: Bearer TOKEN\" with NAME's access token, as token does. With --all,\n" +
				"also every extra header the provider's API calls need (MoMo's Ocp-Apim-Subscription-Key),\n" +
				"one a line; with --curl, as curl -H options on one line:\n\n" +
				"    eval \"curl $(tokenscope header momo --all --curl) https://…\"",
			run: (*app).cmdHeader},
		{name: "try", operand: operandProvider, args: "NAME [--fresh] [--id-token] [--json] [--min-validity DURATION] [--trace]", needs: "a provider NAME",
			summary: "send the provider's try request with its token",
			doc: "Sends NAME's try request (its try_url, try_method and try_body) with its access token,\n" +
				"renewed first as header renews it. The request and status lines and the response headers\n" +
				"go to standard error, the body to standard output: pretty-printed JSON on a terminal, as\n" +
				"received otherwise. Secrets the answer echoes are masked. Exits 1 when the status is not 2xx.",
			run: (*app).cmdTry},
		{name: "exec", operand: operandProvider, args: "NAME [--fresh] [--min-validity DURATION] [--trace] -- CMD [ARGS…]", needs: "a provider NAME",
			summary: "run a command with the token in its environment",
			doc: "Runs CMD with NAME's access token in its environment, renewed first as header renews it:\n" +
				"TOKEN holds the token and AUTHORIZATION \"Bearer TOKEN\". TOKENSCOPE_IDENTITY and\n" +
				"TOKENSCOPE_PASSPHRASE are not passed on. The command runs as you, so while an agent\n" +
				"runs or the keyring holds the identity it could still run tokenscope itself: exec\n" +
				"keeps a program from other tokens by accident, not a program that means harm.\n" +
				"The exit status is the command's.\n\n" +
				"    tokenscope exec momo -- sh -c 'curl -H \"Authorization: $AUTHORIZATION\" https://…'",
			run: (*app).cmdExec},
		{name: "env", operand: operandProvider, args: "NAME [--shell sh|fish] [--fresh] [--min-validity DURATION] [--trace]", needs: "a provider NAME",
			summary: "print the token as shell variables",
			doc: "Prints NAME's access token as TOKEN and AUTHORIZATION (\"Bearer TOKEN\") assignments,\n" +
				"quoted for the shell, renewed first as header renews it:\n\n" +
				"    eval \"$(tokenscope env momo)\"\n" +
				"    tokenscope env momo --shell fish | source",
			run: (*app).cmdEnv},
		{name: "login", operand: operandProvider, args: "NAME [--no-browser] [--timeout DURATION] [--trace]", needs: "a provider NAME",
			summary: "sign in with a browser (PKCE) or a code on any device", doc: loginDoc, run: (*app).cmdLogin},
		{name: "refresh", operand: operandProvider, args: "NAME [--trace]", needs: "a provider NAME", summary: "get a new token now",
			doc: "Renews NAME's token now: with its refresh token when it has one, else a new grant.",
			run: (*app).cmdRefresh},
		{name: "logout", operand: operandProvider, args: "NAME [--trace]", needs: "a provider NAME", summary: "log out and drop the token",
			doc: "Logs out at the provider's logout endpoint, or revokes the token (RFC 7009), and drops\n" +
				"the token from the store even when the provider refuses.",
			run: (*app).cmdLogout},
		{name: "introspect", operand: operandProvider, args: "NAME [--refresh-token] [--json] [--trace]", needs: "a provider NAME",
			summary: "ask the provider whether its token is active (RFC 7662)",
			doc: "Asks NAME's introspection endpoint (introspection_url, or its issuer's metadata) about\n" +
				"its stored access token, or with --refresh-token its refresh token, the client\n" +
				"authenticated as for its token requests, and prints active and what the server says\n" +
				"of the token (times in local time). The token is not renewed first. Exits 1 when the\n" +
				"server says it is not active:\n\n" +
				"    tokenscope introspect github --json | jq .claims.scope",
			run: (*app).cmdIntrospect},
		{name: "userinfo", operand: operandProvider, args: "NAME [--fresh] [--min-validity DURATION] [--trace]", needs: "a provider NAME",
			summary: "print the OpenID Connect userinfo of the token's user",
			doc: "Calls NAME's userinfo endpoint (userinfo_url, or its issuer's metadata) with its access\n" +
				"token, renewed first as header renews it, and prints the JSON it answers with.",
			run: (*app).cmdUserinfo},
		{name: "decode", args: "[TOKEN|-] [--json] [--check] [--jwks URL|--provider NAME]", summary: "decode a JWT",
			doc: "Decodes a JWT: header, claims, its times in local time, and warnings. The token is read\n" +
				"from standard input when it is - or not given (a prompt without echo in a terminal).\n" +
				"With --jwks URL, or --provider NAME for NAME's jwks_url, it verifies the signature.\n" +
				"With --check it exits 1, saying why, when the token is expired, not yet valid or\n" +
				"unsigned (alg \"none\"), or when a signature it was asked to verify is not verified:\n\n" +
				"    tokenscope token momo | tokenscope decode --check --provider momo",
			run: (*app).cmdDecode},
		{name: "discover", operand: operandProvider, args: "ISSUER|NAME [--refresh] [--json] [--trace]", needs: "an ISSUER URL or a provider NAME",
			summary: "print an issuer's endpoints and methods",
			doc: "Fetches ISSUER's metadata, the OAuth 2.0 authorization server document (RFC 8414) or\n" +
				"else the OpenID Connect discovery document, and prints its endpoints and supported\n" +
				"methods. The document must name ISSUER exactly as given, or it is refused. The store\n" +
				"is not read, so nothing is unlocked:\n\n" +
				"    tokenscope discover https://login.example.com/tenant --json\n\n" +
				"With a provider NAME, prints the metadata the store keeps for its issuer, when it was\n" +
				"fetched and which of its endpoints the metadata fills in; --refresh fetches it again\n" +
				"(a provider with an issuer fetches it on first use by itself).",
			run: (*app).cmdDiscover},
		{name: "curl", operand: operandProvider, args: "NAME", needs: "a provider NAME", summary: "print the token request as curl",
			doc: "Prints NAME's token request as a curl command, its secrets as $VARIABLES named as\n" +
				"tokenscope export names them (MOMO_CLIENT_SECRET), so one set of variables serves both.",
			run: (*app).cmdCurl},
		{name: "completion", args: "bash|zsh|fish", needs: "a shell: bash, zsh or fish", words: shells,
			summary: "print a shell completion script",
			doc: "Prints the completion script for bash, zsh or fish: commands, options, and provider\n" +
				"names when the store unlocks without a prompt (TOKENSCOPE_IDENTITY or the keyring).\n\n" +
				"    tokenscope completion bash > ~/.local/share/bash-completion/completions/tokenscope\n" +
				"    tokenscope completion zsh > \"${fpath[1]}/_tokenscope\"\n" +
				"    tokenscope completion fish > ~/.config/fish/completions/tokenscope.fish",
			run: (*app).cmdCompletion},
		{name: "man", summary: "print the manual page",
			doc: "Prints tokenscope's manual page in roff: tokenscope man | man -l -",
			run: (*app).cmdMan},
	}
}

// lookupCommand finds a subcommand by name.
func lookupCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// printRootUsage writes tokenscope --help.
func (a *app) printRootUsage(w io.Writer) {
	fmt.Fprint(w, `Usage:
    tokenscope [--theme THEME] [--no-renew-on-open] [--no-mouse]
                                         open the explorer
    tokenscope --demo [--theme THEME] [--no-mouse]
                                         open the explorer on a demo server
    tokenscope COMMAND [ARGS]

Commands:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "    %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, `
Options:
    --demo           run against a built-in demo server, with a throwaway store
    --theme THEME    the explorer's colours (remembered in the store)
    --version        print the version
    --no-renew-on-open
                     leave the tokens found expired as they are (the explorer
                     renews them on open, and a copy renews an expired one first)
    --no-mouse       leave the mouse to the terminal, where a drag selects text
                     (with the mouse on, shift+drag selects text in most terminals)
    -h, --help       show this help

The store lives in $TOKENSCOPE_HOME (default: tokenscope/ in the user's config
directory). It unlocks with TOKENSCOPE_IDENTITY, a running tokenscope agent, the OS
keyring (tokenscope keyring enable), TOKENSCOPE_PASSPHRASE, or a prompt.

Run tokenscope COMMAND --help for a command's options.
`)
}
