package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/ui/login"
	"github.com/tokenscope/tokenscope/ui/session"
	"github.com/tokenscope/tokenscope/ui/status"
)

// loginTimeout is how long a browser sign-in waits for the callback, as
// tokenscope login does by default.
const loginTimeout = 5 * time.Minute

// signIn is one sign-in under way in the explorer: the provider's fetch
// (its request number seq), the pane that shows it, and what stops it.
// The listener and the authorization are set once the listener opened
// (the authorization alone for a redirect URI off this machine, where
// only a pasted URL comes back), the device authorization once the
// server answered.
type signIn struct {
	seq    uint64
	pane   *login.Model
	cancel context.CancelFunc
	ctx    context.Context
	loop   *oauth.Loopback
	az     *oauth.Authorization
	// cancelling: the person cancelled a device sign-in whose poll had
	// not returned yet; its answer ends the fetch.
	cancelling bool
}

// The sign-in's messages, each naming its provider and fetch.
type (
	// listeningMsg: the loopback listener is open (nil when the redirect
	// URI is not on this machine) and the authorization request built,
	// or why not.
	listeningMsg struct {
		name string
		seq  uint64
		loop *oauth.Loopback
		az   *oauth.Authorization
		err  error
		// exchanges are a discovery on first use, masked, for the
		// exchange log.
		exchanges []oauth.Exchange
	}
	// callbackMsg: the browser came back to the listener, or the wait ended.
	callbackMsg struct {
		name string
		seq  uint64
		cb   *oauth.Callback
		err  error
	}
	// deviceMsg: the device authorization response, or why there is none.
	deviceMsg struct {
		name string
		seq  uint64
		da   *oauth.DeviceAuthorization
		err  error
		// exchanges are the request for the codes (and a discovery
		// before it), masked, for the exchange log.
		exchanges []oauth.Exchange
	}
	// openedMsg: the browser was started, or why not.
	openedMsg struct {
		name string
		err  error
	}
	// polledMsg: the device polls made since the last, masked, for the
	// exchange log while the sign-in waits; more is false once the
	// polling ended.
	polledMsg struct {
		name      string
		exchanges []oauth.Exchange
		more      bool
		feed      *pollFeed
	}
)

// interactive reports whether fetching e's token takes a person: a
// browser login, or a device login.
func interactive(e *session.Entry) bool {
	return e != nil && e.Provider.Grant.Interactive()
}

// signInShown is the sign-in of the selected provider, shown in place of
// its detail; nil when it has none.
func (m *Model) signInShown() *signIn {
	if m.screen != screenMain || m.response != nil || m.asking || len(m.signIns) == 0 {
		return nil
	}
	e := m.selectedEntry()
	if e == nil {
		return nil
	}
	return m.signIns[e.Provider.Name]
}

// signInKey handles, on the main screen, the keys of the sign-in pane
// shown, and fetch on a provider whose token takes a sign-in; ok is false
// for any other key.
func (m *Model) signInKey(km tea.KeyMsg) (tea.Cmd, bool) {
	if s := m.signInShown(); s != nil && s.pane.Handles(km) {
		var cmd tea.Cmd
		*s.pane, cmd = s.pane.Update(km)
		return cmd, true
	}
	e := m.selectedEntry()
	if keyMatches(km, m.keys.Fetch) && interactive(e) {
		return m.startSignIn(e), true
	}
	return nil, false
}

// startSignIn begins e's fetch as a sign-in: the pane opens and the
// listener, or the device authorization request, starts in a Cmd.
func (m *Model) startSignIn(e *session.Entry) tea.Cmd {
	if m.vault == nil || !m.sess.Begin(e, session.OpFetch) {
		return nil
	}
	name, seq := e.Provider.Name, e.Pending
	kind := login.Browser
	if e.Provider.Grant.Device() {
		kind = login.Device
	}
	p := login.New(name, kind, &m.styles.Login)
	ctx, cancel := context.WithCancel(context.Background())
	s := &signIn{seq: seq, pane: &p, ctx: ctx, cancel: cancel}
	if m.signIns == nil {
		m.signIns = map[string]*signIn{}
	}
	m.signIns[name] = s
	m.syncSignIns()
	m.setStatusOf(name, status.Info, "signing in to "+name+"…")
	if kind == login.Device {
		return tea.Batch(deviceStartCmd(ctx, m.client, m.vault, name, seq), m.startSpinner())
	}
	return tea.Batch(listenCmd(ctx, m.client, m.vault, name, seq), m.startSpinner())
}

