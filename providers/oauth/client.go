// Package oauth is the engine: it speaks OAuth 2.0 the way real providers
// speak it, executing every provider dialect (the presets of package
// providers) from data. It builds and sends the requests (token, refresh,
// logout, revocation, try), retries what is worth retrying, parses the
// lenient token responses (ParseTokenResponse), reports errors in the
// server's own words with a hint, masks every secret in errors and traces,
// and prints requests as curl commands. It reads and records tokens
// through the State it is given, and says what it did (Outcome,
// ForgetOutcome).
package oauth

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// Options configures a Client. The zero value is ready to use.
type Options struct {
	// HTTPClient sends every request; nil builds one per provider with a
	// dial timeout, TLS verified unless the provider is Insecure, and the
	// proxy from HTTPS_PROXY/HTTP_PROXY/NO_PROXY. A given client is used as
	// it is (Insecure cannot change its TLS), except that token, logout and
	// revocation requests never follow redirects.
	HTTPClient *http.Client
	// Now is the clock for issue and expiry times; nil means time.Now.
	Now func() time.Time
	// Trace, when set, receives the whole of every exchange (request line,
	// headers, body, response status, headers, body) with every secret masked.
	Trace io.Writer
	// MaxRetries bounds the retries after a network error, a 429 or a 5xx:
	// 0 means 3, negative means none, and more than 3 is taken as 3.
	MaxRetries int
	// Sleep waits between retries; nil waits on a timer. It must return
	// ctx's error when ctx ends first. Tests inject one to see the delays.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client executes providers: token requests, refreshes, logouts and try
// requests. It is safe for concurrent use.
type Client struct {
	opts     Options
	secure   *http.Transport
	insecure *http.Transport
	traceMu  sync.Mutex
}

// Limits of the engine.
const (
	// maxRetriesCap is the most retries ever made ("no more than 3 retries
	// in quick succession", as mobile.digital asks).
	maxRetriesCap = 3
	dialTimeout   = 10 * time.Second
	// MaxBodySize caps every response body the engine reads.
	MaxBodySize = 1 << 20
)

// NewClient returns a Client with the given options.
func NewClient(o Options) *Client {
	c := &Client{opts: o}
	if o.HTTPClient == nil {
		c.secure = newTransport(false)
		c.insecure = newTransport(true)
	}
	return c
}

// newTransport is the engine's own transport: proxies from the
// environment, a dial timeout, TLS 1.2 or later, verified unless insecure.
func newTransport(insecure bool) *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   dialTimeout,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig: &tls.Config{
			MinVersion:         tls.VersionTLS12,
			InsecureSkipVerify: insecure, //nolint:gosec // only for a provider the user marked insecure, shown as a warning
		},
	}
}

// JWKSClient is the HTTP client to fetch p's JWKS with (for jwt.Verify):
// it reaches p as its token requests do, through the same transport (TLS
// verified unless p is insecure, HTTPS_PROXY honoured), bounded by p's
// timeout, and without following redirects to another host.
func (c *Client) JWKSClient(p providers.Provider) *http.Client {
	hc := c.httpClient(p, true)
	hc.Timeout = p.Timeout
	if hc.Timeout <= 0 {
		hc.Timeout = providers.DefaultTimeout
	}
	return hc
}

// httpClient returns the client to send p's requests with; follow says
// whether redirects are followed (only for the try request: a token
// request re-sent elsewhere would carry the client's credentials along).
func (c *Client) httpClient(p providers.Provider, follow bool) *http.Client {
	var hc http.Client
	switch {
	case c.opts.HTTPClient != nil:
		hc = *c.opts.HTTPClient
	case p.Insecure:
		hc.Transport = c.insecure
	default:
		hc.Transport = c.secure
	}
	if follow {
		hc.CheckRedirect = sameHostRedirects
	} else {
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return &hc
}

// staleRefresh reports whether err is the server refusing the refresh
// token itself (RFC 6749 invalid_grant, Telenor's code 7), after which a
// new grant still works. Any other refusal, a wrong client secret above
// all, is the answer: a new grant would fail the same way, and the user
// must see why the refresh failed.
func staleRefresh(err error) bool {
	var e *Error
	if !errors.As(err, &e) || e.Status < 400 || e.Status >= 500 {
		return false
	}
	switch strings.ToLower(e.Code) {
	case "invalid_grant", "invalid_token", "expired_token":
		return true
	}
	return e.Code == "7" || e.Number == "7"
}

// sameHostRedirects follows redirects on the first request's host only.
// net/http drops Authorization when the host changes, but it forwards
// every other header, and a provider's extra headers (MoMo's subscription
// key) are secrets: a redirect elsewhere is shown, not followed.
func sameHostRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if req.URL.Host != via[0].URL.Host || (via[0].URL.Scheme == "https" && req.URL.Scheme != "https") {
		return http.ErrUseLastResponse
	}
	return nil
}

