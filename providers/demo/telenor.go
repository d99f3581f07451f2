package demo

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Telenor documents numeric error codes per status (seed 003) but not the
// body that carries them. The demo sends a plausible shape: the RFC 6749
// name, the numeric code and the documented text,
//
//	{"error": "invalid_client", "error_code": 1, "error_description": "Invalid client id"}

const dialectTelenor = "telenor"

// telenorRefreshLifetime is how long a Telenor refresh token lives.
const telenorRefreshLifetime = 24 * time.Hour

// telenorError names one documented Telenor error.
type telenorError int

// Telenor's documented errors, as the demo sends them.
const (
	telenorBadGrant telenorError = iota
	telenorBadClient
	telenorBadHeader
	telenorBadRefresh
	telenorBadOwner
	telenorGrantDenied
	telenorBasicFailed
	telenorBadScope
	telenorInvalidBearer
)

// spec is the error's status, RFC 6749 name, numeric code and text.
func (e telenorError) spec() (status int, name string, code int, text string) {
	switch e {
	case telenorBadClient:
		return 401, "invalid_client", 1, "Invalid client id"
	case telenorBadHeader:
		return 401, "invalid_client", 6, "Missing or bad Authorization header"
	case telenorBadRefresh:
		return 401, "invalid_grant", 7, "Invalid refresh_token"
	case telenorBadOwner:
		return 401, "invalid_grant", 20, "Invalid resource owner credentials"
	case telenorGrantDenied:
		return 401, "unauthorized_client", 21, "Unsufficient permissions to use requested grant_type"
	case telenorBasicFailed:
		return 401, "invalid_client", 22, "Basic Authentication failed, bad username or password."
	case telenorBadScope:
		return 403, "invalid_scope", 8, "Illegal or non authorized scope"
	case telenorInvalidBearer:
		return 401, "invalid_token", 2, "Invalid access token"
	}
	return 400, "invalid_request", 2, "Missing or invalid grant_type"
}

func (e telenorError) write(w http.ResponseWriter) {
	status, name, code, text := e.spec()
	writeJSON(w, status, object{{"error", name}, {"error_code", code}, {"error_description", text}})
}

// telenorToken is POST /oauth/v2/token with the client id and secret as
// Basic and, in a form body, grant_type=password with username, password
// and an optional scope, or grant_type=refresh_token. The refresh token
// rotates: each refresh answers a new one and spends the old.
func (s *Server) telenorToken(x *exchange) {
	w := x.w
	if x.r.Method != http.MethodPost {
		telenorBadGrant.write(w) // a GET carries no grant_type
		return
	}
	id, secret, present, ok := basicCredentials(x.r)
	switch {
	case !present || !ok:
		telenorBadHeader.write(w)
		return
	case id != telenorClientID:
		telenorBadClient.write(w)
		return
	case secret != telenorClientSecret:
		telenorBasicFailed.write(w)
		return
	}
	form, ok := formOf(x)
	if !ok {
		telenorBadGrant.write(w)
		return
	}
	var g grant
	switch form.Get("grant_type") {
	case "password":
		if form.Get("username") != telenorUsername || form.Get("password") != telenorPassword {
			telenorBadOwner.write(w)
			return
		}
		scope := form.Get("scope")
		for _, sc := range strings.Fields(scope) {
			if sc != telenorScopeRead && sc != telenorScopeOrder {
				telenorBadScope.write(w)
				return
			}
		}
		g = grant{dialect: dialectTelenor, clientID: id, subject: telenorUsername, scope: scope}
	case "refresh_token":
		var ok bool
		g, ok = s.store.useRefresh(dialectTelenor, id, form.Get("refresh_token"), x.now, true)
		if !ok {
			telenorBadRefresh.write(w)
			return
		}
	case "authorization_code", "client_credentials":
		telenorGrantDenied.write(w)
		return
	default:
		telenorBadGrant.write(w)
		return
	}
	life := s.lifetime(2, 3)
	at, rt := opaque(54), opaque(54)
	s.store.issue(at, grant{dialect: dialectTelenor, clientID: id, subject: g.subject, scope: g.scope,
		expires: x.now.Add(life), refresh: rt}, x.now)
	s.store.issueRefresh(rt, grant{dialect: dialectTelenor, clientID: id, subject: g.subject, scope: g.scope,
		expires: x.now.Add(telenorRefreshLifetime)})
	// The seed's sample answer: expires_in as a string, this member order.
	writeToken(w, object{
		{"access_token", at},
		{"expires_in", strconv.FormatInt(int64(life/time.Second), 10)},
		{"token_type", "Bearer"},
		{"refresh_token", rt},
	})
}

// telenorLogout is GET /oauth/v2/logout with Authorization: Bearer: it
// invalidates the access token and answers "OK!".
func (s *Server) telenorLogout(x *exchange) {
	w := x.w
	if x.r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeJSON(w, http.StatusMethodNotAllowed, rfcError("invalid_request", "Method not allowed: logout is GET"))
		return
	}
	at, ok := bearerToken(x.r)
	if !ok {
		telenorBadHeader.write(w)
		return
	}
	if !s.store.revokeAccess(dialectTelenor, at, x.now) {
		telenorInvalidBearer.write(w)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("OK!"))
}
