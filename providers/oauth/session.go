package oauth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"

	"github.com/tokenscope/tokenscope/providers"
)

// envEncryptedKey is the shell variable the curl command shows for a
// client secret sent encrypted (Vodacom's API key).
const envEncryptedKey = "ENCRYPTED_API_KEY"

// envAPIKey is the shell variable the curl command reads the API key
// from, to encrypt it.
const envAPIKey = "API_KEY"

// encrypt is s as p's session encryption sends it: for rsa-pkcs1, the
// base64 of s encrypted to p's public key with PKCS #1 v1.5 padding. The
// error never holds s.
func encrypt(p providers.Provider, s string) (string, error) {
	switch p.SessionEncryption {
	case "":
		return s, nil
	case providers.EncryptRSAPKCS1:
		key, err := providers.ParsePublicKey(p.PublicKey)
		if err != nil {
			return "", &providers.FieldError{Field: "public_key", Msg: err.Error()}
		}
		if len(s) > key.Size()-11 {
			return "", fmt.Errorf("the value is %d bytes, and a %d-bit RSA key encrypts at most %d with PKCS #1 v1.5",
				len(s), key.N.BitLen(), key.Size()-11)
		}
		// The M-Pesa OpenAPI decrypts PKCS #1 v1.5 and nothing else: the
		// padding is the provider's, not a choice.
		//lint:ignore SA1019 Vodacom's OpenAPI requires PKCS #1 v1.5 encryption
		c, err := rsa.EncryptPKCS1v15(rand.Reader, key, []byte(s))
		if err != nil {
			return "", fmt.Errorf("encrypt to public_key: %w", err)
		}
		return base64.StdEncoding.EncodeToString(c), nil
	}
	return "", &providers.FieldError{Field: "session_encryption", Msg: fmt.Sprintf("unknown session encryption %q", p.SessionEncryption)}
}

// withSession finishes tok as p presents it: the lifetime p sets when the
// answer stated none, and the bearer p derives from the session.
func withSession(p providers.Provider, tok *providers.Token) error {
	if tok.ExpiresAt.IsZero() && p.Lifetime > 0 {
		tok.ExpiresAt = tok.Received().Add(p.Lifetime)
		tok.ExpirySource = providers.ExpiryFromLifetime
	}
	if p.SessionEncryption == "" {
		return nil
	}
	b, err := encrypt(p, tok.AccessToken.Reveal())
	if err != nil {
		return fmt.Errorf("derive the bearer from the session: %w", err)
	}
	tok.Bearer = providers.Secret(b)
	return nil
}
