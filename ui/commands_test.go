package ui

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	jose "github.com/go-jose/go-jose/v4"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/session"
)

func TestQueuedRequestGetsItsWholeTime(t *testing.T) {
	t.Parallel()
	slots := make(chan struct{}, 1)
	slots <- struct{}{} // the one slot is taken
	got := make(chan error, 1)
	go inSlot(slots, 50*time.Millisecond, func(ctx context.Context, _ func()) { got <- ctx.Err() })
	time.Sleep(150 * time.Millisecond) // queued longer than the request's time limit
	select {
	case <-slots:
	case <-time.After(5 * time.Second):
		t.Fatal("the slot was never freed")
	}
	select {
	case err := <-got:
		if err != nil {
			t.Errorf("the request started with its time already spent in the queue: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the queued request never ran")
	}
}

// signedJWT is an RS256 JWT with kid k1, and the JWKS that verifies it.
func signedJWT(t *testing.T) (providers.Secret, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := sig.Sign(fmt.Appendf(nil, `{"sub":"demo","iat":%d,"exp":%d}`, t0.Unix(), t0.Add(time.Hour).Unix()))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	set, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	if err != nil {
		t.Fatal(err)
	}
	return providers.Secret(raw), set
}

func TestSignatureCheckHonoursInsecure(t *testing.T) {
	t.Parallel()
	raw, set := signedJWT(t)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write(set)
	}))
	defer srv.Close()
	p := prov("alpha")
	p.Insecure, p.JWKSURL = true, srv.URL+"/jwks" // a self-signed certificate
	c := oauth.NewClient(oauth.Options{})
	msg := verifyCmd(c, p, raw, 1)().(verifyMsg)
	if msg.sig.Status != jwt.StatusVerified {
		t.Errorf("insecure provider's JWKS: %s, %s", msg.sig.Status, msg.sig.Reason)
	}
}

func TestUnfetchedJWKSIsCheckedAgain(t *testing.T) {
	t.Parallel()
	raw, set := signedJWT(t)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "try later", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write(set)
	}))
	defer srv.Close()
	p := prov("alpha")
	p.JWKSURL = srv.URL + "/jwks"
	tok := &providers.Token{AccessToken: raw, TokenType: "Bearer", IssuedAt: t0, ExpiresAt: t0.Add(time.Hour),
		ExpirySource: providers.ExpiryFromExpiresIn}

	c := &clock{t0}
	v, err := store.Init(t.TempDir()+"/store", []byte("test passphrase"), 10)
	if err != nil {
		t.Fatal(err)
	}
	m := New(Options{Vault: v, Now: c.Now, Theme: "mono", Renderer: colourRenderer()})
	m = step(m, tea.WindowSizeMsg{Width: 120, Height: 60})
	next, cmd := m.Update(loadedMsg{payload: &store.Payload{Version: 1, Providers: []store.Entry{
		{Provider: p, Token: tok}, {Provider: prov("beta")}}}})
	m = next.(Model)
	if cmd == nil {
		t.Fatal("showing a JWT started no signature check")
	}
	m = step(m, cmd())
	got := plain(m)
	if strings.Contains(got, "✗ failed") || !strings.Contains(got, "unchecked") ||
		!strings.Contains(got, "cannot fetch the JWKS") {
		t.Errorf("a JWKS that could not be fetched:\n%s", got)
	}
	m, _ = press(m, "down")
	next, cmd = m.Update(tea.KeyMsg{Type: tea.KeyUp})
	m = next.(Model)
	if cmd == nil {
		t.Fatal("a later view of the token did not check its signature again")
	}
	m = step(m, cmd())
	if got := plain(m); !strings.Contains(got, "✓ verified") {
		t.Errorf("after the JWKS came back:\n%s", got)
	}
}

// memState is the store in memory, answering with the entry it holds.
type memState struct {
	p      providers.Provider
	tok    *providers.Token
	events []providers.Event
	meta   *providers.Metadata
}

func (s *memState) Lookup(string) (providers.Provider, *providers.Token, error) {
	return s.p, s.tok, nil
}

func (s *memState) Record(_ string, tok *providers.Token, ev providers.Event) (store.Entry, error) {
	s.tok, s.events = tok, append(s.events, ev)
	return store.Entry{Provider: s.p, Token: tok, History: slices.Clone(s.events), Metadata: s.meta.Clone()}, nil
}

func (s *memState) LookupMetadata(string) (*providers.Metadata, error) { return s.meta.Clone(), nil }

func (s *memState) RecordMetadata(_ string, m *providers.Metadata) (store.Entry, error) {
	s.meta = m.Clone()
	return store.Entry{Provider: s.p, Token: s.tok, History: slices.Clone(s.events), Metadata: m.Clone()}, nil
}

func (s *memState) RecordEvent(_ string, ev providers.Event) (store.Entry, error) {
	s.events = append(s.events, ev)
	return store.Entry{Provider: s.p, Token: s.tok, History: slices.Clone(s.events), Metadata: s.meta.Clone()}, nil
}

