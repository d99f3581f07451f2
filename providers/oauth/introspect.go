package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/internal/jsontext"
)

// Operations named in errors.
const (
	opIntrospect = "introspect token"
	opUserinfo   = "userinfo"
)

// Introspection is an RFC 7662 introspection answer: whether the server
// holds the token active, and what else it says about it.
type Introspection struct {
	// Active is the answer's "active" member (§2.2).
	Active bool
	// Claims are the answer's other members, in the order the server
	// wrote them, each value as raw JSON: the server's text, shown
	// through display.JSON or display.Quoted.
	Claims []providers.Field
	// Hint is the token_type_hint sent: "access_token" or "refresh_token".
	Hint string
	// Status is the answer's HTTP status.
	Status int
}

// TimeClaim reports whether an introspection answer's member name holds a
// NumericDate (RFC 7662 §2.2: exp, iat, nbf).
func TimeClaim(name string) bool {
	return name == "exp" || name == "iat" || name == "nbf" || name == "auth_time"
}

// Lookup is the named claim, and whether there is one.
func (in *Introspection) Lookup(name string) (providers.Field, bool) {
	for _, c := range in.Claims {
		if c.Key == name {
			return c, true
		}
	}
	return providers.Field{}, false
}

// ParseIntrospection parses an RFC 7662 answer: one JSON object whose
// "active" member is a boolean (§2.2 makes it the one member required).
// Anything else is refused with the reason.
func ParseIntrospection(body []byte) (*Introspection, error) {
	ms, err := objectMembers(body, "introspection response")
	if err != nil {
		return nil, err
	}
	in := &Introspection{}
	seen := false
	for _, m := range ms {
		if m.Key != "active" {
			in.Claims = append(in.Claims, m)
			continue
		}
		switch m.Value {
		case "true":
			in.Active = true
		case "false":
		default:
			return nil, fmt.Errorf("introspection response: active is %s, not a boolean (RFC 7662 §2.2)", jsonKind(m.Value[0]))
		}
		seen = true
	}
	if !seen {
		return nil, errors.New("introspection response has no active member (RFC 7662 §2.2 requires it)")
	}
	return in, nil
}

// objectMembers splits a JSON object into its members, in order, refusing
// anything that is not exactly one object; what names the text in errors.
func objectMembers(b []byte, what string) ([]providers.Field, error) {
	b = bytes.TrimSpace(b)
	if !json.Valid(b) {
		var v any
		err := json.Unmarshal(b, &v)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return nil, fmt.Errorf("%s is not JSON: %w", what, err)
	}
	if b[0] != '{' {
		return nil, fmt.Errorf("%s is JSON but not an object (it starts with %s)", what, jsonKind(b[0]))
	}
	ms, err := jsontext.Members(b)
	if err != nil {
		return nil, fmt.Errorf("%s is not JSON: %w", what, err)
	}
	out := make([]providers.Field, len(ms))
	for i, m := range ms {
		out[i] = providers.Field{Key: m.Key, Value: string(m.Raw)}
	}
	return out, nil
}

