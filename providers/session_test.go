package providers

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"sync"
	"testing"
)

// testRSA is one 1024-bit key for every test here: generating one is slow.
var testRSA = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	return k
})

func TestParsePublicKeyForms(t *testing.T) {
	k := &testRSA().PublicKey
	pkix, _ := x509.MarshalPKIXPublicKey(k)
	pkcs1 := x509.MarshalPKCS1PublicKey(k)
	pemOf := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	b64 := base64.StdEncoding.EncodeToString(pkix)
	for name, text := range map[string]string{
		"PEM PUBLIC KEY":          pemOf("PUBLIC KEY", pkix),
		"PEM RSA PUBLIC KEY":      pemOf("RSA PUBLIC KEY", pkcs1),
		"portal base64 DER":       b64,
		"base64 PKCS #1":          base64.StdEncoding.EncodeToString(pkcs1),
		"base64 with breaks":      "  " + b64[:40] + "\n" + b64[40:] + "\n",
		"PEM on one line":         strings.ReplaceAll(pemOf("PUBLIC KEY", pkix), "\n", ""),
		"PEM on one line, spaced": strings.ReplaceAll(pemOf("PUBLIC KEY", pkix), "\n", " "),
	} {
		got, err := ParsePublicKey(text)
		if err != nil || !got.Equal(k) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParsePublicKeyRefuses(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	// A 512-bit modulus, made by hand: GenerateKey refuses to make one.
	n := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 511), big.NewInt(0x1f))
	smallDER := x509.MarshalPKCS1PublicKey(&rsa.PublicKey{N: n, E: 65537})
	priv := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(testRSA())})
	pkix, _ := x509.MarshalPKIXPublicKey(&testRSA().PublicKey)
	two := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix}))
	for _, tc := range []struct{ name, text, want string }{
		{"empty", "  ", "no public key"},
		{"not base64", "not a key!", "neither PEM nor base64 DER"},
		{"base64 of junk", base64.StdEncoding.EncodeToString([]byte("junk")), "not an RSA public key"},
		{"an EC key", base64.StdEncoding.EncodeToString(ecDER), "not an RSA public key"},
		{"a small key", base64.StdEncoding.EncodeToString(smallDER), "512 bits, under 1024"},
		{"a private key", string(priv), `"RSA PRIVATE KEY", not PUBLIC KEY`},
		{"two keys", two + two, "text follows the PEM block"},
		{"broken armour", "-----BEGIN PUBLIC KEY-----abc", "PEM block is malformed"},
		{"too long", strings.Repeat("A", MaxPublicKey+1), "at most 16 KiB"},
	} {
		_, err := ParsePublicKey(tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		if err != nil && len(tc.text) > 8 && strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: the error quotes the text", tc.name)
		}
	}
}

