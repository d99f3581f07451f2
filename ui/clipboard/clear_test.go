package clipboard

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSensitiveCopyIsClearedWhenUnchanged(t *testing.T) {
	t.Parallel()
	mem := &memory{}
	c := New(Options{Backend: mem, ClearAfter: 10 * time.Millisecond})
	msgs := run(t, c.Copy(token, "the token", true))
	if m := copied(t, msgs); m.Err != nil || m.ClearAfter != 10*time.Millisecond {
		t.Fatalf("got %+v, want a copy to be cleared in 10ms", m)
	}
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want the copy and the wipe", len(msgs))
	}
	cl, ok := msgs[1].(ClearedMsg)
	if !ok || !cl.Cleared || cl.Changed || cl.Err != nil || cl.Label != "the token" {
		t.Fatalf("second message %#v, want a wipe", msgs[1])
	}
	if got := mem.get(); got != "" {
		t.Fatalf("clipboard still holds %q", got)
	}
}

func TestClearLeavesSomethingElseAlone(t *testing.T) {
	t.Parallel()
	mem := &memory{content: "the user's own text"}
	c := New(Options{Backend: mem})
	cl := c.clearIf(sha256.Sum256([]byte(token)), "the token")
	if cl.Cleared || !cl.Changed || cl.Err != nil {
		t.Fatalf("got %+v, want the clipboard left alone", cl)
	}
	if mem.get() != "the user's own text" || mem.writes != 0 {
		t.Fatalf("clipboard was touched: %q after %d writes", mem.get(), mem.writes)
	}
}

func TestClearLeavesAnUnreadableClipboardAlone(t *testing.T) {
	t.Parallel()
	mem := &memory{content: token, readErr: errors.New("exit status 1")}
	cl := New(Options{Backend: mem, Getenv: env("DISPLAY", ":0")}).clearIf(sha256.Sum256([]byte(token)), "the token")
	if cl.Cleared || cl.Err == nil || !strings.Contains(cl.Err.Error(), "read the clipboard to clear the token") {
		t.Fatalf("got %+v, want a read error", cl)
	}
	if mem.writes != 0 {
		t.Fatal("an unreadable clipboard was written to")
	}
}

func TestClearSettings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		o    Options
		want time.Duration
	}{
		{Options{}, DefaultClearAfter},
		{Options{ClearAfter: time.Minute}, time.Minute},
		{Options{ClearAfter: time.Minute, NoClear: true}, 0},
		{Options{ClearAfter: -1}, 0},
	} {
		if got := New(tc.o).ClearAfter(); got != tc.want {
			t.Errorf("ClearAfter with %+v = %s, want %s", tc.o, got, tc.want)
		}
	}
	// With clearing off a sensitive copy is a single message.
	mem := &memory{}
	msgs := run(t, New(Options{Backend: mem, NoClear: true}).Copy(token, "t", true))
	if len(msgs) != 1 || copied(t, msgs).ClearAfter != 0 || mem.get() != token {
		t.Fatalf("got %#v", msgs)
	}
}

func TestNothingToClearAfterATerminalOnlyCopy(t *testing.T) {
	t.Parallel()
	// The system clipboard failed, so the copy went by OSC 52 only: there is
	// nothing of ours on the system clipboard to read back and wipe.
	mem := &memory{writeErr: errors.New("exit status 1"), content: "older text"}
	c := New(Options{Backend: mem, Terminal: &strings.Builder{}, ClearAfter: time.Millisecond})
	msgs := run(t, c.Copy(token, "the token", true))
	if len(msgs) != 1 || copied(t, msgs).ClearAfter != 0 || copied(t, msgs).Via != ViaTerminal {
		t.Fatalf("got %#v, want one terminal copy and no wipe", msgs)
	}
}
