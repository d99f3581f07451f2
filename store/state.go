package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
)

// redacted replaces a secret found in history text.
const redacted = "********"

// minRedact is the shortest secret value scrubbed from history text;
// shorter ones would garble ordinary words.
const minRedact = 4

// Lookup returns the named provider and a copy of its current token (nil
// if it has none); ErrUnknownProvider if there is no such provider. It
// reads vault.age and the one file that holds the provider.
//
// It does not wait for a save of this Vault under way, as it would not for
// another process's: the refreshes of a refresh-all look their providers
// up while the answers of others are being saved.
func (v *Vault) Lookup(name string) (providers.Provider, *providers.Token, error) {
	_, loaded, err := v.snapshot(func(idx *index) []string { return fileOf(idx, name) }, false)
	if err != nil {
		return providers.Provider{}, nil, err
	}
	for _, es := range loaded {
		for _, e := range es {
			if e.Provider.Name == name {
				return cloneProvider(e.Provider), cloneToken(e.Token), nil
			}
		}
	}
	return providers.Provider{}, nil, unknown(name)
}

// LookupMetadata returns a copy of the named provider's stored issuer
// metadata, nil when it has none; ErrUnknownProvider if there is no such
// provider. It reads what Lookup reads.
func (v *Vault) LookupMetadata(name string) (*providers.Metadata, error) {
	idx, loaded, err := v.snapshot(func(idx *index) []string { return fileOf(idx, name) }, false)
	if err != nil {
		return nil, err
	}
	p := payloadOf(idx, loaded)
	i := p.Find(name)
	if i < 0 {
		return nil, unknown(name)
	}
	return p.Providers[i].Metadata.Clone(), nil
}

// RecordMetadata stores m as the named provider's issuer metadata (nil
// drops it), in one save that rewrites only the file holding the
// provider, and answers with the provider's entry as the store now holds
// it. The token and the history are kept.
func (v *Vault) RecordMetadata(name string, m *providers.Metadata) (Entry, error) {
	return v.record(name, providers.Event{}, func(e *Entry) { e.Metadata = m.Clone() })
}

// fileOf is the file holding name, as a list of zero or one.
func fileOf(idx *index, name string) []string {
	if f := idx.fileOf(name); f != "" {
		return []string{f}
	}
	return nil
}

// Record stores tok as the provider's current token (nil drops it) and
// appends ev to its history, in one save that rewrites only the file
// holding the provider. Any of the provider's or the tokens' secret values
// found in ev.Detail is replaced by asterisks, so history never holds a
// secret even when a caller slips. It answers with the provider's entry
// as the store now holds it (its history capped, the event scrubbed), so
// a caller that shows it keeps no copy of those rules.
func (v *Vault) Record(name string, tok *providers.Token, ev providers.Event) (Entry, error) {
	return v.record(name, ev, func(e *Entry) { e.Token = cloneToken(tok) }, tok)
}

// RecordEvent appends ev to the provider's history and keeps its token as
// the store holds it at that moment, under the lock: a failure is noted
// without putting back a token read before it, which another process may
// have replaced since (a rotated refresh token). ev.Detail is scrubbed as
// Record scrubs it. It answers with the provider's entry as the store now
// holds it, that token (nil if none) among it.
func (v *Vault) RecordEvent(name string, ev providers.Event) (Entry, error) {
	return v.record(name, ev, func(*Entry) {})
}

// PutProvider adds p, or replaces the provider of the same name. The
// current token and the history are kept unless p's wire identity (token
// URL, grant, client id, username, scope, product, extra parameters)
// changed, in which case the old token belongs to someone else and is
// dropped; the stored issuer metadata is dropped when the issuer
// changed. An invalid provider is refused.
func (v *Vault) PutProvider(p providers.Provider) error {
	_, err := v.PutProviderEntry(p)
	return err
}

// PutProviderEntry is PutProvider answering with the provider's entry as
// the store now holds it: its token kept, or dropped when the wire
// identity changed.
func (v *Vault) PutProviderEntry(p providers.Provider) (Entry, error) {
	var now Entry
	_, err := v.putProviders(context.Background(), []providers.Provider{p}, func(pl *Payload) {
		now = cloneEntry(pl.Providers[pl.Find(p.Name)])
	})
	if err != nil {
		return Entry{}, err
	}
	return now, nil
}

// PutProviders is PutProvider for many providers in one save, all or
// nothing: every provider is validated first, and an invalid one, a name
// given twice or a ctx done before the save begins saves none of them and
// says which and why. It reports, in the order of ps, whether each one
// replaced a provider of the same name (true) or was added (false).
func (v *Vault) PutProviders(ctx context.Context, ps []providers.Provider) (replaced []bool, err error) {
	return v.putProviders(ctx, ps, nil)
}

