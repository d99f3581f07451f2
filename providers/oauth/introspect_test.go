package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

const (
	introAccess  = "at-0pa9ue-INTRO-4cc355"
	introRefresh = "rt-0pa9ue-INTRO-r3fr35h"
)

// strictIntrospection is an RFC 7662 endpoint that refuses what the RFC
// does not allow: another method, a body that is not a form, a missing
// token, an unknown token_type_hint, a client not authenticated as
// configured (auth: "basic" wants the Basic header and no credentials in
// the body, "none" a client_id in the body and no secret), the token in
// the query. It answers active for introAccess and introRefresh.
func strictIntrospection(t *testing.T, auth string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		refuse := func(status int, why string) {
			t.Logf("introspection refused: %s", why)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			fmt.Fprintf(w, `{"error":"invalid_request","error_description":%q}`, why)
		}
		if r.Method != http.MethodPost {
			refuse(405, "method "+r.Method)
			return
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentForm) {
			refuse(400, "content type "+ct)
			return
		}
		if r.URL.RawQuery != "" {
			refuse(400, "a query")
			return
		}
		if err := r.ParseForm(); err != nil {
			refuse(400, "form: "+err.Error())
			return
		}
		f := r.PostForm
		switch h := f.Get("token_type_hint"); h {
		case "", "access_token", "refresh_token":
		default:
			refuse(400, "hint "+h)
			return
		}
		switch auth {
		case "basic":
			id, secret, ok := r.BasicAuth()
			secret, _ = url.QueryUnescape(secret) // RFC 6749 §2.3.1
			if !ok || id != "cid" || secret != testSecret || f.Has("client_secret") || f.Has("client_id") {
				w.Header().Set("WWW-Authenticate", `Basic realm="introspect"`)
				w.WriteHeader(401)
				fmt.Fprint(w, `{"error":"invalid_client"}`)
				return
			}
		case "none":
			if f.Get("client_id") != "cid" || f.Has("client_secret") || r.Header.Get("Authorization") != "" {
				w.WriteHeader(401)
				fmt.Fprint(w, `{"error":"invalid_client"}`)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		switch tok := f.Get("token"); tok {
		case "":
			refuse(400, "no token")
		case introAccess:
			fmt.Fprintf(w, `{"active":true,"scope":"openid read","client_id":"cid","sub":"u-1","exp":%d,"iat":%d,"token_type":"Bearer","echo":%q}`,
				fixedNow.Add(time.Hour).Unix(), fixedNow.Unix(), tok)
		case introRefresh:
			fmt.Fprint(w, `{"active":true,"token_type":"refresh_token"}`)
		default:
			fmt.Fprint(w, `{"active":false}`)
		}
	}
}

func introspectionProvider(url string, auth providers.ClientAuth) providers.Provider {
	p := providers.Provider{Name: "idp", Grant: providers.GrantAuthorizationCode, ClientID: "cid",
		ClientAuth: auth, TokenURL: url + "/token", IntrospectionURL: url + "/introspect"}
	if auth != providers.AuthNone {
		p.ClientSecret = testSecret
	}
	return p
}

func TestIntrospectSendsTheTokenAuthenticatedAsTheClient(t *testing.T) {
	for _, tc := range []struct {
		auth   providers.ClientAuth
		server string
	}{{providers.AuthBasic, "basic"}, {providers.AuthNone, "none"}} {
		t.Run(string(tc.auth), func(t *testing.T) {
			srv := serve(t, strictIntrospection(t, tc.server))
			var trace bytes.Buffer
			c := NewClient(Options{Trace: &trace})
			tok := &providers.Token{AccessToken: introAccess, RefreshToken: introRefresh}
			in, err := c.Introspect(context.Background(), introspectionProvider(srv.URL(), tc.auth), tok, false)
			if err != nil {
				t.Fatal(err)
			}
			if !in.Active || in.Hint != "access_token" || in.Status != 200 {
				t.Fatalf("answer %+v", in)
			}
			var names []string
			for _, c := range in.Claims {
				names = append(names, c.Key)
			}
			if got := strings.Join(names, " "); got != "scope client_id sub exp iat token_type echo" {
				t.Errorf("claims in the order %q", got)
			}
			exp, _ := in.Lookup("exp")
			if at, ok := exp.Time(); !ok || !at.Equal(fixedNow.Add(time.Hour)) {
				t.Errorf("exp %s is %v, %v", exp.Value, at, ok)
			}
			if s, ok := in.Claims[0].Text(); !ok || s != "openid read" {
				t.Errorf("scope %q, %v", s, ok)
			}
			got := srv.got()
			if len(got) != 1 || got[0].form(t).Get("token_type_hint") != "access_token" {
				t.Fatalf("sent %+v", got)
			}
			for _, secret := range []string{introAccess, introRefresh, testSecret} {
				if strings.Contains(trace.String(), secret) {
					t.Errorf("the trace shows %q:\n%s", secret, trace.String())
				}
			}
			if !strings.Contains(trace.String(), "token_type_hint=access_token") {
				t.Errorf("the trace does not show the request body:\n%s", trace.String())
			}
		})
	}
}

func TestIntrospectRefreshTokenAndInactive(t *testing.T) {
	srv := serve(t, strictIntrospection(t, "basic"))
	c := NewClient(Options{})
	p := introspectionProvider(srv.URL(), providers.AuthBasic)
	in, err := c.Introspect(context.Background(), p, &providers.Token{AccessToken: introAccess, RefreshToken: introRefresh}, true)
	if err != nil || !in.Active || in.Hint != "refresh_token" {
		t.Fatalf("refresh token: %+v, %v", in, err)
	}
	if f := srv.got()[0].form(t); f.Get("token") != introRefresh || f.Get("token_type_hint") != "refresh_token" {
		t.Errorf("sent %v", f)
	}
	in, err = c.Introspect(context.Background(), p, &providers.Token{AccessToken: "revoked-one"}, false)
	if err != nil || in.Active || len(in.Claims) != 0 {
		t.Fatalf("inactive: %+v, %v", in, err)
	}
	if _, err := c.Introspect(context.Background(), p, &providers.Token{AccessToken: introAccess}, true); err == nil ||
		!strings.Contains(err.Error(), "no refresh token") {
		t.Errorf("no refresh token: %v", err)
	}
}

func TestIntrospectErrors(t *testing.T) {
	tok := &providers.Token{AccessToken: introAccess}
	wrong := serve(t, strictIntrospection(t, "basic"))
	p := introspectionProvider(wrong.URL(), providers.AuthBasic)
	p.ClientSecret = "not-the-secret"
	_, err := NewClient(Options{}).Introspect(context.Background(), p, tok, false)
	var e *Error
	if !errors.As(err, &e) || e.Status != 401 || e.Code != "invalid_client" || e.Hint != hintClientAuth {
		t.Fatalf("wrong secret: %#v", err)
	}
	if strings.Contains(err.Error(), "not-the-secret") || strings.Contains(err.Error(), introAccess) {
		t.Errorf("the error shows a secret: %v", err)
	}

	bare := serve(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) })
	_, err = NewClient(Options{}).Introspect(context.Background(), introspectionProvider(bare.URL(), providers.AuthBasic), tok, false)
	if !errors.As(err, &e) || e.Status != 401 || e.Hint != hintClientAuth {
		t.Errorf("a bare 401: %#v", err)
	}

	notRFC := serve(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"valid":true,"token":%q}`, r.FormValue("token"))
	})
	_, err = NewClient(Options{}).Introspect(context.Background(), introspectionProvider(notRFC.URL(), providers.AuthBasic), tok, false)
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "no active member") || strings.Contains(e.BodyStart, introAccess) {
		t.Fatalf("no active: %v (%q)", err, e.BodyStart)
	}

	big := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"active":true,"x":"` + strings.Repeat("a", MaxBodySize) + `"}`))
	})
	if _, err = NewClient(Options{}).Introspect(context.Background(), introspectionProvider(big.URL(), providers.AuthBasic), tok, false); !errors.Is(err, errBodyTooLarge) {
		t.Errorf("a body over the cap: %v", err)
	}

	if _, err := NewClient(Options{}).Introspect(context.Background(), providers.Provider{Name: "x"}, tok, false); err == nil ||
		!strings.Contains(err.Error(), "no introspection endpoint") {
		t.Errorf("no endpoint: %v", err)
	}
}

