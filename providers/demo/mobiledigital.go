package demo

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
)

// mobile.digital runs on AWS API Gateway: a path or method it has no route
// for gets the gateway's famous 403 {"message": "Missing Authentication
// Token"}. Behind it, errors are RFC 6749 bodies (seed 004):
// {"error": "invalid_client", "error_description": "Client authentication failed"}.

const dialectMobileDigital = "mobiledigital"

// mobiledigitalScopes are the scopes the demo client may ask for: the core
// ones, not the gifting add-on.
func mobiledigitalScopes() []string { return []string{"read", "write", "admin"} }

// mobiledigitalToken is POST /prod/oauth2/token with Basic
// base64(client_id:client_secret) and a form body
// grant_type=client_credentials&scope=read write admin. The token is an
// HS256 JWT carrying the scope.
func (s *Server) mobiledigitalToken(x *exchange) {
	w := x.w
	if x.r.Method != http.MethodPost {
		s.mobiledigitalNoRoute(x)
		return
	}
	form, ok := formOf(x)
	if !ok {
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request", "Content-Type must be application/x-www-form-urlencoded"))
		return
	}
	// Only the Basic header authenticates: client_id and client_secret in
	// the body are not looked at.
	id, secret, _, ok := basicCredentials(x.r)
	if !ok || id != mobiledigitalClientID || secret != mobiledigitalSecret {
		w.Header().Set("WWW-Authenticate", `Basic realm="api.mobile.digital"`)
		writeJSON(w, http.StatusUnauthorized, rfcError("invalid_client", "Client authentication failed"))
		return
	}
	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request", "Missing grant_type: use grant_type=client_credentials"))
		return
	default:
		writeJSON(w, http.StatusBadRequest, rfcError("unsupported_grant_type", "Invalid grant_type: use grant_type=client_credentials"))
		return
	}
	scopes := strings.Fields(form.Get("scope"))
	if len(scopes) == 0 {
		scopes = mobiledigitalScopes()
	}
	for _, sc := range scopes {
		if !slices.Contains(mobiledigitalScopes(), sc) {
			writeJSON(w, http.StatusBadRequest, rfcError("invalid_scope", "Scope not allowed for this client: "+sc))
			return
		}
	}
	scope := strings.Join(scopes, " ")
	life := s.lifetime(1, 1)
	exp := x.now.Add(life)
	at, err := signHS256(s.mobiledigitalKey, object{
		{"sub", id},
		{"client_id", id},
		{"scope", scope},
		{"token_use", "access"},
		{"iss", "https://api.mobile.digital"},
		{"iat", x.now.Unix()},
		{"exp", exp.Unix()},
		{"jti", uuid()},
	})
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, rfcError("server_error", "cannot sign the token"))
		return
	}
	s.store.issue(at, grant{dialect: dialectMobileDigital, clientID: id, subject: id, scope: scope, expires: exp}, x.now)
	writeToken(w, object{
		{"access_token", at},
		{"token_type", "Bearer"},
		{"expires_in", int64(life / time.Second)},
		{"scope", scope},
	})
}

// mobiledigitalBearer checks the Bearer token of an API call: 401 for a
// bad or expired token, 403 when it lacks the scope needed (seed 004).
func (s *Server) mobiledigitalBearer(x *exchange, needScope string) (grant, bool) {
	at, ok := bearerToken(x.r)
	if !ok {
		writeJSON(x.w, http.StatusUnauthorized, rfcError("invalid_token", "Missing Authorization: Bearer token"))
		return grant{}, false
	}
	g, verdict := s.store.check(dialectMobileDigital, at, x.now)
	switch verdict {
	case tokenExpired:
		writeJSON(x.w, http.StatusUnauthorized, rfcError("invalid_token", "The access token has expired"))
		return grant{}, false
	case tokenUnknown, tokenRevoked:
		writeJSON(x.w, http.StatusUnauthorized, rfcError("invalid_token", "Invalid or expired token"))
		return grant{}, false
	}
	if needScope != "" && !slices.Contains(strings.Fields(g.scope), needScope) {
		writeJSON(x.w, http.StatusForbidden, rfcError("insufficient_scope", "Missing required scope: "+needScope))
		return grant{}, false
	}
	return g, true
}

// mobiledigitalTest is /prod/test-oauth2, the endpoint the seed offers to
// validate a token: it says who the token is for and how long it lasts.
func (s *Server) mobiledigitalTest(x *exchange) {
	if x.r.Method != http.MethodGet && x.r.Method != http.MethodPost {
		s.mobiledigitalNoRoute(x)
		return
	}
	g, ok := s.mobiledigitalBearer(x, "")
	if !ok {
		return
	}
	writeJSON(x.w, http.StatusOK, object{
		{"message", "OAuth2 authentication successful"},
		{"client_id", g.clientID},
		{"scope", g.scope},
		{"expires_in", int64(g.expires.Sub(x.now) / time.Second)},
	})
}

// mobiledigitalSendSMS is POST /prod/sendSMS with a JSON body
// {"recipient": "+61400000000", "message": "..."}; it needs scope write.
func (s *Server) mobiledigitalSendSMS(x *exchange) {
	if x.r.Method != http.MethodPost {
		s.mobiledigitalNoRoute(x)
		return
	}
	if _, ok := s.mobiledigitalBearer(x, "write"); !ok {
		return
	}
	var sms struct {
		Recipient string `json:"recipient"`
		Message   string `json:"message"`
	}
	if mediaType(x.r) != "application/json" || json.Unmarshal(x.body, &sms) != nil {
		writeJSON(x.w, http.StatusBadRequest, rfcError("invalid_request", "The body must be JSON: {\"recipient\": \"+61...\", \"message\": \"...\"}"))
		return
	}
	if !strings.HasPrefix(sms.Recipient, "+") || len(sms.Recipient) < 8 || sms.Message == "" {
		writeJSON(x.w, http.StatusBadRequest, rfcError("invalid_request", "recipient (E.164, e.g. +61400000000) and message are required"))
		return
	}
	writeJSON(x.w, http.StatusOK, object{
		{"status", "queued"},
		{"messageId", uuid()},
		{"recipient", sms.Recipient},
		{"parts", 1 + len(sms.Message)/160},
	})
}

// mobiledigitalNoRoute is API Gateway's answer for a route it lacks.
func (s *Server) mobiledigitalNoRoute(x *exchange) {
	writeJSON(x.w, http.StatusForbidden, object{{"message", "Missing Authentication Token"}})
}
