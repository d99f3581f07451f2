package demo

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The plain OAuth 2.0 server's authorization code grant, for a public
// client (RFC 6749 §4.1 with RFC 7636 PKCE, as RFC 8252 asks of native
// apps): its authorization page, served by the server itself, has a "Sign
// in as demo" button that sends the browser back to the client's loopback
// redirect URI with a code. The token endpoint redeems a code once, within
// codeLifetime, only with the redirect_uri of its authorization request
// and a code_verifier whose S256 challenge was sent there.

// oauth2PublicClientID is the demo's public client: it has no secret.
const oauth2PublicClientID = "tokenscope-demo-public"

// codeLifetime is how long an authorization code may be redeemed.
const codeLifetime = time.Minute

// authCode is what the server knows of one code it issued.
type authCode struct {
	clientID, redirectURI, challenge, scope string
	// nonce is the authorization request's, for the ID token.
	nonce   string
	expires time.Time
}

// codeStore holds the codes not yet redeemed. It is safe for concurrent use.
type codeStore struct {
	mu    sync.Mutex
	codes map[string]authCode
}

func newCodeStore() *codeStore { return &codeStore{codes: map[string]authCode{}} }

func (c *codeStore) issue(code string, a authCode, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.codes) >= maxTokens {
		for k, v := range c.codes {
			if !now.Before(v.expires) {
				delete(c.codes, k)
			}
		}
	}
	c.codes[code] = a
}

// use takes a code: good once, whatever the outcome (RFC 6749 §4.1.2).
func (c *codeStore) use(code string, now time.Time) (authCode, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.codes[code]
	delete(c.codes, code)
	return a, ok && now.Before(a.expires)
}

// authorizeRequest checks an authorization request's parameters (from the
// query of the GET, or the form of the button's POST). It answers the
// refusal itself, as a page: an authorization server never redirects to a
// redirect URI it has not checked (RFC 6749 §4.1.2.1).
func authorizeRequest(w http.ResponseWriter, v url.Values) bool {
	refuse := func(why string) bool {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "<!doctype html><title>demo: bad request</title><h1>Bad authorization request</h1><p>%s</p>", html.EscapeString(why))
		return false
	}
	switch {
	case v.Get("client_id") != oauth2PublicClientID:
		return refuse("unknown client_id (the demo's public client is " + oauth2PublicClientID + ")")
	case !loopbackURI(v.Get("redirect_uri")):
		return refuse("redirect_uri must be http on the loopback interface (RFC 8252 section 7.3)")
	case v.Get("response_type") != "code":
		return refuse("response_type must be code")
	case v.Get("code_challenge") == "" || v.Get("code_challenge_method") != "S256":
		return refuse("this server requires PKCE with code_challenge_method=S256 (RFC 7636)")
	case v.Get("state") == "":
		return refuse("state is required by this server")
	}
	return true
}

