package oauth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// bench2048 is a 2048-bit market key's public half, base64 DER.
func bench2048(b *testing.B) string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	return base64.StdEncoding.EncodeToString(der)
}

// BenchmarkVodacomEncrypt is the engine's own cost of a Vodacom token
// request: parsing the market's public key and encrypting the API key to
// it (the session's encryption costs the same once more).
func BenchmarkVodacomEncrypt(b *testing.B) {
	p := providers.Provider{SessionEncryption: providers.EncryptRSAPKCS1, PublicKey: bench2048(b)}
	for b.Loop() {
		if _, err := encrypt(p, "demo-vodacom-api-key-0f3c9a"); err != nil {
			b.Fatal(err)
		}
	}
}
