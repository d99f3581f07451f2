package store

// A provider file: up to groupSize providers with their tokens and
// metadata, then their histories, encoded and decoded here; the index in
// layout.go says which file holds which provider.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
)

// groupJSON is the plaintext of a provider file: each provider with its
// token, then every history, by provider name, after all of them. A read
// that needs no history (the explorer's list, a token looked up) stops
// before the histories, which are most of the file: encoding/json's cost
// is the bytes it scans, and a history is fifty small objects.
type groupJSON struct {
	Version   int                          `json:"version"`
	Providers []groupEntry                 `json:"providers"`
	History   map[string][]providers.Event `json:"history,omitempty"`
}

// groupEntry is a provider of a provider file, without its history.
type groupEntry struct {
	Provider providers.Provider `json:"provider"`
	Token    *providers.Token   `json:"token,omitempty"`
	// History is where the first files of this layout held it: read,
	// never written.
	History []providers.Event `json:"history,omitempty"`
	// Metadata is the provider's issuer metadata, small enough to come
	// with the provider.
	Metadata *providers.Metadata `json:"metadata,omitempty"`
}

// encodedHistory is a provider's history as a save last wrote it: the
// events and their JSON. A save re-encodes only a history whose events
// are no longer these: encoding fifty events for each of a file's
// providers is most of the cost of saving one token.
type encodedHistory struct {
	events []providers.Event
	raw    json.RawMessage
}

// encodeGroup is the plaintext of a provider file holding es.
func encodeGroup(es []Entry) ([]byte, error) {
	plain, _, err := encodeGroupWith(es, nil)
	return plain, err
}

// encodeGroupWith is encodeGroup reusing the histories of prior that are
// unchanged; it returns the histories as written, for the next save. The
// bytes are groupJSON's through encoding/json: the file without its
// histories, then the key "history" and each history, by name in the
// order encoding/json writes a map's keys, each encoded on its own.
// Handing them to encoding/json as json.RawMessage would cost a scan of
// every history again, about what encoding them costs.
func encodeGroupWith(es []Entry, prior map[string]encodedHistory) ([]byte, map[string]encodedHistory, error) {
	j := groupJSON{Version: SchemaVersion, Providers: make([]groupEntry, len(es))}
	hist := make(map[string]encodedHistory, len(es))
	for i, e := range es {
		j.Providers[i] = groupEntry{Provider: e.Provider, Token: e.Token, Metadata: e.Metadata}
		if len(e.History) == 0 {
			continue
		}
		name := e.Provider.Name
		h, ok := prior[name]
		if !ok || !slices.Equal(h.events, e.History) {
			raw, err := encodeJSON(e.History)
			if err != nil {
				return nil, nil, err
			}
			h = encodedHistory{events: slices.Clone(e.History), raw: bytes.TrimSuffix(raw, []byte("\n"))}
		}
		hist[name] = h
	}
	head, err := encodeJSON(j)
	if err != nil || len(hist) == 0 {
		return head, hist, err
	}
	out, ok := bytes.CutSuffix(head, []byte("}\n"))
	if !ok {
		return nil, nil, errors.New("encode: a provider file's JSON does not end its object")
	}
	out = append(out, `,"history":{`...)
	for i, name := range slices.Sorted(maps.Keys(hist)) {
		key, err := encodeJSON(name)
		if err != nil {
			return nil, nil, err
		}
		if i > 0 {
			out = append(out, ',')
		}
		out = append(append(append(out, bytes.TrimSuffix(key, []byte("\n"))...), ':'), hist[name].raw...)
	}
	return append(out, "}}\n"...), hist, nil
}

func isGroupName(name string) bool {
	digits, ok := strings.CutPrefix(name, groupPrefix)
	if !ok {
		return false
	}
	digits, ok = strings.CutSuffix(digits, groupSuffix)
	return ok && len(digits) == groupDigits && strings.Trim(digits, "0123456789abcdef") == ""
}

func newGroupName() (string, error) {
	b := make([]byte, groupDigits/2)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("name a provider file: %w", err)
	}
	return groupPrefix + hex.EncodeToString(b) + groupSuffix, nil
}

