package ui

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/clipboard"
	"github.com/tokenscope/tokenscope/ui/session"
)

// renewModel is unitModel with Options.RenewOnOpen as given.
func renewModel(t *testing.T, c *clock, renew bool, entries ...store.Entry) (Model, tea.Cmd) {
	t.Helper()
	v, err := store.Init(filepath.Join(t.TempDir(), "store"), []byte("test passphrase"), 10)
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Vault: v, Now: c.Now, Theme: "mono", Renderer: colourRenderer(), RenewOnOpen: renew})
	m = step(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	next, cmd := m.Update(loadedMsg{payload: &store.Payload{Version: 1, Providers: entries}})
	return next.(Model), cmd
}

// TestRenewOnOpen: a token found expired when the store is read is renewed
// at once, in the background, when RenewOnOpen is set; one still valid, and
// every one with the setting off, is left as it is.
func TestRenewOnOpen(t *testing.T) {
	t.Parallel()
	c := &clock{t0.Add(2 * time.Hour)}
	entries := []store.Entry{
		{Provider: prov("expired"), Token: token(t0, time.Hour)},
		{Provider: prov("valid"), Token: token(t0, 3*time.Hour)},
		{Provider: prov("none")},
	}
	m, cmd := renewModel(t, c, true, entries...)
	if e := m.sess.Get("expired"); e.Busy != session.OpAutoRefresh || cmd == nil {
		t.Errorf("the expired token is not being renewed on open: busy %d", e.Busy)
	}
	for _, name := range []string{"valid", "none"} {
		if e := m.sess.Get(name); e.Busy != session.OpNone {
			t.Errorf("%s is busy %d on open", name, e.Busy)
		}
	}
	// A failure backs off as auto-refresh does, and is tried again.
	e := m.sess.Get("expired")
	m = step(m, tokenMsg{name: "expired", seq: e.Pending, op: session.OpAutoRefresh, err: errors.New("refresh token for expired: HTTP 503")})
	if e.Busy != session.OpNone || !e.AutoAt.Equal(c.now.Add(session.BackoffFirst)) {
		t.Fatalf("after a failed renewal: busy %d, next at %v", e.Busy, e.AutoAt)
	}
	c.now = c.now.Add(session.BackoffFirst)
	m = step(m, tickMsg{tag: m.tickTag})
	if e.Busy != session.OpAutoRefresh {
		t.Error("the failed renewal is not tried again after its backoff")
	}

	m, _ = renewModel(t, c, false, entries...)
	c.now = c.now.Add(time.Minute)
	m = step(m, tickMsg{tag: m.tickTag})
	if e := m.sess.Get("expired"); e.Busy != session.OpNone {
		t.Errorf("with RenewOnOpen off the expired token is renewed: busy %d", e.Busy)
	}
}

// TestCopyOfAnExpiredTokenRenewsFirst: c on an expired token renews it,
// then copies the new header and says so; a failed renewal copies nothing
// and says why.
func TestCopyOfAnExpiredTokenRenewsFirst(t *testing.T) {
	t.Parallel()
	c := &clock{t0.Add(2 * time.Hour)}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, time.Hour)})
	statusLine := func() string {
		lines := strings.Split(plain(m), "\n")
		return strings.TrimSpace(lines[len(lines)-2])
	}
	m, _ = press(m, "c")
	a := m.sess.Get("alpha")
	if a.Busy != session.OpRefresh || m.sess.Copies() != 0 {
		t.Fatalf("c on an expired token: busy %d, %d copies under way", a.Busy, m.sess.Copies())
	}
	if got, want := statusLine(), "alpha's token expired: renewing it before the copy…"; got != want {
		t.Errorf("while renewing: %q, want %q", got, want)
	}
	m = step(m, tokenMsg{name: "alpha", seq: a.Pending, op: session.OpRefresh, stored: stored("alpha", token(c.now, time.Hour))})
	if m.sess.Copies() != 1 {
		t.Fatalf("the renewed header is not being copied: %d copies under way", m.sess.Copies())
	}
	m = step(m, clipboard.CopiedMsg{Label: "the renewed header of alpha", Via: clipboard.ViaSystem})
	if got, want := statusLine(), "copied the renewed header of alpha · valid 1h"; got != want {
		t.Errorf("after the copy: %q, want %q", got, want)
	}
	if got := plain(m); strings.Contains(got, "copying") {
		t.Errorf("the row still says copying after the copy:\n%s", got)
	}

	// A renewal that fails copies nothing.
	m = unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, time.Hour)})
	m, _ = press(m, "y")
	a = m.sess.Get("alpha")
	m = step(m, tokenMsg{name: "alpha", seq: a.Pending, op: session.OpRefresh, err: errors.New("refresh token for alpha: HTTP 401")})
	if m.sess.Copies() != 0 || a.CopyAfter != 0 {
		t.Errorf("a failed renewal started a copy (%d under way) or left one waiting (%d)", m.sess.Copies(), a.CopyAfter)
	}
	if got, want := statusLine(), "not copied: could not renew alpha's expired token: refresh token for alpha: HTTP 401"; got != want {
		t.Errorf("after a failed renewal: %q, want %q", got, want)
	}
}
