package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
)

// defaultMinValidity is how long a stored token must still be valid for
// token and header to print it rather than get a new one: long enough
// for the request it is about to be used in.
const defaultMinValidity = 30 * time.Second

// ensureFlags are the options of the commands that print a token.
type ensureFlags struct {
	fresh       bool
	minValidity time.Duration
	trace       bool
	// check, when set, refuses the provider before any request is sent
	// for its token (try: a provider without a try request).
	check func(providers.Provider) error
}

func (f *ensureFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.fresh, "fresh", false, "get a new token even when the stored one is valid")
	fs.DurationVar(&f.minValidity, "min-validity", defaultMinValidity,
		"get a new token when the stored one expires within `DURATION`")
	fs.BoolVar(&f.trace, "trace", false, "write the HTTP exchange to standard error, secrets masked")
}

// The vault is the engine's State.
var _ oauth.State = (*store.Vault)(nil)

// client is the engine, tracing to stderr when asked.
func (a *app) client(trace bool) *oauth.Client {
	o := oauth.Options{}
	if trace {
		o.Trace = a.stderr
	}
	return oauth.NewClient(o)
}

// provider unlocks the store and looks up one provider, warning when it
// is insecure.
func (a *app) provider(ctx context.Context, name string) (*store.Vault, providers.Provider, *providers.Token, error) {
	v, err := a.unlock(ctx)
	if err != nil {
		return nil, providers.Provider{}, nil, err
	}
	p, tok, err := v.Lookup(name)
	if err != nil {
		return nil, providers.Provider{}, nil, err
	}
	a.warnInsecure(p)
	return v, p, tok, nil
}

// ensure returns a token of name valid for the flags' margin, fetching or
// refreshing it (and saving it) only when needed.
func (a *app) ensure(ctx context.Context, cmd, name string, f ensureFlags) (providers.Provider, *providers.Token, error) {
	if f.minValidity < 0 {
		return providers.Provider{}, nil, &usageError{cmd: cmd, msg: "--min-validity cannot be negative"}
	}
	v, p, _, err := a.provider(ctx, name)
	if err != nil {
		return p, nil, err
	}
	if f.check != nil {
		if err := f.check(p); err != nil {
			return p, nil, err
		}
	}
	out, err := a.client(f.trace).Ensure(ctx, v, name, oauth.EnsureOptions{Fresh: f.fresh, MinValidity: f.minValidity})
	// Before the error too: a refusal may be of the client_auth picked.
	a.noteDiscovery(name, out.Resolved)
	if err != nil {
		return p, nil, err
	}
	switch {
	case out.Resolved.Provider.Name != "":
		p = out.Resolved.Provider
	case p.Issuer != "":
		// A cached token: its endpoints (the JWKS --json checks against)
		// from the metadata kept, nothing sent.
		if m, err := v.LookupMetadata(name); err == nil {
			p, _ = p.Discovered(m)
		}
	}
	if f.trace && out.How == oauth.Cached {
		// The trace is empty when no request was sent: say why, or the
		// user is left wondering whether --trace works.
		a.message("trace: ", "%s: cached token used, no request sent (%s); --fresh to fetch", name, validFor(out.Token, time.Now()))
	}
	a.warnIssued(name, out.Token)
	if note := out.Token.LifetimeNote(); note != "" && out.Renewed() {
		a.hintf("%s: %s", name, note)
	}
	return p, out.Token, nil
}

// noteDiscovery says, when r's metadata was fetched on the way, where
// from, and which client_auth it picked.
func (a *app) noteDiscovery(name string, r oauth.Resolved) {
	if !r.Fetched || r.Metadata == nil {
		return
	}
	a.printf("%s: discovered its endpoints at %s", name, r.Metadata.Source)
	if note := r.Note(); note != "" {
		a.printf("%s: %s", name, note)
	}
}

