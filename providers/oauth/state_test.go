package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

func TestEnsureFetchesOnlyWhenNeeded(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON))
	p := oauth2Provider(t, srv.URL())
	st := newMemState(p)
	c := testClient(nil)
	out, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{})
	tok := out.Token
	if err != nil || tok.AccessToken != "AT-1" {
		t.Fatalf("Ensure = %v, %v", tok, err)
	}
	if len(st.events) != 1 || st.events[0].Kind != providers.EventIssued || st.events[0].Detail != "expires in 1h" || !st.events[0].At.Equal(fixedNow) {
		t.Errorf("events = %+v", st.events)
	}
	if out.How != NewGrant || !out.Renewed() || !out.Recorded() || out.Event != st.events[0] {
		t.Errorf("outcome = %v %+v, want a new grant and the event recorded", out.How, out.Event)
	}
	if st.tok["idp"] != tok {
		t.Error("the token was not stored")
	}
	// Valid for long enough: no request, no event.
	again, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{MinValidity: 59 * time.Minute})
	if err != nil || again.Token != tok || len(srv.got()) != 1 || len(st.events) != 1 {
		t.Errorf("a valid token was fetched again: %d requests, %d events, %v", len(srv.got()), len(st.events), err)
	}
	if again.How != Cached || again.Renewed() || again.Recorded() {
		t.Errorf("outcome of a cached token = %v %+v", again.How, again.Event)
	}
	// Not valid for long enough, or forced: a new grant.
	if _, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{MinValidity: 61 * time.Minute}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.got()); n != 3 || !reflect.DeepEqual(st.kinds(), []providers.EventKind{providers.EventIssued, providers.EventIssued, providers.EventIssued}) {
		t.Errorf("%d requests, events %v", n, st.kinds())
	}
}

func TestEnsureRefreshesAndKeepsTheRotatedRefreshToken(t *testing.T) {
	srv := serve(t,
		answer(200, `{"access_token":"AT-2","expires_in":"3600","refresh_token":"RT-2"}`),
		answer(200, `{"access_token":"AT-3","expires_in":3600}`))
	p := presetAt(t, "telenor", srv.URL())
	st := newMemState(p)
	st.tok["telenor"] = &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-1", ExpiresAt: fixedNow.Add(-time.Minute)}
	c := testClient(nil)
	out, err := c.Ensure(context.Background(), st, "telenor", EnsureOptions{})
	tok := out.Token
	if err != nil || tok.AccessToken != "AT-2" || tok.RefreshToken != "RT-2" {
		t.Fatalf("Ensure = %+v, %v", tok, err)
	}
	if out.How != Rotated || out.Event != st.events[0] {
		t.Errorf("outcome = %v %+v, want the refresh token rotated", out.How, out.Event)
	}
	f := srv.got()[0].form(t)
	if f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != "RT-1" || f.Has("password") {
		t.Errorf("refresh request body = %v", f)
	}
	if id, _ := decodeBasic(t, srv.got()[0].Header.Get("Authorization")); id != "client-1" {
		t.Errorf("refresh without client authentication: %q", id)
	}
	if e := st.events[0]; e.Kind != providers.EventRefreshed || e.Detail != "expires in 1h, refresh token rotated" {
		t.Errorf("event = %+v", e)
	}
	// The server sends no new refresh token: the old one stays.
	tok.ExpiresAt = fixedNow
	out, err = c.Ensure(context.Background(), st, "telenor", EnsureOptions{})
	tok = out.Token
	if err != nil || tok.AccessToken != "AT-3" || tok.RefreshToken != "RT-2" {
		t.Errorf("Ensure = %+v, %v", tok, err)
	}
	if out.How != Refreshed {
		t.Errorf("outcome = %v, want refreshed with the refresh token kept", out.How)
	}
	if e := st.events[1]; e.Kind != providers.EventRefreshed || e.Detail != "expires in 1h" {
		t.Errorf("event = %+v", e)
	}
}

