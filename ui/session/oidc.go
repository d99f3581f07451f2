package session

import (
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// IDTokenCheck is what was made of an OpenID Connect id_token: its
// claims, its time claims, and each check's result (jwt.CheckIDToken),
// or Err when it could not be decoded.
type IDTokenCheck struct {
	Claims []providers.Field
	Times  []jwt.TimeClaim
	Checks []jwt.Check
	Err    string
}

// IDToken is the check of the current token's id_token; ok is false when
// the token came without one. Checking reports a check not made yet.
func (e *Entry) IDToken() (c IDTokenCheck, checking, ok bool) {
	raw := e.Token.IDToken()
	if !e.HasToken() || raw == "" {
		return IDTokenCheck{}, false, false
	}
	if e.IDFor != raw {
		return IDTokenCheck{}, true, true
	}
	return e.ID, false, true
}

// StartIDToken gives the current token's id_token a check under a new
// request number, which it returns (0: none needed, none or one made or
// under way).
func (s *Session) StartIDToken(e *Entry) uint64 {
	if e == nil || !e.HasToken() || e.IDSeq != 0 {
		return 0
	}
	if raw := e.Token.IDToken(); raw == "" || raw == e.IDFor {
		return 0
	}
	s.seq++
	e.IDSeq = s.seq
	return e.IDSeq
}

// IDTokenDone keeps the check of the id_token raw, made under seq.
func (s *Session) IDTokenDone(name string, seq uint64, raw string, c IDTokenCheck) {
	e := s.byName[name]
	if e == nil || e.IDSeq != seq {
		return
	}
	e.IDSeq = 0
	e.ID, e.IDFor = c, raw
	s.changed(e)
}

// Introspected reports whether the introspection endpoint answered (or
// failed to) about the current token: Intro, IntroErr and IntroAt then
// say how; otherwise they belong to a token since replaced.
func (e *Entry) Introspected() bool {
	return e.HasToken() && e.IntroFor == e.Token.AccessToken && (e.Intro != nil || e.IntroErr != nil)
}

// IntrospectDone applies the end of an introspection of the access token
// token; it returns nil for a stale answer.
func (s *Session) IntrospectDone(name string, seq uint64, token providers.Secret, in *oauth.Introspection, err error, now time.Time) *Entry {
	e, ok := s.Finish(name, seq)
	if !ok {
		return nil
	}
	e.Intro, e.IntroErr, e.IntroAt, e.IntroFor = in, err, now, token
	return e
}
