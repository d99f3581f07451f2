package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"unicode"
	"unicode/utf8"
)

// writeJSON writes v as indented JSON for every --json output. Beyond what
// encoding/json escapes (controls below 0x20, U+2028, U+2029), a server's
// text may carry DEL, C1 controls (U+009B is a CSI on many terminals) and
// bidi controls, and a raw JSON value from a token response is copied as
// the server sent it. Those are written as \u escapes, so the output is
// safe on a terminal and still decodes to the same values.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeJSON(buf.Bytes()))
	return err
}

// escapeJSON escapes DEL, C1, bidi controls and invalid UTF-8 (as U+FFFD,
// which is what a decoder reads it as) in valid JSON text b. In valid JSON
// such runes can stand only inside strings, where \uXXXX means the same.
func escapeJSON(b []byte) []byte {
	i := firstUnsafeJSON(b)
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
		case unsafeJSONRune(r):
			out = append(out, '\\', 'u')
			for shift := 12; shift >= 0; shift -= 4 {
				out = append(out, "0123456789abcdef"[(r>>shift)&0xf])
			}
		default:
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

func firstUnsafeJSON(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 || unsafeJSONRune(r) {
			return i
		}
		i += n
	}
	return -1
}

func unsafeJSONRune(r rune) bool {
	return r == 0x7f || r >= 0x80 && r <= 0x9f || unicode.Is(unicode.Bidi_Control, r)
}
