package store

import (
	"fmt"
	"slices"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// SchemaVersion is the schema this build writes into every file of the
// store. A file with a higher version is refused (ErrUnsupported) rather
// than rewritten without the fields this build does not know. Version 1
// was the whole payload in vault.age; a vault of that layout is migrated
// when it is opened.
const SchemaVersion = 2

// MaxHistory is how many events each provider keeps, newest last.
const MaxHistory = 50

// DefaultClipboardClear is how long a copied secret stays on the clipboard
// when Settings.ClipboardClear is zero.
const DefaultClipboardClear = 30 * time.Second

// Payload is everything the vault holds: the settings, and every provider
// in the user's order. It is what Load returns and Update changes; on disk
// it is spread over vault.age and the provider files (layout.go), and in
// schema version 1 it was vault.age's whole plaintext.
type Payload struct {
	// Version is the schema version: SchemaVersion.
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

// Entry is one provider as the store holds it: its token, its last
// MaxHistory events and its issuer's metadata. It is the domain's type,
// named here too as the entries of a Payload.
type Entry = providers.Entry

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

// decodeLegacy parses the plaintext of a schema version 1 vault.age, the
// whole payload, strictly, for the migration.
func decodeLegacy(text string) (*Payload, error) {
	var p Payload
	if err := decodeStrict(text, &p); err != nil {
		return nil, fmt.Errorf("%w: vault payload: %w", ErrCorrupt, err)
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("%w: vault payload: %w", ErrCorrupt, err)
	}
	return &p, nil
}
