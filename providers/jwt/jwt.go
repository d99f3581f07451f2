// Package jwt decodes the header and claims of JWS compact tokens for
// display, checks their time claims, and verifies their signatures against a
// provider's own configured JWKS, never against keys the token points at.
package jwt

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/internal/jsontext"
)

// JWT is a decoded JWS compact token. Header and Claims keep the members in
// the order the token has them, each value as its JSON text (the
// providers.Field a token response's extra members are kept as); HeaderMap and
// ClaimsMap hold the same members decoded as encoding/json decodes into any.
type JWT struct {
	Raw       string
	Header    []providers.Field
	Claims    []providers.Field
	HeaderMap map[string]any
	ClaimsMap map[string]any
}

// ErrOpaque says a token is not a JWS: not three base64url parts, or a first
// part that is not a JSON object with an "alg". An opaque token is normal
// (many providers issue them), so callers show it as such, not as an error.
var ErrOpaque = errors.New("opaque token (not a JWT)")

// ErrMalformed is wrapped by the error Parse returns for a token that looks
// like a JWT (three parts, a JWS header) but whose claims or signature part
// cannot be decoded.
var ErrMalformed = errors.New("malformed jwt")

// Parse decodes raw as a JWS compact token. It returns an error wrapping
// ErrOpaque when raw is not a JWS, and one wrapping ErrMalformed, naming the
// bad part, when the header is a JWS header but the rest is broken. Parse
// does not verify the signature; see Verify.
func Parse(raw string) (*JWT, error) {
	raw = strings.TrimSpace(raw)
	h, rest, ok := strings.Cut(raw, ".")
	if !ok {
		return nil, ErrOpaque
	}
	c, s, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(s, ".") || h == "" {
		return nil, ErrOpaque
	}
	hb, err := decodeSegment(h)
	if err != nil {
		return nil, ErrOpaque
	}
	header, hmap, err := decodeObject(hb)
	if err != nil {
		return nil, ErrOpaque
	}
	if alg, ok := hmap["alg"].(string); !ok || alg == "" {
		return nil, ErrOpaque
	}
	cb, err := decodeSegment(c)
	if err != nil {
		return nil, fmt.Errorf("%w: claims (second part) are not base64url: %v", ErrMalformed, err)
	}
	claims, cmap, err := decodeObject(cb)
	if err != nil {
		return nil, fmt.Errorf("%w: claims (second part) are not a JSON object: %v", ErrMalformed, err)
	}
	if err := checkSegment(s); err != nil {
		return nil, fmt.Errorf("%w: signature (third part) is not base64url: %v", ErrMalformed, err)
	}
	return &JWT{Raw: raw, Header: header, Claims: claims, HeaderMap: hmap, ClaimsMap: cmap}, nil
}

// Alg returns the header's "alg".
func (j *JWT) Alg() string {
	s, _ := j.HeaderMap["alg"].(string)
	return s
}

// Kid returns the header's "kid", or "" when there is none.
func (j *JWT) Kid() string {
	s, _ := j.HeaderMap["kid"].(string)
	return s
}

// decodeSegment decodes one base64url part, tolerating "=" padding but not
// the line breaks the base64 package would otherwise skip.
func decodeSegment(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	if strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0 {
		return nil, errors.New("line break inside a part")
	}
	return base64.RawURLEncoding.DecodeString(s)
}

// checkSegment accepts what decodeSegment would decode, without decoding:
// the signature part is only validated here (Verify reads it itself).
func checkSegment(s string) error {
	s = strings.TrimRight(s, "=")
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("illegal base64url data at input byte %d", i)
		}
	}
	if len(s)%4 == 1 {
		return fmt.Errorf("illegal base64url data at input byte %d", len(s)-1)
	}
	return nil
}

// decodeObject decodes a JSON object into its members, in the order the
// token has them, and a map of the same members as encoding/json decodes
// them into any. A name that appears twice is listed twice: the display
// shows what the token really holds, while the map keeps the last, as
// encoding/json does.
func decodeObject(b []byte) ([]providers.Field, map[string]any, error) {
	ms, err := jsontext.Members(b)
	if err != nil {
		return nil, nil, err
	}
	fields := make([]providers.Field, len(ms))
	m := make(map[string]any, len(ms))
	for i, mb := range ms {
		var v any
		if err := json.Unmarshal(mb.Raw, &v); err != nil {
			return nil, nil, err
		}
		fields[i] = providers.Field{Key: mb.Key, Value: valueText(mb.Raw)}
		m[mb.Key] = v
	}
	return fields, m, nil
}

// valueText returns a value's JSON text on one line: objects and arrays
// laid out over several lines in the token are compacted.
func valueText(raw []byte) string {
	if len(raw) > 0 && (raw[0] == '{' || raw[0] == '[') && bytes.ContainsAny(raw, "\n\r\t") {
		var buf bytes.Buffer
		if json.Compact(&buf, raw) == nil {
			return buf.String()
		}
	}
	return string(raw)
}
