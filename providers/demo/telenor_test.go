package demo

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

func telenorProvider(t *testing.T, f *fixture) providers.Provider {
	return f.preset(t, providers.Provider{
		Name: "telenor", Preset: "telenor",
		TokenURL:  f.srv.URL() + "/telenor/oauth/v2/token",
		LogoutURL: f.srv.URL() + "/telenor/oauth/v2/logout",
		ClientID:  telenorClientID, ClientSecret: telenorClientSecret,
		Username: telenorUsername, Password: telenorPassword,
		Scope: telenorScopeRead,
	})
}

func TestTelenorWire(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := telenorProvider(t, f)
	tok, err := f.client.Fetch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	// Seed 003: curl -X POST .../oauth/v2/token -u client_id:client_secret
	// --data grant_type=password --data username=.. --data password=..
	checkWire(t, f.wire.one(t), expect{
		method: "POST", path: "/telenor/oauth/v2/token",
		header: map[string]string{"Authorization": basic(telenorClientID, telenorClientSecret), "Content-Type": formType},
		form: url.Values{"grant_type": {"password"}, "username": {telenorUsername}, "password": {telenorPassword},
			"scope": {telenorScopeRead}},
	})
	// expires_in is the string "60" (two thirds of the lifetime).
	if tok.ExpiresIn != 60 || !tok.ExpiresAt.Equal(epoch.Add(time.Minute)) || tok.RefreshToken == "" {
		t.Errorf("token: expires_in %d at %v, refresh token %v; want 60, %v, one", tok.ExpiresIn, tok.ExpiresAt, tok.RefreshToken != "", epoch.Add(time.Minute))
	}

	// Refresh: the refresh_token grant, and the refresh token rotates.
	f.clock.Advance(30 * time.Second)
	tok2, err := f.client.Refresh(ctx, p, tok)
	if err != nil {
		t.Fatal(err)
	}
	checkWire(t, f.wire.one(t), expect{
		method: "POST", path: "/telenor/oauth/v2/token",
		header: map[string]string{"Authorization": basic(telenorClientID, telenorClientSecret)},
		form:   url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken.Reveal()}},
	})
	if tok2.RefreshToken == "" || tok2.RefreshToken == tok.RefreshToken || tok2.AccessToken == tok.AccessToken {
		t.Fatal("the refresh did not rotate the refresh token")
	}
	// The old refresh token is spent: Telenor says code 7, and the engine
	// falls back to a new password grant.
	old := f.send(t, "POST", "/telenor/oauth/v2/token",
		map[string]string{"Authorization": basic(telenorClientID, telenorClientSecret), "Content-Type": formType},
		"grant_type=refresh_token&refresh_token="+url.QueryEscape(tok.RefreshToken.Reveal()))
	if old.status != 401 || old.body != `{"error":"invalid_grant","error_code":7,"error_description":"Invalid refresh_token"}` {
		t.Errorf("spent refresh token: %d %s", old.status, old.body)
	}
	tok3, err := f.client.Refresh(ctx, p, tok)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.wire.take(); len(got) != 2 || !strings.Contains(string(got[0].Body), "grant_type=refresh_token") ||
		!strings.Contains(string(got[1].Body), "grant_type=password") {
		t.Errorf("refresh with a spent token sent %v, want the refresh grant then the password grant", paths(got))
	}

	// Logout: GET with the Bearer token, "OK!".
	lr, err := f.client.Logout(ctx, p, tok3)
	if err != nil {
		t.Fatal(err)
	}
	checkWire(t, f.wire.one(t), expect{
		method: "GET", path: "/telenor/oauth/v2/logout",
		header: map[string]string{"Authorization": "Bearer " + tok3.AccessToken.Reveal()},
	})
	if lr.Method != providers.LogoutEndpoint || lr.Status != 200 || lr.Body != "OK!" {
		t.Errorf("logout = %+v, want logout 200 OK!", lr)
	}
	// A second logout of the same token: 401 code 2, with its meaning.
	_, err = f.client.Logout(ctx, p, tok3)
	e := engineError(t, err)
	if e.Status != 401 || e.Meaning != "invalid access token" {
		t.Errorf("second logout = %v (meaning %q), want 401 code 2 invalid access token", err, e.Meaning)
	}
}