// validFor says how long tok stays valid: "valid 12m 3s more".
func validFor(tok *providers.Token, now time.Time) string {
	if tok.ExpiresAt.IsZero() {
		return "of unknown expiry"
	}
	return "valid " + strings.TrimPrefix(display.Relative(now, tok.ExpiresAt), "in ") + " more"
}

// warnIssued warns when the server issued tok, a JWT, already expired or
// not yet valid: the token is still printed (the user may want to see it),
// but whatever it is used for will likely be refused.
func (a *app) warnIssued(name string, tok *providers.Token) {
	for _, w := range issuedWarnings(tok) {
		a.warnf("%s: %s", name, w.Msg)
	}
}

// issuedWarnings are jwt.CheckIssued's warnings about tok, nil for an
// opaque token, measured from when the answer arrived (tok.Received),
// not from the issued_at the server may have stated.
func issuedWarnings(tok *providers.Token) []jwt.Warning {
	j, err := jwt.Parse(tok.AccessToken.Reveal())
	if err != nil {
		return nil
	}
	return j.CheckIssued(tok.Received(), tok.ClockSkew)
}

// cmdToken is "tokenscope token NAME".
func (a *app) cmdToken(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	var f ensureFlags
	f.register(fs)
	asJSON := fs.Bool("json", false, "print the token with its expiry, scope, extra fields and, for a JWT, its header, claims and signature status")
	idToken := fs.Bool("id-token", false, "print the OpenID Connect id_token instead, each of its checks on standard error (with --json: its claims and checks)")
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, tok, err := a.ensure(ctx, cmd.name, pos[0], f)
	if err != nil {
		return err
	}
	if *idToken {
		return a.printIDToken(ctx, p, tok, *asJSON)
	}
	if *asJSON {
		return a.writeTokenJSON(ctx, p, tok, time.Now())
	}
	if err := printableToken(pos[0], tok); err != nil {
		return err
	}
	_, err = fmt.Fprintln(a.stdout, tok.AccessToken.Reveal())
	return err
}

// printableToken refuses to print a stored token that is not VSCHAR text:
// one received before responses were checked could carry escape sequences
// straight to the terminal.
func printableToken(name string, tok *providers.Token) error {
	if err := tok.Check(); err != nil {
		return withHint(fmt.Errorf("the stored token of %s is not printed: %w", name, err),
			"get a new one: tokenscope token "+name+" --fresh")
	}
	return nil
}

// cmdHeader is "tokenscope header NAME [--all] [--curl]".
func (a *app) cmdHeader(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	var f ensureFlags
	f.register(fs)
	all := fs.Bool("all", false, "also print the other headers an API call needs (MoMo's Ocp-Apim-Subscription-Key and X-Target-Environment, Vodacom's Origin), one a line")
	asCurl := fs.Bool("curl", false, "print the headers as curl -H options, quoted for the shell, on one line")
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	p, tok, err := a.ensure(ctx, cmd.name, pos[0], f)
	if err != nil {
		return err
	}
	if err := printableToken(pos[0], tok); err != nil {
		return err
	}
	// Vodacom presents the session encrypted, derived from the token.
	lines := p.CallHeaders(tok)
	if !*all {
		lines = lines[:1]
	} else if err := safeHeaderLines(p, lines[1:]); err != nil {
		return err
	}
	if *asCurl {
		opts := make([]string, len(lines))
		for i, l := range lines {
			opts[i] = "-H " + posixQuote(l)
		}
		lines = []string{strings.Join(opts, " ")}
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(a.stdout, l); err != nil {
			return err
		}
	}
	return nil
}

// safeHeaderLines refuses p's header lines when one is not plain text (an
// import file's control characters): printed, it would reach the
// terminal, and a header with it the wire.
func safeHeaderLines(p providers.Provider, lines []string) error {
	for _, l := range lines {
		if !display.Safe(l) {
			name, _, _ := strings.Cut(l, ":")
			return withHint(fmt.Errorf("the header %s of %s holds control characters and is not printed", display.Text(name), p.Name),
				"fix it in the providers file and import it again")
		}
	}
	return nil
}

