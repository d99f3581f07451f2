package providers

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// notUTF8 names the first field of p that is not valid UTF-8, or "".
func notUTF8(p Provider) string {
	for _, f := range []struct{ name, value string }{
		{"name", p.Name}, {"preset", p.Preset}, {"product", p.Product}, {"environment", p.Environment}, {"token_url", p.TokenURL},
		{"client_id", p.ClientID}, {"client_secret", string(p.ClientSecret)}, {"username", p.Username},
		{"password", string(p.Password)}, {"scope", p.Scope}, {"logout_url", p.LogoutURL},
		{"logout_method", p.LogoutMethod}, {"revocation_url", p.RevocationURL}, {"jwks_url", p.JWKSURL},
		{"try_url", p.TryURL}, {"try_method", p.TryMethod}, {"try_body", p.TryBody},
		{"token_method", string(p.TokenMethod)}, {"body", string(p.Body)}, {"token_field", p.TokenField},
		{"expires_field", p.ExpiresField}, {"expires_unit", string(p.ExpiresUnit)},
		{"authorization_url", p.AuthorizationURL}, {"redirect_uri", p.RedirectURI}, {"pkce", string(p.PKCE)},
		{"market", p.Market}, {"basic_auth", string(p.BasicAuth)}, {"session_encryption", string(p.SessionEncryption)},
		{"public_key", p.PublicKey}, {"origin", p.Origin},
		{"device_authorization_url", p.DeviceAuthorizationURL},
	} {
		if !utf8.ValidString(f.value) {
			return f.name
		}
	}
	for k, v := range p.Headers {
		if !utf8.ValidString(k) || !utf8.ValidString(string(v)) {
			return "headers"
		}
	}
	for _, f := range []struct{ name, value string }{
		{"issuer", p.Issuer}, {"introspection_url", p.IntrospectionURL}, {"userinfo_url", p.UserinfoURL},
	} {
		if !utf8.ValidString(f.value) {
			return f.name
		}
	}
	for k, v := range p.Params {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return "params"
		}
	}
	for k, v := range p.TryHeaders {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return "try_headers"
		}
	}
	return ""
}

