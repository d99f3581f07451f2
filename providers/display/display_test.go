package display

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "invalid_grant", "invalid_grant"},
		{"unicode letters", "Ærøskøbing ключ 鍵", "Ærøskøbing ключ 鍵"},
		{"csi clear", "a\x1b[2Jb", `a\x1b[2Jb`},
		{"osc 52", "\x1b]52;c;SGVsbG8=\x07", `\x1b]52;c;SGVsbG8=\x07`},
		{"osc 8", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", `\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\`},
		{"bel", "ding\a", `ding\x07`},
		{"newline tab cr", "a\nb\tc\rd", `a\nb\tc\rd`},
		{"nul del", "\x00\x7f", `\x00\x7f`},
		{"c1 csi", "x\u009b2J", `x\u009b2J`},
		{"c1 first last", "\u0080\u009f", `\u0080\u009f`},
		{"rlo", "abc\u202edef", `abc\u202edef`},
		{"bidi all", "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069", `\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069`},
		{"separators", "a\u2028b\u2029c", `a\u2028b\u2029c`},
		{"invalid utf8", "a\xffb\xc2", `a\xffb\xc2`},
		{"stray c1 byte", "\x9b", `\x9b`},
		{"backslash", `C:\x1b`, `C:\\x1b`},
		{"nbsp kept", "a\u00a0b", "a\u00a0b"},
		{"zero width", "a\u200bb\u200cc\u200dd", `a\u200bb\u200cc\u200dd`},
		{"word joiner and invisibles", "\u2060\u2061\u2062\u2063\u2064", `\u2060\u2061\u2062\u2063\u2064`},
		{"bom", "\ufeffkey", `\ufeffkey`},
		{"mongolian vowel separator", "a\u180eb", `a\u180eb`},
		{"soft hyphen", "ad\u00admin", `ad\u00admin`},
		{"tags", "a\U000e0001\U000e0041\U000e007f", `a\U000e0001\U000e0041\U000e007f`},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Text(tc.in); got != tc.want {
				t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if Safe(tc.in) != (tc.in == tc.want) {
				t.Errorf("Safe(%q) = %v", tc.in, Safe(tc.in))
			}
		})
	}
}

func TestBlock(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"clean lines", "HTTP/1.1 200 OK\r\nContent-Type: x\r\n\r\n{}", "HTTP/1.1 200 OK\r\nContent-Type: x\r\n\r\n{}"},
		{"escape per line", "<h1>\x1b]52;c;SGVsbG8=\x07</h1>\n\u202etail\n", "<h1>\\x1b]52;c;SGVsbG8=\\x07</h1>\n\\u202etail\n"},
		{"lone cr", "safe\rEVIL", `safe\rEVIL`},
		{"cr before lf kept", "a\r\n\x1b", "a\r\n\\x1b"},
		{"tab escaped", "a\tb\n", "a\\tb\n"},
		{"ends with cr", "a\n\r", "a\n\\r"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Block(tc.in); got != tc.want {
				t.Errorf("Block(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTextCleanDoesNotAllocate(t *testing.T) {
	s := "Bearer eyJhbGciOiJSUzI1NiJ9 · ключ 鍵 — scope openid profile"
	blk := s + "\r\n" + s
	if n := testing.AllocsPerRun(100, func() { _ = Text(s); _ = Block(blk) }); n != 0 {
		t.Errorf("clean text allocated %v times, want 0", n)
	}
}

// checkShown fails t if out could still drive a terminal.
func checkShown(t *testing.T, in, out string, keepLF bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%q: output %q is not valid UTF-8", in, out)
	}
	for i, r := range out {
		switch {
		case r == '\n' && keepLF:
		case r == '\r' && keepLF && strings.HasPrefix(out[i:], "\r\n"):
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
			t.Fatalf("%q: control %U survives in %q", in, r, out)
		case unicode.Is(unicode.Bidi_Control, r), unicode.Is(unicode.Cf, r), r == '\u2028', r == '\u2029':
			t.Fatalf("%q: %U survives in %q", in, r, out)
		}
	}
}

func FuzzDisplayText(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\x1b]52;c;SGVsbG8=\x07", "\u009b", "\u202e", "\xff\xfe", `\x1b`, "a\r\nb\rc", "é\u2066", "\u200b\ufeff\U000e0041"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Text(s)
		checkShown(t, s, out, false)
		if strings.ContainsAny(out, "\r\n") {
			t.Fatalf("%q: line break in one-line output %q", s, out)
		}
		// Clean text is left alone, and the output is always clean,
		// so showing it again changes nothing more than its backslashes.
		if Safe(s) != (out == s) {
			t.Fatalf("Safe(%q) disagrees with Text", s)
		}
		if again := Text(out); again != strings.ReplaceAll(out, `\`, `\\`) {
			t.Fatalf("Text(Text(%q)) = %q: escaped output still held something to escape", s, again)
		}
		// Escaping only lengthens, and the plain characters of s remain in order.
		if len(out) < len(s) {
			t.Fatalf("%q: output %q is shorter", s, out)
		}

		blk := Block(s)
		checkShown(t, s, blk, true)
		if strings.Count(blk, "\n") != strings.Count(s, "\n") {
			t.Fatalf("Block(%q) = %q changed the number of lines", s, blk)
		}
		if !strings.ContainsAny(s, "\n") && blk != out {
			t.Fatalf("Block(%q) = %q, Text gives %q", s, blk, out)
		}
	})
}

func TestJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`"plain"`, `"plain"`},
		{`"sub\u001b[2J"`, `"sub\x1b[2J"`},
		{`"a\"b"`, `"a"b"`},
		{`"rlo\u202e"`, `"rlo\u202e"`},
		{`1700000000`, `1700000000`},
		{`{"a":"\u001b"}`, `{"a":"\\u001b"}`},
		{`"broken`, `"broken`},
	} {
		if got := JSON(tc.in); got != tc.want {
			t.Errorf("JSON(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
