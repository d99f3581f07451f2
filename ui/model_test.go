package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/form"
	"github.com/tokenscope/tokenscope/ui/session"
)

func TestMain(m *testing.M) {
	time.Local = time.UTC // local times in views and goldens are deterministic
	os.Exit(m.Run())
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable fixed clock.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func prov(name string) providers.Provider {
	return providers.Provider{Name: name, Preset: "oauth2", TokenURL: "http://127.0.0.1:1/token",
		Grant: providers.GrantClientCredentials, ClientAuth: providers.AuthBasic, ClientID: "id",
		TryURL: "http://127.0.0.1:1/try"}
}

func token(issued time.Time, life time.Duration) *providers.Token {
	return &providers.Token{AccessToken: "opaque-token-value", TokenType: "Bearer", IssuedAt: issued,
		ExpiresAt: issued.Add(life), ExpirySource: providers.ExpiryFromExpiresIn}
}

// unitModel is the explorer at w×h on a fixed clock, its store in a temp
// dir, showing payload. Commands are returned, never run.
func unitModel(t *testing.T, c *clock, w, h int, entries ...store.Entry) Model {
	t.Helper()
	return unitModelOn(t, c, colourRenderer(), w, h, entries...)
}

// unitModelOn is unitModel drawing for the terminal of renderer r.
func unitModelOn(t *testing.T, c *clock, r *lipgloss.Renderer, w, h int, entries ...store.Entry) Model {
	t.Helper()
	v, err := store.Init(filepath.Join(t.TempDir(), "store"), []byte("test passphrase"), 10)
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Vault: v, Now: c.Now, Theme: "mono", Renderer: r})
	m = step(m, tea.WindowSizeMsg{Width: w, Height: h})
	return step(m, loadedMsg{payload: &store.Payload{Version: 1, Providers: entries}})
}

