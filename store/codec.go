package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Every file of the store is JSON through encoding/json: no codec of our
// own. Reading is strict, so that a file this build does not fully
// understand is refused rather than rewritten without what it did not
// know: unknown keys, a key twice in one object, and anything after the
// value are errors.

// encodeJSON is json.Marshal without HTML escaping: the files are never
// embedded in HTML, and escaping makes each <, > and & in a server's text
// six bytes, multiplying what a padded answer costs the size limit.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil // with a final newline, as a text file
}

// decodeStrict parses text, one JSON object, into v.
func decodeStrict(text string, v any) error {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	if key, ok := duplicateKey(text); ok {
		return fmt.Errorf("the key %q appears twice in one object", key)
	}
	return nil
}

// probeVersion reads only the version key, leniently, to tell the file's
// schema before the strict decode, or "from a newer tokenscope" apart from
// "damaged" after it failed.
func probeVersion(text string) int {
	var probe struct {
		Version int `json:"version"`
	}
	// The first value only: trailing data is the strict decode's to report.
	if json.NewDecoder(strings.NewReader(text)).Decode(&probe) != nil {
		return 0
	}
	return probe.Version
}

func newerSchema(v int) error {
	return fmt.Errorf("%w: schema version %d, this tokenscope knows up to %d", ErrUnsupported, v, SchemaVersion)
}

// duplicateKey finds a key that appears twice in one object of text,
// which encoding/json has already accepted: it would have silently kept
// the last (or merged), so a file holding one is not what tokenscope
// wrote. One pass over the bytes, linear in the text: a string is a key
// when it comes first in an object or after a comma in one. An object's
// keys are a short list while it is small, a set once it is not (a
// provider may hold thousands of headers). json.Decoder.Token would do
// the walk too, at several times the cost of the decode itself.
func duplicateKey(text string) (string, bool) {
	type frame struct {
		object, wantKey bool
		keys            []string
		set             map[string]struct{}
	}
	var stack []frame
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case '{', '[':
			if n := len(stack); n < cap(stack) {
				// Reuse the popped frame's list: most objects are small.
				stack = stack[:n+1]
				stack[n] = frame{object: c == '{', wantKey: c == '{', keys: stack[n].keys[:0]}
			} else {
				stack = append(stack, frame{object: c == '{', wantKey: c == '{'})
			}
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
		case '"':
			start := i
			for i++; text[i] != '"'; i++ {
				if text[i] == '\\' {
					i++
				}
			}
			top := &stack[len(stack)-1]
			if !top.object || !top.wantKey {
				continue
			}
			top.wantKey = false
			key := text[start+1 : i]
			if strings.IndexByte(key, '\\') >= 0 {
				_ = json.Unmarshal([]byte(text[start:i+1]), &key) // "\u0061" is "a"
			}
			if top.set == nil {
				if slices.Contains(top.keys, key) {
					return key, true
				}
				if top.keys = append(top.keys, key); len(top.keys) > 16 {
					top.set = make(map[string]struct{}, 4*len(top.keys))
					for _, k := range top.keys {
						top.set[k] = struct{}{}
					}
				}
				continue
			}
			if _, dup := top.set[key]; dup {
				return key, true
			}
			top.set[key] = struct{}{}
		}
	}
	return "", false
}

// jsonError keeps a decode error's position and field but never the
// offending value, which could be a secret.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		kind, _, _ := strings.Cut(typ.Value, " ") // "number 42": keep "number"
		return fmt.Errorf("field %q has the wrong type (%s, want %s)", typ.Field, kind, typ.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated JSON")
	}
	var tpe *time.ParseError
	if errors.As(err, &tpe) {
		// It quotes the text it could not parse, which in a damaged or
		// edited file could be anything.
		return errors.New("a time field holds something that is not an RFC 3339 time")
	}
	// Unknown fields: the decoder names the key ("json: unknown field
	// \"x\""), never a value.
	return err
}
