package jwt

import (
	"strconv"
	"unicode/utf8"
)

// maxFastDepth bounds the fast decoder's nesting; deeper documents go the
// encoding/json way, which has its own limit.
const maxFastDepth = 512

// fastObject decodes the JSON object s in one pass, building the ordered
// members and the map together, with member names, values' JSON text and
// string values all sharing s's memory. It gives up (ok false) on anything
// uncommon: escapes, invalid UTF-8, deep nesting, a number out of range,
// and any syntax error. The caller then takes the encoding/json path, so
// the results, errors included, are exactly encoding/json's; FuzzFastObject
// holds the two paths to that.
func fastObject(s string) (fields []Field, m map[string]any, ok bool) {
	d := fastDecoder{s: s}
	d.space()
	if !d.next('{') {
		return nil, nil, false
	}
	m = make(map[string]any, 16)
	fields = make([]Field, 0, 16)
	d.space()
	if d.next('}') {
		return fields, m, d.end()
	}
	for {
		d.space()
		key, ok := d.str()
		if !ok {
			return nil, nil, false
		}
		d.space()
		if !d.next(':') {
			return nil, nil, false
		}
		d.space()
		start := d.i
		v, ok := d.value()
		if !ok {
			return nil, nil, false
		}
		fields = append(fields, Field{Key: key, Value: valueText(s[start:d.i])})
		m[key] = v
		d.space()
		if d.next('}') {
			return fields, m, d.end()
		}
		if !d.next(',') {
			return nil, nil, false
		}
	}
}

type fastDecoder struct {
	s     string
	i     int
	depth int
}

func (d *fastDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\r', '\n':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDecoder) next(c byte) bool {
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *fastDecoder) end() bool {
	d.space()
	return d.i == len(d.s)
}

func (d *fastDecoder) value() (any, bool) {
	if d.i >= len(d.s) {
		return nil, false
	}
	switch c := d.s[d.i]; c {
	case '"':
		return d.str()
	case '{', '[':
		if d.depth++; d.depth > maxFastDepth {
			return nil, false
		}
		var v any
		var ok bool
		if c == '{' {
			v, ok = d.object()
		} else {
			v, ok = d.array()
		}
		d.depth--
		return v, ok
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	}
	return d.number()
}

func (d *fastDecoder) literal(text string) bool {
	if len(d.s)-d.i >= len(text) && d.s[d.i:d.i+len(text)] == text {
		d.i += len(text)
		return true
	}
	return false
}

func (d *fastDecoder) object() (any, bool) {
	d.i++ // '{'
	m := map[string]any{}
	d.space()
	if d.next('}') {
		return m, true
	}
	for {
		d.space()
		key, ok := d.str()
		if !ok {
			return nil, false
		}
		d.space()
		if !d.next(':') {
			return nil, false
		}
		d.space()
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		m[key] = v
		d.space()
		if d.next('}') {
			return m, true
		}
		if !d.next(',') {
			return nil, false
		}
	}
}

func (d *fastDecoder) array() (any, bool) {
	d.i++ // '['
	a := []any{}
	d.space()
	if d.next(']') {
		return a, true
	}
	for {
		d.space()
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		a = append(a, v)
		d.space()
		if d.next(']') {
			return a, true
		}
		if !d.next(',') {
			return nil, false
		}
	}
}

// str reads a string without escapes and of valid UTF-8.
func (d *fastDecoder) str() (string, bool) {
	if !d.next('"') {
		return "", false
	}
	start, ascii := d.i, true
	for ; d.i < len(d.s); d.i++ {
		switch c := d.s[d.i]; {
		case c == '"':
			v := d.s[start:d.i]
			d.i++
			return v, ascii || utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

// number reads a number in JSON's grammar as a float64.
func (d *fastDecoder) number() (any, bool) {
	start := d.i
	d.next('-')
	switch {
	case d.next('0'):
	case d.digits() == 0:
		return nil, false
	}
	if d.next('.') && d.digits() == 0 {
		return nil, false
	}
	if d.next('e') || d.next('E') {
		if !d.next('+') {
			d.next('-')
		}
		if d.digits() == 0 {
			return nil, false
		}
	}
	f, err := strconv.ParseFloat(d.s[start:d.i], 64)
	return f, err == nil
}

func (d *fastDecoder) digits() int {
	n := 0
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
		n++
	}
	return n
}
