package providers

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// TokenMethod is the HTTP method of a provider's token request.
type TokenMethod string

// The methods a token request is sent with.
const (
	// MethodPOST sends the parameters in a body, as RFC 6749 asks.
	MethodPOST TokenMethod = "POST"
	// MethodGET sends no body: every parameter goes in the query string
	// (Safaricom Daraja). So that no password or refresh token stands in a
	// URL, it is refused with the password grant and a refresh is a new
	// grant.
	MethodGET TokenMethod = "GET"
	// MethodNone sends no token request at all: the client secret is the
	// token (a static key such as Paystack's sk_…), presented as Bearer,
	// and it does not expire.
	MethodNone TokenMethod = "none"
)

// Valid reports whether m is a method a token request is sent with; the
// empty value is valid and means MethodPOST.
func (m TokenMethod) Valid() bool {
	return m == "" || m == MethodPOST || m == MethodGET || m == MethodNone
}

// BodyFormat is how a token request's body encodes its parameters.
type BodyFormat string

// The encodings of a token request's body.
const (
	// BodyForm is application/x-www-form-urlencoded (RFC 6749).
	BodyForm BodyFormat = "form"
	// BodyJSON is one JSON object of string members (Airtel).
	BodyJSON BodyFormat = "json"
)

// Valid reports whether b is a body encoding; the empty value is valid and
// means BodyForm.
func (b BodyFormat) Valid() bool { return b == "" || b == BodyForm || b == BodyJSON }

// ExpiresUnit is the unit of the lifetime a token response states.
type ExpiresUnit string

// The units a lifetime comes in.
const (
	UnitSeconds      ExpiresUnit = "seconds"
	UnitMilliseconds ExpiresUnit = "milliseconds"
	UnitMinutes      ExpiresUnit = "minutes"
	UnitHours        ExpiresUnit = "hours"
)

// Valid reports whether u is a unit of lifetime; the empty value is valid
// and means UnitSeconds.
func (u ExpiresUnit) Valid() bool {
	return u == "" || u == UnitSeconds || u == UnitMilliseconds || u == UnitMinutes || u == UnitHours
}

// Duration is one of u as a time.Duration.
func (u ExpiresUnit) Duration() time.Duration {
	switch u {
	case UnitMilliseconds:
		return time.Millisecond
	case UnitMinutes:
		return time.Minute
	case UnitHours:
		return time.Hour
	}
	return time.Second
}

// Default names of a token response's members (RFC 6749 §5.1).
const (
	DefaultTokenField   = "access_token"
	DefaultExpiresField = "expires_in"
)

// ResponseFields says where a provider's token response holds the token
// and its lifetime: Africa's Talking sends "token" and
// "lifetimeInSeconds", Vodacom "output_SessionID" and no lifetime.
type ResponseFields struct {
	// Token is the member holding the access token.
	Token string
	// Expires is the member holding the lifetime, counted in Unit.
	Expires string
	Unit    ExpiresUnit
}

// Fields is where p's token response holds the token and its lifetime,
// the RFC 6749 names where p names none.
func (p Provider) Fields() ResponseFields {
	f := ResponseFields{Token: p.TokenField, Expires: p.ExpiresField, Unit: p.ExpiresUnit}
	if f.Token == "" {
		f.Token = DefaultTokenField
	}
	if f.Expires == "" {
		f.Expires = DefaultExpiresField
	}
	if f.Unit == "" {
		f.Unit = UnitSeconds
	}
	return f
}

// checkShape validates the fields that say how p's token request is sent
// and how its answer is read.
func checkShape(p Provider) error {
	if !p.TokenMethod.Valid() {
		return &FieldError{Field: "token_method", Msg: fmt.Sprintf("unknown token method %q (POST, GET or none)", p.TokenMethod)}
	}
	if p.TokenMethod == MethodNone {
		switch {
		case p.TokenURL != "":
			return &FieldError{Field: "token_url", Msg: "a static key has no token endpoint: token_method = \"none\" takes no token_url"}
		case p.SessionEncryption != "":
			return &FieldError{Field: "session_encryption", Msg: "a static key is presented as it is: no session_encryption"}
		}
	}
	if !p.Body.Valid() {
		return &FieldError{Field: "body", Msg: fmt.Sprintf("unknown body %q (form or json)", p.Body)}
	}
	if p.TokenMethod == MethodGET && p.Body == BodyJSON {
		return &FieldError{Field: "body", Msg: "a GET token request has no body: body = \"json\" needs token_method = \"POST\""}
	}
	if p.TokenMethod == MethodGET && p.ClientAuth == AuthBody {
		return &FieldError{Field: "client_auth", Msg: "a GET token request has no body: " +
			"client_auth = \"body\" needs token_method = \"POST\" (basic or query)"}
	}
	if p.TokenMethod == MethodGET && p.Grant == GrantPassword {
		// The password would stand in the URL, which proxies and the
		// server's access logs keep.
		return &FieldError{Field: "token_method", Msg: "a GET token request puts every parameter in the URL: " +
			"grant_type = \"password\" needs token_method = \"POST\""}
	}
	if !p.ExpiresUnit.Valid() {
		return &FieldError{Field: "expires_unit", Msg: fmt.Sprintf("unknown unit %q (seconds, milliseconds, minutes or hours)", p.ExpiresUnit)}
	}
	for _, f := range []struct{ field, value string }{{"token_field", p.TokenField}, {"expires_field", p.ExpiresField}} {
		if err := checkMemberName(f.field, f.value); err != nil {
			return err
		}
	}
	if p.TokenField != "" && p.TokenField == p.ExpiresField {
		return &FieldError{Field: "expires_field", Msg: "the token and its lifetime cannot be the same member"}
	}
	return nil
}

// checkTryHeaders holds the try request's headers to the rules of the
// token request's (checkHeaders), and keeps Authorization, which carries
// the token, and the headers net/http sets itself out of them.
func checkTryHeaders(h map[string]string) error {
	secret := make(map[string]Secret, len(h))
	for k, v := range h {
		switch strings.ToLower(k) {
		case "authorization", "host", "content-length", "transfer-encoding", "connection":
			return &FieldError{Field: "try_headers." + k, Msg: fmt.Sprintf("%s is set by tokenscope, not as a try header", k)}
		}
		secret[k] = Secret(v)
	}
	if err := checkHeaders(secret); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			fe.Field = "try_" + fe.Field
		}
		return err
	}
	return nil
}

// TryHeaderNames returns the names of p's try headers, sorted.
func (p Provider) TryHeaderNames() []string { return sortedKeys(p.TryHeaders) }

// maxMemberName bounds the name of a response member a provider names.
const maxMemberName = 128

// checkMemberName keeps a response member's name to visible text: it is
// shown in errors ("token response has no …").
func checkMemberName(field, name string) error {
	if len(name) > maxMemberName {
		return &FieldError{Field: field, Msg: fmt.Sprintf("a member name has at most %d bytes", maxMemberName)}
	}
	for i, r := range []rune(name) {
		if r == ' ' || !unicode.IsGraphic(r) || unicode.Is(unicode.Bidi_Control, r) {
			return &FieldError{Field: field, Msg: fmt.Sprintf("a member name holds no space or control character: "+
				"character %d is %s", i+1, describeRune(r))}
		}
	}
	return nil
}
