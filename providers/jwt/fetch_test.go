package jwt

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func serve(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestVerifyJWKSProblems(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	raw := sign(t, jose.ES256, key, "", claims, nil)
	withKid := sign(t, jose.ES256, key, "some-kid", claims, nil)
	pub, err := json.Marshal(jose.JSONWebKey{Key: &key.PublicKey, KeyID: "good"})
	if err != nil {
		t.Fatal(err)
	}
	otherPub, err := json.Marshal(jose.JSONWebKey{Key: &other.PublicKey, KeyID: "other"})
	if err != nil {
		t.Fatal(err)
	}
	body := func(s string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(s)) }
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	tests := []struct {
		name   string
		url    string
		want   Status
		reason string
	}{
		{"unreachable", closed.URL, StatusJWKSNotFetched, "cannot fetch the JWKS"},
		{"server error", serve(t, func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "boom", http.StatusInternalServerError)
		}), StatusJWKSNotFetched, "answered 500 Internal Server Error"},
		{"not json", serve(t, body("<html>gateway</html>")), StatusJWKSNotFetched, "is not a JWKS"},
		{"no keys", serve(t, body(`{"keys":[]}`)), StatusJWKSNotFetched, "holds no usable public key"},
		{"only junk keys", serve(t, body(`{"keys":[{"kty":"XYZ"},{"kty":"RSA","n":"!!"}]}`)), StatusJWKSNotFetched, "holds no usable public key"},
		{"too large", serve(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"keys":[` + string(pub) + `],"pad":"`))
			_, _ = w.Write([]byte(strings.Repeat("x", MaxJWKSSize)))
			_, _ = w.Write([]byte(`"}`))
		}), StatusJWKSNotFetched, "larger than 1 MiB"},
		{"junk keys mixed in", serve(t, body(`{"keys":[{"kty":"XYZ"},{"kty":"oct","k":"c2VjcmV0"},`+string(pub)+`]}`)),
			StatusVerified, `matches key "good"`},
		{"enc key skipped", serve(t, body(`{"keys":[`+strings.Replace(string(pub), `"kid"`, `"use":"enc","kid"`, 1)+`]}`)),
			StatusNoKey, "no key that can verify ES256"},
		{"two candidates, neither matches", serve(t, body(`{"keys":[`+string(otherPub)+`,`+string(otherPub)+`]}`)),
			StatusMismatch, "matches none of the 2 usable keys"},
		{"second of two candidates matches", serve(t, body(`{"keys":[`+string(otherPub)+`,`+string(pub)+`]}`)),
			StatusVerified, `matches key "good"`},
		{"not a URL", "://nope", StatusJWKSNotFetched, "cannot fetch the JWKS"},
		{"set without kids, token with one", serve(t, body(`{"keys":[`+strings.Replace(string(pub), `"kid":"good",`, "", 1)+`]}`)),
			StatusVerified, "matches key (no kid)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := raw
			if strings.Contains(tt.name, "token with one") {
				tok = withKid
			}
			check(t, tt.url, tok, tt.want, tt.reason)
		})
	}
}

func TestVerifyObeysContextTimeout(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	url := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	status, why := Verify(ctx, &http.Client{}, url, sign(t, jose.ES256, key, "", claims, nil))
	if status != StatusJWKSNotFetched || !strings.Contains(why, "context deadline exceeded") {
		t.Errorf("Verify = %s %q", status, why)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Verify took %v with a 150ms deadline", d)
	}
}

func TestVerifyMasksJWKSPassword(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	url := serve(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusForbidden) })
	url = strings.Replace(url, "http://", "http://user:hunter2@", 1)
	status, why := Verify(context.Background(), nil, url, sign(t, jose.ES256, key, "", claims, nil))
	if status != StatusJWKSNotFetched || !strings.Contains(why, "403 Forbidden") || strings.Contains(why, "hunter2") {
		t.Errorf("Verify = %s %q", status, why)
	}
}
