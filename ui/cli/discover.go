package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// cmdDiscover is "tokenscope discover ISSUER": the issuer's metadata,
// fetched without the store.
func (a *app) cmdDiscover(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	asJSON := fs.Bool("json", false, "print the metadata as JSON, with where and when it was fetched")
	trace := fs.Bool("trace", false, "write the HTTP exchange to standard error")
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	issuer := pos[0]
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
