package oauth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
)

// State is the narrow view of storage the engine needs: read one provider
// with its current token, and record what happened to that token. Each
// change answers with the provider's entry as the State now holds it,
// which the engine hands back in its outcome. The store implements it;
// tests use a map.
type State interface {
	// Lookup returns the named provider and its current token (nil if none).
	Lookup(name string) (providers.Provider, *providers.Token, error)
	// Record stores tok as the provider's current token (nil drops it) and
	// appends ev to its history, in one save, and answers with the entry.
	Record(name string, tok *providers.Token, ev providers.Event) (providers.Entry, error)
	// RecordEvent appends ev to the provider's history, keeping its token
	// as the store holds it now (which may not be the one Lookup gave:
	// another process may have stored one since), and answers with the
	// entry, that token among it.
	RecordEvent(name string, ev providers.Event) (providers.Entry, error)
}

// Ensure returns a token of the named provider that is valid for at least
// o.MinValidity, obtaining one only when needed: the stored token when it
// is good enough, else a refresh when it has a refresh token, else a new
// grant (always a new grant with o.Fresh). Every token obtained is stored
// with an issued or refreshed event; a failure is recorded as a failed
// event, the stored token kept. The Outcome says which of these happened,
// on failure too. o.Done is called once the requests are over, before the
// save.
func (c *Client) Ensure(ctx context.Context, st State, name string, o EnsureOptions) (Outcome, error) {
	done := o.done()
	defer done()
	p, old, err := lookup(st, name)
	if err != nil {
		return Outcome{}, err
	}
	if !o.Fresh && !o.Renew && old.ValidFor(c.now(), o.MinValidity) {
		return Outcome{Token: old, How: Cached}, nil
	}
	var res Resolved
	if p.Issuer != "" {
		// Only now that a request is due: a cached token needs no endpoint.
		if res, _, err = c.Resolve(ctx, st, name); err != nil {
			done()
			out, err := c.failed(st, name, err)
			out.Stored = later(res.Stored, out.Stored)
			return out, err
		}
		p = res.Provider
	}
	var tok *providers.Token
	refreshed := false
	if o.Fresh {
		tok, err = c.Fetch(ctx, p)
	} else {
		tok, refreshed, err = c.refresh(ctx, p, old)
	}
	done()
	now := c.now()
	if err != nil {
		out, err := c.failed(st, name, err)
		out.Resolved, out.Stored = res, later(res.Stored, out.Stored)
		return out, err
	}
	out := Outcome{Token: tok, How: NewGrant, Resolved: res,
		Event: providers.Event{At: now, Kind: providers.EventIssued, Detail: expiryDetail(tok, now)}}
	if refreshed {
		out.How, out.Event.Kind = Refreshed, providers.EventRefreshed
		if tok.RefreshToken != old.RefreshToken {
			out.How = Rotated
			out.Event.Detail += ", refresh token rotated"
		}
	}
	stored, err := st.Record(name, tok, out.Event)
	if err != nil {
		return Outcome{Stored: res.Stored}, fmt.Errorf("store the new token for %s: %w", name, err)
	}
	out.Stored = &stored
	return out, nil
}

// later is the entry as the change that came last left it: b, unless
// nothing was recorded after a.
func later(a, b *providers.Entry) *providers.Entry {
	if b != nil {
		return b
	}
	return a
}

// failed records err as a failed event of name and answers with the entry
// the store kept; a cancel, or a login that was never sent, records nothing.
func (c *Client) failed(st State, name string, err error) (Outcome, error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, ErrLoginRequired) {
		// The user stopped it, or nothing was sent: nothing to record.
		return Outcome{}, err
	}
	// Only the event: the token was read before the request, without the
	// lock, and putting it back could undo a token another process stored
	// meanwhile.
	ev := providers.Event{At: c.now(), Kind: providers.EventFailed, Detail: errLine(err)}
	held, rerr := st.RecordEvent(name, ev)
	if rerr != nil {
		return Outcome{}, errors.Join(err, fmt.Errorf("record the failure for %s: %w", name, rerr))
	}
	return Outcome{Token: held.Token, Event: ev, Stored: &held}, err
}

