package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// idTokenView is token --id-token --json: the id_token, its header and
// claims in the order the token has them, and every check's result.
type idTokenView struct {
	Provider string      `json:"provider"`
	IDToken  string      `json:"id_token"`
	Header   object      `json:"header"`
	Claims   object      `json:"claims"`
	Checks   []jwt.Check `json:"checks"`
	Valid    bool        `json:"valid"`
}

// printIDToken is token NAME --id-token: the id_token of tok's token
// response on standard output, each of its checks (OpenID Connect Core
// §3.1.3.7) on standard error, one a line, or all of it as JSON. Any
// failed check makes the command fail, after printing, so that a script
// never takes a token that failed one for a good one.
func (a *app) printIDToken(ctx context.Context, p providers.Provider, tok *providers.Token, asJSON bool) error {
	raw := tok.IDToken()
	if raw == "" {
		return withHint(fmt.Errorf("the token response of %s carried no id_token", p.Name),
			"ask for the openid scope (an OpenID Connect provider), then tokenscope login "+p.Name+" or tokenscope token "+p.Name+" --fresh")
	}
	j, checks := a.checkIDToken(ctx, p, tok, raw)
	if j == nil {
		// Not a JWT: not printed, since it could carry anything.
		return fmt.Errorf("the id_token of %s is not a JWT: %s", p.Name, checks[0].Detail)
	}
	failed := failedChecks(checks)
	if asJSON {
		if err := writeJSON(a.stdout, idTokenView{Provider: p.Name, IDToken: raw, Header: object(j.Header),
			Claims: object(j.Claims), Checks: checks, Valid: len(failed) == 0}); err != nil {
			return err
		}
	} else {
		for _, c := range checks {
			a.printf("id_token %s: %s: %s", c.Name, c.Result, c.Detail)
		}
		if _, err := fmt.Fprintln(a.stdout, raw); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("the id_token of %s failed %s", p.Name, strings.Join(failed, ", "))
	}
	return nil
}

// checkIDToken decodes raw, tok's id_token, and runs every check of it:
// iss against the configured issuer (a provider without one shows it
// unchecked, never passed), the signature against p's JWKS, the nonce
// against the one tok's login sent. The JWT is
// nil when raw is not one, and the one check says why.
func (a *app) checkIDToken(ctx context.Context, p providers.Provider, tok *providers.Token, raw string) (*jwt.JWT, []jwt.Check) {
	return jwt.CheckIDToken(ctx, a.client(false).JWKSClient(p), p.JWKSURL, raw, oauth.IDTokenOptions(p, tok, time.Now()))
}

// failedChecks names the checks that failed.
func failedChecks(checks []jwt.Check) []string {
	var failed []string
	for _, c := range checks {
		if c.Result == jwt.CheckFailed {
			failed = append(failed, c.Name)
		}
	}
	return failed
}
