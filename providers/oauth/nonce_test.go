package oauth

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
)

// unsignedJWT is claims as a JWT whose signature is no one's: the nonce
// check reads the claims only (the signature has a check of its own).
func unsignedJWT(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","kid":"k1"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("not-a-signature"))
}

// idClaims are an ID token's claims for strictAS's client, with extra
// members (a nonce) after them.
func idClaims(extra string) string {
	return fmt.Sprintf(`{"iss":"https://id.example","sub":"u1","aud":"public-app","exp":%d%s}`,
		time.Now().Add(time.Hour).Unix(), extra)
}

// TestLoginChecksTheNonce: a login with the openid scope sends a nonce,
// and the server's id_token must carry it back. One that carries it is
// stored with the nonce, for the id_token's later checks; one that carries
// another, or none, is refused, and nothing is stored.
func TestLoginChecksTheNonce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		idToken func(nonce string) string
		ok      bool
	}{
		{"echoed", func(n string) string { return idClaims(fmt.Sprintf(`,"nonce":%q`, n)) }, true},
		{"another", func(n string) string { return idClaims(`,"nonce":"replayed-from-another-login"`) }, false},
		{"missing", func(string) string { return idClaims("") }, false},
		{"empty", func(string) string { return idClaims(`,"nonce":""`) }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as := newStrictAS(t)
			var sent string
			as.idToken = func(n string) string { sent = n; return tc.idToken(n) }
			p := as.provider()
			st := newMemState(p)
			var trace bytes.Buffer
			out, page, err := login(t, NewClient(Options{Trace: &trace}), st, p)
			if sent == "" {
				t.Fatal("the authorization request sent no nonce")
			}
			if strings.Contains(trace.String(), sent) {
				t.Errorf("the trace shows the nonce:\n%s", trace.String())
			}
			if tc.ok {
				if err != nil {
					t.Fatalf("login: %v", err)
				}
				stored := st.tok["app"]
				if stored == nil || stored.Nonce.Reveal() != sent || out.Token.Nonce.Reveal() != sent {
					t.Fatalf("stored %+v: not kept with the nonce sent", stored)
				}
				j, err := jwt.Parse(stored.IDToken())
				if err != nil {
					t.Fatal(err)
				}
				o := IDTokenOptions(p, stored, time.Now())
				if c := jwt.CheckNonce(j, o.Nonce, o.Refreshed); c.Result != jwt.CheckOK {
					t.Errorf("the stored token's nonce check: %+v", c)
				}
				return
			}
			var e *Error
			if !errors.Is(err, ErrNonceMismatch) || !errors.As(err, &e) || !strings.Contains(e.Hint, "tokenscope login app") {
				t.Fatalf("login = %v, want a refusal for the nonce", err)
			}
			t.Logf("refused: %v (hint: %s)", err, e.Hint)
			if strings.Contains(err.Error(), sent) || strings.Contains(err.Error(), "replayed-from") {
				t.Errorf("the error quotes a nonce: %v", err)
			}
			if st.tok["app"] != nil {
				t.Errorf("a token was stored: %+v", st.tok["app"])
			}
			if k := st.kinds(); len(k) != 1 || k[0] != providers.EventFailed {
				t.Errorf("events %v, want one failed", k)
			}
			if !strings.Contains(page, "Sign-in failed") || !strings.Contains(page, "nonce") {
				t.Errorf("the browser saw %q", page)
			}
		})
	}
}

// TestNonceOnlyWithOpenID: without the openid scope no nonce is sent, and
// an id_token some server sends anyway is stored, its nonce not checked.
func TestNonceOnlyWithOpenID(t *testing.T) {
	as := newStrictAS(t)
	as.idToken = func(n string) string {
		if n != "" {
			t.Errorf("a nonce was sent without openid: %q", n)
		}
		return idClaims("")
	}
	p := as.provider()
	p.Scope = "profile"
	st := newMemState(p)
	if _, _, err := login(t, testClient(nil), st, p); err != nil {
		t.Fatal(err)
	}
	tok := st.tok["app"]
	if tok == nil || tok.Nonce != "" || tok.IDToken() == "" {
		t.Fatalf("stored %+v", tok)
	}
	j, _ := jwt.Parse(tok.IDToken())
	o := IDTokenOptions(p, tok, time.Now())
	if c := jwt.CheckNonce(j, o.Nonce, o.Refreshed); c.Result != jwt.CheckNotChecked || c.Detail != "none was sent" {
		t.Errorf("nonce check %+v", c)
	}
}

// TestRefreshKeepsTheNonce: a refreshed token keeps its login's nonce and
// says it was refreshed; its id_token need not carry the nonce (OpenID
// Connect Core §12.2), and one that carries another fails the check.
func TestRefreshKeepsTheNonce(t *testing.T) {
	for _, tc := range []struct {
		name, extra, want string
	}{
		{"no nonce", "", jwt.CheckNotChecked},
		{"the login's", `,"nonce":"n-login-0123456789abcdef"`, jwt.CheckOK},
		{"another", `,"nonce":"n-other"`, jwt.CheckFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The server also echoes the nonce in the clear, for the trace
			// to mask.
			body := fmt.Sprintf(`{"access_token":"AT-2","token_type":"Bearer","expires_in":60,"id_token":%q,"echo":"n-login-0123456789abcdef"}`,
				unsignedJWT(idClaims(tc.extra)))
			rec := serve(t, answer(http.StatusOK, body, "Content-Type", "application/json"))
			p := oauth2Provider(t, rec.URL())
			p.Grant, p.AuthorizationURL, p.ClientAuth, p.ClientSecret = providers.GrantAuthorizationCode, rec.URL()+"/authorize",
				providers.AuthNone, ""
			old := &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-1", Nonce: "n-login-0123456789abcdef"}
			var trace bytes.Buffer
			tok, err := NewClient(Options{Trace: &trace}).Refresh(context.Background(), p, old)
			if err != nil {
				t.Fatal(err)
			}
			if tok.Nonce != old.Nonce || !tok.Refreshed || tok.RefreshToken != old.RefreshToken {
				t.Errorf("refreshed %+v", tok)
			}
			if strings.Contains(trace.String(), old.Nonce.Reveal()) {
				t.Errorf("the trace shows the nonce:\n%s", trace.String())
			}
			j, err := jwt.Parse(tok.IDToken())
			if err != nil {
				t.Fatal(err)
			}
			o := IDTokenOptions(p, tok, time.Now())
			if c := jwt.CheckNonce(j, o.Nonce, o.Refreshed); c.Result != tc.want {
				t.Errorf("nonce check %+v, want %s", c, tc.want)
			}
		})
	}
}
