// Package providers is tokenscope's domain: what a provider is (Provider,
// its Secret values and typed settings), the token it issues (Token, Field)
// and the history of that token (Event), the provider dialects as data
// (the presets), the rules a provider must follow (Validate) and the rule
// of when two providers issue the same tokens (SameWire). It sends
// nothing: providers/oauth is the engine that executes providers.
package providers

import (
	"maps"
	"net"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Grant is the OAuth 2.0 grant a provider's token request uses.
type Grant string

// The grants tokenscope sends.
const (
	GrantClientCredentials Grant = "client_credentials"
	GrantPassword          Grant = "password"
	// GrantAuthorizationCode puts a person in the loop: a browser login
	// (tokenscope login) with PKCE, RFC 6749 §4.1, RFC 7636, RFC 8252.
	GrantAuthorizationCode Grant = "authorization_code"
	// GrantDeviceCode puts a person in the loop on another device: the
	// device authorization grant (tokenscope login), RFC 8628. The URN
	// DeviceCodeURN names it too.
	GrantDeviceCode Grant = "device_code"
)

// Valid reports whether g is a grant tokenscope sends.
func (g Grant) Valid() bool {
	return g == GrantClientCredentials || g == GrantPassword || g == GrantAuthorizationCode || g.Device()
}

// Interactive reports whether a token of grant g needs a person (a
// browser login or a device login): only its refresh token renews it
// without one.
func (g Grant) Interactive() bool { return g == GrantAuthorizationCode || g.Device() }

// ClientAuth says where the client id and secret travel in a token request.
type ClientAuth string

// The places client credentials go.
const (
	// AuthBasic sends them as an HTTP Basic header, each part form-encoded
	// first as RFC 6749 §2.3.1 requires.
	AuthBasic ClientAuth = "basic"
	// AuthBody sends client_id and client_secret in the form body.
	AuthBody ClientAuth = "body"
	// AuthQuery sends client_id and client_secret in the query string.
	AuthQuery ClientAuth = "query"
	// AuthNone is a public client (RFC 6749 §2.1): client_id in the form
	// body, no secret anywhere.
	AuthNone ClientAuth = "none"
	// AuthBearer sends the client secret alone as "Authorization: Bearer
	// …", encrypted to PublicKey first when SessionEncryption says so
	// (Vodacom's API key); no client id is sent.
	AuthBearer ClientAuth = "bearer"
)

// Valid reports whether a is one of the places client credentials go.
func (a ClientAuth) Valid() bool {
	return a == AuthBasic || a == AuthBody || a == AuthQuery || a == AuthNone || a == AuthBearer
}

// GrantIn says where the grant_type parameter travels. MTN and Mobifinance
// want it in the query string, MoMo wants none at all.
type GrantIn string

// The places grant_type goes.
const (
	GrantInBody  GrantIn = "body"
	GrantInQuery GrantIn = "query"
	GrantInNone  GrantIn = "none"
)

// Valid reports whether g is one of the places grant_type goes; the empty
// value is valid and means GrantInBody.
func (g GrantIn) Valid() bool {
	return g == "" || g == GrantInBody || g == GrantInQuery || g == GrantInNone
}

// Logout is the way a provider's token is ended at the server.
type Logout string

// The ways a logout reaches the server.
const (
	LogoutEndpoint   Logout = "logout"     // the provider's own logout call (Telenor)
	LogoutRevocation Logout = "revocation" // RFC 7009 token revocation
	LogoutNone       Logout = "none"       // the provider has neither
)

// Valid reports whether l is one of the ways a logout reaches the server.
func (l Logout) Valid() bool { return l == LogoutEndpoint || l == LogoutRevocation || l == LogoutNone }

// Secret is a string that must never be printed by accident: its String and
// GoString methods mask it, so a stray %v in a log or an error shows nothing.
// Reveal returns the value for the places that need it (the wire, the store).
type Secret string

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// String masks the secret.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "********"
}

// GoString masks the secret in %#v.
func (s Secret) GoString() string { return `providers.Secret("********")` }

