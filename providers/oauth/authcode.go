package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
)

// opRedeem names the code exchange in errors.
const opRedeem = "redeem authorization code"

// ErrLoginRequired is the reason a provider of an interactive grant
// (authorization_code) has no token to hand out: it has no refresh token,
// or the server refused it, and only a person in a browser gets a new one.
// The *Error that carries it hints "tokenscope login NAME".
var ErrLoginRequired = errors.New("a new token needs a browser login")

// loginHint is what to run for a provider that needs a browser login.
func loginHint(name string) string { return "tokenscope login " + name }

// loginRequired is the error Fetch returns for an interactive provider.
func loginRequired(p providers.Provider) *Error {
	err := ErrLoginRequired
	if p.Grant.Device() {
		err = errDeviceLoginRequired
	}
	return &Error{Op: opFetch, Provider: p.Name, Err: err, Hint: loginHint(p.Name)}
}

// Authorization is one authorization request (RFC 6749 §4.1.1) in flight:
// the URL the browser opens, and what the callback check and the code
// exchange need of it. State, Verifier and Nonce are fresh random values
// of crypto/rand for each login.
type Authorization struct {
	// URL is the whole authorization URL the person opens.
	URL string
	// RedirectURI is the redirect_uri sent, which the code exchange sends
	// again (RFC 6749 §4.1.3).
	RedirectURI string
	// State binds the callback to this request (RFC 6749 §10.12).
	State string
	// Verifier is the PKCE code verifier (RFC 7636 §4.1), "" with pkce off.
	Verifier providers.Secret
	// Nonce binds the ID token to this request (OpenID Connect Core
	// §3.1.2.1): sent when the scope asks for one (openid), "" otherwise.
	// Redeem checks the id_token's nonce claim against it and keeps it
	// with the token for every later check.
	Nonce providers.Secret
}

// NewAuthorization builds p's authorization request with redirectURI, the
// address the login listens on (p's own redirect_uri with the port the
// system picked): response_type=code, client_id, redirect_uri, scope,
// state, the S256 code challenge unless p's pkce is off, a nonce when the
// scope has openid (an ID token may come back), and p's params (audience,
// resource, prompt, login_hint) in name order, after whatever query
// authorization_url already has.
func NewAuthorization(p providers.Provider, redirectURI string) (*Authorization, error) {
	if err := undiscovered(p, opFetch); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.Grant != providers.GrantAuthorizationCode {
		return nil, &providers.FieldError{Field: "grant_type", Msg: fmt.Sprintf("%s uses the %s grant: only an "+
			"authorization_code provider logs in with a browser", p.Name, p.Grant)}
	}
	az := &Authorization{RedirectURI: redirectURI, State: rand.Text()}
	q := form{{key: "response_type", value: "code"}, {key: "client_id", value: p.ClientID},
		{key: "redirect_uri", value: redirectURI}}
	if p.Scope != "" {
		q = append(q, param{key: "scope", value: p.Scope})
	}
	q = append(q, param{key: "state", value: az.State})
	if p.PKCE.Enabled() {
		az.Verifier = providers.Secret(newVerifier())
		q = append(q, param{key: "code_challenge", value: S256Challenge(az.Verifier.Reveal())},
			param{key: "code_challenge_method", value: "S256"})
	}
	if WantsIDToken(p.Scope) {
		az.Nonce = providers.Secret(rand.Text())
		q = append(q, param{key: "nonce", value: az.Nonce.Reveal()})
	}
	for _, k := range p.ParamNames() {
		q = append(q, param{key: k, value: p.Params[k]})
	}
	rq := &request{url: p.AuthorizationURL, query: withoutPresent(q, p.AuthorizationURL)}
	az.URL = rq.fullURL()
	return az, nil
}

// WantsIDToken reports whether scope asks for an OpenID Connect ID token:
// it has the openid scope value (OpenID Connect Core §3.1.2.1; scope
// values are case-sensitive, RFC 6749 §3.3).
func WantsIDToken(scope string) bool {
	for _, s := range strings.Fields(scope) {
		if s == "openid" {
			return true
		}
	}
	return false
}

