package demo

import (
	"net/http"
	"strings"
	"time"
)

// MTN MoMo sits behind Azure API Management: the subscription key is
// checked first, per product, then the Basic header of API user id and API
// key. Errors are the seed's 401 {"error": "..."}; an API user the server
// does not know gets the bare 500 the seed lists (and that MoMo users meet
// for a wrong user, key or environment).

const dialectMoMo = "momo"

// momoError is MoMo's documented 401 body.
func momoError(text string) object { return object{{"error", text}} }

// The texts of MoMo's refusals.
const (
	momoMissingKey = "Access denied due to missing subscription key. " +
		"Make sure to include subscription key when making requests to an API."
	momoInvalidKey = "Access denied due to invalid subscription key. " +
		"Make sure to provide a valid key for an active subscription."
)

// momoToken is POST /{product}/token/ with Authorization: Basic
// base64(API user id:API key) and Ocp-Apim-Subscription-Key, and nothing
// else: no grant_type, no body (seed 001).
func (s *Server) momoToken(x *exchange) {
	w := x.w
	product := x.r.PathValue("product")
	wantKey, ok := momoSubscriptionKeys()[product]
	if !ok || x.r.Method != http.MethodPost {
		s.momoNotFound(x)
		return
	}
	switch key := x.r.Header.Get("Ocp-Apim-Subscription-Key"); key {
	case "":
		writeJSON(w, http.StatusUnauthorized, momoError(momoMissingKey))
		return
	case wantKey:
	default:
		// Another product's key is as invalid here as a made-up one.
		writeJSON(w, http.StatusUnauthorized, momoError(momoInvalidKey))
		return
	}
	// The demo is stricter than MoMo, which ignores what it does not
	// read: a grant_type or any parameter means the request was built for
	// another dialect, and the demo says so.
	if x.r.URL.RawQuery != "" || len(x.body) > 0 {
		writeJSON(w, http.StatusBadRequest, momoError("the token request takes no parameters: "+
			"no grant_type, no query, no body (found "+firstParam(x)+")"))
		return
	}
	user, key, present, ok := basicCredentials(x.r)
	switch {
	case !present:
		writeJSON(w, http.StatusUnauthorized, momoError("Authorization header missing: "+
			"Basic base64(API user id:API key) is required"))
		return
	case !ok:
		writeJSON(w, http.StatusUnauthorized, momoError("Authorization header is not Basic base64(API user id:API key)"))
		return
	}
	known, good := user == momoAPIUser, key == momoAPIKey
	if !known {
		// An API user provisioned on this server, for this product.
		known, good = s.sandboxCredentials(product, user, key)
	}
	switch {
	case !known:
		w.WriteHeader(http.StatusInternalServerError) // the seed's 500, without a body
		return
	case !good:
		writeJSON(w, http.StatusUnauthorized, momoError("login_failed"))
		return
	}
	rk, err := s.keys.get(keyMoMo)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	life := s.lifetime(1, 1)
	exp := x.now.Add(life)
	// MoMo's own claims (clientId, expires, sessionId), plus iat and exp
	// so that any JWT reader sees the expiry.
	at, err := signRS256(rk, false, object{
		{"clientId", user},
		{"expires", exp.UTC().Format("2006-01-02T15:04:05.000")},
		{"sessionId", uuid()},
		{"iat", x.now.Unix()},
		{"exp", exp.Unix()},
	})
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	s.store.issue(at, grant{dialect: dialectMoMo, clientID: user, subject: user, expires: exp}, x.now)
	writeToken(w, object{
		{"access_token", at},
		{"token_type", "access_token"}, // what MoMo really answers
		{"expires_in", int64(life / time.Second)},
	})
}

// momoNotFound is API Management's answer for an operation it does not
// have: another path, another product, another method.
func (s *Server) momoNotFound(x *exchange) {
	writeJSON(x.w, http.StatusNotFound, momoError("Resource not found"))
}

// firstParam names the first parameter of the query or the body, for the
// refusal of a parameter MoMo does not take; never a value, which might be
// a secret.
func firstParam(x *exchange) string {
	for _, raw := range []string{x.r.URL.RawQuery, string(x.body)} {
		if raw == "" {
			continue
		}
		name := raw
		if i := strings.IndexAny(raw, "=&"); i >= 0 {
			name = raw[:i]
		}
		if name == "" || len(name) > 40 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != "" {
			return "a body"
		}
		return name
	}
	return ""
}
