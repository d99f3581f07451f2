package providers

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Preset is one provider dialect as data: the defaults a provider of that
// kind starts from, with a title and a note on its quirks for people.
type Preset struct {
	// Name is the preset's key in configuration files ("mtn", "momo", ...).
	Name string
	// Title is the provider's name for people.
	Title string
	// Doc says what is peculiar about the dialect and what the user must
	// supply themselves.
	Doc string
	// Products lists the API products a preset serves with one token
	// endpoint each (MoMo); the first is the default.
	Products []string
	// Environments lists the hosts a preset serves, each with its token
	// URL (Daraja's sandbox and production); the first is the default.
	Environments []Environment
	// Markets lists the countries a preset's token URL names, "{market}"
	// in it (Vodacom's); the first is the default.
	Markets []string
	// EnvironmentHeader, when set, is a try header that carries the
	// environment's name (MoMo's X-Target-Environment).
	EnvironmentHeader string
	// SecretName is what the preset calls its client secret in files and
	// forms ("api_key", "static_key"); "" means client_secret.
	SecretName string
	// BasicHeader says the provider's portal shows a ready-made Basic
	// header, which the user may give as basic_auth instead of the client
	// id and secret (Orange).
	BasicHeader bool
	// Defaults holds the values ApplyPreset fills into a provider.
	Defaults Provider
}

// Environment is one of a preset's hosts: its name in configuration files
// ("sandbox", "production") and its token URL, in which "{product}" and
// "{market}" stand for the provider's. A name ending in "*" is a family:
// any name with that start and a lowercase word after it ("mtn*" for
// MoMo's mtnuganda, mtnghana, …).
type Environment struct {
	Name     string
	TokenURL string
}

