package demo

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/big"
	"sync"
)

// rsaBits is the size of the demo's signing keys.
const rsaBits = 2048

// The RSA keys the server signs with: MoMo's (unpublished, as MoMo
// publishes none) and the plain OAuth 2.0 server's (published as a JWKS).
const (
	keyMoMo   = "momo"
	keyOAuth2 = "oauth2"
)

// rsaKey is one signing key and the kid it is published under.
type rsaKey struct {
	kid string
	key *rsa.PrivateKey
}

// keyring makes each RSA key on first use, so that a server that never
// signs an RS256 token never pays for key generation. With a given key
// (Options.SigningKey) every name uses it and nothing is generated.
type keyring struct {
	mu    sync.Mutex
	given *rsa.PrivateKey
	keys  map[string]*rsaKey
}

func newKeyring(given *rsa.PrivateKey) *keyring {
	return &keyring{given: given, keys: map[string]*rsaKey{}}
}

// get returns the named key, generating it on first use unless one was
// given. Each server has its own kids (and, unless given, its own keys), so
// a token from another demo server fails to verify instead of passing by
// chance: its kid is not in this server's JWKS.
func (k *keyring) get(name string) (*rsaKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if rk, ok := k.keys[name]; ok {
		return rk, nil
	}
	key := k.given
	if key == nil {
		var err error
		if key, err = rsa.GenerateKey(rand.Reader, rsaBits); err != nil {
			return nil, fmt.Errorf("generate %s signing key: %w", name, err)
		}
	}
	rk := &rsaKey{kid: "demo-" + name + "-" + opaque(8), key: key}
	k.keys[name] = rk
	return rk, nil
}

// signRS256 makes a JWS of claims signed with RS256; kid goes into the
// header when it is not empty.
func signRS256(rk *rsaKey, withKid bool, claims object) (string, error) {
	header := object{{"alg", "RS256"}, {"typ", "JWT"}}
	if withKid {
		header = append(header, member{"kid", rk.kid})
	}
	input, err := signingInput(header, claims)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, rk.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return input + "." + b64url(sig), nil
}

// signHS256 makes a JWS of claims signed with HS256 under secret.
func signHS256(secret []byte, claims object) (string, error) {
	input, err := signingInput(object{{"alg", "HS256"}, {"typ", "JWT"}}, claims)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(input))
	return input + "." + b64url(mac.Sum(nil)), nil
}

// signingInput is base64url(header) "." base64url(claims).
func signingInput(header, claims object) (string, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return "", fmt.Errorf("encode token header: %w", err)
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode token claims: %w", err)
	}
	return b64url(h) + "." + b64url(c), nil
}

// jwk is the public half of rk as an RFC 7517 JSON Web Key.
func jwk(rk *rsaKey) object {
	pub := rk.key.PublicKey
	return object{
		{"kty", "RSA"}, {"use", "sig"}, {"alg", "RS256"}, {"kid", rk.kid},
		{"n", b64url(pub.N.Bytes())},
		{"e", b64url(big.NewInt(int64(pub.E)).Bytes())},
	}
}
