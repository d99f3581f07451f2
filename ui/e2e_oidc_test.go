package ui

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/ui/clipboard"
)

// startLoginRig is startRig with the demo's sign-in provider oauth2-login
// alone in the store, signed in through the demo's authorization page (the
// test pressing its "Sign in as demo" button), so that its token comes
// with an id_token.
func startLoginRig(t *testing.T, w, h int) *rig {
	t.Helper()
	now := func() time.Time { return e2eNow }
	srv, v := demoStore(t)
	var p providers.Provider
	for _, lp := range srv.LoginProviders() {
		if lp.Name == "oauth2-login" {
			p = lp
		}
	}
	if err := v.PutProvider(p); err != nil {
		t.Fatal(err)
	}
	client := oauth.NewClient(oauth.Options{Now: now, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	az, err := oauth.NewAuthorization(p, "http://127.0.0.1:8400/callback")
	if err != nil {
		t.Fatal(err)
	}
	// The sign-in page's button: its form POSTs the request's parameters.
	u, _ := url.Parse(az.URL)
	form := u.Query()
	form.Set("action", "allow")
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.PostForm(p.AuthorizationURL, form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	code, err := oauth.ParseCallback(res.Header.Get("Location"), az.State)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := client.Redeem(context.Background(), p, az, code)
	if err != nil {
		t.Fatal(err)
	}
	if tok.IDToken() == "" {
		t.Fatal("the sign-in came without an id_token")
	}
	if _, err := v.Record(p.Name, tok, providers.Event{At: e2eNow, Kind: providers.EventIssued}); err != nil {
		t.Fatal(err)
	}
	r := &rig{srv: srv, vault: v, clip: &memClipboard{}}
	m := New(Options{Vault: v, Client: client, Now: now, Demo: true, Renderer: colourRenderer()})
	m.clipOpts = clipboard.Options{Backend: r.clip, OSC52: clipboard.OSC52Never}
	r.start(t, m, w, h)
	return r
}

// TestGoldenIDToken: the detail pane shows the sign-in's id_token, its
// claims and each of its checks, under the access token's claims.
func TestGoldenIDToken(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startLoginRig(t, w, h)
		// Both checks end in the background: on a screen tall enough for
		// the whole pane, wait for them, then go back to w×h.
		r.tm.Send(tea.WindowSizeMsg{Width: w, Height: 200})
		r.keys("tab")
		r.waitFor(t, "matches the access token", "Signature ✓ verified")
		r.tm.Send(tea.WindowSizeMsg{Width: w, Height: h})
		r.keys("G") // the ID token's checks, at the end
		golden(t, normalizeSplitKid(r.final(t)))
	})
}

// splitKidRE is the demo key's kid where the pane wrapped it after
// "demo-oauth2-": its random part at the start of the next line.
var splitKidRE = regexp.MustCompile(`(│ +)[A-Za-z0-9]{8}(" of )`)

// atHashRE is the at_hash claim's value, which follows the access token's
// random jti.
var atHashRE = regexp.MustCompile(`(at_hash +)"[A-Za-z0-9_-]{22}"`)

// nonceClaimRE is the nonce claim's value, the sign-in's random nonce.
var nonceClaimRE = regexp.MustCompile(`(nonce +)"[A-Z2-7]{26}"`)

// normalizeSplitKid is normalize for a kid split across two lines, the
// at_hash of a random access token and the sign-in's nonce.
func normalizeSplitKid(s string) string {
	s = splitKidRE.ReplaceAllString(s, "${1}KIDKIDKI$2")
	s = nonceClaimRE.ReplaceAllString(s, `${1}"NONCENONCENONCENONCENONCE1"`)
	return atHashRE.ReplaceAllString(s, `${1}"ATHASHATHASHATHASHATHA"`)
}

// TestIntrospectAction: I asks the demo's introspection endpoint about the
// token, and the answer is shown in the detail pane.
func TestIntrospectAction(t *testing.T) {
	t.Parallel()
	r := startLoginRig(t, 120, 60)
	r.keys("I")
	r.waitFor(t, "introspect oauth2-login: the token is active")
	r.keys("tab", "G")
	r.waitFor(t, "Introspection", "✓ active", "tokenscope-demo-public")
	// The exchange log has the request, the token masked.
	r.keys("L")
	r.waitFor(t, "POST http://127.0.0.1", "/oauth2/introspect → 200")
	if out := r.final(t); !strings.Contains(out, "token=****&token_type_hint=access_token&client_id=tokenscope-demo-public") {
		t.Errorf("the log does not show the request masked:\n%s", out)
	}
}
