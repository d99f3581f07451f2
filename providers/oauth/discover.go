package oauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
)

// opDiscover names a metadata fetch in errors.
const opDiscover = "discover metadata"

// Metadata is an authorization server's metadata: providers.Metadata,
// named here too for the engine's callers.
type Metadata = providers.Metadata

// ParseMetadata parses a metadata document (providers.ParseMetadata).
func ParseMetadata(body []byte) (*Metadata, error) { return providers.ParseMetadata(body) }

// wellKnownURLs returns where issuer's metadata is looked for: the RFC
// 8414 URL, its well-known part inserted between the host and the path
// (§3.1), and the OpenID Connect one, appended to the issuer (OpenID
// Connect Discovery §4). An issuer is an http or https URL without user
// information, query or fragment (RFC 8414 §2).
func wellKnownURLs(issuer string) (rfc8414, oidc string, err error) {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", "", errors.New("the issuer must be an https URL (https://host/path)")
	}
	if u.User != nil {
		return "", "", errors.New("the issuer must not hold user information (user:password@)")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(issuer, "#") {
		return "", "", errors.New("the issuer must not have a query or fragment (RFC 8414 §2)")
	}
	path := strings.TrimSuffix(u.EscapedPath(), "/")
	base := u.Scheme + "://" + u.Host
	return base + "/.well-known/oauth-authorization-server" + path,
		strings.TrimSuffix(issuer, "/") + "/.well-known/openid-configuration", nil
}

// Discover fetches issuer's metadata: from the RFC 8414 well-known URL,
// then, when that answers 404, from the OpenID Connect one. The document
// must name issuer itself, exactly (RFC 8414 §3.3): metadata another
// issuer vouches for is refused. The requests go as a token request does
// (the client's transport, proxy and trace, the default timeout, at most
// MaxBodySize read, retried on a network error, 429 or 5xx) and follow no
// redirect. Errors are *Error values with a hint.
func (c *Client) Discover(ctx context.Context, issuer string) (*Metadata, error) {
	return c.discover(ctx, providers.Provider{Name: issuer}, issuer)
}

// discover is Discover for provider p: its requests go with p's timeout,
// TLS setting and proxy, and its secrets are masked in the trace.
func (c *Client) discover(ctx context.Context, p providers.Provider, issuer string) (*Metadata, error) {
	rfc, oidc, err := wellKnownURLs(issuer)
	if err != nil {
		return nil, &Error{Op: opDiscover, Provider: p.Name, Err: err}
	}
	m, err := c.fetchMetadata(ctx, p, rfc)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		m, err = c.fetchMetadata(ctx, p, oidc)
		if errors.As(err, &e) && e.Status == http.StatusNotFound {
			e.Err = fmt.Errorf("no metadata at %s either", rfc)
			e.Hint = "check the issuer URL: neither the OAuth 2.0 (RFC 8414) nor the OpenID Connect discovery document is there"
		}
	}
	if err != nil {
		return nil, err
	}
	if m.Issuer != issuer {
		return nil, &Error{Op: opDiscover, Provider: p.Name,
			Err: fmt.Errorf("the metadata at %s names issuer %q, not %q: refused (RFC 8414 §3.3)", m.Source, m.Issuer, issuer),
			Hint: "the issuer must be given exactly as the server names itself (a trailing slash counts): " +
				"if " + m.Issuer + " is the one you mean, use that"}
	}
	return m, nil
}

// fetchMetadata reads and parses the metadata document at u.
func (c *Client) fetchMetadata(ctx context.Context, p providers.Provider, u string) (*Metadata, error) {
	red := newRedactor(p)
	rq := &request{method: http.MethodGet, url: u, accept: contentJSON}
	resp, err := c.send(ctx, p, opDiscover, rq, red, true, false)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && errors.Is(err, errBodyTooLarge) {
			e.Hint = "no metadata document is that large: check the issuer URL"
		}
		return nil, err
	}
	fail := func(err error, hint string) *Error {
		e := &Error{Op: opDiscover, Provider: p.Name, Status: resp.status, Attempts: resp.attempts,
			Err: err, Hint: hint, red: red}
		e.Method, e.URL = rq.named(red)
		return e
	}
	switch {
	case resp.status >= 300 && resp.status < 400:
		loc := resp.header.Get("Location")
		return nil, fail(fmt.Errorf("redirected to %q, not followed", loc),
			"an issuer's metadata is served at its own URL: check the issuer URL")
	case resp.status < 200 || resp.status > 299:
		e := fail(nil, "")
		if resp.status != http.StatusNotFound {
			e.BodyStart = bodyStart(resp.body, red)
		}
		return nil, e
	case isHTML(resp):
		return nil, fail(errors.New("the answer is an HTML page, not a metadata document"),
			"check the issuer URL: it looks like a web page's, not an authorization server's")
	}
	m, err := ParseMetadata(resp.body)
	if err != nil {
		return nil, fail(err, "the server at the issuer URL does not serve OAuth 2.0 metadata: check the issuer URL")
	}
	m.Source, m.FetchedAt = u, c.now()
	return m, nil
}

// isHTML reports whether resp is a web page.
func isHTML(resp *response) bool {
	ct := strings.ToLower(resp.header.Get("Content-Type"))
	if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml") {
		return true
	}
	return bytes.HasPrefix(bytes.TrimSpace(resp.body), []byte("<"))
}