// loopbackURI reports whether raw is an http URI on 127.0.0.1, [::1] or localhost.
func loopbackURI(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Fragment != "" {
		return false
	}
	if strings.EqualFold(u.Hostname(), "localhost") {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// oauth2Authorize is the authorization endpoint: GET shows the sign-in
// page, the page's POST signs in (or cancels) and redirects.
func (s *Server) oauth2Authorize(x *exchange) {
	switch x.r.Method {
	case http.MethodGet:
		q := queryOf(x)
		if !authorizeRequest(x.w, q) {
			return
		}
		s.signInPage(x.w, q)
	case http.MethodPost:
		form, ok := formOf(x)
		if !ok || !authorizeRequest(x.w, form) {
			return
		}
		back, _ := url.Parse(form.Get("redirect_uri"))
		v := back.Query()
		v.Set("state", form.Get("state"))
		if form.Get("action") != "allow" {
			v.Set("error", "access_denied")
			v.Set("error_description", "the demo user cancelled the sign-in")
		} else {
			scope, ok := grantedScope(form.Get("scope"))
			if !ok {
				v.Set("error", "invalid_scope")
				v.Set("error_description", "scope "+form.Get("scope")+" is not granted")
			} else {
				code := opaque(32)
				s.codes.issue(code, authCode{clientID: form.Get("client_id"), redirectURI: form.Get("redirect_uri"),
					challenge: form.Get("code_challenge"), scope: scope, nonce: form.Get("nonce"),
					expires: x.now.Add(codeLifetime)}, x.now)
				v.Set("code", code)
			}
		}
		v.Set("iss", s.oauth2Issuer()) // RFC 9207
		back.RawQuery = v.Encode()
		x.w.Header().Set("Cache-Control", "no-store")
		http.Redirect(x.w, x.r, back.String(), http.StatusFound)
	default:
		x.w.Header().Set("Allow", "GET, POST")
		http.Error(x.w, "use GET or POST", http.StatusMethodNotAllowed)
	}
}

// grantedScope is the scope a sign-in grants: the one asked for when the
// server grants all of it, else none.
func grantedScope(asked string) (string, bool) {
	scopes := strings.Fields(asked)
	if len(scopes) == 0 {
		return oauth2Scopes()[0], true
	}
	for _, sc := range scopes {
		found := false
		for _, a := range oauth2Scopes() {
			found = found || a == sc
		}
		if !found {
			return "", false
		}
	}
	return strings.Join(scopes, " "), true
}

// signInPage is the demo's sign-in page: the request's parameters as
// hidden fields of a form with two buttons.
func (s *Server) signInPage(w http.ResponseWriter, q url.Values) {
	var hidden strings.Builder
	for _, k := range []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "nonce"} {
		fmt.Fprintf(&hidden, `<input type="hidden" name="%s" value="%s">`, k, html.EscapeString(q.Get(k)))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	fmt.Fprintf(w, `<!doctype html><html lang="en"><meta charset="utf-8"><title>tokenscope demo: sign in</title>`+
		`<body style="font-family:system-ui,sans-serif;margin:4em auto;max-width:36em">`+
		`<h1>tokenscope demo server</h1><p><b>%s</b> asks to sign you in with scope <code>%s</code>.</p>`+
		`<form method="post" action="%s">%s`+
		`<button type="submit" name="action" value="allow">Sign in as demo</button> `+
		`<button type="submit" name="action" value="deny">Cancel</button></form></body></html>`,
		html.EscapeString(q.Get("client_id")), html.EscapeString(q.Get("scope")),
		html.EscapeString(s.oauth2Issuer()+"/authorize"), hidden.String())
}

// oauth2RedeemCode is the token endpoint's authorization_code grant, for
// the public client that authenticated with its client_id alone.
func (s *Server) oauth2RedeemCode(x *exchange, form url.Values, clientID string) {
	w := x.w
	code := form.Get("code")
	if code == "" {
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request", "code is required"))
		return
	}
	a, ok := s.codes.use(code, x.now)
	switch {
	case !ok:
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_grant", "the code is invalid, expired or already used"))
		return
	case a.clientID != clientID:
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_grant", "the code was issued to another client"))
		return
	case form.Get("redirect_uri") != a.redirectURI:
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_grant",
			"redirect_uri differs from the authorization request's (RFC 6749 section 4.1.3)"))
		return
	case form.Get("code_verifier") == "":
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_grant", "code_verifier is required (RFC 7636 section 4.5)"))
		return
	}
	sum := sha256.Sum256([]byte(form.Get("code_verifier")))
	if subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(a.challenge)) != 1 {
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_grant", "code_verifier does not match the code_challenge"))
		return
	}
	rt := opaque(43)
	s.store.issueRefresh(rt, grant{dialect: dialectOAuth2, clientID: clientID, subject: oauth2Username, scope: a.scope,
		expires: x.now.Add(oauth2RefreshLifetime)})
	life := s.lifetime(1, 3)
	g := grant{dialect: dialectOAuth2, clientID: clientID, subject: oauth2Username, scope: a.scope,
		expires: x.now.Add(life), refresh: rt}
	at, err := s.oauth2AccessToken(g, x.now)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, rfcError("server_error", "cannot sign the token"))
		return
	}
	id, err := s.oauth2IDToken(clientID, at, a.nonce, x.now, g.expires)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, rfcError("server_error", "cannot sign the token"))
		return
	}
	s.store.issue(at, g, x.now)
	writeToken(w, object{{"access_token", at}, {"token_type", "Bearer"}, {"expires_in", int64(life / time.Second)},
		{"refresh_token", rt}, {"scope", a.scope}, {"id_token", id}})
}