func (c *Client) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}

func (c *Client) retries() int {
	switch n := c.opts.MaxRetries; {
	case n == 0:
		return maxRetriesCap
	case n < 0:
		return 0
	default:
		return min(n, maxRetriesCap)
	}
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.opts.Sleep != nil {
		return c.opts.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Fetch obtains a new token with p's grant.
func (c *Client) Fetch(ctx context.Context, p providers.Provider) (*providers.Token, error) {
	return c.grant(ctx, p, opFetch, "")
}

// Refresh renews old: with the refresh_token grant when old has a refresh
// token (keeping the server's new refresh token when it rotates one, the
// old one when it sends none), falling back to a new grant when the server
// refuses the refresh token; with a new grant when old has none, or when p
// sends its token requests with GET, which would put the refresh token in
// the URL.
func (c *Client) Refresh(ctx context.Context, p providers.Provider, old *providers.Token) (*providers.Token, error) {
	tok, _, err := c.refresh(ctx, p, old)
	return tok, err
}

// refresh is Refresh, also saying whether the refresh token was used.
func (c *Client) refresh(ctx context.Context, p providers.Provider, old *providers.Token) (tok *providers.Token, refreshed bool, err error) {
	if old == nil || old.RefreshToken == "" || p.TokenMethod == providers.MethodGET {
		tok, err = c.grant(ctx, p, opFetch, "")
		return tok, false, err
	}
	tok, err = c.grant(ctx, p, opRefresh, old.RefreshToken.Reveal(), old.Nonce.Reveal())
	if staleRefresh(err) && p.Grant.Interactive() {
		// Only a person gets a new one: say so with the server's refusal.
		var e *Error
		if errors.As(err, &e) {
			e.Hint = "the refresh token is spent or revoked: " + loginHint(p.Name)
		}
		return nil, false, err
	}
	if staleRefresh(err) {
		// The refresh token is spent or revoked: a new grant still works.
		tok, err = c.grant(ctx, p, opFetch, "")
		return tok, false, err
	}
	if err != nil {
		return nil, false, err
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = old.RefreshToken
	}
	// The grant's nonce stays with it: a refreshed id_token that carries
	// one carries the login's (OpenID Connect Core §12.2).
	tok.Nonce, tok.Refreshed = old.Nonce, true
	return tok, true, nil
}

// grant sends one token request (a new grant, or with refresh set the
// refresh_token grant) and parses the answer; hidden are more values to
// mask in its trace and errors (the grant's nonce).
func (c *Client) grant(ctx context.Context, p providers.Provider, op, refresh string, hidden ...string) (*providers.Token, error) {
	if refresh == "" && p.Grant.Interactive() {
		// Nothing to send: the code comes from a browser (Login).
		return nil, loginRequired(p)
	}
	red := newRedactor(p, append([]string{refresh}, hidden...)...)
	if p.TokenMethod == providers.MethodNone {
		// A static key: the key is the token, and nothing is sent.
		err := p.Validate()
		if err == nil {
			err = p.MissingKey()
		}
		if err != nil {
			return nil, &Error{Op: op, Provider: p.Name, Err: err, red: red}
		}
		now := c.now()
		return &providers.Token{AccessToken: p.ClientSecret, TokenType: "Bearer", IssuedAt: now, ReceivedAt: now,
			ExpirySource: providers.ExpiryNever}, nil
	}
	rq, err := tokenRequest(p, refresh)
	if err != nil {
		return nil, &Error{Op: op, Provider: p.Name, Err: err, red: red}
	}
	resp, err := c.send(ctx, p, op, rq, red, true, false)
	if err != nil {
		return nil, err
	}
	if resp.status < 200 || resp.status > 299 || refusedIn2xx(resp.body) {
		return nil, responseError(op, p, rq, resp, red)
	}
	tok, err := ParseTokenResponseFields(resp.body, resp.header, resp.date, p.Fields())
	if err != nil {
		if w, ok := serverWords(resp.body); ok && w.code != "" && !strings.EqualFold(w.code, "INS-0") {
			// A 200 carrying an error, as some gateways answer.
			return nil, responseError(op, p, rq, resp, red)
		}
		return nil, unreadableAnswer(op, p, rq, resp, red, err, notATokenResponse)
	}
	if err := withSession(p, tok); err != nil {
		return nil, &Error{Op: op, Provider: p.Name, Err: err, red: red.with(tok.AccessToken.Reveal())}
	}
	return tok, nil
}

// timeoutError says a request got no (whole) answer in time.
type timeoutError struct{ after time.Duration }

func (e *timeoutError) Error() string   { return fmt.Sprintf("no answer within %s (timeout)", e.after) }
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Is(t error) bool { return t == context.DeadlineExceeded }

// errBodyTooLarge is returned for a body over MaxBodySize.
var errBodyTooLarge = fmt.Errorf("response body larger than %d MiB, refused", MaxBodySize>>20)
