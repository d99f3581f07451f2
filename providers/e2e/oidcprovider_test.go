package e2e_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// envOIDCProvider names the directory of the oidc-provider npm package
// (panva's), which providers/e2e/testdata/oidc-provider.mjs runs.
const envOIDCProvider = "TOKENSCOPE_OIDC_PROVIDER"

// The clients testdata/oidc-provider.mjs registers.
const (
	opClient       = "tokenscope-e2e"
	opSecret       = "tokenscope-e2e-secret-0123456789abcdef"
	opPublicClient = "tokenscope-e2e-public"
)

// startOIDCProvider runs testdata/oidc-provider.mjs with node on a port
// the system picks, waits until it answers, and kills it when the test
// ends. Without TOKENSCOPE_OIDC_PROVIDER the test is skipped, except in
// CI, where the tests must run.
func startOIDCProvider(t *testing.T) *mock {
	t.Helper()
	dir := os.Getenv(envOIDCProvider)
	if dir == "" {
		msg := envOIDCProvider + " is not set: it names the oidc-provider package's directory " +
			"(bash .ci/test installs it, or: npm install oidc-provider@8.8.1 and point it at node_modules/oidc-provider)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true, so the end-to-end tests must run")
		}
		t.Skip(msg)
	}
	script, err := filepath.Abs(filepath.Join("testdata", "oidc-provider.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "node", script, dir)
	cmd.WaitDelay = 5 * time.Second
	out := &console{found: make(chan mock, 1)}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start node %s: %v", script, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cancel()
		<-exited
	})
	var m mock
	select {
	case m = <-out.found:
	case <-exited:
		t.Fatalf("oidc-provider exited before it listened:\n%s", out.String())
	case <-time.After(startTimeout):
		t.Fatalf("oidc-provider did not say where it listens within %s:\n%s", startTimeout, out.String())
	}
	waitReady(t, m.base+"/.well-known/openid-configuration", exited)
	return &m
}