// newVerifier is a PKCE code verifier: 32 bytes of crypto/rand as
// unpadded base64url, 43 characters, the length RFC 7636 §4.1 recommends
// (as golang.org/x/oauth2's GenerateVerifier).
func newVerifier() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// S256Challenge is the S256 code challenge of verifier (RFC 7636 §4.2):
// BASE64URL(SHA256(verifier)), unpadded.
func S256Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// CallbackError is the authorization server's refusal, as the callback
// carried it (RFC 6749 §4.1.2.1): access_denied when the person said no.
// Its fields are the server's text: show them through display.Text.
type CallbackError struct {
	Code        string
	Description string
	URI         string
}

func (e *CallbackError) Error() string {
	s := "the authorization server answered " + e.Code
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// ErrStateMismatch is a callback whose state is not the login's: another
// login's answer, or a forged one (RFC 6749 §10.12). It is never redeemed.
var ErrStateMismatch = errors.New("the callback's state is not this login's: refused, nothing redeemed")

// ParseCallback reads what came back to the redirect URI: raw is the
// callback's query (a=1&b=2), or the whole URL the browser was sent to as
// a person pastes it, its parameters in the query or, for a server that
// answers with response_mode=fragment, the fragment. The state must be
// wantState, compared before anything else is believed; then an error
// parameter is a *CallbackError, and otherwise the code is returned.
func ParseCallback(raw, wantState string) (code string, err error) {
	raw = strings.TrimSpace(raw)
	query := raw
	if lower := strings.ToLower(raw); strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		// Pasted whole. A query is never taken for a URL, even with an
		// unencoded iss=https://… in it.
		u, err := url.Parse(raw)
		if err != nil {
			return "", errors.New("the pasted text is not a URL")
		}
		query = u.RawQuery
		if query == "" {
			query = u.Fragment
		}
	}
	v, err := url.ParseQuery(query)
	if err != nil {
		return "", errors.New("the callback's parameters are not form-encoded")
	}
	for _, k := range []string{"state", "code", "error"} {
		if len(v[k]) > 1 {
			return "", fmt.Errorf("the callback has %s twice: refused", k)
		}
	}
	if !v.Has("state") && !v.Has("code") && !v.Has("error") {
		return "", errors.New("the callback carries no code, error or state: is it the URL the browser was sent back to?")
	}
	state, hasState := v.Get("state"), v.Has("state")
	if e := v.Get("error"); e != "" && (!hasState || state == wantState) {
		// A refusal without a state is believed: nothing is redeemed on
		// it, and a server that drops state on errors still says why.
		return "", &CallbackError{Code: e, Description: v.Get("error_description"), URI: v.Get("error_uri")}
	}
	if state != wantState || wantState == "" {
		return "", ErrStateMismatch
	}
	code = v.Get("code")
	if code == "" {
		return "", errors.New("the callback has no code")
	}
	return code, nil
}

