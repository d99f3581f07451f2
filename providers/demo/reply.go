package demo

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// member is one name and value of a JSON object.
type member struct {
	key   string
	value any
}

// object is a JSON object that keeps its members in the order written, so
// that answers look exactly like the providers' documented ones.
type object []member

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "demo server: cannot encode answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeToken answers a successful token request: RFC 6749 §5.1 forbids
// caching it.
func writeToken(w http.ResponseWriter, v any) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, v)
}

// rfcError is the RFC 6749 §5.2 error body.
func rfcError(code, desc string) object {
	return object{{"error", code}, {"error_description", desc}}
}

// mediaType is the request's content type without parameters, lowercased.
func mediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}

// isForm reports whether the request says its body is a form.
func isForm(r *http.Request) bool {
	return mediaType(r) == "application/x-www-form-urlencoded"
}

// formOf parses the body as a form; ok is false when it is not one (or
// does not say it is one).
func formOf(x *exchange) (url.Values, bool) {
	if !isForm(x.r) {
		return nil, false
	}
	v, err := url.ParseQuery(string(x.body))
	if err != nil {
		return nil, false
	}
	return v, true
}

// basicCredentials reads an HTTP Basic Authorization header as sent: the
// user and password exactly as base64-decoded. present is false when the
// header is absent, ok false when it is not a well-formed Basic header.
func basicCredentials(r *http.Request) (user, pass string, present, ok bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", "", false, false
	}
	user, pass, ok = r.BasicAuth()
	return user, pass, true, ok
}

// oauthBasicCredentials reads the Basic header the way RFC 6749 §2.3.1
// defines it for OAuth clients: the id and secret are form-encoded before
// they are joined, so both are form-decoded here.
func oauthBasicCredentials(r *http.Request) (id, secret string, present, ok bool) {
	user, pass, present, ok := basicCredentials(r)
	if !ok {
		return "", "", present, false
	}
	id, err1 := url.QueryUnescape(user)
	secret, err2 := url.QueryUnescape(pass)
	if err1 != nil || err2 != nil {
		return "", "", true, false
	}
	return id, secret, true, true
}

// bearerToken reads an "Authorization: Bearer TOKEN" header; ok is false
// when the header is missing or is not a Bearer header with a token.
func bearerToken(r *http.Request) (string, bool) {
	scheme, tok, found := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	if !found || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return tok, true
}

// alphabet is what opaque tokens are made of.
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// opaque returns a random alphanumeric token of n characters, like the
// ones Apigee and Telenor hand out.
func opaque(n int) string {
	out := make([]byte, 0, n)
	for len(out) < n {
		for _, c := range randomBytes(n) {
			// 248 is the largest multiple of 62 under 256: no bias.
			if c < 248 && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand documents it)
	return b
}

// uuid returns a random RFC 4122 version 4 UUID.
func uuid() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := make([]byte, 0, 36)
	const hex = "0123456789abcdef"
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			h = append(h, '-')
		}
		h = append(h, hex[c>>4], hex[c&0x0f])
	}
	return string(h)
}

// b64url is unpadded base64url, as JOSE uses it.
func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
