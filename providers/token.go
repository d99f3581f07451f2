package providers

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Token is what a token endpoint gave, normalised across dialects, with
// every field the server sent kept for display.
type Token struct {
	AccessToken Secret `json:"access_token"`
	// Bearer is what requests present when it is not the access token
	// itself: Vodacom's session encrypted to the provider's public key.
	// Empty for every other provider.
	Bearer       Secret `json:"bearer,omitempty"`
	TokenType    string `json:"token_type,omitempty"`
	RefreshToken Secret `json:"refresh_token,omitempty"`
	Scope        string `json:"scope,omitempty"`
	// IssuedAt is when the token was issued: the server's issued_at when it
	// sent one (MTN, in epoch milliseconds), else when the answer arrived.
	IssuedAt time.Time `json:"issued_at"`
	// ReceivedAt is when tokenscope received the token, by its own clock,
	// whatever the server says in issued_at; zero in a token stored before
	// it was kept (Received then falls back to IssuedAt).
	ReceivedAt time.Time `json:"received_at,omitzero"`
	// ExpiresAt is zero when the expiry is unknown.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// ExpiresIn is the lifetime the server stated, in seconds; zero if none.
	ExpiresIn int64 `json:"expires_in,omitempty"`
	// ExpirySource says where ExpiresAt came from.
	ExpirySource ExpirySource `json:"expiry_source"`
	// ClockSkew is the server's clock (its Date header) minus ours.
	ClockSkew time.Duration `json:"clock_skew,omitempty"`
	// Extra holds every response field not mapped above, in the order the
	// server sent them, each value as its JSON text.
	Extra []Field `json:"extra,omitempty"`
	// ExtraDropped is how many more fields the server sent than Extra
	// keeps (MaxExtraFields, MaxExtraBytes): the display says the list is
	// truncated.
	ExtraDropped int `json:"extra_dropped,omitempty"`
	// Nonce is the nonce the browser login's authorization request sent
	// (OpenID Connect Core §3.1.2.1), kept with the grant so that every
	// check of its id_token compares the nonce claim with it; "" when none
	// was sent (the device grant, a scope without openid, any other grant).
	Nonce Secret `json:"nonce,omitempty"`
	// Refreshed says the token came from the refresh_token grant: its
	// id_token need not carry the login's nonce (OpenID Connect Core
	// §12.2), though one that does must carry the same.
	Refreshed bool `json:"refreshed,omitempty"`
}

// Received is when tokenscope received t: ReceivedAt, or IssuedAt for a
// token stored before ReceivedAt was kept. Checks of what the server
// claims (a JWT issued already expired) measure against it, since the
// server controls issued_at.
func (t *Token) Received() time.Time {
	if !t.ReceivedAt.IsZero() {
		return t.ReceivedAt
	}
	return t.IssuedAt
}

// ExpirySource says how a token's expiry was learnt.
type ExpirySource string

// The sources of an expiry.
const (
	ExpiryFromExpiresIn ExpirySource = "expires_in"
	ExpiryFromJWT       ExpirySource = "jwt exp"
	ExpiryUnknown       ExpirySource = "unknown"
	// ExpiryFromLifetime is the provider's lifetime setting: the server
	// stated none (Vodacom's sessions), the user did.
	ExpiryFromLifetime ExpirySource = "lifetime"
	// ExpiryNever is a static key's: it lasts until it is rotated.
	ExpiryNever ExpirySource = "never"
)

// Presented is the value requests carry after "Bearer ": Bearer when the
// provider derives one (Vodacom), else the access token.
func (t *Token) Presented() Secret {
	if t.Bearer != "" {
		return t.Bearer
	}
	return t.AccessToken
}

// Derived reports whether what requests present differs from the access
// token (Vodacom's encrypted session), so that a display says so.
func (t *Token) Derived() bool { return t != nil && t.Bearer != "" }

// Field is one name and JSON value, kept in the order it came in: a
// token response's extra member, a JWT's header or claim, an introspection
// or userinfo answer's member. Value is the JSON text as the server wrote
// it.
type Field struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Text is the value when it is a JSON string, unquoted, and whether it is
// one.
func (f Field) Text() (string, bool) {
	var s string
	if f.Value == "" || f.Value[0] != '"' || json.Unmarshal([]byte(f.Value), &s) != nil {
		return "", false
	}
	return s, true
}

