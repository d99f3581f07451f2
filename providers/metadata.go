package providers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Metadata is an authorization server's metadata (RFC 8414 §2; an OpenID
// Connect discovery document holds the same names), with where and when it
// was fetched. The store keeps it beside the provider whose issuer it
// describes. Every string in it is the server's text: show it through
// display.Text.
type Metadata struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint,omitempty"`
	TokenEndpoint                     string   `json:"token_endpoint,omitempty"`
	DeviceAuthorizationEndpoint       string   `json:"device_authorization_endpoint,omitempty"`
	JWKSURI                           string   `json:"jwks_uri,omitempty"`
	RegistrationEndpoint              string   `json:"registration_endpoint,omitempty"`
	RevocationEndpoint                string   `json:"revocation_endpoint,omitempty"`
	IntrospectionEndpoint             string   `json:"introspection_endpoint,omitempty"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint,omitempty"`
	ScopesSupported                   []string `json:"scopes_supported,omitempty"`
	ResponseTypesSupported            []string `json:"response_types_supported,omitempty"`
	GrantTypesSupported               []string `json:"grant_types_supported,omitempty"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported,omitempty"`
	// Source is the URL the document was read from; FetchedAt is when.
	Source    string    `json:"source,omitempty"`
	FetchedAt time.Time `json:"fetched_at,omitzero"`
}

// ParseMetadata parses a metadata document: a JSON object with at least
// an issuer, its other members of the types RFC 8414 gives them. Members
// it does not know are ignored, as RFC 8414 §3.2 asks.
func ParseMetadata(body []byte) (*Metadata, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, errors.New("the answer is not a JSON object")
	}
	var m Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, fmt.Errorf("metadata member %s is not %s", te.Field, metadataKind(te.Type.Kind().String()))
		}
		return nil, fmt.Errorf("the answer is not valid JSON: %w", err)
	}
	m.Source, m.FetchedAt = "", time.Time{} // ours, never the server's
	if m.Issuer == "" {
		return nil, errors.New("the metadata has no issuer")
	}
	return &m, nil
}

// metadataKind names what a metadata member of a Go kind must be.
func metadataKind(kind string) string {
	if kind == "slice" {
		return "a list of strings"
	}
	return "a string"
}

// Clone returns a copy of m that shares no list with it; nil stays nil.
func (m *Metadata) Clone() *Metadata {
	if m == nil {
		return nil
	}
	c := *m
	for _, l := range []*[]string{&c.ScopesSupported, &c.ResponseTypesSupported, &c.GrantTypesSupported,
		&c.TokenEndpointAuthMethodsSupported, &c.CodeChallengeMethodsSupported} {
		*l = slices.Clone(*l)
	}
	return &c
}

// Discovery says what Discovered took from an issuer's metadata.
type Discovery struct {
	// Filled lists the keys of the endpoints taken from the metadata
	// (token_url, authorization_url, …), in the order Discovered fills
	// them: those the provider sets itself are not among them.
	Filled []string
	// ClientAuth is the client_auth picked from the metadata's
	// token_endpoint_auth_methods_supported when the provider sets none;
	// "" when it sets one. Method is the metadata's name of the method
	// picked, "" when the metadata lists none (RFC 8414's default,
	// client_secret_basic, then holds).
	ClientAuth ClientAuth
	Method     string
	// Methods is the metadata's token_endpoint_auth_methods_supported.
	Methods []string
}

// Note says in words which client_auth was picked and why, "" when the
// provider set its own.
func (d Discovery) Note() string {
	switch {
	case d.ClientAuth == "":
		return ""
	case d.Method == "" && len(d.Methods) > 0:
		return fmt.Sprintf("client_auth %s: none of the issuer's token_endpoint_auth_methods_supported (%s) "+
			"fits this client; set client_auth to choose", d.ClientAuth, strings.Join(d.Methods, " "))
	case d.Method == "":
		return fmt.Sprintf("client_auth %s: the issuer lists no token_endpoint_auth_methods_supported "+
			"(RFC 8414's default is client_secret_basic); set client_auth to choose", d.ClientAuth)
	}
	return fmt.Sprintf("client_auth %s, from the issuer's token_endpoint_auth_methods_supported (%s); "+
		"set client_auth to choose", d.ClientAuth, d.Method)
}