func press(m Model, keys ...string) (Model, tea.Cmd) {
	var cmds []tea.Cmd
	for _, k := range keys {
		var msg tea.KeyMsg
		switch k {
		case "esc":
			msg = tea.KeyMsg{Type: tea.KeyEsc}
		case "down":
			msg = tea.KeyMsg{Type: tea.KeyDown}
		case "tab":
			msg = tea.KeyMsg{Type: tea.KeyTab}
		case "enter":
			msg = tea.KeyMsg{Type: tea.KeyEnter}
		default:
			msg = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		}
		next, cmd := m.Update(msg)
		m = next.(Model)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// stored is the entry the store answers a token command with: the named
// test provider holding tok, with evs as its history.
func stored(name string, tok *providers.Token, evs ...providers.Event) *store.Entry {
	return &store.Entry{Provider: prov(name), Token: tok, History: evs}
}

func plain(m Model) string { return ansi.Strip(m.View()) }

func TestStaleAnswersAreDropped(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha")}, store.Entry{Provider: prov("beta")})
	m, _ = press(m, "f")
	a := m.sess.Get("alpha")
	if a.Busy != session.OpFetch || a.Pending == 0 {
		t.Fatalf("f did not start a fetch on alpha: busy %d pending %d", a.Busy, a.Pending)
	}
	seq := a.Pending
	fresh := token(t0, time.Hour)
	ev := []providers.Event{{At: t0, Kind: providers.EventIssued, Detail: "expires in 1h"}}

	m = step(m, tokenMsg{name: "alpha", seq: seq - 1, op: session.OpFetch, stored: stored("alpha", fresh, ev...)})
	if a.Busy != session.OpFetch || a.Token != nil {
		t.Fatal("an answer with an old request number landed")
	}
	m = step(m, tokenMsg{name: "beta", seq: seq, op: session.OpFetch, stored: stored("beta", fresh, ev...)})
	if m.sess.Get("beta").Token != nil || a.Busy != session.OpFetch {
		t.Fatal("an answer for alpha's request number landed on beta")
	}
	m = step(m, tokenMsg{name: "alpha", seq: seq, op: session.OpFetch, stored: stored("alpha", fresh, ev...)})
	if a.Busy != session.OpNone || a.Token != fresh || len(a.History) != 1 {
		t.Fatalf("the answer to the request under way did not land: busy %d tok %v history %d", a.Busy, a.Token, len(a.History))
	}
	if got := plain(m); !strings.Contains(got, "fetched a token for alpha · valid for 1h") {
		t.Errorf("status line after the fetch:\n%s", got)
	}
	m = step(m, tokenMsg{name: "alpha", seq: seq, op: session.OpFetch, stored: stored("alpha", nil)})
	if a.Token != fresh {
		t.Error("a second answer with the same number landed after the first")
	}
}

func TestAnswerForARecreatedProviderIsDropped(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha")})
	m, _ = press(m, "f")
	seq := m.sess.Get("alpha").Pending
	m.sess.Drop("alpha")
	m = step(m, savedMsg{name: "alpha", stored: store.Entry{Provider: prov("alpha")}})
	m = step(m, tokenMsg{name: "alpha", seq: seq, op: session.OpFetch, stored: stored("alpha", token(t0, time.Hour))})
	if e := m.sess.Get("alpha"); e.Token != nil || e.Busy != session.OpNone {
		t.Error("the old provider's late answer landed on the new one")
	}
	if m.sess.Busy() != 0 {
		t.Errorf("busy count %d after the provider went", m.sess.Busy())
	}
}

func TestFailureShowsServerWordsAndMarksFailed(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha")})
	m, _ = press(m, "f")
	err := &oauth.Error{Op: "fetch token", Provider: "alpha", Status: 401, Code: "invalid_client",
		Description: "bad secret", Hint: "check client_auth"}
	m = step(m, tokenMsg{name: "alpha", seq: m.sess.Get("alpha").Pending, op: session.OpFetch, err: err})
	got := plain(m)
	for _, want := range []string{"✗ alpha", "failed", "Last error now", "invalid_client", "bad secret", "hint: check client_auth"} {
		if !strings.Contains(got, want) {
			t.Errorf("screen lacks %q:\n%s", want, got)
		}
	}
}

func TestBindingsFollowState(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha")})
	k := &m.keys
	if !k.Fetch.Enabled() || k.Refresh.Enabled() || k.Logout.Enabled() || k.CopyHeader.Enabled() || k.Try.Enabled() {
		t.Error("without a token: fetch must be on; refresh, logout, copy and try off")
	}
	if help := strings.Split(plain(m), "\n"); !strings.Contains(help[len(help)-1], "f fetch") ||
		strings.Contains(help[len(help)-1], "r refresh") {
		t.Errorf("help line does not follow the bindings: %q", help[len(help)-1])
	}
	m, _ = press(m, "f")
	k = &m.keys
	if k.Fetch.Enabled() || k.Edit.Enabled() || k.Delete.Enabled() {
		t.Error("while busy: fetch, edit and delete must be off")
	}
	m = step(m, tokenMsg{name: "alpha", seq: m.sess.Get("alpha").Pending, op: session.OpFetch, stored: stored("alpha", token(t0, time.Hour))})
	k = &m.keys
	for _, b := range k.actions() {
		if !b.Enabled() {
			t.Errorf("with a token and idle, %q is off", b.Help().Desc)
		}
	}
}

func TestLogoutAndDeleteAskFirst(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, time.Hour)})
	m, _ = press(m, "x")
	if !m.asking || !strings.Contains(plain(m), "Log out of alpha?") {
		t.Fatalf("x did not ask:\n%s", plain(m))
	}
	m, _ = press(m, "f") // ignored while asking
	if m.sess.Get("alpha").Busy != session.OpNone {
		t.Fatal("a key went past the open question")
	}
	m, _ = press(m, "n")
	if m.asking || m.sess.Get("alpha").Busy != session.OpNone {
		t.Fatal("no still logged out")
	}
	m, _ = press(m, "x", "y")
	if m.sess.Get("alpha").Busy != session.OpLogout {
		t.Fatal("yes did not start the logout")
	}
	m = step(m, tokenMsg{name: "alpha", seq: m.sess.Get("alpha").Pending, op: session.OpLogout, stored: stored("alpha", nil),
		logout: oauth.LogoutResult{Method: providers.LogoutNone}})
	m, _ = press(m, "d", "y")
	if m.sess.Get("alpha").Busy != session.OpDelete {
		t.Fatal("delete did not start after yes")
	}
	m = step(m, removedMsg{name: "alpha", seq: m.sess.Get("alpha").Pending})
	if m.sess.Len() != 0 || !strings.Contains(plain(m), "deleted alpha") {
		t.Errorf("alpha still there after delete:\n%s", plain(m))
	}
}