// TestTokenCmdCarriesWhatTheStoreHolds: the answer of a token command
// holds the entry as the store answered its last change, for a success, a
// failure and a logout, and the logout's result from the engine's outcome.
func TestTokenCmdCarriesWhatTheStoreHolds(t *testing.T) {
	var fail atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if fail.Load() {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client"}`)
			return
		}
		fmt.Fprint(w, `{"access_token":"AT-1","token_type":"Bearer","expires_in":3600}`)
	}))
	defer srv.Close()
	p, err := providers.ApplyPreset(providers.Provider{Name: "idp", TokenURL: srv.URL + "/token", ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	st := &memState{p: p}
	c := oauth.NewClient(oauth.Options{MaxRetries: -1})
	run := func(o session.Op) tokenMsg {
		t.Helper()
		msg, ok := tokenCmd(c, st, "idp", 7, o, oauth.EnsureOptions{Renew: true}, nil)().(tokenMsg)
		if !ok || msg.name != "idp" || msg.seq != 7 || msg.op != o || msg.stored == nil {
			t.Fatalf("answer = %+v", msg)
		}
		return msg
	}
	last := func(msg tokenMsg) providers.EventKind {
		h := msg.stored.History
		return h[len(h)-1].Kind
	}
	msg := run(session.OpFetch)
	if msg.err != nil || msg.stored.Token != st.tok || msg.stored.Token.AccessToken != "AT-1" ||
		len(msg.stored.History) != 1 || last(msg) != providers.EventIssued {
		t.Errorf("fetch answer = %+v", msg)
	}
	fail.Store(true)
	msg = run(session.OpRefresh)
	if msg.err == nil || msg.stored.Token != st.tok || msg.stored.Token == nil ||
		len(msg.stored.History) != 2 || last(msg) != providers.EventFailed {
		t.Errorf("failed refresh answer = %+v, want the failure recorded and the token kept", msg)
	}
	msg = run(session.OpLogout)
	if msg.err != nil || msg.stored.Token != nil || len(msg.stored.History) != 3 ||
		last(msg) != providers.EventRevoked || msg.logout.Method != providers.LogoutNone {
		t.Errorf("logout answer = %+v", msg)
	}
}

// slowSave is a memState whose token saves wait, once saving is closed,
// until let is.
type slowSave struct {
	*memState
	saving, let chan struct{}
}

func (s *slowSave) Record(name string, tok *providers.Token, ev providers.Event) (store.Entry, error) {
	close(s.saving)
	<-s.let
	return s.memState.Record(name, tok, ev)
}

// TestBulkSlotIsFreedBeforeTheSave: a refresh gives its bulk slot back
// once its requests are over, before its save, which may wait its turn in
// the vault's queue: the slots bound the requests in flight, not the
// saves.
func TestBulkSlotIsFreedBeforeTheSave(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"AT-1","token_type":"Bearer","expires_in":3600}`)
	}))
	defer srv.Close()
	p, err := providers.ApplyPreset(providers.Provider{Name: "idp", TokenURL: srv.URL + "/token", ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	st := &slowSave{memState: &memState{p: p}, saving: make(chan struct{}), let: make(chan struct{})}
	c := oauth.NewClient(oauth.Options{MaxRetries: -1})
	slots := make(chan struct{}, 1)
	answered := make(chan tea.Msg, 1)
	cmd := tokenCmd(c, st, "idp", 1, session.OpRefresh, oauth.EnsureOptions{Renew: true}, slots)
	go func() { answered <- cmd() }()
	select {
	case <-st.saving:
	case <-time.After(time.Minute):
		t.Fatal("the refresh never saved")
	}
	select {
	case slots <- struct{}{}:
		<-slots
	case <-time.After(10 * time.Second):
		t.Error("the slot is held while the answer waits to be saved")
	}
	close(st.let)
	msg := (<-answered).(tokenMsg)
	if msg.err != nil || msg.stored == nil || msg.stored.Token == nil || msg.stored.Token.AccessToken != "AT-1" {
		t.Errorf("answer = %+v", msg)
	}
}

// The explorer lists the providers before their histories are read; the
// histories then follow, a failure at the end of one marking its row
// failed, as if read with the rest.
func TestHistoriesFollowTheList(t *testing.T) {
	t.Parallel()
	v, err := store.Init(t.TempDir()+"/store", []byte("test passphrase"), 10)
	if err != nil {
		t.Fatal(err)
	}
	failed := providers.Event{At: t0, Kind: providers.EventFailed, Detail: "fetch token: HTTP 401 from the server"}
	err = v.Update(func(p *store.Payload) error {
		p.Providers = []store.Entry{{Provider: prov("alpha"), History: []providers.Event{failed}}, {Provider: prov("beta")}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t0}
	m := New(Options{Vault: v, Now: c.Now, Theme: "mono", Renderer: colourRenderer()})
	m = step(m, tea.WindowSizeMsg{Width: 120, Height: 40})
	loaded := loadCmd(v)().(loadedMsg)
	if !loaded.historiesDue || len(loaded.payload.Providers) != 2 || loaded.payload.Providers[0].History != nil {
		t.Fatalf("the first read: %+v", loaded)
	}
	m = step(m, loaded)
	if got := plain(m); !strings.Contains(got, "alpha") || strings.Contains(got, "HTTP 401") {
		t.Fatalf("before the histories:\n%s", got)
	}
	m = step(m, historiesCmd(v)())
	if e := m.sess.Get("alpha"); !e.Failed || len(e.History) != 1 {
		t.Errorf("alpha after the histories: failed %v, history %v", e.Failed, e.History)
	}
	if got := plain(m); !strings.Contains(got, "HTTP 401") {
		t.Errorf("the failure at the end of the history is not shown:\n%s", got)
	}
}
