package demo

import (
	"crypto/sha256"
	"net/http"
	"time"
)

// The plain OAuth 2.0 server is an OpenID provider for the grants that
// put a person in the loop (authorization code, device): their token
// responses carry an id_token (OpenID Connect Core §3.1.3.3) signed with
// the server's key, iss its issuer, aud the client id, at_hash of the
// access token beside it. Its introspection endpoint (RFC 7662) answers
// for any token it issued, to the client it was issued to.

// oauth2IDToken signs the ID token of a sign-in by the demo user for
// clientID, with the access token at it came with, and the nonce of the
// authorization request when it sent one (OpenID Connect Core §3.1.2.1:
// the server passes it through unmodified).
func (s *Server) oauth2IDToken(clientID, at, nonce string, now, expires time.Time) (string, error) {
	rk, err := s.keys.get(keyOAuth2)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(at))
	claims := object{
		{"iss", s.oauth2Issuer()},
		{"sub", oauth2Username},
		{"aud", clientID},
		{"iat", now.Unix()},
		{"exp", expires.Unix()},
		{"auth_time", now.Unix()},
		{"at_hash", b64url(sum[:len(sum)/2])},
		{"name", "Demo User"},
		{"preferred_username", oauth2Username},
	}
	if nonce != "" {
		claims = append(claims, member{"nonce", nonce})
	}
	return signRS256(rk, true, claims)
}

// oauth2Introspect is RFC 7662's introspection endpoint: the client
// authenticates as for a token request (the public client by its
// client_id), and learns about its own tokens only; any other token,
// expired or revoked one is {"active": false} (§2.2).
func (s *Server) oauth2Introspect(x *exchange) {
	form, id, ok := s.oauth2Caller(x)
	if !ok {
		return
	}
	tok := form.Get("token")
	if tok == "" {
		writeJSON(x.w, http.StatusBadRequest, rfcError("invalid_request", "token is required"))
		return
	}
	switch h := form.Get("token_type_hint"); h {
	case "", "access_token", "refresh_token":
	default:
		writeJSON(x.w, http.StatusBadRequest, rfcError("unsupported_token_type", "token_type_hint "+h+" is not known"))
		return
	}
	x.w.Header().Set("Cache-Control", "no-store")
	g, kind, active := s.store.lookup(dialectOAuth2, tok, x.now)
	if !active || g.clientID != id {
		writeJSON(x.w, http.StatusOK, object{{"active", false}})
		return
	}
	answer := object{{"active", true}, {"scope", g.scope}, {"client_id", g.clientID}, {"username", g.subject},
		{"token_type", kind}, {"exp", g.expires.Unix()}, {"sub", g.subject}, {"iss", s.oauth2Issuer()}}
	if kind == "Bearer" {
		answer = append(answer, member{"aud", oauth2Audience})
	}
	writeJSON(x.w, http.StatusOK, answer)
}

// lookup finds an access or refresh token of dialect: its grant, its kind
// ("Bearer" or "refresh_token"), and whether it is active now.
func (t *tokenStore) lookup(dialect, tok string, now time.Time) (grant, string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range []struct {
		m    map[string]*grant
		kind string
	}{{t.access, "Bearer"}, {t.refresh, "refresh_token"}} {
		if g, ok := k.m[tok]; ok && g.dialect == dialect {
			return *g, k.kind, !g.revoked && now.Before(g.expires)
		}
	}
	return grant{}, "", false
}