func TestRefreshRefusedFallsBackToANewGrant(t *testing.T) {
	srv := serve(t, answer(401, `{"code": 7}`), answer(200, `{"access_token":"AT-9","expires_in":60}`))
	p := presetAt(t, "telenor", srv.URL())
	st := newMemState(p)
	st.tok["telenor"] = &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-1", ExpiresAt: fixedNow}
	out, err := testClient(nil).Ensure(context.Background(), st, "telenor", EnsureOptions{})
	if err != nil || out.Token.AccessToken != "AT-9" {
		t.Fatalf("Ensure = %v, %v", out.Token, err)
	}
	if out.How != NewGrant {
		t.Errorf("outcome = %v, want a new grant after the refused refresh", out.How)
	}
	got := srv.got()
	if len(got) != 2 || got[1].form(t).Get("grant_type") != "password" || got[1].form(t).Get("password") != testPassword {
		t.Errorf("requests = %+v", got)
	}
	if e := st.events[0]; e.Kind != providers.EventIssued || e.Detail != "expires in 1m" {
		t.Errorf("event = %+v", e)
	}
}

func TestRefreshWithoutRefreshTokenIsANewGrant(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON))
	p := oauth2Provider(t, srv.URL())
	tok, err := testClient(nil).Refresh(context.Background(), p, &providers.Token{AccessToken: "old"})
	if err != nil || tok.AccessToken != "AT-1" || srv.got()[0].form(t).Get("grant_type") != "client_credentials" {
		t.Errorf("Refresh = %v, %v, %v", tok, err, srv.got())
	}
}

func TestEnsureRecordsAFailureWithoutSecrets(t *testing.T) {
	srv := serve(t, answer(401, `{"error":"invalid_client","error_description":"unknown secret `+testSecret+`"}`))
	p := oauth2Provider(t, srv.URL())
	st := newMemState(p)
	old := &providers.Token{AccessToken: "AT-0", ExpiresAt: fixedNow.Add(-time.Second)}
	st.tok["idp"] = old
	out, err := testClient(nil).Ensure(context.Background(), st, "idp", EnsureOptions{})
	if err == nil {
		t.Fatal("no error")
	}
	if !out.Recorded() || out.Event != st.events[0] || out.Token != old || out.Renewed() {
		t.Errorf("outcome of a failure = %v %+v %v, want the failed event and the kept token", out.How, out.Event, out.Token)
	}
	e := st.events[0]
	if e.Kind != providers.EventFailed || e.Detail != "fetch token for idp: HTTP 401 Unauthorized: invalid_client: unknown secret **** (POST "+srv.URL()+"/token)" {
		t.Errorf("event = %+v", e)
	}
	if st.tok["idp"] != old {
		t.Error("a failure dropped the stored token")
	}
}

func TestEnsureReportsStateErrors(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON))
	st := newMemState(oauth2Provider(t, srv.URL()))
	c := testClient(nil)
	if _, err := c.Ensure(context.Background(), st, "nobody", EnsureOptions{}); err == nil || !strings.Contains(err.Error(), "look up provider nobody") {
		t.Errorf("unknown provider: %v", err)
	}
	st.fail = errors.New("disk full")
	out, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{})
	if err == nil || !strings.Contains(err.Error(), "store the new token for idp: disk full") {
		t.Errorf("failed save: %v", err)
	}
	if out.Recorded() || out.Token != nil {
		t.Errorf("a failed save is reported as recorded: %+v", out)
	}
}

func TestEnsureKeepsATokenOfUnknownExpiry(t *testing.T) {
	st := newMemState(providers.Provider{Name: "m"})
	st.tok["m"] = &providers.Token{AccessToken: "opaque", ExpirySource: providers.ExpiryUnknown}
	out, err := testClient(nil).Ensure(context.Background(), st, "m", EnsureOptions{MinValidity: time.Hour})
	if err != nil || out.Token.AccessToken != "opaque" || out.How != Cached {
		t.Errorf("Ensure = %v %v, %v", out.Token, out.How, err)
	}
}

