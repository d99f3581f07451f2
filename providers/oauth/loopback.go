package oauth

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
)

// Loopback is the redirect URI a login listens on (RFC 8252 §7.3): an
// HTTP server on the loopback interface that takes the browser's one
// callback and answers it with a small page once the login knows how it
// ended.
type Loopback struct {
	// RedirectURI is the URI listened on, its port the one the system
	// picked when the provider's gave none (or 0).
	RedirectURI string
	path        string
	ln          net.Listener
	srv         *http.Server
	got         chan *Callback
	done        chan struct{}
	closing     sync.Once
}

// Callback is one request to the redirect URI: its query, and the page
// that answers it, sent by Reply.
type Callback struct {
	// Query is the callback's raw query, for ParseCallback.
	Query string
	reply chan page
}

// page is the answer the browser gets.
type page struct {
	ok  bool
	msg string
}

// Reply answers the browser: a page saying the login is done and the tab
// can be closed when ok, else why it failed (msg, the server's words
// included, is shown through display.Text and HTML-escaped). Only the first reply counts.
func (cb *Callback) Reply(ok bool, msg string) {
	select {
	case cb.reply <- page{ok: ok, msg: msg}:
	default:
	}
}

// ListenLoopback listens on redirectURI, which must be an http URI on
// 127.0.0.1, [::1] or localhost (providers.LoopbackRedirect); its port is
// honoured exactly, a port of 0 or none is one the system picks, and
// RedirectURI says which. It listens before it returns, so the
// authorization URL can be shown knowing the callback will be heard.
func ListenLoopback(redirectURI string) (*Loopback, error) {
	if !providers.LoopbackRedirect(redirectURI) {
		return nil, fmt.Errorf("redirect_uri %s is not on this machine's loopback (http://127.0.0.1:PORT/PATH): "+
			"tokenscope cannot listen there", redirectURI)
	}
	u, _ := url.Parse(redirectURI)
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "0"
	}
	listenHost := host
	if strings.EqualFold(host, "localhost") {
		listenHost = "127.0.0.1" // what localhost is for every browser
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(listenHost, port))
	if err != nil {
		return nil, fmt.Errorf("listen on %s for the browser's callback: %w", redirectURI, err)
	}
	if port == "0" {
		u.Host = net.JoinHostPort(host, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	l := &Loopback{RedirectURI: u.String(), path: path, ln: ln, got: make(chan *Callback), done: make(chan struct{})}
	l.srv = &http.Server{Handler: http.HandlerFunc(l.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

// serve hands the callback to Wait and answers with the page Reply sends.
func (l *Loopback) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.EscapedPath() != l.path {
		http.NotFound(w, r) // a favicon, a stray request: not the callback
		return
	}
	cb := &Callback{Query: r.URL.RawQuery, reply: make(chan page, 1)}
	var pg page
	select {
	case l.got <- cb:
		select {
		case pg = <-cb.reply:
		case <-r.Context().Done():
			return
		case <-l.done:
			pg = page{msg: "tokenscope stopped before this login ended."}
		}
	case <-l.done:
		pg = page{msg: "This login is over: tokenscope no longer waits for it."}
	case <-r.Context().Done():
		return
	}
	writePage(w, pg)
}

// writePage writes the small page the browser shows at the end.
func writePage(w http.ResponseWriter, pg page) {
	title, status := "Signed in", http.StatusOK
	body := "tokenscope has the token. You can close this tab."
	if !pg.ok {
		title, status, body = "Sign-in failed", http.StatusBadRequest, pg.msg+" You can close this tab."
	} else if pg.msg != "" {
		body = pg.msg + " You can close this tab."
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!doctype html><html lang="en"><meta charset="utf-8"><title>tokenscope: %s</title>`+
		`<body style="font-family:system-ui,sans-serif;margin:4em auto;max-width:36em"><h1>%s</h1><p>%s</p></body></html>`,
		title, title, html.EscapeString(display.Text(body)))
}

// Wait returns the first callback, or ctx's error when it ends first.
func (l *Loopback) Wait(ctx context.Context) (*Callback, error) {
	select {
	case cb := <-l.got:
		return cb, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close stops listening, after the page a Reply sent has reached the
// browser (within a few seconds).
func (l *Loopback) Close() error {
	var err error
	l.closing.Do(func() {
		close(l.done)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		err = l.srv.Shutdown(ctx)
		if errors.Is(err, context.DeadlineExceeded) {
			err = l.srv.Close()
		}
	})
	return err
}

// Login redeems code for the named provider's token (Redeem) and stores
// it as an interactive login's new grant (signIn).
func (c *Client) Login(ctx context.Context, st State, name string, az *Authorization, code string) (Outcome, error) {
	return c.signIn(ctx, st, name, "browser login", func(p providers.Provider) (*providers.Token, error) {
		return c.Redeem(ctx, p, az, code)
	})
}

// signIn obtains the named provider's token from a person's sign-in (a
// browser's code, a device approval) and stores it with an issued event
// saying how, as Ensure stores a new grant; a refusal is recorded as a
// failed event, the stored token kept. An interrupted or abandoned
// sign-in records nothing.
func (c *Client) signIn(ctx context.Context, st State, name, how string,
	obtain func(providers.Provider) (*providers.Token, error)) (Outcome, error) {
	res, _, err := c.Resolve(ctx, st, name)
	if err != nil {
		return Outcome{Stored: res.Stored}, err
	}
	tok, err := obtain(res.Provider)
	now := c.now()
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, context.Canceled) {
			return Outcome{Stored: res.Stored}, err
		}
		ev := providers.Event{At: now, Kind: providers.EventFailed, Detail: errLine(err)}
		held, rerr := st.RecordEvent(name, ev)
		if rerr != nil {
			return Outcome{Stored: res.Stored}, errors.Join(err, fmt.Errorf("record the failure for %s: %w", name, rerr))
		}
		return Outcome{Token: held.Token, Event: ev, Stored: &held}, err
	}
	out := Outcome{Token: tok, How: NewGrant,
		Event: providers.Event{At: now, Kind: providers.EventIssued, Detail: how + ", " + expiryDetail(tok, now)}}
	stored, err := st.Record(name, tok, out.Event)
	if err != nil {
		return Outcome{Stored: res.Stored}, fmt.Errorf("store the new token for %s: %w", name, err)
	}
	out.Stored = &stored
	return out, nil
}
