package oauth

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// MoMo's sandbox user provisioning API: what every MoMo developer does by
// hand with curl before a first token. An API user is created under an id
// the caller chooses (X-Reference-Id, a UUID v4), then an API key for it;
// the pair is the Basic credential of the product's token endpoint.

// Operations of the provisioning API, as errors name them.
const (
	OpCreateAPIUser = "create API user"
	OpCreateAPIKey  = "create API key"
	OpReadAPIUser   = "read API user"
)

// DefaultSandboxURL is the base URL of MoMo's sandbox.
const DefaultSandboxURL = "https://sandbox.momodeveloper.mtn.com"

// SubscriptionKeyHeader is the header of a MoMo product's subscription key.
const SubscriptionKeyHeader = "Ocp-Apim-Subscription-Key"

// Sandbox is MoMo's sandbox provisioning API as one subscription key
// reaches it.
type Sandbox struct {
	// BaseURL is the sandbox's base URL, without the /v1_0 part
	// (DefaultSandboxURL; a test server's URL).
	BaseURL string
	// SubscriptionKey is the product's subscription key (a secret).
	SubscriptionKey providers.Secret
	// Timeout bounds each request; zero means providers.DefaultTimeout.
	Timeout time.Duration
}

// APIUser is an API user as the sandbox describes it (GET
// /v1_0/apiuser/{id}). Its strings are the server's text.
type APIUser struct {
	ProviderCallbackHost string `json:"providerCallbackHost"`
	TargetEnvironment    string `json:"targetEnvironment"`
}

// NewReferenceID returns a fresh random UUID version 4 (RFC 9562 §5.4),
// from crypto/rand, as MoMo wants for X-Reference-Id.
func NewReferenceID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make a reference id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // the RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// ValidReferenceID reports whether s is a UUID version 4 in its canonical
// text form (8-4-4-4-12 hexadecimal digits, the version digit 4, the
// variant 8, 9, a or b), the only X-Reference-Id MoMo accepts. Capitals
// are accepted, as UUID parsers do.
func ValidReferenceID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
			continue
		}
		if !isHex(c) {
			return false
		}
	}
	return s[14] == '4' && strings.IndexByte("89abAB", s[19]) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// provider is the pretend provider the engine's request path sends the
// provisioning requests for: its name (the API user's id, which errors
// name), its subscription key as a secret header (masked in traces and
// errors) and its timeout.
func (s Sandbox) provider(id string) providers.Provider {
	return providers.Provider{Name: id, Timeout: s.Timeout,
		Headers: map[string]providers.Secret{SubscriptionKeyHeader: s.SubscriptionKey}}
}

// url is the provisioning API's URL for path (which starts with a slash).
func (s Sandbox) url(path string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/v1_0/apiuser" + path
}

// check refuses what would be sent in vain or not at all.
func (s Sandbox) check(op, id string) error {
	switch {
	case !ValidReferenceID(id):
		return &Error{Op: op, Provider: id, Err: errors.New("the API user id must be a UUID version 4")}
	case s.SubscriptionKey == "":
		return &Error{Op: op, Provider: id, Err: errors.New("no subscription key")}
	}
	if err := providers.CheckURL("base URL", s.BaseURL); err != nil {
		return &Error{Op: op, Provider: id, Err: err}
	}
	return nil
}

// CreateAPIUser creates the API user id (a UUID v4) with its callback
// host: POST /v1_0/apiuser with X-Reference-Id and the JSON body
// {"providerCallbackHost": …}, answered 201. It is never retried: a
// second attempt after a lost answer would meet the first's user (409).
// A failure is an *Error; with no answer (Status 0) the user may or may
// not exist on the server.
func (c *Client) CreateAPIUser(ctx context.Context, s Sandbox, id, callbackHost string) error {
	if err := s.check(OpCreateAPIUser, id); err != nil {
		return err
	}
	p := s.provider(id)
	red := newRedactor(p)
	rq := &request{method: http.MethodPost, url: s.url(""), accept: contentJSON, header: headerForm(p),
		plain:       form{{key: "X-Reference-Id", value: id}},
		rawBody:     `{"providerCallbackHost":` + jsonString(callbackHost) + `}`,
		contentType: contentJSON}
	resp, err := c.send(ctx, p, OpCreateAPIUser, rq, red, false, false)
	if err != nil {
		return err
	}
	if resp.status != http.StatusCreated {
		return sandboxError(OpCreateAPIUser, p, rq, resp, red)
	}
	return nil
}

