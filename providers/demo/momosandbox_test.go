package demo

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// TestSandboxProvisioning provisions an API user through the engine, as
// momo-sandbox does, checks every request on the wire, and fetches a token
// with the new user and key.
func TestSandboxProvisioning(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	subKey := momoSubscriptionKeys()["disbursement"]
	sb := oauth.Sandbox{BaseURL: f.srv.URL() + "/momo", SubscriptionKey: providers.Secret(subKey)}
	id, err := oauth.NewReferenceID()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.client.CreateAPIUser(ctx, sb, id, "example.com"); err != nil {
		t.Fatal(err)
	}
	got := f.wire.one(t)
	body := got.Body
	got.Body = nil // JSON, not a form: compared below
	checkWire(t, got, expect{method: "POST", path: "/momo/v1_0/apiuser", header: map[string]string{
		"X-Reference-Id": id, "Ocp-Apim-Subscription-Key": subKey, "Content-Type": "application/json",
	}})
	if string(body) != `{"providerCallbackHost":"example.com"}` {
		t.Errorf("body = %s", body)
	}
	key, err := f.client.CreateAPIKey(ctx, sb, id)
	if err != nil {
		t.Fatal(err)
	}
	checkWire(t, f.wire.one(t), expect{method: "POST", path: "/momo/v1_0/apiuser/" + id + "/apikey",
		header: map[string]string{"Ocp-Apim-Subscription-Key": subKey}})
	u, err := f.client.ReadAPIUser(ctx, sb, id)
	if err != nil {
		t.Fatal(err)
	}
	checkWire(t, f.wire.one(t), expect{method: "GET", path: "/momo/v1_0/apiuser/" + id,
		header: map[string]string{"Ocp-Apim-Subscription-Key": subKey}})
	if u.ProviderCallbackHost != "example.com" || u.TargetEnvironment != "sandbox" {
		t.Errorf("API user = %+v", u)
	}
	p := f.preset(t, providers.Provider{Name: "mine", Preset: "momo", Product: "disbursement",
		TokenURL: f.srv.URL() + "/momo/disbursement/token/", ClientID: id, ClientSecret: key,
		Headers: map[string]providers.Secret{"Ocp-Apim-Subscription-Key": providers.Secret(subKey)}})
	if _, err := f.client.Fetch(ctx, p); err != nil {
		t.Fatalf("the provisioned user's token: %v", err)
	}
	f.wire.take()
	// A new key replaces the old: the old one no longer opens the endpoint.
	if _, err := f.client.CreateAPIKey(ctx, sb, id); err != nil {
		t.Fatal(err)
	}
	if _, err := f.client.Fetch(ctx, p); engineError(t, err).Status != 401 {
		t.Errorf("the replaced key: %v, want a 401", err)
	}
	// The user belongs to disbursement: collection's endpoint and key do
	// not know it (MoMo answers an unknown user with a bare 500).
	q := p
	q.Product, q.TokenURL = "collection", f.srv.URL()+"/momo/collection/token/"
	q.Headers = map[string]providers.Secret{"Ocp-Apim-Subscription-Key": providers.Secret(momoSubscriptionKeys()["collection"])}
	if _, err := f.client.Fetch(ctx, q); engineError(t, err).Status != 500 {
		t.Errorf("another product: %v, want a 500", err)
	}
}

