package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/session"
)

// Time limits of the commands. A token action may retry with backoff
// inside, each request bounded by the provider's own timeout.
const (
	tokenTimeout  = 2 * time.Minute
	tryTimeout    = time.Minute
	verifyTimeout = 15 * time.Second
)

// tokenState is the store as a token command uses it: the engine's
// State, which keeps the issuers' metadata too, as the vault does.
type tokenState interface {
	oauth.State
	oauth.MetadataState
}

// The vault is the explorer's tokenState.
var _ tokenState = (*store.Vault)(nil)

// inSlot runs fn once one of the slots that bound how many bulk requests
// (refresh all, auto-refresh) run at once is free (a nil channel means no
// bound), with a context that times out d after the slot was taken: time
// spent queued is not the request's. fn may free the slot before it
// returns, by calling done (more than once is as once).
func inSlot(slots chan struct{}, d time.Duration, fn func(ctx context.Context, done func())) {
	done := func() {}
	if slots != nil {
		slots <- struct{}{}
		done = sync.OnceFunc(func() { <-slots })
		defer done()
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	fn(ctx, done)
}

// tokenCmd runs a fetch, a refresh or a logout of the named provider; eo
// says how a refresh obtains its token. The answer carries the entry as
// the store answered the command's last change. The slot of a fetch or a
// refresh is held until its requests are over (eo.Done), not while its
// answer waits in the vault's queue, where the answers that land together
// are saved together.
func tokenCmd(c *oauth.Client, st tokenState, name string, seq uint64, o session.Op,
	eo oauth.EnsureOptions, slots chan struct{}) tea.Cmd {
	return func() tea.Msg {
		msg := tokenMsg{name: name, seq: seq, op: o}
		var tr tracer
		inSlot(slots, tokenTimeout, func(ctx context.Context, done func()) {
			ctx = oauth.WithTrace(ctx, tr.add)
			var out oauth.Outcome
			switch o {
			case session.OpFetch:
				out, msg.err = c.Ensure(ctx, st, name, oauth.EnsureOptions{Fresh: true, Done: done})
				msg.discovered, msg.stored = out.Resolved, out.Stored
			case session.OpRefresh, session.OpAutoRefresh:
				eo.Done = done
				out, msg.err = c.Ensure(ctx, st, name, eo)
				msg.discovered, msg.stored = out.Resolved, out.Stored
			case session.OpDiscover:
				msg.discovered, msg.err = c.Rediscover(ctx, st, name)
				msg.stored = msg.discovered.Stored
			case session.OpLogout:
				var out oauth.ForgetOutcome
				out, msg.err = c.Forget(ctx, st, name)
				msg.logout, msg.stored = out.Logout, out.Stored
			}
		})
		msg.exchanges = tr.taken()
		return msg
	}
}

// tryCmd runs the provider's try request with its token.
func tryCmd(c *oauth.Client, p providers.Provider, tok *providers.Token, seq uint64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), tryTimeout)
		defer cancel()
		var tr tracer
		res, err := c.Try(oauth.WithTrace(ctx, tr.add), p, tok)
		return tryMsg{name: p.Name, seq: seq, res: res, err: err, exchanges: tr.taken()}
	}
}

// verifyCmd checks a JWT's signature against the provider's JWKS only,
// reaching it as the provider's token requests do (its TLS setting, the
// proxy). A JWKS that could not be fetched says nothing of the token: the
// check is unchecked, not failed, and is made again on a later view.
func verifyCmd(c *oauth.Client, p providers.Provider, token providers.Secret, seq uint64) tea.Cmd {
	hc := c.JWKSClient(p)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), verifyTimeout)
		defer cancel()
		status, reason := jwt.Verify(ctx, hc, p.JWKSURL, token.Reveal())
		return verifyMsg{name: p.Name, seq: seq, token: token, retry: status == jwt.StatusJWKSNotFetched,
			sig: session.Signature{Status: status, Reason: reason}}
	}
}

// loadCmd reads the vault's payload without the histories, so the list
// is drawn before they are read (historiesCmd).
func loadCmd(v *store.Vault) tea.Cmd {
	return func() tea.Msg {
		p, err := v.LoadProviders()
		return loadedMsg{payload: p, err: err, historiesDue: true}
	}
}

