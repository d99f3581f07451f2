package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/ui/browser"
)

// defaultLoginTimeout is how long login waits for the browser.
const defaultLoginTimeout = 5 * time.Minute

// loginDoc is login's --help text.
const loginDoc = "Signs in to NAME, an authorization_code provider, in a browser (RFC 8252): listens on\n" +
	"its redirect_uri (http://127.0.0.1:<a free port>/callback unless it sets one), prints the\n" +
	"authorization URL to standard error, opens it ($BROWSER, else the system's opener; not\n" +
	"with --no-browser or without a display), waits for the callback, checks its state and\n" +
	"redeems the code with the PKCE verifier. The token is stored, and refreshed like any\n" +
	"other with its refresh token. In a terminal you may instead paste the URL the browser\n" +
	"was sent back to (a browser on another machine):\n\n" +
	"    tokenscope login github-app --no-browser\n\n" +
	"On a device_code provider (RFC 8628) it asks for a user code, prints the verification\n" +
	"URL and the code (with a QR code of the URL when standard error is a terminal), opens\n" +
	"the URL unless --no-browser, and polls at the server's interval until the sign-in is\n" +
	"approved on any device, refused, or the code expires (or --timeout, when given); a\n" +
	"server that gives the code no expiry is given up on after 15m."

// cmdLogin is "tokenscope login NAME".
func (a *app) cmdLogin(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	noBrowser := fs.Bool("no-browser", false, "print the URL only; do not open a browser")
	timeout := fs.Duration("timeout", defaultLoginTimeout, "give up when no callback came within `DURATION`")
	trace := fs.Bool("trace", false, "write the code exchange to standard error, secrets masked")
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	if *timeout <= 0 {
		return &usageError{cmd: cmd.name, msg: "--timeout must be positive"}
	}
	name := pos[0]
	v, p, _, err := a.provider(ctx, name)
	if err != nil {
		return err
	}
	if p.Grant.Device() {
		set := false
		fs.Visit(func(f *flag.Flag) { set = set || f.Name == "timeout" })
		if !set {
			*timeout = 0 // the device code's own expiry bounds the wait
		}
		return a.loginDevice(ctx, v, p, *noBrowser, *trace, *timeout)
	}
	if p.Grant != providers.GrantAuthorizationCode {
		return withHint(fmt.Errorf("%s uses the %s grant, which needs no browser login", name, p.Grant),
			"get its token with: tokenscope token "+name)
	}
	redirect := p.RedirectURI
	if redirect == "" {
		redirect = providers.DefaultRedirectURI
	}
	paste := a.interactive()
	var l *oauth.Loopback
	if providers.LoopbackRedirect(redirect) {
		if l, err = oauth.ListenLoopback(redirect); err != nil {
			return withHint(err, "free that port, or set redirect_uri to one the server accepts")
		}
		defer l.Close()
		redirect = l.RedirectURI
	} else if !paste {
		return withHint(fmt.Errorf("redirect_uri %s is not on this machine, and standard input is not a terminal "+
			"to paste the URL the browser is sent to", redirect), "run tokenscope login "+name+" in a terminal")
	}
	if p.Issuer != "" {
		// The authorization endpoint may be the metadata's, discovered
		// once the redirect URI listens (on first use only).
		r, _, err := a.client(*trace).Resolve(ctx, v, name)
		if err != nil {
			return err
		}
		a.noteDiscovery(name, r)
		p = r.Provider
	}
	az, err := oauth.NewAuthorization(p, redirect)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "open this URL to sign in:\n%s\n", display.Text(az.URL))
	if paste {
		fmt.Fprintln(a.stderr, "or paste here the URL the browser was sent back to, then press Enter")
	}
	if !*noBrowser {
		if err := browser.Open(a.getenv, az.URL); err != nil && !errors.Is(err, browser.ErrNoDisplay) {
			a.warnf("%v: open the URL yourself", err)
		}
	}
	wait, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	got := make(chan callback, 1)
	if l != nil {
		go func() {
			cb, err := l.Wait(wait)
			if err == nil {
				got <- callback{query: cb.Query, reply: cb.Reply}
			}
		}()
	}
	if paste {
		go readPasted(a.stdin, got)
	}
	var cb callback
	select {
	case cb = <-got:
	case <-wait.Done():
		if ctx.Err() != nil {
			return &interruptError{outcome: "no login, nothing stored"}
		}
		return withHint(fmt.Errorf("login %s: no callback from the browser within %s: nothing stored", name, *timeout),
			"run it again, and sign in before --timeout runs out")
	}
	code, err := oauth.ParseCallback(cb.query, az.State)
	if err != nil {
		cb.answer(false, err.Error())
		return loginFailed(name, err)
	}
	out, err := a.client(*trace).Login(ctx, v, name, az, code)
	if err != nil {
		cb.answer(false, "tokenscope could not redeem the code: "+err.Error())
		return err
	}
	cb.answer(true, "")
	a.warnIssued(name, out.Token)
	a.printf("logged in to %s, %s", name, validity(out.Token, time.Now()))
	return nil
}

// loginFailed is the error of a callback that is refused.
func loginFailed(name string, err error) error {
	var ce *oauth.CallbackError
	switch {
	case errors.As(err, &ce) && ce.Code == "access_denied":
		return withHint(fmt.Errorf("login %s: %w: nothing stored", name, err),
			"the sign-in was refused or cancelled in the browser: run tokenscope login "+name+" again to retry")
	case errors.Is(err, oauth.ErrStateMismatch):
		return withHint(fmt.Errorf("login %s: %w", name, err),
			"the answer belongs to another login (an old tab?): run tokenscope login "+name+" again")
	}
	return fmt.Errorf("login %s: %w: nothing stored", name, err)
}

// callback is what came back: from the loopback listener (with a page to
// answer the browser with) or pasted (with none).
type callback struct {
	query string
	reply func(ok bool, msg string)
}

func (c callback) answer(ok bool, msg string) {
	if c.reply != nil {
		c.reply(ok, msg)
	}
}

// readPasted hands on the first line pasted that looks like a callback.
func readPasted(r io.Reader, got chan<- callback) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		select {
		case got <- callback{query: line}:
		default:
		}
		return
	}
}