// Time is the value as a NumericDate (RFC 7519 section 2: seconds since
// the epoch, perhaps with a fraction), and whether it is one.
func (f Field) Time() (time.Time, bool) {
	v, err := strconv.ParseFloat(f.Value, 64)
	if err != nil || v < 0 || v > 1e11 {
		return time.Time{}, false
	}
	sec := int64(v)
	return time.Unix(sec, int64((v-float64(sec))*1e9)), true
}

// Remaining is how long the token stays valid at now; ok is false when the
// expiry is unknown.
func (t *Token) Remaining(now time.Time) (d time.Duration, ok bool) {
	if t == nil || t.ExpiresAt.IsZero() {
		return 0, false
	}
	return t.ExpiresAt.Sub(now), true
}

// ValidFor reports whether the token is still valid for at least min at now.
// A token of unknown expiry counts as valid.
func (t *Token) ValidFor(now time.Time, min time.Duration) bool {
	if t == nil || t.AccessToken == "" {
		return false
	}
	d, ok := t.Remaining(now)
	return !ok || d > min
}

// EventKind names what happened to a provider's token.
type EventKind string

// The kinds of history event.
const (
	EventIssued    EventKind = "issued"
	EventRefreshed EventKind = "refreshed"
	EventRevoked   EventKind = "revoked"
	EventFailed    EventKind = "failed"
)

// Event is one line of a provider's history. Detail never holds a secret.
type Event struct {
	At     time.Time `json:"at"`
	Kind   EventKind `json:"kind"`
	Detail string    `json:"detail,omitempty"`
}

// Check reports whether the access token, the refresh token and the token
// type are VSCHAR text (printable ASCII, RFC 6749 appendix A), naming the
// first that is not by the offending byte's value and offset, never by
// its text: it may be a secret.
func (t *Token) Check() error {
	for _, f := range [...]struct{ name, v string }{
		{"access_token", t.AccessToken.Reveal()}, {"refresh_token", t.RefreshToken.Reveal()}, {"token_type", t.TokenType},
		{"bearer", t.Bearer.Reveal()},
	} {
		if i := notVSCHAR(f.v); i >= 0 {
			return fmt.Errorf("its %s holds byte 0x%02x at offset %d, "+
				"and a token is printable ASCII only (RFC 6749 appendix A, VSCHAR)", f.name, f.v[i], i)
		}
	}
	return nil
}

// notVSCHAR returns the offset of the first byte of s outside VSCHAR
// (%x20-7E, RFC 6749 appendix A), or -1. A token is pasted into shells and
// headers and printed by token and header: a control or non-ASCII byte in
// it would reach the terminal raw, or smuggle a line into a header.
func notVSCHAR(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return i
		}
	}
	return -1
}

// ShortLifetime is the lifetime under which a token's stated lifetime is
// worth a word: Airtel's are 180 seconds, where most servers give an hour.
const ShortLifetime = 5 * time.Minute

// LifetimeNote says, of a token whose server stated a lifetime under
// ShortLifetime, that the lifetime is the server's choice and not a fault,
// so that a countdown of three minutes does not read as a bug; "" for any
// other token.
func (t *Token) LifetimeNote() string {
	if t == nil || t.ExpirySource != ExpiryFromExpiresIn || t.ExpiresIn <= 0 || time.Duration(t.ExpiresIn)*time.Second >= ShortLifetime {
		return ""
	}
	return fmt.Sprintf("the server gives its tokens %d seconds (%s): that lifetime is the server's own, not a fault; "+
		"a new token is fetched once this one runs out", t.ExpiresIn, time.Duration(t.ExpiresIn)*time.Second)
}

// IDToken is the OpenID Connect id_token the token response carried
// (kept among Extra), or "" when it carried none.
func (t *Token) IDToken() string {
	if t == nil {
		return ""
	}
	for _, f := range t.Extra {
		if f.Key == "id_token" {
			var s string
			if json.Unmarshal([]byte(f.Value), &s) == nil {
				return s
			}
		}
	}
	return ""
}