// Provider is one configured token source: a preset's defaults with the
// user's own values on top. It is plain data; providers/oauth executes it.
type Provider struct {
	Name   string `json:"name"`
	Preset string `json:"preset"`
	// Product is MoMo's API product (collection, disbursement, remittance).
	Product string `json:"product,omitempty"`
	// Market is the country a preset's token URL names (Vodacom's
	// vodacomTZN, vodafoneGHA, …; see Preset.Markets).
	Market string `json:"market,omitempty"`
	// Environment picks a preset's host: "" or "sandbox" for its test
	// host, "production" for its live one (see Preset.Environments).
	Environment string `json:"environment,omitempty"`
	TokenURL    string `json:"token_url"`
	// TokenMethod is the token request's method; "" means POST.
	TokenMethod TokenMethod `json:"token_method,omitempty"`
	// Body is how a POST token request encodes its parameters; "" means a form.
	Body       BodyFormat `json:"body,omitempty"`
	Grant      Grant      `json:"grant_type"`
	GrantIn    GrantIn    `json:"grant_in,omitempty"`
	ClientAuth ClientAuth `json:"client_auth"`
	ClientID   string     `json:"client_id,omitempty"`
	// ClientSecret is MoMo's and Vodacom's API key, a static-key
	// provider's key, everyone else's client secret.
	ClientSecret Secret `json:"client_secret,omitempty"`
	// BasicAuth is a ready-made Basic header value (Orange's portal shows
	// one), sent instead of one built from ClientID and ClientSecret.
	BasicAuth Secret `json:"basic_auth,omitempty"`
	Username  string `json:"username,omitempty"`
	Password  Secret `json:"password,omitempty"`
	Scope     string `json:"scope,omitempty"`
	// Headers are sent with every token request; their values are secrets
	// (MoMo's Ocp-Apim-Subscription-Key).
	Headers map[string]Secret `json:"headers,omitempty"`
	// Params are extra form parameters such as audience or resource.
	Params        map[string]string `json:"params,omitempty"`
	LogoutURL     string            `json:"logout_url,omitempty"`
	LogoutMethod  string            `json:"logout_method,omitempty"`
	RevocationURL string            `json:"revocation_url,omitempty"`
	JWKSURL       string            `json:"jwks_url,omitempty"`
	TryURL        string            `json:"try_url,omitempty"`
	TryMethod     string            `json:"try_method,omitempty"`
	TryBody       string            `json:"try_body,omitempty"`
	// TryHeaders are sent with the try request only, and shown in its
	// curl command: API calls' own headers (MoMo's X-Target-Environment,
	// Airtel's X-Country and X-Currency). They are not secrets.
	TryHeaders map[string]string `json:"try_headers,omitempty"`
	// TokenField, ExpiresField and ExpiresUnit say where the token
	// response holds the token and its lifetime when it does not use the
	// RFC 6749 names and seconds (see Fields).
	TokenField   string      `json:"token_field,omitempty"`
	ExpiresField string      `json:"expires_field,omitempty"`
	ExpiresUnit  ExpiresUnit `json:"expires_unit,omitempty"`
	// Lifetime is how long a token lasts when the answer says nothing of
	// it (Vodacom's sessions live as long as the portal says); the
	// expiry is then shown as the user's, not the server's.
	Lifetime time.Duration `json:"lifetime,omitempty"`
	// SessionEncryption, when set, encrypts the client secret on the token
	// request and the token on every request that presents it to
	// PublicKey (Vodacom: RSA PKCS #1 v1.5, base64).
	SessionEncryption SessionEncryption `json:"session_encryption,omitempty"`
	// PublicKey is the RSA key SessionEncryption encrypts to: PEM, or the
	// base64 DER a portal shows. It is provider data, not a secret.
	PublicKey string `json:"public_key,omitempty"`
	// Origin is sent as the Origin header on the token and try requests
	// when set (Vodacom's OpenAPI wants one).
	Origin string `json:"origin,omitempty"`
	// Insecure skips TLS verification; it is shown as a warning wherever the
	// provider appears.
	Insecure bool `json:"insecure,omitempty"`
	// Timeout bounds one whole token request; zero means DefaultTimeout.
	Timeout time.Duration `json:"timeout,omitempty"`
	// Issuer is the authorization server whose metadata (RFC 8414,
	// OpenID Connect discovery) gives every endpoint the provider does
	// not set, and its client_auth when it sets none (see Discovered).
	Issuer string `json:"issuer,omitempty"`
	// IntrospectionURL is the token introspection endpoint (RFC 7662).
	IntrospectionURL string `json:"introspection_url,omitempty"`
	// UserinfoURL is the OpenID Connect userinfo endpoint.
	UserinfoURL string `json:"userinfo_url,omitempty"`
	// AuthorizationURL is the authorization endpoint the browser is sent
	// to (authorization_code grant).
	AuthorizationURL string `json:"authorization_url,omitempty"`
	// RedirectURI is where the browser comes back with the code; "" means
	// http://127.0.0.1:<a free port>/callback (see DefaultRedirectURI).
	RedirectURI string `json:"redirect_uri,omitempty"`
	// PKCE is the code challenge method; "" means PKCES256.
	PKCE PKCE `json:"pkce,omitempty"`
	// DeviceAuthorizationURL is the device authorization endpoint (RFC
	// 8628 §3.1).
	DeviceAuthorizationURL string `json:"device_authorization_url,omitempty"`
}

