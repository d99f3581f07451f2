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

// recorder is the engine's State for one command: the vault, keeping the
// entry as the store answered its last change, which the command's answer
// carries back so the explorer shows what the store holds without reading
// it again. Its first change frees the command's bulk slot (done): the
// slots bound the requests in flight, and a save waits in the vault's
// queue, where the answers that land together are saved together.
type recorder struct {
	st     entryState
	stored *store.Entry
	done   func()
}

// entryState is the store as a token command uses it: the engine's State,
// whose changes answer with the entry as it is now held.
type entryState interface {
	Lookup(name string) (providers.Provider, *providers.Token, error)
	RecordEntry(name string, tok *providers.Token, ev providers.Event) (store.Entry, error)
	RecordEventEntry(name string, ev providers.Event) (store.Entry, error)
	LookupMetadata(name string) (*providers.Metadata, error)
	RecordMetadataEntry(name string, m *providers.Metadata) (store.Entry, error)
}

// Lookup reads from the store.
func (r *recorder) Lookup(name string) (providers.Provider, *providers.Token, error) {
	return r.st.Lookup(name)
}

// Record writes to the store and keeps its answer.
func (r *recorder) Record(name string, tok *providers.Token, ev providers.Event) error {
	r.done()
	e, err := r.st.RecordEntry(name, tok, ev)
	if err != nil {
		return err
	}
	r.stored = &e
	return nil
}

// LookupMetadata reads the issuer's metadata from the store.
func (r *recorder) LookupMetadata(name string) (*providers.Metadata, error) {
	return r.st.LookupMetadata(name)
}

// RecordMetadata keeps the issuer's metadata in the store and keeps its
// answer.
func (r *recorder) RecordMetadata(name string, m *providers.Metadata) error {
	e, err := r.st.RecordMetadataEntry(name, m)
	if err != nil {
		return err
	}
	r.stored = &e
	return nil
}

// The recorder keeps what discovery fetched, as the CLI's vault does.
var _ oauth.MetadataState = (*recorder)(nil)

// RecordEvent appends to the history in the store and keeps its answer.
func (r *recorder) RecordEvent(name string, ev providers.Event) (*providers.Token, error) {
	r.done()
	e, err := r.st.RecordEventEntry(name, ev)
	if err != nil {
		return nil, err
	}
	r.stored = &e
	return e.Token, nil
}

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
// says how a refresh obtains its token. The slot is held until the answer
// is to be saved.
func tokenCmd(c *oauth.Client, st entryState, name string, seq uint64, o session.Op,
	eo oauth.EnsureOptions, slots chan struct{}) tea.Cmd {
	return func() tea.Msg {
		msg := tokenMsg{name: name, seq: seq, op: o}
		var tr tracer
		inSlot(slots, tokenTimeout, func(ctx context.Context, done func()) {
			ctx = oauth.WithTrace(ctx, tr.add)
			rec := &recorder{st: st, done: done}
			var out oauth.Outcome
			switch o {
			case session.OpFetch:
				out, msg.err = c.Ensure(ctx, rec, name, oauth.EnsureOptions{Fresh: true})
				msg.discovered = out.Resolved
			case session.OpRefresh, session.OpAutoRefresh:
				out, msg.err = c.Ensure(ctx, rec, name, eo)
				msg.discovered = out.Resolved
			case session.OpDiscover:
				msg.discovered, msg.err = c.Rediscover(ctx, rec, name)
			case session.OpLogout:
				var out oauth.ForgetOutcome
				out, msg.err = c.Forget(ctx, rec, name)
				msg.logout = out.Logout
			}
			msg.stored = rec.stored
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
		stored *store.Entry
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
