package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// introspectView is introspect --json: the answer's members in the order
// the server wrote them, beside what was asked.
type introspectView struct {
	Provider      string `json:"provider"`
	TokenTypeHint string `json:"token_type_hint"`
	Active        bool   `json:"active"`
	Claims        object `json:"claims"`
}

// cmdIntrospect is "tokenscope introspect NAME": what the provider's RFC
// 7662 endpoint says of its stored access token (or refresh token). The
// token is not renewed first: the question is about the one held.
func (a *app) cmdIntrospect(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	asJSON := fs.Bool("json", false, "print {provider, token_type_hint, active, claims} as JSON")
	refresh := fs.Bool("refresh-token", false, "ask about the refresh token instead of the access token")
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
	c := a.client(*trace)
	r, tok, err := c.Resolve(ctx, v, name)
	if err != nil {
		return err
	}
	a.noteDiscovery(name, r)
	p := r.Provider
	switch {
	case p.IntrospectionURL == "":
		return withHint(fmt.Errorf("%s has no introspection endpoint", name),
			"set its introspection_url (tokenscope add "+name+" … --introspection-url URL --replace), or an issuer whose metadata lists one")
	case tok == nil || tok.AccessToken == "":
		return withHint(fmt.Errorf("%s has no token to introspect", name), "get one first: tokenscope token "+name)
	case *refresh && tok.RefreshToken == "":
		return fmt.Errorf("%s has no refresh token to introspect", name)
	}
	in, err := c.Introspect(ctx, p, tok, *refresh)
	if err != nil {
		return err
	}
	if *asJSON {
		err = writeJSON(a.stdout, introspectView{Provider: name, TokenTypeHint: in.Hint, Active: in.Active, Claims: object(in.Claims)})
	} else {
		err = a.printIntrospection(in, time.Now())
	}
	if err != nil {
		return err
	}
	if !in.Active {
		what := "access token"
		if *refresh {
			what = "refresh token"
		}
		return withHint(fmt.Errorf("the %s of %s is not active: the introspection endpoint says it is expired, revoked, or not one it knows", what, name),
			"get a new one: tokenscope refresh "+name)
	}
	return nil
}

// printIntrospection writes active and each claim on a line of its own,
// aligned; a NumericDate as local time and how far off it is.
func (a *app) printIntrospection(in *oauth.Introspection, now time.Time) error {
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "active\t%t\n", in.Active)
	for _, c := range in.Claims {
		fmt.Fprintf(tw, "%s\t%s\n", display.Text(c.Key), claimText(c, now))
	}
	return tw.Flush()
}

// claimText is a claim's value for a line: a string without its quotes,
// a time in local time, anything else as compact JSON, all through
// display.Text.
func claimText(c providers.Field, now time.Time) string {
	if oauth.TimeClaim(c.Key) {
		if t, ok := c.Time(); ok {
			return display.Time(t) + " (" + display.Relative(now, t) + ")"
		}
	}
	if s, ok := c.Text(); ok {
		return display.Text(s)
	}
	return display.JSON(strings.TrimSpace(string(c.Value)))
}

// cmdUserinfo is "tokenscope userinfo NAME": the OpenID Connect userinfo
// endpoint's answer about the access token's user, pretty-printed JSON,
// the token renewed first as header renews it.
func (a *app) cmdUserinfo(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	var f ensureFlags
	f.register(fs)
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	name := pos[0]
	p, tok, err := a.ensure(ctx, cmd.name, name, f)
	if err != nil {
		return err
	}
	if p.UserinfoURL == "" {
		return withHint(fmt.Errorf("%s has no userinfo endpoint", name),
			"set its userinfo_url (tokenscope add "+name+" … --userinfo-url URL --replace), or an issuer whose metadata lists one")
	}
	// A 401's hint (the engine's) says to get a new token.
	u, err := a.client(f.trace).Userinfo(ctx, p, tok)
	if err != nil {
		return err
	}
	return writeIndented(a, u.Body)
}

// writeIndented writes a JSON object indented, escaped by display.Quoted.
func writeIndented(a *app, body []byte) error {
	var v json.RawMessage = body
	return writeJSON(a.stdout, v)
}
