package providers

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// SessionEncryption says how a provider's secrets are encrypted before
// they are sent: its client secret on the token request and the token on
// every request that presents it.
type SessionEncryption string

// The session encryptions tokenscope speaks.
const (
	// EncryptRSAPKCS1 is RSA with PKCS #1 v1.5 padding to PublicKey,
	// base64-encoded (Vodacom's M-Pesa OpenAPI).
	EncryptRSAPKCS1 SessionEncryption = "rsa-pkcs1"
)

// Valid reports whether e is a session encryption; the empty value is
// valid and means none.
func (e SessionEncryption) Valid() bool { return e == "" || e == EncryptRSAPKCS1 }

// MaxPublicKey bounds a public key's text.
const MaxPublicKey = 16 << 10

// minRSABits is the smallest RSA key ParsePublicKey accepts: Vodacom's
// portal keys are 4096 bits, and anything under 1024 is broken.
const minRSABits = 1024

// ParsePublicKey reads an RSA public key as a portal shows it: PEM
// ("PUBLIC KEY" or "RSA PUBLIC KEY"), or the base64 of its DER (PKIX or
// PKCS #1), white space anywhere. The error says what is wrong without
// quoting the text.
func ParsePublicKey(text string) (*rsa.PublicKey, error) {
	if len(text) > MaxPublicKey {
		return nil, fmt.Errorf("a public key has at most %d KiB", MaxPublicKey>>10)
	}
	t := strings.TrimSpace(text)
	if t == "" {
		return nil, errors.New("no public key")
	}
	var der []byte
	if strings.HasPrefix(t, "-----BEGIN") {
		block, rest := pem.Decode([]byte(t))
		if block == nil {
			// Pasted into one line (a form's row drops the breaks), the
			// armour is still there: read what stands between.
			block, rest = oneLinePEM(t)
		}
		if block == nil {
			return nil, errors.New("the PEM block is malformed")
		}
		if strings.TrimSpace(string(rest)) != "" {
			return nil, errors.New("text follows the PEM block: give one public key")
		}
		if block.Type != "PUBLIC KEY" && block.Type != "RSA PUBLIC KEY" {
			return nil, fmt.Errorf("the PEM block is %s, not PUBLIC KEY", pemType(block.Type))
		}
		der = block.Bytes
	} else {
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(t), ""))
		if err != nil {
			return nil, errors.New("neither PEM nor base64 DER")
		}
		der = b
	}
	var key *rsa.PublicKey
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		rk, ok := k.(*rsa.PublicKey)
		if !ok {
			return nil, fmt.Errorf("the key is %T, not an RSA public key", k)
		}
		key = rk
	} else if rk, err := x509.ParsePKCS1PublicKey(der); err == nil {
		key = rk
	} else {
		return nil, errors.New("the DER is not an RSA public key (PKIX or PKCS #1)")
	}
	if key.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("the RSA key has %d bits, under %d", key.N.BitLen(), minRSABits)
	}
	return key, nil
}

// oneLinePEM reads a PEM block whose line breaks were lost: the
// "-----BEGIN T-----" and "-----END T-----" lines run into the base64.
func oneLinePEM(t string) (*pem.Block, []byte) {
	rest, ok := strings.CutPrefix(t, "-----BEGIN ")
	if !ok {
		return nil, nil
	}
	typ, rest, ok := strings.Cut(rest, "-----")
	if !ok {
		return nil, nil
	}
	body, after, ok := strings.Cut(rest, "-----END "+typ+"-----")
	if !ok {
		return nil, nil
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(body), ""))
	if err != nil {
		return nil, nil
	}
	return &pem.Block{Type: typ, Bytes: der}, []byte(after)
}

// pemType names a PEM block type for an error: it comes from the user's
// text, so only a short visible one is quoted.
func pemType(t string) string {
	if len(t) > 40 || checkText("", t, "") != nil {
		return "another kind"
	}
	return fmt.Sprintf("%q", t)
}

// checkSession validates the fields that say how p's secrets are
// encrypted and how p authenticates without a client id.
func checkSession(p Provider) error {
	if !p.SessionEncryption.Valid() {
		return &FieldError{Field: "session_encryption", Msg: fmt.Sprintf("unknown session encryption %q (rsa-pkcs1)", p.SessionEncryption)}
	}
	switch {
	case p.SessionEncryption != "" && p.PublicKey == "":
		return &FieldError{Field: "public_key", Msg: "session_encryption needs the public key to encrypt to (PEM or base64 DER)"}
	case p.SessionEncryption == "" && p.PublicKey != "":
		return &FieldError{Field: "session_encryption", Msg: "a public_key is used only with session_encryption = \"rsa-pkcs1\""}
	case p.PublicKey != "":
		if _, err := ParsePublicKey(p.PublicKey); err != nil {
			return &FieldError{Field: "public_key", Msg: err.Error()}
		}
	}
	if p.BasicAuth != "" {
		if p.ClientAuth != AuthBasic {
			return &FieldError{Field: "basic_auth", Msg: "a ready-made Basic header needs client_auth = \"basic\""}
		}
		if p.ClientSecret != "" {
			return &FieldError{Field: "basic_auth", Msg: "give the ready-made Basic header or the client secret, not both"}
		}
		if err := checkBasic(p.BasicAuth.Reveal()); err != nil {
			return err
		}
	}
	return nil
}

// MissingKey reports, for a provider whose client secret is the whole
// request (client_auth = "bearer") or the token itself (a static key),
// that it has none, naming the key as the preset calls it. Validate
// leaves it out, as it leaves out every secret, so that add can ask for
// it after the other checks; the engine refuses to go on without it.
func (p Provider) MissingKey() error {
	if p.ClientSecret != "" || p.ClientAuth != AuthBearer && p.TokenMethod != MethodNone {
		return nil
	}
	what := "the key it sends"
	if p.TokenMethod == MethodNone {
		what = "its static key, which is the token"
	}
	return &FieldError{Field: p.SecretKey(), Msg: "no value: the provider needs " + what}
}

// BasicValue is the credentials part of a ready-made Basic header as a
// user pastes it: with or without its "Basic " scheme.
func BasicValue(s string) string {
	s = strings.TrimSpace(s)
	if scheme, rest, ok := strings.Cut(s, " "); ok && strings.EqualFold(scheme, "Basic") {
		return strings.TrimSpace(rest)
	}
	return s
}

// checkBasic refuses a pasted Basic header that is not base64 of
// id:secret. Its text is a secret: only what is wrong is said.
func checkBasic(s string) error {
	b, err := base64.StdEncoding.DecodeString(BasicValue(s))
	if err != nil {
		return &FieldError{Field: "basic_auth", Msg: "not a Basic header value (base64 of client id:secret, with or without \"Basic \")"}
	}
	if !strings.Contains(string(b), ":") {
		return &FieldError{Field: "basic_auth", Msg: "the Basic header value decodes to no id:secret pair"}
	}
	return nil
}
