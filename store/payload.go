package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// SchemaVersion is the payload schema this build writes. A vault with a
// higher version is refused (ErrUnsupported) rather than rewritten without
// the fields this build does not know.
const SchemaVersion = 1

// MaxHistory is how many events each provider keeps, newest last.
const MaxHistory = 50

// DefaultClipboardClear is how long a copied secret stays on the clipboard
// when Settings.ClipboardClear is zero.
const DefaultClipboardClear = 30 * time.Second

// Payload is everything the vault holds, the plaintext of vault.age.
type Payload struct {
	// Version is the schema version, SchemaVersion when written.
	Version   int      `json:"version"`
	Theme     string   `json:"theme,omitempty"`
	Settings  Settings `json:"settings"`
	Providers []Entry  `json:"providers"`
}

// Settings are the user's preferences.
type Settings struct {
	// ClipboardClear is how long a copied secret stays on the clipboard;
	// zero means DefaultClipboardClear.
	ClipboardClear time.Duration `json:"clipboard_clear,omitempty"`
	// ClipboardClearOff leaves copied secrets on the clipboard.
	ClipboardClearOff bool `json:"clipboard_clear_off,omitempty"`
}

// ClipboardClearAfter is how long to wait before clearing the clipboard, or
// zero when clearing is off.
func (s Settings) ClipboardClearAfter() time.Duration {
	switch {
	case s.ClipboardClearOff:
		return 0
	case s.ClipboardClear <= 0:
		return DefaultClipboardClear
	}
	return s.ClipboardClear
}

// Entry is one provider with its current token (nil when it has none) and
// its last MaxHistory events.
type Entry struct {
	Provider providers.Provider `json:"provider"`
	Token    *providers.Token   `json:"token,omitempty"`
	History  []providers.Event  `json:"history,omitempty"`
}

// Find returns the index of the named provider, or -1.
func (p *Payload) Find(name string) int {
	for i := range p.Providers {
		if p.Providers[i].Provider.Name == name {
			return i
		}
	}
	return -1
}

// Names returns the provider names in stored order.
func (p *Payload) Names() []string {
	names := make([]string, len(p.Providers))
	for i := range p.Providers {
		names[i] = p.Providers[i].Provider.Name
	}
	return names
}

// prepare readies p to be written: refuses ambiguity, caps the history,
// stamps the schema version.
func (p *Payload) prepare() error {
	if err := p.check(); err != nil {
		return err
	}
	for i := range p.Providers {
		p.Providers[i].History = capHistory(p.Providers[i].History)
	}
	p.Version = SchemaVersion
	return nil
}

// DecodePayload parses the plaintext of vault.age strictly: unknown keys,
// trailing data, a missing or newer schema version, and duplicate or empty
// provider names are all errors, so a file this build does not fully
// understand is never silently rewritten without its extra fields.
func DecodePayload(data []byte) (*Payload, error) { return decodePayload(string(data), 0) }

// decodePayload is DecodePayload for text, expecting about n providers.
func decodePayload(text string, n int) (*Payload, error) {
	var p *Payload
	err := errFallback
	if fastCodec {
		p, err = fastDecode(text, n)
	}
	if err != nil {
		if p, err = strictDecode(text); err != nil {
			return nil, err
		}
	}
	switch {
	case p.Version > SchemaVersion:
		return nil, newerSchema(p.Version)
	case p.Version < 1:
		return nil, fmt.Errorf("%w: vault payload: missing or invalid schema version %d", ErrCorrupt, p.Version)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("%w: vault payload: %w", ErrCorrupt, err)
	}
	return p, nil
}

// strictDecode is the definition of the payload format: encoding/json with
// unknown keys fatal and nothing after the object.
func strictDecode(text string) (*Payload, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	var p Payload
	if err := dec.Decode(&p); err != nil {
		if v := probeVersion(text); v > SchemaVersion {
			return nil, newerSchema(v)
		}
		return nil, fmt.Errorf("%w: vault payload: %w", ErrCorrupt, jsonError(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: vault payload: trailing data after the JSON object", ErrCorrupt)
	}
	if key, ok := duplicateKey(text); ok {
		return nil, fmt.Errorf("%w: vault payload: the key %q appears twice in one object", ErrCorrupt, key)
	}
	return &p, nil
}

// duplicateKey finds a key that appears twice in one object of text, valid
// JSON: encoding/json would silently keep the last (or merge), so a file
// holding one is not what tokenscope wrote. One pass, a set per open
// object: linear in the text.
func duplicateKey(text string) (string, bool) {
	type frame struct {
		keys    map[string]struct{} // nil for an array
		wantKey bool
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var stack []frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // the end, or an error the decode reports
		}
		if n := len(stack); n > 0 && stack[n-1].keys != nil {
			top := &stack[n-1]
			if top.wantKey {
				if tok == json.Delim('}') {
					stack = stack[:n-1]
					continue
				}
				key, _ := tok.(string)
				if _, dup := top.keys[key]; dup {
					return key, true
				}
				top.keys[key] = struct{}{}
				top.wantKey = false
				continue
			}
			top.wantKey = true // tok is this key's value, or starts it
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{keys: map[string]struct{}{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

func newerSchema(v int) error {
	return fmt.Errorf("%w: vault schema version %d, this tokenscope knows up to %d: upgrade tokenscope", ErrUnsupported, v, SchemaVersion)
}

// probeVersion reads only the version key, leniently, to tell "from a newer
// tokenscope" apart from "damaged" when the strict decode failed.
func probeVersion(text string) int {
	var probe struct {
		Version int `json:"version"`
	}
	if json.Unmarshal([]byte(text), &probe) != nil {
		return 0
	}
	return probe.Version
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
		// edited vault could be anything.
		return errors.New("a time field holds something that is not an RFC 3339 time")
	}
	// Unknown fields: the decoder names the key ("json: unknown field
	// \"x\""), never a value.
	return err
}

// check reports what would make the payload ambiguous.
func (p *Payload) check() error {
	seen := make(map[string]bool, len(p.Providers))
	for i := range p.Providers {
		name := p.Providers[i].Provider.Name
		if name == "" {
			return fmt.Errorf("provider #%d has no name", i+1)
		}
		if seen[name] {
			return fmt.Errorf("provider %q appears twice", name)
		}
		seen[name] = true
	}
	return nil
}

// capHistory keeps the newest MaxHistory events.
func capHistory(h []providers.Event) []providers.Event {
	if len(h) <= MaxHistory {
		return h
	}
	return slices.Clone(h[len(h)-MaxHistory:])
}

// clone deep-copies p so a caller may change the result freely without
// touching the vault's cached copy.
func (p *Payload) clone() *Payload {
	c := *p
	c.Providers = make([]Entry, len(p.Providers))
	for i, e := range p.Providers {
		c.Providers[i] = cloneEntry(e)
	}
	return &c
}