// historiesCmd reads every provider's history.
func historiesCmd(v *store.Vault) tea.Cmd {
	return func() tea.Msg {
		h, err := v.Histories()
		return historiesMsg{histories: h, err: err}
	}
}

// saveCmd adds or replaces a provider; old is its name before an edit.
// A renamed provider is saved under its new name, then the old one goes.
// The answer is the entry as the store then holds it.
func saveCmd(v *store.Vault, p providers.Provider, old string, seq uint64) tea.Cmd {
	return func() tea.Msg {
		msg := savedMsg{name: p.Name, old: old, seq: seq}
		var err error
		if msg.stored, err = v.PutProviderEntry(p); err != nil {
			msg.err = fmt.Errorf("save provider %s: %w", p.Name, err)
			return msg
		}
		if old != "" && old != p.Name {
			if err := v.RemoveProvider(old); err != nil {
				msg.err = fmt.Errorf("remove the old name %s: %w", old, err)
			}
		}
		return msg
	}
}

// removeCmd deletes a provider with its token and history.
func removeCmd(v *store.Vault, name string, seq uint64) tea.Cmd {
	return func() tea.Msg {
		err := v.RemoveProvider(name)
		if err != nil {
			err = fmt.Errorf("delete provider %s: %w", name, err)
		}
		return removedMsg{name: name, seq: seq, err: err}
	}
}

// themeCmd remembers the chosen theme in the vault.
func themeCmd(v *store.Vault, name string) tea.Cmd {
	return func() tea.Msg {
		err := v.SetTheme(name)
		if err != nil {
			err = fmt.Errorf("remember theme %s: %w", name, err)
		}
		return themeSavedMsg{name: name, err: err}
	}
}

// tick re-arms the one-second tick, on the wall clock's second so every
// countdown turns together.
func tick(tag int) tea.Cmd {
	return tea.Every(time.Second, func(time.Time) tea.Msg { return tickMsg{tag: tag} })
}

// The explorer's own messages. Every answer about one provider names it
// and carries the sequence number of the request, so an answer that comes
// late (after another request, a delete, a re-add) is dropped instead of
// landing on the wrong state.
type (
	// tickMsg drives every countdown: one re-arming one-second tick, tagged
	// so a stale tick chain dies out.
	tickMsg struct{ tag int }

	// loadedMsg is the vault's payload, read at start; historiesDue says
	// it was read without the histories.
	loadedMsg struct {
		payload      *store.Payload
		historiesDue bool
		err          error
	}

	// historiesMsg is every provider's history, read after the payload.
	historiesMsg struct {
		histories map[string][]providers.Event
		err       error
	}

	// tokenMsg ends a fetch, refresh or logout.
	tokenMsg struct {
		name string
		seq  uint64
		op   session.Op
		// stored is the entry as the store holds it after the command's
		// last change, nil when nothing was recorded.
		stored *providers.Entry
		logout oauth.LogoutResult
		err    error
		// exchanges are the command's requests and answers, masked, for
		// the exchange log.
		exchanges []oauth.Exchange
		// discovered is the provider as sent, its endpoints from the
		// issuer's metadata; Fetched when that was fetched on the way.
		discovered oauth.Resolved
	}

	// tryMsg ends a try request.
	tryMsg struct {
		name      string
		seq       uint64
		res       *oauth.TryResult
		err       error
		exchanges []oauth.Exchange
	}

	// verifyMsg ends a signature check of one token; retry is true when
	// the JWKS could not be fetched, so the check is worth making again.
	verifyMsg struct {
		name  string
		seq   uint64
		token providers.Secret
		sig   session.Signature
		retry bool
	}

	// savedMsg ends an add or an edit of the provider name; old is the
	// name it had before the edit ("" when added), stored the entry as the
	// store holds it after the save.
	savedMsg struct {
		name   string
		old    string
		seq    uint64
		stored store.Entry
		err    error
	}

	// removedMsg ends a delete.
	removedMsg struct {
		name string
		seq  uint64
		err  error
	}

	// themeSavedMsg ends remembering the theme.
	themeSavedMsg struct {
		name string
		err  error
	}
)

// question is what a confirm dialog is asking about.
type question struct {
	kind session.Op // OpLogout, or OpDelete
	name string
}
