package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/tokenscope/tokenscope/providers"
)

// testWF keeps the KDF in tests to about a millisecond.
const testWF = 10

var testPass = []byte("correct horse battery staple")

// fixedTime is when test tokens were issued.
var fixedTime = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// newTestVault initialises a vault in a fresh directory.
func newTestVault(t testing.TB) *Vault {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "home")
	v, err := Init(dir, testPass, testWF)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// testProvider is a realistic provider, every secret field set and
// distinct per i, so tests can grep for each of them.
func testProvider(i int) providers.Provider {
	return providers.Provider{
		Name:         fmt.Sprintf("prov%04d", i),
		Preset:       "oauth2",
		TokenURL:     fmt.Sprintf("https://auth%d.example.com/oauth2/token", i),
		Grant:        providers.GrantClientCredentials,
		ClientAuth:   providers.AuthBasic,
		ClientID:     fmt.Sprintf("client-%04d-8c1e2f", i),
		ClientSecret: providers.Secret(fmt.Sprintf("csecret-%04d-Zq8v3LmN0pX2rT6wY9bA4dF7gH1jK5", i)),
		Password:     providers.Secret(fmt.Sprintf("pword-%04d-Vb7Nc3Xz", i)),
		Username:     "svc-user",
		Scope:        "read write",
		Headers:      map[string]providers.Secret{"Ocp-Apim-Subscription-Key": providers.Secret(fmt.Sprintf("hdrkey%04d9f8e7d6c5b4a39281706f5e4d3c2", i))},
		Params:       map[string]string{"audience": "https://api.example.com"},
		JWKSURL:      "https://auth.example.com/.well-known/jwks.json",
		TryURL:       "https://api.example.com/v1/me",
		Timeout:      20 * time.Second,
	}
}

// testToken is a token the size real providers issue (a ~900-byte JWT).
func testToken(i, gen int) *providers.Token {
	claims := fmt.Sprintf(`{"sub":"client-%04d","aud":"https://api.example.com","iss":"https://auth.example.com","gen":%d,"scope":"read write","pad":"%s"}`, i, gen, strings.Repeat("x", 400))
	jwt := "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + "." + base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{byte(i)}, 256))
	now := fixedTime
	return &providers.Token{
		AccessToken:  providers.Secret(jwt),
		TokenType:    "Bearer",
		RefreshToken: providers.Secret(fmt.Sprintf("rtok-%04d-%d-Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz", i, gen)),
		Scope:        "read write",
		IssuedAt:     now,
		ExpiresAt:    now.Add(time.Hour),
		ExpiresIn:    3600,
		ExpirySource: providers.ExpiryFromExpiresIn,
		ClockSkew:    1500 * time.Millisecond,
		Extra:        []providers.Field{{Key: "ext_expires_in", Value: "3600"}, {Key: "not_before", Value: `"1748779200"`}},
	}
}

// bigPayload is n providers, each with a token and a short history.
func bigPayload(n int) *Payload {
	p := &Payload{Version: SchemaVersion, Theme: "dracula"}
	for i := range n {
		e := Entry{Provider: testProvider(i), Token: testToken(i, 0)}
		for k := range 5 {
			e.History = append(e.History, providers.Event{At: time.Unix(int64(1748779200+k*3600), 0).UTC(), Kind: providers.EventRefreshed, Detail: "200 OK in 142ms"})
		}
		p.Providers = append(p.Providers, e)
	}
	return p
}

// snapshot is every file in dir: name, mode and a hash of the contents
// (or the link target), to prove a refusal touched nothing.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		var content []byte
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			content = []byte(target)
		case fi.Mode().IsRegular():
			content, _ = os.ReadFile(path)
		}
		out[e.Name()] = fmt.Sprintf("%v %x %d", fi.Mode(), sha256.Sum256(content), fi.ModTime().UnixNano())
	}
	return out
}

func sameSnapshot(t *testing.T, before, after map[string]string) {
	t.Helper()
	if len(before) != len(after) {
		t.Errorf("files changed: before %v, after %v", before, after)
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed: %s -> %s", k, v, after[k])
		}
	}
}

// sealFor encrypts plaintext to the vault's own recipient: a file the
// vault would decrypt, to test what it does with the contents.
func sealFor(t testing.TB, v *Vault, plaintext []byte) []byte {
	t.Helper()
	ct, err := seal(plaintext, v.rcp, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

// otherKey returns a fresh identity that is not the vault's.
func otherKey(t testing.TB) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// ev is a history event of the given kind.
func ev(kind string) providers.Event {
	return providers.Event{At: fixedTime, Kind: providers.EventKind(kind), Detail: "200 OK in 120ms"}
}
