package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

func mobifinanceProvider(t *testing.T, f *fixture, id, secret string) providers.Provider {
	return f.preset(t, providers.Provider{
		Name: "mobifinance", Preset: "mobifinance",
		TokenURL: f.srv.URL() + "/mobifinance/oauth/token",
		ClientID: id, ClientSecret: providers.Secret(secret),
	})
}

func TestMobifinanceWire(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p := mobifinanceProvider(t, f, mobifinanceClientID, mobifinanceSecret)
	tok, err := f.client.Fetch(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	// Seed 002: everything in the query string, in this order, and an
	// empty form body.
	checkWire(t, f.wire.one(t), expect{
		method: "POST", path: "/mobifinance/oauth/token",
		rawQuery: "client_id=" + mobifinanceClientID + "&client_secret=" + mobifinanceSecret + "&grant_type=client_credentials",
		header:   map[string]string{"Content-Type": formType, "Authorization": ""},
	})
	// No expires_in: the expiry is the JWT's exp (half the lifetime).
	if tok.ExpiresIn != 0 || tok.ExpirySource != providers.ExpiryFromJWT || !tok.ExpiresAt.Equal(epoch.Add(45*time.Second)) {
		t.Errorf("expiry: expires_in %d, %s, %v; want none, from the JWT, %v", tok.ExpiresIn, tok.ExpirySource, tok.ExpiresAt, epoch.Add(45*time.Second))
	}
	if tok.TokenType != "Bearer" || tok.RefreshToken != "" {
		t.Errorf("token type %q, refresh token %v", tok.TokenType, tok.RefreshToken != "")
	}
}

func TestMobifinanceOutageIsRetried505(t *testing.T) {
	f := newFixture(t)
	_, err := f.client.Fetch(context.Background(), mobifinanceProvider(t, f, mobifinanceOutageID, mobifinanceOutageSecret))
	e := engineError(t, err)
	if e.Status != 505 || e.Code != "server_error" || e.Attempts != 4 || len(*f.sleeps) != 3 {
		t.Errorf("error = %v (status %d, %d attempts, %d sleeps); want 505 server_error after 4 attempts",
			err, e.Status, e.Attempts, len(*f.sleeps))
	}
}

func TestMobifinanceWrongSecretIsNotRetried(t *testing.T) {
	f := newFixture(t)
	_, err := f.client.Fetch(context.Background(), mobifinanceProvider(t, f, mobifinanceClientID, "wrong-secret"))
	e := engineError(t, err)
	if e.Status != 401 || e.Code != "unauthorized_client" || e.Attempts > 1 || !strings.Contains(err.Error(), "Invalid client_id or client_secret") {
		t.Errorf("error = %v (%d attempts), want 401 unauthorized_client at once", err, e.Attempts)
	}
	// The secret travelled in the URL: it must not come back in the error.
	noSecret(t, err.Error()+e.Hint, "wrong-secret")
}

func TestMobifinanceRefuses(t *testing.T) {
	f := newFixture(t)
	const path = "/mobifinance/oauth/token"
	q := "?client_id=" + mobifinanceClientID + "&client_secret=" + mobifinanceSecret
	form := map[string]string{"Content-Type": formType}
	f.checkRefusals(t, []refusal{
		{"parameters in the body", "POST", path, form,
			"client_id=" + mobifinanceClientID + "&client_secret=" + mobifinanceSecret + "&grant_type=client_credentials",
			400, `{"error":"invalid_request","error_description":"Bad request: client_id, client_secret and grant_type go in the query string, the body stays empty"}`},
		{"no grant_type", "POST", path + q, form, "",
			400, `{"error":"invalid_request","error_description":"Bad request: grant_type is required in the query string"}`},
		{"JSON", "POST", path + q + "&grant_type=client_credentials", map[string]string{"Content-Type": "application/json"}, "",
			415, `{"error":"unsupported_grant_type","error_description":"Unsupported type: Content-Type must be application/x-www-form-urlencoded"}`},
		{"password grant", "POST", path + q + "&grant_type=password", form, "",
			415, `{"error":"unsupported_grant_type","error_description":"Unsupported type: grant_type must be client_credentials"}`},
		{"refresh grant", "POST", path + q + "&grant_type=refresh_token", form, "",
			403, `{"error":"invalid_grant","error_description":"Invalid code"}`},
		{"wrong secret", "POST", path + "?client_id=" + mobifinanceClientID + "&client_secret=x&grant_type=client_credentials", form, "",
			401, `{"error":"unauthorized_client","error_description":"Invalid client_id or client_secret"}`},
		{"GET", "GET", path + q + "&grant_type=client_credentials", nil, "",
			400, `{"error":"invalid_request","error_description":"Bad request: use POST"}`},
	})
}