// matches reports whether name is e's, or one of e's family.
func (e Environment) matches(name string) bool {
	stem, family := strings.CutSuffix(e.Name, "*")
	if !family {
		return name == e.Name
	}
	rest, ok := strings.CutPrefix(name, stem)
	if !ok || rest == "" || len(rest) > 32 {
		return false
	}
	for _, r := range rest {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// The MoMo products and the header MoMo wants on every request.
const (
	momoDefaultProduct  = "collection"
	momoSubscriptionKey = "Ocp-Apim-Subscription-Key"
)

// The M-Pesa OpenAPI's markets, as its URLs spell them.
var vodacomMarkets = []string{"vodacomTZN", "vodacomDRC", "vodacomMOZ", "vodafoneGHA", "vodacomLES"}

// Presets returns the dialects tokenscope ships, in the order they are
// offered to the user. Each call returns fresh values the caller may change.
func Presets() []Preset {
	return []Preset{
		{
			Name:  "mtn",
			Title: "MTN developer APIs",
			Doc: "Apigee-style client credentials: grant_type in the query string, client_id and " +
				"client_secret in the form body; answers token_type \"BearerToken\", expires_in as a " +
				"string and issued_at in epoch milliseconds.",
			Defaults: Provider{
				Preset:     "mtn",
				TokenURL:   "https://api.mtn.com/v1/oauth/access_token",
				Grant:      GrantClientCredentials,
				GrantIn:    GrantInQuery,
				ClientAuth: AuthBody,
				TryURL:     "https://api.mtn.com/customers/27811111111/subscriptions",
				TryMethod:  "GET",
			},
		},
		{
			Name:  "momo",
			Title: "MTN MoMo (Collection, Disbursement, Remittance)",
			Doc: "No grant_type at all: the Basic header of API user id and API key is the request, " +
				"plus the Ocp-Apim-Subscription-Key header (your subscription key, one per product). " +
				"One token endpoint per product; the token is a JWT. environment = \"sandbox\" " +
				"(sandbox.momodeveloper.mtn.com) or your production target (mtnuganda, mtnghana and the like), " +
				"sent as X-Target-Environment on API calls; the sandbox's token_type is \"access_token\".",
			Products: []string{"collection", "disbursement", "remittance"},
			Environments: []Environment{
				{"sandbox", "https://sandbox.momodeveloper.mtn.com/{product}/token/"},
				{"mtn*", "https://proxy.momoapi.mtn.com/{product}/token/"},
			},
			EnvironmentHeader: "X-Target-Environment",
			Defaults: Provider{
				Preset:     "momo",
				Product:    momoDefaultProduct,
				Grant:      GrantClientCredentials,
				GrantIn:    GrantInNone,
				ClientAuth: AuthBasic,
				Headers:    map[string]Secret{momoSubscriptionKey: ""},
			},
		},
		{
			Name:  "mobifinance",
			Title: "Mobifinance",
			Doc: "client_id, client_secret and grant_type all in the query string with an empty form " +
				"body. There is no public token URL: use the one Mobifinance gave you. No expires_in.",
			Defaults: Provider{
				Preset:     "mobifinance",
				Grant:      GrantClientCredentials,
				GrantIn:    GrantInQuery,
				ClientAuth: AuthQuery,
			},
		},
		{
			Name:  "telenor",
			Title: "Telenor Norway",
			Doc: "Resource owner password grant: client id and secret as Basic, the Min Bedrift API " +
				"user's username and password in the body, optional scope. The refresh token rotates. " +
				"Errors carry numeric codes; logout is a GET with the Bearer token.",
			Defaults: Provider{
				Preset:       "telenor",
				TokenURL:     "https://api.telenor.no/oauth/v2/token",
				Grant:        GrantPassword,
				GrantIn:      GrantInBody,
				ClientAuth:   AuthBasic,
				LogoutURL:    "https://api.telenor.no/oauth/v2/logout",
				LogoutMethod: "GET",
			},
		},
		{
			Name:  "mobiledigital",
			Title: "mobile.digital SMS gateway",
			Doc: "Client credentials with Basic client authentication and the scope \"read write " +
				"admin\" (add gifting:* scopes if your account has them); the token is an HS256 JWT.",
			Defaults: Provider{
				Preset:     "mobiledigital",
				TokenURL:   "https://ah1ta9hc59.execute-api.ap-southeast-2.amazonaws.com/prod/oauth2/token",
				Grant:      GrantClientCredentials,
				GrantIn:    GrantInBody,
				ClientAuth: AuthBasic,
				Scope:      "read write admin",
				TryURL:     "https://ah1ta9hc59.execute-api.ap-southeast-2.amazonaws.com/prod/test-oauth2",
				TryMethod:  "GET",
			},
		},
		{
			Name:  "mpesa",
			Title: "Safaricom M-Pesa Daraja",
			Doc: "A GET with no body: grant_type=client_credentials in the query string, the app's " +
				"consumer key and consumer secret (client_id, client_secret) as the Basic header. " +
				"expires_in comes as a string (\"3599\"). environment = \"production\" for " +
				"api.safaricom.co.ke. Errors are {requestId, errorCode, errorMessage}.",
			Environments: []Environment{
				{"sandbox", "https://sandbox.safaricom.co.ke/oauth/v1/generate?grant_type=client_credentials"},
				{"production", "https://api.safaricom.co.ke/oauth/v1/generate?grant_type=client_credentials"},
			},
			Defaults: Provider{
				Preset:      "mpesa",
				TokenMethod: MethodGET,
				Grant:       GrantClientCredentials,
				GrantIn:     GrantInQuery,
				ClientAuth:  AuthBasic,
			},
		},
		{
			Name:  "airtel",
			Title: "Airtel Money Africa",
			Doc: "A JSON body {client_id, client_secret, grant_type}, not a form. Tokens last 180 " +
				"seconds (expires_in \"180\", a string), the server's choice; token_type is a " +
				"lowercase \"bearer\". environment = \"production\" for openapi.airtel.africa; API " +
				"calls also want X-Country and X-Currency headers.",
			Environments: []Environment{
				{"sandbox", "https://openapiuat.airtel.africa/auth/oauth2/token"},
				{"production", "https://openapi.airtel.africa/auth/oauth2/token"},
			},
			Defaults: Provider{
				Preset:     "airtel",
				Body:       BodyJSON,
				Grant:      GrantClientCredentials,
				GrantIn:    GrantInBody,
				ClientAuth: AuthBody,
			},
		},
		{
			Name:        "orange",
			Title:       "Orange Developer",
			BasicHeader: true,
			Doc: "Plain client credentials: grant_type=client_credentials in a form body, the " +
				"application's client id and secret as the Basic header (the portal shows them, " +
				"and the ready-made header: paste that as basic_auth instead). Tokens last an hour.",
			Defaults: Provider{
				Preset:     "orange",
				TokenURL:   "https://api.orange.com/oauth/v3/token",
				Grant:      GrantClientCredentials,
				GrantIn:    GrantInBody,
				ClientAuth: AuthBasic,
			},
		},
		{
			Name:  "vodacom",
			Title: "Vodacom / Vodafone M-Pesa OpenAPI",
			Doc: "A GET of getSession with the API key encrypted to the market's public key (RSA " +
				"PKCS #1 v1.5, base64) as the Bearer, and an Origin header (* unless you set origin). " +
				"The answer's output_SessionID is the session, with no lifetime: set lifetime to the " +
				"portal's. API calls present the session encrypted to the same key, which is what is " +
				"copied. market picks the country, environment = \"production\" the live host.",
			Markets: vodacomMarkets,
			Environments: []Environment{
				{"sandbox", "https://openapi.m-pesa.com/sandbox/ipg/v2/{market}/getSession/"},
				{"production", "https://openapi.m-pesa.com/openapi/ipg/v2/{market}/getSession/"},
			},
			SecretName: "api_key",
			Defaults: Provider{
				Preset:            "vodacom",
				TokenMethod:       MethodGET,
				Grant:             GrantClientCredentials,
				GrantIn:           GrantInNone,
				ClientAuth:        AuthBearer,
				TokenField:        "output_SessionID",
				SessionEncryption: EncryptRSAPKCS1,
				Origin:            "*",
			},
		},
		{
			Name:  "static",
			Title: "Static API key",
			Doc: "No token endpoint: the key you store (static_key) is the token, sent as " +
				"Authorization: Bearer and never expiring (Paystack's sk_test_ and sk_live_ keys, Wave's " +
				"keys, Flutterwave v3's FLWSECK- keys). Fetching makes no request; rotate the key to change it.",
			SecretName: "static_key",
			Defaults: Provider{
				Preset:      "static",
				TokenMethod: MethodNone,
				Grant:       GrantClientCredentials,
				GrantIn:     GrantInNone,
				ClientAuth:  AuthBearer,
			},
		},
		{
			Name:  "oauth2",
			Title: "OAuth 2.0 (RFC 6749)",
			Doc: "A standard authorization server: client credentials in the body, the client id " +
				"and secret as a Basic header (form-encoded first, RFC 6749 §2.3.1). Give the token URL.",
			Defaults: Provider{
				Preset:     "oauth2",
				Grant:      GrantClientCredentials,
				GrantIn:    GrantInBody,
				ClientAuth: AuthBasic,
			},
		},
	}
}

// LookupPreset returns the preset with the given name (case-insensitive).
func LookupPreset(name string) (Preset, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, ps := range Presets() {
		if ps.Name == name {
			return ps, true
		}
	}
	return Preset{}, false
}

// PresetNames lists the names of the shipped presets, in offer order.
func PresetNames() []string {
	var names []string
	for _, ps := range Presets() {
		names = append(names, ps.Name)
	}
	return names
}

// ApplyPreset fills every zero field of p from the defaults of p.Preset
// ("oauth2" when empty) and returns the result; a field p sets always wins,
// the token URL above all, so sandboxes and test servers work. For MoMo the
// token URL follows p.Product (default "collection"), for a preset with
// environments p.Environment (default the first, "sandbox"). Extra headers the
// preset needs are added when p lacks them; p's own map is not modified.
// A product, market or environment the preset does not have is a
// *FieldError naming that field; an unknown preset is a plain error.
func ApplyPreset(p Provider) (Provider, error) {
	if strings.TrimSpace(p.Preset) == "" {
		p.Preset = "oauth2"
	}
	ps, ok := LookupPreset(p.Preset)
	if !ok {
		return p, fmt.Errorf("unknown preset %q (one of %s)", p.Preset, strings.Join(PresetNames(), ", "))
	}
	d := ps.Defaults
	if len(ps.Products) > 0 {
		if p.Product == "" {
			p.Product = ps.Products[0]
		}
		p.Product = strings.ToLower(strings.TrimSpace(p.Product))
		if !slices.Contains(ps.Products, p.Product) {
			return p, &FieldError{Field: "product", Msg: fmt.Sprintf("unknown %s product %q (one of %s)",
				ps.Name, p.Product, strings.Join(ps.Products, ", "))}
		}
	}
	if len(ps.Markets) > 0 {
		if strings.TrimSpace(p.Market) == "" {
			p.Market = ps.Markets[0]
		}
		i := slices.IndexFunc(ps.Markets, func(m string) bool { return strings.EqualFold(m, strings.TrimSpace(p.Market)) })
		if i < 0 {
			return p, &FieldError{Field: "market", Msg: fmt.Sprintf("unknown %s market %q (one of %s)",
				ps.Name, p.Market, strings.Join(ps.Markets, ", "))}
		}
		p.Market = ps.Markets[i]
	} else if p.Market != "" {
		return p, &FieldError{Field: "market", Msg: fmt.Sprintf("the %s preset has no markets", ps.Name)}
	}
	p.Environment = strings.ToLower(strings.TrimSpace(p.Environment))
	switch {
	case len(ps.Environments) > 0:
		if p.Environment == "" {
			p.Environment = ps.Environments[0].Name
		}
		i := slices.IndexFunc(ps.Environments, func(e Environment) bool { return e.matches(p.Environment) })
		if i < 0 {
			return p, &FieldError{Field: "environment", Msg: fmt.Sprintf("unknown %s environment %q (one of %s)",
				ps.Name, p.Environment, strings.Join(environmentNames(ps), ", "))}
		}
		d.TokenURL = ps.Environments[i].TokenURL
		if ps.EnvironmentHeader != "" {
			d.TryHeaders = map[string]string{ps.EnvironmentHeader: p.Environment}
		}
	case p.Environment != "":
		return p, &FieldError{Field: "environment", Msg: fmt.Sprintf("the %s preset has one host: "+
			"set token_url instead of environment", ps.Name)}
	}
	d.TokenURL = strings.NewReplacer("{product}", p.Product, "{market}", p.Market).Replace(d.TokenURL)
	p.Preset = ps.Name
	fill(&p.TokenURL, d.TokenURL)
	fill(&p.Grant, d.Grant)
	fill(&p.GrantIn, d.GrantIn)
	if p.Issuer == "" {
		// With an issuer, an unset client_auth is picked from the
		// metadata (Discovered).
		fill(&p.ClientAuth, d.ClientAuth)
	}
	fill(&p.ClientID, d.ClientID)
	fill(&p.Username, d.Username)
	fill(&p.Scope, d.Scope)
	fill(&p.LogoutURL, d.LogoutURL)
	fill(&p.LogoutMethod, d.LogoutMethod)
	fill(&p.RevocationURL, d.RevocationURL)
	fill(&p.JWKSURL, d.JWKSURL)
	fill(&p.TryURL, d.TryURL)
	fill(&p.TryMethod, d.TryMethod)
	fill(&p.TryBody, d.TryBody)
	fill(&p.TokenMethod, d.TokenMethod)
	fill(&p.Body, d.Body)
	fill(&p.TokenField, d.TokenField)
	fill(&p.ExpiresField, d.ExpiresField)
	fill(&p.ExpiresUnit, d.ExpiresUnit)
	fill(&p.Timeout, d.Timeout)
	fill(&p.Lifetime, d.Lifetime)
	fill(&p.SessionEncryption, d.SessionEncryption)
	fill(&p.Origin, d.Origin)
	p.Headers = mergeMissing(p.Headers, d.Headers)
	p.Params = mergeMissing(p.Params, d.Params)
	p.TryHeaders = mergeMissing(p.TryHeaders, d.TryHeaders)
	return p, nil
}

// environmentNames lists ps's environments, in order, a family as its
// start and "…" (mtn…).
func environmentNames(ps Preset) []string {
	names := make([]string, 0, len(ps.Environments))
	for _, e := range ps.Environments {
		names = append(names, strings.Replace(e.Name, "*", "…", 1))
	}
	return names
}

// SecretKey is what p's preset calls its client secret in files and
// forms: "api_key" for Vodacom, "static_key" for a static key,
// "client_secret" for the rest.
func (p Provider) SecretKey() string {
	if ps, ok := LookupPreset(p.Preset); ok && ps.SecretName != "" {
		return ps.SecretName
	}
	return "client_secret"
}

// fill sets *dst to def when *dst is the zero value.
func fill[T comparable](dst *T, def T) {
	var zero T
	if *dst == zero {
		*dst = def
	}
}

// mergeMissing returns own with every key of defs it lacks added, as a new
// map when anything is added so that the caller's map is left alone.
func mergeMissing[V any](own, defs map[string]V) map[string]V {
	var out map[string]V
	for k, v := range defs {
		if _, ok := lookupFold(own, k); ok {
			continue
		}
		if out == nil {
			out = maps.Clone(own)
			if out == nil {
				out = make(map[string]V, len(defs))
			}
		}
		out[k] = v
	}
	if out == nil {
		return own
	}
	return out
}

// lookupFold finds a key case-insensitively: header names are.
func lookupFold[V any](m map[string]V, key string) (V, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// MissingHeaders lists, in name order, the extra headers p's preset needs
// a value for (the preset lists them with an empty value for the user to
// supply) that p has no value for, header names matched in any case.
func (p Provider) MissingHeaders() []string {
	var out []string
	for _, h := range requiredHeaders(p) {
		if v, _ := lookupFold(p.Headers, h); v == "" {
			out = append(out, h)
		}
	}
	return out
}

// requiredHeaders lists the extra headers p's preset needs a value for.
func requiredHeaders(p Provider) []string {
	ps, ok := LookupPreset(p.Preset)
	if !ok {
		return nil
	}
	var out []string
	for _, h := range ps.Defaults.HeaderNames() {
		if ps.Defaults.Headers[h] == "" {
			out = append(out, h)
		}
	}
	return out
}