// signInResult handles the sign-in's own messages, and closes the pane
// when its fetch ends (the token message itself is the explorer's as any
// fetch's); ok is false for a message it leaves to the others.
func (m *Model) signInResult(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case listeningMsg:
		return m.onListening(msg), true
	case callbackMsg:
		return m.onCallback(msg), true
	case deviceMsg:
		return m.onDevice(msg), true
	case login.OpenMsg:
		return openCmd(m.opts.Getenv, msg.Name, msg.URL), true
	case polledMsg:
		if msg.more {
			return feedCmd(msg.name, msg.feed), true // the log took them
		}
		return nil, true
	case openedMsg:
		if msg.err != nil {
			m.setStatusOf(msg.name, status.Warning, msg.err.Error()+": open the URL yourself, or copy it")
		} else {
			m.setStatusOf(msg.name, status.Info, "opened the sign-in page in the browser")
		}
		return nil, true
	case login.PasteMsg:
		return m.onPaste(msg), true
	case login.CopyMsg:
		m.sess.StartCopy(msg.Name, "the sign-in URL of "+msg.Name)
		return tea.Batch(m.clip.Copy(msg.URL, "the sign-in URL of "+msg.Name, false), m.startSpinner()), true
	case login.CancelMsg:
		return m.cancelSignIn(msg.Name), true
	case tokenMsg:
		if s := m.signIns[msg.name]; s != nil && s.seq == msg.seq {
			s.cancel()
			delete(m.signIns, msg.name)
			if s.cancelling && msg.stored == nil {
				// Stopped before the server gave a token: nothing stored.
				m.sess.Finish(msg.name, msg.seq)
				m.setStatusOf(msg.name, status.Info, "sign-in to "+msg.name+" cancelled: nothing stored")
				return nil, true
			}
		}
	}
	return nil, false
}

// live is the named provider's sign-in when seq is its fetch, else nil.
func (m *Model) live(name string, seq uint64) *signIn {
	if s := m.signIns[name]; s != nil && s.seq == seq {
		return s
	}
	return nil
}

// failSignIn ends the named sign-in with err, nothing stored: the fetch
// ends as any failed fetch, on the status line.
func (m *Model) failSignIn(name string, seq uint64, err error) tea.Cmd {
	return m.onToken(tokenMsg{name: name, seq: seq, op: session.OpFetch, err: err})
}

func (m *Model) onListening(msg listeningMsg) tea.Cmd {
	s := m.live(msg.name, msg.seq)
	if s == nil {
		return closeCmd(msg.loop) // cancelled meanwhile
	}
	if msg.err != nil {
		delete(m.signIns, msg.name)
		return m.failSignIn(msg.name, msg.seq, msg.err)
	}
	s.loop, s.az = msg.loop, msg.az
	s.pane.SetAuthorization(msg.az.URL, m.clock().Add(loginTimeout))
	if msg.loop == nil {
		s.pane.SetPasteOnly(msg.az.RedirectURI)
	}
	return waitCmd(s.ctx, msg.loop, msg.name, msg.seq)
}

