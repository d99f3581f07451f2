package demo

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The plain OAuth 2.0 server follows the RFCs to the letter: RFC 6749 for
// the token endpoint (client authentication by Basic, form-encoded as
// §2.3.1 has it, or in the body, never both and never in the URI), RFC
// 7009 for revocation, RFC 7517 for its JWKS and RFC 6750 for the Bearer
// resource. Access tokens are RS256 JWTs with a kid. Refresh tokens come
// with the password grant (not with client_credentials, §4.4.3) and do not
// rotate, unlike Telenor's.

const dialectOAuth2 = "oauth2"

// oauth2RefreshLifetime is how long a refresh token lives.
const oauth2RefreshLifetime = 24 * time.Hour

// oauth2Audience is the aud of the server's access tokens.
const oauth2Audience = "tokenscope-demo-api"

// oauth2Scopes are the scopes the server grants, the default first;
// openid asks a sign-in for an ID token bound to the request's nonce.
func oauth2Scopes() []string { return []string{"demo.read", "demo.write", "openid"} }

// oauth2Realm is the realm of the server's WWW-Authenticate challenges.
const oauth2Realm = `realm="oauth2-local"`

// oauth2Issuer is the iss of the server's tokens.
func (s *Server) oauth2Issuer() string { return s.url + "/oauth2" }

// oauth2Client authenticates the client of a token or revocation request
// and answers the refusal itself when it fails.
func (s *Server) oauth2Client(x *exchange, form url.Values) (string, bool) {
	w := x.w
	q := queryOf(x)
	if q.Has("client_id") || q.Has("client_secret") {
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request",
			"client credentials must not be sent in the request URI (RFC 6749 section 2.3.1)"))
		return "", false
	}
	id, secret, basic, ok := oauthBasicCredentials(x.r)
	switch {
	case basic && form.Has("client_secret"):
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request",
			"more than one client authentication method (Basic header and client_secret in the body)"))
		return "", false
	case basic && !ok:
		w.Header().Set("WWW-Authenticate", "Basic "+oauth2Realm)
		writeJSON(w, http.StatusUnauthorized, rfcError("invalid_client", "malformed Basic Authorization header"))
		return "", false
	case !basic && form.Get("client_id") == oauth2PublicClientID && !form.Has("client_secret"):
		return oauth2PublicClientID, true // a public client: its client_id alone (RFC 6749 §2.1)
	case !basic:
		id, secret = form.Get("client_id"), form.Get("client_secret")
		if id == "" {
			w.Header().Set("WWW-Authenticate", "Basic "+oauth2Realm)
			writeJSON(w, http.StatusUnauthorized, rfcError("invalid_client", "client authentication required"))
			return "", false
		}
	}
	if id != oauth2ClientID || secret != oauth2ClientSecret {
		if basic {
			w.Header().Set("WWW-Authenticate", "Basic "+oauth2Realm)
		}
		writeJSON(w, http.StatusUnauthorized, rfcError("invalid_client", "Client authentication failed"))
		return "", false
	}
	return id, true
}

// oauth2Caller reads a POSTed form (oauth2Form) and the client it
// authenticates (oauth2Client), as every endpoint a client calls does;
// false when either was refused and answered.
func (s *Server) oauth2Caller(x *exchange) (url.Values, string, bool) {
	form, ok := oauth2Form(x)
	if !ok {
		return nil, "", false
	}
	id, ok := s.oauth2Client(x, form)
	return form, id, ok
}

// oauth2Form reads a POSTed form, answering the refusal itself when the
// request is not one.
func oauth2Form(x *exchange) (url.Values, bool) {
	if x.r.Method != http.MethodPost {
		x.w.Header().Set("Allow", http.MethodPost)
		writeJSON(x.w, http.StatusMethodNotAllowed, rfcError("invalid_request", "use POST"))
		return nil, false
	}
	form, ok := formOf(x)
	if !ok {
		writeJSON(x.w, http.StatusBadRequest, rfcError("invalid_request", "the body must be application/x-www-form-urlencoded"))
		return nil, false
	}
	return form, true
}