// Redeem exchanges code for a token (RFC 6749 §4.1.3) as p's token
// requests go: the client authenticated as its client_auth says (a
// public client sends its client_id in the body), redirect_uri and the
// PKCE code_verifier of az. The code, the verifier and the nonce are
// masked in the trace and in errors. A code is good once: the request is
// sent again only when it could not have reached the server (the
// connection was refused), never after a server may have spent the code.
//
// When az sent a nonce, the token keeps it, and an id_token that came
// with the answer must carry it (OpenID Connect Core §3.1.3.7): one
// without it, or with another, is an *Error wrapping ErrNonceMismatch and
// no token is returned, so nothing is stored.
func (c *Client) Redeem(ctx context.Context, p providers.Provider, az *Authorization, code string) (*providers.Token, error) {
	red := newRedactor(p, code, az.Verifier.Reveal(), az.Nonce.Reveal())
	if err := undiscovered(p, opRedeem); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, &Error{Op: opRedeem, Provider: p.Name, Err: err, red: red}
	}
	hdr, err := extraHeaders(p)
	if err != nil {
		return nil, &Error{Op: opRedeem, Provider: p.Name, Err: err, red: red}
	}
	rq := codeRequest(p, az, code, hdr)
	var resp *response
	for attempt := 1; ; attempt++ {
		resp, err = c.send(ctx, p, opRedeem, rq, red, false, false)
		if err == nil || !errors.Is(err, syscall.ECONNREFUSED) || attempt > c.retries() {
			break
		}
		if c.sleep(ctx, jitter(attempt)) != nil {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if resp.status < 200 || resp.status > 299 || refusedIn2xx(resp.body) {
		e := responseError(opRedeem, p, rq, resp, red)
		if strings.EqualFold(e.Code, "invalid_grant") {
			e.Hint = "the code was spent or expired, or the server holds another redirect_uri or PKCE challenge " +
				"for it: run " + loginHint(p.Name) + " again"
		}
		return nil, e
	}
	tok, err := ParseTokenResponseFields(resp.body, resp.header, resp.date, p.Fields())
	if err != nil {
		return nil, unreadableAnswer(opRedeem, p, rq, resp, red, err, notATokenResponse)
	}
	if az.Nonce != "" {
		tok.Nonce = az.Nonce
		if err := checkNonce(tok); err != nil {
			return nil, &Error{Op: opRedeem, Provider: p.Name, Err: err, red: red,
				Hint: "the id_token is not this login's (replayed or injected), or the server does not send the nonce back: " +
					"run " + loginHint(p.Name) + " again"}
		}
	}
	return tok, nil
}

// ErrNonceMismatch is wrapped by the error of a login whose id_token does
// not carry the nonce its authorization request sent: the tokens that
// came with it are refused.
var ErrNonceMismatch = errors.New("the tokens are refused, nothing stored (OpenID Connect Core §3.1.3.7)")

// checkNonce checks the nonce of tok's id_token against tok.Nonce, the
// one the login sent (jwt.CheckNonce). An answer without an id_token has
// nothing to check; one that does not decode is kept, for its checks to
// show the decode failure.
func checkNonce(tok *providers.Token) error {
	raw := tok.IDToken()
	if raw == "" {
		return nil
	}
	j, err := jwt.Parse(raw)
	if err != nil {
		return nil
	}
	if c := jwt.CheckNonce(j, tok.Nonce.Reveal(), false); c.Result == jwt.CheckOK {
		return nil
	}
	why := "the id_token's nonce is not the one this login sent"
	if _, has := j.ClaimsMap["nonce"]; !has {
		why = "the id_token has no nonce, and this login sent one"
	}
	return fmt.Errorf("%s: %w", why, ErrNonceMismatch)
}

// IDTokenOptions is what tok's id_token is checked against
// (jwt.CheckIDToken), p's and tok's parts of it: p's issuer and client
// id, the nonce tok's login sent, whether tok came from a refresh, the
// access token that came with the id_token, and now.
func IDTokenOptions(p providers.Provider, tok *providers.Token, now time.Time) jwt.IDTokenOptions {
	return jwt.IDTokenOptions{Issuer: p.Issuer, ClientID: p.ClientID, Nonce: tok.Nonce.Reveal(), Refreshed: tok.Refreshed,
		AccessToken: tok.AccessToken.Reveal(), Now: now}
}

// codeRequest is the authorization_code token request: grant_type, code,
// redirect_uri, code_verifier, p's params, and the client's credentials
// where p's client_auth puts them.
func codeRequest(p providers.Provider, az *Authorization, code string, hdr form) *request {
	r := &request{method: "POST", url: p.TokenURL, accept: contentJSON, header: hdr, contentType: contentForm}
	r.body = form{{key: "code", value: code, env: envCode}, {key: "redirect_uri", value: az.RedirectURI}}
	if az.Verifier != "" {
		r.body = append(r.body, param{key: "code_verifier", value: az.Verifier.Reveal(), env: envCodeVerifier})
	}
	for _, k := range p.ParamNames() {
		r.body = append(r.body, param{key: k, value: p.Params[k]})
	}
	grant := form{{key: "grant_type", value: string(providers.GrantAuthorizationCode)}}
	grantIn := p.GrantIn
	if grantIn == providers.GrantInNone {
		grantIn = providers.GrantInBody // a code exchange without a grant_type means nothing
	}
	placeCredentials(r, p, grant, grantIn)
	return r
}

// Shell variables for the code exchange's secrets.
const (
	envCode         = "CODE"
	envCodeVerifier = "CODE_VERIFIER"
)
