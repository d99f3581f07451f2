package demo

import "net/http"

// Mobifinance documents its errors as a status, an RFC 6749 name and a
// description (seed 002): 400 invalid_request "Bad request", 401
// unauthorized_client "Invalid client_id or client_secret", 403
// invalid_grant "Invalid code", 415 unsupported_grant_type "Unsupported
// type", 505 server_error "Internal server error". The demo sends them as
// RFC 6749 bodies: {"error": name, "error_description": description}.

const dialectMobifinance = "mobifinance"

// mobifinanceToken is POST {token URL}?client_id=..&client_secret=..&
// grant_type=client_credentials with Content-Type
// application/x-www-form-urlencoded and an empty body. The answer has no
// expires_in: the JWT's exp is the only expiry there is.
func (s *Server) mobifinanceToken(x *exchange) {
	w := x.w
	bad := func(more string) {
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request", "Bad request: "+more))
	}
	if x.r.Method != http.MethodPost {
		bad("use POST")
		return
	}
	if !isForm(x.r) {
		writeJSON(w, http.StatusUnsupportedMediaType, rfcError("unsupported_grant_type", "Unsupported type: "+
			"Content-Type must be application/x-www-form-urlencoded"))
		return
	}
	if len(x.body) > 0 {
		bad("client_id, client_secret and grant_type go in the query string, the body stays empty")
		return
	}
	q := queryOf(x)
	for _, name := range []string{"client_id", "client_secret", "grant_type"} {
		if q.Get(name) == "" {
			bad(name + " is required in the query string")
			return
		}
	}
	switch gt := q.Get("grant_type"); gt {
	case "client_credentials":
	case "authorization_code", "refresh_token":
		writeJSON(w, http.StatusForbidden, rfcError("invalid_grant", "Invalid code"))
		return
	default:
		writeJSON(w, http.StatusUnsupportedMediaType, rfcError("unsupported_grant_type", "Unsupported type: "+
			"grant_type must be client_credentials"))
		return
	}
	id, secret := q.Get("client_id"), q.Get("client_secret")
	if (id != mobifinanceClientID || secret != mobifinanceSecret) && (id != mobifinanceOutageID || secret != mobifinanceOutageSecret) {
		writeJSON(w, http.StatusUnauthorized, rfcError("unauthorized_client", "Invalid client_id or client_secret"))
		return
	}
	if id == mobifinanceOutageID {
		// The client whose backend is down: Mobifinance's 505, which a
		// client retries like any 5xx.
		writeJSON(w, http.StatusHTTPVersionNotSupported, rfcError("server_error", "Internal server error"))
		return
	}
	exp := x.now.Add(s.lifetime(1, 2))
	at, err := signHS256(s.mobifinanceKey, object{
		{"iss", "mobifinance-demo"},
		{"sub", id},
		{"iat", x.now.Unix()},
		{"exp", exp.Unix()},
		{"jti", uuid()},
	})
	if err != nil {
		writeJSON(w, http.StatusHTTPVersionNotSupported, rfcError("server_error", "Internal server error"))
		return
	}
	s.store.issue(at, grant{dialect: dialectMobifinance, clientID: id, subject: id, expires: exp}, x.now)
	writeToken(w, object{
		{"access_token", at},
		{"token_type", "Bearer"},
	})
}
