package oauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
)

// Error is a failed exchange with a provider, in the server's own words:
// the HTTP status, the error code and description it sent (RFC 6749, MoMo,
// Telenor's numeric codes with their Meaning), or for a body that is not
// JSON, the start of that body. Hint says what usually causes it, when that
// is known; it is not part of Error() so that callers can show it on its
// own line. No field ever holds a secret.
type Error struct {
	// Op is what was being done: "fetch token", "refresh token", "logout",
	// "revoke token", "try".
	Op       string
	Provider string
	// Status is the HTTP status; zero when no answer came.
	Status int
	// Code is the server's error code ("invalid_client", Telenor's "20").
	Code string
	// Number is Telenor's numeric error code when the body has one beside a
	// named Code ({"error": "invalid_client", "error_code": 22}); it is what
	// Meaning explains.
	Number string
	// Description is the server's explanation (error_description, message).
	Description string
	// Meaning is what a numeric code means, from the provider's documentation.
	Meaning string
	// Hint is the usual cause, when it is known.
	Hint string
	// BodyStart is the readable start of the body, when it said nothing
	// more structured (an HTML gateway page).
	BodyStart string
	// Method and URL name the request the answer came to, the URL without
	// its user information, query or fragment, so that no secret sent in
	// them shows. Error() names them when there was an answer (Status is
	// set); a failure without one names its request in Err.
	Method, URL string
	// RequestID is the server's id of the request (Daraja's requestId),
	// which its support desk asks for.
	RequestID string
	// Attempts is how many requests were sent (1 plus the retries).
	Attempts int
	// Err is the underlying failure: a network error, a timeout, a response
	// that could not be read or parsed.
	Err error

	red *redactor
}

// Error is one line: what failed, then the server's words.
func (e *Error) Error() string {
	var parts []string
	head := e.Op
	if e.Provider != "" {
		head += " for " + e.Provider
	}
	parts = append(parts, head)
	if e.Status != 0 {
		parts = append(parts, strings.TrimSpace(fmt.Sprintf("HTTP %d %s", e.Status, http.StatusText(e.Status))))
	}
	if e.Code != "" {
		c := e.Code
		if isDigits(c) {
			c = "error " + c
		}
		if e.Number != "" && e.Number != e.Code {
			c += ", error " + e.Number
		}
		if e.Meaning != "" {
			c += " (" + e.Meaning + ")"
		}
		parts = append(parts, c)
	}
	if e.Description != "" && e.Description != e.Code && !sameWords(e.Description, e.Meaning) {
		parts = append(parts, e.Description)
	}
	if e.BodyStart != "" && e.Code == "" && e.Description == "" {
		// In quotes, as received: display escapes it once where it is shown.
		parts = append(parts, `"`+e.BodyStart+`"`)
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	s := strings.Join(parts, ": ")
	var notes []string
	if e.Status != 0 && e.Method != "" && e.URL != "" {
		notes = append(notes, e.Method+" "+e.URL)
	}
	if e.RequestID != "" {
		notes = append(notes, "request id "+e.RequestID)
	}
	if e.Attempts > 1 {
		notes = append(notes, fmt.Sprintf("after %d attempts", e.Attempts))
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return e.red.clean(s)
}

// Unwrap returns the underlying failure.
func (e *Error) Unwrap() error { return e.Err }

// HintOf is the Hint of the engine's Error in err's chain, "" when it has
// none: what to do about the failure, which every place that shows an
// error says after it (the CLI's "tokenscope: hint:" lines, the explorer's
// detail pane).
func HintOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Hint
	}
	return ""
}

// isDigits reports whether s is a non-empty run of ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// words is what an error body says, in whichever dialect.
type words struct {
	code, desc string
	num        string // a numeric code (Telenor), when there is one
	id         string // the server's id of the request, when it gives one
}

// Member names, lowercased, that hold an error code or a description, in
// order of preference.
var (
	codeKeys = [...]string{"error", "error_code", "errorcode", "code", "error_type", "errortype", "output_responsecode"}
	descKeys = [...]string{"error_description", "errordescription", "message", "error_message", "errormessage",
		"description", "detail", "details", "faultstring", "title", "msg", "reason", "output_responsedesc"}
	// idKeys name the id a server gives one request, for its support desk
	// (Daraja's requestId, Vodacom's output_ConversationID).
	idKeys = [...]string{"requestid", "request_id", "output_conversationid"}
)

