package providers

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// PKCE is the code challenge method of an authorization code login
// (RFC 7636): S256 unless a server refuses PKCE altogether.
type PKCE string

// The PKCE settings.
const (
	PKCES256 PKCE = "S256"
	PKCEOff  PKCE = "off"
)

// Valid reports whether k is a PKCE setting; "" is valid and means S256.
func (k PKCE) Valid() bool { return k == "" || k == PKCES256 || k == PKCEOff }

// Enabled reports whether a login sends a code challenge.
func (k PKCE) Enabled() bool { return k != PKCEOff }

// DefaultRedirectURI is the redirect URI of a provider that sets none: the
// loopback interface on a port the system picks when the login listens
// (RFC 8252 §7.3), port 0 standing for that port.
const DefaultRedirectURI = "http://127.0.0.1:0/callback"

// LoopbackRedirect reports whether raw is a redirect URI tokenscope can
// listen on itself: http on 127.0.0.1, [::1] or localhost, with a port
// (0 or none for one the system picks).
func LoopbackRedirect(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.User != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkAuthCode checks what the authorization_code grant needs: an
// authorization endpoint without a nonce of its own, a redirect URI that
// is an absolute URL without a fragment (RFC 6749 §3.1.2) and no secret in
// its query, a PKCE setting it knows, and a POST to redeem the code.
func checkAuthCode(p Provider) error {
	if !p.PKCE.Valid() {
		return &FieldError{Field: "pkce", Msg: fmt.Sprintf("unknown pkce %q (S256 or off)", p.PKCE)}
	}
	if p.ClientAuth == AuthNone && p.ClientSecret != "" {
		return &FieldError{Field: "client_secret", Msg: "client_auth none is a public client, which sends no secret: " +
			"remove the client secret or pick basic or body"}
	}
	if p.Grant == GrantAuthorizationCode && p.TokenMethod == MethodGET {
		// The code and its verifier would stand in a URL, kept by proxies and logs.
		return &FieldError{Field: "token_method", Msg: "the authorization_code grant redeems its code with POST, never GET"}
	}
	if err := checkURL("authorization_url", p.AuthorizationURL, p.Grant == GrantAuthorizationCode && p.Issuer == ""); err != nil {
		return err
	}
	if p.Grant == GrantAuthorizationCode {
		// A fixed nonce would replace the login's fresh one on the
		// authorization request, and the ID token's check would compare
		// with a value that was never sent.
		for _, k := range p.ParamNames() {
			if strings.EqualFold(k, "nonce") {
				return &FieldError{Field: "params", Msg: k + " is made by tokenscope login for each login, never a param"}
			}
		}
		if u, err := url.Parse(p.AuthorizationURL); err == nil && u.Query().Has("nonce") {
			return &FieldError{Field: "authorization_url", Msg: "the URL carries nonce in its query: take it out, " +
				"tokenscope login makes a fresh one for each login"}
		}
	}
	if p.RedirectURI == "" {
		return nil
	}
	if err := CheckURL("redirect_uri", p.RedirectURI); err != nil {
		return err
	}
	if strings.Contains(p.RedirectURI, "#") {
		return &FieldError{Field: "redirect_uri", Msg: "a redirect URI has no fragment (RFC 6749 §3.1.2)"}
	}
	return nil
}
