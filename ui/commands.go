package ui

import (
	"context"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/detail"
)

// Time limits of the commands. A token action may retry with backoff
// inside, each request bounded by the provider's own timeout.
const (
	tokenTimeout  = 2 * time.Minute
	tryTimeout    = time.Minute
	verifyTimeout = 15 * time.Second
)

// inSlot runs fn once one of the slots that bound how many bulk requests
// (refresh all, auto-refresh) run at once is free (a nil channel means no
// bound), with a context that times out d after the slot was taken: time
// spent queued is not the request's.
func inSlot(slots chan struct{}, d time.Duration, fn func(ctx context.Context)) {
	if slots != nil {
		slots <- struct{}{}
		defer func() { <-slots }()
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	fn(ctx)
}

// tokenCmd runs a fetch, a refresh or a logout of the named provider; eo
// says how a refresh obtains its token.
func tokenCmd(c *oauth.Client, st oauth.State, name string, seq uint64, o op,
	eo oauth.EnsureOptions, slots chan struct{}) tea.Cmd {
	return func() tea.Msg {
		msg := tokenMsg{name: name, seq: seq, op: o}
		inSlot(slots, tokenTimeout, func(ctx context.Context) {
			// The engine's outcome says what it recorded, which the answer
			// carries back so the explorer's copy follows the store
			// without reading it all again.
			switch o {
			case opFetch, opRefresh, opAutoRefresh:
				opts := eo
				if o == opFetch {
					opts = oauth.EnsureOptions{Fresh: true}
				}
				var out oauth.Outcome
				out, msg.err = c.Ensure(ctx, st, name, opts)
				if out.Recorded() {
					msg.recorded, msg.tok, msg.events = true, out.Token, []providers.Event{out.Event}
				}
			case opLogout:
				var out oauth.ForgetOutcome
				out, msg.err = c.Forget(ctx, st, name)
				msg.logout = out.Logout
				if len(out.Events) > 0 {
					msg.recorded, msg.tok, msg.events = true, out.Token, out.Events
				}
			}
		})
		return msg
	}
}

// tryCmd runs the provider's try request with its token.
func tryCmd(c *oauth.Client, p providers.Provider, tok *providers.Token, seq uint64) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), tryTimeout)
		defer cancel()
		res, err := c.Try(ctx, p, tok)
		return tryMsg{name: p.Name, seq: seq, res: res, err: err}
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
			sig: detail.Signature{Status: status, Reason: reason}}
	}
}

// loadCmd reads the vault's payload.
func loadCmd(v *store.Vault) tea.Cmd {
	return func() tea.Msg {
		p, err := v.Load()
		return loadedMsg{payload: p, err: err}
	}
}

// saveCmd adds or replaces a provider; old is its name before an edit.
// A renamed provider is saved under its new name, then the old one goes.
func saveCmd(v *store.Vault, p providers.Provider, old string, seq uint64) tea.Cmd {
	return func() tea.Msg {
		msg := savedMsg{prov: p, old: old, seq: seq}
		if err := v.PutProvider(p); err != nil {
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

	// loadedMsg is the vault's payload, read at start.
	loadedMsg struct {
		payload *store.Payload
		err     error
	}

	// tokenMsg ends a fetch, refresh or logout.
	tokenMsg struct {
		name string
		seq  uint64
		op   op
		// recorded is true when the store was written; tok is then the
		// provider's current token (nil when dropped) and events what was
		// appended to its history.
		recorded bool
		tok      *providers.Token
		events   []providers.Event
		logout   oauth.LogoutResult
		err      error
	}

	// tryMsg ends a try request.
	tryMsg struct {
		name string
		seq  uint64
		res  *oauth.TryResult
		err  error
	}

	// verifyMsg ends a signature check of one token; retry is true when
	// the JWKS could not be fetched, so the check is worth making again.
	verifyMsg struct {
		name  string
		seq   uint64
		token providers.Secret
		sig   detail.Signature
		retry bool
	}

	// savedMsg ends an add or an edit; old is the name the provider had
	// before the edit ("" when added).
	savedMsg struct {
		prov providers.Provider
		old  string
		seq  uint64
		err  error
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
	kind op // opLogout, or opDelete
	name string
}
