package oauth

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// legacy is a provider stored before the userinfo rule: its URLs carry a
// password that must never be sent, printed or traced.
func legacy(url string) providers.Provider {
	return providers.Provider{Name: "old", Preset: "oauth2", TokenURL: strings.Replace(url, "://", "://u:hunter2@", 1) + "/token",
		Grant: providers.GrantClientCredentials, ClientAuth: providers.AuthBasic, ClientID: "c",
		LogoutURL:     strings.Replace(url, "://", "://u:hunter2@", 1) + "/logout",
		RevocationURL: strings.Replace(url, "://", "://u:hunter2@", 1) + "/revoke"}
}

func TestLegacyUserinfoIsNeverSentNorPrinted(t *testing.T) {
	r := serve(t, answer(200, tokenJSON))
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace})
	p := legacy(r.URL())
	if err := p.CheckShown(); !errors.Is(err, providers.ErrUserinfo) {
		t.Errorf("CheckShown = %v, want ErrUserinfo", err)
	}
	tok := &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-1"}
	_, err := c.Logout(context.Background(), p, tok)
	if !errors.Is(err, providers.ErrUserinfo) {
		t.Errorf("Logout = %v, want ErrUserinfo", err)
	}
	p.LogoutURL = ""
	_, err = c.Logout(context.Background(), p, tok)
	if !errors.Is(err, providers.ErrUserinfo) {
		t.Errorf("revocation = %v, want ErrUserinfo", err)
	}
	// The engine refuses it even when a caller skips Validate.
	rq := buildTokenRequest(p, "", nil)
	if _, err := c.once(context.Background(), c.httpClient(p, false), rq, newRedactor(p)); !errors.Is(err, providers.ErrUserinfo) {
		t.Errorf("once = %v, want ErrUserinfo", err)
	}
	if n := len(r.got()); n != 0 {
		t.Errorf("%d requests reached the server, want none", n)
	}
	for _, s := range []string{trace.String(), errString(err)} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("the password shows: %q", s)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