// putProviders is PutProviders; after, when set, sees the payload as it
// is about to be saved.
func (v *Vault) putProviders(ctx context.Context, ps []providers.Provider, after func(*Payload)) (replaced []bool, err error) {
	ps = slices.Clone(ps)
	seen := make(map[string]bool, len(ps))
	for i, p := range ps {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("provider %q: %w", p.Name, err)
		}
		if seen[p.Name] {
			return nil, fmt.Errorf("provider %q is given twice", p.Name)
		}
		seen[p.Name] = true
		ps[i] = cloneProvider(p)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Only the files of the providers named, and one with room for those
	// that are new, are read and rewritten.
	pick := func(idx *index) []string {
		var files []string
		seen := map[string]bool{}
		add := func(f string) {
			if f != "" && !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
		for _, p := range ps {
			add(idx.fileOf(p.Name))
		}
		add(idx.roomy()) // the new providers join it
		return files
	}
	err = v.change(pick, func(pl *Payload) error {
		replaced = make([]bool, len(ps))
		at := make(map[string]int, len(pl.Providers))
		for i := range pl.Providers {
			at[pl.Providers[i].Provider.Name] = i
		}
		for j, p := range ps {
			i, ok := at[p.Name]
			if !ok {
				pl.Providers = append(pl.Providers, Entry{Provider: p})
				continue
			}
			replaced[j] = true
			e := &pl.Providers[i]
			if !e.Provider.SameWire(p) {
				e.Token = nil
			}
			if e.Provider.Issuer != p.Issuer {
				e.Metadata = nil // another server's
			}
			e.Provider = p
		}
		if after != nil {
			after(pl)
		}
		// The last moment to stop: after this the save is under way.
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	return replaced, nil
}

// RemoveProvider deletes the named provider with its token and history.
func (v *Vault) RemoveProvider(name string) error {
	return v.change(func(idx *index) []string { return fileOf(idx, name) }, func(p *Payload) error {
		i := p.Find(name)
		if i < 0 {
			return unknown(name)
		}
		p.Providers = slices.Delete(p.Providers, i, i+1)
		return nil
	})
}

// noFiles picks no provider file: a change to the index alone.
func noFiles(*index) []string { return nil }

// SetTheme records the chosen theme's name.
func (v *Vault) SetTheme(name string) error {
	return v.change(noFiles, func(p *Payload) error {
		p.Theme = name
		return nil
	})
}

// SetSettings replaces the user's preferences.
func (v *Vault) SetSettings(s Settings) error {
	return v.change(noFiles, func(p *Payload) error {
		p.Settings = s
		return nil
	})
}

func unknown(name string) error {
	return fmt.Errorf("%w %q", ErrUnknownProvider, name)
}

// secretsOf lists every secret value a provider and its tokens hold.
func secretsOf(p providers.Provider, toks ...*providers.Token) []string {
	s := []string{p.ClientSecret.Reveal(), p.Password.Reveal(), p.BasicAuth.Reveal()}
	for _, h := range p.Headers {
		s = append(s, h.Reveal())
	}
	for _, t := range toks {
		if t == nil {
			continue
		}
		s = append(s, t.AccessToken.Reveal(), t.RefreshToken.Reveal(), t.Bearer.Reveal(), t.Nonce.Reveal())
		// Extra fields named *token* (id_token, …) are credentials too;
		// their values are kept as JSON text, quoted.
		for _, f := range t.Extra {
			if strings.Contains(strings.ToLower(f.Key), "token") {
				if u, err := strconv.Unquote(f.Value); err == nil {
					s = append(s, u)
				}
			}
		}
	}
	return s
}

// scrub replaces every secret of at least minRedact bytes found in text,
// longest first so a secret containing another is replaced whole.
func scrub(text string, secrets []string) string {
	if text == "" {
		return text
	}
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, s := range secrets {
		if len(s) >= minRedact {
			text = strings.ReplaceAll(text, s, redacted)
		}
	}
	return text
}

func cloneProvider(p providers.Provider) providers.Provider {
	p.Headers = maps.Clone(p.Headers)
	p.Params = maps.Clone(p.Params)
	return p
}

func cloneToken(t *providers.Token) *providers.Token {
	if t == nil {
		return nil
	}
	c := *t
	c.Extra = slices.Clone(t.Extra)
	return &c
}

func cloneEntry(e Entry) Entry {
	e.Provider = cloneProvider(e.Provider)
	e.Token = cloneToken(e.Token)
	e.History = slices.Clone(e.History)
	e.Metadata = e.Metadata.Clone()
	return e
}