// decodeGroup parses a provider file's plaintext, strictly, histories and
// all: what a save reads before it rewrites the file.
func decodeGroup(text string) ([]Entry, error) {
	var j groupJSON
	if err := decodeStrict(text, &j); err != nil {
		if v := probeVersion(text); v > SchemaVersion {
			return nil, newerSchema(v)
		}
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	es, err := j.entries()
	if err != nil {
		return nil, err
	}
	for name, h := range j.History {
		i := slices.IndexFunc(es, func(e Entry) bool { return e.Provider.Name == name })
		switch {
		case i < 0:
			return nil, fmt.Errorf("%w: a history for %q, which the file does not hold", ErrCorrupt, name)
		case es[i].History != nil:
			return nil, fmt.Errorf("%w: two histories for %q", ErrCorrupt, name)
		}
		es[i].History = h
	}
	return es, nil
}

// decodeGroupHead parses a provider file's plaintext up to the histories:
// the version and the providers with their tokens, strictly, every entry
// without its history. What follows is not read, so a damaged history is
// found by decodeGroup only, which every save reads with: nothing
// decodeGroupHead read is written back. A file it cannot take apart (the
// keys in another order, or anything wrong) it leaves to decodeGroup.
func decodeGroupHead(text string) ([]Entry, error) {
	var j groupJSON
	if !decodeHead(text, &j) {
		return decodeGroup(text)
	}
	return j.entries()
}

// decodeHead decodes the keys of the object text holds into j, strictly,
// until the key "history" after "providers". It reports whether it got
// there without finding anything wrong.
func decodeHead(text string, j *groupJSON) bool {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		key, _ := t.(string)
		if err != nil || seen[key] {
			return false
		}
		seen[key] = true
		var into any
		switch key {
		case "version":
			into = &j.Version
		case "providers":
			into = &j.Providers
		case "history":
			if !seen["providers"] {
				return false
			}
			_, dup := duplicateKey(text[:dec.InputOffset()])
			return !dup
		default:
			return false
		}
		if err := dec.Decode(into); err != nil {
			return false
		}
	}
	return false // no history: decodeGroup checks the end
}

// groupHead is the start of a provider file, up to its histories: each
// provider with its token as its JSON, undecoded, and its name. A lookup
// of one provider decodes that one only (entry): decoding a file's
// providers is most of what reading one provider costs, and a lookup
// needs only the others' names, to check the file holds what the index
// says it does.
type groupHead struct {
	names []string
	raw   []string
}

// entryStart is how encodeGroup starts every provider: its name first.
const entryStart = `{"provider":{"name":`

// readGroupHead reads a provider file's providers as groupHead, from r,
// its plaintext as it is decrypted, up to the key "history": what follows,
// most of the file, is neither read nor decrypted. ok is false for a file
// it cannot take apart so, as tokenscope writes it (the keys in another
// order, another schema version, a key twice, a provider without a name or
// twice, anything wrong): readGroups reads it, and says what is wrong.
func readGroupHead(r io.Reader) (h groupHead, ok bool) {
	dec := json.NewDecoder(r)
	var version int
	for _, step := range []any{json.Delim('{'), "version", &version, "providers", json.Delim('[')} {
		if p, ok := step.(*int); ok {
			if dec.Decode(p) != nil {
				return h, false
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != step {
			return h, false
		}
	}
	if version != SchemaVersion {
		return h, false
	}
	seen := map[string]bool{}
	for dec.More() {
		var b json.RawMessage
		if dec.Decode(&b) != nil {
			return h, false
		}
		raw := string(b)
		rest, ok := strings.CutPrefix(raw, entryStart)
		var name string
		if !ok || json.NewDecoder(strings.NewReader(rest)).Decode(&name) != nil || name == "" || seen[name] {
			return h, false
		}
		if _, dup := duplicateKey(raw); dup {
			return h, false
		}
		seen[name] = true
		h.names, h.raw = append(h.names, name), append(h.raw, raw)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim(']') {
		return h, false
	}
	switch t, err := dec.Token(); {
	case err == nil && t == "history":
		return h, true
	case err == nil && t == json.Delim('}'):
		// No history: the file ends here, and nothing may follow.
		_, err := dec.Token()
		return h, err == io.EOF
	}
	return h, false
}

// entry decodes the named provider of h, strictly, as decodeGroupHead
// would; ok is false when h does not hold it, or it does not decode.
func (h *groupHead) entry(name string) (Entry, bool) {
	for i, n := range h.names {
		if n != name {
			continue
		}
		var e groupEntry
		if decodeStrict(h.raw[i], &e) != nil || e.Provider.Name != name {
			return Entry{}, false
		}
		return Entry(e), true
	}
	return Entry{}, false
}

// entries checks j's version and providers and returns them as entries,
// with only the histories held the first way.
func (j *groupJSON) entries() ([]Entry, error) {
	if j.Version > SchemaVersion {
		return nil, newerSchema(j.Version)
	}
	if j.Version != SchemaVersion {
		return nil, fmt.Errorf("%w: missing or invalid schema version %d", ErrCorrupt, j.Version)
	}
	es := make([]Entry, len(j.Providers))
	for i, e := range j.Providers {
		es[i] = Entry(e) // the same fields
	}
	p := Payload{Providers: es}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return es, nil
}
