// Package browser opens a URL in the person's web browser, as
// github.com/cli/browser does: $BROWSER first, else the system's opener.
// The command line's login and the explorer's sign-in pane share it.
package browser

import (
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strings"
)

// ErrNoDisplay is why no browser is opened on a machine without a
// display (an SSH session): the URL shown is all there is to do.
var ErrNoDisplay = errors.New("no display to open a browser on")

// Open opens u with $BROWSER when it is set (its words, the URL added, or
// put where %s stands), else with the system's opener: open on macOS,
// rundll32 on Windows, xdg-open elsewhere, and only with a display
// (DISPLAY or WAYLAND_DISPLAY). getenv reads the environment. It does not
// wait for the browser, and the opener's output is dropped.
func Open(getenv func(string) string, u string) error {
	argv := Command(getenv, runtime.GOOS, u)
	if argv == nil {
		return ErrNoDisplay
	}
	c := exec.Command(argv[0], argv[1:]...)
	if err := c.Start(); err != nil {
		return fmt.Errorf("open a browser with %s: %w", argv[0], err)
	}
	go func() { _ = c.Wait() }()
	return nil
}

// Command is the command line Open runs for u on the system goos, nil
// when there is no display to open a browser on.
func Command(getenv func(string) string, goos, u string) []string {
	if b := strings.Fields(getenv("BROWSER")); len(b) > 0 {
		for i, w := range b {
			if w == "%s" {
				b[i] = u
				return b
			}
		}
		return append(b, u)
	}
	switch goos {
	case "darwin":
		return []string{"open", u}
	case "windows":
		return []string{"rundll32", "url.dll,FileProtocolHandler", u}
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return nil
	}
	return []string{"xdg-open", u}
}
