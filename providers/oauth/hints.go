package oauth

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
)

// telenorCode is one row of the error code table of Telenor's token and
// logout endpoints (seed 003): a code's meaning depends on the endpoint
// and, for code 2, on the status.
type telenorCode struct {
	logout bool
	status int
	code   string
	text   string
}

// telenorCodes returns Telenor's documented error codes.
func telenorCodes() []telenorCode {
	return []telenorCode{
		{false, 400, "2", "missing or invalid grant_type"},
		{false, 401, "1", "invalid client id"},
		{false, 401, "4", "invalid authorization code"},
		{false, 401, "5", "not authorized to create access token"},
		{false, 401, "6", "missing or bad Authorization header"},
		{false, 401, "7", "invalid refresh_token"},
		{false, 401, "9", "invalid client data"},
		{false, 401, "20", "invalid resource owner credentials"},
		{false, 401, "21", "insufficient permissions to use the requested grant_type"},
		{false, 401, "22", "Basic authentication failed, bad username or password"},
		{false, 401, "23", "user credentials do not match the granted client credentials"},
		{false, 403, "8", "illegal or non-authorized scope"},
		{false, 403, "12", "invalid redirect URI"},
		{false, 403, "15", "illegal response type"},
		{false, 500, "2", "internal server error"},
		{false, 500, "16", "invalid app attributes, contact Telenor"},
		{true, 401, "2", "invalid access token"},
		{true, 401, "6", "missing or bad Authorization header"},
		{true, 500, "2", "internal server error"},
	}
}

// telenorMeaning is what Telenor's numeric code means for op's endpoint:
// the row with the same status, else the only row with that code.
func telenorMeaning(op string, status int, code string) string {
	logout := op == opLogout
	var only string
	n := 0
	for _, c := range telenorCodes() {
		if c.logout != logout || c.code != code {
			continue
		}
		if c.status == status {
			return c.text
		}
		only = c.text
		n++
	}
	if n == 1 {
		return only
	}
	return ""
}

// Hints that more than one answer leads to.
const (
	hintClientAuth = "check client_id and client_secret, and client_auth (basic, body or query): " +
		"servers differ on where they want them"
	hintGrantPlacement = "check grant_type and grant_in (body, query or none): the server refuses how the grant is sent"
	hintMoMo           = "usually a bad API user (client_id), API key (client_secret) or Ocp-Apim-Subscription-Key; " +
		"each product has its own subscription key"
	hintStaleRefresh = "the refresh token is no longer valid: a new grant is needed"
)

// hint is the usual cause of a failed answer, when it is known; "" if not.
func hint(op string, p providers.Provider, resp *response, e *Error) string {
	token := op == opFetch || op == opRefresh || op == opRevoke || op == opIntrospect
	if p.Preset == "telenor" && e.Meaning != "" {
		if h := telenorHint(op, e); h != "" {
			return h
		}
	}
	if p.Preset == "momo" && token && (resp.status == 401 || resp.status == 500) {
		return hintMoMo
	}
	if h := darajaHint(op, e.Code); h != "" {
		return h
	}
	if h := vodacomHint(resp.status, e.Code); h != "" {
		return h
	}
	switch strings.ToLower(e.Code) {
	case "invalid_client", "unauthorized_client":
		return hintClientAuth
	case "unsupported_grant_type":
		return hintGrantPlacement
	case "invalid_scope":
		return "check scope: the server refuses one of the scopes asked for"
	case "invalid_grant":
		switch {
		case op == opRefresh:
			return hintStaleRefresh
		case p.Grant == providers.GrantPassword:
			return "check username and password"
		}
		return "the server refuses the grant: check grant_type and params"
	case "invalid_request":
		return "check grant_in, client_auth and params: the server misses or refuses a parameter"
	}
	switch s := resp.status; {
	case s >= 300 && s < 400:
		return "the URL redirects: configure the URL it points to"
	case s == 401 && token:
		return hintClientAuth
	case s == 401 && op == opLogout:
		return "the token is no longer valid (expired or already logged out)"
	case s == 403:
		return "the client may not do this: check scope and the client's permissions"
	case s == 404:
		if p.Preset == "momo" {
			return "check product (collection, disbursement, remittance) and token_url"
		}
		return "check the URL: the server has nothing there"
	case s == 405:
		return "check the URL and method: the server does not take " + methodOf(op, p) + " there"
	case s == 415:
		return hintGrantPlacement
	case s == 429:
		if d, ok := retryAfter(resp.header, resp.date); ok {
			return fmt.Sprintf("rate limited: the server asks to wait %s before trying again", display.Duration(d.Round(time.Second)))
		}
		return "rate limited: wait a little before trying again"
	case (s == 502 || s == 503 || s == 504) && e.BodyStart != "" && e.Code == "" && e.Description == "":
		return gatewayHint(s, resp)
	case s >= 500:
		if p.Preset == "momo" && token {
			return hintMoMo
		}
		return "the server failed; try again later"
	}
	return ""
}

