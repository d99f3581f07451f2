package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/browser"
)

// loginDevice is login on a device_code provider (RFC 8628): it asks for
// the codes, shows the person where to go and what to type (a QR code of
// the page with the code filled in when standard error is a terminal),
// opens that page unless noBrowser, and polls until the person approves
// or refuses, the device code expires, timeout (when given) runs out or
// the user interrupts.
func (a *app) loginDevice(ctx context.Context, v *store.Vault, p providers.Provider, noBrowser, trace bool, timeout time.Duration) error {
	name := p.Name
	c := a.client(trace)
	if p.Issuer != "" {
		// The device authorization endpoint may be the metadata's,
		// discovered on first use.
		r, _, err := c.Resolve(ctx, v, name)
		if err != nil {
			return err
		}
		a.noteDiscovery(name, r)
		p = r.Provider
	}
	da, err := c.StartDevice(ctx, p)
	if err != nil {
		if ctx.Err() != nil {
			return &interruptError{outcome: "no login, nothing stored"}
		}
		return err
	}
	open := da.VerificationURI
	fmt.Fprintf(a.stderr, "to sign in, open this URL on any device:\n%s\nand enter the code: %s\n",
		display.Text(da.VerificationURI), display.Text(da.UserCode))
	if da.VerificationURIComplete != "" {
		open = da.VerificationURIComplete
		fmt.Fprintf(a.stderr, "or open this URL, the code filled in:\n%s\n", display.Text(da.VerificationURIComplete))
	}
	if a.hooks.isTerminal(a.stderr) {
		writeQR(a.stderr, open)
	}
	if !noBrowser {
		if err := browser.Open(a.getenv, open); err != nil && !errors.Is(err, browser.ErrNoDisplay) {
			a.warnf("%v: open the URL yourself", err)
		}
	}
	left := ""
	switch in := display.Duration(time.Until(da.Expires).Round(time.Second)); {
	case da.Expires.IsZero():
	case da.ExpiryAssumed:
		left = " (the server gave no expiry: giving up in " + in + ")"
	default:
		left = " (the code expires in " + in + ")"
	}
	fmt.Fprintf(a.stderr, "waiting for the sign-in to be approved%s…\n", left)
	wait, cancel := ctx, context.CancelFunc(func() {})
	if timeout > 0 {
		wait, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	out, err := c.DeviceLogin(wait, v, name, da)
	switch {
	case err != nil && ctx.Err() != nil:
		return &interruptError{outcome: "no login, nothing stored"}
	case err != nil && wait.Err() != nil:
		return withHint(fmt.Errorf("login %s: not approved within %s: nothing stored", name, timeout),
			"run it again, and approve the sign-in before --timeout runs out")
	case err != nil:
		return err
	}
	a.warnIssued(name, out.Token)
	a.printf("logged in to %s, %s", name, validity(out.Token, time.Now()))
	return nil
}

// writeQR draws u as a QR code, two rows of modules to a line of
// half-block characters, the light modules drawn (a dark terminal's
// background is the dark modules), with its quiet zone around it. A URL
// too long for a QR code is simply not drawn: the printed URL is enough.
func writeQR(w io.Writer, u string) {
	q, err := qrcode.New(u, qrcode.Low)
	if err != nil {
		return
	}
	_, _ = io.WriteString(w, q.ToSmallString(false))
}