func TestForget(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(p *providers.Provider, base string)
		handler string
		status  int
		method  providers.Logout
		events  []providers.EventKind
		detail  string
		errText string
	}{
		{name: "telenor logout", edit: func(p *providers.Provider, base string) {
			*p = presetAt(t, "telenor", base)
			p.LogoutURL = base + "/oauth/v2/logout"
		},
			handler: "OK!", status: 200, method: providers.LogoutEndpoint, events: []providers.EventKind{providers.EventRevoked},
			detail: "logged out at the server (HTTP 200) and dropped locally"},
		{name: "revocation", edit: func(p *providers.Provider, base string) { p.RevocationURL = base + "/revoke" },
			status: 200, method: providers.LogoutRevocation, events: []providers.EventKind{providers.EventRevoked},
			detail: "revoked at the server (RFC 7009, HTTP 200) and dropped locally"},
		{name: "none", edit: func(*providers.Provider, string) {}, method: providers.LogoutNone, events: []providers.EventKind{providers.EventRevoked},
			detail: "dropped locally (the provider has no logout or revocation endpoint)"},
		{name: "remote failure", edit: func(p *providers.Provider, base string) {
			*p = presetAt(t, "telenor", base)
			p.LogoutURL = base + "/oauth/v2/logout"
		},
			handler: `{"code": 2}`, status: 401, method: providers.LogoutEndpoint, events: []providers.EventKind{providers.EventFailed, providers.EventRevoked},
			detail:  "dropped locally; the remote logout failed",
			errText: "logout for telenor: HTTP 401 Unauthorized: error 2 (invalid access token) (GET SERVER/oauth/v2/logout)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, answer(max(tc.status, 200), tc.handler))
			p := oauth2Provider(t, srv.URL())
			tc.edit(&p, srv.URL())
			st := newMemState(p)
			st.tok[p.Name] = &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-1"}
			out, err := testClient(nil).Forget(context.Background(), st, p.Name)
			if tc.errText == "" && err != nil || tc.errText != "" && (err == nil || strings.ReplaceAll(err.Error(), srv.URL(), "SERVER") != tc.errText) {
				t.Errorf("err = %v, want %q", err, tc.errText)
			}
			if res := out.Logout; res.Method != tc.method || res.Status != tc.status {
				t.Errorf("result = %+v", res)
			}
			if !reflect.DeepEqual(out.Events, st.events) || !out.Dropped() || out.Token != nil {
				t.Errorf("outcome = %+v, want the events recorded %+v and the token dropped", out, st.events)
			}
			if st.tok[p.Name] != nil || !reflect.DeepEqual(st.kinds(), tc.events) || st.events[len(st.events)-1].Detail != tc.detail {
				t.Errorf("token %v, events %+v", st.tok[p.Name], st.events)
			}
			for _, e := range st.events {
				if strings.Contains(e.Detail, "AT-1") || strings.Contains(e.Detail, "RT-1") {
					t.Errorf("event shows a token: %+v", e)
				}
			}
		})
	}
}

func TestForgetWithoutToken(t *testing.T) {
	st := newMemState(providers.Provider{Name: "m", LogoutURL: "http://127.0.0.1:1/never"})
	out, err := testClient(nil).Forget(context.Background(), st, "m")
	if err != nil || out.Logout.Method != providers.LogoutNone || len(st.events) != 1 || st.events[0].Detail != "no token held" {
		t.Errorf("Forget = %+v, %v, events %+v", out, err, st.events)
	}
	if !out.Dropped() || !reflect.DeepEqual(out.Events, st.events) {
		t.Errorf("outcome = %+v, want the revoked event", out)
	}
}

func TestLogoutWire(t *testing.T) {
	srv := serve(t, answer(200, "OK!"))
	p := presetAt(t, "telenor", srv.URL())
	p.LogoutURL = srv.URL() + "/oauth/v2/logout"
	res, err := testClient(nil).Logout(context.Background(), p, &providers.Token{AccessToken: "AT-1"})
	if err != nil || res != (LogoutResult{Method: providers.LogoutEndpoint, Status: 200, Body: "OK!"}) {
		t.Errorf("Logout = %+v, %v", res, err)
	}
	s := srv.got()[0]
	if s.Method != "GET" || s.Path != "/oauth/v2/logout" || s.Header.Get("Authorization") != "Bearer AT-1" || s.Body != "" {
		t.Errorf("logout request = %+v", s)
	}
	// RFC 7009: the refresh token first, then the access token, client authenticated.
	srv = serve(t, answer(200, ""))
	p = oauth2Provider(t, srv.URL())
	p.RevocationURL = srv.URL() + "/revoke"
	if _, err := testClient(nil).Logout(context.Background(), p, &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-1"}); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, s := range srv.got() {
		if id, secret := decodeBasic(t, s.Header.Get("Authorization")); s.Method != "POST" || id != "client-1" || secret != testSecret {
			t.Errorf("revocation request = %+v", s)
		}
		bodies = append(bodies, s.Body)
	}
	if want := []string{"token=RT-1&token_type_hint=refresh_token", "token=AT-1&token_type_hint=access_token"}; !reflect.DeepEqual(bodies, want) {
		t.Errorf("revocation bodies = %q, want %q", bodies, want)
	}
}

