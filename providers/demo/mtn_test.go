package demo

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

func mtnProvider(t *testing.T, f *fixture) providers.Provider {
	return f.preset(t, providers.Provider{
		Name: "mtn", Preset: "mtn",
		TokenURL: f.srv.URL() + "/mtn/v1/oauth/access_token",
		ClientID: mtnClientID, ClientSecret: mtnClientSecret,
		TryURL: f.srv.URL() + "/mtn/customers/27811111111/subscriptions",
	})
}

// extra returns the JSON text of an extra field of tok.
func extra(tok *providers.Token, key string) (string, bool) {
	for _, f := range tok.Extra {
		if f.Key == key {
			return f.Value, true
		}
	}
	return "", false
}

func TestMTNWire(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := mtnProvider(t, f)
	tok, err := f.client.Fetch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	// Seed 000: curl -X POST -H "Content-Type: application/x-www-form-urlencoded"
	// .../v1/oauth/access_token?grant_type=client_credentials -d 'client_id=..&client_secret=..'
	checkWire(t, f.wire.one(t), expect{
		method: "POST", path: "/mtn/v1/oauth/access_token", rawQuery: "grant_type=client_credentials",
		header: map[string]string{"Content-Type": formType, "Authorization": ""},
		form:   url.Values{"client_id": {mtnClientID}, "client_secret": {mtnClientSecret}},
	})
	if tok.TokenType != "BearerToken" || len(tok.AccessToken.Reveal()) != 28 {
		t.Errorf("token type %q, token %d chars; want BearerToken, 28", tok.TokenType, len(tok.AccessToken.Reveal()))
	}
	// expires_in "89" (a string, one second under the lifetime as Apigee
	// counts), issued_at in epoch milliseconds.
	if tok.ExpiresIn != 89 || !tok.ExpiresAt.Equal(epoch.Add(89*time.Second)) || tok.ExpirySource != providers.ExpiryFromExpiresIn {
		t.Errorf("expiry = %d s, %v (%s); want 89 s, %v", tok.ExpiresIn, tok.ExpiresAt, tok.ExpirySource, epoch.Add(89*time.Second))
	}
	if !tok.IssuedAt.Equal(epoch) || tok.ClockSkew != 0 {
		t.Errorf("issued %v, skew %v; want %v, 0", tok.IssuedAt, tok.ClockSkew, epoch)
	}
	for key, want := range map[string]string{
		"api_product_list_json":    `["MTN Customer Plans API v2","Payment_Staging"]`,
		"api_product_list":         `"[MTN Customer Plans API v2, Payment_Staging]"`,
		"developer.email":          `"demo@tokenscope.invalid"`,
		"status":                   `"approved"`,
		"refresh_token_expires_in": `"0"`,
	} {
		if got, ok := extra(tok, key); !ok || got != want {
			t.Errorf("extra %s = %s, want %s", key, got, want)
		}
	}

	// The seed's first API call, with the token as Bearer.
	res, err := f.client.Try(ctx, p, tok)
	if err != nil {
		t.Fatal(err)
	}
	checkWire(t, f.wire.one(t), expect{
		method: "GET", path: "/mtn/customers/27811111111/subscriptions",
		header: map[string]string{"Authorization": "Bearer " + tok.AccessToken.Reveal()},
	})
	if res.Status != 200 || !strings.Contains(res.BodyStart, "MTN Customer Plans API v2") {
		t.Errorf("try = %d %q, want 200 with the subscriptions", res.Status, res.BodyStart)
	}

	// No refresh token: a refresh is a new grant, the same request.
	tok2, err := f.client.Refresh(ctx, p, tok)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.wire.one(t); got.RawQuery != "grant_type=client_credentials" || tok2.AccessToken == tok.AccessToken {
		t.Errorf("refresh sent %q and got the same token: %v", got.RawQuery, tok2.AccessToken == tok.AccessToken)
	}
	// Nothing to log out from: nothing is sent.
	if lr, err := f.client.Logout(ctx, p, tok2); err != nil || lr.Method != providers.LogoutNone {
		t.Errorf("logout = %+v, %v; want method none", lr, err)
	}
	if got := f.wire.take(); len(got) != 0 {
		t.Errorf("logout sent %v", paths(got))
	}

	// Once expired, the API refuses the token in Apigee's words.
	f.clock.Advance(90 * time.Second)
	res, err = f.client.Try(ctx, p, tok2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 401 || !strings.Contains(res.BodyStart, "Access Token expired") {
		t.Errorf("try after expiry = %d %q, want 401 Access Token expired", res.Status, res.BodyStart)
	}
}

func TestMTNWrongSecretInItsOwnWords(t *testing.T) {
	f := newFixture(t)
	p := mtnProvider(t, f)
	p.ClientSecret = "not-the-secret"
	_, err := f.client.Fetch(context.Background(), p)
	e := engineError(t, err)
	if e.Status != 401 || !strings.Contains(err.Error(), "Client credentials are invalid") || e.Attempts > 1 {
		t.Errorf("error = %v (status %d, %d attempts); want 401 in Apigee's words, not retried", err, e.Status, e.Attempts)
	}
	noSecret(t, err.Error()+e.Hint, "not-the-secret")
}

func TestMTNRefuses(t *testing.T) {
	f := newFixture(t)
	const path = "/mtn/v1/oauth/access_token"
	form := map[string]string{"Content-Type": formType}
	creds := "client_id=" + mtnClientID + "&client_secret=" + mtnClientSecret
	f.checkRefusals(t, []refusal{
		{"grant_type in the body", "POST", path, form, "grant_type=client_credentials&" + creds,
			400, `{"ErrorCode":"invalid_request","Error":"Required param : grant_type"}`},
		{"another grant", "POST", path + "?grant_type=password", form, creds,
			400, `{"ErrorCode":"unsupported_grant_type","Error":"Unsupported grant type : password"}`},
		{"credentials as Basic", "POST", path + "?grant_type=client_credentials",
			map[string]string{"Content-Type": formType, "Authorization": basic(mtnClientID, mtnClientSecret)}, "",
			401, `{"ErrorCode":"invalid_client","Error":"Client identifier is required"}`},
		{"credentials in the query", "POST", path + "?grant_type=client_credentials&" + creds, form, "",
			401, `{"ErrorCode":"invalid_client","Error":"Client identifier is required"}`},
		{"unknown client", "POST", path + "?grant_type=client_credentials", form, "client_id=nobody&client_secret=x",
			401, `{"ErrorCode":"invalid_client","Error":"ClientId is Invalid"}`},
		{"JSON body", "POST", path + "?grant_type=client_credentials", map[string]string{"Content-Type": "application/json"},
			`{"client_id":"x"}`,
			400, `{"ErrorCode":"invalid_request","Error":"Invalid Content-Type \"application/json\": use application/x-www-form-urlencoded"}`},
		{"GET", "GET", path + "?grant_type=client_credentials", nil, "",
			405, `{"ErrorCode":"invalid_request","Error":"Invalid HTTP method GET: use POST"}`},
		{"API call without a token", "GET", "/mtn/customers/27811111111/subscriptions", nil, "",
			401, `{"fault":{"faultstring":"Invalid access token","detail":{"errorcode":"oauth.v2.InvalidAccessToken"}}}`},
		{"API call with a made-up token", "GET", "/mtn/customers/27811111111/subscriptions",
			map[string]string{"Authorization": "Bearer GTPY9VUHCqKVMRB0cHxnmAp0utR0"}, "",
			401, `{"fault":{"faultstring":"Invalid Access Token","detail":{"errorcode":"keymanagement.service.invalid_access_token"}}}`},
		{"no such proxy", "GET", "/mtn/v2/nothing", nil, "",
			404, `{"fault":{"faultstring":"Unable to identify proxy for host: default and url: /mtn/v2/nothing","detail":{"errorcode":"messaging.adaptors.http.flow.ApplicationNotFound"}}}`},
	})
}
