package demo

import (
	"net/http"
	"strconv"
	"time"
)

// MTN's developer APIs run on Apigee. The seed documents no error bodies,
// so the demo answers with Apigee's own: its OAuthV2 policy writes
// {"ErrorCode": "invalid_client", "Error": "ClientId is Invalid"}, and a
// proxy that refuses a Bearer token writes
// {"fault": {"faultstring": "...", "detail": {"errorcode": "..."}}}.

const dialectMTN = "mtn"

// apigeeError is the body of an Apigee OAuthV2 policy error.
func apigeeError(code, text string) object {
	return object{{"ErrorCode", code}, {"Error", text}}
}

// apigeeFault is the body of an Apigee proxy fault.
func apigeeFault(text, code string) object {
	return object{{"fault", object{{"faultstring", text}, {"detail", object{{"errorcode", code}}}}}}
}

// mtnToken is POST /v1/oauth/access_token?grant_type=client_credentials
// with client_id and client_secret in a form body (seed 000).
func (s *Server) mtnToken(x *exchange) {
	w := x.w
	if x.r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, apigeeError("invalid_request", "Invalid HTTP method "+x.r.Method+": use POST"))
		return
	}
	// MTN's proxy reads grant_type from the query string only; one in the
	// body is not seen.
	gt := queryOf(x).Get("grant_type")
	switch gt {
	case "client_credentials":
	case "":
		writeJSON(w, http.StatusBadRequest, apigeeError("invalid_request", "Required param : grant_type"))
		return
	default:
		writeJSON(w, http.StatusBadRequest, apigeeError("unsupported_grant_type", "Unsupported grant type : "+gt))
		return
	}
	form, ok := formOf(x)
	if !ok {
		writeJSON(w, http.StatusBadRequest, apigeeError("invalid_request",
			"Invalid Content-Type "+strconv.Quote(mediaType(x.r))+": use application/x-www-form-urlencoded"))
		return
	}
	// The client credentials come from the form body only: in a Basic
	// header or the query string they are not seen.
	id, secret := form.Get("client_id"), form.Get("client_secret")
	switch {
	case id == "":
		writeJSON(w, http.StatusUnauthorized, apigeeError("invalid_client", "Client identifier is required"))
		return
	case id != mtnClientID:
		writeJSON(w, http.StatusUnauthorized, apigeeError("invalid_client", "ClientId is Invalid"))
		return
	case secret != mtnClientSecret:
		writeJSON(w, http.StatusUnauthorized, apigeeError("invalid_client", "Client credentials are invalid"))
		return
	}
	// Apigee states the lifetime left, one second under the full one
	// ("3599"), as a string; issued_at is epoch milliseconds, a string.
	life := s.lifetime(1, 1) - time.Second
	at := opaque(28)
	s.store.issue(at, grant{dialect: dialectMTN, clientID: id, subject: id, expires: x.now.Add(life)}, x.now)
	writeToken(w, object{
		{"refresh_token_expires_in", "0"},
		{"api_product_list", "[MTN Customer Plans API v2, Payment_Staging]"},
		{"api_product_list_json", []string{"MTN Customer Plans API v2", "Payment_Staging"}},
		{"organization_name", "mtn-demo"},
		{"developer.email", "demo@tokenscope.invalid"},
		{"token_type", "BearerToken"},
		{"issued_at", strconv.FormatInt(x.now.UnixMilli(), 10)},
		{"client_id", id},
		{"access_token", at},
		{"application_name", mtnApplication},
		{"scope", ""},
		{"expires_in", strconv.FormatInt(int64(life/time.Second), 10)},
		{"refresh_count", "0"},
		{"status", "approved"},
	})
}

// mtnSubscriptions is GET /customers/{msisdn}/subscriptions, the first
// API call the seed makes with the token.
func (s *Server) mtnSubscriptions(x *exchange) {
	w := x.w
	if x.r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, apigeeFault("Method not allowed: use GET", "messaging.adaptors.http.flow.MethodNotAllowed"))
		return
	}
	at, ok := bearerToken(x.r)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, apigeeFault("Invalid access token", "oauth.v2.InvalidAccessToken"))
		return
	}
	g, verdict := s.store.check(dialectMTN, at, x.now)
	switch verdict {
	case tokenExpired:
		writeJSON(w, http.StatusUnauthorized, apigeeFault("Access Token expired", "keymanagement.service.access_token_expired"))
		return
	case tokenUnknown, tokenRevoked:
		writeJSON(w, http.StatusUnauthorized, apigeeFault("Invalid Access Token", "keymanagement.service.invalid_access_token"))
		return
	}
	msisdn := x.r.PathValue("msisdn")
	writeJSON(w, http.StatusOK, object{
		{"customerId", msisdn},
		{"subscriptions", []object{
			{{"subscriptionId", "SUB-" + msisdn + "-01"}, {"planName", "MTN Customer Plans API v2"}, {"status", "ACTIVE"}},
			{{"subscriptionId", "SUB-" + msisdn + "-02"}, {"planName", "Payment_Staging"}, {"status", "ACTIVE"}},
		}},
		{"clientId", g.clientID},
	})
}

// mtnNoProxy is Apigee's answer for a path no proxy serves.
func (s *Server) mtnNoProxy(x *exchange) {
	writeJSON(x.w, http.StatusNotFound, apigeeFault("Unable to identify proxy for host: default and url: "+x.r.URL.Path,
		"messaging.adaptors.http.flow.ApplicationNotFound"))
}