// Outcome is what Ensure did: the token it hands back, where that token
// came from, and what it recorded, so that a caller needs no second read
// of the store to learn it.
type Outcome struct {
	// Token is the token Ensure hands back, valid for the margin asked.
	// When Ensure fails it is instead the token the store kept with the
	// failed Event (nil when the provider had none, or when nothing was
	// recorded): what the store holds, never a token to use.
	Token *providers.Token
	// How says where Token came from; it is Cached when Ensure failed.
	How Renewal
	// Event is the history event recorded: issued, refreshed, or failed
	// when Ensure failed. It is zero when nothing was recorded: the stored
	// token was good enough, the request was cancelled, or the store could
	// not be read or written.
	Event providers.Event
	// Resolved is the provider as it was sent, filled from its issuer's
	// metadata; Resolved.Fetched says the metadata was fetched (and
	// stored) on the way. Zero when no request was due.
	Resolved Resolved
	// Stored is the provider's entry as the State holds it after Ensure's
	// last change (the metadata it fetched, the token, the failed event),
	// so a caller shows what is held without reading it again. Nil when
	// Ensure changed nothing.
	Stored *providers.Entry
}

// Recorded reports whether Ensure recorded an event: Token is then the
// provider's token as the store holds it, and Event the line appended to
// its history.
func (o Outcome) Recorded() bool { return o.Event != (providers.Event{}) }

// Renewed reports whether Ensure obtained a new token from the server.
func (o Outcome) Renewed() bool { return o.How != Cached }

// Renewal says where the token Ensure hands back came from.
type Renewal int

// The ways Ensure gets a token.
const (
	// Cached is the stored token, good enough as it was: nothing was
	// sent, nothing recorded.
	Cached Renewal = iota
	// NewGrant is a token of a new grant: the first one, one asked for
	// fresh, or one after a refresh without a refresh token or with one
	// the server refused.
	NewGrant
	// Refreshed is a token of the refresh_token grant, the refresh token
	// kept (the server sent none, or the same one).
	Refreshed
	// Rotated is a token of the refresh_token grant with a new refresh
	// token, which is stored in place of the old.
	Rotated
)

// String names r in words: "cached", "new grant", "refreshed", "refreshed,
// refresh token rotated".
func (r Renewal) String() string {
	switch r {
	case Cached:
		return "cached"
	case NewGrant:
		return "new grant"
	case Refreshed:
		return "refreshed"
	case Rotated:
		return "refreshed, refresh token rotated"
	}
	return "Renewal(" + strconv.Itoa(int(r)) + ")"
}

// Forget logs the named provider's token out at the server where the
// provider has a way (see Logout) and always drops it locally, recording a
// revoked event. When the remote part fails, a failed event with the
// server's answer comes first and the remote error is returned. The
// ForgetOutcome says what was sent and what was recorded, on failure too.
func (c *Client) Forget(ctx context.Context, st State, name string) (ForgetOutcome, error) {
	p, tok, err := lookup(st, name)
	if err != nil {
		return ForgetOutcome{}, err
	}
	if tok == nil {
		out := ForgetOutcome{Logout: LogoutResult{Method: providers.LogoutNone}}
		ev := providers.Event{At: c.now(), Kind: providers.EventRevoked, Detail: "no token held"}
		stored, err := st.Record(name, nil, ev)
		if err != nil {
			return out, fmt.Errorf("drop the token of %s: %w", name, err)
		}
		out.Events, out.Stored = []providers.Event{ev}, &stored
		return out, nil
	}
	var out ForgetOutcome
	if p.Issuer != "" {
		// The revocation endpoint may be the metadata's. Should it not be
		// had, the token is still dropped: the logout is then only local.
		res, _, rerr := c.Resolve(ctx, st, name)
		if rerr == nil {
			p = res.Provider
		}
		out.Stored = res.Stored
	}
	res, remote := c.Logout(ctx, p, tok)
	out.Logout = res
	var saveErr error
	if remote != nil {
		ev := providers.Event{At: c.now(), Kind: providers.EventFailed, Detail: errLine(remote)}
		// Only the event, as in Ensure: should the drop below fail, the
		// token another process stored meanwhile is the one kept.
		if held, err := st.RecordEvent(name, ev); err != nil {
			saveErr = fmt.Errorf("record the failed logout for %s: %w", name, err)
		} else {
			out.Events, out.Token, out.Stored = append(out.Events, ev), held.Token, &held
		}
	}
	ev := providers.Event{At: c.now(), Kind: providers.EventRevoked, Detail: forgetDetail(res, remote)}
	if stored, err := st.Record(name, nil, ev); err != nil {
		saveErr = errors.Join(saveErr, fmt.Errorf("drop the token of %s: %w", name, err))
	} else {
		out.Events, out.Token, out.Stored = append(out.Events, ev), nil, &stored
	}
	return out, errors.Join(remote, saveErr)
}

