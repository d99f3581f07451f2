// Package clipboard copies text for the explorer: to the system clipboard
// through github.com/atotto/clipboard (which runs xclip, xsel or wl-copy),
// and to the terminal with an OSC 52 escape when no clipboard program works
// or the session is remote, so copying works over SSH and inside tmux too.
//
// Every copy runs in a tea.Cmd and ends in a CopiedMsg that says which way
// the text went or why it could not; a sensitive copy is later wiped from
// the system clipboard, but only if the clipboard still holds it.
package clipboard

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	atotto "github.com/atotto/clipboard"
	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
)

// DefaultClearAfter is how long a sensitive copy stays on the system
// clipboard when Options.ClearAfter is zero.
const DefaultClearAfter = 30 * time.Second

// DefaultTimeout bounds one call of the clipboard program.
const DefaultTimeout = 5 * time.Second

// Backend is a system clipboard. System returns the real one; tests pass
// their own.
type Backend interface {
	ReadAll() (string, error)
	WriteAll(text string) error
}

type systemBackend struct{}

func (systemBackend) ReadAll() (string, error)   { return atotto.ReadAll() }
func (systemBackend) WriteAll(text string) error { return atotto.WriteAll(text) }

// System returns the system clipboard, reached through xclip, xsel,
// wl-copy or the platform's own API.
func System() Backend { return systemBackend{} }

// OSC52Mode says when a copy is also sent to the terminal as an OSC 52
// escape.
type OSC52Mode int

const (
	// OSC52Auto sends it when the system clipboard fails, and always in an
	// SSH session, where the system clipboard is the remote machine's.
	OSC52Auto OSC52Mode = iota
	// OSC52Always sends it with every copy.
	OSC52Always
	// OSC52Never never sends it.
	OSC52Never
)

// Options configure a Clipboard. The zero value copies to the system
// clipboard only and clears sensitive copies after DefaultClearAfter.
type Options struct {
	// Backend is the system clipboard; nil means System().
	Backend Backend
	// Terminal receives OSC 52 escapes: the program's output. nil disables
	// OSC 52. Each escape goes out in one Write call so it cannot be split
	// by a frame the renderer writes at the same time.
	Terminal io.Writer
	// Getenv reads TMUX, TERM, SSH_TTY and SSH_CONNECTION to choose how the
	// escape is wrapped and whether the session is remote, and DISPLAY and
	// WAYLAND_DISPLAY to explain a failure; nil reads none.
	Getenv func(string) string
	// OSC52 says when to send the escape.
	OSC52 OSC52Mode
	// ClearAfter is how long a sensitive copy stays on the system
	// clipboard; zero means DefaultClearAfter (store.Settings.ClipboardClear
	// has the same meaning).
	ClearAfter time.Duration
	// NoClear leaves sensitive copies on the clipboard
	// (store.Settings.ClipboardClearOff).
	NoClear bool
	// Timeout bounds one call of the clipboard program; zero means
	// DefaultTimeout.
	Timeout time.Duration
}

// Clipboard copies text in tea.Cmds. It is a small immutable value: build
// it once with New and keep it in the model.
type Clipboard struct {
	backend    Backend
	terminal   io.Writer
	mode       OSC52Mode
	wrap       wrapping
	remote     bool
	display    bool          // DISPLAY or WAYLAND_DISPLAY is set
	clearAfter time.Duration // 0: never clear
	timeout    time.Duration
}

