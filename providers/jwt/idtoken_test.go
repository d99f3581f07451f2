package jwt

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

func TestCheckIDToken(t *testing.T) {
	k := newTestKeys(t)
	srv, _ := jwksServer(t, jose.JSONWebKey{Key: k.rsa, KeyID: "rsa1"})
	jwks := srv.URL + "/jwks"
	now := time.Unix(1_800_000_000, 0)
	// at_hash of "AT-1" with SHA-256, computed apart from tokenHash.
	const at, atHash = "AT-1", "3csgdAejgtMkuQDinuh5mg"
	claims := func(extra string) string {
		return fmt.Sprintf(`{"iss":"https://op.example","sub":"u1","aud":"cli","exp":%d,"iat":%d%s}`,
			now.Add(time.Hour).Unix(), now.Unix(), extra)
	}
	opts := IDTokenOptions{Issuer: "https://op.example", ClientID: "cli", AccessToken: at, Now: now}
	results := func(raw string, o IDTokenOptions) string {
		_, cs := CheckIDToken(context.Background(), nil, jwks, raw, o)
		var b []string
		for _, c := range cs {
			b = append(b, c.Name+"="+c.Result)
		}
		return strings.Join(b, " ")
	}
	good := sign(t, jose.RS256, k.rsa, "rsa1", claims(`,"nonce":"n-1","at_hash":"`+atHash+`"`), nil)
	o := opts
	o.Nonce = "n-1"
	for _, tc := range []struct {
		name, raw string
		o         IDTokenOptions
		want      string
	}{
		{"all good", good, o, "signature=ok iss=ok aud=ok exp=ok nonce=ok at_hash=ok"},
		{"no nonce sent, no issuer configured", good, IDTokenOptions{ClientID: "cli", AccessToken: at, Now: now},
			"signature=ok iss=not checked aud=ok exp=ok nonce=not checked at_hash=ok"},
		{"other key", sign(t, jose.RS256, k.rsaOther, "rsa1", claims(""), nil), opts,
			"signature=failed iss=ok aud=ok exp=ok nonce=not checked at_hash=not checked"},
		{"other issuer", good, func() IDTokenOptions { o := o; o.Issuer = "https://evil.example"; return o }(),
			"signature=ok iss=failed aud=ok exp=ok nonce=ok at_hash=ok"},
		{"other client", good, func() IDTokenOptions { o := o; o.ClientID = "other"; return o }(),
			"signature=ok iss=ok aud=failed exp=ok nonce=ok at_hash=ok"},
		{"several audiences without azp", sign(t, jose.RS256, k.rsa, "rsa1",
			strings.Replace(claims(""), `"aud":"cli"`, `"aud":["cli","api"]`, 1), nil), opts,
			"signature=ok iss=ok aud=failed exp=ok nonce=not checked at_hash=not checked"},
		{"expired", good, func() IDTokenOptions { o := o; o.Now = now.Add(2 * time.Hour); return o }(),
			"signature=ok iss=ok aud=ok exp=failed nonce=ok at_hash=ok"},
		{"other nonce", good, func() IDTokenOptions { o := o; o.Nonce = "n-2"; return o }(),
			"signature=ok iss=ok aud=ok exp=ok nonce=failed at_hash=ok"},
		{"a nonce sent, none in the token", sign(t, jose.RS256, k.rsa, "rsa1", claims(`,"at_hash":"`+atHash+`"`), nil), o,
			"signature=ok iss=ok aud=ok exp=ok nonce=failed at_hash=ok"},
		{"a number for a nonce", sign(t, jose.RS256, k.rsa, "rsa1", claims(`,"nonce":1`), nil), o,
			"signature=ok iss=ok aud=ok exp=ok nonce=failed at_hash=not checked"},
		// A refresh's id_token need not carry the nonce (OIDC Core §12.2),
		// but one it carries is the login's.
		{"refreshed without a nonce", sign(t, jose.RS256, k.rsa, "rsa1", claims(""), nil),
			func() IDTokenOptions { o := o; o.Refreshed = true; return o }(),
			"signature=ok iss=ok aud=ok exp=ok nonce=not checked at_hash=not checked"},
		{"refreshed with the login's nonce", good, func() IDTokenOptions { o := o; o.Refreshed = true; return o }(),
			"signature=ok iss=ok aud=ok exp=ok nonce=ok at_hash=ok"},
		{"refreshed with another nonce", good, func() IDTokenOptions { o := o; o.Nonce, o.Refreshed = "n-2", true; return o }(),
			"signature=ok iss=ok aud=ok exp=ok nonce=failed at_hash=ok"},
		{"other access token", good, func() IDTokenOptions { o := o; o.AccessToken = "AT-2"; return o }(),
			"signature=ok iss=ok aud=ok exp=ok nonce=ok at_hash=failed"},
		{"not a JWT", "opaque", o, "decode=failed"},
	} {
		if got := results(tc.raw, tc.o); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
