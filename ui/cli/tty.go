package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/tokenscope/tokenscope/providers/display"
	"golang.org/x/term"
)

// ttyFiles is the terminal prompts are written to and answers read from.
type ttyFiles struct {
	in, out *os.File
	close   func()
}

// openTTY opens the controlling terminal, as age does: /dev/tty, or the
// console on Windows, so that prompts work even when stdout is redirected.
func openTTY() (ttyFiles, error) {
	if runtime.GOOS == "windows" {
		in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
		if err != nil {
			return ttyFiles{}, err
		}
		out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
		if err != nil {
			in.Close()
			return ttyFiles{}, err
		}
		return ttyFiles{in: in, out: out, close: func() { in.Close(); out.Close() }}, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return ttyFiles{}, fmt.Errorf("open the terminal: %w", err)
	}
	return ttyFiles{in: tty, out: tty, close: func() { tty.Close() }}, nil
}

// isTerminal reports whether s is a file open on a terminal.
func isTerminal(s any) bool {
	f, ok := s.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// interactive reports whether someone is at the keyboard: standard input
// is a terminal, so prompts can be answered.
func (a *app) interactive() bool { return a.hooks.isTerminal(a.stdin) }

// readSecret asks for a secret on the terminal and reads it without echo.
// The prompt is erased afterwards. Ctrl-C restores the terminal and
// returns errInterrupted.
func (a *app) readSecret(ctx context.Context, prompt string) ([]byte, error) {
	t, err := a.hooks.tty()
	if err != nil {
		return nil, err
	}
	defer t.close()
	fd := int(t.in.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return nil, fmt.Errorf("read from the terminal: %w", err)
	}
	// The echo goes off before the prompt shows. term.ReadPassword turns it
	// off too, but only once its goroutine runs: a key typed (or pasted) as
	// soon as the prompt shows would be echoed in between.
	if err := echoOff(fd); err != nil {
		return nil, fmt.Errorf("read from the terminal: %w", err)
	}
	fmt.Fprintf(t.out, "%s ", display.Text(prompt))
	type answer struct {
		b   []byte
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		ch <- answer{b, err}
	}()
	select {
	case ans := <-ch:
		// ReadPassword gives back the settings it found, the echo off.
		_ = term.Restore(fd, state)
		clearLine(t.out)
		if ans.err != nil {
			return nil, fmt.Errorf("read from the terminal: %w", ans.err)
		}
		return ans.b, nil
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		fmt.Fprint(t.out, "\r\n")
		return nil, errInterrupted
	}
}

// readNewSecret asks twice for a new secret and insists both agree.
func (a *app) readNewSecret(ctx context.Context, what string) ([]byte, error) {
	for range 3 {
		first, err := a.readSecret(ctx, "Enter "+what+":")
		if err != nil {
			return nil, err
		}
		if len(first) == 0 {
			a.printf("the %s cannot be empty", what)
			continue
		}
		again, err := a.readSecret(ctx, "Confirm "+what+":")
		if err != nil {
			return nil, err
		}
		if bytes.Equal(first, again) {
			return first, nil
		}
		a.printf("the two entries differ, once more")
	}
	return nil, errors.New("the " + what + " was not confirmed")
}

// clearLine ends the prompt's line and erases it where escape codes work.
func clearLine(out io.Writer) {
	fmt.Fprint(out, "\r\n")
	if runtime.GOOS != "windows" {
		fmt.Fprint(out, "\033[F\033[K")
	}
}

// readFirstLine reads one line from r (without its line ending), for a
// secret given on standard input. It fails on an empty line.
func readFirstLine(r io.Reader, what string) ([]byte, error) {
	line, err := bufio.NewReaderSize(r, 4096).ReadBytes('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read the %s from standard input: %w", what, err)
	}
	line = bytes.TrimRight(line, "\r\n")
	if len(line) == 0 {
		return nil, fmt.Errorf("standard input holds no %s", what)
	}
	return line, nil
}

// stdinFor is standard input as reads that give up when ctx ends: a read
// blocked on a pipe or a terminal does not watch the context by itself,
// so Ctrl-C would wait for the writer. The read that was under way
// finishes into a buffer of its own, never into the caller's.
func (a *app) stdinFor(ctx context.Context) io.Reader {
	return &ctxReader{ctx: ctx, r: a.stdin}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, errInterrupted
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		buf := make([]byte, len(p))
		n, err := c.r.Read(buf)
		done <- result{buf[:n], err}
	}()
	select {
	case res := <-done:
		return copy(p, res.b), res.err
	case <-c.ctx.Done():
		return 0, errInterrupted
	}
}