// serverWords reads an error body: RFC 6749 {"error", "error_description"},
// MoMo {"error"}, Telenor's numeric codes under "code", "error_code",
// "errorCode" or "error", Safaricom Daraja {"requestId", "errorCode",
// "errorMessage"}, Vodacom {"output_ResponseCode", "output_ResponseDesc"},
// Azure API Management {"statusCode", "message"},
// Apigee {"fault": {"faultstring", "detail": {"errorcode"}}} and objects
// nested under "error". ok is false when the body is not a JSON object or
// names neither a code nor a description.
func serverWords(body []byte) (w words, ok bool) {
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(b) == 0 || b[0] != '{' {
		return words{}, false
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if d.Decode(&m) != nil {
		return words{}, false
	}
	w = wordsOf(m, 0)
	return w, w.code != "" || w.desc != ""
}

// wordsOf finds the code and description in one object, looking into the
// nested objects servers wrap them in.
func wordsOf(m map[string]any, depth int) words {
	lower := make(map[string]any, len(m))
	for k, v := range m {
		lower[strings.ToLower(k)] = v
	}
	var w words
	var sentence string // a "code" that is prose: Apigee's {"Error": "…", "ErrorCode": "invalid_client"}
	for _, k := range codeKeys {
		s, ok := scalarText(lower[k])
		switch {
		case !ok || s == "":
		case strings.ContainsAny(strings.TrimSpace(s), " \t\n"):
			if sentence == "" {
				sentence = s
			}
		case w.code == "":
			w.code = s
		}
		if ok && w.num == "" && isDigits(s) {
			w.num = s
		}
	}
	for _, k := range descKeys {
		if s, ok := scalarText(lower[k]); ok && s != "" {
			w.desc = s
			break
		}
	}
	for _, k := range idKeys {
		if s, ok := scalarText(lower[k]); ok && s != "" {
			w.id = s
			break
		}
	}
	if sentence != "" {
		if w.code == "" && w.desc == "" {
			w.code = sentence
		} else if w.desc == "" {
			w.desc = sentence
		}
	}
	if depth < 2 {
		for _, k := range [...]string{"error", "fault", "detail", "errors"} {
			inner := lower[k]
			if list, ok := inner.([]any); ok && len(list) > 0 {
				inner = list[0]
			}
			if obj, ok := inner.(map[string]any); ok {
				in := wordsOf(obj, depth+1)
				if w.code == "" {
					w.code = in.code
				}
				if w.desc == "" {
					w.desc = in.desc
				}
				if w.num == "" {
					w.num = in.num
				}
			}
		}
	}
	return w
}

// scalarText renders a JSON string or number as text.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// oneLine is server text fit for one line: secrets masked, whitespace
// collapsed, cut to about bodyStartLimit characters.
func oneLine(s string, red *redactor) string {
	s = red.clean(strings.Join(strings.Fields(red.clean(s)), " "))
	return truncate(s, bodyStartLimit)
}

// Operations named in errors.
const (
	opFetch   = "fetch token"
	opRefresh = "refresh token"
	opLogout  = "logout"
	opRevoke  = "revoke token"
	opTry     = "try"
)

// responseError turns a failed answer into an *Error in the server's words,
// with a meaning and a hint where they are known.
func responseError(op string, p providers.Provider, rq *request, resp *response, red *redactor) *Error {
	e := &Error{Op: op, Provider: p.Name, Status: resp.status, Attempts: resp.attempts, red: red}
	e.Method, e.URL = rq.named(red)
	w, ok := serverWords(resp.body)
	if ok {
		e.Code = oneLine(w.code, red)
		e.Description = oneLine(w.desc, red)
		e.RequestID = truncate(oneLine(w.id, red), 80)
	} else {
		e.BodyStart = bodyStart(resp.body, red)
	}
	if loc := resp.header.Get("Location"); loc != "" && resp.status >= 300 && resp.status < 400 && !ok {
		// A Location may carry a code or a token in its query or fragment,
		// masked by name: the redactor knows only the secrets we sent.
		e.Description = "redirected to " + truncate(red.clean(maskURL(loc, redirectSecret)), bodyStartLimit)
	}
	if p.Preset == "telenor" && w.num != "" {
		e.Meaning = telenorMeaning(op, resp.status, w.num)
		if w.num != e.Code {
			e.Number = w.num
		}
	}
	e.Hint = hint(op, p, resp, e)
	return e
}

// notATokenResponse is the hint for a 2xx answer that holds no token.
const notATokenResponse = "the server answered 2xx with something that is not a token response: check token_url"

// unreadableAnswer is the error for a 2xx answer that is not what op
// expects (err says how): its start is shown with the secrets it carries
// masked too, and hint says which URL to check.
func unreadableAnswer(op string, p providers.Provider, rq *request, resp *response, red *redactor, err error, hint string) *Error {
	red = red.answer(resp.body)
	e := &Error{Op: op, Provider: p.Name, Status: resp.status, Attempts: resp.attempts,
		BodyStart: bodyStart(resp.body, red), Err: err, red: red, Hint: hint}
	e.Method, e.URL = rq.named(red)
	return e
}

// sameWords reports whether two texts say the same, ignoring case, spaces
// and final punctuation: a description that only repeats a code's meaning
// is not shown twice.
func sameWords(a, b string) bool {
	norm := func(s string) string {
		return strings.TrimRight(strings.Join(strings.Fields(strings.ToLower(s)), " "), ".!")
	}
	return b != "" && norm(a) == norm(b)
}

// vodacomCode reports whether code is one of Vodacom's output_ResponseCode
// values ("INS-0", "INS-2001").
func vodacomCode(code string) bool {
	n, ok := strings.CutPrefix(strings.ToUpper(code), "INS-")
	return ok && isDigits(n)
}

// refusedIn2xx reports whether a 2xx body is a refusal all the same: a
// Vodacom answer whose output_ResponseCode is not INS-0, the one code of
// success.
func refusedIn2xx(body []byte) bool {
	w, ok := serverWords(body)
	return ok && vodacomCode(w.code) && !strings.EqualFold(w.code, "INS-0")
}
