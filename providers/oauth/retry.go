package oauth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// Backoff between retries: full jitter over an exponential ceiling.
const (
	backoffBase = 500 * time.Millisecond
	backoffCap  = 8 * time.Second
	// maxRetryAfter is the longest Retry-After the engine waits; a server
	// asking for longer gets its answer reported instead.
	maxRetryAfter = time.Minute
)

// send sends rq, retrying network errors, 429 and 5xx when retry is set,
// all within p's timeout. Any HTTP answer is returned as a response for the
// caller to judge; an *Error is returned when no usable answer came.
func (c *Client) send(parent context.Context, p providers.Provider, op string, rq *request, red *redactor, retry, follow bool) (*response, error) {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = providers.DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	hc := c.httpClient(p, follow)
	tries := 1
	if retry {
		tries += c.retries()
	}
	fail := func(attempt int, err error) (*response, error) {
		switch {
		case parent.Err() != nil:
			err = parent.Err()
		case ctx.Err() != nil:
			err = &timeoutError{after: timeout}
		}
		e := &Error{Op: op, Provider: p.Name, Attempts: attempt, Err: err, Hint: failureHint(op, err), red: red}
		e.Method, e.URL = rq.named(red)
		var tl *tooLarge
		if errors.As(err, &tl) {
			e.Status = tl.status // a 502 page over 1 MiB is still a 502
		}
		return nil, e
	}
	for attempt := 1; ; attempt++ {
		resp, err := c.once(ctx, hc, rq, red)
		if err != nil && (ctx.Err() != nil || !transient(err)) {
			return fail(attempt, err)
		}
		if resp != nil {
			resp.attempts = attempt
			if !retryableStatus(resp.status) {
				return resp, nil
			}
		}
		if attempt >= tries {
			if resp != nil {
				return resp, nil
			}
			return fail(attempt, err)
		}
		delay := jitter(attempt)
		if resp != nil {
			if d, ok := retryAfter(resp.header, resp.date); ok {
				if d > maxRetryAfter {
					return resp, nil
				}
				delay = d
			}
		}
		if dl, ok := ctx.Deadline(); ok && delay >= time.Until(dl) {
			// No time left to wait: report what we have now.
			if resp != nil {
				return resp, nil
			}
			return fail(attempt, err)
		}
		if serr := c.sleep(ctx, delay); serr != nil {
			if resp != nil && parent.Err() == nil {
				return resp, nil
			}
			return fail(attempt, orErr(err, serr))
		}
	}
}

func orErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// retryableStatus reports whether an answer is worth another attempt:
// 429 and every 5xx (Mobifinance reports server errors as 505). Never a 4xx.
func retryableStatus(s int) bool { return s == http.StatusTooManyRequests || s >= 500 && s <= 599 }

// transient reports whether a failure to get an answer is worth another
// attempt: network errors are, a certificate the server will keep showing
// or a body too large is not.
func transient(err error) bool {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	var ue *urlError
	var fe *providers.FieldError
	switch {
	case errors.Is(err, errBodyTooLarge), errors.As(err, &ue), errors.As(err, &fe),
		errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &he), errors.As(err, &ci):
		return false
	}
	return true
}

// jitter is the delay before retry n (1-based): uniform in [0, ceiling)
// where the ceiling doubles from backoffBase up to backoffCap.
func jitter(n int) time.Duration {
	ceiling := min(backoffBase<<(n-1), backoffCap)
	return rand.N(ceiling)
}

// retryAfter reads a Retry-After header: delay-seconds, or an HTTP date
// taken relative to the server's own Date header when it sent one.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(24*time.Hour/time.Second) {
			n = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		now = d
	}
	return max(at.Sub(now), 0), true
}

// failureHint says what to check when no usable answer came to op.
func failureHint(op string, err error) string {
	var dns *net.DNSError
	var te interface{ Timeout() bool }
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	switch {
	case errors.Is(err, context.Canceled):
		return ""
	case errors.Is(err, errBodyTooLarge) && op != opTry:
		return "no token endpoint answers with that much: check the URL"
	case errors.As(err, &cv), errors.As(err, &ua), errors.As(err, &he):
		return "the server's certificate is not trusted: fix the URL, or set insecure only for a test server you control"
	case errors.As(err, &dns):
		return "check the host name in the URL"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing listens there: check the URL and HTTPS_PROXY"
	case errors.As(err, &te) && te.Timeout():
		return "the server did not answer in time: check the URL and HTTPS_PROXY, or raise timeout"
	}
	return ""
}