func TestTelenorWrongPasswordInItsOwnWords(t *testing.T) {
	f := newFixture(t)
	p := telenorProvider(t, f)
	p.Password = "portal-password"
	_, err := f.client.Fetch(context.Background(), p)
	e := engineError(t, err)
	if e.Status != 401 || e.Number != "20" || e.Meaning != "invalid resource owner credentials" ||
		!strings.Contains(err.Error(), "invalid_grant, error 20 (invalid resource owner credentials)") {
		t.Errorf("error = %v (meaning %q), want Telenor's code 20", err, e.Meaning)
	}
	noSecret(t, err.Error()+e.Hint, "portal-password", telenorClientSecret)
}

func TestTelenorRefuses(t *testing.T) {
	f := newFixture(t)
	const path = "/telenor/oauth/v2/token"
	good := basic(telenorClientID, telenorClientSecret)
	form := func(auth string) map[string]string {
		return map[string]string{"Authorization": auth, "Content-Type": formType}
	}
	owner := "grant_type=password&username=" + telenorUsername + "&password=" + telenorPassword
	tokenAnswer := f.send(t, "POST", path, form(good), owner)
	if tokenAnswer.status != 200 || !strings.Contains(tokenAnswer.body, `"expires_in":"60","token_type":"Bearer","refresh_token":"`) {
		t.Fatalf("token answer = %d %s, want the seed's shape", tokenAnswer.status, tokenAnswer.body)
	}
	f.checkRefusals(t, []refusal{
		{"credentials in the body", "POST", path, map[string]string{"Content-Type": formType},
			owner + "&client_id=" + telenorClientID + "&client_secret=" + telenorClientSecret,
			401, `{"error":"invalid_client","error_code":6,"error_description":"Missing or bad Authorization header"}`},
		{"unknown client", "POST", path, form(basic("someone", telenorClientSecret)), owner,
			401, `{"error":"invalid_client","error_code":1,"error_description":"Invalid client id"}`},
		{"wrong client secret", "POST", path, form(basic(telenorClientID, "x")), owner,
			401, `{"error":"invalid_client","error_code":22,"error_description":"Basic Authentication failed, bad username or password."}`},
		{"wrong password", "POST", path, form(good), "grant_type=password&username=" + telenorUsername + "&password=x",
			401, `{"error":"invalid_grant","error_code":20,"error_description":"Invalid resource owner credentials"}`},
		{"client_credentials", "POST", path, form(good), "grant_type=client_credentials",
			401, `{"error":"unauthorized_client","error_code":21,"error_description":"Unsufficient permissions to use requested grant_type"}`},
		{"no grant_type", "POST", path, form(good), "username=" + telenorUsername,
			400, `{"error":"invalid_request","error_code":2,"error_description":"Missing or invalid grant_type"}`},
		{"illegal scope", "POST", path, form(good), owner + "&scope=admin",
			403, `{"error":"invalid_scope","error_code":8,"error_description":"Illegal or non authorized scope"}`},
		{"GET", "GET", path, map[string]string{"Authorization": good}, "",
			400, `{"error":"invalid_request","error_code":2,"error_description":"Missing or invalid grant_type"}`},
		{"logout without a token", "GET", "/telenor/oauth/v2/logout", nil, "",
			401, `{"error":"invalid_client","error_code":6,"error_description":"Missing or bad Authorization header"}`},
		{"logout with Basic", "GET", "/telenor/oauth/v2/logout", map[string]string{"Authorization": good}, "",
			401, `{"error":"invalid_client","error_code":6,"error_description":"Missing or bad Authorization header"}`},
		{"logout of an unknown token", "GET", "/telenor/oauth/v2/logout", map[string]string{"Authorization": "Bearer nope"}, "",
			401, `{"error":"invalid_token","error_code":2,"error_description":"Invalid access token"}`},
		{"logout by POST", "POST", "/telenor/oauth/v2/logout", map[string]string{"Authorization": "Bearer nope"}, "",
			405, `{"error":"invalid_request","error_description":"Method not allowed: logout is GET"}`},
	})
}
