package clipboard

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// needX skips a test that needs a real X clipboard when there is none,
// except on CI (CI=true), where .ci/test provides Xvfb and xclip and a
// missing one is a failure.
func needX(t *testing.T) {
	t.Helper()
	var missing string
	if os.Getenv("DISPLAY") == "" {
		missing = "DISPLAY is unset (run under Xvfb: Xvfb :99 & DISPLAY=:99 go test ...)"
	} else if _, err := exec.LookPath("xclip"); err != nil {
		missing = "xclip is not installed (apt-get install xclip)"
	} else if os.Getenv("WAYLAND_DISPLAY") != "" {
		missing = "WAYLAND_DISPLAY is set, so atotto would use wl-copy, not xclip"
	}
	if missing == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("the system clipboard test cannot run on CI: %s", missing)
	}
	t.Skipf("no X clipboard: %s", missing)
}

// xclip reads or writes the X clipboard directly, not through atotto, so
// the test checks what other programs see.
func xclip(t *testing.T, in *string) string {
	t.Helper()
	if in != nil {
		// xclip -in forks a child that serves the selection until another
		// program takes it; it must not inherit a pipe of ours, or waiting
		// for the pipe would wait for that child.
		cmd := exec.Command("xclip", "-in", "-selection", "clipboard")
		cmd.Stdin = strings.NewReader(*in)
		if err := cmd.Run(); err != nil {
			t.Fatalf("xclip -in: %v", err)
		}
		return ""
	}
	out, err := exec.Command("xclip", "-out", "-selection", "clipboard").Output()
	if err != nil {
		t.Fatalf("xclip -out: %v", err)
	}
	return string(out)
}

// steps splits a sensitive copy into its copy step and its wipe step.
func steps(t *testing.T, cmd tea.Cmd) (tea.Cmd, tea.Cmd) {
	t.Helper()
	v := reflect.ValueOf(cmd())
	if v.Kind() != reflect.Slice || v.Len() != 2 {
		t.Fatalf("a sensitive copy is %v, want two steps", v.Type())
	}
	return v.Index(0).Interface().(tea.Cmd), v.Index(1).Interface().(tea.Cmd)
}

func secret(t *testing.T) string {
	t.Helper()
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "tokenscope-test-" + hex.EncodeToString(b)
}

// The X tests share one clipboard, so they run one after the other.
func TestSystemClipboard(t *testing.T) {
	needX(t)
	c := New(Options{Backend: System(), Getenv: os.Getenv, ClearAfter: 50 * time.Millisecond})

	t.Run("copy then clear", func(t *testing.T) {
		text := secret(t)
		copyStep, wipeStep := steps(t, c.Copy(text, "the token", true))
		m, ok := copyStep().(CopiedMsg)
		if !ok || m.Err != nil || m.Via != ViaSystem {
			t.Fatalf("copy: %+v", m)
		}
		if got := xclip(t, nil); got != text {
			t.Fatalf("X clipboard holds %q, want %q", got, text)
		}
		start := time.Now()
		cl, ok := wipeStep().(ClearedMsg)
		if !ok || !cl.Cleared || cl.Err != nil {
			t.Fatalf("wipe: %+v", cl)
		}
		if waited := time.Since(start); waited < 50*time.Millisecond {
			t.Fatalf("wiped after %s, before the 50ms delay", waited)
		}
		if got := xclip(t, nil); got != "" {
			t.Fatalf("X clipboard still holds %q", got)
		}
	})

	t.Run("something else copied since", func(t *testing.T) {
		text, other := secret(t), "copied by the user meanwhile"
		copyStep, wipeStep := steps(t, c.Copy(text, "the token", true))
		if m := copyStep().(CopiedMsg); m.Err != nil {
			t.Fatalf("copy: %v", m.Err)
		}
		xclip(t, &other)
		cl := wipeStep().(ClearedMsg)
		if cl.Cleared || !cl.Changed || cl.Err != nil {
			t.Fatalf("wipe: %+v, want the clipboard left alone", cl)
		}
		if got := xclip(t, nil); got != other {
			t.Fatalf("X clipboard holds %q, want the user's %q", got, other)
		}
	})
}
