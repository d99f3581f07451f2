package demo

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// The mobile-money token endpoints (the catalogue of issue 12), each as the
// real one behaves: Safaricom Daraja takes a GET with no body and answers
// errors as {"requestId", "errorCode", "errorMessage"}; Airtel takes a JSON
// body and gives 180-second tokens; Orange is plain RFC 6749 behind a Basic
// header.

const (
	dialectDaraja = "mpesa"
	dialectAirtel = "airtel"
	dialectOrange = "orange"
)

// darajaError is the body of a Daraja error.
func darajaError(code, msg string) object {
	return object{{"requestId", uuid()}, {"errorCode", code}, {"errorMessage", msg}}
}

// darajaToken is GET /oauth/v1/generate?grant_type=client_credentials with
// the Basic header of consumer key and secret, and no body. expires_in is
// a string, one second under the hour ("3599").
func (s *Server) darajaToken(x *exchange) {
	w := x.w
	switch {
	case x.r.Method != http.MethodGet:
		// The demo's own code: Daraja's gateway refuses other methods.
		writeJSON(w, http.StatusMethodNotAllowed, darajaError("405.001.01", "Method "+x.r.Method+" not allowed: use GET"))
		return
	case len(x.body) > 0 || x.r.Header.Get("Content-Type") != "":
		writeJSON(w, http.StatusBadRequest, darajaError("400.002.02", "Bad Request - a GET has no body"))
		return
	case queryOf(x).Get("grant_type") != "client_credentials":
		writeJSON(w, http.StatusBadRequest, darajaError("400.008.02", "Invalid grant type passed"))
		return
	}
	// Daraja's Basic header is key:secret as they are, not form-encoded.
	key, secret, _, ok := basicCredentials(x.r)
	if !ok || key != darajaConsumerKey || secret != darajaConsumerSecret {
		writeJSON(w, http.StatusBadRequest, darajaError("400.008.01", "Invalid Authentication passed"))
		return
	}
	life := s.lifetime(1, 1) - time.Second
	at := opaque(28)
	s.store.issue(at, grant{dialect: dialectDaraja, clientID: key, subject: key, expires: x.now.Add(life)}, x.now)
	writeToken(w, object{{"access_token", at}, {"expires_in", strconv.FormatInt(int64(life/time.Second), 10)}})
}

// airtelLifetime is how long Airtel's tokens last, whatever the demo's
// base lifetime (only a shorter base shortens them).
const airtelLifetime = 180 * time.Second

// airtelToken is POST /auth/oauth2/token with the JSON body
// {"client_id", "client_secret", "grant_type": "client_credentials"}. The
// token lasts 180 seconds, expires_in a string, token_type a lowercase
// "bearer".
func (s *Server) airtelToken(x *exchange) {
	w := x.w
	var req map[string]string
	switch {
	case x.r.Method != http.MethodPost:
		writeJSON(w, http.StatusMethodNotAllowed, rfcError("invalid_request", "use POST"))
		return
	case mediaType(x.r) != "application/json":
		writeJSON(w, http.StatusUnsupportedMediaType, rfcError("invalid_request", "Content-Type must be application/json"))
		return
	case json.Unmarshal(x.body, &req) != nil:
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request", "the body must be a JSON object of strings"))
		return
	case req["grant_type"] != "client_credentials":
		writeJSON(w, http.StatusBadRequest, rfcError("unsupported_grant_type", "grant_type must be client_credentials"))
		return
	case req["client_id"] != airtelClientID || req["client_secret"] != airtelClientSecret:
		writeJSON(w, http.StatusUnauthorized, rfcError("invalid_client", "Invalid client credentials"))
		return
	}
	life := min(airtelLifetime, s.lifetime(2, 1))
	at := opaque(32)
	s.store.issue(at, grant{dialect: dialectAirtel, clientID: airtelClientID, subject: airtelClientID, expires: x.now.Add(life)}, x.now)
	writeToken(w, object{{"access_token", at}, {"expires_in", strconv.FormatInt(int64(life/time.Second), 10)}, {"token_type", "bearer"}})
}

// orangeToken is POST /oauth/v3/token with the Basic header of client id
// and secret and the form grant_type=client_credentials.
func (s *Server) orangeToken(x *exchange) {
	w := x.w
	if x.r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, rfcError("invalid_request", "use POST"))
		return
	}
	form, ok := formOf(x)
	if !ok {
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request", "Content-Type must be application/x-www-form-urlencoded"))
		return
	}
	if form.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, rfcError("unsupported_grant_type", "grant_type must be client_credentials"))
		return
	}
	id, secret, _, ok := oauthBasicCredentials(x.r)
	if !ok || id != orangeClientID || secret != orangeClientSecret {
		writeJSON(w, http.StatusUnauthorized, rfcError("invalid_client", "The requested service needs credentials, but the ones provided were invalid."))
		return
	}
	life := s.lifetime(1, 1)
	at := opaque(32)
	s.store.issue(at, grant{dialect: dialectOrange, clientID: id, subject: id, expires: x.now.Add(life)}, x.now)
	writeToken(w, object{{"token_type", "Bearer"}, {"access_token", at}, {"expires_in", int64(life / time.Second)}})
}