// Introspect asks p's introspection endpoint (RFC 7662) about tok's access
// token, or its refresh token when refresh is set: POST token=…&
// token_type_hint=…, the client authenticated as for its revocation
// requests (a public client sends its client_id). The request goes as a
// token request does (trace with every token masked, timeout, size cap),
// and is retried where a token request is: it changes nothing. An
// inactive token is an answer, not an error. p must have its endpoints
// filled (Resolve).
func (c *Client) Introspect(ctx context.Context, p providers.Provider, tok *providers.Token, refresh bool) (*Introspection, error) {
	red := tokenRedactor(p, tok)
	token, hint := "", "access_token"
	if tok != nil {
		token = tok.AccessToken.Reveal()
		if refresh {
			token, hint = tok.RefreshToken.Reveal(), "refresh_token"
		}
	}
	switch {
	case p.IntrospectionURL == "":
		return nil, &Error{Op: opIntrospect, Provider: p.Name, Err: errors.New("it has no introspection endpoint"),
			Hint: "set introspection_url, or an issuer whose metadata lists an introspection_endpoint"}
	case token == "" && refresh:
		return nil, &Error{Op: opIntrospect, Provider: p.Name, Err: errors.New("it has no refresh token to introspect")}
	case token == "":
		return nil, &Error{Op: opIntrospect, Provider: p.Name, Err: errors.New("it has no access token to introspect"),
			Hint: "get one first: tokenscope token " + p.Name}
	}
	if err := providers.CheckURL("introspection_url", p.IntrospectionURL); err != nil {
		return nil, &Error{Op: opIntrospect, Provider: p.Name, Err: err, red: red}
	}
	rq, err := clientTokenRequest(p, p.IntrospectionURL, token, hint)
	if err != nil {
		return nil, &Error{Op: opIntrospect, Provider: p.Name, Err: err, red: red}
	}
	resp, err := c.send(ctx, p, opIntrospect, rq, red, true, false)
	if err != nil {
		return nil, err
	}
	if resp.status < 200 || resp.status > 299 {
		return nil, responseError(opIntrospect, p, rq, resp, red)
	}
	in, err := ParseIntrospection(resp.body)
	if err != nil {
		return nil, unreadableAnswer(opIntrospect, p, rq, resp, red, err,
			"check introspection_url: an RFC 7662 endpoint answers with a JSON object holding active")
	}
	in.Hint, in.Status = hint, resp.status
	return in, nil
}

// Userinfo is an OpenID Connect userinfo answer (Core §5.3.2).
type Userinfo struct {
	// Claims are its members in the order the server wrote them.
	Claims []providers.Field
	// Body is the answer as received, every secret masked: the server's
	// text, shown through display.Quoted or display.Block.
	Body []byte
	// Status is the answer's HTTP status.
	Status int
}

// Userinfo sends GET to p's userinfo endpoint with tok's access token as
// the Bearer token and parses the JSON object it answers with. It is
// retried as a token request is: it changes nothing. A 401 is an error
// whose hint says to get a new token.
func (c *Client) Userinfo(ctx context.Context, p providers.Provider, tok *providers.Token) (*Userinfo, error) {
	red := tokenRedactor(p, tok)
	switch {
	case p.UserinfoURL == "":
		return nil, &Error{Op: opUserinfo, Provider: p.Name, Err: errors.New("it has no userinfo endpoint"),
			Hint: "set userinfo_url, or an issuer whose metadata lists a userinfo_endpoint"}
	case tok == nil || tok.AccessToken == "":
		return nil, &Error{Op: opUserinfo, Provider: p.Name, Err: errors.New("it has no access token"),
			Hint: "get one first: tokenscope token " + p.Name}
	}
	if err := providers.CheckURL("userinfo_url", p.UserinfoURL); err != nil {
		return nil, &Error{Op: opUserinfo, Provider: p.Name, Err: err, red: red}
	}
	rq, err := bearerRequest(p, "GET", p.UserinfoURL, "", tok.Presented().Reveal())
	if err != nil {
		return nil, &Error{Op: opUserinfo, Provider: p.Name, Err: err, red: red}
	}
	rq.accept = contentJSON
	resp, err := c.send(ctx, p, opUserinfo, rq, red, true, false)
	if err != nil {
		return nil, err
	}
	if resp.status < 200 || resp.status > 299 {
		e := responseError(opUserinfo, p, rq, resp, red)
		if resp.status == 401 {
			e.Hint = "the endpoint refused the access token (expired, revoked, or without the openid scope): " +
				"get a new one with tokenscope refresh " + p.Name + ", or tokenscope login " + p.Name
		}
		return nil, e
	}
	body := []byte(red.clean(string(resp.body)))
	ms, err := objectMembers(body, "userinfo response")
	if err != nil {
		return nil, unreadableAnswer(opUserinfo, p, rq, resp, red, err,
			"a signed or encrypted userinfo answer (application/jwt) is not read: ask for JSON, or check userinfo_url")
	}
	return &Userinfo{Claims: ms, Body: body, Status: resp.status}, nil
}
