package oauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/internal/jsontext"
	"github.com/tokenscope/tokenscope/providers/jwt"
)

// maxLifetime bounds an expires_in taken at its word (a century).
const maxLifetime = 100 * 365 * 24 * time.Hour

// ParseTokenResponse reads a token endpoint's successful answer as leniently
// as the providers write it: expires_in as an integer, a string or a float
// ("3599.0"); any token_type ("BearerToken"); issued_at in epoch
// milliseconds or seconds, as a number or a string; no expires_in at all
// (the expiry then comes from the access token's JWT exp claim, else it is
// unknown). Every member not mapped to a Token field is kept in Extra in
// the server's order, its value as JSON text, up to MaxExtraFields and
// MaxExtraBytes; ExtraDropped counts the fields past those. The Date header gives the
// clock skew, now being when the answer arrived. A form-encoded body
// (access_token=...&...) is accepted when the Content-Type says so.
func ParseTokenResponse(body []byte, h http.Header, now time.Time) (*providers.Token, error) {
	return ParseTokenResponseFields(body, h, now, providers.ResponseFields{})
}

// ParseTokenResponseFields is ParseTokenResponse for a provider whose
// answer holds the token and its lifetime under other names, or the
// lifetime in another unit (providers.Provider.Fields); a zero member of f
// means the RFC 6749 name, or seconds. The member it reads the token from
// is the only one: a provider whose token is "token" has its
// "access_token", if it sends one, kept in Extra.
func ParseTokenResponseFields(body []byte, h http.Header, now time.Time, f providers.ResponseFields) (*providers.Token, error) {
	f = withDefaults(f)
	b := bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(b) == 0 {
		return nil, errors.New("empty token response")
	}
	var raw []member
	var err error
	if b[0] != '{' && isForm(h.Get("Content-Type")) {
		raw, err = formMembers(string(b))
	} else {
		raw, err = jsonMembers(b)
	}
	if err != nil {
		return nil, err
	}
	tok := &providers.Token{IssuedAt: now, ReceivedAt: now, ExpirySource: providers.ExpiryUnknown}
	var expiresIn time.Duration
	for _, m := range raw {
		if !mapMember(tok, role(f, m), &expiresIn, f.Unit) {
			tok.AddExtra(providers.Field{Key: m.key, Value: m.text}, len(raw))
		}
	}
	if tok.AccessToken == "" {
		return nil, fmt.Errorf("token response has no %s (members: %s)", f.Token, memberNames(raw))
	}
	if err := tok.Check(); err != nil {
		return nil, fmt.Errorf("token response refused: %w", err)
	}
	// Kept as JSON, bytes that are not UTF-8 would each grow to \ufffd.
	tok.Scope = strings.ToValidUTF8(tok.Scope, "\uFFFD")
	if err := tok.CheckSize(); err != nil {
		return nil, fmt.Errorf("token response refused: %w", err)
	}
	switch {
	case expiresIn > 0:
		tok.ExpiresAt = now.Add(expiresIn)
		tok.ExpirySource = providers.ExpiryFromExpiresIn
	default:
		if j, err := jwt.Parse(tok.AccessToken.Reveal()); err == nil {
			if exp, ok := j.Expiry(); ok {
				tok.ExpiresAt = exp
				tok.ExpirySource = providers.ExpiryFromJWT
			}
		}
	}
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		// Date has whole seconds: compare it with ours cut to seconds.
		tok.ClockSkew = d.Sub(now.Truncate(time.Second))
	}
	return tok, nil
}

// memberNames lists the members' names for an error, shortly.
func memberNames(ms []member) string {
	if len(ms) == 0 {
		return "none"
	}
	var names []string
	for i, m := range ms {
		if i == 12 {
			names = append(names, "…")
			break
		}
		names = append(names, m.key)
	}
	return strings.Join(names, ", ")
}

// member is one name and value of a token response: text is the value's
// JSON text, str its string value when it is a JSON string.
type member struct {
	key, text string
	str       string
	isStr     bool
}

// withDefaults fills the zero members of f with the RFC 6749 names and
// seconds.
func withDefaults(f providers.ResponseFields) providers.ResponseFields {
	return providers.Provider{TokenField: f.Token, ExpiresField: f.Expires, ExpiresUnit: f.Unit}.Fields()
}

// unmapped is a name no member can have: mapMember keeps it in Extra.
const unmapped = "\x00"

// role renames m to the RFC 6749 name of what it holds under f: the
// provider's token member becomes access_token, its lifetime expires_in,
// and the RFC 6749 members that f moves elsewhere become unmapped.
func role(f providers.ResponseFields, m member) member {
	switch m.key {
	case f.Token:
		m.key = providers.DefaultTokenField
	case f.Expires:
		m.key = providers.DefaultExpiresField
	case providers.DefaultTokenField, providers.DefaultExpiresField:
		m.key = unmapped
	}
	return m
}

