package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
)

// I is on only for a token with an introspection endpoint; an opaque
// token gets the hint, and the answer, addressed by provider and request
// number, is shown beside the token's facts; a stale one is dropped.
func TestIntrospectBindingAndAnswer(t *testing.T) {
	t.Parallel()
	c := &clock{t0}
	with := prov("alpha")
	with.IntrospectionURL = "http://127.0.0.1:1/introspect"
	m := unitModel(t, c, 120, 40, store.Entry{Provider: prov("beta"), Token: token(t0, time.Hour)},
		store.Entry{Provider: with, Token: token(t0, time.Hour)})
	if m.selectedEntry().Provider.Name != "beta" {
		t.Fatalf("selected %s", m.selectedEntry().Provider.Name)
	}
	if m.keys.Introspect.Enabled() {
		t.Error("I is on for a provider without an introspection endpoint")
	}
	m, _ = press(m, "j")
	if !m.keys.Introspect.Enabled() {
		t.Fatal("I is off for an opaque token with an introspection endpoint")
	}
	if !strings.Contains(plain(m), "press I to ask the server about this token") {
		t.Errorf("no hint:\n%s", plain(m))
	}
	m, cmd := press(m, "I")
	e := m.sess.Get("alpha")
	if cmd == nil || e.Busy == 0 {
		t.Fatal("I started nothing")
	}
	if m.keys.Introspect.Enabled() {
		t.Error("I is still on while introspecting")
	}
	// A stale answer (another request number) is dropped.
	m = step(m, introspectMsg{name: "alpha", seq: e.Pending + 100, token: e.Token.AccessToken, in: &oauth.Introspection{Active: true}})
	if m.sess.Get("alpha").Busy == 0 {
		t.Fatal("a stale answer ended the introspection")
	}
	m = step(m, introspectMsg{name: "alpha", seq: e.Pending, token: e.Token.AccessToken,
		in: &oauth.Introspection{Active: false}})
	if out := plain(m); !strings.Contains(out, "✗ not active") || !strings.Contains(out, "the server says the token is not active") {
		t.Errorf("the answer is not shown:\n%s", out)
	}
	m, _ = press(m, "I")
	e = m.sess.Get("alpha")
	m = step(m, introspectMsg{name: "alpha", seq: e.Pending, token: e.Token.AccessToken,
		err: &oauth.Error{Op: "introspect token", Provider: "alpha", Status: 401, Code: "invalid_client", Hint: "check client_id", Err: errors.New("x")}})
	if out := plain(m); !strings.Contains(out, "Introspection failed") || !strings.Contains(out, "check client_id") {
		t.Errorf("the failure is not shown:\n%s", out)
	}
}
