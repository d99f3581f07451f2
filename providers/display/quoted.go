package display

import (
	"unicode/utf8"
)

// Quoted escapes, in JSON or TOML text b, what a terminal must not get raw
// but encoding/json and the TOML encoder leave as it is: DEL, C1 controls,
// bidi controls and U+2028/U+2029, each as \uXXXX, and a byte that is not
// UTF-8 as \ufffd, which is what a JSON decoder reads it as. Both formats
// allow such runes only inside double-quoted strings, where \uXXXX means
// the same rune, so the text still decodes to the same values. b is
// returned as it is when nothing needs escaping.
func Quoted(b []byte) []byte {
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
		case unsafeQuoted(r):
			out = append(out, '\\', 'u')
			for shift := 12; shift >= 0; shift -= 4 {
				out = append(out, hexDigits[(r>>shift)&0xf])
			}
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
