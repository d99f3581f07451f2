package providers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers/display"
)

// Ensure returns a token of the named provider that is valid for at least
// o.MinValidity, obtaining one only when needed: the stored token when it
// is good enough, else a refresh when it has a refresh token, else a new
// grant (always a new grant with o.Fresh). Every token obtained is stored
// with an issued or refreshed event; a failure is recorded as a failed
// event, the stored token kept.
func (c *Client) Ensure(ctx context.Context, st State, name string, o EnsureOptions) (*Token, error) {
	p, old, err := lookup(st, name)
	if err != nil {
		return nil, err
	}
	if !o.Fresh && !o.Renew && old.ValidFor(c.now(), o.MinValidity) {
		return old, nil
	}
	var tok *Token
	refreshed := false
	if o.Fresh {
		tok, err = c.Fetch(ctx, p)
	} else {
		tok, refreshed, err = c.refresh(ctx, p, old)
	}
	now := c.now()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err // the user stopped it: nothing to record
		}
		if rerr := st.Record(name, old, Event{At: now, Kind: EventFailed, Detail: errLine(err)}); rerr != nil {
			return nil, errors.Join(err, fmt.Errorf("record the failure for %s: %w", name, rerr))
		}
		return nil, err
	}
	ev := Event{At: now, Kind: EventIssued, Detail: expiryDetail(tok, now)}
	if refreshed {
		ev.Kind = EventRefreshed
		if tok.RefreshToken != old.RefreshToken {
			ev.Detail += ", refresh token rotated"
		}
	}
	if err := st.Record(name, tok, ev); err != nil {
		return nil, fmt.Errorf("store the new token for %s: %w", name, err)
	}
	return tok, nil
}

// Forget logs the named provider's token out at the server where the
// provider has a way (see Logout) and always drops it locally, recording a
// revoked event. When the remote part fails, a failed event with the
// server's answer comes first and the remote error is returned.
func (c *Client) Forget(ctx context.Context, st State, name string) (LogoutResult, error) {
	p, tok, err := lookup(st, name)
	if err != nil {
		return LogoutResult{}, err
	}
	if tok == nil {
		res := LogoutResult{Method: LogoutNone}
		ev := Event{At: c.now(), Kind: EventRevoked, Detail: "no token held"}
		if err := st.Record(name, nil, ev); err != nil {
			return res, fmt.Errorf("drop the token of %s: %w", name, err)
		}
		return res, nil
	}
	res, remote := c.Logout(ctx, p, tok)
	var saveErr error
	if remote != nil {
		ev := Event{At: c.now(), Kind: EventFailed, Detail: errLine(remote)}
		if err := st.Record(name, tok, ev); err != nil {
			saveErr = fmt.Errorf("record the failed logout for %s: %w", name, err)
		}
	}
	ev := Event{At: c.now(), Kind: EventRevoked, Detail: forgetDetail(res, remote)}
	if err := st.Record(name, nil, ev); err != nil {
		saveErr = errors.Join(saveErr, fmt.Errorf("drop the token of %s: %w", name, err))
	}
	return res, errors.Join(remote, saveErr)
}

// forgetDetail says what a Forget did, secret-free.
func forgetDetail(res LogoutResult, remote error) string {
	switch {
	case remote != nil:
		return "dropped locally; the remote " + res.Method + " failed"
	case res.Method == LogoutEndpoint:
		return fmt.Sprintf("logged out at the server (HTTP %d) and dropped locally", res.Status)
	case res.Method == LogoutRevocation:
		return fmt.Sprintf("revoked at the server (RFC 7009, HTTP %d) and dropped locally", res.Status)
	}
	return "dropped locally (the provider has no logout or revocation endpoint)"
}

// EnsureOptions says when Ensure may use the token it has.
type EnsureOptions struct {
	// Fresh always obtains a new token with a new grant.
	Fresh bool
	// Renew always renews the token: with its refresh token when it has
	// one, else with a new grant.
	Renew bool
	// MinValidity is how long the current token must stay valid to be used
	// as it is.
	MinValidity time.Duration
}

// expiryDetail says, secret-free, how long tok lasts: "expires in 59m 59s".
func expiryDetail(tok *Token, now time.Time) string {
	d, ok := tok.Remaining(now)
	if !ok {
		return "expiry unknown"
	}
	s := "expires in " + display.Duration(d.Round(time.Second))
	if tok.ExpirySource == ExpiryFromJWT {
		s += " (jwt exp)"
	}
	return s
}

// errLine is an error as one history line.
func errLine(err error) string { return truncate(strings.Join(strings.Fields(err.Error()), " "), 300) }

// lookup reads a provider and its token from st.
func lookup(st State, name string) (Provider, *Token, error) {
	p, tok, err := st.Lookup(name)
	if err != nil {
		return p, nil, fmt.Errorf("look up provider %s: %w", name, err)
	}
	return p, tok, nil
}
