package ui

// The sign-ins' commands: what runs off the event loop while a person
// signs in (the listener, the wait for the browser, the redeem, the
// device grant's request and polls, the browser opened), and the feed that
// hands the polls to the exchange log as they are made.

import (
	"context"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/browser"
	"github.com/tokenscope/tokenscope/ui/session"
)

// listenCmd opens the loopback listener on the provider's redirect URI
// (none when it is not on this machine), then (the endpoints maybe
// discovered) builds the authorization request.
func listenCmd(ctx context.Context, c *oauth.Client, v *store.Vault, name string, seq uint64) tea.Cmd {
	return func() tea.Msg {
		msg := listeningMsg{name: name, seq: seq}
		p, _, err := v.Lookup(name)
		if err != nil {
			msg.err = err
			return msg
		}
		redirect := p.RedirectURI
		if redirect == "" {
			redirect = providers.DefaultRedirectURI
		}
		// Off this machine, nothing listens: the person pastes the URL the
		// browser lands on.
		var l *oauth.Loopback
		if providers.LoopbackRedirect(redirect) {
			if l, err = oauth.ListenLoopback(redirect); err != nil {
				msg.err = err
				return msg
			}
			redirect = l.RedirectURI
		}
		var tr tracer
		tctx, cancel := context.WithTimeout(oauth.WithTrace(ctx, tr.add), tokenTimeout)
		defer cancel()
		r, _, err := c.Resolve(tctx, v, name)
		msg.exchanges = tr.taken()
		if err == nil {
			msg.az, err = oauth.NewAuthorization(r.Provider, redirect)
		}
		if err != nil {
			if l != nil {
				_ = l.Close()
			}
			msg.err = err
			return msg
		}
		msg.loop = l
		return msg
	}
}

// waitCmd waits for the browser's callback, loginTimeout at most; with
// no listener (l nil), for loginTimeout to run out, a pasted URL ending
// the sign-in before.
func waitCmd(ctx context.Context, l *oauth.Loopback, name string, seq uint64) tea.Cmd {
	return func() tea.Msg {
		wctx, cancel := context.WithTimeout(ctx, loginTimeout)
		defer cancel()
		if l == nil {
			<-wctx.Done()
			return callbackMsg{name: name, seq: seq, err: wctx.Err()}
		}
		cb, err := l.Wait(wctx)
		return callbackMsg{name: name, seq: seq, cb: cb, err: err}
	}
}

// redeemCmd exchanges the code and stores the token (Client.Login), then
// answers the browser (cb nil for a pasted URL: no one to answer) and
// closes the listener (nil when there is none).
func redeemCmd(ctx context.Context, c *oauth.Client, v *store.Vault, name string, seq uint64,
	az *oauth.Authorization, code string, cb *oauth.Callback, l *oauth.Loopback) tea.Cmd {
	return func() tea.Msg {
		msg := tokenMsg{name: name, seq: seq, op: session.OpFetch}
		var tr tracer
		tctx, cancel := context.WithTimeout(oauth.WithTrace(ctx, tr.add), tokenTimeout)
		defer cancel()
		out, err := c.Login(tctx, v, name, az, code)
		switch {
		case cb == nil:
		case err != nil:
			cb.Reply(false, "tokenscope could not redeem the code: "+err.Error())
		default:
			cb.Reply(true, "")
		}
		if l != nil {
			_ = l.Close()
		}
		msg.err, msg.stored, msg.exchanges = err, out.Stored, tr.taken()
		return msg
	}
}

// deviceStartCmd asks for the device and user codes.
func deviceStartCmd(ctx context.Context, c *oauth.Client, v *store.Vault, name string, seq uint64) tea.Cmd {
	return func() tea.Msg {
		var tr tracer
		tctx, cancel := context.WithTimeout(oauth.WithTrace(ctx, tr.add), tokenTimeout)
		defer cancel()
		msg := deviceMsg{name: name, seq: seq}
		var r oauth.Resolved
		if r, _, msg.err = c.Resolve(tctx, v, name); msg.err == nil {
			msg.da, msg.err = c.StartDevice(tctx, r.Provider)
		}
		msg.exchanges = tr.taken()
		return msg
	}
}

// pollCmd polls until the sign-in is approved, refused or expired (the
// device code bounds it), or the sign-in is cancelled, and stores the
// token. Each poll goes to the exchange log through f as it is made.
func pollCmd(ctx context.Context, c *oauth.Client, v *store.Vault, name string, seq uint64,
	da *oauth.DeviceAuthorization, f *pollFeed) tea.Cmd {
	return func() tea.Msg {
		defer f.close()
		msg := tokenMsg{name: name, seq: seq, op: session.OpFetch}
		out, err := c.DeviceLogin(oauth.WithTrace(ctx, f.add), v, name, da)
		msg.err, msg.stored = err, out.Stored
		return msg
	}
}

// openCmd opens url in the browser.
func openCmd(getenv func(string) string, name, url string) tea.Cmd {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return func() tea.Msg { return openedMsg{name: name, err: browser.Open(getenv, url)} }
}

// closeCmd closes the listener, which waits for the page sent to the
// browser to be delivered.
func closeCmd(l *oauth.Loopback) tea.Cmd {
	if l == nil {
		return nil
	}
	return func() tea.Msg {
		_ = l.Close()
		return nil
	}
}

// pollFeed hands a device sign-in's polls to the explorer as they are
// made, minutes before the sign-in ends: the goroutine polling adds, a
// Cmd that re-arms takes.
type pollFeed struct {
	mu     sync.Mutex
	xs     []oauth.Exchange
	closed bool
	ready  chan struct{} // something added, or closed
}

func newPollFeed() *pollFeed { return &pollFeed{ready: make(chan struct{}, 1)} }

func (f *pollFeed) add(x oauth.Exchange) {
	f.mu.Lock()
	f.xs = append(f.xs, x)
	f.mu.Unlock()
	f.wake()
}

// close says the polling ended: the last take returns more false.
func (f *pollFeed) close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.wake()
}

func (f *pollFeed) wake() {
	select {
	case f.ready <- struct{}{}:
	default:
	}
}

// take waits for polls, or the end, and returns what came.
func (f *pollFeed) take() ([]oauth.Exchange, bool) {
	<-f.ready
	f.mu.Lock()
	defer f.mu.Unlock()
	xs := f.xs
	f.xs = nil
	return xs, !f.closed
}

// feedCmd waits for the next polls of the named sign-in.
func feedCmd(name string, f *pollFeed) tea.Cmd {
	return func() tea.Msg {
		xs, more := f.take()
		return polledMsg{name: name, exchanges: xs, more: more, feed: f}
	}
}