// CreateAPIKey creates a new API key for the API user id: POST
// /v1_0/apiuser/{id}/apikey, answered 201 {"apiKey": …}. The key is the
// user's password (a provider's client secret): the trace and every error
// mask it. Each call makes a new key, so it is never retried either.
func (c *Client) CreateAPIKey(ctx context.Context, s Sandbox, id string) (providers.Secret, error) {
	if err := s.check(OpCreateAPIKey, id); err != nil {
		return "", err
	}
	p := s.provider(id)
	red := newRedactor(p)
	red.field = "apiKey" // masked in the answer, in the trace too
	rq := &request{method: http.MethodPost, url: s.url("/" + id + "/apikey"), accept: contentJSON, header: headerForm(p)}
	resp, err := c.send(ctx, p, OpCreateAPIKey, rq, red, false, false)
	if err != nil {
		return "", err
	}
	if resp.status != http.StatusCreated {
		return "", sandboxError(OpCreateAPIKey, p, rq, resp, red)
	}
	key, err := ParseAPIKey(resp.body)
	if err != nil {
		e := &Error{Op: OpCreateAPIKey, Provider: id, Status: resp.status, Err: err, red: red.answer(resp.body),
			Hint: "the server answered 201 with something that is not an API key: check the base URL"}
		e.Method, e.URL = rq.named(red)
		return "", e
	}
	return key, nil
}

// ParseAPIKey reads the apikey answer: a JSON object whose apiKey member
// is a non-empty string without control characters or spaces (it travels
// in a Basic header). Other members are ignored.
func ParseAPIKey(body []byte) (providers.Secret, error) {
	b := bytes.TrimSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return "", errors.New("the answer is not a JSON object")
	}
	var m struct {
		APIKey *json.RawMessage `json:"apiKey"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return "", errors.New("the answer is not valid JSON")
	}
	if m.APIKey == nil {
		return "", errors.New("the answer has no apiKey")
	}
	var key string
	if err := json.Unmarshal(*m.APIKey, &key); err != nil {
		return "", errors.New("apiKey is not a string")
	}
	switch {
	case key == "":
		return "", errors.New("apiKey is empty")
	case strings.IndexFunc(key, func(r rune) bool { return r <= ' ' || r == 0x7f || r == ':' }) >= 0:
		// A key that could not go in a Basic header as it is: never
		// quoted, it is a secret.
		return "", errors.New("apiKey holds spaces, colons or control characters")
	}
	return providers.Secret(key), nil
}

// ReadAPIUser reads the API user id back: GET /v1_0/apiuser/{id},
// answered 200 with its callback host and target environment. It is
// retried as a token request is: reading has no effect.
func (c *Client) ReadAPIUser(ctx context.Context, s Sandbox, id string) (APIUser, error) {
	if err := s.check(OpReadAPIUser, id); err != nil {
		return APIUser{}, err
	}
	p := s.provider(id)
	red := newRedactor(p)
	rq := &request{method: http.MethodGet, url: s.url("/" + id), accept: contentJSON, header: headerForm(p)}
	resp, err := c.send(ctx, p, OpReadAPIUser, rq, red, true, false)
	if err != nil {
		return APIUser{}, err
	}
	if resp.status != http.StatusOK {
		return APIUser{}, sandboxError(OpReadAPIUser, p, rq, resp, red)
	}
	var u APIUser
	if err := json.Unmarshal(bytes.TrimSpace(resp.body), &u); err != nil {
		e := &Error{Op: OpReadAPIUser, Provider: id, Status: resp.status, Err: errors.New("the answer is not an API user"),
			BodyStart: bodyStart(resp.body, red), red: red, Hint: "check the base URL"}
		e.Method, e.URL = rq.named(red)
		return APIUser{}, e
	}
	return u, nil
}

// sandboxError is a refusal of the provisioning API in the server's words
// (MoMo's {"code", "message"}, API Management's {"statusCode",
// "message"}), with the usual cause as its hint.
func sandboxError(op string, p providers.Provider, rq *request, resp *response, red *redactor) *Error {
	e := responseError(op, p, rq, resp, red)
	switch {
	case resp.status == http.StatusUnauthorized:
		e.Hint = "check the subscription key: collection, disbursement and remittance each have their own " +
			"(Profile at momodeveloper.mtn.com), and the secondary key works too"
	case resp.status == http.StatusConflict:
		e.Hint = "an API user with that X-Reference-Id exists already"
	case resp.status == http.StatusNotFound && op != OpCreateAPIUser:
		e.Hint = "the sandbox has no API user with that id"
	case resp.status == http.StatusBadRequest:
		e.Hint = "the sandbox refused the request as off its specification"
	case resp.status >= 500:
		e.Hint = "the sandbox failed: MoMo's sandbox does so at times, try again in a moment"
	default:
		e.Hint = ""
	}
	return e
}