func (m *Model) onCallback(msg callbackMsg) tea.Cmd {
	s := m.live(msg.name, msg.seq)
	if s == nil {
		if msg.cb != nil {
			msg.cb.Reply(false, "This sign-in was cancelled in tokenscope.")
		}
		return nil
	}
	if msg.err != nil {
		delete(m.signIns, msg.name)
		err := msg.err
		switch {
		case errors.Is(err, context.DeadlineExceeded) && s.loop == nil:
			err = fmt.Errorf("login %s: no URL was pasted within %s: nothing stored", msg.name, display.Duration(loginTimeout))
		case errors.Is(err, context.DeadlineExceeded):
			err = fmt.Errorf("login %s: no callback from the browser within %s: nothing stored", msg.name, display.Duration(loginTimeout))
		}
		return tea.Batch(closeCmd(s.loop), m.failSignIn(msg.name, msg.seq, err))
	}
	if s.pane.Phase() == login.Redeeming {
		// A URL pasted first is being redeemed: one code per sign-in.
		msg.cb.Reply(false, "tokenscope is already redeeming the URL pasted for this sign-in.")
		return nil
	}
	code, err := oauth.ParseCallback(msg.cb.Query, s.az.State)
	if err != nil {
		msg.cb.Reply(false, err.Error())
		delete(m.signIns, msg.name)
		return tea.Batch(closeCmd(s.loop), m.failSignIn(msg.name, msg.seq, callbackFailed(msg.name, err)))
	}
	s.pane.SetRedeeming()
	return redeemCmd(s.ctx, m.client, m.vault, msg.name, msg.seq, s.az, code, msg.cb, s.loop)
}

// onPaste checks the URL pasted into the pane as the listener's callback
// is checked (ParseCallback: the state first, then an error answer, then
// the code) and redeems its code the same way. A refused one is said in
// the pane, nothing stored, and the sign-in waits on: for another paste,
// or for the browser at the listener.
func (m *Model) onPaste(msg login.PasteMsg) tea.Cmd {
	s := m.signIns[msg.Name]
	if s == nil || s.az == nil || s.pane.Phase() != login.Waiting {
		return nil
	}
	code, err := oauth.ParseCallback(msg.URL, s.az.State)
	if err != nil {
		s.pane.SetRefused(pasteRefused(err, s.pane.KeyMap.Paste.Help().Key))
		return nil
	}
	s.pane.SetRedeeming()
	return redeemCmd(s.ctx, m.client, m.vault, msg.Name, s.seq, s.az, code, nil, s.loop)
}

// pasteRefused is why a pasted URL was refused, and what to do next.
func pasteRefused(err error, paste string) string {
	var ce *oauth.CallbackError
	switch {
	case errors.As(err, &ce):
		return err.Error() + ": nothing stored · open the URL to sign in again, or esc to stop"
	case errors.Is(err, oauth.ErrStateMismatch):
		return err.Error() + " · an old tab? open the URL above, sign in, and paste where the browser lands"
	}
	return err.Error() + ": nothing stored · press " + paste + " to paste again"
}

// callbackFailed is the error of a callback that is refused, in the
// words tokenscope login uses.
func callbackFailed(name string, err error) error {
	var ce *oauth.CallbackError
	switch {
	case errors.As(err, &ce) && ce.Code == "access_denied":
		return fmt.Errorf("login %s: %w: nothing stored · press f to try again", name, err)
	case errors.Is(err, oauth.ErrStateMismatch):
		return fmt.Errorf("login %s: %w · an old tab? press f to sign in again", name, err)
	}
	return fmt.Errorf("login %s: %w: nothing stored", name, err)
}

func (m *Model) onDevice(msg deviceMsg) tea.Cmd {
	s := m.live(msg.name, msg.seq)
	if s == nil {
		return nil
	}
	if msg.err != nil {
		delete(m.signIns, msg.name)
		return m.failSignIn(msg.name, msg.seq, msg.err)
	}
	da := msg.da
	s.pane.SetDevice(da.UserCode, da.VerificationURI, da.VerificationURIComplete, da.Expires)
	if da.ExpiryAssumed {
		s.pane.SetExpiryAssumed()
	}
	f := newPollFeed()
	return tea.Batch(pollCmd(s.ctx, m.client, m.vault, msg.name, msg.seq, da, f), feedCmd(msg.name, f))
}

