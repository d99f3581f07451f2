package display

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Quoted escapes, in JSON or TOML text b, what a terminal must not get raw
// but encoding/json and the TOML encoder leave as it is: DEL, C1 controls,
// format characters (zero-width ones, tags),
// bidi controls and U+2028/U+2029, each as \uXXXX, and a byte that is not
// UTF-8 as \ufffd, which is what a JSON decoder reads it as. Both formats
// allow such runes only inside double-quoted strings, where \uXXXX means
// the same rune, so the text still decodes to the same values. b is
// returned as it is when nothing needs escaping. A rune past U+FFFF (the
// invisible tags U+E0000–U+E007F) is written as a UTF-16 surrogate pair,
// as JSON spells it; TOML text takes QuotedTOML.
func Quoted(b []byte) []byte { return quoted(b, false) }

// QuotedTOML is Quoted for TOML text, which spells a rune past U+FFFF as
// \UXXXXXXXX and has no surrogate pairs.
func QuotedTOML(b []byte) []byte { return quoted(b, true) }

func quoted(b []byte, toml bool) []byte {
	i := firstUnsafeQuoted(b)
	if i < 0 {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	out = append(out, b[:i]...)
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, `\ufffd`...)
		case unsafeQuoted(r) && r > 0xffff && toml:
			out = appendHex(append(out, '\\', 'U'), r, 8)
		case unsafeQuoted(r) && r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			out = appendHex(append(out, '\\', 'u'), r1, 4)
			out = appendHex(append(out, '\\', 'u'), r2, 4)
		case unsafeQuoted(r):
			out = appendHex(append(out, '\\', 'u'), r, 4)
		default:
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

func firstUnsafeQuoted(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf && b[i] != 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 || unsafeQuoted(r) {
			return i
		}
		i += n
	}
	return -1
}

// unsafeQuoted reports whether r must be escaped in quoted text. Controls
// below 0x20 are not listed: both encoders escape them already, and a raw
// one would not be valid in either format.
func unsafeQuoted(r rune) bool {
	return r == 0x7f || unsafeRune(r)
}

// appendHex writes r as n hexadecimal digits.
func appendHex(out []byte, r rune, n int) []byte {
	for shift := 4 * (n - 1); shift >= 0; shift -= 4 {
		out = append(out, hexDigits[(r>>shift)&0xf])
	}
	return out
}
