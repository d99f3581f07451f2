package demo

import (
	"fmt"

	"github.com/tokenscope/tokenscope/providers"
)

// The demo's credentials. They are fixed, public and good only against a
// demo server; Telenor's are the example values of its own credentials
// cheat-sheet.
const (
	mtnClientID     = "xNnREu1DNGfiwzQZ5HUN8IAUwZSWdemo"
	mtnClientSecret = "demo-mtn-consumer-secret"
	mtnApplication  = "716bbe61-f14a-4e45-9b56-a62ff8e0d347"
	mtnMSISDN       = "27811111111"

	momoAPIUser = "c72025f5-5cd1-4630-99e4-8ba4722fad56"
	momoAPIKey  = "6a1b3e0c9d1f4f0e8f2a7b5c4d3e2f10"

	mobifinanceClientID = "demo-mobifinance-client"
	mobifinanceSecret   = "demo-mobifinance-secret"
	// The Mobifinance client whose backend is down: it is answered 505.
	mobifinanceOutageID     = "demo-mobifinance-outage"
	mobifinanceOutageSecret = "demo-mobifinance-outage-secret"

	telenorClientID     = "xhdrs6uleK1xyZBO"
	telenorClientSecret = "Glz2FV5XYOvAhFCE"
	telenorUsername     = "api7813371375"
	telenorPassword     = "hquTvfc00l"
	telenorScopeRead    = "subscription.read"
	telenorScopeOrder   = "subscription.order"

	mobiledigitalClientID = "demo-mobile-digital-client"
	mobiledigitalSecret   = "demo-mobile-digital-secret"

	// oauth2ClientSecret has every character RFC 6749 §2.3.1's form
	// encoding of the Basic header exists for.
	oauth2ClientID     = "tokenscope-demo"
	oauth2ClientSecret = "demo+secret/with:colon%and&more=chars"
	oauth2Username     = "demo"
	oauth2Password     = "demo-password"

	darajaConsumerKey    = "demo-daraja-consumer-key"
	darajaConsumerSecret = "demo-daraja-consumer-secret"
	airtelClientID       = "demo-airtel-client"
	airtelClientSecret   = "demo-airtel-secret"
	orangeClientID       = "demo-orange-client"
	orangeClientSecret   = "demo-orange-secret"

	brokenClientID     = "demo-broken-gateway"
	brokenClientSecret = "demo-broken-secret"
)

// momoSubscriptionKeys maps each MoMo product to its own subscription key.
func momoSubscriptionKeys() map[string]string {
	return map[string]string{
		"collection":   "demo-collection-subscription-key",
		"disbursement": "demo-disbursement-subscription-key",
		"remittance":   "demo-remittance-subscription-key",
	}
}

// Providers returns one provider per preset, configured against s with the
// demo's credentials (the mobile-money catalogue's among them), and
// "broken-gateway", whose token endpoint always
// answers 502 with an HTML page. Each is a preset's defaults with the URLs
// overridden, as a user would configure a sandbox.
func (s *Server) Providers() []providers.Provider {
	u := s.url
	defs := []providers.Provider{
		{
			Name: "mtn-sandbox", Preset: "mtn",
			TokenURL: u + "/mtn/v1/oauth/access_token",
			ClientID: mtnClientID, ClientSecret: mtnClientSecret,
			TryURL: u + "/mtn/customers/" + mtnMSISDN + "/subscriptions", TryMethod: "GET",
		},
		{
			Name: "momo-collection", Preset: "momo", Product: "collection",
			TokenURL: u + "/momo/collection/token/",
			ClientID: momoAPIUser, ClientSecret: momoAPIKey,
			Headers: map[string]providers.Secret{
				"Ocp-Apim-Subscription-Key": providers.Secret(momoSubscriptionKeys()["collection"]),
			},
		},
		{
			Name: "mobifinance", Preset: "mobifinance",
			TokenURL: u + "/mobifinance/oauth/token",
			ClientID: mobifinanceClientID, ClientSecret: mobifinanceSecret,
		},
		{
			Name: "telenor-order", Preset: "telenor",
			TokenURL: u + "/telenor/oauth/v2/token", LogoutURL: u + "/telenor/oauth/v2/logout",
			ClientID: telenorClientID, ClientSecret: telenorClientSecret,
			Username: telenorUsername, Password: telenorPassword,
			Scope: telenorScopeRead + " " + telenorScopeOrder,
		},
		{
			Name: "mobiledigital-sms", Preset: "mobiledigital",
			TokenURL: u + "/mobiledigital/prod/oauth2/token",
			ClientID: mobiledigitalClientID, ClientSecret: mobiledigitalSecret,
			TryURL: u + "/mobiledigital/prod/test-oauth2", TryMethod: "GET",
		},
		{
			Name: "oauth2-local", Preset: "oauth2",
			TokenURL: u + "/oauth2/token", Grant: providers.GrantPassword,
			ClientID: oauth2ClientID, ClientSecret: oauth2ClientSecret,
			Username: oauth2Username, Password: oauth2Password,
			Scope:         "demo.read demo.write",
			RevocationURL: u + "/oauth2/revoke", JWKSURL: u + "/oauth2/jwks",
			IntrospectionURL: u + "/oauth2/introspect", UserinfoURL: u + "/oauth2/userinfo",
			TryURL: u + "/oauth2/userinfo", TryMethod: "GET",
		},
	}
	broken := providers.Provider{
		Name: "broken-gateway", Preset: "oauth2",
		TokenURL: u + "/broken/oauth2/token",
		ClientID: brokenClientID, ClientSecret: brokenClientSecret,
	}
	return append(append(applied(defs), s.CatalogueProviders()...), applied([]providers.Provider{broken})...)
}