func TestSandboxCreateUserBody(t *testing.T) {
	f := newFixture(t)
	sb := oauth.Sandbox{BaseURL: f.srv.URL() + "/momo", SubscriptionKey: providers.Secret(momoSubscriptionKeys()["collection"])}
	id, _ := oauth.NewReferenceID()
	host := `cb.example.com"\`
	if err := f.client.CreateAPIUser(context.Background(), sb, id, host); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	got := f.wire.one(t)
	if err := json.Unmarshal(got.Body, &body); err != nil || len(body) != 1 || body["providerCallbackHost"] != host {
		t.Errorf("body %s: want {\"providerCallbackHost\": %q} (%v)", got.Body, host, err)
	}
}

// TestSandboxRefusals sends what the real sandbox refuses.
func TestSandboxRefusals(t *testing.T) {
	f := newFixture(t)
	key := momoSubscriptionKeys()["collection"]
	id, _ := oauth.NewReferenceID()
	ok := map[string]string{"X-Reference-Id": id, "Ocp-Apim-Subscription-Key": key, "Content-Type": "application/json"}
	with := func(k, v string) map[string]string {
		h := map[string]string{}
		for a, b := range ok {
			h[a] = b
		}
		if v == "" {
			delete(h, k)
		} else {
			h[k] = v
		}
		return h
	}
	const body = `{"providerCallbackHost":"example.com"}`
	missing := `{"statusCode":401,"message":"` + momoMissingKey + `"}`
	invalid := `{"statusCode":401,"message":"` + momoInvalidKey + `"}`
	badRef := `{"code":"BAD_REQUEST","message":"X-Reference-Id must be a UUID version 4"}`
	f.checkRefusals(t, []refusal{
		{name: "no subscription key", method: "POST", path: "/momo/v1_0/apiuser", header: with("Ocp-Apim-Subscription-Key", ""),
			body: body, status: 401, answer: missing},
		{name: "a made-up subscription key", method: "POST", path: "/momo/v1_0/apiuser", header: with("Ocp-Apim-Subscription-Key", "nope"),
			body: body, status: 401, answer: invalid},
		{name: "no reference id", method: "POST", path: "/momo/v1_0/apiuser", header: with("X-Reference-Id", ""),
			body: body, status: 400, answer: badRef},
		{name: "a version 1 UUID", method: "POST", path: "/momo/v1_0/apiuser",
			header: with("X-Reference-Id", "c232ab00-9414-11ec-b3c8-9e6bdeced846"), body: body, status: 400, answer: badRef},
		{name: "a UUID without dashes", method: "POST", path: "/momo/v1_0/apiuser",
			header: with("X-Reference-Id", strings.ReplaceAll(id, "-", "")), body: body, status: 400, answer: badRef},
		{name: "a form body", method: "POST", path: "/momo/v1_0/apiuser", header: with("Content-Type", "application/x-www-form-urlencoded"),
			body: "providerCallbackHost=example.com", status: 415, answer: `{"code":"BAD_REQUEST","message":"the body must be application/json"}`},
		{name: "no callback host", method: "POST", path: "/momo/v1_0/apiuser", header: ok,
			body: `{}`, status: 400, answer: `{"code":"BAD_REQUEST","message":"the body must be {\"providerCallbackHost\": \"…\"}"}`},
		{name: "a GET of the collection", method: "GET", path: "/momo/v1_0/apiuser", header: ok,
			status: 404, answer: `{"error":"Resource not found"}`},
		{name: "the key of an unknown user", method: "POST", path: "/momo/v1_0/apiuser/" + id + "/apikey", header: ok,
			status: 404, answer: `{"code":"RESOURCE_NOT_FOUND","message":"Requested resource was not found."}`},
	})
	// Created once, the same reference is a conflict the second time.
	if got := f.send(t, "POST", "/momo/v1_0/apiuser", ok, body); got.status != 201 || got.body != "" {
		t.Fatalf("create: %d %s", got.status, got.body)
	}
	f.checkRefusals(t, []refusal{
		{name: "the same reference again", method: "POST", path: "/momo/v1_0/apiuser", header: ok, body: body,
			status: 409, answer: `{"code":"RESOURCE_ALREADY_EXIST","message":"Duplicated reference id. Creation of resource failed."}`},
		{name: "its key under another product's key", method: "POST", path: "/momo/v1_0/apiuser/" + id + "/apikey",
			header: with("Ocp-Apim-Subscription-Key", momoSubscriptionKeys()["remittance"]),
			status: 404, answer: `{"code":"RESOURCE_NOT_FOUND","message":"Requested resource was not found."}`},
		{name: "its key with a GET", method: "GET", path: "/momo/v1_0/apiuser/" + id + "/apikey", header: ok,
			status: 404, answer: `{"error":"Resource not found"}`},
		{name: "its key without a subscription key", method: "POST", path: "/momo/v1_0/apiuser/" + id + "/apikey",
			header: with("Ocp-Apim-Subscription-Key", ""), status: 401, answer: missing},
	})
}

// TestSandboxErrorsInTheirWords checks what the engine makes of the
// sandbox's refusals: the server's code and message, a hint, no secret.
func TestSandboxErrorsInTheirWords(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	key := momoSubscriptionKeys()["remittance"]
	sb := oauth.Sandbox{BaseURL: f.srv.URL() + "/momo", SubscriptionKey: providers.Secret(key)}
	id, _ := oauth.NewReferenceID()
	if err := f.client.CreateAPIUser(ctx, sb, id, "example.com"); err != nil {
		t.Fatal(err)
	}
	err := f.client.CreateAPIUser(ctx, sb, id, "example.com")
	e := engineError(t, err)
	want := "create API user for " + id + ": HTTP 409 Conflict: RESOURCE_ALREADY_EXIST: " +
		"Duplicated reference id. Creation of resource failed. (POST " + f.srv.URL() + "/momo/v1_0/apiuser)"
	if e.Status != 409 || err.Error() != want || e.Hint == "" {
		t.Errorf("409: %q (hint %q)\nwant %q", err, e.Hint, want)
	}
	bad := sb
	bad.SubscriptionKey = "not-a-key-of-ours"
	fresh, _ := oauth.NewReferenceID()
	err = f.client.CreateAPIUser(ctx, bad, fresh, "example.com")
	e = engineError(t, err)
	if e.Status != 401 || !strings.Contains(err.Error(), "Access denied due to invalid subscription key") ||
		!strings.Contains(e.Hint, "subscription key") {
		t.Errorf("401: %q (hint %q)", err, e.Hint)
	}
	noSecret(t, err.Error(), "not-a-key-of-ours")
	f.wire.take()
	// The engine refuses a reference that is not a UUID v4 before sending.
	if err := f.client.CreateAPIUser(ctx, sb, "not-a-uuid", "example.com"); err == nil {
		t.Error("a reference that is not a UUID v4 was accepted")
	}
	if got := f.wire.take(); len(got) != 0 {
		t.Errorf("sent %v for a bad reference", paths(got))
	}
}
