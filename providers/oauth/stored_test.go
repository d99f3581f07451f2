package oauth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// last is the newest event of e's history, zero when it has none.
func last(e *providers.Entry) providers.Event {
	if e == nil || len(e.History) == 0 {
		return providers.Event{}
	}
	return e.History[len(e.History)-1]
}

// TestOutcomesCarryTheEntryStored: every outcome that changed the State
// carries the entry as the State answered its last change, so a caller
// needs no second read; one that changed nothing carries none.
func TestOutcomesCarryTheEntryStored(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON), answer(401, `{"error":"invalid_client"}`))
	st := newMemState(oauth2Provider(t, srv.URL()))
	c := testClient(nil)

	out, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{})
	if err != nil || out.Stored == nil || out.Stored.Token != out.Token || last(out.Stored) != out.Event ||
		out.Stored.Provider.Name != "idp" {
		t.Fatalf("a new token: outcome %+v, %v", out, err)
	}
	tok := out.Token
	if out, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{}); err != nil || out.Stored != nil {
		t.Errorf("a cached token: stored %+v, %v; want nothing, nothing was changed", out.Stored, err)
	}
	out, err = c.Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true})
	if err == nil || out.Stored == nil || out.Stored.Token != tok || last(out.Stored) != out.Event ||
		out.Event.Kind != providers.EventFailed || len(out.Stored.History) != 2 {
		t.Errorf("a refused grant: outcome %+v, %v; want the failure with the token kept", out, err)
	}
	st.fail = errors.New("disk full")
	if out, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true}); err == nil || out.Stored != nil {
		t.Errorf("nothing recorded: stored %+v, %v", out.Stored, err)
	}
	st.fail = nil
	fo, err := c.Forget(context.Background(), st, "idp")
	if err != nil || fo.Stored == nil || fo.Stored.Token != nil || last(fo.Stored).Kind != providers.EventRevoked ||
		len(fo.Stored.History) != 3 {
		t.Errorf("a logout: outcome %+v, %v", fo, err)
	}
	fo, err = c.Forget(context.Background(), st, "idp")
	if err != nil || fo.Stored == nil || last(fo.Stored).Detail != "no token held" {
		t.Errorf("a logout of no token: outcome %+v, %v", fo, err)
	}
}

// TestOutcomesCarryTheMetadataStored: the metadata a discovery on the way
// stored is in the entry answered, after the token, after a failure, and
// alone when nothing was recorded after it.
func TestOutcomesCarryTheMetadataStored(t *testing.T) {
	is := newIssuerServer(t, "", []string{"client_secret_basic"})
	st := newMetaState(issuerProvider(t, is.issuer(), testSecret, nil))
	c := discoverClient()
	out, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true})
	if err != nil || out.Resolved.Stored == nil || out.Resolved.Stored.Metadata == nil ||
		out.Stored == nil || out.Stored.Metadata == nil || out.Stored.Token != out.Token {
		t.Fatalf("a discovery, then a token: outcome %+v, %v", out, err)
	}
	if out.Resolved.Stored.Token != nil || len(out.Resolved.Stored.History) != 0 {
		t.Errorf("the entry as the metadata was stored: %+v, want no token nor event yet", out.Resolved.Stored)
	}
	if out, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true}); err != nil ||
		out.Resolved.Stored != nil || out.Stored == nil {
		t.Errorf("metadata kept, not fetched: resolved %+v, outcome %+v, %v", out.Resolved, out, err)
	}
	r, err := c.Rediscover(context.Background(), st, "idp")
	if err != nil || r.Stored == nil || r.Stored.Metadata == nil || len(r.Stored.History) != 2 {
		t.Errorf("a rediscovery: %+v, %v", r, err)
	}

	// Fetched again, and refused at the token endpoint: the failure is
	// recorded over the metadata.
	refused := newIssuerServer(t, "", []string{"client_secret_post"})
	st = newMetaState(issuerProvider(t, refused.issuer(), testSecret, func(p *providers.Provider) {
		p.ClientAuth = providers.AuthBasic
	}))
	out, err = c.Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true})
	if err == nil || out.Stored == nil || out.Stored.Metadata == nil || last(out.Stored).Kind != providers.EventFailed {
		t.Errorf("a discovery, then a refusal: outcome %+v, %v", out, err)
	}

	// A browser-login provider without a refresh token: the metadata is
	// stored, nothing after it.
	st = newMetaState(issuerProvider(t, is.issuer(), testSecret, func(p *providers.Provider) {
		p.Grant, p.RedirectURI = providers.GrantAuthorizationCode, "http://127.0.0.1:8765/callback"
	}))
	out, err = c.Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true})
	if !errors.Is(err, ErrLoginRequired) || out.Stored == nil || out.Stored.Metadata == nil || len(out.Stored.History) != 0 {
		t.Errorf("a discovery, then a login required: outcome %+v, %v", out, err)
	}
}

// doneState is a State that notes, at each save, whether the requests
// were said to be over, and how many had reached the server by then.
type doneState struct {
	*memState
	srv     *recorder
	done    int
	sentBy  int
	savedIn []int // how many times Done was called, at each save
}

func (d *doneState) mark() {
	d.done++
	d.sentBy = len(d.srv.got())
}

func (d *doneState) Record(name string, tok *providers.Token, ev providers.Event) (providers.Entry, error) {
	d.savedIn = append(d.savedIn, d.done)
	return d.memState.Record(name, tok, ev)
}

func (d *doneState) RecordEvent(name string, ev providers.Event) (providers.Entry, error) {
	d.savedIn = append(d.savedIn, d.done)
	return d.memState.RecordEvent(name, ev)
}

// TestEnsureSaysWhenItsRequestsAreOver: Done is called once, after the
// last request and before the save, whether the token came, was refused
// or was good enough as it was.
func TestEnsureSaysWhenItsRequestsAreOver(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON), answer(401, `{"error":"invalid_client"}`))
	c := testClient(nil)
	for _, tc := range []struct {
		name  string
		o     EnsureOptions
		sent  int
		saves int
	}{
		{"new token", EnsureOptions{}, 1, 1},
		{"cached", EnsureOptions{MinValidity: time.Minute}, 1, 0},
		{"refused", EnsureOptions{Fresh: true}, 2, 1},
	} {
		d := &doneState{memState: newMemState(oauth2Provider(t, srv.URL())), srv: srv}
		if tc.name != "new token" {
			d.tok["idp"] = &providers.Token{AccessToken: "AT-0", IssuedAt: fixedNow, ExpiresAt: fixedNow.Add(time.Hour),
				ExpirySource: providers.ExpiryFromExpiresIn}
		}
		o := tc.o
		o.Done = d.mark
		if _, err := c.Ensure(context.Background(), d, "idp", o); (err != nil) != (tc.name == "refused") {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d.done != 1 {
			t.Errorf("%s: Done called %d times, want once", tc.name, d.done)
		}
		if n := len(srv.got()); d.sentBy != n || n != tc.sent {
			t.Errorf("%s: %d requests sent when Done was called, %d in all, want %d", tc.name, d.sentBy, n, tc.sent)
		}
		if len(d.savedIn) != tc.saves {
			t.Errorf("%s: %d saves, want %d", tc.name, len(d.savedIn), tc.saves)
		}
		for _, n := range d.savedIn {
			if n != 1 {
				t.Errorf("%s: a save began with Done called %d times, want after it", tc.name, n)
			}
		}
	}
}