// oauth2Token is RFC 6749's token endpoint: client_credentials, password
// and refresh_token grants.
func (s *Server) oauth2Token(x *exchange) {
	w := x.w
	form, id, ok := s.oauth2Caller(x)
	if !ok {
		return
	}
	if q := queryOf(x); q.Has("grant_type") {
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request", "grant_type belongs in the request body, not the URI"))
		return
	}
	if gt := form.Get("grant_type"); gt == "authorization_code" {
		s.oauth2RedeemCode(x, form, id)
		return
	} else if gt == deviceCodeURN {
		s.oauth2DeviceToken(x, form, id)
		return
	} else if id == oauth2PublicClientID && gt != "refresh_token" {
		writeJSON(w, http.StatusBadRequest, rfcError("unauthorized_client", "the public client may use authorization_code, the device grant and refresh_token only"))
		return
	}
	scope, ok := oauth2Scope(x, form.Get("scope"), oauth2Scopes())
	if !ok {
		return
	}
	g := grant{dialect: dialectOAuth2, clientID: id, subject: id, scope: scope}
	var rt string
	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
	case "password":
		if form.Get("username") != oauth2Username || form.Get("password") != oauth2Password {
			writeJSON(w, http.StatusBadRequest, rfcError("invalid_grant", "invalid resource owner credentials"))
			return
		}
		g.subject = oauth2Username
		rt = opaque(43)
		s.store.issueRefresh(rt, grant{dialect: dialectOAuth2, clientID: id, subject: g.subject, scope: scope,
			expires: x.now.Add(oauth2RefreshLifetime)})
	case "refresh_token":
		rt = form.Get("refresh_token")
		old, ok := s.store.useRefresh(dialectOAuth2, id, rt, x.now, false)
		if !ok {
			writeJSON(w, http.StatusBadRequest, rfcError("invalid_grant", "the refresh token is invalid, expired or revoked"))
			return
		}
		// A refresh may narrow the scope, never widen it (§6).
		if scope, ok = oauth2Scope(x, form.Get("scope"), strings.Fields(old.scope)); !ok {
			return
		}
		if form.Get("scope") == "" {
			scope = old.scope
		}
		g.subject, g.scope = old.subject, scope
	case "":
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request", "grant_type is required"))
		return
	default:
		writeJSON(w, http.StatusBadRequest, rfcError("unsupported_grant_type", "grant_type "+gt+" is not supported"))
		return
	}
	life := s.lifetime(1, 3)
	g.expires, g.refresh = x.now.Add(life), rt
	at, err := s.oauth2AccessToken(g, x.now)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, rfcError("server_error", "cannot sign the token"))
		return
	}
	s.store.issue(at, g, x.now)
	answer := object{{"access_token", at}, {"token_type", "Bearer"}, {"expires_in", int64(life / time.Second)}}
	if rt != "" {
		answer = append(answer, member{"refresh_token", rt})
	}
	answer = append(answer, member{"scope", g.scope})
	if id == oauth2PublicClientID {
		// A sign-in's refresh brings a new ID token, without the nonce
		// (OpenID Connect Core §12.2: it should not carry one).
		idt, err := s.oauth2IDToken(id, at, "", x.now, g.expires)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, rfcError("server_error", "cannot sign the token"))
			return
		}
		answer = append(answer, member{"id_token", idt})
	}
	writeToken(w, answer)
}

// oauth2Scope checks the scope asked for against those allowed; an empty
// one gets the first allowed scope.
func oauth2Scope(x *exchange, asked string, allowed []string) (string, bool) {
	scopes := strings.Fields(asked)
	if len(scopes) == 0 && len(allowed) > 0 {
		return allowed[0], true
	}
	for _, sc := range scopes {
		if !slices.Contains(allowed, sc) {
			writeJSON(x.w, http.StatusBadRequest, rfcError("invalid_scope", "scope "+sc+" is not granted"))
			return "", false
		}
	}
	return strings.Join(scopes, " "), true
}

// oauth2AccessToken signs g as an RS256 JWT with the server's kid.
func (s *Server) oauth2AccessToken(g grant, now time.Time) (string, error) {
	rk, err := s.keys.get(keyOAuth2)
	if err != nil {
		return "", err
	}
	return signRS256(rk, true, object{
		{"iss", s.oauth2Issuer()},
		{"sub", g.subject},
		{"aud", oauth2Audience},
		{"client_id", g.clientID},
		{"scope", g.scope},
		{"iat", now.Unix()},
		{"nbf", now.Unix()},
		{"exp", g.expires.Unix()},
		{"jti", uuid()},
	})
}

