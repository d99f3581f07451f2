package clipboard

import "testing"

func TestOSC52Bytes(t *testing.T) {
	t.Parallel()
	// base64("Bearer abc") = QmVhcmVyIGFiYw==
	const plain = "\x1b]52;c;QmVhcmVyIGFiYw==\a"
	for _, tc := range []struct {
		name string
		env  func(string) string
		want string
	}{
		{"bare terminal", env("TERM", "xterm-256color"), plain},
		{"no environment", nil, plain},
		// tmux: the raw escape for set-clipboard on, then the DCS
		// passthrough for allow-passthrough on, its ESC doubled.
		{"tmux", env("TMUX", "/tmp/tmux-1000/default,42,0", "TERM", "screen-256color"),
			plain + "\x1bPtmux;\x1b\x1b]52;c;QmVhcmVyIGFiYw==\a\x1b\\"},
		{"screen", env("TERM", "screen.xterm-256color"), "\x1bP\x1b]52;c;QmVhcmVyIGFiYw==\a\x1b\\"},
	} {
		if got := Sequence("Bearer abc", tc.env); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestOSC52ScreenChunksLongText(t *testing.T) {
	t.Parallel()
	// screen limits a DCS string, so the base64 is cut into 76-byte chunks.
	long := make([]byte, 120) // 160 base64 bytes: three chunks
	for i := range long {
		long[i] = 'a'
	}
	got := Sequence(string(long), env("TERM", "screen"))
	const cut = "\x1b\\\x1bP"
	n := 0
	for i := 0; i+len(cut) <= len(got); i++ {
		if got[i:i+len(cut)] == cut {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("got %d chunk breaks in %q, want 2", n, got)
	}
}
