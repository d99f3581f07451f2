// Package display makes outside text safe to put on a terminal, and
// writes durations and times in the program's one convention ([Duration],
// [Relative], [Time]).
//
// A token server controls error texts, token types, scopes, extra fields
// and the claims of a JWT; an import file controls provider names and
// every field. Any of them may carry escape sequences (CSI, OSC 52 that
// writes the clipboard, OSC 8 links), C1 controls that some terminals
// take as CSI, or bidi controls that reorder what the user reads. Every
// place that shows such text passes it through [Text] or [Block] first,
// the way OpenSSH's utf8.c does for what it prints. The text itself is
// kept as received; only what is shown is changed. Output that must stay
// machine-readable (--json, an exported providers file) goes through
// [Quoted] instead, which escapes in the format's own syntax.
//
// The rendering is visible and unambiguous, not silent: ESC becomes
// `\x1b`, U+202E becomes `\u202e`, a byte that is not UTF-8 becomes
// `\xff`, and a backslash becomes `\\`, so the user sees what the server
// sent and no two different inputs look alike.
package display

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Text returns s ready to show on one line: every control character
// (C0 including newline and tab, DEL, C1), every bidi control and other
// format character (Unicode Cf: U+200B, U+FEFF, tags as \U000e0041), the
// line and paragraph separators U+2028 and U+2029, and every byte that is not
// valid UTF-8 are written as escapes, and a backslash is doubled. C0 and
// DEL become \xHH (\n, \r and \t for the common three), a byte that is
// not UTF-8 \xHH, and a rune \uHHHH, so U+009B and the stray byte 0x9b
// stay distinguishable. A
// string that needs none of this is returned as it is, without
// allocating, since Text runs in View on every frame.
func Text(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	appendEscaped(&b, s[i:])
	return b.String()
}

// Block returns s ready to show as several lines, for bodies such as a
// --trace dump or an HTML error page: line breaks (LF, and CRLF as one)
// are kept, and each line is made safe as by [Text]. A lone CR is
// escaped, because it would return the cursor and let a line overwrite
// what came before it.
func Block(s string) string {
	i := firstUnsafeBlock(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	rest := s[i:]
	for {
		j := strings.IndexByte(rest, '\n')
		if j < 0 {
			appendEscaped(&b, rest)
			break
		}
		line := rest[:j]
		eol := "\n"
		if strings.HasSuffix(line, "\r") {
			line, eol = line[:len(line)-1], "\r\n"
		}
		appendEscaped(&b, line)
		b.WriteString(eol)
		rest = rest[j+1:]
	}
	return b.String()
}

// Safe reports whether Text would return s unchanged.
func Safe(s string) bool { return firstUnsafe(s) < 0 }

// firstUnsafe returns the index of the first byte of s that Text must
// change, or -1. Plain printable ASCII, the common case, is one
// comparison per byte.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f || c == '\\' {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || unsafeRune(r) {
			return i
		}
		i += n
	}
	return -1
}

// firstUnsafeBlock is firstUnsafe that lets LF and CRLF through.
func firstUnsafeBlock(s string) int {
	for at := 0; at < len(s); {
		i := firstUnsafe(s[at:])
		if i < 0 {
			return -1
		}
		i += at
		switch {
		case s[i] == '\n':
			at = i + 1
		case s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n':
			at = i + 2
		default:
			return i
		}
	}
	return -1
}

// unsafeRune reports whether r, a valid non-ASCII rune, must be escaped.
func unsafeRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f ||
		r == '\u2028' || r == '\u2029' ||
		unicode.Is(unicode.Bidi_Control, r) ||
		// Format characters (zero-width spaces and joiners, the BOM, the
		// Mongolian vowel separator, tags): invisible, they hide what is
		// there or make two different texts look alike.
		unicode.Is(unicode.Cf, r)
}

// appendEscaped writes s to b with every unsafe byte or rune escaped.
func appendEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\\':
				b.WriteString(`\\`)
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20 || c == 0x7f:
				writeHexByte(b, c)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			writeHexByte(b, c)
		case unsafeRune(r):
			// By code point, so a C1 control, \u009b, never looks
			// like the invalid byte \x9b; past the BMP as \U and eight
			// digits (a tag, \U000e0041).
			top := 12
			if r > 0xffff {
				b.WriteString(`\U`)
				top = 28
			} else {
				b.WriteString(`\u`)
			}
			for shift := top; shift >= 0; shift -= 4 {
				b.WriteByte(hexDigits[(r>>shift)&0xf])
			}
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
}

func writeHexByte(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0xf])
}

// JSON returns the JSON text of one value ready to show on one line: a
// string is decoded and shown in quotes through [Text], so that an escape
// the JSON held (\u001b) is shown once, as \x1b, not as \\u001b; any other
// value is shown through Text as it is.
func JSON(text string) string {
	if len(text) >= 2 && text[0] == '"' {
		var s string
		if json.Unmarshal([]byte(text), &s) == nil {
			return `"` + Text(s) + `"`
		}
	}
	return Text(text)
}