// Validate reports the first thing that would make the provider unusable,
// naming the field so a form or the command line can point at it.
func (p Provider) Validate() error {
	if strings.TrimSpace(p.Name) == "" {
		return &FieldError{Field: "name", Msg: "a provider needs a name"}
	}
	if field := notUTF8(p); field != "" {
		// The store keeps JSON, which would turn the bytes into U+FFFD: a
		// secret would change, two names could become one.
		return &FieldError{Field: field, Msg: "not valid UTF-8 text"}
	}
	if err := checkName(p.Name); err != nil {
		return err
	}
	if err := checkHeaders(p.Headers); err != nil {
		return err
	}
	if err := checkIssuer(p.Issuer); err != nil {
		return err
	}
	// With an issuer, the metadata gives the token URL; a static key has none.
	if err := checkURL("token_url", p.TokenURL, p.TokenMethod != MethodNone && p.Issuer == ""); err != nil {
		return err
	}
	if err := p.CheckShown(); err != nil {
		return err
	}
	if !p.Grant.Valid() {
		return &FieldError{Field: "grant_type", Msg: fmt.Sprintf("unknown grant %q (client_credentials, password, authorization_code or device_code)", p.Grant)}
	}
	if p.Grant == GrantPassword && p.Username == "" {
		return &FieldError{Field: "username", Msg: "the password grant needs a username"}
	}
	if !p.GrantIn.Valid() {
		return &FieldError{Field: "grant_in", Msg: fmt.Sprintf("unknown place %q (body, query or none)", p.GrantIn)}
	}
	if !p.ClientAuth.Valid() && !(p.ClientAuth == "" && p.Issuer != "") {
		return &FieldError{Field: "client_auth", Msg: fmt.Sprintf("unknown client_auth %q (basic, body, query, none or bearer)", p.ClientAuth)}
	}
	if p.ClientID == "" && p.ClientAuth != AuthBearer && p.TokenMethod != MethodNone && p.BasicAuth == "" {
		return &FieldError{Field: "client_id", Msg: "a client id is needed"}
	}
	if err := checkShape(p); err != nil {
		return err
	}
	if err := checkSession(p); err != nil {
		return err
	}
	if p.Lifetime < 0 {
		return &FieldError{Field: "lifetime", Msg: "a lifetime cannot be negative"}
	}
	if err := checkHeaderValue("origin", p.Origin); err != nil {
		return err
	}
	if err := checkTryHeaders(p.TryHeaders); err != nil {
		return err
	}
	if err := checkAuthCode(p); err != nil {
		return err
	}
	if err := checkDevice(p); err != nil {
		return err
	}
	for _, u := range []struct{ field, value string }{
		{"logout_url", p.LogoutURL}, {"revocation_url", p.RevocationURL},
		{"jwks_url", p.JWKSURL}, {"try_url", p.TryURL},
		{"device_authorization_url", p.DeviceAuthorizationURL},
		{"introspection_url", p.IntrospectionURL}, {"userinfo_url", p.UserinfoURL},
	} {
		if err := checkURL(u.field, u.value, false); err != nil {
			return err
		}
	}
	for _, m := range []struct{ field, value string }{{"logout_method", p.LogoutMethod}, {"try_method", p.TryMethod}} {
		switch strings.ToUpper(m.value) {
		case "", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD":
		default:
			return &FieldError{Field: m.field, Msg: fmt.Sprintf("unknown HTTP method %q", m.value)}
		}
	}
	if p.Timeout < 0 {
		return &FieldError{Field: "timeout", Msg: "a timeout cannot be negative"}
	}
	for _, k := range p.ParamNames() {
		switch lk := strings.ToLower(k); {
		case SecretParam(lk):
			// Params are stored, shown, traced and exported as plain text.
			return &FieldError{Field: "params", Msg: fmt.Sprintf("%s is a secret and params are not: give it as a secret "+
				"(client_secret, password), never as a param", k)}
		case lk == "grant_type" || lk == "client_id" || lk == "username" || lk == "scope" || lk == "redirect_uri":
			return &FieldError{Field: "params", Msg: fmt.Sprintf("%s has a key of its own: set %s, not a param", k, strings.ToLower(k))}
		case lk == "state" || lk == "code_challenge" || lk == "code_challenge_method" || lk == "response_type":
			return &FieldError{Field: "params", Msg: fmt.Sprintf("%s is made by tokenscope login for each login, never a param", k)}
		}
	}
	return nil
}

// secretParams are the form and query parameters whose values are
// secrets (see SecretParam). Never written to.
var secretParams = map[string]bool{"client_secret": true, "password": true, "refresh_token": true,
	"token": true, "client_assertion": true, "access_token": true,
	// The authorization code and its PKCE verifier redeem a token once.
	"code": true, "code_verifier": true,
	// The device code redeems a token while the person approves it.
	"device_code": true}

// SecretParam reports whether the value of the form or query parameter
// name (in any case) is a secret: masked by its place in traces, whatever
// its length, and refused by Validate as a param or in a URL's query.
func SecretParam(name string) bool { return secretParams[strings.ToLower(name)] }

// MaxNameLen is the most characters a provider name has.
const MaxNameLen = 64

// checkName keeps a name to letters, digits and - _ . @: it is typed on
// command lines, shown in every pane, turned into environment variable
// names on export and may come from a shared file, so it holds no space,
// slash, quote, control or bidi character. "." and ".." are refused as
// names that read as paths.
func checkName(name string) error {
	if name == "." || name == ".." {
		return &FieldError{Field: "name", Msg: "a name cannot be . or .."}
	}
	if n := utf8.RuneCountInString(name); n > MaxNameLen {
		return &FieldError{Field: "name", Msg: fmt.Sprintf("a name has at most %d characters, this one %d", MaxNameLen, n)}
	}
	for i, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.@", r) {
			continue
		}
		return &FieldError{Field: "name", Msg: fmt.Sprintf("a name is letters, digits and - _ . @ only: "+
			"character %d is %s", utf8.RuneCountInString(name[:i])+1, describeRune(r))}
	}
	return nil
}

