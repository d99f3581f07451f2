package ui

import (
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/store"
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
	e := m.byName["alpha"]
	tickAt(70 * time.Second)
	if e.busy != opAutoRefresh {
		t.Fatal("no auto-refresh 30s before expiry")
	}
	// The store no longer holds a token for alpha (a logout elsewhere).
	m = step(m, tokenMsg{name: "alpha", seq: e.pending, op: opAutoRefresh, recorded: true, tok: nil,
		err: errors.New("refresh token for alpha: no token held")})
	if !e.autoAt.IsZero() {
		t.Errorf("a retry is scheduled at +%s for a provider without a token", e.autoAt.Sub(c.now))
	}
	tickAt(75 * time.Second) // panicked here: the backoff ran on a nil token
	tickAt(90 * time.Second)
	if e.busy != opNone {
		t.Error("auto-refresh started on a provider without a token")
	}

	// Whatever scheduled it, a due refresh without a token is skipped.
	b := m.byName["beta"]
	b.tok, b.autoAt = nil, c.now
	tickAt(91 * time.Second)
	if b.busy != opNone || !b.autoAt.IsZero() {
		t.Errorf("tokenless beta: busy %d, autoAt %v", b.busy, b.autoAt)
	}
}

func TestAutoRefreshLeavesTheEditedProviderAlone(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)})
	e := m.byName["alpha"]
	m, _ = press(m, "e")
	if m.screen != screenForm {
		t.Fatal("e did not open the edit form")
	}
	c.now = t0.Add(70 * time.Second)
	m = step(m, tickMsg{tag: m.tickTag})
	if e.busy != opNone {
		t.Fatal("auto-refresh started on the provider open in the edit form")
	}
}

func TestAnswerForTheOldWireIdentityIsDropped(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)})
	e := m.byName["alpha"]
	c.now = t0.Add(70 * time.Second)
	m = step(m, tickMsg{tag: m.tickTag})
	if e.busy != opAutoRefresh {
		t.Fatal("no auto-refresh 30s before expiry")
	}
	seq := e.pending
	edited := prov("alpha")
	edited.Scope = "admin"
	m = step(m, savedMsg{prov: edited, old: "alpha"})
	m = step(m, tokenMsg{name: "alpha", seq: seq, op: opAutoRefresh, recorded: true, tok: token(c.now, time.Hour)})
	if e.tok != nil {
		t.Error("a token asked for with the old scope landed on the edited provider")
	}
	if e.busy != opNone || m.busy != 0 {
		t.Errorf("after the dropped answer: busy %d, busy count %d", e.busy, m.busy)
	}
	if strings.Contains(plain(m), "auto-refreshed alpha") {
		t.Errorf("the dropped answer was reported:\n%s", plain(m))
	}
}

func TestConfirmYesIsNotLostToAutoRefresh(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)})
	e := m.byName["alpha"]
	m, _ = press(m, "x")
	c.now = t0.Add(70 * time.Second)
	m = step(m, tickMsg{tag: m.tickTag})
	if e.busy != opNone {
		t.Fatal("auto-refresh started on the provider the dialog asks about")
	}
	m, _ = press(m, "y")
	if e.busy != opLogout {
		t.Fatalf("yes did not log out: busy %d", e.busy)
	}
	m = step(m, tokenMsg{name: "alpha", seq: e.pending, op: opLogout, recorded: true,
		logout: providers.LogoutResult{Method: providers.LogoutNone}})

	// Busy however it came to be: yes says that nothing was done.
	e.setToken(token(c.now, time.Hour))
	m.changed(e)
	m, _ = press(m, "d")
	m.begin(e, opRefresh)
	m, _ = press(m, "y")
	if got := plain(m); !strings.Contains(got, "nothing done: alpha is busy refreshing") {
		t.Errorf("yes on a busy provider says nothing:\n%s", got)
	}
}