func TestAutoRefreshWithBackoff(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, 100*time.Second)})
	e := m.sess.Get("alpha")
	tickAt := func(at time.Duration) {
		c.now = t0.Add(at)
		m = step(m, tickMsg{tag: m.tickTag})
	}
	tickAt(69 * time.Second) // 31s left: not yet (margin 30s)
	if e.Busy != session.OpNone {
		t.Fatal("auto-refresh before the margin")
	}
	tickAt(70 * time.Second)
	if e.Busy != session.OpAutoRefresh {
		t.Fatal("no auto-refresh 30s before expiry")
	}
	fail := errors.New("refresh token for alpha: HTTP 503")
	m = step(m, tokenMsg{name: "alpha", seq: e.Pending, op: session.OpAutoRefresh, err: fail})
	if e.AutoFails != 1 || !e.AutoAt.Equal(t0.Add(75*time.Second)) {
		t.Fatalf("after a failure: %d failures, next at %s; want 1 and +5s", e.AutoFails, e.AutoAt.Sub(t0))
	}
	tickAt(74 * time.Second)
	if e.Busy != session.OpNone {
		t.Fatal("retried before the backoff")
	}
	tickAt(75 * time.Second)
	m = step(m, tokenMsg{name: "alpha", seq: e.Pending, op: session.OpAutoRefresh, err: fail})
	if !e.AutoAt.Equal(t0.Add(85 * time.Second)) {
		t.Fatalf("second backoff ends at %s, want +10s", e.AutoAt.Sub(t0))
	}
	tickAt(85 * time.Second)
	m = step(m, tokenMsg{name: "alpha", seq: e.Pending, op: session.OpAutoRefresh, stored: stored("alpha", token(c.now, 100*time.Second))})
	if e.AutoFails != 0 || !e.AutoAt.Equal(c.now.Add(70*time.Second)) || e.Failed {
		t.Errorf("after a success: %d failures, next at %s, failed %v", e.AutoFails, e.AutoAt.Sub(c.now), e.Failed)
	}
}

func TestExpiredAtStartIsNotChased(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0.Add(-time.Hour), time.Minute)})
	m = step(m, tickMsg{tag: m.tickTag})
	if m.sess.Get("alpha").Busy != session.OpNone {
		t.Error("a token already expired at start was auto-refreshed")
	}
}

func TestStaleTickIsDropped(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40)
	tag := m.tickTag
	_, cmd := m.Update(tickMsg{tag: tag - 1})
	if cmd != nil {
		if msg := cmd(); msg != nil {
			if _, isTick := msg.(tickMsg); isTick {
				t.Error("a stale tick re-armed")
			}
		}
	}
	next, _ := m.Update(tickMsg{tag: tag})
	if next.(Model).tickTag != tag+1 {
		t.Error("the current tick did not move the tag on")
	}
}

func TestFilterKeysDoNotAct(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha")}, store.Entry{Provider: prov("fred")})
	m, _ = press(m, "/", "f", "r")
	if m.sess.Get("alpha").Busy != session.OpNone || m.sess.Get("fred").Busy != session.OpNone {
		t.Fatal("typing a filter fetched")
	}
	if it, _ := m.list.Selected(); it.Name != "fred" || m.list.Len() != 1 {
		t.Errorf("filter fr selected %q of %d", it.Name, m.list.Len())
	}
}

