package ui

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/clipboard"
	"github.com/tokenscope/tokenscope/ui/login"
	"github.com/tokenscope/tokenscope/ui/session"
	"github.com/tokenscope/tokenscope/ui/status"
)

// quits reports whether cmd, run with any batch it holds, asks to quit.
func quits(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	switch msg := cmd().(type) {
	case tea.QuitMsg:
		return true
	case tea.BatchMsg:
		for _, c := range msg {
			if quits(c) {
				return true
			}
		}
	}
	return false
}

func TestFailedAutoRefreshWithoutTokenIsNotRetried(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)},
		store.Entry{Provider: prov("beta"), Token: token(t0, time.Hour)})
	tickAt := func(at time.Duration) {
		c.now = t0.Add(at)
		m = step(m, tickMsg{tag: m.tickTag})
	}
	e := m.sess.Get("alpha")
	tickAt(70 * time.Second)
	if e.Busy != session.OpAutoRefresh {
		t.Fatal("no auto-refresh 30s before expiry")
	}
	// The store no longer holds a token for alpha (a logout elsewhere).
	m = step(m, tokenMsg{name: "alpha", seq: e.Pending, op: session.OpAutoRefresh, stored: stored("alpha", nil),
		err: errors.New("refresh token for alpha: no token held")})
	if !e.AutoAt.IsZero() {
		t.Errorf("a retry is scheduled at +%s for a provider without a token", e.AutoAt.Sub(c.now))
	}
	tickAt(75 * time.Second) // panicked here: the backoff ran on a nil token
	tickAt(90 * time.Second)
	if e.Busy != session.OpNone {
		t.Error("auto-refresh started on a provider without a token")
	}

	// Whatever scheduled it, a due refresh without a token is skipped.
	b := m.sess.Get("beta")
	b.Token, b.AutoAt = nil, c.now
	tickAt(91 * time.Second)
	if b.Busy != session.OpNone || !b.AutoAt.IsZero() {
		t.Errorf("tokenless beta: busy %d, autoAt %v", b.Busy, b.AutoAt)
	}
}

func TestAutoRefreshLeavesTheEditedProviderAlone(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)})
	e := m.sess.Get("alpha")
	m, _ = press(m, "e")
	if m.screen != screenForm {
		t.Fatal("e did not open the edit form")
	}
	c.now = t0.Add(70 * time.Second)
	m = step(m, tickMsg{tag: m.tickTag})
	if e.Busy != session.OpNone {
		t.Fatal("auto-refresh started on the provider open in the edit form")
	}
}

func TestAnswerForTheOldWireIdentityIsDropped(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)})
	e := m.sess.Get("alpha")
	c.now = t0.Add(70 * time.Second)
	m = step(m, tickMsg{tag: m.tickTag})
	if e.Busy != session.OpAutoRefresh {
		t.Fatal("no auto-refresh 30s before expiry")
	}
	seq := e.Pending
	edited := prov("alpha")
	edited.Scope = "admin"
	m = step(m, savedMsg{name: "alpha", old: "alpha", stored: store.Entry{Provider: edited}})
	m = step(m, tokenMsg{name: "alpha", seq: seq, op: session.OpAutoRefresh, stored: stored("alpha", token(c.now, time.Hour))})
	if e.Token != nil {
		t.Error("a token asked for with the old scope landed on the edited provider")
	}
	if e.Busy != session.OpNone || m.sess.Busy() != 0 {
		t.Errorf("after the dropped answer: busy %d, busy count %d", e.Busy, m.sess.Busy())
	}
	if strings.Contains(plain(m), "auto-refreshed alpha") {
		t.Errorf("the dropped answer was reported:\n%s", plain(m))
	}
}

func TestConfirmYesIsNotLostToAutoRefresh(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)})
	e := m.sess.Get("alpha")
	m, _ = press(m, "x")
	c.now = t0.Add(70 * time.Second)
	m = step(m, tickMsg{tag: m.tickTag})
	if e.Busy != session.OpNone {
		t.Fatal("auto-refresh started on the provider the dialog asks about")
	}
	m, _ = press(m, "y")
	if e.Busy != session.OpLogout {
		t.Fatalf("yes did not log out: busy %d", e.Busy)
	}
	m = step(m, tokenMsg{name: "alpha", seq: e.Pending, op: session.OpLogout, stored: stored("alpha", nil),
		logout: oauth.LogoutResult{Method: providers.LogoutNone}})

	// Busy however it came to be: yes says that nothing was done.
	m, _ = press(m, "d")
	m.sess.Begin(e, session.OpRefresh)
	m, _ = press(m, "y")
	if got := plain(m); !strings.Contains(got, "nothing done: alpha is busy refreshing") {
		t.Errorf("yes on a busy provider says nothing:\n%s", got)
	}
}

