package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// cmdDiscover is "tokenscope discover ISSUER": the issuer's metadata,
// fetched without the store; or "tokenscope discover NAME [--refresh]":
// the metadata the store keeps for provider NAME, fetched (again) and
// kept when there is none or --refresh says so.
func (a *app) cmdDiscover(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	asJSON := fs.Bool("json", false, "print the metadata as JSON, with where and when it was fetched")
	trace := fs.Bool("trace", false, "write the HTTP exchange to standard error")
	refresh := fs.Bool("refresh", false, "fetch provider NAME's metadata again and keep it in the store")
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	issuer := pos[0]
	if !strings.ContainsAny(issuer, ":/") {
		// No provider name holds either.
		return a.discoverProvider(ctx, issuer, *refresh, *trace, *asJSON)
	}
	if *refresh {
		return &usageError{cmd: cmd.name, msg: "--refresh is for a provider NAME: an ISSUER URL is always fetched",
			hint: "tokenscope discover NAME --refresh"}
	}
	if strings.HasPrefix(strings.ToLower(issuer), "http://") {
		a.warnf("%s is plain http: anyone on the path can change its metadata", issuer)
	}
	m, err := a.client(*trace).Discover(ctx, issuer)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(a.stdout, m)
	}
	return a.printMetadata(m)
}

// discoverProvider is "tokenscope discover NAME [--refresh]".
func (a *app) discoverProvider(ctx context.Context, name string, refresh, trace, asJSON bool) error {
	v, p, _, err := a.provider(ctx, name)
	if err != nil {
		if strings.Contains(name, ".") {
			// example.com: a host, perhaps, and no provider's name.
			return withHint(err, "an ISSUER is a URL: tokenscope discover https://"+name)
		}
		return err
	}
	if p.Issuer == "" {
		return withHint(fmt.Errorf("%s has no issuer: its endpoints are its own", name),
			"add one with tokenscope add "+name+" --preset "+p.Preset+" --issuer URL --replace …, "+
				"or see an issuer's metadata with tokenscope discover ISSUER")
	}
	c := a.client(trace)
	var r oauth.Resolved
	if refresh {
		r, err = c.Rediscover(ctx, v, name)
	} else {
		r, _, err = c.Resolve(ctx, v, name)
	}
	if r.Metadata == nil && err != nil {
		return err
	}
	a.noteDiscovery(name, r)
	if !r.Fetched {
		a.printf("%s: the metadata kept since %s (%s); --refresh to fetch it again", name,
			display.Time(r.Metadata.FetchedAt), display.Relative(time.Now(), r.Metadata.FetchedAt))
	}
	if err != nil {
		// Kept all the same: the endpoint that breaks the rules is named.
		defer func() { a.warnf("%s: %v", name, err) }()
	}
	if asJSON {
		return writeJSON(a.stdout, r.Metadata)
	}
	if err := a.printMetadata(r.Metadata); err != nil {
		return err
	}
	if len(r.Discovery.Filled) > 0 {
		fmt.Fprintf(a.stdout, "\nfilled in for %s: %s\n", display.Text(name), strings.Join(r.Discovery.Filled, " "))
	}
	return nil
}

// printMetadata writes m as aligned lines, named as RFC 8414 names them,
// every value the server's text shown through display.Text.
func (a *app) printMetadata(m *oauth.Metadata) error {
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, display.Text(v))
		}
	}
	list := func(k string, vs []string) {
		line(k, strings.Join(vs, " "))
	}
	line("issuer", m.Issuer)
	line("authorization_endpoint", m.AuthorizationEndpoint)
	line("token_endpoint", m.TokenEndpoint)
	line("device_authorization_endpoint", m.DeviceAuthorizationEndpoint)
	line("jwks_uri", m.JWKSURI)
	line("userinfo_endpoint", m.UserinfoEndpoint)
	line("revocation_endpoint", m.RevocationEndpoint)
	line("introspection_endpoint", m.IntrospectionEndpoint)
	line("registration_endpoint", m.RegistrationEndpoint)
	list("grant_types_supported", m.GrantTypesSupported)
	list("response_types_supported", m.ResponseTypesSupported)
	list("token_endpoint_auth_methods_supported", m.TokenEndpointAuthMethodsSupported)
	list("code_challenge_methods_supported", m.CodeChallengeMethodsSupported)
	list("scopes_supported", m.ScopesSupported)
	line("source", m.Source)
	line("fetched", display.Time(m.FetchedAt))
	return tw.Flush()
}
