package oauth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// LogoutResult is what the remote part of a logout did.
type LogoutResult struct {
	// Method is the way the logout went: LogoutNone when nothing was sent.
	Method providers.Logout
	// Status is the last answer's HTTP status; zero when nothing was sent.
	Status int
	// Body is the start of the last answer's body, secrets masked.
	Body string
}

// TryResult is the answer to a try request: what the explorer's response
// view and tokenscope try show.
type TryResult struct {
	Method, URL string
	Status      int
	Latency     time.Duration
	ContentType string
	// BodyStart is the readable start of the body, secrets masked.
	BodyStart string
	// StatusLine is the answer's status line as the server wrote it
	// ("HTTP/1.1 200 OK"), secrets masked.
	StatusLine string
	// Header is the answer's headers, every value with its secrets masked
	// and a cookie's value masked whole, as the trace shows them.
	Header http.Header
	// Body is the whole body as received (at most MaxBodySize bytes),
	// every secret masked as the trace masks it. It is the server's text:
	// show it through display.Block.
	Body []byte
}

// Logout ends tok at the server: the provider's logout endpoint with the
// Bearer token and its method (GET by default), else RFC 7009 revocation
// (POST token=…&token_type_hint=…, the client authenticated as for its
// token requests; the refresh token first when there is one), else
// nothing. It does not touch any stored state; see Forget.
func (c *Client) Logout(ctx context.Context, p providers.Provider, tok *providers.Token) (LogoutResult, error) {
	if tok == nil || tok.AccessToken == "" {
		return LogoutResult{Method: providers.LogoutNone}, nil
	}
	red := newRedactor(p, tok.AccessToken.Reveal(), tok.RefreshToken.Reveal())
	switch p.Logout() {
	case providers.LogoutEndpoint:
		if err := providers.CheckUserinfo("logout_url", p.LogoutURL); err != nil {
			return LogoutResult{Method: providers.LogoutEndpoint}, &Error{Op: opLogout, Provider: p.Name, Err: err, red: red}
		}
		rq, err := bearerRequest(p, orDefault(p.LogoutMethod, "GET"), p.LogoutURL, "", tok.Presented().Reveal())
		if err != nil {
			return LogoutResult{Method: providers.LogoutEndpoint}, &Error{Op: opLogout, Provider: p.Name, Err: err, red: red}
		}
		return c.remoteLogout(ctx, p, opLogout, providers.LogoutEndpoint, rq, red)
	case providers.LogoutRevocation:
		if err := providers.CheckUserinfo("revocation_url", p.RevocationURL); err != nil {
			return LogoutResult{Method: providers.LogoutRevocation}, &Error{Op: opRevoke, Provider: p.Name, Err: err, red: red}
		}
		var res LogoutResult
		for _, t := range []struct{ value, hint string }{
			{tok.RefreshToken.Reveal(), "refresh_token"}, {tok.AccessToken.Reveal(), "access_token"},
		} {
			if t.value == "" {
				continue
			}
			rq, err := revocationRequest(p, t.value, t.hint)
			if err != nil {
				return LogoutResult{Method: providers.LogoutRevocation}, &Error{Op: opRevoke, Provider: p.Name, Err: err, red: red}
			}
			if res, err = c.remoteLogout(ctx, p, opRevoke, providers.LogoutRevocation, rq, red); err != nil {
				return res, err
			}
		}
		return res, nil
	}
	return LogoutResult{Method: providers.LogoutNone}, nil
}

// remoteLogout sends one logout or revocation request.
func (c *Client) remoteLogout(ctx context.Context, p providers.Provider, op string, method providers.Logout, rq *request, red *redactor) (LogoutResult, error) {
	res := LogoutResult{Method: method}
	resp, err := c.send(ctx, p, op, rq, red, true, false)
	if err != nil {
		return res, err
	}
	res.Status, res.Body = resp.status, bodyStart(resp.body, red)
	if resp.status < 200 || resp.status > 299 {
		return res, responseError(op, p, rq, resp, red)
	}
	return res, nil
}

// Try sends p's try request (TryMethod, default GET, or POST when there is
// a body; TryURL; TryBody, sent as JSON when it looks like JSON) with tok
// as the Bearer token. Any answer is a result, a 401 included; the error
// is for no answer at all. It is never retried: a try may have effects.
func (c *Client) Try(ctx context.Context, p providers.Provider, tok *providers.Token) (*TryResult, error) {
	if p.TryURL == "" {
		return nil, &Error{Op: opTry, Provider: p.Name, Err: errors.New("no try request configured"),
			Hint: "set try_url (and try_method, try_body) to an API call the token opens"}
	}
	if tok == nil || tok.AccessToken == "" {
		return nil, &Error{Op: opTry, Provider: p.Name, Err: errors.New("no access token to try")}
	}
	red := tokenRedactor(p, tok)
	if err := providers.CheckURL("try_url", p.TryURL); err != nil {
		return nil, &Error{Op: opTry, Provider: p.Name, Err: err, red: red}
	}
	rq, err := bearerRequest(p, tryMethod(p), p.TryURL, p.TryBody, tok.Presented().Reveal())
	if err != nil {
		return nil, &Error{Op: opTry, Provider: p.Name, Err: err, red: red}
	}
	rq.plain = tryHeaders(p)
	resp, err := c.send(ctx, p, opTry, rq, red, false, true)
	if err != nil {
		return nil, err
	}
	return &TryResult{
		Method: rq.method, URL: red.clean(p.TryURL), Status: resp.status, Latency: resp.latency,
		ContentType: resp.header.Get("Content-Type"), BodyStart: bodyStart(resp.body, red),
		StatusLine: red.clean(resp.statusLine), Header: maskedHeader(resp.header, red),
		Body: []byte(red.clean(string(resp.body))),
	}, nil
}

// maskedHeader is h with every value's secrets masked, and a cookie's
// value masked whole, as writeHeaders shows them in the trace.
func maskedHeader(h http.Header, red *redactor) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		for _, v := range vs {
			switch http.CanonicalHeaderKey(k) {
			case "Cookie", "Set-Cookie":
				name, _, _ := strings.Cut(v, "=")
				v = name + "=" + mask
			default:
				v = red.clean(v)
			}
			out[k] = append(out[k], v)
		}
	}
	return out
}

// tryMethod is the try request's method: TryMethod, else POST with a body
// and GET without.
func tryMethod(p providers.Provider) string {
	switch {
	case p.TryMethod != "":
		return strings.ToUpper(p.TryMethod)
	case p.TryBody != "":
		return "POST"
	}
	return "GET"
}
