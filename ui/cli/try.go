package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
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
	o := oauth.Options{}
	if f.trace {
		o.Trace = a.stderr
	}
	// The engine's result holds the whole answer, every secret masked in
	// it as the trace masks it: what the explorer's response view shows.
	res, err := oauth.NewClient(o).Try(ctx, p, tok)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(a.stdout, tryJSON(res)); err != nil {
			return err
		}
	} else {
		a.printHead(res)
		if err := a.printBody(res.Body, res.ContentType); err != nil {
			return err
		}
	}
	if res.Status < 200 || res.Status > 299 {
		return withHint(fmt.Errorf("try %s: %s %s answered HTTP %s", name, res.Method, res.URL, statusText(res)),
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
func statusText(res *oauth.TryResult) string {
	if _, reason, ok := strings.Cut(res.StatusLine, " "); ok && reason != "" {
		return reason
	}
	return fmt.Sprintf("%d %s", res.Status, http.StatusText(res.Status))
}

// printHead writes the request line, the status line and the response
// headers to stderr, as curl -i shows them, every value shown through
// display.Text.
func (a *app) printHead(res *oauth.TryResult) {
	fmt.Fprintf(a.stderr, "%s %s\n", display.Text(res.Method), display.Text(res.URL))
	proto, _, _ := strings.Cut(res.StatusLine, " ")
	if proto == "" {
		proto = "HTTP"
	}
	fmt.Fprintf(a.stderr, "%s %s (%s)\n", display.Text(proto), display.Text(statusText(res)), display.Latency(res.Latency))
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range res.Header {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, v := range res.Header[k] {
			fmt.Fprintf(a.stderr, "%s: %s\n", display.Text(k), display.Text(v))
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

func tryJSON(res *oauth.TryResult) tryOut {
	out := tryOut{Method: res.Method, URL: res.URL, Status: res.Status, Headers: map[string][]string{},
		Elapsed: res.Latency.Seconds()}
	for k, vs := range res.Header {
		out.Headers[k] = append(out.Headers[k], vs...)
	}
	if utf8.Valid(res.Body) {
		s := string(res.Body)
		out.Body = &s
	} else {
		out.BodyBase64 = base64.StdEncoding.EncodeToString(res.Body)
	}
	return out
}