// cancelSignIn stops the named sign-in: the listener closes, the polling
// stops, nothing is stored, and the fetch is over. A device sign-in's
// poll may have its token and be storing it this instant: its fetch ends
// when the poll returns, with the token it stored if it did, so the
// explorer never says "nothing stored" of a token the store holds.
func (m *Model) cancelSignIn(name string) tea.Cmd {
	s := m.signIns[name]
	if s == nil || s.cancelling || s.pane.Phase() == login.Redeeming {
		return nil
	}
	s.cancel()
	if s.pane.Kind() == login.Device && s.pane.Phase() == login.Waiting {
		s.cancelling = true
		s.pane.SetCancelling()
		m.setStatusOf(name, status.Info, "cancelling the sign-in to "+name+"…")
		return nil
	}
	delete(m.signIns, name)
	m.sess.Finish(name, s.seq)
	m.setStatusOf(name, status.Info, "sign-in to "+name+" cancelled: nothing stored")
	return closeCmd(s.loop)
}

// stopSignIns ends the sign-ins still under way when the explorer quits:
// their polls stop and their listeners close, so a browser that comes back
// is told tokenscope stopped instead of waiting on a program that is gone.
func (m Model) stopSignIns() {
	for name, s := range m.signIns {
		s.cancel()
		if s.loop != nil {
			_ = s.loop.Close()
		}
		delete(m.signIns, name)
	}
}

// syncSignIns gives the sign-in panes the clock, the spinner's frame and
// the detail pane's size, and lets the shown pane's keys win over the
// explorer's own that share them.
func (m *Model) syncSignIns() {
	if len(m.signIns) == 0 {
		return
	}
	f := m.spinner.View()
	now := m.now // the tick's, as every countdown
	if now.IsZero() {
		now = m.clock()
	}
	for _, s := range m.signIns {
		s.pane.SetNow(now)
		s.pane.SetSpinnerFrame(f)
		s.pane.SetStyles(&m.styles.Login)
		s.pane.SetSize(m.laidOut.detW, m.laidOut.detH)
	}
	if s := m.signInShown(); s != nil {
		k := &m.keys
		k.CopyHeader.SetEnabled(k.CopyHeader.Enabled() && !s.pane.KeyMap.Copy.Enabled())
		k.Response.SetEnabled(k.Response.Enabled() && !s.pane.KeyMap.Open.Enabled())
		k.Back.SetEnabled(k.Back.Enabled() && !s.pane.KeyMap.Cancel.Enabled())
		if s.pane.Typing() {
			// The field takes every key, q and ? of a URL as well.
			k.Quit.SetEnabled(false)
			k.Help.SetEnabled(false)
		}
	}
}

// signInTyping reports whether the shown sign-in pane's field is open.
func (m *Model) signInTyping() bool {
	s := m.signInShown()
	return s != nil && s.pane.Typing()
}

// signInView is the shown sign-in's pane in place of the detail, ok false
// when the selected provider has none.
func (m *Model) signInView() (string, bool) {
	s := m.signInShown()
	if s == nil {
		return "", false
	}
	return s.pane.View(), true
}

// signInHelp is the shown sign-in pane's keys, for the help line.
func (m *Model) signInHelp() []key.Binding {
	if s := m.signInShown(); s != nil {
		return s.pane.KeyMap.ShortHelp()
	}
	return nil
}

// unshadowed is bs without the bindings the shown sign-in pane's keys
// take first (esc cancels the sign-in, not the filter), so the help line
// does not offer one key twice.
func (m *Model) unshadowed(bs []key.Binding) []key.Binding {
	pane := m.signInHelp()
	if len(pane) == 0 {
		return bs
	}
	out := make([]key.Binding, 0, len(bs))
	for _, b := range bs {
		taken := false
		for _, p := range pane {
			for _, k := range b.Keys() {
				taken = taken || (p.Enabled() && slices.Contains(p.Keys(), k))
			}
		}
		if !taken {
			out = append(out, b)
		}
	}
	return out
}

// signInKeys is the sign-in pane's keys for the help page (open, copy,
// paste, cancel): as they are when a pane is shown, dimmed when not.
func (m *Model) signInKeys() login.KeyMap {
	if s := m.signInShown(); s != nil {
		return s.pane.KeyMap
	}
	k := login.DefaultKeyMap()
	for _, b := range []*key.Binding{&k.Open, &k.Copy, &k.Paste, &k.Cancel} {
		b.SetEnabled(false)
	}
	return k
}