func TestAutoRefreshSuccessKeepsAnError(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)})
	e := m.sess.Get("alpha")
	c.now = t0.Add(70 * time.Second)
	m = step(m, tickMsg{tag: m.tickTag})
	const failure = "fetched 6 of 7; failed: broken-gateway"
	m.setStatus(status.Error, failure)
	m = step(m, tokenMsg{name: "alpha", seq: e.Pending, op: session.OpAutoRefresh, stored: stored("alpha", token(c.now, time.Hour))})
	if got := plain(m); !strings.Contains(got, failure) {
		t.Errorf("an auto-refresh success wiped the error:\n%s", got)
	}
	if e.Token == nil || e.Busy != session.OpNone {
		t.Error("the auto-refresh did not land")
	}
	// Once the error has had its time, a success is reported again.
	c.now = c.now.Add(status.ErrorHold + time.Second)
	m = step(m, tickMsg{tag: m.tickTag})
	e.AutoAt = c.now
	m = step(m, tickMsg{tag: m.tickTag})
	m = step(m, tokenMsg{name: "alpha", seq: e.Pending, op: session.OpAutoRefresh, stored: stored("alpha", token(c.now, time.Hour))})
	if got := plain(m); !strings.Contains(got, "auto-refreshed alpha") {
		t.Errorf("a success after the error expired is not reported:\n%s", got)
	}
}

// TestQAndEscCloseTheHelpPage: on the help page q and esc close it, as
// in lazygit and k9s (they quit the explorer before); ctrl+c still quits.
func TestQAndEscCloseTheHelpPage(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha")})
	for _, k := range []string{"q", "esc", "?"} {
		m, _ = press(m, "?")
		if !m.showHelp {
			t.Fatal("? did not open the help")
		}
		if lines := strings.Split(plain(m), "\n"); lines[len(lines)-1] != "?/esc/q close help • ctrl+c quit" {
			t.Errorf("the help page's help line: %q", lines[len(lines)-1])
		}
		var cmd tea.Cmd
		if m, cmd = press(m, k); quits(cmd) || m.showHelp {
			t.Errorf("%s on the help page: quit %v, help still open %v", k, quits(cmd), m.showHelp)
		}
	}
	m, _ = press(m, "?")
	if _, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlC}); !quits(cmd) {
		t.Error("ctrl+c does not quit from the help page")
	}
}

// TestEditShowsWhatTheStoreKept: the explorer keeps no copy of the
// store's wire identity rule; after an edit it shows the token the store
// kept or dropped, whatever the rule decided.
func TestEditShowsWhatTheStoreKept(t *testing.T) {
	t.Parallel()
	base := prov("alpha")
	base.Params = map[string]string{"audience": ""}
	for _, tc := range []struct {
		name   string
		params map[string]string
	}{
		{"same params", map[string]string{"audience": ""}},
		{"other key, missing one read as empty", map[string]string{"resource": "x"}},
		{"other value", map[string]string{"audience": "api"}},
		{"no params", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t0}
			m := unitModel(t, c, 120, 40)
			if err := m.vault.PutProvider(base); err != nil {
				t.Fatal(err)
			}
			if _, err := m.vault.Record(base.Name, token(t0, time.Hour), providers.Event{}); err != nil {
				t.Fatal(err)
			}
			p, err := m.vault.Load()
			if err != nil {
				t.Fatal(err)
			}
			m = step(m, loadedMsg{payload: p})
			edited := base
			edited.Params = tc.params
			m = step(m, saveCmd(m.vault, edited, base.Name, 0)())
			_, tok, err := m.vault.Lookup(base.Name)
			if err != nil {
				t.Fatal(err)
			}
			e := m.sess.Get(base.Name)
			if kept, shown := tok != nil, e.HasToken(); kept != shown {
				t.Errorf("store kept the token: %v; the explorer shows one: %v", kept, shown)
			}
			if !strings.Contains(plain(m), "saved alpha") {
				t.Errorf("the save is not reported:\n%s", plain(m))
			}
		})
	}
}