// New builds a Clipboard from its options.
func New(o Options) Clipboard {
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	c := Clipboard{
		backend:    o.Backend,
		terminal:   o.Terminal,
		mode:       o.OSC52,
		wrap:       wrappingFor(getenv),
		remote:     getenv("SSH_TTY") != "" || getenv("SSH_CONNECTION") != "",
		display:    getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != "",
		clearAfter: o.ClearAfter,
		timeout:    o.Timeout,
	}
	if c.backend == nil {
		c.backend = System()
	}
	if c.clearAfter == 0 {
		c.clearAfter = DefaultClearAfter
	}
	if o.NoClear || c.clearAfter < 0 {
		c.clearAfter = 0
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	return c
}

// ClearAfter is how long a sensitive copy stays on the system clipboard;
// zero when clearing is off.
func (c Clipboard) ClearAfter() time.Duration { return c.clearAfter }

// Via says which ways a copy went; it is a set.
type Via uint8

// The ways a copy can go.
const (
	// ViaSystem is the system clipboard.
	ViaSystem Via = 1 << iota
	// ViaTerminal is an OSC 52 escape sent to the terminal.
	ViaTerminal
)

// String names the ways, for a status line.
func (v Via) String() string {
	switch v {
	case ViaSystem:
		return "system clipboard"
	case ViaTerminal:
		return "terminal (OSC 52)"
	case ViaSystem | ViaTerminal:
		return "system clipboard and terminal (OSC 52)"
	}
	return "nowhere"
}

// CopiedMsg reports a copy.
type CopiedMsg struct {
	// Label is what was copied, as the caller named it ("the bearer
	// header of mtn").
	Label string
	// Via is where it went; zero when Err is set.
	Via Via
	// Err is why nothing could be copied.
	Err error
	// SystemErr is why the system clipboard failed when the terminal took
	// the copy instead; nil otherwise.
	SystemErr error
	// ClearAfter is when the system clipboard will be wiped; zero when it
	// will not be (not sensitive, clearing off, or not on the system
	// clipboard).
	ClearAfter time.Duration
}

// ClearedMsg reports the wipe of a sensitive copy.
type ClearedMsg struct {
	// Label is the Label of the copy.
	Label string
	// Cleared reports that the clipboard was wiped.
	Cleared bool
	// Changed reports that something else had been copied since, so the
	// clipboard was left alone.
	Changed bool
	// Err is why the clipboard could not be read or wiped.
	Err error
}

// Copy returns a Cmd that copies text and reports a CopiedMsg. A sensitive
// copy on the system clipboard is followed, ClearAfter later, by a
// ClearedMsg; the wipe happens only if the clipboard still holds the text.
// Only a hash of the text is kept for that comparison.
func (c Clipboard) Copy(text, label string, sensitive bool) tea.Cmd {
	if !sensitive || c.clearAfter == 0 {
		return func() tea.Msg { return c.copy(text, label, false) }
	}
	sum := sha256.Sum256([]byte(text))
	// The copy step tells the wipe step whether the text reached the system
	// clipboard; the channel orders them however the steps are run.
	onSystem := make(chan bool, 1)
	return tea.Sequence(
		func() tea.Msg {
			msg := c.copy(text, label, true)
			onSystem <- msg.Via&ViaSystem != 0
			return msg
		},
		func() tea.Msg {
			if !<-onSystem {
				return nil // nothing of ours to wipe
			}
			time.Sleep(c.clearAfter)
			return c.clearIf(sum, label)
		},
	)
}

func (c Clipboard) copy(text, label string, sensitive bool) CopiedMsg {
	msg := CopiedMsg{Label: label}
	sysErr := c.call(func() error { return c.backend.WriteAll(text) })
	if sysErr == nil {
		msg.Via |= ViaSystem
		if sensitive {
			msg.ClearAfter = c.clearAfter
		}
	}
	wantOSC := c.mode == OSC52Always || (c.mode == OSC52Auto && (sysErr != nil || c.remote))
	var oscErr error
	if wantOSC && c.terminal != nil {
		if oscErr = c.sendOSC52(text); oscErr == nil {
			msg.Via |= ViaTerminal
		}
	}
	switch {
	case msg.Via == 0 && oscErr != nil:
		msg.Err = fmt.Errorf("copy %s: %w; and to the terminal: %w", label, sysErr, oscErr)
	case msg.Via == 0:
		msg.Err = fmt.Errorf("copy %s: %w", label, sysErr)
	case sysErr != nil:
		msg.SystemErr = sysErr
	}
	return msg
}

func (c Clipboard) sendOSC52(text string) error {
	if _, err := io.WriteString(c.terminal, c.wrap.sequence(text)); err != nil {
		return fmt.Errorf("write OSC 52 escape: %w", err)
	}
	return nil
}

// clearIf wipes the system clipboard if it still holds the text whose hash
// is sum.
func (c Clipboard) clearIf(sum [sha256.Size]byte, label string) ClearedMsg {
	msg := ClearedMsg{Label: label}
	var now string
	err := c.call(func() error {
		var err error
		now, err = c.backend.ReadAll()
		return err
	})
	if err != nil {
		msg.Err = fmt.Errorf("read the clipboard to clear %s: %w", label, err)
		return msg
	}
	if sha256.Sum256([]byte(now)) != sum {
		msg.Changed = true
		return msg
	}
	if err := c.call(func() error { return c.backend.WriteAll("") }); err != nil {
		msg.Err = fmt.Errorf("clear %s from the clipboard: %w", label, err)
		return msg
	}
	msg.Cleared = true
	return msg
}

// errTimeout is returned when the clipboard program does not answer.
var errTimeout = errors.New("the clipboard program did not answer")

// call runs one clipboard operation with the timeout. atotto takes no
// context, so a hung program is abandoned, not killed.
func (c Clipboard) call(fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	t := time.NewTimer(c.timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return c.describe(err)
	case <-t.C:
		return fmt.Errorf("%w within %s", errTimeout, c.timeout)
	}
}

// describe turns atotto's errors into lowercase ones that say what to do.
func (c Clipboard) describe(err error) error {
	if err == nil {
		return nil
	}
	if strings.HasPrefix(err.Error(), "No clipboard utilities available") {
		return errors.New("no clipboard program found (install xclip, xsel or wl-clipboard)")
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if msg := strings.TrimSpace(string(exit.Stderr)); msg != "" {
			return fmt.Errorf("clipboard program: %w: %s", err, firstLine(msg))
		}
		if !c.display {
			return fmt.Errorf("clipboard program: %w (no display: DISPLAY and WAYLAND_DISPLAY are unset)", err)
		}
	}
	return fmt.Errorf("clipboard program: %w", err)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// wrapping is how an OSC 52 escape must be wrapped to reach the real
// terminal through a multiplexer.
type wrapping int

const (
	wrapNone wrapping = iota
	// wrapTmux: tmux forwards an application's OSC 52 itself only with
	// `set-clipboard on`, and passes a DCS-wrapped one through only with
	// `allow-passthrough on`; neither is the default, so both are sent.
	wrapTmux
	// wrapScreen: GNU screen passes DCS-wrapped sequences through.
	wrapScreen
)

func wrappingFor(getenv func(string) string) wrapping {
	switch {
	case getenv("TMUX") != "":
		return wrapTmux
	case strings.HasPrefix(getenv("TERM"), "screen"):
		return wrapScreen
	}
	return wrapNone
}

// sequence is the bytes that put text on the terminal's clipboard.
func (w wrapping) sequence(text string) string {
	seq := osc52.New(text)
	switch w {
	case wrapTmux:
		return seq.String() + seq.Tmux().String()
	case wrapScreen:
		return seq.Screen().String()
	}
	return seq.String()
}

// Sequence returns the OSC 52 escape New would send for text with the
// given environment, for a trace or a test.
func Sequence(text string, getenv func(string) string) string {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return wrappingFor(getenv).sequence(text)
}
