package clipboard

import (
	"bytes"
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// memory is a system clipboard in memory.
type memory struct {
	mu       sync.Mutex
	content  string
	writes   int
	writeErr error
	readErr  error
}

func (m *memory) ReadAll() (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.content, m.readErr
}

func (m *memory) WriteAll(text string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.writeErr != nil {
		return m.writeErr
	}
	m.content = text
	m.writes++
	return nil
}

func (m *memory) get() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.content
}

func env(vars ...string) func(string) string {
	return func(k string) string {
		for i := 0; i+1 < len(vars); i += 2 {
			if vars[i] == k {
				return vars[i+1]
			}
		}
		return ""
	}
}

// run executes a Cmd the way Bubble Tea does, unrolling sequences, and
// returns the messages it produced, dropping nil ones.
func run(t *testing.T, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		var out []tea.Msg
		for i := range v.Len() {
			out = append(out, run(t, v.Index(i).Interface().(tea.Cmd))...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

func copied(t *testing.T, msgs []tea.Msg) CopiedMsg {
	t.Helper()
	if len(msgs) == 0 {
		t.Fatal("no message")
	}
	m, ok := msgs[0].(CopiedMsg)
	if !ok {
		t.Fatalf("first message is %T, want CopiedMsg", msgs[0])
	}
	return m
}

const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2ln"

func TestCopyLocallyUsesTheSystemClipboardOnly(t *testing.T) {
	t.Parallel()
	mem, term := &memory{}, &bytes.Buffer{}
	c := New(Options{Backend: mem, Terminal: term, Getenv: env("DISPLAY", ":0")})
	msgs := run(t, c.Copy("Bearer "+token, "the bearer header", false))
	m := copied(t, msgs)
	if m.Err != nil || m.Via != ViaSystem || m.ClearAfter != 0 || m.Label != "the bearer header" {
		t.Fatalf("got %+v, want a plain system copy", m)
	}
	if len(msgs) != 1 {
		t.Fatalf("a non-sensitive copy produced %d messages", len(msgs))
	}
	if got := mem.get(); got != "Bearer "+token {
		t.Fatalf("clipboard holds %q", got)
	}
	if term.Len() != 0 {
		t.Fatalf("a local copy that worked also wrote %q to the terminal", term.String())
	}
}

func TestCopyFallsBackToOSC52(t *testing.T) {
	t.Parallel()
	mem := &memory{writeErr: exitError(t)}
	term := &bytes.Buffer{}
	c := New(Options{Backend: mem, Terminal: term, Getenv: env("TMUX", "/tmp/tmux-0/default,1,0")})
	m := copied(t, run(t, c.Copy(token, "the token", false)))
	if m.Err != nil || m.Via != ViaTerminal {
		t.Fatalf("got %+v, want the terminal to take the copy", m)
	}
	if m.SystemErr == nil || !strings.Contains(m.SystemErr.Error(), "exit status 1") {
		t.Fatalf("SystemErr = %v, want the clipboard program's failure", m.SystemErr)
	}
	if !strings.Contains(m.SystemErr.Error(), "DISPLAY and WAYLAND_DISPLAY are unset") {
		t.Fatalf("SystemErr = %v, want it to say there is no display", m.SystemErr)
	}
	if got, want := term.String(), Sequence(token, env("TMUX", "x")); got != want {
		t.Fatalf("terminal got %q, want %q", got, want)
	}
}

func TestCopyOverSSHSendsBoth(t *testing.T) {
	t.Parallel()
	mem, term := &memory{}, &bytes.Buffer{}
	c := New(Options{Backend: mem, Terminal: term, Getenv: env("SSH_TTY", "/dev/pts/3")})
	m := copied(t, run(t, c.Copy(token, "the token", false)))
	if m.Err != nil || m.Via != ViaSystem|ViaTerminal || m.SystemErr != nil {
		t.Fatalf("got %+v, want both ways", m)
	}
	if term.String() != Sequence(token, nil) {
		t.Fatalf("terminal got %q", term.String())
	}
	if m.Via.String() != "system clipboard and terminal (OSC 52)" {
		t.Fatalf("Via.String() = %q", m.Via.String())
	}
}

func TestCopyFailureIsReported(t *testing.T) {
	t.Parallel()
	fail := errors.New("exit status 1")
	for name, o := range map[string]Options{
		"no terminal":  {Backend: &memory{writeErr: fail}},
		"osc52 never":  {Backend: &memory{writeErr: fail}, Terminal: &bytes.Buffer{}, OSC52: OSC52Never},
		"broken write": {Backend: &memory{writeErr: fail}, Terminal: failingWriter{}},
	} {
		m := copied(t, run(t, New(o).Copy(token, "the raw token", true)))
		if m.Err == nil || m.Via != 0 {
			t.Errorf("%s: got %+v, want an error", name, m)
			continue
		}
		if msg := m.Err.Error(); !strings.Contains(msg, "copy the raw token") || !strings.Contains(msg, "exit status 1") || strings.Contains(msg, token) {
			t.Errorf("%s: error %q does not say what failed (or leaks the token)", name, msg)
		}
		if name == "broken write" && !strings.Contains(m.Err.Error(), "terminal gone") {
			t.Errorf("%s: error %q hides the terminal's failure", name, m.Err)
		}
		if o.OSC52 == OSC52Never && o.Terminal.(*bytes.Buffer).Len() != 0 {
			t.Errorf("%s: wrote to the terminal", name)
		}
	}
}

// exitError is the error a clipboard program that exits with status 1
// without a word on stderr gives, as xclip does without a display.
func exitError(t *testing.T) error {
	t.Helper()
	err := exec.Command("sh", "-c", "exit 1").Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("sh -c 'exit 1' gave %v", err)
	}
	return err
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("terminal gone") }

func TestOSC52AlwaysSendsWithAWorkingClipboard(t *testing.T) {
	t.Parallel()
	term := &bytes.Buffer{}
	m := copied(t, run(t, New(Options{Backend: &memory{}, Terminal: term, OSC52: OSC52Always}).Copy("x", "x", false)))
	if m.Via != ViaSystem|ViaTerminal || term.String() != "\x1b]52;c;eA==\a" {
		t.Fatalf("got %+v and %q", m, term.String())
	}
}

func TestMissingProgramHint(t *testing.T) {
	t.Parallel()
	err := New(Options{}).describe(errors.New("No clipboard utilities available. Please install xsel, xclip, wl-clipboard or Termux:API add-on for termux-clipboard-get/set."))
	if err.Error() != "no clipboard program found (install xclip, xsel or wl-clipboard)" {
		t.Fatalf("got %q", err)
	}
}

func TestSlowProgramTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	defer close(release)
	c := New(Options{Backend: blocking{release}, Timeout: 20 * time.Millisecond})
	m := copied(t, run(t, c.Copy("x", "the token", false)))
	if !errors.Is(m.Err, errTimeout) {
		t.Fatalf("Err = %v, want a timeout", m.Err)
	}
}

type blocking struct{ release chan struct{} }

func (b blocking) ReadAll() (string, error) { <-b.release; return "", nil }
func (b blocking) WriteAll(string) error    { <-b.release; return nil }