// browser is the person at a browser with cookies: it opens a page and
// submits the forms the pages show (oidc-provider's device pages submit
// themselves with a script; devInteractions' login takes any login),
// until a page's title is the device flow's success or a refusal.
type browser struct {
	hc    *http.Client
	steps []string // what it did, for a failure message
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{hc: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

var (
	formTag  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	attrRe   = regexp.MustCompile(`(?is)\b(method|action|name|value|type)="([^"]*)"`)
	inputTag = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	titleTag = regexp.MustCompile(`(?is)<title>(.*?)</title>`)
	redNote  = regexp.MustCompile(`(?is)<p class="red">(.*?)</p>`)
)

func attrs(tag string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllStringSubmatch(tag, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
	}
	return m
}

// approve opens page (a verification URI), types userCode where a page
// asks for one, signs in as login, and confirms every step; abort presses
// the confirmation page's Abort instead. It returns the last page's title.
func (b *browser) approve(page, userCode, login string, abort bool) (string, error) {
	res, err := b.hc.Get(page)
	for step := 0; step < 12; step++ {
		if err != nil {
			return "", err
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		s := string(body)
		title := ""
		if m := titleTag.FindStringSubmatch(s); m != nil {
			title = strings.TrimSpace(m[1])
		}
		if m := redNote.FindStringSubmatch(s); m != nil {
			return title + ": " + m[1], nil // the page says what went wrong
		}
		f := formTag.FindStringSubmatch(s)
		if f == nil {
			return title, nil // no more forms: the end of the flow
		}
		fa := attrs(f[1])
		v := url.Values{}
		for _, in := range inputTag.FindAllString(f[2], -1) {
			a := attrs(in)
			switch {
			case a["name"] == "":
			case a["name"] == "user_code" && a["type"] == "text":
				v.Set("user_code", userCode)
			case a["name"] == "login":
				v.Set("login", login)
			case a["name"] == "password":
				v.Set("password", "any")
			default:
				v.Set(a["name"], a["value"])
			}
		}
		if abort && v.Has("confirm") {
			v.Set("abort", "yes")
		}
		action, perr := res.Request.URL.Parse(fa["action"])
		if perr != nil {
			return "", perr
		}
		if !strings.EqualFold(fa["method"], "post") {
			return "", fmt.Errorf("a form that is not a POST at %s", res.Request.URL)
		}
		b.steps = append(b.steps, fmt.Sprintf("%s %q: POST %s %v", res.Request.URL, title, action, v))
		res, err = b.hc.PostForm(action.String(), v)
	}
	return "", fmt.Errorf("the flow did not end within 12 pages:\n%s", strings.Join(b.steps, "\n"))
}

// TestDeviceGrantOIDCProvider runs the device grant against oidc-provider
// (configured from its discovery document, as a user would): the
// confidential client authenticated with Basic on both requests, the
// public one with its client_id on both, the test playing the person who
// approves the code in a browser after the first poll was answered
// authorization_pending. oidc-provider sends no interval, so the polls
// wait the RFC's 5 s: the client's sleeps are recorded, not slept.
func TestDeviceGrantOIDCProvider(t *testing.T) {
	m := startOIDCProvider(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	md, err := oauth.NewClient(oauth.Options{}).Discover(ctx, m.issuer)
	if err != nil {
		t.Fatal(err)
	}
	if md.DeviceAuthorizationEndpoint != m.issuer+"/device/auth" ||
		!slices.Contains(md.GrantTypesSupported, providers.DeviceCodeURN) || md.IntrospectionEndpoint == "" ||
		md.RevocationEndpoint == "" {
		t.Fatalf("metadata %+v", md)
	}
	for _, tc := range []struct {
		name, client, secret string
		auth                 providers.ClientAuth
	}{
		{"confidential", opClient, opSecret, providers.AuthBasic},
		{"public", opPublicClient, "", providers.AuthNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, rec := m.proxy(t)
			// The endpoints through the recording proxy.
			via := func(u string) string { return base + strings.TrimPrefix(u, m.base) }
			// oidc-provider names its pages by the Host it was asked on:
			// the person's browser goes to the server itself.
			direct := func(u string) string { return m.base + strings.TrimPrefix(u, base) }
			p, err := providers.ApplyPreset(providers.Provider{Name: "op-" + tc.name, Preset: "oauth2",
				Grant: providers.GrantDeviceCode, TokenURL: via(md.TokenEndpoint),
				DeviceAuthorizationURL: via(md.DeviceAuthorizationEndpoint), RevocationURL: via(md.RevocationEndpoint),
				ClientAuth: tc.auth, ClientID: tc.client, ClientSecret: providers.Secret(tc.secret),
				Scope: "openid offline_access"})
			if err != nil {
				t.Fatal(err)
			}
			var trace bytes.Buffer
			var mu sync.Mutex
			var waits []time.Duration
			var da *oauth.DeviceAuthorization
			approved := ""
			c := oauth.NewClient(oauth.Options{Trace: &trace, Sleep: func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				waits = append(waits, d)
				n := len(waits)
				mu.Unlock()
				if n == 2 {
					// The first poll was answered: the person approves now.
					title, err := newBrowser(t).approve(direct(da.VerificationURIComplete), da.UserCode, "e2e-user", false)
					if err != nil {
						return err
					}
					approved = title
				}
				return ctx.Err()
			}})
			if da, err = c.StartDevice(ctx, p); err != nil {
				t.Fatal(err)
			}
			if da.Interval != 5*time.Second || da.UserCode == "" || direct(da.VerificationURI) != m.issuer+"/device" {
				t.Fatalf("device authorization %+v", da)
			}
			tok, err := c.PollDevice(ctx, p, da)
			if err != nil {
				t.Fatalf("%v\ntrace:\n%s", err, trace.String())
			}
			if approved != "Sign-in Success" {
				t.Errorf("the browser ended on %q", approved)
			}
			if tok.AccessToken == "" || tok.RefreshToken == "" || tok.ExpiresAt.IsZero() {
				t.Errorf("token %+v", tok)
			}
			if !slices.Equal(waits, []time.Duration{5 * time.Second, 5 * time.Second}) {
				t.Errorf("waits %v", waits)
			}
			got := rec.take()
			if len(got) != 3 {
				t.Fatalf("%d requests, want the device authorization and two polls", len(got))
			}
			for i, s := range got {
				user, _, basic := (&http.Request{Header: s.header}).BasicAuth()
				switch {
				case tc.auth == providers.AuthBasic && (!basic || user != tc.client || s.form.Has("client_secret")):
					t.Errorf("request %d (%s) not authenticated with Basic: %v", i, s.path, s.form)
				case tc.auth == providers.AuthNone && (basic || s.form.Get("client_id") != tc.client):
					t.Errorf("request %d (%s) of the public client without its client_id: %v", i, s.path, s.form)
				}
			}
			if got[1].form.Get("grant_type") != providers.DeviceCodeURN {
				t.Errorf("poll grant_type %q", got[1].form.Get("grant_type"))
			}
			for _, secret := range []string{da.DeviceCode.Reveal(), tok.AccessToken.Reveal(), tok.RefreshToken.Reveal(), opSecret} {
				if strings.Contains(trace.String(), secret) {
					t.Errorf("the trace shows a secret:\n%s", trace.String())
				}
			}
			// The ID token (scope openid): every check against the
			// server's JWKS, its issuer and the client.
			raw := tok.IDToken()
			if raw == "" {
				t.Fatalf("no id_token in %+v", tok.Extra)
			}
			if strings.Contains(trace.String(), raw) {
				t.Error("the trace shows the id_token")
			}
			j, checks := jwt.CheckIDToken(ctx, c.JWKSClient(p), md.JWKSURI, raw, jwt.IDTokenOptions{Issuer: m.issuer,
				ClientID: tc.client, AccessToken: tok.AccessToken.Reveal(), Now: time.Now()})
			want := map[string]string{"signature": jwt.CheckOK, "iss": jwt.CheckOK, "aud": jwt.CheckOK, "exp": jwt.CheckOK,
				"nonce": jwt.CheckNotChecked, "at_hash": jwt.CheckOK}
			for _, ch := range checks {
				if want[ch.Name] != ch.Result {
					t.Errorf("id_token check %s: %s (%s), want %s", ch.Name, ch.Result, ch.Detail, want[ch.Name])
				}
				delete(want, ch.Name)
			}
			if len(want) > 0 || j.ClaimsMap["sub"] != "e2e-user" {
				t.Errorf("checks %v missing, claims %v", want, j.ClaimsMap)
			}
			// Another client's view of the same token fails aud.
			_, checks = jwt.CheckIDToken(ctx, c.JWKSClient(p), md.JWKSURI, raw, jwt.IDTokenOptions{Issuer: m.issuer,
				ClientID: "someone-else", AccessToken: tok.AccessToken.Reveal(), Now: time.Now()})
			if !jwt.Failed(checks) {
				t.Errorf("an id_token for %s passed for another client: %v", tc.client, checks)
			}
			// The token refreshes like any other.
			if _, err := c.Refresh(ctx, p, tok); err != nil {
				t.Errorf("refresh: %v", err)
			}
		})
	}
}

// TestDeviceGrantOIDCProviderAborted: the person aborts on oidc-provider's
// confirmation page, and the poll stops with the server's access_denied.
func TestDeviceGrantOIDCProviderAborted(t *testing.T) {
	m := startOIDCProvider(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := providers.ApplyPreset(providers.Provider{Name: "op", Preset: "oauth2", Grant: providers.DeviceCodeURN,
		TokenURL: m.issuer + "/token", DeviceAuthorizationURL: m.issuer + "/device/auth",
		ClientAuth: providers.AuthNone, ClientID: opPublicClient, Scope: "openid"})
	if err != nil {
		t.Fatal(err)
	}
	c := oauth.NewClient(oauth.Options{Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }})
	da, err := c.StartDevice(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	title, err := newBrowser(t).approve(da.VerificationURIComplete, da.UserCode, "e2e-user", true)
	if err != nil {
		t.Fatal(err)
	}
	if title != "Sign-in: The Sign-in request was interrupted" {
		t.Errorf("the browser ended on %q", title)
	}
	_, err = c.PollDevice(ctx, p, da)
	var e *oauth.Error
	if !errors.As(err, &e) || e.Code != "access_denied" {
		t.Fatalf("err = %v", err)
	}
	t.Logf("aborted: %v", err)
}

// TestClientCredentialsOIDCProvider: the confidential client's
// client_credentials grant against oidc-provider, then its token revoked
// (RFC 7009), with the endpoints from discovery.
func TestClientCredentialsOIDCProvider(t *testing.T) {
	m := startOIDCProvider(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := oauth.NewClient(oauth.Options{})
	md, err := c.Discover(ctx, m.issuer)
	if err != nil {
		t.Fatal(err)
	}
	p, err := providers.ApplyPreset(providers.Provider{Name: "op-cc", Preset: "oauth2", TokenURL: md.TokenEndpoint,
		RevocationURL: md.RevocationEndpoint, ClientID: opClient, ClientSecret: opSecret, Scope: "api:read"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Fetch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.Scope != "api:read" || tok.ExpiresAt.IsZero() {
		t.Errorf("token %+v", tok)
	}
	res, err := c.Logout(ctx, p, tok)
	if err != nil || res.Method != providers.LogoutRevocation || res.Status != http.StatusOK {
		t.Errorf("revoke: %+v, %v", res, err)
	}
}
