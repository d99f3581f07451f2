package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
)

func momoProvider(t *testing.T, f *fixture, product string) providers.Provider {
	return f.preset(t, providers.Provider{
		Name: "momo-" + product, Preset: "momo", Product: product,
		TokenURL: f.srv.URL() + "/momo/" + product + "/token/",
		ClientID: momoAPIUser, ClientSecret: momoAPIKey,
		Headers: map[string]providers.Secret{
			"Ocp-Apim-Subscription-Key": providers.Secret(momoSubscriptionKeys()[product]),
		},
	})
}

func TestMoMoWire(t *testing.T) {
	for _, product := range []string{"collection", "disbursement", "remittance"} {
		t.Run(product, func(t *testing.T) {
			f := newFixture(t)
			tok, err := f.client.Fetch(context.Background(), momoProvider(t, f, product))
			if err != nil {
				t.Fatal(err)
			}
			// Seed 001: POST /{product}/token/ with the Basic header of API
			// user and API key, the subscription key, and nothing else.
			checkWire(t, f.wire.one(t), expect{
				method: "POST", path: "/momo/" + product + "/token/", rawQuery: "",
				header: map[string]string{
					"Authorization":             basic(momoAPIUser, momoAPIKey),
					"Ocp-Apim-Subscription-Key": momoSubscriptionKeys()[product],
				},
			})
			if tok.ExpiresIn != 90 || !tok.ExpiresAt.Equal(epoch.Add(90*time.Second)) || tok.TokenType != "access_token" {
				t.Errorf("token: expires_in %d, at %v, type %q; want 90, %v, access_token", tok.ExpiresIn, tok.ExpiresAt, tok.TokenType, epoch.Add(90*time.Second))
			}
			j, err := jwt.Parse(tok.AccessToken.Reveal())
			if err != nil {
				t.Fatalf("MoMo's token is a JWT: %v", err)
			}
			if j.ClaimsMap["clientId"] != momoAPIUser || j.HeaderMap["alg"] != "RS256" {
				t.Errorf("claims %v, header %v", j.ClaimsMap, j.HeaderMap)
			}
			if exp, ok := j.Expiry(); !ok || !exp.Equal(tok.ExpiresAt) {
				t.Errorf("JWT exp %v, want %v", exp, tok.ExpiresAt)
			}
		})
	}
}

func TestMoMoSubscriptionKeyInItsOwnWords(t *testing.T) {
	f := newFixture(t)
	// Collection's key on the disbursement endpoint: each product has its own.
	p := momoProvider(t, f, "disbursement")
	p.Headers = map[string]providers.Secret{"Ocp-Apim-Subscription-Key": providers.Secret(momoSubscriptionKeys()["collection"])}
	_, err := f.client.Fetch(context.Background(), p)
	e := engineError(t, err)
	if e.Status != 401 || !strings.Contains(err.Error(), "Access denied due to invalid subscription key") {
		t.Errorf("error = %v, want MoMo's 401 about the subscription key", err)
	}
	if !strings.Contains(e.Hint, "Ocp-Apim-Subscription-Key") {
		t.Errorf("hint = %q, want it to name the subscription key", e.Hint)
	}
	noSecret(t, err.Error()+e.Hint, momoSubscriptionKeys()["collection"], momoAPIKey)
}

func TestMoMoUnknownAPIUserIsA500(t *testing.T) {
	f := newFixture(t)
	p := momoProvider(t, f, "collection")
	p.ClientID = "00000000-0000-4000-8000-000000000000"
	_, err := f.client.Fetch(context.Background(), p)
	e := engineError(t, err)
	// A 500 is retried (three times), then reported with MoMo's usual cause.
	if e.Status != 500 || e.Attempts != 4 || len(f.wire.take()) != 4 {
		t.Errorf("error = %v (status %d, %d attempts), want 500 after 4 attempts", err, e.Status, e.Attempts)
	}
	if !strings.Contains(e.Hint, "API user") {
		t.Errorf("hint = %q, want MoMo's bad API user hint", e.Hint)
	}
}

func TestMoMoRefuses(t *testing.T) {
	f := newFixture(t)
	key := map[string]string{"Ocp-Apim-Subscription-Key": momoSubscriptionKeys()["collection"]}
	with := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range key {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	auth := map[string]string{"Authorization": basic(momoAPIUser, momoAPIKey)}
	const path = "/momo/collection/token/"
	f.checkRefusals(t, []refusal{
		{"no subscription key", "POST", path, map[string]string{"Authorization": basic(momoAPIUser, momoAPIKey)}, "",
			401, `{"error":"` + momoMissingKey + `"}`},
		{"another product's key", "POST", path,
			map[string]string{"Authorization": basic(momoAPIUser, momoAPIKey), "Ocp-Apim-Subscription-Key": momoSubscriptionKeys()["remittance"]}, "",
			401, `{"error":"` + momoInvalidKey + `"}`},
		{"grant_type in the body", "POST", path, with(map[string]string{"Authorization": auth["Authorization"], "Content-Type": formType}),
			"grant_type=client_credentials",
			400, `{"error":"the token request takes no parameters: no grant_type, no query, no body (found grant_type)"}`},
		{"grant_type in the query", "POST", path + "?grant_type=client_credentials", with(auth), "",
			400, `{"error":"the token request takes no parameters: no grant_type, no query, no body (found grant_type)"}`},
		{"no Authorization", "POST", path, key, "",
			401, `{"error":"Authorization header missing: Basic base64(API user id:API key) is required"}`},
		{"Bearer instead of Basic", "POST", path, with(map[string]string{"Authorization": "Bearer x"}), "",
			401, `{"error":"Authorization header is not Basic base64(API user id:API key)"}`},
		{"wrong API key", "POST", path, with(map[string]string{"Authorization": basic(momoAPIUser, "wrong")}), "",
			401, `{"error":"login_failed"}`},
		{"unknown API user", "POST", path, with(map[string]string{"Authorization": basic("nobody", momoAPIKey)}), "",
			500, ``},
		{"GET", "GET", path, with(auth), "", 404, `{"error":"Resource not found"}`},
		{"unknown product", "POST", "/momo/savings/token/", with(auth), "", 404, `{"error":"Resource not found"}`},
	})
}