func TestTry(t *testing.T) {
	srv := serve(t, answer(200, `{"msisdn":"27811111111","plans":[]}`), answer(401, `{"error":"expired"}`), answer(503, "down"))
	p := presetAt(t, "mtn", srv.URL())
	p.TryURL = srv.URL() + "/customers/27811111111/subscriptions"
	tok := &providers.Token{AccessToken: "AT-1"}
	c := testClient(nil)
	res, err := c.Try(context.Background(), p, tok)
	if err != nil || res.Method != "GET" || res.Status != 200 || res.ContentType != "application/json" ||
		res.BodyStart != `{"msisdn":"27811111111","plans":[]}` || res.URL != p.TryURL || res.Latency <= 0 {
		t.Fatalf("Try = %+v, %v", res, err)
	}
	if s := srv.got()[0]; s.Header.Get("Authorization") != "Bearer AT-1" || s.Body != "" || s.Header.Get("Ocp-Apim-Subscription-Key") != testSubKey {
		t.Errorf("try request = %+v", s)
	}
	// A refusal is an answer to show, not an error; a 503 is not retried.
	for _, want := range []int{401, 503} {
		res, err = c.Try(context.Background(), p, tok)
		if err != nil || res.Status != want {
			t.Errorf("Try = %+v, %v; want status %d", res, err, want)
		}
	}
	if n := len(srv.got()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestTryPostsJSONAndMasksTheToken(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		answer(200, fmt.Sprintf(`{"you_sent":%q}`, r.Header.Get("Authorization")))(w, r)
	})
	p := presetAt(t, "mobiledigital", srv.URL())
	p.TryURL, p.TryMethod, p.TryBody = srv.URL()+"/prod/sendSMS", "", `{"recipient": "+61400000000", "message": "Hello"}`
	res, err := testClient(nil).Try(context.Background(), p, &providers.Token{AccessToken: "eyJhbGciOi.eyJzdWIi.c2ln"})
	if err != nil || res.Method != "POST" || res.BodyStart != `{"you_sent":"Bearer ****"}` {
		t.Fatalf("Try = %+v, %v", res, err)
	}
	if s := srv.got()[0]; s.Header.Get("Content-Type") != "application/json" || s.Body != p.TryBody {
		t.Errorf("try request = %+v", s)
	}
}

func TestTryNeedsAURLAndAToken(t *testing.T) {
	c := testClient(nil)
	var e *Error
	if _, err := c.Try(context.Background(), providers.Provider{Name: "x"}, &providers.Token{AccessToken: "a"}); !errors.As(err, &e) || !strings.Contains(e.Hint, "try_url") {
		t.Errorf("no URL: %v", err)
	}
	if _, err := c.Try(context.Background(), providers.Provider{Name: "x", TryURL: "http://127.0.0.1:1/"}, nil); err == nil {
		t.Error("no token: no error")
	}
}

// A refresh refused for another reason than the refresh token (a wrong
// client secret) is the answer: no new grant is tried behind it.
func TestRefreshRefusedForTheClientIsReported(t *testing.T) {
	srv := serve(t, answer(401, `{"error":"invalid_client","error_description":"bad secret"}`),
		answer(200, `{"access_token":"AT-9","expires_in":60}`))
	p := oauth2Provider(t, srv.URL())
	tok, err := testClient(nil).Refresh(context.Background(), p, &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-1"})
	if err == nil || tok != nil {
		t.Fatalf("Refresh = %v, %v; want the refresh's error", tok, err)
	}
	if !strings.HasPrefix(err.Error(), "refresh token for ") || !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("error = %v, want the refresh's own words", err)
	}
	if n := len(srv.got()); n != 1 {
		t.Errorf("%d requests, want only the refresh", n)
	}
}

// A token URL that carries its own grant_type (MTN documents one) still
// refreshes with grant_type=refresh_token.
func TestRefreshAgainstATokenURLWithAGrantInItsQuery(t *testing.T) {
	srv := serve(t, answer(200, `{"access_token":"AT-2","expires_in":60}`))
	p := oauth2Provider(t, srv.URL())
	p.TokenURL += "?grant_type=client_credentials"
	if _, err := testClient(nil).Refresh(context.Background(), p, &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-1"}); err != nil {
		t.Fatal(err)
	}
	r := srv.got()[0]
	q, _ := url.ParseQuery(r.RawQuery)
	f := r.form(t)
	if q.Get("grant_type") == "client_credentials" || f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != "RT-1" {
		t.Errorf("refresh sent query %v, form %v", q, f)
	}
}