func TestAutoRefreshSuccessKeepsAnError(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)})
	e := m.byName["alpha"]
	c.now = t0.Add(70 * time.Second)
	m = step(m, tickMsg{tag: m.tickTag})
	const failure = "fetched 6 of 7; failed: broken-gateway"
	m.setStatus(statusError, failure)
	m = step(m, tokenMsg{name: "alpha", seq: e.pending, op: opAutoRefresh, recorded: true, tok: token(c.now, time.Hour)})
	if got := plain(m); !strings.Contains(got, failure) {
		t.Errorf("an auto-refresh success wiped the error:\n%s", got)
	}
	if e.tok == nil || e.busy != opNone {
		t.Error("the auto-refresh did not land")
	}
	// Once the error has had its time, a success is reported again.
	c.now = c.now.Add(statusErrorFor + time.Second)
	m = step(m, tickMsg{tag: m.tickTag})
	e.autoAt = c.now
	m = step(m, tickMsg{tag: m.tickTag})
	m = step(m, tokenMsg{name: "alpha", seq: e.pending, op: opAutoRefresh, recorded: true, tok: token(c.now, time.Hour)})
	if got := plain(m); !strings.Contains(got, "auto-refreshed alpha") {
		t.Errorf("a success after the error expired is not reported:\n%s", got)
	}
}

func TestQuitFromTheHelpPage(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha")})
	m, _ = press(m, "?")
	if !m.showHelp {
		t.Fatal("? did not open the help")
	}
	if lines := strings.Split(plain(m), "\n"); !strings.Contains(lines[len(lines)-1], "q quit") {
		t.Errorf("the help page's help line does not offer q: %q", lines[len(lines)-1])
	}
	if _, cmd := press(m, "q"); !quits(cmd) {
		t.Error("q listed on the help page does not quit from it")
	}
}

// TestSameWireAgreesWithTheStore checks the explorer's copy of the rule
// against what the store does with the token on an edit.
func TestSameWireAgreesWithTheStore(t *testing.T) {
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
			v, err := store.Init(filepath.Join(t.TempDir(), "store"), []byte("test passphrase"), 10)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.PutProvider(base); err != nil {
				t.Fatal(err)
			}
			if err := v.Record(base.Name, token(t0, time.Hour), providers.Event{}); err != nil {
				t.Fatal(err)
			}
			edited := base
			edited.Params = tc.params
			if err := v.PutProvider(edited); err != nil {
				t.Fatal(err)
			}
			_, tok, err := v.Lookup(base.Name)
			if err != nil {
				t.Fatal(err)
			}
			if kept := tok != nil; kept != sameWire(base, edited) {
				t.Errorf("store kept the token: %v; ui sameWire: %v", kept, sameWire(base, edited))
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
		e := &entry{prov: tt.p}
		if got := e.item().Insecure; got != tt.want {
			t.Errorf("%s (%s, insecure=%v): marked %v, want %v", tt.p.Name, tt.p.TokenURL, tt.p.Insecure, got, tt.want)
		}
	}
}

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestTokenIssuedExpiredIsReported(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 220, 60, store.Entry{Provider: prov("alpha")})
	e := m.byName["alpha"]
	fetch := func(claims string) string {
		t.Helper()
		m, _ = press(m, "f")
		if e.busy != opFetch {
			t.Fatal("f started no fetch")
		}
		raw := b64url(`{"alg":"RS256","typ":"JWT"}`) + "." + b64url(claims) + "." + b64url("sig")
		tok := &providers.Token{AccessToken: providers.Secret(raw), TokenType: "Bearer", IssuedAt: c.now,
			ExpiresAt: c.now.Add(time.Hour), ExpiresIn: 3600, ExpirySource: providers.ExpiryFromExpiresIn}
		m = step(m, tokenMsg{name: "alpha", seq: e.pending, op: opFetch, recorded: true, tok: tok})
		return plain(m)
	}
	got := fetch(fmt.Sprintf(`{"sub":"a","exp":%d}`, t0.Add(-5*time.Minute).Unix()))
	if m.status.kind != statusError ||
		!strings.Contains(got, "fetched a token for alpha · valid for ") ||
		!strings.Contains(got, " · warning: the server issued the token already expired: exp ") {
		t.Errorf("status %d for a token issued expired:\n%s", m.status.kind, got)
	}
	if !strings.Contains(got, "! the server issued the token already expired") {
		t.Errorf("the detail pane does not say the token was issued expired:\n%s", got)
	}
	c.now = c.now.Add(time.Minute)
	got = fetch(fmt.Sprintf(`{"sub":"a","exp":%d}`, c.now.Add(time.Hour).Unix()))
	if m.status.kind != statusOK || strings.Contains(got, "the server issued") {
		t.Errorf("status %d for a good token:\n%s", m.status.kind, got)
	}
}
