package oauth

import (
	"context"
	"errors"
	"fmt"

	"github.com/tokenscope/tokenscope/providers"
)

// MetadataState is the part of a State that keeps each provider's
// discovered metadata, so that a provider configured by its issuer
// discovers once, not on every request. A State without it works: its
// providers with an issuer discover on every use.
type MetadataState interface {
	// LookupMetadata returns the metadata stored for the named provider,
	// nil when it has none.
	LookupMetadata(name string) (*providers.Metadata, error)
	// RecordMetadata stores m as the named provider's metadata and
	// answers with the provider's entry as the State now holds it.
	RecordMetadata(name string, m *providers.Metadata) (providers.Entry, error)
}

// opResolve names the filling of a provider's endpoints in errors.
const opResolve = "use the metadata"

// Resolved is a provider as the engine sends it: its endpoints filled from
// its issuer's metadata where it sets none (providers.Discovered).
type Resolved struct {
	// Provider is the provider with the metadata's endpoints filled in.
	Provider providers.Provider
	// Metadata is the metadata used, nil for a provider without an issuer.
	Metadata *providers.Metadata
	// Discovery says what was taken from it.
	Discovery providers.Discovery
	// Fetched reports whether Metadata was fetched by this call (none was
	// stored, or a refresh was asked for) and stored.
	Fetched bool
	// Stored is the provider's entry as the State holds it after the
	// metadata fetched was stored; nil when nothing was stored (none was
	// fetched, or the State keeps no metadata).
	Stored *providers.Entry
}

// Note is what the caller tells the user about the metadata: the
// client_auth picked, when it was picked from metadata fetched now, else "".
func (r Resolved) Note() string {
	if !r.Fetched {
		return ""
	}
	return r.Discovery.Note()
}

// Resolve reads the named provider and its token from st and fills the
// provider's endpoints from its issuer's metadata: the one st holds, or,
// when it holds none for that issuer, the one it fetches now (Discover,
// with the provider's timeout, TLS setting and trace) and stores in st.
// A provider without an issuer comes back as it is.
func (c *Client) Resolve(ctx context.Context, st State, name string) (Resolved, *providers.Token, error) {
	return c.resolve(ctx, st, name, false)
}

// Rediscover fetches the named provider's issuer metadata again, stores
// it in st, and answers with the provider filled from it. A provider
// without an issuer is an error.
func (c *Client) Rediscover(ctx context.Context, st State, name string) (Resolved, error) {
	r, _, err := c.resolve(ctx, st, name, true)
	return r, err
}

func (c *Client) resolve(ctx context.Context, st State, name string, refresh bool) (Resolved, *providers.Token, error) {
	p, tok, err := lookup(st, name)
	if err != nil {
		return Resolved{}, nil, err
	}
	if p.Issuer == "" {
		if refresh {
			return Resolved{}, nil, &Error{Op: opDiscover, Provider: name, Err: errors.New("it has no issuer to discover"),
				Hint: "set its issuer, or see an issuer's metadata with tokenscope discover ISSUER"}
		}
		return Resolved{Provider: p}, tok, nil
	}
	ms, keeps := st.(MetadataState)
	var m *providers.Metadata
	if keeps && !refresh {
		if m, err = ms.LookupMetadata(name); err != nil {
			return Resolved{}, nil, fmt.Errorf("look up the metadata of %s: %w", name, err)
		}
		if m != nil && m.Issuer != p.Issuer {
			m = nil // of the issuer before an edit
		}
	}
	fetched := false
	var stored *providers.Entry
	if m == nil {
		if m, err = c.discover(ctx, p, p.Issuer); err != nil {
			return Resolved{}, nil, err
		}
		fetched = true
		if keeps {
			e, err := ms.RecordMetadata(name, m)
			if err != nil {
				return Resolved{}, nil, fmt.Errorf("store the metadata of %s: %w", name, err)
			}
			stored = &e
		}
	}
	r, err := resolveWith(p, m)
	r.Fetched, r.Stored = fetched, stored
	return r, tok, err
}

// resolveWith fills p from m and checks the result: the metadata's
// endpoints are the server's text, held to the rules of the user's own.
func resolveWith(p providers.Provider, m *providers.Metadata) (Resolved, error) {
	q, d := p.Discovered(m)
	r := Resolved{Provider: q, Metadata: m, Discovery: d}
	if q.TokenURL == "" {
		return r, &Error{Op: opResolve, Provider: p.Name,
			Err:  fmt.Errorf("the metadata of %s has no token_endpoint", p.Issuer),
			Hint: "set token_url yourself: tokenscope add " + p.Name + " … --token-url URL, or edit it in the explorer"}
	}
	if err := q.Validate(); err != nil {
		return r, &Error{Op: opResolve, Provider: p.Name, Err: fmt.Errorf("the metadata of %s: %w", p.Issuer, err),
			Hint: "set that endpoint yourself, or fetch the metadata again: tokenscope discover " + p.Name + " --refresh"}
	}
	return r, nil
}

// undiscovered refuses a provider whose endpoints its issuer's metadata
// was to give but has not: the engine's callers resolve first.
func undiscovered(p providers.Provider, op string) error {
	if p.Issuer != "" && p.TokenURL == "" {
		return &Error{Op: op, Provider: p.Name, Err: errors.New("its issuer's metadata was not discovered yet"),
			Hint: "tokenscope discover " + p.Name + " --refresh"}
	}
	return nil
}