func TestIntrospectTimesOut(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	})
	p := introspectionProvider(srv.URL(), providers.AuthBasic)
	p.Timeout = 200 * time.Millisecond
	_, err := NewClient(Options{MaxRetries: -1}).Introspect(context.Background(), p, &providers.Token{AccessToken: introAccess}, false)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

func TestParseIntrospection(t *testing.T) {
	for _, tc := range []struct {
		body, err string
		active    bool
	}{
		{`{"active":false}`, "", false},
		{` {"active": true, "sub": "x"} `, "", true},
		{`{"sub":"x"}`, "no active member", false},
		{`{"active":"true"}`, "not a boolean", false},
		{`[{"active":true}]`, "not an object", false},
		{`{"active":true`, "not JSON", false},
		{``, "not JSON", false},
	} {
		in, err := ParseIntrospection([]byte(tc.body))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.body, err, tc.err)
			}
			continue
		}
		if err != nil || in.Active != tc.active {
			t.Errorf("%q: %+v, %v", tc.body, in, err)
		}
	}
}

func FuzzParseIntrospection(f *testing.F) {
	f.Add([]byte(`{"active":true,"exp":1700000000,"scope":"a b","aud":["x","y"],"ext":{"k":[1,2]}}`))
	f.Add([]byte(`{"active":false}`))
	f.Add([]byte(`{"active":true,"active":false}`))
	f.Add([]byte(`{"exp":1e400,"active":true,"nbf":-1,"iat":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := ParseIntrospection(b)
		if err != nil {
			return
		}
		var v map[string]any
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		if d.Decode(&v) != nil {
			t.Fatalf("accepted invalid JSON %q", b)
		}
		if _, ok := v["active"].(bool); !ok {
			t.Fatalf("accepted %q without a boolean active", b)
		}
		for _, c := range in.Claims {
			if !json.Valid([]byte(c.Value)) {
				t.Fatalf("claim %s is not JSON: %q", c.Key, c.Value)
			}
			if _, ok := v[c.Key]; !ok {
				t.Fatalf("claim %q is not a member of %q", c.Key, b)
			}
			c.Time()
			c.Text()
		}
	})
}

// strictUserinfo is a userinfo endpoint (OpenID Connect Core §5.3) that
// wants GET with the access token as a Bearer header and nothing else.
func strictUserinfo(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.RawQuery != "" || r.ContentLength > 0 {
			t.Logf("userinfo refused: %s %s", r.Method, r.URL)
			w.WriteHeader(400)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+introAccess {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":"invalid_token","error_description":"access token expired"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"sub":"u-1","name":"Ada \u001b[31m","email":"ada@example.com","token":"`+introAccess+`"}`)
	}
}