// Renew renews even a token of unknown expiry, with its refresh token.
func TestEnsureRenewUsesTheRefreshToken(t *testing.T) {
	srv := serve(t, answer(200, `{"access_token":"AT-2","refresh_token":"RT-2"}`))
	p := presetAt(t, "telenor", srv.URL())
	st := newMemState(p)
	st.tok["telenor"] = &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-1"} // expiry unknown: valid as far as anyone knows
	out, err := testClient(nil).Ensure(context.Background(), st, "telenor", EnsureOptions{Renew: true})
	if err != nil || out.Token.AccessToken != "AT-2" {
		t.Fatalf("Ensure = %v, %v", out.Token, err)
	}
	if out.How != Rotated || st.tok["telenor"].RefreshToken != "RT-2" {
		t.Errorf("outcome %v, stored refresh token %q: want RT-2 rotated in", out.How, st.tok["telenor"].RefreshToken)
	}
	if f := srv.got()[0].form(t); f.Get("grant_type") != "refresh_token" || f.Get("refresh_token") != "RT-1" {
		t.Errorf("request form = %v, want a refresh", f)
	}
	if e := st.events[0]; e.Kind != providers.EventRefreshed {
		t.Errorf("event = %+v", e)
	}
}

// failDrop is a State that records everything but the drop of a token.
type failDrop struct{ *memState }

func (f failDrop) Record(name string, tok *providers.Token, ev providers.Event) (providers.Entry, error) {
	if tok == nil {
		return providers.Entry{}, errors.New("disk full")
	}
	return f.memState.Record(name, tok, ev)
}

// When only the failure of the remote logout could be recorded, the
// outcome says so: the token is still held, not dropped.
func TestForgetOutcomeWhenTheDropFails(t *testing.T) {
	srv := serve(t, answer(401, `{"code": 2}`))
	p := presetAt(t, "telenor", srv.URL())
	p.LogoutURL = srv.URL() + "/oauth/v2/logout"
	st := newMemState(p)
	tok := &providers.Token{AccessToken: "AT-1"}
	st.tok[p.Name] = tok
	out, err := testClient(nil).Forget(context.Background(), failDrop{st}, p.Name)
	if err == nil || !strings.Contains(err.Error(), "drop the token of telenor: disk full") {
		t.Errorf("err = %v", err)
	}
	if out.Dropped() || out.Token != tok || len(out.Events) != 1 || out.Events[0].Kind != providers.EventFailed {
		t.Errorf("outcome = %+v, want the failure recorded and the token kept", out)
	}
	if st.tok[p.Name] != tok {
		t.Errorf("stored token = %v", st.tok[p.Name])
	}
}

func TestRenewalString(t *testing.T) {
	for r, want := range map[Renewal]string{Cached: "cached", NewGrant: "new grant", Refreshed: "refreshed",
		Rotated: "refreshed, refresh token rotated", Renewal(9): "Renewal(9)"} {
		if got := r.String(); got != want {
			t.Errorf("%d: %q, want %q", int(r), got, want)
		}
	}
}

// A failure is recorded without putting back the token Ensure read before
// its request: another process that stored a token meanwhile (here, while
// the server was answering, a rotated refresh token) keeps it.
func TestEnsureFailureKeepsATokenStoredMeanwhile(t *testing.T) {
	var st *memState
	rotated := &providers.Token{AccessToken: "AT-9", RefreshToken: "RT-9", ExpiresAt: fixedNow.Add(time.Hour)}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		st.mu.Lock()
		st.tok["telenor"] = rotated
		st.mu.Unlock()
		answer(400, `{"code": 5}`)(w, r)
	})
	p := presetAt(t, "telenor", srv.URL())
	st = newMemState(p)
	st.tok["telenor"] = &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-1", ExpiresAt: fixedNow.Add(-time.Minute)}
	out, err := testClient(nil).Ensure(context.Background(), st, "telenor", EnsureOptions{Fresh: true})
	if err == nil {
		t.Fatal("no error")
	}
	if st.tok["telenor"] != rotated {
		t.Errorf("the failure put back the old token over the one stored meanwhile: %+v", st.tok["telenor"])
	}
	if !out.Recorded() || out.Token != rotated || st.events[len(st.events)-1].Kind != providers.EventFailed {
		t.Errorf("outcome = %+v, want the failed event and the token the store holds", out)
	}
}
