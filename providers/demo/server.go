// Package demo is an embedded loopback OAuth 2.0 server that speaks every
// dialect tokenscope ships a preset for, the way the real providers' token
// pages document them, and refuses what the real ones refuse, each in its
// own error format. It powers `tokenscope --demo` and the engine's wire
// tests: tokens are short-lived so countdowns move, JWTs carry exp where the
// real provider issues JWTs, and one provider always fails so errors can be
// seen.
//
// Paths mirror the real ones under one prefix per dialect:
//
//	/mtn/v1/oauth/access_token            MTN developer APIs (Apigee)
//	/mtn/customers/{msisdn}/subscriptions MTN's first API call (Bearer)
//	/momo/{product}/token/                MTN MoMo, per product
//	/momo/v1_0/apiuser[/{id}[/apikey]]    MoMo's sandbox user provisioning
//	/mobifinance/oauth/token              Mobifinance
//	/telenor/oauth/v2/token, /logout      Telenor Norway
//	/mobiledigital/prod/oauth2/token      mobile.digital (AWS API Gateway)
//	/mobiledigital/prod/test-oauth2       its token check (Bearer)
//	/mobiledigital/prod/sendSMS           its SMS call (Bearer, scope write)
//	/oauth2/token, /revoke, /jwks         plain RFC 6749 / 7009 / 7517
//	/oauth2/userinfo                      a Bearer-protected resource
//	/oauth2/device_authorization, /device RFC 8628's device grant
//	/mpesa/oauth/v1/generate              Safaricom Daraja (GET)
//	/airtel/auth/oauth2/token             Airtel Money (JSON body)
//	/orange/oauth/v3/token                Orange Developer
//	/vodacom/{env}/ipg/v2/{market}/getSession/  Vodacom M-Pesa OpenAPI (RSA)
//	/vodacom/{env}/ipg/v2/{market}/queryTransactionStatus/  its API call
//	/static/balance                       a static-key API (Paystack's)
//	/broken/...                           a gateway that answers 502 in HTML
package demo

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// DefaultLifetime is the access token lifetime when Options sets none:
// short, so that countdowns visibly move. Some dialects issue shorter ones.
const DefaultLifetime = 90 * time.Second

// maxRequestBody caps what the server reads of a request body.
const maxRequestBody = 1 << 20

// Options configures a demo server. The zero value is ready to use.
type Options struct {
	// Now is the server's clock: issue and expiry times, the Date header.
	// nil means time.Now. Tests pass a fixed clock and move it.
	Now func() time.Time
	// Lifetime is the base access token lifetime; 0 means DefaultLifetime.
	// Mobifinance, Telenor and the plain OAuth 2.0 server issue fractions
	// of it, so that not every countdown ends together.
	Lifetime time.Duration
	// SigningKey is the RSA key RS256 tokens are signed with (MoMo's and
	// the plain OAuth 2.0 server's, each under a kid of this server's
	// own). nil means the server generates its keys on first use. Tests
	// pass one key to every server they start, so that no test pays for
	// key generation on each start.
	SigningKey *rsa.PrivateKey
	// DeviceInterval is the device grant's polling interval, whole
	// seconds; 0 means DefaultDeviceInterval. DeviceLifetime is how long a
	// device code lives; 0 means DefaultDeviceLifetime.
	DeviceInterval, DeviceLifetime time.Duration

	// observe, when set (by this package's tests), sees every request as
	// received, before it is handled.
	observe func(received)
}

// received is one request as it reached the server, body included.
type received struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// Server is a running demo server on a loopback port.
type Server struct {
	opts  Options
	url   string
	srv   *http.Server
	done  chan struct{} // closed when Serve has returned
	once  sync.Once
	store *tokenStore
	codes *codeStore
	// devices are the device grant's codes.
	devices *deviceStore
	keys    *keyring
	// sandbox holds the MoMo API users provisioned on this server.
	sandbox *sandboxUsers
	// HMAC secrets of the dialects that sign HS256 JWTs.
	mobifinanceKey   []byte
	mobiledigitalKey []byte
	// vodacom is the demo market's private key (VodacomPublicKey's).
	vodacom *rsa.PrivateKey
}

// Start listens on 127.0.0.1 on a free port and serves until Close.
func Start(o Options) (*Server, error) {
	if o.Lifetime < 0 {
		return nil, fmt.Errorf("start demo server: negative lifetime %s", o.Lifetime)
	}
	if o.SigningKey != nil {
		if err := o.SigningKey.Validate(); err != nil {
			return nil, fmt.Errorf("start demo server: signing key: %w", err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start demo server: %w", err)
	}
	s := &Server{
		opts:             o,
		url:              "http://" + ln.Addr().String(),
		done:             make(chan struct{}),
		store:            newTokenStore(),
		codes:            newCodeStore(),
		devices:          newDeviceStore(),
		keys:             newKeyring(o.SigningKey),
		sandbox:          newSandboxUsers(),
		mobifinanceKey:   randomBytes(32),
		mobiledigitalKey: randomBytes(32),
		vodacom:          vodacomKey(),
	}
	s.srv = &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // a demo must not write over the explorer's screen
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	return s, nil
}

// URL is the server's base URL, "http://127.0.0.1:PORT", without a slash.
func (s *Server) URL() string { return s.url }

// Close stops the server, ends its open connections and waits until it no
// longer serves. It is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		<-s.done
	})
}

// now is the server's clock.
func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

