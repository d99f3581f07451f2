package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// deviceLogin signs the person "e2e-user" in to p with the device grant
// against oidc-provider, the browser approving after the first poll.
func deviceLogin(ctx context.Context, t *testing.T, p providers.Provider) *providers.Token {
	t.Helper()
	var mu sync.Mutex
	n := 0
	var da *oauth.DeviceAuthorization
	c := oauth.NewClient(oauth.Options{Sleep: func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if !first {
			if _, err := newBrowser(t).approve(da.VerificationURIComplete, da.UserCode, "e2e-user", false); err != nil {
				return err
			}
		}
		return ctx.Err()
	}})
	var err error
	if da, err = c.StartDevice(ctx, p); err != nil {
		t.Fatal(err)
	}
	tok, err := c.PollDevice(ctx, p, da)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestIntrospectUserinfoOIDCProvider: a token of the device grant,
// introspected at oidc-provider's RFC 7662 endpoint (the confidential
// client authenticated with Basic, every token masked in the trace), its
// user's claims from the userinfo endpoint, and, once revoked, inactive.
func TestIntrospectUserinfoOIDCProvider(t *testing.T) {
	m := startOIDCProvider(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := providers.ApplyPreset(providers.Provider{Name: "op", Preset: "oauth2", Grant: providers.GrantDeviceCode,
		Issuer: m.issuer, ClientAuth: providers.AuthBasic, ClientID: opClient, ClientSecret: opSecret,
		Scope: "openid offline_access"})
	if err != nil {
		t.Fatal(err)
	}
	md, err := oauth.NewClient(oauth.Options{}).Discover(ctx, m.issuer)
	if err != nil {
		t.Fatal(err)
	}
	p, _ = p.Discovered(md)
	if p.IntrospectionURL == "" || p.UserinfoURL == "" {
		t.Fatalf("metadata without introspection or userinfo: %+v", md)
	}
	tok := deviceLogin(ctx, t, p)

	var trace bytes.Buffer
	c := oauth.NewClient(oauth.Options{Trace: &trace})
	in, err := c.Introspect(ctx, p, tok, false)
	if err != nil {
		t.Fatalf("%v\n%s", err, trace.String())
	}
	if !in.Active {
		t.Fatalf("inactive: %+v", in)
	}
	for name, want := range map[string]string{"client_id": opClient, "sub": "e2e-user", "iss": m.issuer} {
		if c, ok := in.Lookup(name); !ok {
			t.Errorf("no %s in %+v", name, in.Claims)
		} else if s, _ := c.Text(); s != want {
			t.Errorf("%s = %s, want %s", name, c.Value, want)
		}
	}
	if exp, ok := in.Lookup("exp"); !ok {
		t.Error("no exp")
	} else if at, ok := exp.Time(); !ok || at.Before(time.Now()) {
		t.Errorf("exp %s", exp.Value)
	}
	if !strings.Contains(trace.String(), "Authorization: Basic ****") ||
		!strings.Contains(trace.String(), "token=****&token_type_hint=access_token") {
		t.Errorf("the trace:\n%s", trace.String())
	}
	for _, secret := range []string{tok.AccessToken.Reveal(), tok.RefreshToken.Reveal(), opSecret} {
		if strings.Contains(trace.String(), secret) {
			t.Errorf("the trace shows a secret:\n%s", trace.String())
		}
	}
	if in, err := c.Introspect(ctx, p, tok, true); err != nil || !in.Active {
		t.Errorf("the refresh token: %+v, %v", in, err)
	}

	u, err := c.Userinfo(ctx, p, tok)
	if err != nil {
		t.Fatalf("userinfo: %v\n%s", err, trace.String())
	}
	if len(u.Claims) == 0 || u.Claims[0].Key != "sub" || string(u.Claims[0].Value) != `"e2e-user"` {
		t.Errorf("userinfo %s", u.Body)
	}

	// A wrong secret: the server's invalid_client, the hint about client auth.
	wrong := p
	wrong.ClientSecret = "not-the-secret"
	_, err = c.Introspect(ctx, wrong, tok, false)
	var e *oauth.Error
	if !errors.As(err, &e) || e.Status != http.StatusUnauthorized || e.Code != "invalid_client" {
		t.Errorf("wrong secret: %v", err)
	}

	// Revoked: inactive, and userinfo refuses the token with the hint.
	if _, err := c.Logout(ctx, p, tok); err != nil {
		t.Fatal(err)
	}
	if in, err := c.Introspect(ctx, p, tok, false); err != nil || in.Active || len(in.Claims) != 0 {
		t.Errorf("after revocation: %+v, %v", in, err)
	}
	_, err = c.Userinfo(ctx, p, tok)
	if !errors.As(err, &e) || e.Status != http.StatusUnauthorized || !strings.Contains(e.Hint, "tokenscope refresh op") {
		t.Errorf("userinfo after revocation: %v", err)
	}
}
