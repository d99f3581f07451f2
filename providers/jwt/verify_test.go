package jwt

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// testKeys are the signing keys of one test run; generated per test, not
// kept in package state.
type testKeys struct {
	rsa, rsaOther *rsa.PrivateKey
	ec256, ec384  *ecdsa.PrivateKey
	ed            ed25519.PrivateKey
}

func newTestKeys(t *testing.T) testKeys {
	t.Helper()
	var k testKeys
	var err error
	if k.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	if k.rsaOther, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	if k.ec256, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	if k.ec384, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	if _, k.ed, err = ed25519.GenerateKey(rand.Reader); err != nil {
		t.Fatal(err)
	}
	return k
}

// jwksServer serves the public halves of keys as a JWKS and counts requests.
func jwksServer(t *testing.T, keys ...jose.JSONWebKey) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	set := jose.JSONWebKeySet{}
	for _, k := range keys {
		set.Keys = append(set.Keys, k.Public())
	}
	body, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// sign makes a compact JWS of claims with key, kid and extra header members.
func sign(t *testing.T, alg jose.SignatureAlgorithm, key crypto.Signer, kid, claims string, opts *jose.SignerOptions) string {
	t.Helper()
	if opts == nil {
		opts = &jose.SignerOptions{}
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, opts.WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign([]byte(claims))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func check(t *testing.T, url, raw string, want Status, reason string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, why := Verify(ctx, nil, url, raw)
	if got != want || !strings.Contains(why, reason) {
		t.Errorf("Verify = %s %q; want %s containing %q", got, why, want, reason)
	}
	if got.Verdict() != want.Verdict() {
		t.Errorf("Verify = %s, verdict %s; want %s", got, got.Verdict(), want.Verdict())
	}
}

const claims = `{"sub":"alice","exp":4102444800}`

func TestVerify(t *testing.T) {
	k := newTestKeys(t)
	srv, hits := jwksServer(t,
		jose.JSONWebKey{Key: k.rsa, KeyID: "rsa1", Use: "sig"},
		jose.JSONWebKey{Key: k.ec256, KeyID: "ec1"},
		jose.JSONWebKey{Key: k.ec384, KeyID: "ec2", Algorithm: "ES384"},
		jose.JSONWebKey{Key: k.ed, KeyID: "ed1"},
	)
	url := srv.URL + "/jwks"

	t.Run("algorithms", func(t *testing.T) {
		for _, tt := range []struct {
			alg jose.SignatureAlgorithm
			key crypto.Signer
			kid string
		}{
			{jose.RS256, k.rsa, "rsa1"}, {jose.RS384, k.rsa, "rsa1"}, {jose.RS512, k.rsa, "rsa1"},
			{jose.PS256, k.rsa, "rsa1"}, {jose.PS512, k.rsa, "rsa1"},
			{jose.ES256, k.ec256, "ec1"}, {jose.ES384, k.ec384, "ec2"}, {jose.EdDSA, k.ed, "ed1"},
			// No kid: every key of the right type is tried.
			{jose.RS256, k.rsa, ""}, {jose.ES256, k.ec256, ""}, {jose.ES384, k.ec384, ""}, {jose.EdDSA, k.ed, ""},
		} {
			check(t, url, sign(t, tt.alg, tt.key, tt.kid, claims, nil), StatusVerified, string(tt.alg)+" signature matches key")
		}
	})
	t.Run("wrong key with the right kid", func(t *testing.T) {
		check(t, url, sign(t, jose.RS256, k.rsaOther, "rsa1", claims, nil), StatusMismatch, `does not match key "rsa1"`)
	})
	t.Run("wrong key without kid", func(t *testing.T) {
		check(t, url, sign(t, jose.RS256, k.rsaOther, "", claims, nil), StatusMismatch, `does not match key "rsa1"`)
	})
	t.Run("unknown kid", func(t *testing.T) {
		check(t, url, sign(t, jose.RS256, k.rsa, "rotated-away", claims, nil), StatusNoKey, `no key with kid "rotated-away"`)
	})
	t.Run("kid of a key of another type", func(t *testing.T) {
		check(t, url, sign(t, jose.ES256, k.ec256, "rsa1", claims, nil), StatusNoKey, `kid "rsa1" cannot verify ES256`)
	})
	t.Run("key whose alg differs", func(t *testing.T) {
		// ec2 is a P-384 key pinned to ES384; it must not be tried for ES512 or
		// under another alg, even with the right kid.
		check(t, url, sign(t, jose.ES256, k.ec256, "ec2", claims, nil), StatusNoKey, `kid "ec2" cannot verify ES256`)
	})
	t.Run("tampered payload", func(t *testing.T) {
		raw := sign(t, jose.RS256, k.rsa, "rsa1", claims, nil)
		parts := strings.Split(raw, ".")
		parts[1] = b64(`{"sub":"mallory","exp":4102444800}`)
		check(t, url, strings.Join(parts, "."), StatusMismatch, `does not match key "rsa1"`)
	})
	t.Run("tampered header", func(t *testing.T) {
		raw := sign(t, jose.RS256, k.rsa, "rsa1", claims, nil)
		parts := strings.Split(raw, ".")
		parts[0] = b64(`{"alg":"RS256","kid":"rsa1","typ":"at+jwt"}`)
		check(t, url, strings.Join(parts, "."), StatusMismatch, "does not match")
	})

	t.Run("crit b64 true is understood", func(t *testing.T) {
		opts := (&jose.SignerOptions{}).WithHeader("b64", true).WithCritical("b64")
		check(t, url, sign(t, jose.RS256, k.rsa, "rsa1", claims, opts), StatusVerified, "RS256 signature matches key")
	})

	before := hits.Load()
	t.Run("crit names an extension tokenscope does not understand", func(t *testing.T) {
		// Signed with the right key: without the crit check go-jose would
		// refuse it, and the user would read "signature does not match".
		opts := (&jose.SignerOptions{}).WithHeader("exp-x", 1).WithCritical("exp-x")
		raw := sign(t, jose.RS256, k.rsa, "rsa1", claims, opts)
		check(t, url, raw, StatusUnsupportedCrit, `unsupported critical header parameter "exp-x"`)
		if _, why := Verify(context.Background(), nil, url, raw); strings.Contains(why, "match") {
			t.Errorf("reason %q speaks of the signature", why)
		}
		opts = (&jose.SignerOptions{}).WithHeader("b64", false).WithCritical("b64")
		check(t, url, sign(t, jose.ES256, k.ec256, "ec1", claims, opts), StatusUnsupportedCrit, `unsupported critical header parameter "b64"`)
		check(t, url, b64(`{"alg":"HS256","crit":["exp-x"],"exp-x":1}`)+"."+b64(claims)+"."+b64("x"),
			StatusUnsupportedCrit, `unsupported critical header parameter "exp-x"`)
	})
	t.Run("crit not well formed", func(t *testing.T) {
		for _, tt := range []struct{ header, reason string }{
			{`{"alg":"RS256","crit":"exp-x","exp-x":1}`, `invalid "crit" header: it must be a non-empty list`},
			{`{"alg":"RS256","crit":[]}`, `invalid "crit" header: it must be a non-empty list`},
			{`{"alg":"RS256","crit":[1]}`, `invalid "crit" header: it must be a non-empty list`},
			{`{"alg":"RS256","crit":null}`, `invalid "crit" header: it must be a non-empty list`},
			{`{"alg":"RS256","crit":["x","x"],"x":1}`, `invalid "crit" header: it lists "x" twice`},
			{`{"alg":"RS256","crit":["kid"],"kid":"rsa1"}`, `"kid" is defined by JWS itself`},
			{`{"alg":"RS256","crit":["exp-x"]}`, `it lists "exp-x", which the header does not have`},
		} {
			check(t, url, b64(tt.header)+"."+b64(claims)+"."+b64("x"), StatusUnsupportedCrit, tt.reason)
		}
	})
	t.Run("alg none", func(t *testing.T) {
		for _, alg := range []string{"none", "None", "NONE"} {
			check(t, url, b64(`{"alg":"`+alg+`"}`)+"."+b64(claims)+".", StatusUnsigned, "never accepted")
		}
		check(t, "", b64(`{"alg":"none"}`)+"."+b64(claims)+".", StatusUnsigned, "never accepted")
	})
	t.Run("hmac is unchecked, even with the public key as its secret", func(t *testing.T) {
		pub, err := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		for _, alg := range []string{"HS256", "HS384", "HS512"} {
			input := b64(`{"alg":"`+alg+`","kid":"rsa1"}`) + "." + b64(claims)
			mac := hmac.New(sha256.New, pub)
			mac.Write([]byte(input))
			raw := input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
			check(t, url, raw, StatusSharedSecret, alg+" is signed with a shared secret")
		}
	})
	t.Run("unsupported alg", func(t *testing.T) {
		check(t, url, b64(`{"alg":"RS1"}`)+"."+b64(claims)+"."+b64("x"), StatusUnsupportedAlg, `unsupported alg "RS1"`)
	})
	t.Run("no jwks url", func(t *testing.T) {
		check(t, "", sign(t, jose.RS256, k.rsa, "rsa1", claims, nil), StatusNoJWKSURL, "no jwks_url")
	})
	t.Run("opaque", func(t *testing.T) {
		check(t, url, "GTPY9VUHCqKVMRB0cHxnmAp0utR0", StatusOpaque, "opaque token")
	})
	t.Run("malformed", func(t *testing.T) {
		check(t, url, b64(`{"alg":"RS256"}`)+".%%%."+b64("x"), StatusMalformed, "claims (second part)")
	})
	if n := hits.Load() - before; n != 0 {
		t.Errorf("the JWKS was fetched %d times for tokens that needed no fetch", n)
	}
}

// TestVerifyIgnoresKeysTheTokenPointsAt is the jku/x5u/jwk attack: the
// attacker signs with their own key and names where to find it. The token
// must fail, and the attacker's server must never be asked.
func TestVerifyIgnoresKeysTheTokenPointsAt(t *testing.T) {
	k := newTestKeys(t)
	legit, _ := jwksServer(t, jose.JSONWebKey{Key: k.rsa, KeyID: "rsa1"})
	evil, evilHits := jwksServer(t, jose.JSONWebKey{Key: k.rsaOther, KeyID: "rsa1"}, jose.JSONWebKey{Key: k.rsaOther, KeyID: "evil"})

	for _, tt := range []struct {
		name string
		kid  string
		opts *jose.SignerOptions
		st   Status
		want string
	}{
		{"jku same kid", "rsa1", (&jose.SignerOptions{}).WithHeader("jku", evil.URL), StatusMismatch, `does not match key "rsa1"`},
		{"jku own kid", "evil", (&jose.SignerOptions{}).WithHeader("jku", evil.URL), StatusNoKey, `no key with kid "evil"`},
		{"x5u", "rsa1", (&jose.SignerOptions{}).WithHeader("x5u", evil.URL), StatusMismatch, `does not match key "rsa1"`},
		{"embedded jwk", "", &jose.SignerOptions{EmbedJWK: true}, StatusMismatch, `does not match key "rsa1"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := sign(t, jose.RS256, k.rsaOther, tt.kid, claims, tt.opts)
			check(t, legit.URL, raw, tt.st, tt.want)
			check(t, legit.URL, raw, tt.st, "header is never trusted")
			if tt.st.Verdict() != VerdictFailed {
				t.Errorf("%s: verdict %s, want failed", tt.st, tt.st.Verdict())
			}
		})
	}
	if n := evilHits.Load(); n != 0 {
		t.Errorf("the attacker's server was asked %d times", n)
	}
}

func TestStatusCodesAndVerdicts(t *testing.T) {
	for _, tt := range []struct {
		s       Status
		code    string
		verdict Verdict
	}{
		{StatusNone, "none", ""},
		{StatusVerified, "verified", VerdictVerified},
		{StatusMismatch, "mismatch", VerdictFailed},
		{StatusNoKey, "no_key", VerdictFailed},
		{StatusUnsigned, "unsigned", VerdictFailed},
		{StatusUnsupportedAlg, "unsupported_alg", VerdictFailed},
		{StatusUnsupportedCrit, "unsupported_crit", VerdictFailed},
		{StatusMalformed, "malformed", VerdictFailed},
		{StatusJWKSNotFetched, "jwks_not_fetched", VerdictUnchecked},
		{StatusNoJWKSURL, "no_jwks_url", VerdictUnchecked},
		{StatusSharedSecret, "shared_secret", VerdictUnchecked},
		{StatusOpaque, "opaque", VerdictUnchecked},
		{Status(99), "Status(99)", VerdictFailed},
	} {
		if got := tt.s.String(); got != tt.code {
			t.Errorf("Status(%d).String() = %q, want %q", int(tt.s), got, tt.code)
		}
		if got := tt.s.Verdict(); got != tt.verdict {
			t.Errorf("%s.Verdict() = %q, want %q", tt.s, got, tt.verdict)
		}
	}
}