// Short is Note in a few words, for a status line: "client_auth basic
// (the issuer lists client_secret_basic)"; "" when the provider set its own.
func (d Discovery) Short() string {
	switch {
	case d.ClientAuth == "":
		return ""
	case d.Method != "":
		return fmt.Sprintf("client_auth %s (the issuer lists %s)", d.ClientAuth, d.Method)
	case len(d.Methods) > 0:
		return fmt.Sprintf("client_auth %s (none the issuer lists fits)", d.ClientAuth)
	}
	return fmt.Sprintf("client_auth %s (the issuer lists no methods)", d.ClientAuth)
}

// Discovered returns p with every endpoint it does not set taken from m
// (token, authorization, device authorization, JWKS, revocation,
// introspection, userinfo), and, when p sets no client_auth, the one of
// m's token_endpoint_auth_methods_supported that fits p: none for a
// public client (no secret); for a client with a secret
// client_secret_basic as basic, else client_secret_post as body, else
// basic (RFC 8414's default) for the server to judge. A value p sets
// always wins. m may be nil: p is returned as it is, apart from
// the client_auth default.
func (p Provider) Discovered(m *Metadata) (Provider, Discovery) {
	var d Discovery
	if m == nil {
		m = &Metadata{}
	}
	for _, f := range []struct {
		key string
		dst *string
		v   string
	}{
		{"token_url", &p.TokenURL, m.TokenEndpoint},
		{"authorization_url", &p.AuthorizationURL, m.AuthorizationEndpoint},
		{"device_authorization_url", &p.DeviceAuthorizationURL, m.DeviceAuthorizationEndpoint},
		{"jwks_url", &p.JWKSURL, m.JWKSURI},
		{"revocation_url", &p.RevocationURL, m.RevocationEndpoint},
		{"introspection_url", &p.IntrospectionURL, m.IntrospectionEndpoint},
		{"userinfo_url", &p.UserinfoURL, m.UserinfoEndpoint},
	} {
		if *f.dst == "" && f.v != "" {
			*f.dst = f.v
			d.Filled = append(d.Filled, f.key)
		}
	}
	if p.ClientAuth == "" {
		p.ClientAuth, d.Method = pickClientAuth(m.TokenEndpointAuthMethodsSupported, p.ClientSecret != "")
		d.ClientAuth, d.Methods = p.ClientAuth, slices.Clone(m.TokenEndpointAuthMethodsSupported)
	}
	return p, d
}

// pickClientAuth picks the client_auth that fits a client with or without
// a secret from a server's token_endpoint_auth_methods_supported, and
// names the method it took ("" when methods is empty).
func pickClientAuth(methods []string, secret bool) (ClientAuth, string) {
	has := func(m string) bool { return slices.Contains(methods, m) }
	switch {
	case len(methods) == 0 && !secret:
		return AuthNone, ""
	case len(methods) == 0:
		return AuthBasic, ""
	case !secret && has("none"):
		return AuthNone, "none"
	case !secret:
		// A public client has no secret to send, whatever is listed.
		return AuthNone, ""
	case has("client_secret_basic"):
		return AuthBasic, "client_secret_basic"
	case has("client_secret_post"):
		return AuthBody, "client_secret_post"
	}
	// Nothing that fits a client with a secret (only none,
	// private_key_jwt, tls_client_auth): the RFC's default, for the server
	// to refuse with its own words.
	return AuthBasic, ""
}

// checkIssuer refuses an issuer that is not an http or https URL without
// user information, query or fragment (RFC 8414 §2).
func checkIssuer(issuer string) error {
	if issuer == "" {
		return nil
	}
	if err := CheckURL("issuer", issuer); err != nil {
		return err
	}
	if strings.ContainsAny(issuer, "?#") {
		return &FieldError{Field: "issuer", Msg: "an issuer has no query or fragment (RFC 8414 §2)"}
	}
	return nil
}
