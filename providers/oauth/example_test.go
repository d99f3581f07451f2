package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

func ExampleCurlCommand() {
	p, _ := providers.ApplyPreset(providers.Provider{Name: "mtn", Preset: "mtn", ClientID: "xNnREu1D", ClientSecret: "never shown"})
	fmt.Println(oauth.CurlCommand(p))
	// Output:
	// curl -sS 'https://api.mtn.com/v1/oauth/access_token?grant_type=client_credentials' \
	//   -H 'Accept: application/json' \
	//   --data-urlencode client_id=xNnREu1D \
	//   --data-urlencode "client_secret=$CLIENT_SECRET"
}

func ExampleParseTokenResponse() {
	body := `{"token_type": "BearerToken", "issued_at": "1611316770076", "access_token": "GTPY9VUHCqKVMRB0cHxnmAp0utR0",
		"expires_in": "3599", "status": "approved"}`
	now := time.Date(2021, 1, 22, 11, 59, 30, 0, time.UTC)
	tok, err := oauth.ParseTokenResponse([]byte(body), http.Header{}, now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.TokenType, tok.ExpiresIn, tok.ExpirySource, tok.IssuedAt.UTC().Format(time.RFC3339Nano))
	fmt.Println(tok.Extra)
	// Output:
	// BearerToken 3599 expires_in 2021-01-22T11:59:30.076Z
	// [{status "approved"}]
}

// state is the smallest State: one provider in memory.
type state struct {
	p   providers.Provider
	tok *providers.Token
	log []providers.Event
}

func (s *state) Lookup(string) (providers.Provider, *providers.Token, error) { return s.p, s.tok, nil }
func (s *state) Record(_ string, tok *providers.Token, ev providers.Event) (providers.Entry, error) {
	s.tok, s.log = tok, append(s.log, ev)
	return providers.Entry{Provider: s.p, Token: s.tok, History: s.log}, nil
}
func (s *state) RecordEvent(_ string, ev providers.Event) (providers.Entry, error) {
	s.log = append(s.log, ev)
	return providers.Entry{Provider: s.p, Token: s.tok, History: s.log}, nil
}

func ExampleClient_Ensure() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _, _ := r.BasicAuth()
		if user != "client-1" || r.PostFormValue("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error":"invalid_client","error_description":"who are you?"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"AT-1","token_type":"Bearer","expires_in":3600}`)
	}))
	defer srv.Close()
	p, _ := providers.ApplyPreset(providers.Provider{Name: "idp", TokenURL: srv.URL + "/token", ClientID: "client-1", ClientSecret: "s"})
	st := &state{p: p}
	c := oauth.NewClient(oauth.Options{})
	for range 2 { // the second call uses the stored token
		out, err := c.Ensure(context.Background(), st, "idp", oauth.EnsureOptions{MinValidity: time.Minute})
		fmt.Println(out.Token.AccessToken.Reveal(), err)
		fmt.Println("how:", out.How)
	}
	fmt.Println(len(st.log), st.log[0].Kind)

	st.p.ClientID = "someone-else"
	_, err := c.Ensure(context.Background(), st, "idp", oauth.EnsureOptions{Fresh: true})
	var e *oauth.Error
	if errors.As(err, &e) {
		fmt.Println(strings.Replace(e.Error(), srv.URL, "http://idp.example", 1))
		fmt.Println("hint:", e.Hint)
	}
	// Output:
	// AT-1 <nil>
	// how: new grant
	// AT-1 <nil>
	// how: cached
	// 1 issued
	// fetch token for idp: HTTP 401 Unauthorized: invalid_client: who are you? (POST http://idp.example/token)
	// hint: check client_id and client_secret, and client_auth (basic, body or query): servers differ on where they want them
}
