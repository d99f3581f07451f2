package oauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
)

// response is one HTTP answer, its body read (at most MaxBodySize).
type response struct {
	statusLine string
	status     int
	header     http.Header
	body       []byte
	date       time.Time // our clock when the answer arrived
	latency    time.Duration
	attempts   int
}

// urlError is a request that could not even be built.
type urlError struct{ msg string }

func (e *urlError) Error() string { return e.msg }

// once sends rq one time and reads the answer.
func (c *Client) once(ctx context.Context, hc *http.Client, rq *request, red *redactor) (*response, error) {
	var body io.Reader
	payload := rq.payload()
	if rq.contentType != "" {
		body = strings.NewReader(payload)
	}
	if err := providers.CheckUserinfo("url", rq.url); err != nil {
		// A URL stored before the rule: its password is never sent,
		// traced or quoted in an error.
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, rq.fullURL(), body)
	if err != nil {
		return nil, &urlError{msg: red.clean(cleanURLError(err, red).Error())}
	}
	setHeaders(req, rq)
	traced := rq.tracedPayload()
	sent, start := c.now(), time.Now()
	res, err := hc.Do(req)
	if err != nil {
		// Cleaned before the trace too: its "no answer" line quotes the
		// URL, whose query holds a GET request's secrets.
		err = cleanURLError(err, red)
		c.traceExchange(red, req, traced, nil, err, sent, time.Since(start))
		return nil, err
	}
	defer func() { _ = res.Body.Close() }()
	b, err := readCapped(res)
	resp := &response{
		statusLine: res.Proto + " " + res.Status, status: res.StatusCode, header: res.Header,
		body: b, date: c.now(), latency: time.Since(start),
	}
	err = cleanURLError(err, red)
	c.traceExchange(red.answer(b), req, traced, resp, err, sent, resp.latency)
	if errors.Is(err, errBodyTooLarge) {
		return nil, &tooLarge{status: res.StatusCode}
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// tooLarge is errBodyTooLarge with the status of the answer it came with.
type tooLarge struct{ status int }

func (e *tooLarge) Error() string { return errBodyTooLarge.Error() }
func (e *tooLarge) Unwrap() error { return errBodyTooLarge }

// setHeaders puts rq's headers on req.
func setHeaders(req *http.Request, rq *request) {
	req.Header.Set("User-Agent", UserAgent)
	if rq.accept != "" {
		req.Header.Set("Accept", rq.accept)
	}
	if rq.contentType != "" {
		req.Header.Set("Content-Type", rq.contentType)
	}
	if rq.basic != nil {
		req.Header.Set("Authorization", rq.basic.header())
	}
	if rq.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+rq.bearer)
	}
	for _, h := range rq.plain {
		req.Header.Set(h.key, h.value)
	}
	for _, h := range rq.header {
		req.Header.Set(h.key, h.value)
	}
}

// readCapped reads a body of at most MaxBodySize bytes.
func readCapped(res *http.Response) ([]byte, error) {
	if res.ContentLength > MaxBodySize {
		return nil, errBodyTooLarge
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, MaxBodySize+1))
	if len(b) > MaxBodySize {
		return nil, errBodyTooLarge
	}
	return b, err
}

// cleanURLError rebuilds a *url.Error with its URL masked: the URL of a
// query-authenticated provider carries the client secret, a GET token
// request's every parameter. The secret parameters are masked by their
// place first, since the redactor's matching by value skips short values.
func cleanURLError(err error, red *redactor) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: red.clean(maskURL(ue.URL, providers.SecretParam)), Err: ue.Err}
	}
	return err
}

// traceExchange writes one request and its answer (or failure) to the
// trace, every line through the redactor and display.Block, as one write so that concurrent
// exchanges do not interleave, and hands the same text to the request's
// trace hook (WithTrace). payload is the body with its secrets already
// masked by their place (request.tracedPayload).
func (c *Client) traceExchange(red *redactor, req *http.Request, payload string, resp *response, err error,
	sent time.Time, elapsed time.Duration) {
	hook := traceHook(req.Context())
	if c.opts.Trace == nil && hook == nil {
		return
	}
	var b bytes.Buffer
	u := *req.URL
	u.User = nil // never printed, whatever reached here
	u.RawQuery = maskParams(u.RawQuery)
	fmt.Fprintf(&b, "> %s %s %s\n", req.Method, u.String(), req.Proto)
	fmt.Fprintf(&b, "> Host: %s\n", req.URL.Host)
	writeHeaders(&b, "> ", req.Header, red.headers)
	b.WriteString(">\n")
	writeBody(&b, "> ", payload)
	if err != nil && resp == nil {
		fmt.Fprintf(&b, "* no answer: %v\n", err)
	}
	if resp != nil {
		fmt.Fprintf(&b, "< %s (%s)\n", resp.statusLine, display.Latency(resp.latency))
		writeHeaders(&b, "< ", resp.header, nil)
		b.WriteString("<\n")
		writeBody(&b, "< ", string(resp.body))
		if err != nil {
			fmt.Fprintf(&b, "* body not read: %v\n", err)
		}
	}
	b.WriteString("\n")
	// Masked first, so that a secret is found as it was sent; then every
	// line is made safe to show, since the answer is the server's text.
	out := display.Block(red.clean(b.String()))
	if hook != nil {
		x := Exchange{At: sent, Method: req.Method, URL: red.clean(u.String()), Elapsed: elapsed, Text: out}
		if resp != nil {
			x.Status = resp.status
		}
		hook(x)
	}
	if c.opts.Trace == nil {
		return
	}
	c.traceMu.Lock()
	defer c.traceMu.Unlock()
	_, _ = c.opts.Trace.Write([]byte(out))
}

// writeHeaders writes h sorted by name. Credentials are masked whole, their
// scheme kept, and so are the headers named in secret: the redactor masks
// the rest.
func writeHeaders(b *bytes.Buffer, prefix string, h http.Header, secret map[string]bool) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			switch http.CanonicalHeaderKey(k) {
			case "Authorization", "Proxy-Authorization":
				scheme, _, _ := strings.Cut(v, " ")
				v = scheme + " " + mask
			case "Cookie", "Set-Cookie":
				name, _, _ := strings.Cut(v, "=")
				v = name + "=" + mask
			default:
				if secret[http.CanonicalHeaderKey(k)] {
					v = mask
				}
			}
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, v)
		}
	}
}

// writeBody writes a body line by line under prefix.
func writeBody(b *bytes.Buffer, prefix, body string) {
	if body == "" {
		return
	}
	for line := range strings.Lines(body) {
		b.WriteString(prefix)
		b.WriteString(strings.TrimRight(line, "\r\n"))
		b.WriteByte('\n')
	}
}