// lifetime is the access token lifetime of one dialect: the base lifetime
// times num/den, never under two seconds.
func (s *Server) lifetime(num, den int64) time.Duration {
	base := s.opts.Lifetime
	if base == 0 {
		base = DefaultLifetime
	}
	d := base * time.Duration(num) / time.Duration(den)
	return max(d.Truncate(time.Second), 2*time.Second)
}

// exchange is one request being answered: the body already read, the
// clock read once so that every time in one answer agrees.
type exchange struct {
	w    http.ResponseWriter
	r    *http.Request
	body []byte
	now  time.Time
}

// routes maps every dialect's paths. Patterns carry no method: each
// dialect refuses a wrong method in its own words.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h func(*exchange)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if x := s.begin(w, r); x != nil {
				h(x)
			}
		})
	}
	handle("/{$}", s.index)
	handle("/", func(x *exchange) { http.NotFound(x.w, x.r) })

	handle("/mtn/v1/oauth/access_token", s.mtnToken)
	handle("/mtn/customers/{msisdn}/subscriptions", s.mtnSubscriptions)
	handle("/mtn/", s.mtnNoProxy)

	handle("/momo/{product}/token/{$}", s.momoToken)
	handle("/momo/v1_0/apiuser", s.sandboxCreateUser)
	handle("/momo/v1_0/apiuser/{rest...}", s.sandboxUserCall)
	handle("/momo/", s.momoNotFound)

	handle("/mobifinance/oauth/token", s.mobifinanceToken)

	handle("/telenor/oauth/v2/token", s.telenorToken)
	handle("/telenor/oauth/v2/logout", s.telenorLogout)

	handle("/mobiledigital/prod/oauth2/token", s.mobiledigitalToken)
	handle("/mobiledigital/prod/test-oauth2", s.mobiledigitalTest)
	handle("/mobiledigital/prod/sendSMS", s.mobiledigitalSendSMS)
	handle("/mobiledigital/", s.mobiledigitalNoRoute)

	handle("/oauth2/token", s.oauth2Token)
	handle("/oauth2/authorize", s.oauth2Authorize)
	handle("/oauth2/device_authorization", s.oauth2DeviceAuthorization)
	handle("/oauth2/device", s.oauth2DevicePage)
	handle("/oauth2/revoke", s.oauth2Revoke)
	handle("/oauth2/jwks", s.oauth2JWKS)
	handle("/oauth2/userinfo", s.oauth2UserInfo)
	handle("/oauth2/introspect", s.oauth2Introspect)
	// The issuer is $URL/oauth2: its RFC 8414 document with the
	// well-known part inserted before the path (§3.1), its OpenID Connect
	// one appended, and the one appended as older clients look for it.
	handle("/.well-known/oauth-authorization-server/oauth2", s.oauth2Metadata)
	handle("/oauth2/.well-known/openid-configuration", s.oauth2Metadata)
	handle("/oauth2/.well-known/oauth-authorization-server", s.oauth2Metadata)

	handle("/mpesa/oauth/v1/generate", s.darajaToken)
	handle("/airtel/auth/oauth2/token", s.airtelToken)
	handle("/orange/oauth/v3/token", s.orangeToken)
	handle("/vodacom/{env}/ipg/v2/{market}/getSession/{$}", s.vodacomSession)
	handle("/vodacom/{env}/ipg/v2/{market}/queryTransactionStatus/{$}", s.vodacomQuery)
	handle("/static/balance", s.staticBalance)

	handle("/broken/", s.brokenGateway)
	return mux
}

// begin reads the request body (capped), shows the request to the
// observer, and sets the Date header from the server's clock so that the
// clock skew a client computes follows Options.Now. It answers 413 itself
// and returns nil for a body over the cap.
func (s *Server) begin(w http.ResponseWriter, r *http.Request) *exchange {
	now := s.now()
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if s.opts.observe != nil {
		s.opts.observe(received{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: bytes.Clone(body)})
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "cannot read request body", http.StatusBadRequest)
		}
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return &exchange{w: w, r: r, body: body, now: now}
}

// index lists what the server speaks, for a person who opens it in a
// browser.
func (s *Server) index(x *exchange) {
	x.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(x.w, "tokenscope demo server at %s\n\n", s.url)
	for _, p := range s.Providers() {
		fmt.Fprintf(x.w, "%-18s %-14s %s\n", p.Name, p.Preset, p.TokenURL)
	}
	keys := momoSubscriptionKeys()
	fmt.Fprintf(x.w, "\nMoMo sandbox user provisioning at %s/momo/v1_0/apiuser, with the subscription key\n"+
		"%s, %s or %s:\n\n"+
		"    tokenscope momo-sandbox NAME --product collection --base-url %s/momo\n",
		s.url, keys["collection"], keys["disbursement"], keys["remittance"], s.url)
}

// brokenGateway answers every request as an nginx in front of a dead
// upstream does: 502 with an HTML page.
func (s *Server) brokenGateway(x *exchange) {
	x.w.Header().Set("Content-Type", "text/html")
	x.w.Header().Set("Server", "nginx")
	x.w.WriteHeader(http.StatusBadGateway)
	io.WriteString(x.w, brokenPage)
}

// brokenPage is nginx's own 502 page.
const brokenPage = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
	"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

// queryOf parses the raw query; a malformed one counts as empty.
func queryOf(x *exchange) url.Values {
	q, err := url.ParseQuery(x.r.URL.RawQuery)
	if err != nil {
		return url.Values{}
	}
	return q
}
