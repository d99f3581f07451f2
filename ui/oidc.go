package ui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/ui/detail"
	"github.com/tokenscope/tokenscope/ui/session"
	"github.com/tokenscope/tokenscope/ui/status"
)

// The ID token's checks and the introspection action: both run in
// commands addressed by the provider's name and a request number, so a
// late answer for one provider never lands on another.

type (
	// idTokenMsg ends the check of one id_token.
	idTokenMsg struct {
		name  string
		seq   uint64
		raw   string
		check session.IDTokenCheck
	}

	// introspectMsg ends an introspection of one access token.
	introspectMsg struct {
		name  string
		seq   uint64
		token providers.Secret
		in    *oauth.Introspection
		err   error
		// exchanges are its request and answer, masked, for the exchange log.
		exchanges []oauth.Exchange
	}
)

// idTokenCmd decodes and checks the id_token that came with tok
// (jwt.CheckIDToken: signature against the JWKS, iss, aud, exp, nonce,
// at_hash), reaching the JWKS as the provider's token requests do.
func idTokenCmd(c *oauth.Client, p providers.Provider, tok *providers.Token, seq uint64, now time.Time) tea.Cmd {
	hc := c.JWKSClient(p)
	raw, o := tok.IDToken(), oauth.IDTokenOptions(p, tok, now)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), verifyTimeout)
		defer cancel()
		j, checks := jwt.CheckIDToken(ctx, hc, p.JWKSURL, raw, o)
		c := session.IDTokenCheck{Checks: checks}
		if j == nil {
			c.Err = "the id_token is not a JWT: " + checks[0].Detail
		} else {
			c.Claims, c.Times = j.Claims, j.Times()
		}
		return idTokenMsg{name: p.Name, seq: seq, raw: raw, check: c}
	}
}

// introspectCmd asks p's introspection endpoint about tok's access token;
// the engine bounds it with the provider's timeout.
func introspectCmd(c *oauth.Client, p providers.Provider, tok *providers.Token, seq uint64) tea.Cmd {
	return func() tea.Msg {
		var tr tracer
		in, err := c.Introspect(oauth.WithTrace(context.Background(), tr.add), p, tok, false)
		return introspectMsg{name: p.Name, seq: seq, token: tok.AccessToken, in: in, err: err, exchanges: tr.taken()}
	}
}

// checkIDToken starts the check of the shown token's id_token when it has
// one not checked yet.
func (m *Model) checkIDToken() tea.Cmd {
	e := m.shown
	seq := m.sess.StartIDToken(e)
	if seq == 0 {
		return nil
	}
	return idTokenCmd(m.client, e.Endpoints(), e.Token, seq, m.clock())
}

// canIntrospect reports whether e's token can be introspected: it has one,
// and an introspection endpoint, its own or its issuer's.
func canIntrospect(e *session.Entry) bool {
	return e != nil && e.HasToken() && e.Endpoints().IntrospectionURL != ""
}

// startIntrospect asks e's introspection endpoint about its access token.
func (m *Model) startIntrospect(e *session.Entry) tea.Cmd {
	if !canIntrospect(e) || !m.sess.Begin(e, session.OpIntrospect) {
		return nil
	}
	return tea.Batch(introspectCmd(m.client, e.Endpoints(), e.Token, e.Pending), m.startSpinner())
}

// onIntrospect keeps the answer with the token it was about and says it.
func (m *Model) onIntrospect(msg introspectMsg) {
	e := m.sess.IntrospectDone(msg.name, msg.seq, msg.token, msg.in, msg.err, m.clock())
	switch {
	case e == nil:
	case msg.err != nil:
		m.setStatusOf(e.Provider.Name, status.Error, msg.err.Error())
	case msg.in.Active:
		m.setStatusOf(e.Provider.Name, status.Success, "introspect "+e.Provider.Name+": the token is active")
	default:
		m.setStatusOf(e.Provider.Name, status.Warning, "introspect "+e.Provider.Name+
			": the server says the token is not active (expired, revoked, or unknown to it)")
	}
}

// withOIDC adds to d what the session knows of e's id_token and of its
// token's introspection; introspectKey names the key that asks.
func withOIDC(d detail.Data, e *session.Entry, introspectKey string) detail.Data {
	if c, checking, ok := e.IDToken(); ok {
		d.IDToken = &detail.IDToken{Claims: c.Claims, Times: c.Times, Checks: c.Checks, Err: c.Err, Checking: checking}
	}
	if e.Introspected() {
		d.Introspection, d.IntrospectErr, d.IntrospectAt = e.Intro, e.IntroErr, e.IntroAt
	}
	switch {
	case !canIntrospect(e) || !e.Idle() || introspectKey == "":
	case e.Introspected():
		d.IntrospectHint = "press " + introspectKey + " to ask again"
	default:
		d.IntrospectHint = "press " + introspectKey + " to ask the server about this token (RFC 7662)"
	}
	return d
}