// cmdRefresh is "tokenscope refresh NAME".
func (a *app) cmdRefresh(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	trace := fs.Bool("trace", false, "write the HTTP exchange to standard error, secrets masked")
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	name := pos[0]
	v, _, _, err := a.provider(ctx, name)
	if err != nil {
		return err
	}
	out, err := a.client(*trace).Ensure(ctx, v, name, oauth.EnsureOptions{Renew: true})
	if err != nil {
		return err
	}
	a.noteDiscovery(name, out.Resolved)
	a.warnIssued(name, out.Token)
	how := "a new grant"
	if out.How == oauth.Refreshed || out.How == oauth.Rotated {
		how = "its refresh token"
	}
	a.printf("%s has a new token from %s, %s", name, how, validity(out.Token, time.Now()))
	return nil
}

// validity says until when tok is valid.
func validity(tok *providers.Token, now time.Time) string {
	if tok.ExpiresAt.IsZero() {
		return "of unknown expiry"
	}
	return fmt.Sprintf("valid until %s (%s)", display.Time(tok.ExpiresAt), display.Relative(now, tok.ExpiresAt))
}

// cmdLogout is "tokenscope logout NAME".
func (a *app) cmdLogout(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	trace := fs.Bool("trace", false, "write the HTTP exchange to standard error, secrets masked")
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	name := pos[0]
	v, _, tok, err := a.provider(ctx, name)
	if err != nil {
		return err
	}
	if tok == nil {
		a.printf("%s has no token: nothing to log out", name)
		return nil
	}
	out, err := a.client(*trace).Forget(ctx, v, name)
	if err != nil {
		err = fmt.Errorf("logout %s: %w", name, err)
		// Say the token is gone only when it is: Forget's error may be
		// the local drop failing as well.
		if out.Dropped() {
			return withHint(err, "the token was dropped here all the same, but the provider may accept it until it expires: revoke it there if it must stop working now")
		}
		return err
	}
	switch res := out.Logout; res.Method {
	case providers.LogoutEndpoint:
		a.printf("logged out %s at its logout endpoint (HTTP %d); the token is dropped", name, res.Status)
	case providers.LogoutRevocation:
		a.printf("revoked %s's token at its revocation endpoint (HTTP %d); the token is dropped", name, res.Status)
	default:
		a.printf("dropped %s's token; it has no logout or revocation endpoint, so the provider accepts it until it expires", name)
	}
	return nil
}

// cmdCurl is "tokenscope curl NAME".
func (a *app) cmdCurl(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	v, p, _, err := a.provider(ctx, pos[0])
	if err != nil {
		return err
	}
	if p.Issuer != "" {
		// The command is the token request as it is sent: to the
		// endpoint of the issuer's metadata, discovered if need be.
		r, _, err := a.client(false).Resolve(ctx, v, p.Name)
		if err != nil {
			return err
		}
		a.noteDiscovery(p.Name, r)
		p = r.Provider
	}
	if err := p.CheckShown(); err != nil {
		// A provider stored before the rules: a control character would
		// be pasted into a shell, a password in a URL printed.
		return withHint(fmt.Errorf("curl for %s: %w", pos[0], err),
			"fix the field in the explorer's edit form, or remove the provider and add it again")
	}
	pl, err := v.Load()
	if err != nil {
		return err
	}
	all := make([]providers.Provider, 0, len(pl.Providers))
	for _, e := range pl.Providers {
		all = append(all, e.Provider)
	}
	// The secrets' variables are named as tokenscope export names them, so
	// the variables set for an import serve the curl command as well.
	cmdline := renameVars(oauth.CurlCommand(p), curlVars(p, all))
	_, err = fmt.Fprintln(a.stdout, cmdline)
	return err
}