// TestListMarksPlainHTTP: the list's warning mark follows the provider's
// Exposure, so a plain http token URL is marked as insecure is.
func TestListMarksPlainHTTP(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		p    providers.Provider
		want bool
	}{
		{providers.Provider{Name: "a", TokenURL: "https://auth.example/token"}, false},
		{providers.Provider{Name: "b", TokenURL: "https://auth.example/token", Insecure: true}, true},
		{providers.Provider{Name: "c", TokenURL: "http://auth.example/token"}, true},
		{providers.Provider{Name: "d", TokenURL: "http://127.0.0.1:8080/token"}, false},
	} {
		if got := itemOf(&session.Entry{Provider: tt.p}).Insecure; got != tt.want {
			t.Errorf("%s (%s, insecure=%v): marked %v, want %v", tt.p.Name, tt.p.TokenURL, tt.p.Insecure, got, tt.want)
		}
	}
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestTokenIssuedExpiredIsReported(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 220, 60, store.Entry{Provider: prov("alpha")})
	e := m.sess.Get("alpha")
	fetch := func(claims string) string {
		t.Helper()
		m, _ = press(m, "f")
		if e.Busy != session.OpFetch {
			t.Fatal("f started no fetch")
		}
		raw := b64url(`{"alg":"RS256","typ":"JWT"}`) + "." + b64url(claims) + "." + b64url("sig")
		tok := &providers.Token{AccessToken: providers.Secret(raw), TokenType: "Bearer", IssuedAt: c.now,
			ExpiresAt: c.now.Add(time.Hour), ExpiresIn: 3600, ExpirySource: providers.ExpiryFromExpiresIn}
		m = step(m, tokenMsg{name: "alpha", seq: e.Pending, op: session.OpFetch, stored: stored("alpha", tok)})
		return plain(m)
	}
	got := fetch(fmt.Sprintf(`{"sub":"a","exp":%d}`, t0.Add(-5*time.Minute).Unix()))
	if m.status.Current().Kind != status.Warning ||
		!strings.Contains(got, "fetched a token for alpha · valid for ") ||
		!strings.Contains(got, " · warning: the server issued the token already expired: exp ") {
		t.Errorf("status %d for a token issued expired:\n%s", m.status.Current().Kind, got)
	}
	if !strings.Contains(got, "! the server issued the token already expired") {
		t.Errorf("the detail pane does not say the token was issued expired:\n%s", got)
	}
	c.now = c.now.Add(time.Minute)
	got = fetch(fmt.Sprintf(`{"sub":"a","exp":%d}`, c.now.Add(time.Hour).Unix()))
	if m.status.Current().Kind != status.Success || strings.Contains(got, "the server issued") {
		t.Errorf("status %d for a good token:\n%s", m.status.Current().Kind, got)
	}
}

// TestUserResultOutlastsAutoRefresh: the result of the user's own action
// stays on the status line while background auto-refreshes land, for the
// selected provider or another; once it has had its time, the background
// is reported again.
func TestUserResultOutlastsAutoRefresh(t *testing.T) {
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)},
		store.Entry{Provider: prov("beta"), Token: token(t0, 100*time.Second)})
	tickAt := func(at time.Duration) {
		c.now = t0.Add(at)
		m = step(m, tickMsg{tag: m.tickTag})
	}
	statusLine := func() string {
		lines := strings.Split(plain(m), "\n")
		return lines[len(lines)-2]
	}
	tickAt(69 * time.Second)
	m, _ = press(m, "c")
	m = step(m, clipboard.CopiedMsg{Label: "the header of alpha", Via: clipboard.ViaSystem})
	const copied = "copied the header of alpha · valid 31s"
	if got := statusLine(); !strings.Contains(got, copied) {
		t.Fatalf("after the copy: %q", got)
	}
	tickAt(70 * time.Second)
	a, b := m.sess.Get("alpha"), m.sess.Get("beta")
	if a.Busy != session.OpAutoRefresh || b.Busy != session.OpAutoRefresh {
		t.Fatal("no auto-refresh 30s before expiry")
	}
	m = step(m, tokenMsg{name: "beta", seq: b.Pending, op: session.OpAutoRefresh, stored: stored("beta", token(c.now, time.Hour))})
	m = step(m, tokenMsg{name: "alpha", seq: a.Pending, op: session.OpAutoRefresh, err: errors.New("refresh token for alpha: HTTP 503")})
	if got := statusLine(); !strings.Contains(got, copied) {
		t.Errorf("a background answer overwrote the user's result: %q", got)
	}
	tickAt(69*time.Second + status.Hold + time.Second)
	if got := strings.TrimSpace(statusLine()); got != "" {
		t.Errorf("the user's result outstayed its %s: %q", status.Hold, got)
	}
	tickAt(75 * time.Second) // alpha's backoff is over
	m = step(m, tokenMsg{name: "alpha", seq: a.Pending, op: session.OpAutoRefresh, err: errors.New("refresh token for alpha: HTTP 503")})
	if got := statusLine(); !strings.Contains(got, "auto-refresh failed: refresh token for alpha: HTTP 503") {
		t.Errorf("a background failure of the selected provider on an empty line: %q", got)
	}
}