func TestLayout(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}, {100, 30}, {200, 60}} {
		m := unitModel(t, c, sz.w, sz.h, store.Entry{Provider: prov("alpha"), Token: token(t0, time.Hour)},
			store.Entry{Provider: prov("beta")})
		lines := strings.Split(plain(m), "\n")
		if len(lines) != sz.h {
			t.Errorf("%dx%d: %d lines", sz.w, sz.h, len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > sz.w {
				t.Errorf("%dx%d: line %d is %d wide", sz.w, sz.h, i, w)
			}
		}
		// Side by side, the list's and the detail's top borders share line 1.
		// (mono draws the focused pane's frame heavy: ┏, the other ╭).
		wide := strings.Count(lines[1], "╭")+strings.Count(lines[1], "┏") == 2
		if wide != (sz.w >= wideFrom) {
			t.Errorf("%dx%d: side by side = %v", sz.w, sz.h, wide)
		}
	}
}

// TestFullHelp: the help page lists every key of the main screen, those
// that do nothing now (the copy keys without a token) dimmed rather than
// hidden; no key acts through it.
func TestFullHelp(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha")})
	m, _ = press(m, "?")
	got := plain(m)
	for _, want := range []string{"Keys", "f", "fetch", "R", "refresh all", "a", "add", "T", "theme", "/", "filter",
		"scroll down", "?/esc/q", "close help"} {
		if !strings.Contains(got, want) {
			t.Errorf("full help lacks %q:\n%s", want, got)
		}
	}
	st := &m.styles.HelpPage
	out := m.View()
	for _, off := range []string{"c copy header", "y copy token", "x logout", "↑/k    scroll up"} {
		if !strings.Contains(out, st.Unavailable.Render(off)) {
			t.Errorf("the help page does not show %q dimmed:\n%q", off, out)
		}
	}
	if on := st.Key.Render("f") + " " + st.Desc.Render("fetch"); !strings.Contains(out, on) {
		t.Errorf("the help page does not show f fetch as available:\n%q", out)
	}
	m, _ = press(m, "f")
	if m.sess.Get("alpha").Busy != session.OpNone {
		t.Error("a key acted through the help page")
	}
	m, _ = press(m, "esc")
	if m.showHelp {
		t.Error("esc did not close the help")
	}
}

// TestShortHelpKeepsQuit: the help line drops the moving keys and then
// actions from its end, never the help and quit keys, at any width.
func TestShortHelpKeepsQuit(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	for _, w := range []int{50, 80, 120} {
		m := unitModel(t, c, w, 24, store.Entry{Provider: prov("alpha"), Token: token(t0, time.Hour)})
		for _, focus := range []string{"list", "detail"} {
			if focus == "detail" {
				m, _ = press(m, "tab")
			}
			lines := strings.Split(plain(m), "\n")
			last := lines[len(lines)-1]
			if !strings.HasPrefix(last, "? help") || !strings.HasSuffix(last, "q quit") {
				t.Errorf("%d columns, %s focused: the help line lost help or quit: %q", w, focus, last)
			}
			if strings.Contains(last, "↑") || strings.Contains(last, "…") {
				t.Errorf("%d columns, %s focused: %q has moving keys or is cut", w, focus, last)
			}
		}
	}
}

func TestThemeCycles(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40)
	before := m.theme.Name
	m, cmd := press(m, "T")
	if m.theme.Name == before || cmd == nil {
		t.Fatalf("T left the theme %q or saved nothing", m.theme.Name)
	}
	if !strings.Contains(strings.Split(plain(m), "\n")[0], "theme "+m.theme.Name) {
		t.Error("the header does not name the new theme")
	}
}

