package demo

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
)

func mobiledigitalProvider(t *testing.T, f *fixture) providers.Provider {
	return f.preset(t, providers.Provider{
		Name: "mobiledigital", Preset: "mobiledigital",
		TokenURL: f.srv.URL() + "/mobiledigital/prod/oauth2/token",
		ClientID: mobiledigitalClientID, ClientSecret: mobiledigitalSecret,
		TryURL: f.srv.URL() + "/mobiledigital/prod/test-oauth2",
	})
}

func TestMobileDigitalWire(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := mobiledigitalProvider(t, f)
	tok, err := f.client.Fetch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	// Seed 004: Basic base64(client_id:client_secret) and
	// grant_type=client_credentials&scope=read write admin.
	checkWire(t, f.wire.one(t), expect{
		method: "POST", path: "/mobiledigital/prod/oauth2/token",
		header: map[string]string{"Authorization": basic(mobiledigitalClientID, mobiledigitalSecret), "Content-Type": formType},
		form:   url.Values{"grant_type": {"client_credentials"}, "scope": {"read write admin"}},
	})
	if tok.ExpiresIn != 90 || tok.Scope != "read write admin" || tok.TokenType != "Bearer" {
		t.Errorf("token: expires_in %d, scope %q, type %q", tok.ExpiresIn, tok.Scope, tok.TokenType)
	}
	j, err := jwt.Parse(tok.AccessToken.Reveal())
	if err != nil {
		t.Fatalf("the token is an HS256 JWT: %v", err)
	}
	if j.HeaderMap["alg"] != "HS256" || j.ClaimsMap["scope"] != "read write admin" {
		t.Errorf("header %v, claims %v", j.HeaderMap, j.ClaimsMap)
	}

	res, err := f.client.Try(ctx, p, tok)
	if err != nil {
		t.Fatal(err)
	}
	checkWire(t, f.wire.one(t), expect{
		method: "GET", path: "/mobiledigital/prod/test-oauth2",
		header: map[string]string{"Authorization": "Bearer " + tok.AccessToken.Reveal()},
	})
	if res.Status != 200 || !strings.Contains(res.BodyStart, "OAuth2 authentication successful") {
		t.Errorf("try = %d %q", res.Status, res.BodyStart)
	}
	f.clock.Advance(90 * time.Second)
	if res, err = f.client.Try(ctx, p, tok); err != nil || res.Status != 401 || !strings.Contains(res.BodyStart, "expired") {
		t.Errorf("try after expiry = %+v, %v; want 401 expired", res, err)
	}
}

func TestMobileDigitalSendSMS(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := mobiledigitalProvider(t, f)
	p.TryURL, p.TryMethod = f.srv.URL()+"/mobiledigital/prod/sendSMS", "POST"
	p.TryBody = `{"recipient": "+61400000000", "message": "Hello from tokenscope"}`
	tok, err := f.client.Fetch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.client.Try(ctx, p, tok)
	if err != nil || res.Status != 200 || !strings.Contains(res.BodyStart, `"status":"queued"`) {
		t.Fatalf("send SMS = %+v, %v", res, err)
	}
	// A token without the write scope: 403, as the seed says.
	p.Scope = "read"
	tok, err = f.client.Fetch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	res, err = f.client.Try(ctx, p, tok)
	if err != nil || res.Status != 403 || !strings.Contains(res.BodyStart, "Missing required scope: write") {
		t.Errorf("send SMS with scope read = %+v, %v; want 403", res, err)
	}
}

func TestMobileDigitalRefuses(t *testing.T) {
	f := newFixture(t)
	const path = "/mobiledigital/prod/oauth2/token"
	good := map[string]string{"Authorization": basic(mobiledigitalClientID, mobiledigitalSecret), "Content-Type": formType}
	f.checkRefusals(t, []refusal{
		{"credentials in the body", "POST", path, map[string]string{"Content-Type": formType},
			"grant_type=client_credentials&client_id=" + mobiledigitalClientID + "&client_secret=" + mobiledigitalSecret,
			401, `{"error":"invalid_client","error_description":"Client authentication failed"}`},
		{"wrong secret", "POST", path, map[string]string{"Authorization": basic(mobiledigitalClientID, "x"), "Content-Type": formType},
			"grant_type=client_credentials",
			401, `{"error":"invalid_client","error_description":"Client authentication failed"}`},
		{"gifting scope not granted", "POST", path, good, "grant_type=client_credentials&scope=read+gifting%3Asend",
			400, `{"error":"invalid_scope","error_description":"Scope not allowed for this client: gifting:send"}`},
		{"password grant", "POST", path, good, "grant_type=password",
			400, `{"error":"unsupported_grant_type","error_description":"Invalid grant_type: use grant_type=client_credentials"}`},
		{"JSON body", "POST", path, map[string]string{"Authorization": good["Authorization"], "Content-Type": "application/json"},
			`{"grant_type":"client_credentials"}`,
			400, `{"error":"invalid_request","error_description":"Content-Type must be application/x-www-form-urlencoded"}`},
		{"GET", "GET", path, good, "", 403, `{"message":"Missing Authentication Token"}`},
		{"no such route", "POST", "/mobiledigital/prod/sendMMS", good, "", 403, `{"message":"Missing Authentication Token"}`},
		{"test without a token", "GET", "/mobiledigital/prod/test-oauth2", nil, "",
			401, `{"error":"invalid_token","error_description":"Missing Authorization: Bearer token"}`},
		{"test with a made-up token", "GET", "/mobiledigital/prod/test-oauth2", map[string]string{"Authorization": "Bearer eyJ.x.y"}, "",
			401, `{"error":"invalid_token","error_description":"Invalid or expired token"}`},
	})
}