func TestValidateSessionAndStatic(t *testing.T) {
	pkix, _ := x509.MarshalPKIXPublicKey(&testRSA().PublicKey)
	key := base64.StdEncoding.EncodeToString(pkix)
	vodacom := func(mod func(*Provider)) error {
		p, err := ApplyPreset(Provider{Name: "v", Preset: "vodacom", ClientSecret: "k", PublicKey: key})
		if err != nil {
			return err
		}
		mod(&p)
		return p.Validate()
	}
	for _, tc := range []struct {
		name string
		mod  func(*Provider)
		want string // "" for valid
	}{
		{"the preset", func(*Provider) {}, ""},
		{"no key", func(p *Provider) { p.PublicKey = "" }, "public_key: session_encryption needs the public key"},
		{"a bad key", func(p *Provider) { p.PublicKey = "no-pe!" }, "public_key: neither PEM nor base64 DER"},
		{"an unknown encryption", func(p *Provider) { p.SessionEncryption = "rsa-oaep" }, "unknown session encryption"},
		{"a key without encryption", func(p *Provider) { p.SessionEncryption = "" }, "a public_key is used only with"},
		{"a control character in origin", func(p *Provider) { p.Origin = "a\nb" }, "origin: holds no control"},
		{"a negative lifetime", func(p *Provider) { p.Lifetime = -1 }, "lifetime: a lifetime cannot be negative"},
	} {
		err := vodacom(tc.mod)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	static := func(p Provider) error {
		p, err := ApplyPreset(p)
		if err != nil {
			return err
		}
		return p.Validate()
	}
	if err := static(Provider{Name: "s", Preset: "static", ClientSecret: "sk_test_x"}); err != nil {
		t.Errorf("a static key: %v", err)
	}
	if err := static(Provider{Name: "s", Preset: "static"}); err != nil {
		t.Errorf("a static provider without its key yet (add asks for it next): %v", err)
	}
	for _, p := range []Provider{{Name: "s", Preset: "static"}, {Name: "v", Preset: "vodacom"}} {
		p, _ = ApplyPreset(p)
		want := map[string]string{"static": "static_key: no value: the provider needs its static key, which is the token",
			"vodacom": "api_key: no value: the provider needs the key it sends"}[p.Preset]
		if err := p.MissingKey(); err == nil || err.Error() != want {
			t.Errorf("%s without its key: %v, want %s", p.Preset, err, want)
		}
		p.ClientSecret = "k"
		if err := p.MissingKey(); err != nil {
			t.Errorf("%s with its key: %v", p.Preset, err)
		}
	}
	if o, _ := ApplyPreset(Provider{Name: "o", Preset: "oauth2"}); o.MissingKey() != nil {
		t.Error("an oauth2 provider is said to miss a key")
	}
	if err := static(Provider{Name: "s", Preset: "static", ClientSecret: "k", TokenURL: "https://x/token"}); err == nil ||
		!strings.Contains(err.Error(), "no token endpoint") {
		t.Errorf("a static provider with a token URL: %v", err)
	}
	ready := "Basic " + base64.StdEncoding.EncodeToString([]byte("id:secret"))
	if err := static(Provider{Name: "o", Preset: "orange", BasicAuth: Secret(ready)}); err != nil {
		t.Errorf("orange with a ready-made header: %v", err)
	}
	if err := static(Provider{Name: "o", Preset: "orange", BasicAuth: Secret(ready), ClientID: "id", ClientSecret: "s"}); err == nil ||
		!strings.Contains(err.Error(), "not both") {
		t.Errorf("both: %v", err)
	}
	if err := static(Provider{Name: "o", Preset: "orange", BasicAuth: "Basic bm9jb2xvbg=="}); err == nil ||
		!strings.Contains(err.Error(), "no id:secret pair") || strings.Contains(err.Error(), "bm9jb2xvbg") {
		t.Errorf("a header of no pair: %v", err)
	}
}

func FuzzParsePublicKey(f *testing.F) {
	pkix, _ := x509.MarshalPKIXPublicKey(&testRSA().PublicKey)
	f.Add(base64.StdEncoding.EncodeToString(pkix))
	f.Add(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})))
	f.Add("-----BEGIN PUBLIC KEY-----AAAA-----END PUBLIC KEY-----")
	f.Add("-----BEGIN \x1b[31m-----")
	f.Fuzz(func(t *testing.T, text string) {
		k, err := ParsePublicKey(text)
		if err == nil && (k == nil || k.N.BitLen() < minRSABits) {
			t.Fatalf("accepted %v", k)
		}
		if err != nil && checkText("", err.Error(), "") != nil {
			t.Fatalf("the error holds a control character: %q", err)
		}
	})
}

func FuzzBasicAuth(f *testing.F) {
	f.Add("Basic aWQ6c2VjcmV0")
	f.Add("aWQ6c2VjcmV0")
	f.Add("basic   aWQ6c2VjcmV0  ")
	f.Add("Basic bm9jb2xvbg==")
	f.Add("Bearer x\x1b[2J")
	f.Fuzz(func(t *testing.T, s string) {
		err := checkBasic(s)
		if err == nil {
			if !strings.Contains(string(mustBase64(t, BasicValue(s))), ":") {
				t.Fatalf("accepted %q, which holds no id:secret", s)
			}
			return
		}
		// The value is a secret: the error is one of two fixed texts,
		// never quoting it.
		switch err.Error() {
		case `basic_auth: not a Basic header value (base64 of client id:secret, with or without "Basic ")`,
			"basic_auth: the Basic header value decodes to no id:secret pair":
		default:
			t.Fatalf("error %q", err)
		}
	})
}

func mustBase64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("accepted %q, which is not base64: %v", s, err)
	}
	return b
}