// DefaultTimeout bounds a request when a provider sets none.
const DefaultTimeout = 30 * time.Second

// Logout says how p's token is ended at the server: its own logout
// endpoint when it has one, else RFC 7009 revocation when it has a
// revocation endpoint, else not at all (the token is only dropped).
func (p Provider) Logout() Logout {
	switch {
	case p.LogoutURL != "":
		return LogoutEndpoint
	case p.RevocationURL != "":
		return LogoutRevocation
	}
	return LogoutNone
}

// SameWire reports whether a token issued for p would also be a token for
// q: they differ only in secrets, headers and presentation, not in what
// identifies the client at the server (token URL, issuer, grant, client id,
// username, scope, product, extra parameters) or in what the token is
// presented as (the public key a session is encrypted to). The store keeps a
// provider's token across an edit exactly when the edit keeps this.
func (p Provider) SameWire(q Provider) bool {
	return p.TokenURL == q.TokenURL && p.Issuer == q.Issuer && p.Grant == q.Grant && p.ClientID == q.ClientID &&
		p.Username == q.Username && p.Scope == q.Scope && p.Product == q.Product &&
		p.TokenMethod == q.TokenMethod && p.SessionEncryption == q.SessionEncryption &&
		p.PublicKey == q.PublicKey && maps.Equal(p.Params, q.Params)
}

// HeaderNames returns the provider's extra header names, sorted, so that
// requests, traces and exports are deterministic.
func (p Provider) HeaderNames() []string { return sortedKeys(p.Headers) }

// ParamNames returns the provider's extra form parameter names, sorted.
func (p Provider) ParamNames() []string { return sortedKeys(p.Params) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Exposure says how anyone on the network path could read what the
// provider sends and receives (its secrets, its tokens), as words that
// follow its name: "does not verify TLS certificates (insecure = true)",
// "sends secrets over plain http (token_url)". It is "" when nothing
// exposes them. Every place that shows a provider warns with it.
func (p Provider) Exposure() string {
	var why []string
	if p.Insecure {
		why = append(why, "does not verify TLS certificates (insecure = true)")
	}
	// The endpoints that carry a secret: the client's credentials, a
	// token. The JWKS holds public keys only, warned of apart.
	var plain []string
	for _, u := range []struct{ field, value string }{
		{"introspection_url", p.IntrospectionURL}, {"userinfo_url", p.UserinfoURL},
	} {
		if plainHTTP(u.value) {
			plain = append(plain, u.field)
		}
	}
	for _, u := range []struct{ field, value string }{
		{"token_url", p.TokenURL}, {"try_url", p.TryURL},
		{"logout_url", p.LogoutURL}, {"revocation_url", p.RevocationURL},
		{"device_authorization_url", p.DeviceAuthorizationURL},
	} {
		if plainHTTP(u.value) {
			plain = append(plain, u.field)
		}
	}
	if len(plain) > 0 {
		why = append(why, "sends secrets over plain http ("+strings.Join(plain, ", ")+")")
	}
	if plainHTTP(p.JWKSURL) {
		// Public keys, but whoever is on the path can swap them and
		// make a forged token verify.
		why = append(why, "fetches its signing keys over plain http (jwks_url)")
	}
	if plainHTTP(p.Issuer) {
		// Whoever is on the path can name their own token endpoint.
		why = append(why, "fetches its endpoints over plain http (issuer)")
	}
	return strings.Join(why, " and ")
}

// plainHTTP reports whether raw is an http URL to anything but this
// machine's loopback (localhost, 127.0.0.0/8, ::1), where nobody else is
// on the path.
func plainHTTP(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}