// oauth2Revoke is RFC 7009's revocation endpoint: the client authenticates
// as for a token request; an unknown token is revoked all the same (200).
func (s *Server) oauth2Revoke(x *exchange) {
	form, id, ok := s.oauth2Caller(x)
	if !ok {
		return
	}
	tok := form.Get("token")
	if tok == "" {
		writeJSON(x.w, http.StatusBadRequest, rfcError("invalid_request", "token is required"))
		return
	}
	if owner, known := s.store.owner(dialectOAuth2, tok); known && owner != id {
		writeJSON(x.w, http.StatusBadRequest, rfcError("invalid_request", "the token was not issued to this client"))
		return
	}
	s.store.revoke(dialectOAuth2, tok) // token_type_hint only speeds up a lookup (section 2.1)
	x.w.WriteHeader(http.StatusOK)
}

// oauth2JWKS publishes the public key the access tokens are signed with.
func (s *Server) oauth2JWKS(x *exchange) {
	if x.r.Method != http.MethodGet && x.r.Method != http.MethodHead {
		x.w.Header().Set("Allow", "GET, HEAD")
		writeJSON(x.w, http.StatusMethodNotAllowed, rfcError("invalid_request", "use GET"))
		return
	}
	rk, err := s.keys.get(keyOAuth2)
	if err != nil {
		writeJSON(x.w, http.StatusInternalServerError, rfcError("server_error", "no signing key"))
		return
	}
	x.w.Header().Set("Cache-Control", "public, max-age=300")
	writeJSON(x.w, http.StatusOK, object{{"keys", []object{jwk(rk)}}})
}

// oauth2UserInfo is a resource protected by a Bearer token (RFC 6750):
// it says whose token it is.
func (s *Server) oauth2UserInfo(x *exchange) {
	w := x.w
	if x.r.Method != http.MethodGet && x.r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeJSON(w, http.StatusMethodNotAllowed, rfcError("invalid_request", "use GET or POST"))
		return
	}
	at, ok := bearerToken(x.r)
	if !ok {
		w.Header().Set("WWW-Authenticate", "Bearer "+oauth2Realm)
		writeJSON(w, http.StatusUnauthorized, rfcError("invalid_request", "no Bearer token"))
		return
	}
	g, verdict := s.store.check(dialectOAuth2, at, x.now)
	if verdict != tokenValid {
		why := map[tokenCheck]string{tokenExpired: "the access token expired", tokenRevoked: "the access token was revoked"}[verdict]
		if why == "" {
			why = "the access token is not known"
		}
		w.Header().Set("WWW-Authenticate", "Bearer "+oauth2Realm+`, error="invalid_token", error_description="`+why+`"`)
		writeJSON(w, http.StatusUnauthorized, rfcError("invalid_token", why))
		return
	}
	writeJSON(w, http.StatusOK, object{
		{"sub", g.subject},
		{"client_id", g.clientID},
		{"scope", g.scope},
		{"expires_in", int64(g.expires.Sub(x.now) / time.Second)},
	})
}

// oauth2Metadata is the RFC 8414 authorization server metadata, which is
// also its OpenID Connect discovery document: a provider configured with
// issuer $URL/oauth2 alone gets every endpoint from it.
func (s *Server) oauth2Metadata(x *exchange) {
	base := s.oauth2Issuer()
	writeJSON(x.w, http.StatusOK, object{
		{"issuer", base},
		{"authorization_endpoint", base + "/authorize"},
		{"userinfo_endpoint", base + "/userinfo"},
		{"token_endpoint", base + "/token"},
		{"revocation_endpoint", base + "/revoke"},
		{"introspection_endpoint", base + "/introspect"},
		{"jwks_uri", base + "/jwks"},
		{"device_authorization_endpoint", base + "/device_authorization"},
		{"grant_types_supported", []string{"client_credentials", "password", "refresh_token", "authorization_code", deviceCodeURN}},
		{"response_types_supported", []string{"code"}},
		{"code_challenge_methods_supported", []string{"S256"}},
		{"token_endpoint_auth_methods_supported", []string{"client_secret_basic", "client_secret_post", "none"}},
		{"revocation_endpoint_auth_methods_supported", []string{"client_secret_basic", "client_secret_post"}},
		{"introspection_endpoint_auth_methods_supported", []string{"client_secret_basic", "client_secret_post", "none"}},
		{"scopes_supported", oauth2Scopes()},
	})
}