func TestRefreshAllStartsEveryIdleProvider(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("a"), Token: token(t0, time.Hour)},
		store.Entry{Provider: prov("b")}, store.Entry{Provider: prov("c")})
	m, _ = press(m, "f")
	m, _ = press(m, "R")
	if m.sess.Get("a").Busy != session.OpFetch || m.sess.Get("b").Busy != session.OpFetch || m.sess.Get("c").Busy != session.OpFetch {
		t.Errorf("refresh all: a %d b %d c %d", m.sess.Get("a").Busy, m.sess.Get("b").Busy, m.sess.Get("c").Busy)
	}
	if !strings.Contains(plain(m), "refreshing 2 providers") {
		t.Error("status does not count the providers refreshed")
	}
	// a was fetched by f before R: its answer is not part of the summary.
	m = step(m, tokenMsg{name: "a", seq: m.sess.Get("a").Pending, op: session.OpFetch, stored: stored("a", token(t0, time.Hour))})
	m = step(m, tokenMsg{name: "b", seq: m.sess.Get("b").Pending, op: session.OpFetch, stored: stored("b", token(t0, time.Hour))})
	if got := plain(m); !strings.Contains(got, "refreshing: 1 done, 1 to go") {
		t.Errorf("status halfway:\n%s", got)
	}
	m = step(m, tokenMsg{name: "c", seq: m.sess.Get("c").Pending, op: session.OpFetch, err: errors.New("fetch token for c: HTTP 401")})
	if got := plain(m); !strings.Contains(got, "refreshed 1 of 2; failed: c (see the detail)") {
		t.Errorf("summary:\n%s", got)
	}
	if !m.sess.Get("c").Failed || m.sess.Get("b").Failed {
		t.Error("the failed provider is not marked, or the good one is")
	}
}

// TestKeyBurstIsSplit: Bubble Tea v1 reports "jjjx" typed in one read as a
// single KeyRunes event; each rune must act as its own key, so the logout
// question is about the fourth provider, not the first.
func TestKeyBurstIsSplit(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	var entries []store.Entry
	for _, n := range []string{"alpha", "bravo", "charlie", "delta", "echo"} {
		entries = append(entries, store.Entry{Provider: prov(n), Token: token(t0, time.Hour)})
	}
	m := unitModel(t, c, 120, 40, entries...)
	m = step(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("jjjx")})
	if !m.asking || !strings.Contains(plain(m), "Log out of delta?") {
		t.Fatalf("jjjx in one event did not ask about delta:\n%s", plain(m))
	}
	m = step(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("nk")})
	if m.asking {
		t.Fatal("the n of a burst did not answer the question")
	}
	if e := m.selectedEntry(); e == nil || e.Provider.Name != "charlie" {
		t.Errorf("the k after n did not move up to charlie")
	}
}

// TestPasteStaysWhole: a bracketed paste is text, not keys: pasted into
// the filter it filters, and none of its runes acts as a binding.
func TestPasteStaysWhole(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40,
		store.Entry{Provider: prov("alpha"), Token: token(t0, time.Hour)},
		store.Entry{Provider: prov("bravo"), Token: token(t0, time.Hour)})
	m, _ = press(m, "/")
	m = step(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("brx"), Paste: true})
	if m.asking {
		t.Fatal("the x of a paste acted as the logout key")
	}
	if got := m.list.FilterValue(); got != "brx" {
		t.Errorf("filter = %q, want the whole paste %q", got, "brx")
	}
}

// TestNoColourKeepsEmphasis: under NO_COLOR (termenv's Ascii profile) the
// explorer draws mono's attributes, so the focused pane, the selected row
// and an error still stand out, with no colour in the bytes; the header
// says why, and T, which has no other theme to show, says so.
func TestNoColourKeepsEmphasis(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModelOn(t, c, noColourRenderer(), 120, 40,
		store.Entry{Provider: prov("alpha")}, store.Entry{Provider: prov("beta")})
	m, _ = press(m, "f")
	m = step(m, tokenMsg{name: "alpha", seq: m.sess.Get("alpha").Pending, op: session.OpFetch,
		err: errors.New("fetch token for alpha: HTTP 401")})
	out := m.View()
	lines := strings.Split(out, "\n")
	if strings.Contains(out, "[38;") || strings.Contains(out, "[48;") {
		t.Errorf("a colour reached a NO_COLOR terminal:\n%q", out)
	}
	for what, want := range map[string]struct{ line, seq string }{
		"the header names why":          {lines[0], "theme mono (no colour)"},
		"focused pane, heavy and bold":  {lines[1], "\x1b[1m┏━"},
		"blurred pane, light and faint": {lines[1], "\x1b[2m╭─"},
		"selected row, reversed":        {lines[3], "\x1b[1;7malpha"},
		"error, reversed":               {lines[len(lines)-2], "\x1b[1;7mfetch token for alpha: HTTP 401"},
	} {
		if !strings.Contains(want.line, want.seq) {
			t.Errorf("%s: %q lacks %q", what, want.line, want.seq)
		}
	}
	if other := lines[4]; strings.Contains(other, "7m") {
		t.Errorf("an unselected row is reversed too: %q", other)
	}
	m, cmd := press(m, "T")
	if m.theme.Name != "mono" || cmd != nil {
		t.Errorf("T under NO_COLOR switched to %q", m.theme.Name)
	}
	if got := plain(m); !strings.Contains(got, "no colour on this terminal") {
		t.Errorf("T under NO_COLOR changed nothing and said nothing:\n%s", got)
	}
}