func TestUserinfo(t *testing.T) {
	srv := serve(t, strictUserinfo(t))
	var trace bytes.Buffer
	p := providers.Provider{Name: "idp", ClientID: "cid", TokenURL: srv.URL() + "/token", UserinfoURL: srv.URL() + "/userinfo"}
	u, err := NewClient(Options{Trace: &trace}).Userinfo(context.Background(), p, &providers.Token{AccessToken: introAccess})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Claims) != 4 || u.Claims[0].Key != "sub" || u.Status != 200 {
		t.Fatalf("claims %+v", u.Claims)
	}
	if bytes.Contains(u.Body, []byte(introAccess)) || strings.Contains(trace.String(), introAccess) {
		t.Errorf("the token echoed back shows: %s\n%s", u.Body, trace.String())
	}

	_, err = NewClient(Options{}).Userinfo(context.Background(), p, &providers.Token{AccessToken: "stale"})
	var e *Error
	if !errors.As(err, &e) || e.Status != 401 || !strings.Contains(e.Hint, "tokenscope refresh idp") {
		t.Fatalf("401: %#v", err)
	}
	if !strings.Contains(err.Error(), "access token expired") {
		t.Errorf("the server's words are missing: %v", err)
	}
}

func TestUserinfoRefusesWhatIsNotAnObject(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jwt")
		fmt.Fprint(w, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
	})
	p := providers.Provider{Name: "idp", UserinfoURL: srv.URL() + "/userinfo"}
	_, err := NewClient(Options{}).Userinfo(context.Background(), p, &providers.Token{AccessToken: introAccess})
	if err == nil || !strings.Contains(err.Error(), "userinfo response is not JSON") {
		t.Fatalf("got %v", err)
	}
}
