package store

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// errFallback stops the fast decoder: the input is left to encoding/json,
// which either accepts it or says precisely what is wrong. It carries no
// text because it never reaches a user.
var errFallback = errors.New("fast decoder: fall back")

// fastDecode parses the JSON that marshalPayload writes. It accepts only
// what it is sure encoding/json would decode to the same value with
// DisallowUnknownFields: exact-case known keys, each at most once, no
// nulls, integers without fraction or exponent, strings that are valid
// UTF-8 (escaped ones are unquoted by encoding/json itself), and times
// through time.Time's own UnmarshalJSON. Anything else returns errFallback.
// FuzzDecodePayload checks that every input it accepts decodes the same.
func fastDecode(text string, n int) (p *Payload, err error) {
	return fastDecodeSplit(text, n, parallelMin)
}

// parallelMin is the size of input past which the providers array is
// decoded in parts concurrently.
const parallelMin = 256 << 10

// fastDecodeSplit is fastDecode splitting the providers array into
// concurrent parts when the input is at least splitMin bytes long (tests
// pass 1 to split small inputs).
func fastDecodeSplit(text string, n, splitMin int) (p *Payload, err error) {
	d := decoder{data: text, splitMin: splitMin}
	p = new(Payload)
	d.object(func(key string) {
		switch key {
		case "version":
			p.Version = int(d.int())
		case "theme":
			p.Theme = d.str()
		case "settings":
			d.object(func(key string) {
				switch key {
				case "clipboard_clear":
					p.Settings.ClipboardClear = time.Duration(d.int())
				case "clipboard_clear_off":
					p.Settings.ClipboardClearOff = d.bool()
				default:
					d.fail()
				}
			})
		case "providers":
			p.Providers = d.entries(n)
		default:
			d.fail()
		}
	})
	d.ws()
	if d.err != nil || d.pos != len(d.data) {
		return nil, errFallback
	}
	return p, nil
}

// decoder reads a string: every unescaped string value is a substring of
// it, so decoding allocates nothing per string.
type decoder struct {
	data     string
	pos      int
	err      error
	splitMin int
}

func (d *decoder) fail() {
	d.err = errFallback
	d.pos = len(d.data)
}

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// next skips whitespace and consumes c, or fails.
func (d *decoder) next(c byte) bool {
	d.ws()
	if d.err != nil || d.pos >= len(d.data) || d.data[d.pos] != c {
		d.fail()
		return false
	}
	d.pos++
	return true
}

// peek skips whitespace and reports whether c comes next, consuming it.
func (d *decoder) peek(c byte) bool {
	d.ws()
	if d.err == nil && d.pos < len(d.data) && d.data[d.pos] == c {
		d.pos++
		return true
	}
	return false
}

// object calls field for each key, the decoder positioned at its value.
// A key seen twice fails: encoding/json would merge or overwrite, and the
// strict decoder refuses it. The keys seen are a short list while the
// object is small, a set once it is not: a provider may hold thousands of
// headers, and comparing each with every other made opening the vault
// quadratic in them.
func (d *decoder) object(field func(key string)) {
	if !d.next('{') || d.peek('}') {
		return
	}
	var buf [16]string
	seen := buf[:0]
	var set map[string]struct{}
	for d.err == nil {
		key := d.str()
		if set == nil {
			if slices.Contains(seen, key) {
				d.fail()
				return
			}
			if seen = append(seen, key); len(seen) == cap(buf) {
				set = make(map[string]struct{}, 4*len(seen))
				for _, k := range seen {
					set[k] = struct{}{}
				}
			}
		} else {
			if _, dup := set[key]; dup {
				d.fail()
				return
			}
			set[key] = struct{}{}
		}
		if !d.next(':') {
			return
		}
		field(key)
		if d.peek('}') {
			return
		}
		d.next(',')
	}
}

func (d *decoder) array(elem func()) {
	if !d.next('[') || d.peek(']') {
		return
	}
	for d.err == nil {
		elem()
		if d.peek(']') {
			return
		}
		d.next(',')
	}
}

// quoted finds the next string literal: data[start:end] is its body,
// without the quotes. escaped reports a backslash in it.
func (d *decoder) quoted() (start, end int, escaped bool) {
	if !d.next('"') {
		return 0, 0, false
	}
	start = d.pos
	n := strings.IndexByte(d.data[start:], '"')
	for n >= 0 {
		// A quote after an odd run of backslashes is escaped.
		bs := 0
		for i := start + n - 1; i >= start && d.data[i] == '\\'; i-- {
			bs++
		}
		if bs%2 == 0 {
			break
		}
		next := strings.IndexByte(d.data[start+n+1:], '"')
		if next < 0 {
			n = -1
			break
		}
		n += 1 + next
	}
	if n < 0 {
		d.fail()
		return 0, 0, false
	}
	end = start + n
	d.pos = end + 1
	body := d.data[start:end]
	if !printableASCII(body) {
		for _, c := range body {
			if c < 0x20 {
				d.fail()
				return 0, 0, false
			}
		}
		if !utf8.ValidString(body) {
			d.fail() // encoding/json replaces invalid bytes; let it
			return 0, 0, false
		}
	}
	return start, end, strings.IndexByte(body, '\\') >= 0
}

// printableASCII reports whether every byte of b is in 0x20..0x7f, eight
// at a time: tokens and secrets are long and almost always ASCII.
func printableASCII(b string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for len(b) >= 8 {
		x := load64(b)
		// A high bit set in x, or in (x - 0x20 per byte) where x had none,
		// means a byte >= 0x80 or < 0x20.
		if (x|(x-0x20*ones))&highs != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c < 0x20 || c >= 0x80 {
			return false
		}
	}
	return true
}

// str returns the next string. Unescaped ones are substrings of one copy
// of the whole input, so decoding allocates once for all of them; escaped
// ones are unquoted by encoding/json itself.
func (d *decoder) str() string {
	start, end, escaped := d.quoted()
	if d.err != nil {
		return ""
	}
	if !escaped {
		return d.data[start:end]
	}
	var s string
	if json.Unmarshal([]byte(d.data[start-1:end+1]), &s) != nil {
		d.fail()
	}
	return s
}

func (d *decoder) int() int64 {
	d.ws()
	start := d.pos
	if d.pos < len(d.data) && d.data[d.pos] == '-' {
		d.pos++
	}
	digits := d.pos
	for d.pos < len(d.data) && '0' <= d.data[d.pos] && d.data[d.pos] <= '9' {
		d.pos++
	}
	n := d.pos - digits
	if d.err != nil || n == 0 || (n > 1 && d.data[digits] == '0') {
		d.fail()
		return 0
	}
	v, err := strconv.ParseInt(d.data[start:d.pos], 10, 64)
	if err != nil {
		d.fail()
	}
	return v
}

func (d *decoder) bool() bool {
	d.ws()
	switch {
	case strings.HasPrefix(d.data[d.pos:], "true"):
		d.pos += 4
		return true
	case strings.HasPrefix(d.data[d.pos:], "false"):
		d.pos += 5
		return false
	}
	d.fail()
	return false
}

func (d *decoder) time() time.Time {
	start, end, escaped := d.quoted()
	var t time.Time
	if d.err == nil && (escaped || t.UnmarshalJSON([]byte(d.data[start-1:end+1])) != nil) {
		d.fail()
	}
	return t
}