// TestBrowserLoginProviderSaysToLogIn: f on an authorization_code
// provider opens its sign-in pane; a refresh that ends needing a login
// says, as a warning, that f signs in.
func TestBrowserLoginProviderSaysToLogIn(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	p := prov("app")
	p.Grant, p.ClientAuth, p.AuthorizationURL = providers.GrantAuthorizationCode, providers.AuthNone, "http://127.0.0.1:1/authorize"
	m := unitModel(t, c, 220, 60, store.Entry{Provider: p})
	e := m.sess.Get("app")
	m, cmd := press(m, "f")
	if e.Busy != session.OpFetch || cmd == nil || m.signIns["app"] == nil {
		t.Fatal("f opened no sign-in")
	}
	if got := plain(m); !strings.Contains(got, "Sign in to app in a browser") {
		t.Fatalf("no sign-in pane:\n%s", got)
	}
	m = step(m, login.CancelMsg{Name: "app"})
	_, ferr := oauth.NewClient(oauth.Options{}).Fetch(t.Context(), p)
	m.sess.Begin(e, session.OpRefresh) // as a refresh whose refresh token was refused
	m = step(m, tokenMsg{name: "app", seq: e.Pending, op: session.OpRefresh, err: ferr})
	got := plain(m)
	want := "app needs a browser login: press f to sign in"
	if m.status.Current().Kind != status.Warning || !strings.Contains(got, want) {
		t.Errorf("status %d:\n%s", m.status.Current().Kind, got)
	}
}

// On start, the explorer fetches the missing tokens but not those that
// need a person in a browser.
func TestFetchMissingLeavesBrowserLoginsAlone(t *testing.T) {
	t.Parallel()
	p := prov("app")
	p.Grant, p.ClientAuth, p.AuthorizationURL = providers.GrantAuthorizationCode, providers.AuthNone, "http://127.0.0.1:1/authorize"
	m := unitModel(t, &clock{t0}, 120, 40, store.Entry{Provider: p}, store.Entry{Provider: prov("beta")})
	m.fetchMissing()
	if app, beta := m.sess.Get("app"), m.sess.Get("beta"); app.Busy != session.OpNone || beta.Busy != session.OpFetch {
		t.Errorf("app busy %v, beta busy %v: want only beta fetched", app.Busy, beta.Busy)
	}
}

// TestDeviceLoginProviderSaysToLogIn: fetch on a device_code provider
// opens the device sign-in pane; a refresh needing a login says f signs in.
func TestDeviceLoginProviderSaysToLogIn(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	p := deviceProv("tv")
	m := unitModel(t, c, 220, 60, store.Entry{Provider: p})
	e := m.sess.Get("tv")
	m, cmd := press(m, "f")
	if e.Busy != session.OpFetch || cmd == nil || m.signIns["tv"] == nil {
		t.Fatal("f opened no sign-in")
	}
	m = step(m, login.CancelMsg{Name: "tv"})
	if e.Busy != session.OpNone || m.signIns["tv"] != nil {
		t.Fatal("cancel left the sign-in under way")
	}
	_, ferr := oauth.NewClient(oauth.Options{}).Fetch(t.Context(), p)
	m.sess.Begin(e, session.OpRefresh)
	m = step(m, tokenMsg{name: "tv", seq: e.Pending, op: session.OpRefresh, err: ferr})
	want := "tv needs a device login: press f to sign in"
	if got := plain(m); m.status.Current().Kind != status.Warning || !strings.Contains(got, want) {
		t.Errorf("status %d:\n%s", m.status.Current().Kind, got)
	}
}
