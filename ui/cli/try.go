package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// cmdTry is "tokenscope try NAME": the provider's try request with its
// token, renewed first as header renews it. The status line and headers
// go to stderr, the body to stdout (pretty-printed JSON on a terminal,
// else as received); an answer other than 2xx exits 1 after printing.
func (a *app) cmdTry(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	var f ensureFlags
	f.register(fs)
	asJSON := fs.Bool("json", false, "print {method, url, status, headers, body, elapsed} as JSON to standard output")
	pos, err := a.parse(cmd, fs, args, 1, 1)
	if err != nil {
		return err
	}
	name := pos[0]
	f.check = func(p providers.Provider) error {
		if p.TryURL == "" {
			return withHint(fmt.Errorf("%s has no try request", name),
				"give it a try_url (and try_method, try_body) in its providers file and import it again, or add it again with --try-url URL --replace")
		}
		return nil
	}
	p, tok, err := a.ensure(ctx, cmd.name, name, f)
	if err != nil {
		return err
	}
	rec := &recorder{base: transport(p)}
	o := oauth.Options{HTTPClient: &http.Client{Transport: rec}}
	if f.trace {
		o.Trace = a.stderr
	}
	res, err := oauth.NewClient(o).Try(ctx, p, tok)
	if err != nil {
		return err
	}
	ans := rec.answer()
	// The engine's own masker: the answer may echo a secret in any form
	// the trace hides it in.
	m := oauth.Masker(p, tok)
	body := []byte(m(string(ans.body)))
	if *asJSON {
		if err := writeJSON(a.stdout, tryJSON(res, ans, body, m)); err != nil {
			return err
		}
	} else {
		a.printHead(res, ans, m)
		if err := a.printBody(body, res.ContentType); err != nil {
			return err
		}
	}
	if res.Status < 200 || res.Status > 299 {
		return withHint(fmt.Errorf("try %s: %s %s answered HTTP %s", name, res.Method, res.URL, statusText(res.Status, ans)),
			tryHint(name, res.Status))
	}
	return nil
}

// tryHint says what to look at when the API refused the token.
func tryHint(name string, status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "the API refused the token: tokenscope try " + name + " --fresh tries a new one, tokenscope token " + name + " --json shows its scope and audience"
	case http.StatusForbidden:
		return "the token lacks a permission the API needs: check the scope (tokenscope token " + name + " --json)"
	}
	return "the body above says why"
}

// statusText is "200 OK", from the answer's status line when there is one.
func statusText(code int, ans tryAnswer) string {
	if ans.status != "" {
		return ans.status
	}
	return fmt.Sprintf("%d %s", code, http.StatusText(code))
}

// printHead writes the request line, the status line and the response
// headers to stderr, as curl -i shows them, every value shown through
// display.Text.
func (a *app) printHead(res *oauth.TryResult, ans tryAnswer, m func(string) string) {
	fmt.Fprintf(a.stderr, "%s %s\n", display.Text(res.Method), display.Text(res.URL))
	proto := ans.proto
	if proto == "" {
		proto = "HTTP"
	}
	fmt.Fprintf(a.stderr, "%s %s (%s)\n", display.Text(proto), display.Text(statusText(res.Status, ans)), res.Latency.Round(time.Millisecond))
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range ans.header {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, v := range ans.header[k] {
			fmt.Fprintf(a.stderr, "%s: %s\n", display.Text(k), display.Text(m(v)))
		}
	}
}

// printBody writes the body to stdout: on a terminal, pretty-printed when
// it is JSON and shown through display.Block; elsewhere as it came, for
// jq or a file.
func (a *app) printBody(body []byte, contentType string) error {
	if !a.hooks.isTerminal(a.stdout) {
		_, err := a.stdout.Write(body)
		return err
	}
	if len(body) == 0 {
		return nil
	}
	text := body
	var pretty bytes.Buffer
	if json.Valid(body) && json.Indent(&pretty, body, "", "  ") == nil {
		text = pretty.Bytes()
	} else if !utf8.Valid(body) && !strings.HasPrefix(contentType, "text/") {
		a.printf("the body is %d bytes of binary data, not shown on the terminal: redirect it to a file", len(body))
		return nil
	}
	s := display.Block(string(text))
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	_, err := io.WriteString(a.stdout, s)
	return err
}

// tryOut is try --json: what the explorer's response view shows.
type tryOut struct {
	Method  string              `json:"method"`
	URL     string              `json:"url"`
	Status  int                 `json:"status"`
	Headers map[string][]string `json:"headers"`
	// Body is the body as text; BodyBase64 replaces it when the body is
	// not UTF-8.
	Body       *string `json:"body,omitempty"`
	BodyBase64 string  `json:"body_base64,omitempty"`
	// Elapsed is the time to the answer, in seconds (as curl's
	// time_total).
	Elapsed float64 `json:"elapsed"`
}

func tryJSON(res *oauth.TryResult, ans tryAnswer, body []byte, m func(string) string) tryOut {
	out := tryOut{Method: res.Method, URL: res.URL, Status: res.Status, Headers: map[string][]string{},
		Elapsed: res.Latency.Seconds()}
	for k, vs := range ans.header {
		for _, v := range vs {
			out.Headers[k] = append(out.Headers[k], m(v))
		}
	}
	if utf8.Valid(body) {
		s := string(body)
		out.Body = &s
	} else {
		out.BodyBase64 = base64.StdEncoding.EncodeToString(body)
	}
	return out
}

// recorder is the try request's transport: it keeps the status line,
// headers and body of the last answer (after redirects), which the
// engine's TryResult summarises, for the command to print in full.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	last tryAnswer
	buf  *bytes.Buffer
}

// tryAnswer is what the recorder kept of an answer.
type tryAnswer struct {
	proto, status string
	header        http.Header
	body          []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	buf := &bytes.Buffer{}
	r.mu.Lock()
	r.last = tryAnswer{proto: resp.Proto, status: resp.Status, header: resp.Header.Clone()}
	r.buf = buf
	r.mu.Unlock()
	resp.Body = &teeBody{ReadCloser: resp.Body, buf: buf, mu: &r.mu}
	return resp, nil
}

// answer is the last answer, its body as far as the engine read it.
func (r *recorder) answer() tryAnswer {
	r.mu.Lock()
	defer r.mu.Unlock()
	a := r.last
	if r.buf != nil {
		a.body = bytes.Clone(r.buf.Bytes())
	}
	return a
}

// teeBody copies what is read of a body, up to the engine's own cap.
type teeBody struct {
	io.ReadCloser
	buf *bytes.Buffer
	mu  *sync.Mutex
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	t.mu.Lock()
	if room := oauth.MaxBodySize - t.buf.Len(); room > 0 {
		t.buf.Write(p[:min(n, room)])
	}
	t.mu.Unlock()
	return n, err
}

// transport is the try request's transport, as the engine builds its own
// for p: proxies from the environment, a dial timeout, TLS 1.2 or later,
// verified unless p is insecure.
func transport(p providers.Provider) http.RoundTripper {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig: &tls.Config{
			MinVersion:         tls.VersionTLS12,
			InsecureSkipVerify: p.Insecure, //nolint:gosec // only for a provider the user marked insecure, warned about on every use
		},
	}
}