// checkHeaders refuses a header that could not be sent as it is written:
// a name that is not an RFC 9110 token, a value with a control character.
// HTAB is allowed in a value, as RFC 9110 field-value allows it between
// visible characters; CR, LF and every other control, C1 included, are
// refused, since they would split the header or reach the terminal in a
// trace.
func checkHeaders(h map[string]Secret) error {
	for _, k := range sortedKeys(h) {
		field := "headers." + k
		if k == "" {
			return &FieldError{Field: field, Msg: "a header needs a name"}
		}
		for i, r := range k {
			if r >= utf8.RuneSelf || !isTchar(byte(r)) {
				return &FieldError{Field: field, Msg: fmt.Sprintf("a header name is an RFC 9110 token "+
					"(ASCII letters, digits and !#$%%&'*+-.^_`|~): character %d is %s", utf8.RuneCountInString(k[:i])+1, describeRune(r))}
			}
		}
		v := h[k].Reveal()
		for i, r := range v {
			if r != '\t' && badRune(r) {
				// The value may be a secret: only where and what.
				return &FieldError{Field: field, Msg: fmt.Sprintf("a header value holds no control characters: "+
					"character %d is %s", utf8.RuneCountInString(v[:i])+1, describeRune(r))}
			}
		}
	}
	return nil
}

// checkHeaderValue refuses a control character in a header value that
// is not a secret.
func checkHeaderValue(field, v string) error {
	for i, r := range v {
		if r != '\t' && badRune(r) {
			return &FieldError{Field: field, Msg: fmt.Sprintf("a header value holds no control characters: "+
				"character %d is %s", utf8.RuneCountInString(v[:i])+1, describeRune(r))}
		}
	}
	return nil
}

// isTchar reports whether c is an RFC 9110 tchar.
func isTchar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// describeRune names r for an error without printing it raw: a visible
// character in quotes, anything else by its code point.
func describeRune(r rune) string {
	if r == ' ' {
		return "a space"
	}
	if unicode.IsGraphic(r) && !unicode.Is(unicode.Bidi_Control, r) && r != '\\' {
		return fmt.Sprintf("%q (U+%04X)", string(r), r)
	}
	return fmt.Sprintf("U+%04X", r)
}

// checkURL is CheckURL for an optional URL unless required is set.
func checkURL(field, raw string, required bool) error {
	if raw == "" && !required {
		return nil
	}
	return CheckURL(field, raw)
}

// CheckURL reports why raw cannot be the provider URL named field (the
// error names it): empty, not an http or https URL, or carrying a user
// name, a password or a secret parameter, which would be stored, shown and
// exported in the clear.
func CheckURL(field, raw string) error {
	if raw == "" {
		return &FieldError{Field: field, Msg: "a URL is needed"}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &FieldError{Field: field, Msg: fmt.Sprintf("%q is not an http or https URL", shownURL(raw))}
	}
	if err := CheckUserinfo(field, raw); err != nil {
		return err
	}
	for k := range u.Query() {
		if SecretParam(k) {
			// Mobifinance documents its URL with the secret in it; pasted
			// whole it would be stored, shown and exported in the clear.
			return &FieldError{Field: field, Msg: fmt.Sprintf("the URL carries %s in its query: take it out and give it "+
				"as a secret (client_secret, password); the engine puts it where the preset says", k)}
		}
	}
	return nil
}

// shownURL is raw as an error may quote it: a pasted URL may carry a
// secret in its query, its fragment or before an @, so those are left out.
func shownURL(raw string) string {
	s, _, _ := strings.Cut(raw, "?")
	s, _, _ = strings.Cut(s, "#")
	start := 0
	if i := strings.Index(s, "//"); i >= 0 {
		start = i + 2
	}
	end := len(s)
	if i := strings.IndexByte(s[start:], '/'); i >= 0 {
		end = start + i
	}
	if at := strings.LastIndexByte(s[start:end], '@'); at >= 0 {
		s = s[:start] + "…" + s[start+at:]
	}
	return s
}

// ErrUserinfo is the reason a URL with a user name or password in it is
// refused; the FieldError that reports it wraps it.
var ErrUserinfo = errors.New("a URL carries a user name or password")

// FieldError is a validation failure tied to one field of a provider.
type FieldError struct {
	Field string
	Msg   string
	// Err is the reason when a caller may act on it (ErrUserinfo), or nil.
	Err error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Unwrap returns the reason, if there is one.
func (e *FieldError) Unwrap() error { return e.Err }