// mapMember sets the Token field m maps to and reports whether it did; a
// member whose value does not fit its field stays in Extra. A lifetime is
// counted in unit.
func mapMember(t *providers.Token, m member, expiresIn *time.Duration, unit providers.ExpiresUnit) bool {
	switch m.key {
	case "access_token":
		if m.isStr {
			t.AccessToken = providers.Secret(m.str)
			return true
		}
	case "refresh_token":
		if m.isStr {
			t.RefreshToken = providers.Secret(m.str)
			return true
		}
	case "token_type":
		if m.isStr {
			t.TokenType = m.str
			return true
		}
	case "scope":
		if m.isStr {
			t.Scope = m.str
			return true
		}
		var list []string
		if json.Unmarshal([]byte(m.text), &list) == nil {
			t.Scope = strings.Join(list, " ")
			return true
		}
	case "expires_in":
		if n, ok := number(m); ok && n >= 0 && n*unit.Duration().Seconds() <= maxLifetime.Seconds() {
			d := time.Duration(n * float64(unit.Duration()))
			t.ExpiresIn = int64(d / time.Second)
			*expiresIn = d
			return true
		}
	case "issued_at":
		if at, ok := issuedAt(m); ok {
			t.IssuedAt = at
			return true
		}
	}
	return false
}

// number reads a member that holds a number, or a string of one.
func number(m member) (float64, bool) {
	s := m.text
	if m.isStr {
		s = strings.TrimSpace(m.str)
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return float64(n), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// issuedAt reads issued_at: epoch milliseconds (MTN), or seconds when the
// number is clearly seconds (1973 to 5138 as seconds), or an RFC 3339 time.
func issuedAt(m member) (time.Time, bool) {
	if n, ok := number(m); ok {
		switch {
		case n >= 1e11 && n < 1e14:
			return time.UnixMilli(int64(n)), true
		case n >= 1e8 && n < 1e11:
			return time.Unix(int64(n), 0), true
		}
		return time.Time{}, false
	}
	if m.isStr {
		if t, err := time.Parse(time.RFC3339, m.str); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// jsonMembers splits a JSON object into its members, in order, refusing
// anything that is not exactly one object.
func jsonMembers(b []byte) ([]member, error) {
	if !json.Valid(b) {
		var v any
		err := json.Unmarshal(b, &v)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return nil, fmt.Errorf("token response is not JSON: %w", err)
	}
	if b[0] != '{' {
		return nil, fmt.Errorf("token response is JSON but not an object (it starts with %s)", jsonKind(b[0]))
	}
	ms, err := jsontext.Members(b)
	if err != nil {
		return nil, fmt.Errorf("token response is not JSON: %w", err)
	}
	out := make([]member, len(ms))
	for i, m := range ms {
		out[i] = newMember(m.Key, m.Raw)
	}
	return out, nil
}

// unquote decodes a valid JSON string.
func unquote(q []byte) string {
	if bytes.IndexByte(q, '\\') < 0 {
		return string(q[1 : len(q)-1])
	}
	var s string
	_ = json.Unmarshal(q, &s)
	return s
}

// newMember makes a member from a raw JSON value.
func newMember(key string, raw []byte) member {
	m := member{key: key}
	if len(raw) > 0 && raw[0] == '"' {
		m.isStr = true
		m.text = string(raw)
		if bytes.IndexByte(raw, '\\') < 0 {
			m.str = m.text[1 : len(m.text)-1]
		} else {
			m.str = unquote(raw)
		}
		return m
	}
	if len(raw) > 0 && (raw[0] == '{' || raw[0] == '[') && bytes.ContainsAny(raw, " \t\r\n") {
		var c bytes.Buffer
		if json.Compact(&c, raw) == nil {
			raw = c.Bytes()
		}
	}
	m.text = string(raw)
	return m
}

// jsonKind names the kind of JSON value that starts with c.
func jsonKind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// isForm reports whether a Content-Type is a form or plain text, the types
// old servers send a form-encoded token response with.
func isForm(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == contentForm || mt == "text/plain"
}

// formMembers decodes a form-encoded token response, in order.
func formMembers(s string) ([]member, error) {
	var out []member
	for part := range strings.SplitSeq(s, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("token response is neither JSON nor a valid form: %q is badly escaped", truncate(k, 40))
		}
		text, _ := json.Marshal(val)
		out = append(out, member{key: key, text: string(text), str: val, isStr: true})
	}
	return out, nil
}