// LoginProviders returns the providers a person signs in to: with a
// browser, "oauth2-login", the demo's public client, whose authorization
// page the server serves itself; on another device, "oauth2-device", the
// same client with the device grant, whose verification page the server
// serves too. They are kept apart from Providers, whose tokens come
// without a person.
func (s *Server) LoginProviders() []providers.Provider {
	u := s.url
	return applied([]providers.Provider{
		{
			// The issuer too, so that the ID token's iss is checked; every
			// endpoint is set, so the metadata fills none of them.
			Name: "oauth2-login", Preset: "oauth2", Grant: providers.GrantAuthorizationCode, Issuer: s.oauth2Issuer(),
			AuthorizationURL: u + "/oauth2/authorize", TokenURL: u + "/oauth2/token",
			ClientAuth: providers.AuthNone, ClientID: oauth2PublicClientID, Scope: "openid demo.read",
			RevocationURL: u + "/oauth2/revoke", JWKSURL: u + "/oauth2/jwks",
			IntrospectionURL: u + "/oauth2/introspect", UserinfoURL: u + "/oauth2/userinfo",
			TryURL: u + "/oauth2/userinfo", TryMethod: "GET",
		},
		{
			Name: "oauth2-device", Preset: "oauth2", Grant: providers.GrantDeviceCode, Issuer: s.oauth2Issuer(),
			DeviceAuthorizationURL: u + "/oauth2/device_authorization", TokenURL: u + "/oauth2/token",
			ClientAuth: providers.AuthNone, ClientID: oauth2PublicClientID, Scope: "demo.read",
			RevocationURL: u + "/oauth2/revoke", JWKSURL: u + "/oauth2/jwks",
			IntrospectionURL: u + "/oauth2/introspect", UserinfoURL: u + "/oauth2/userinfo",
			TryURL: u + "/oauth2/userinfo", TryMethod: "GET",
		},
	})
}

// IssuerProviders returns the providers configured by the demo's issuer
// alone: "oauth2-issuer" names $URL/oauth2 and no endpoint, and gets its
// token URL, JWKS, revocation and userinfo endpoints and its client_auth
// from the server's metadata on its first fetch.
func (s *Server) IssuerProviders() []providers.Provider {
	return applied([]providers.Provider{
		{
			Name: "oauth2-issuer", Preset: "oauth2", Issuer: s.oauth2Issuer(),
			ClientID: oauth2ClientID, ClientSecret: oauth2ClientSecret, Scope: "demo.read",
			TryURL: s.url + "/oauth2/userinfo", TryMethod: "GET",
		},
	})
}

// CatalogueProviders returns one provider per mobile-money preset (issue
// 12's catalogue: mpesa, airtel, orange, vodacom, static), configured
// against s like Providers, which lists them too, before broken-gateway.
func (s *Server) CatalogueProviders() []providers.Provider {
	u := s.url
	vodacomBase := u + "/vodacom/sandbox/ipg/v2/vodacomTZN/"
	return applied([]providers.Provider{
		{
			Name: "mpesa-sandbox", Preset: "mpesa",
			TokenURL: u + "/mpesa/oauth/v1/generate?grant_type=client_credentials",
			ClientID: darajaConsumerKey, ClientSecret: darajaConsumerSecret,
		},
		{
			Name: "airtel-uat", Preset: "airtel",
			TokenURL: u + "/airtel/auth/oauth2/token",
			ClientID: airtelClientID, ClientSecret: airtelClientSecret,
		},
		{
			Name: "orange-dev", Preset: "orange",
			TokenURL: u + "/orange/oauth/v3/token",
			ClientID: orangeClientID, ClientSecret: orangeClientSecret,
		},
		{
			// The session's lifetime is the portal's setting, which the
			// answer does not state: the demo's is its base lifetime.
			Name: "vodacom-tz", Preset: "vodacom", Market: "vodacomTZN",
			TokenURL: vodacomBase + "getSession/", ClientSecret: vodacomAPIKey, PublicKey: VodacomPublicKey,
			Lifetime: s.lifetime(1, 1),
			TryURL:   vodacomBase + "queryTransactionStatus/", TryMethod: "GET",
		},
		{
			Name: "paystack-static", Preset: "static", ClientSecret: staticKey,
			TryURL: u + "/static/balance", TryMethod: "GET",
		},
	})
}

// applied is defs with their presets applied.
func applied(defs []providers.Provider) []providers.Provider {
	out := make([]providers.Provider, 0, len(defs))
	for _, d := range defs {
		p, err := providers.ApplyPreset(d)
		if err != nil {
			// The definitions above are constants: only a preset renamed
			// in the engine gets here, and the tests catch that.
			panic(fmt.Sprintf("demo: provider %s: %v", d.Name, err))
		}
		out = append(out, p)
	}
	return out
}
