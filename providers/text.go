package providers

import (
	"fmt"
	"net/url"
	"unicode"
	"unicode/utf8"
)

// CheckShown reports the first field of p that may not be shown, copied
// or exported as it is: a text field holding a control, bidi or other
// format character (a try_body may hold tabs and line breaks), or a URL
// carrying a user name or password. Validate refuses the same, so only a
// provider stored before these rules existed fails it; the curl command,
// the clipboard and export call it before they put p's values where a
// terminal or a shell reads them.
func (p Provider) CheckShown() error {
	for _, f := range []struct{ field, value string }{
		{"preset", p.Preset}, {"product", p.Product}, {"client_id", p.ClientID},
		{"username", p.Username}, {"scope", p.Scope}, {"logout_method", p.LogoutMethod},
		{"try_method", p.TryMethod}, {"environment", p.Environment}, {"token_method", string(p.TokenMethod)},
		{"body", string(p.Body)}, {"token_field", p.TokenField}, {"expires_field", p.ExpiresField},
		{"expires_unit", string(p.ExpiresUnit)}, {"market", p.Market}, {"origin", p.Origin},
		{"session_encryption", string(p.SessionEncryption)},
		{"token_url", p.TokenURL}, {"logout_url", p.LogoutURL}, {"revocation_url", p.RevocationURL},
		{"jwks_url", p.JWKSURL}, {"try_url", p.TryURL},
		{"authorization_url", p.AuthorizationURL}, {"redirect_uri", p.RedirectURI}, {"pkce", string(p.PKCE)},
		{"issuer", p.Issuer}, {"device_authorization_url", p.DeviceAuthorizationURL},
		{"introspection_url", p.IntrospectionURL}, {"userinfo_url", p.UserinfoURL},
	} {
		if err := checkText(f.field, f.value, ""); err != nil {
			return err
		}
	}
	if err := checkText("public_key", p.PublicKey, "\t\r\n"); err != nil {
		return err
	}
	if err := checkText("try_body", p.TryBody, "\t\n"); err != nil {
		return err
	}
	for _, k := range p.ParamNames() {
		if err := checkText("params", k, ""); err != nil {
			return err
		}
		if err := checkText("params."+k, p.Params[k], ""); err != nil {
			return err
		}
	}
	for _, k := range p.TryHeaderNames() {
		if err := checkText("try_headers", k, ""); err != nil {
			return err
		}
		if err := checkText("try_headers."+k, p.TryHeaders[k], "\t"); err != nil {
			return err
		}
	}
	for _, u := range []struct{ field, value string }{
		{"token_url", p.TokenURL}, {"logout_url", p.LogoutURL}, {"revocation_url", p.RevocationURL},
		{"jwks_url", p.JWKSURL}, {"try_url", p.TryURL},
		{"authorization_url", p.AuthorizationURL}, {"redirect_uri", p.RedirectURI},
		{"issuer", p.Issuer}, {"device_authorization_url", p.DeviceAuthorizationURL},
		{"introspection_url", p.IntrospectionURL}, {"userinfo_url", p.UserinfoURL},
	} {
		if err := CheckUserinfo(u.field, u.value); err != nil {
			return err
		}
	}
	return nil
}

// checkText refuses a value holding a character that would act on a
// terminal or hide what is there: C0 controls but those in allow, DEL, C1
// controls, the line and paragraph separators, and every format character
// (Unicode Cf: bidi controls, zero-width characters, the BOM, tags). The
// error names the character by its code point, never by the value: a
// value may be pasted into a shell from the curl command.
func checkText(field, v, allow string) error {
	for i, r := range v {
		if r < utf8.RuneSelf && r >= 0x20 && r != 0x7f {
			continue
		}
		if badRune(r) && !(r < utf8.RuneSelf && containsByte(allow, byte(r))) {
			return &FieldError{Field: field, Msg: fmt.Sprintf("holds no control or format characters: "+
				"character %d is U+%04X", utf8.RuneCountInString(v[:i])+1, r)}
		}
	}
	return nil
}

// badRune reports whether r is a control, separator or format character.
func badRune(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r)
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// CheckUserinfo refuses a URL with a user name or password in it, which
// would be stored, shown, traced and exported in the clear. It is the one
// check of that rule: Validate, CheckShown and every request use it.
func CheckUserinfo(field, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return nil
	}
	return &FieldError{Field: field, Err: ErrUserinfo, Msg: "the URL carries a user name or password (user:pass@host): " +
		"take it out and give it as a secret (client_id and client_secret, or username and password)"}
}