// TestConfirmOverlaysThePanes: a question is drawn over the panes, which
// stay on screen dimmed, so the row it is about can be seen behind it.
func TestConfirmOverlaysThePanes(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	var es []store.Entry
	for _, n := range []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"} {
		es = append(es, store.Entry{Provider: prov(n), Token: token(t0, time.Hour)})
	}
	es[1], es[5] = es[5], es[1] // beta, the one asked about, on the row the box would cover
	for _, w := range []int{80, 120} {
		m := unitModel(t, c, w, 24, es...)
		m, _ = press(m, "j", "j", "j", "j", "j", "x")
		if !m.asking {
			t.Fatal("x did not ask")
		}
		out := m.View()
		got := ansi.Strip(out)
		lines := strings.Split(got, "\n")
		if len(lines) != 24 {
			t.Errorf("%d columns: %d lines, want 24", w, len(lines))
		}
		selected := false
		for _, l := range lines {
			if strings.Contains(l, "▸ ● beta") {
				selected = true
			}
		}
		if !selected || !strings.Contains(got, "alpha") || !strings.Contains(got, "Log out of beta") {
			t.Errorf("%d columns: the question does not sit over the panes with beta selected:\n%s", w, got)
		}
		if !strings.Contains(out, m.styles.Backdrop.Render(strings.Split(got, "\n")[1])) {
			t.Errorf("%d columns: the panes behind the question are not dimmed:\n%q", w, out)
		}
	}
}

// TestArrowsAndHLSwitchPanes: l and → move the keys to the detail pane,
// h and ← back to the list, as in lazygit.
func TestArrowsAndHLSwitchPanes(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("alpha"), Token: token(t0, time.Hour)})
	for _, tc := range []struct {
		key  tea.KeyMsg
		want focus
	}{
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("l")}, focusDetail},
		{tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("h")}, focusList},
		{tea.KeyMsg{Type: tea.KeyRight}, focusDetail},
		{tea.KeyMsg{Type: tea.KeyLeft}, focusList},
	} {
		m = step(m, tc.key)
		if m.focus != tc.want {
			t.Errorf("after %s the focus is %d, want %d", tc.key, m.focus, tc.want)
		}
	}
}

// TestEscOnAHalfFilledFormAsks: in the explorer, esc on a form with
// something typed asks before going back to the list; y discards.
func TestEscOnAHalfFilledFormAsks(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 80, 24, store.Entry{Provider: prov("alpha")})
	m, _ = press(m, "a", "tab", "x")
	m = runForm(t, m, tea.KeyMsg{Type: tea.KeyEsc})
	if m.screen != screenForm || !strings.Contains(plain(m), "Discard your changes?") {
		t.Fatalf("esc threw the form away without asking:\n%s", plain(m))
	}
	if last := strings.Split(plain(m), "\n"); !strings.HasPrefix(last[len(last)-1], "y discard • n/esc keep editing") {
		t.Errorf("the help line does not offer the answers: %q", last[len(last)-1])
	}
	m = runForm(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	if m.screen != screenMain {
		t.Errorf("y did not discard the form:\n%s", plain(m))
	}
}

// runForm presses k and delivers the form's answer to it, a
// CancelledMsg, as the program would; no other command is run.
func runForm(t *testing.T, m Model, k tea.KeyMsg) Model {
	t.Helper()
	next, cmd := m.Update(k)
	m = next.(Model)
	if cmd == nil {
		return m
	}
	if msg, ok := cmd().(form.CancelledMsg); ok {
		m = step(m, msg)
	}
	return m
}