// gatewayHint says what a proxy's or gateway's own error page (a 502, 503
// or 504 with a page instead of the server's words) means.
func gatewayHint(status int, resp *response) string {
	switch status {
	case 502:
		return "a proxy or gateway in front of the server got no valid answer from it: " +
			"the server behind it is down or failing; try again later"
	case 504:
		return "a proxy or gateway in front of the server gave up waiting for it: " +
			"the server behind it is slow or unreachable; try again later"
	}
	if d, ok := retryAfter(resp.header, resp.date); ok {
		return fmt.Sprintf("the server, or a proxy or gateway in front of it, is unavailable (down, overloaded or in maintenance): "+
			"it asks to wait %s before trying again", display.Duration(d.Round(time.Second)))
	}
	return "the server, or a proxy or gateway in front of it, is unavailable (down, overloaded or in maintenance); try again later"
}

// telenorHint turns a Telenor code into the field to check.
func telenorHint(op string, e *Error) string {
	switch e.Meaning {
	case "invalid resource owner credentials":
		return "check username and password: the API user from Min Bedrift, not a portal login"
	case "Basic authentication failed, bad username or password", "invalid client id", "invalid client data":
		return "check client_id and client_secret (sent as the Basic header)"
	case "user credentials do not match the granted client credentials":
		return "the username and password belong to another client: check client_id"
	case "missing or bad Authorization header":
		if op == opLogout {
			return "the logout call needs the access token as a Bearer header"
		}
		return "Telenor wants client_id and client_secret as a Basic header: set client_auth to basic"
	case "invalid refresh_token":
		return hintStaleRefresh
	case "illegal or non-authorized scope":
		return "check scope"
	case "missing or invalid grant_type", "insufficient permissions to use the requested grant_type":
		return "check grant_type: Telenor's API users take the password grant"
	case "invalid access token":
		return "the token is no longer valid (expired or already logged out)"
	}
	return ""
}

// methodOf is the HTTP method op sends for p.
func methodOf(op string, p providers.Provider) string {
	switch op {
	case opLogout:
		if p.LogoutURL != "" {
			return strings.ToUpper(orDefault(p.LogoutMethod, "GET"))
		}
	case opTry:
		return strings.ToUpper(orDefault(p.TryMethod, "GET"))
	case opFetch, opRefresh:
		return string(orDefault(p.TokenMethod, providers.MethodPOST))
	}
	return "POST"
}

// orDefault returns s, or def when s is empty.
func orDefault[S ~string](s, def S) S {
	if s == "" {
		return def
	}
	return s
}

// darajaCode matches Safaricom Daraja's error codes: "400.008.01",
// "404.001.03", "500.001.1001".
var darajaCode = regexp.MustCompile(`^[0-9]{3}\.[0-9]{3}\.[0-9]{1,4}$`)

// darajaHint is the usual cause of a Daraja error code, "" when it is not
// one or its cause is not known.
func darajaHint(op, code string) string {
	if !darajaCode.MatchString(code) {
		return ""
	}
	switch {
	case code == "400.008.02":
		return "check grant_type: Daraja wants grant_type=client_credentials in the token URL's query"
	case strings.HasPrefix(code, "400.008."), code == "401.002.01":
		return "check client_id and client_secret: Daraja wants the app's consumer key and consumer secret " +
			"as the Basic header, from the same app and environment (sandbox or production) as token_url"
	case code == "404.001.03", code == "404.001.04":
		if op == opFetch || op == opRefresh {
			return "check client_auth: Daraja wants the Basic header of consumer key and secret"
		}
		return "the access token is no longer valid (Daraja tokens last an hour): fetch a new one"
	case strings.HasPrefix(code, "500."):
		return "Daraja failed on its side; try again later, and quote the request id to Safaricom if it persists"
	}
	return ""
}

// vodacomHint is the usual cause of a Vodacom OpenAPI response code.
func vodacomHint(status int, code string) string {
	if !vodacomCode(code) {
		return ""
	}
	switch {
	case strings.EqualFold(code, "INS-2001"), status == 401:
		return "check the API key and the market's public key: the bearer is the API key encrypted to that key"
	case strings.EqualFold(code, "INS-1"):
		return "Vodacom failed on its side; try again later"
	}
	return ""
}
