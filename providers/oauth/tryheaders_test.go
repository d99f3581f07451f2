package oauth

import (
	"context"
	"strings"
	"testing"
)

func TestTryHeadersGoWithTheTryRequestOnly(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON), answer(200, `{"ok":true}`))
	p := oauth2Provider(t, srv.URL())
	p.TryURL = srv.URL() + "/collection/v1_0/account/balance"
	p.TryHeaders = map[string]string{"X-Target-Environment": "sandbox", "X-Country": "UG"}
	c := testClient(nil)
	tok, err := c.Fetch(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res, err := c.Try(context.Background(), p, tok); err != nil || res.Status != 200 {
		t.Fatalf("try = %+v, %v", res, err)
	}
	got := srv.got()
	if h := got[0].Header.Get("X-Target-Environment"); h != "" {
		t.Errorf("the token request carried X-Target-Environment %q", h)
	}
	if got[1].Header.Get("X-Target-Environment") != "sandbox" || got[1].Header.Get("X-Country") != "UG" ||
		got[1].Header.Get("Authorization") != "Bearer AT-1" {
		t.Errorf("try headers %v", got[1].Header)
	}
	cmd := TryCurlCommand(p, tok)
	if !strings.Contains(cmd, "-H 'X-Country: UG'") || !strings.Contains(cmd, "-H 'X-Target-Environment: sandbox'") {
		t.Errorf("curl:\n%s", cmd)
	}
}

func TestValidateRefusesBadTryHeaders(t *testing.T) {
	for _, tc := range []struct{ name, value, want string }{
		{"Authorization", "Bearer x", "try_headers.Authorization: Authorization is set by tokenscope"},
		{"X-Bad\x00", "v", "try_headers: holds no control or format characters: character 6 is U+0000"},
		{"X-Bad Name", "v", "try_headers.X-Bad Name: a header name is an RFC 9110 token"},
		{"X-Split-Header", "v\r\nInjected: 1", "try_headers.X-Split-Header: holds no control or format characters: character 2 is U+000D"},
	} {
		p := oauth2Provider(t, "https://a.example")
		p.TryHeaders = map[string]string{tc.name: tc.value}
		if err := p.Validate(); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %s…", tc.name, err, tc.want)
		}
	}
}
