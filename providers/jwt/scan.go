package jwt

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/tokenscope/tokenscope/providers/internal/jsontext"
)

// scanMembers lists the members of the JSON object b in order, each value
// as its JSON text. b must already be valid JSON (decodeObject checks it
// with encoding/json), so the scanner only finds boundaries. A member name
// that appears twice is listed twice: the display should show what the
// token really holds, while the map keeps the last, as encoding/json does.
func scanMembers(b []byte, n int) []Field {
	fields := make([]Field, 0, n)
	i := jsontext.SkipSpace(b, 1) // past '{'
	for i < len(b) && b[i] != '}' {
		if b[i] == ',' {
			i = jsontext.SkipSpace(b, i+1)
			continue
		}
		kend := jsontext.StringEnd(b, i)
		key := decodeKey(b[i:kend])
		i = jsontext.SkipSpace(b, kend) // at ':'
		i = jsontext.SkipSpace(b, i+1)
		vend := jsontext.ValueEnd(b, i)
		fields = append(fields, Field{Key: key, Value: valueText(string(b[i:vend]))})
		i = jsontext.SkipSpace(b, vend)
	}
	return fields
}

// decodeKey unquotes a member name, taking the fast path when it holds
// neither escapes nor non-ASCII bytes.
func decodeKey(q []byte) string {
	plain := len(q) >= 2
	for _, c := range q[1 : len(q)-1] {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(q[1 : len(q)-1])
	}
	var s string
	if err := json.Unmarshal(q, &s); err != nil {
		return string(q)
	}
	return s
}

// valueText returns a value's JSON text on one line: objects and arrays
// laid out over several lines in the token are compacted.
func valueText(v string) string {
	if len(v) > 0 && (v[0] == '{' || v[0] == '[') && (strings.IndexByte(v, '\n') >= 0 || strings.IndexByte(v, '\r') >= 0 || strings.IndexByte(v, '\t') >= 0) {
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(v)) == nil {
			return buf.String()
		}
	}
	return v
}
