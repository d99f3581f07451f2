// Package jsontext lists the members of a JSON object in the order the
// text has them, on encoding/json alone: a map forgets the order, and the
// token-response parser, the introspection and userinfo answers and the
// JWT decoder all show what the server wrote, as it wrote it.
package jsontext

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// Member is one member of an object: its name, decoded (a byte that is
// not UTF-8 becomes U+FFFD, as encoding/json reads it), and its value's
// JSON text as written.
type Member struct {
	Key string
	Raw json.RawMessage
}

// Members splits b, exactly one JSON object, into its members, in order.
// A name that appears twice is listed twice. Anything else (not an
// object, invalid or truncated JSON, data after the object) is an error;
// a truncated object is io.ErrUnexpectedEOF.
func Members(b []byte) ([]Member, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return nil, truncated(err)
	}
	if t != json.Delim('{') {
		return nil, errors.New("not an object")
	}
	out := make([]Member, 0, 16)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, truncated(err)
		}
		key, _ := t.(string) // inside an object the decoder gives only names here
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, truncated(err)
		}
		out = append(out, Member{Key: key, Raw: raw})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, truncated(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the object")
	}
	return out, nil
}

// truncated says what a decoder's io.EOF means inside an object: it ended
// too soon.
func truncated(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
