package providers

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// A token response's extra fields are kept in the store with the token, so
// what one server may add to it is bounded: without a bound, a few 1 MiB
// answers padded with fields would push the vault past the size the store
// reads (store.MaxFileSize, 16 MiB) and lock the user out of every other
// provider. Real responses carry a handful of extra fields (an id_token of a
// few KiB is the largest seen: Azure, Okta, Keycloak send under 20 fields
// and under 16 KiB), so 64 fields and 64 KiB leave ample room for them,
// while 256 providers' worth of maximal extras would still be only a
// quarter of the vault's limit.
const (
	// MaxExtraFields is how many extra fields one token keeps.
	MaxExtraFields = 64
	// MaxExtraBytes is how many bytes of extra fields (keys and values'
	// JSON text) one token keeps.
	MaxExtraBytes = 64 << 10
)

// AddExtra appends f to t.Extra if it fits under MaxExtraFields and
// MaxExtraBytes, else counts it in t.ExtraDropped, and reports whether it
// kept f. A field that does not fit is dropped whole, never cut: a cut
// JSON value would not parse. hint is how many fields may come in all, so
// that Extra is allocated once. Key and value are made valid UTF-8 first:
// each invalid byte would be stored as a six-byte \ufffd.
func (t *Token) AddExtra(f Field, hint int) bool {
	f.Key, f.Value = strings.ToValidUTF8(f.Key, "\uFFFD"), strings.ToValidUTF8(f.Value, "\uFFFD")
	size := len(f.Key) + len(f.Value)
	if len(t.Extra) >= MaxExtraFields || t.extraBytes()+size > MaxExtraBytes {
		t.ExtraDropped++
		return false
	}
	if t.Extra == nil {
		t.Extra = make([]Field, 0, min(hint, MaxExtraFields))
	}
	t.Extra = append(t.Extra, f)
	return true
}

// extraBytes is the size keepExtra counts of the extra fields kept.
func (t *Token) extraBytes() int {
	n := 0
	for _, f := range t.Extra {
		n += len(f.Key) + len(f.Value)
	}
	return n
}

// MaxTokenBytes bounds what one token takes in the store, counted as the
// store writes it (a control character as a six-byte escape, a quote as
// two): the access and refresh tokens, the type, the scope and the extra
// fields together. The largest real tokens (an Azure access token with
// its groups, an id_token) are tens of KiB; at 256 KiB one provider's
// token is a sixty-fourth of the store's limit (store.MaxFileSize), and
// replacing it never grows the store.
const MaxTokenBytes = 256 << 10

// CheckSize refuses a token that would take more than MaxTokenBytes in
// the store.
func (t *Token) CheckSize() error {
	n := storedLen(t.AccessToken.Reveal()) + storedLen(t.RefreshToken.Reveal()) +
		storedLen(t.TokenType) + storedLen(t.Scope)
	for _, f := range t.Extra {
		n += storedLen(f.Key) + storedLen(f.Value)
	}
	if n > MaxTokenBytes {
		return fmt.Errorf("the token would take %d KiB in the store, and one token takes at most %d KiB",
			(n+1023)>>10, MaxTokenBytes>>10)
	}
	return nil
}

// storedLen is an upper bound of the length of s as a JSON string in the
// store: six bytes for a control character, an invalid byte or U+2028 and
// U+2029, two for a quote or a backslash.
func storedLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c < 0x20:
				n += 6
			case c == '"' || c == '\\':
				n += 2
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}