// ForgetOutcome is what Forget did: what the remote part sent and got, and
// what was recorded.
type ForgetOutcome struct {
	// Logout is what the remote part of the logout did.
	Logout LogoutResult
	// Events are the history events recorded, in order: a failed event
	// when the remote part failed, then the revoked event that dropped the
	// token. It is empty when nothing could be recorded.
	Events []providers.Event
	// Token is the provider's token as the store holds it after the last
	// event recorded: nil once dropped, the token itself when only the
	// failure could be recorded.
	Token *providers.Token
	// Stored is the provider's entry as the State holds it after Forget's
	// last change (the metadata it fetched, the events), nil when it
	// changed nothing.
	Stored *providers.Entry
}

// Dropped reports whether the token is gone from the store: the revoked
// event was recorded.
func (f ForgetOutcome) Dropped() bool {
	n := len(f.Events)
	return n > 0 && f.Events[n-1].Kind == providers.EventRevoked
}

// forgetDetail says what a Forget did, secret-free.
func forgetDetail(res LogoutResult, remote error) string {
	switch {
	case remote != nil:
		return "dropped locally; the remote " + string(res.Method) + " failed"
	case res.Method == providers.LogoutEndpoint:
		return fmt.Sprintf("logged out at the server (HTTP %d) and dropped locally", res.Status)
	case res.Method == providers.LogoutRevocation:
		return fmt.Sprintf("revoked at the server (RFC 7009, HTTP %d) and dropped locally", res.Status)
	}
	return "dropped locally (the provider has no logout or revocation endpoint)"
}

// EnsureOptions says when Ensure may use the token it has, and whom it
// tells when its requests are over.
type EnsureOptions struct {
	// Fresh always obtains a new token with a new grant.
	Fresh bool
	// Renew always renews the token: with its refresh token when it has
	// one, else with a new grant.
	Renew bool
	// MinValidity is how long the current token must stay valid to be used
	// as it is.
	MinValidity time.Duration
	// Done, when set, is called once, as soon as Ensure sends no more
	// requests: before it saves what they brought, or before it returns
	// when there is nothing to save. A caller that bounds how many
	// requests are in flight frees a place there, so the bound holds the
	// requests and not the saves waiting their turn in the store.
	Done func()
}

// done is o.Done made safe to call more than once, and when unset.
func (o EnsureOptions) done() func() {
	if o.Done == nil {
		return func() {}
	}
	return sync.OnceFunc(o.Done)
}

// expiryDetail says, secret-free, how long tok lasts: "expires in 59m 59s".
func expiryDetail(tok *providers.Token, now time.Time) string {
	d, ok := tok.Remaining(now)
	switch {
	case tok.ExpirySource == providers.ExpiryNever:
		return "static key, does not expire"
	case !ok:
		return "expiry unknown"
	}
	s := "expires in " + display.Duration(d.Round(time.Second))
	if tok.ExpirySource == providers.ExpiryFromJWT {
		s += " (jwt exp)"
	}
	return s
}

// errLine is an error as one history line.
func errLine(err error) string { return truncate(strings.Join(strings.Fields(err.Error()), " "), 300) }

// lookup reads a provider and its token from st.
func lookup(st State, name string) (providers.Provider, *providers.Token, error) {
	p, tok, err := st.Lookup(name)
	if err != nil {
		return p, nil, fmt.Errorf("look up provider %s: %w", name, err)
	}
	return p, tok, nil
}
