package demo

import (
	"sync"
	"time"
)

// grant is what the server knows about one token it issued.
type grant struct {
	dialect  string // which dialect issued it: a token is only good there
	clientID string
	subject  string // the resource owner, or the client for client_credentials
	scope    string
	expires  time.Time
	// refresh is, for an access token, the refresh token issued with it
	// (RFC 7009 §2.1: revoking that revokes this too).
	refresh string
	revoked bool
}

// tokenCheck is the verdict on a presented token.
type tokenCheck int

const (
	tokenValid tokenCheck = iota
	tokenUnknown
	tokenExpired
	tokenRevoked
)

// maxTokens is how many tokens the store holds before it forgets expired
// ones, so that a demo left running for days stays small.
const maxTokens = 4096

// tokenStore holds the access and refresh tokens a server issued. It is
// safe for concurrent use.
type tokenStore struct {
	mu      sync.Mutex
	access  map[string]*grant
	refresh map[string]*grant
	// accessAt and refreshAt are the sizes at which prune next looks
	// through each map: maxTokens, or twice what its last look kept, so
	// that a store full of live tokens is not searched on every issue.
	accessAt, refreshAt int
}

func newTokenStore() *tokenStore {
	return &tokenStore{access: map[string]*grant{}, refresh: map[string]*grant{}, accessAt: maxTokens, refreshAt: maxTokens}
}

// issue records an access token; g.refresh names the refresh token it
// came with, if any.
func (t *tokenStore) issue(at string, g grant, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.prune(now)
	t.access[at] = &g
}

// issueRefresh records a refresh token.
func (t *tokenStore) issueRefresh(rt string, g grant) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refresh[rt] = &g
}

// prune forgets expired tokens once the store is full. The caller holds mu.
func (t *tokenStore) prune(now time.Time) {
	pruneMap(t.access, &t.accessAt, now)
	pruneMap(t.refresh, &t.refreshAt, now)
}

// pruneMap forgets m's expired and revoked tokens once it holds at
// tokens, and sets at for the next look.
func pruneMap(m map[string]*grant, at *int, now time.Time) {
	if len(m) < *at {
		return
	}
	for k, g := range m {
		if g.revoked || !now.Before(g.expires) {
			delete(m, k)
		}
	}
	*at = max(maxTokens, 2*len(m))
}

// check judges an access token presented to one of dialect's resources.
func (t *tokenStore) check(dialect, at string, now time.Time) (grant, tokenCheck) {
	t.mu.Lock()
	defer t.mu.Unlock()
	g, ok := t.access[at]
	switch {
	case !ok || g.dialect != dialect:
		return grant{}, tokenUnknown
	case g.revoked:
		return *g, tokenRevoked
	case !now.Before(g.expires):
		return *g, tokenExpired
	}
	return *g, tokenValid
}

// useRefresh takes a refresh token presented by clientID to dialect's
// token endpoint. With rotate set it is spent: the next use fails.
func (t *tokenStore) useRefresh(dialect, clientID, rt string, now time.Time, rotate bool) (grant, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	g, ok := t.refresh[rt]
	if !ok || g.dialect != dialect || g.clientID != clientID || g.revoked || !now.Before(g.expires) {
		return grant{}, false
	}
	if rotate {
		delete(t.refresh, rt)
	}
	return *g, true
}

// revokeAccess revokes an access token of dialect; it reports whether the
// token was valid until now.
func (t *tokenStore) revokeAccess(dialect, at string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	g, ok := t.access[at]
	if !ok || g.dialect != dialect || g.revoked || !now.Before(g.expires) {
		return false
	}
	g.revoked = true
	return true
}

// owner returns the client a token of dialect (access or refresh) was
// issued to, and whether the server knows the token at all.
func (t *tokenStore) owner(dialect, tok string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, m := range []map[string]*grant{t.access, t.refresh} {
		if g, ok := m[tok]; ok && g.dialect == dialect {
			return g.clientID, true
		}
	}
	return "", false
}

// revoke revokes an access or refresh token of dialect as RFC 7009 has
// it: revoking a refresh token also revokes the access tokens issued with
// it. An unknown token is no error (§2.2).
func (t *tokenStore) revoke(dialect, tok string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if g, ok := t.access[tok]; ok && g.dialect == dialect {
		g.revoked = true
	}
	if g, ok := t.refresh[tok]; ok && g.dialect == dialect {
		g.revoked = true
		for _, a := range t.access {
			if a.refresh == tok {
				a.revoked = true
			}
		}
	}
}
