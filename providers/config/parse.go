// Package config reads and writes provider definitions as TOML, one
// [[providers]] table each, so a team can commit a file of providers while
// every secret stays a ${NAME} read from each person's environment.
package config

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/tokenscope/tokenscope/providers"
)

// MaxFileSize caps the providers file Parse reads.
const MaxFileSize = 1 << 20

// file is the document: nothing but [[providers]] tables.
type file struct {
	Providers []entry `toml:"providers"`
}

// entry is one [[providers]] table, field for field what the file holds;
// Write encodes it in this order.
type entry struct {
	Name          string `toml:"name"`
	Preset        string `toml:"preset"`
	Product       string `toml:"product,omitempty"`
	Environment   string `toml:"environment,omitempty"`
	Market        string `toml:"market,omitempty"`
	TokenURL      string `toml:"token_url,omitempty"`
	Issuer        string `toml:"issuer,omitempty"`
	TokenMethod   string `toml:"token_method,omitempty"`
	Body          string `toml:"body,omitempty"`
	GrantType     string `toml:"grant_type,omitempty"`
	GrantIn       string `toml:"grant_in,omitempty"`
	ClientAuth    string `toml:"client_auth,omitempty"`
	ClientID      string `toml:"client_id,omitempty"`
	ClientSecret  string `toml:"client_secret,omitempty"`
	APIKey        string `toml:"api_key,omitempty"`
	StaticKey     string `toml:"static_key,omitempty"`
	BasicAuth     string `toml:"basic_auth,omitempty"`
	Username      string `toml:"username,omitempty"`
	Password      string `toml:"password,omitempty"`
	Scope         string `toml:"scope,omitempty"`
	LogoutURL     string `toml:"logout_url,omitempty"`
	LogoutMethod  string `toml:"logout_method,omitempty"`
	RevocationURL string `toml:"revocation_url,omitempty"`
	JWKSURL       string `toml:"jwks_url,omitempty"`
	TryURL        string `toml:"try_url,omitempty"`
	TryMethod     string `toml:"try_method,omitempty"`
	TryBody       string `toml:"try_body,omitempty"`
	TokenField    string `toml:"token_field,omitempty"`
	ExpiresField  string `toml:"expires_field,omitempty"`
	ExpiresUnit   string `toml:"expires_unit,omitempty"`
	Lifetime      string `toml:"lifetime,omitempty"`
	Encryption    string `toml:"session_encryption,omitempty"`
	PublicKey     string `toml:"public_key,omitempty"`
	Origin        string `toml:"origin,omitempty"`
	Insecure      bool   `toml:"insecure,omitempty"`
	Timeout       string `toml:"timeout,omitempty"`
	// The endpoints an issuer's metadata may give.
	IntrospectionURL string `toml:"introspection_url,omitempty"`
	UserinfoURL      string `toml:"userinfo_url,omitempty"`
	// The authorization_code grant's keys.
	AuthorizationURL string `toml:"authorization_url,omitempty"`
	RedirectURI      string `toml:"redirect_uri,omitempty"`
	PKCE             string `toml:"pkce,omitempty"`
	// The device grant's key.
	DeviceAuthorizationURL string            `toml:"device_authorization_url,omitempty"`
	Headers                map[string]string `toml:"headers,omitempty"`
	Params                 map[string]string `toml:"params,omitempty"`
	TryHeaders             map[string]string `toml:"try_headers,omitempty"`
}

// Parse reads a providers file. Every ${NAME} in a string value is replaced
// by getenv(NAME) ("$$" is a literal "$"); then each provider gets its
// preset's defaults (providers.ApplyPreset) and is validated. Unknown keys,
// unset variables, duplicate names and invalid providers are errors that
// name the line, the provider and the key; all of them are reported
// together, and none quotes a value. getenv nil means an empty environment.
func Parse(r io.Reader, getenv func(string) (string, bool)) ([]providers.Provider, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read providers file: %w", err)
	}
	if len(src) > MaxFileSize {
		return nil, errors.New("providers file is larger than 1 MiB")
	}
	var f file
	md, err := toml.Decode(string(src), &f)
	if err != nil {
		return nil, fmt.Errorf("providers file: %w", err)
	}
	loc := locate(string(src))
	if errs := unknownKeys(md, loc, f.Providers); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var errs []error
	out := make([]providers.Provider, 0, len(f.Providers))
	seen := map[string]int{} // name → line
	for i, e := range f.Providers {
		p, err := e.provider(i, loc, getenv)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		line := loc.at(i, "name")
		if first, dup := seen[p.Name]; dup {
			errs = append(errs, fmt.Errorf("%sprovider %q is already defined on line %d", linePrefix(line), p.Name, first))
			continue
		}
		seen[p.Name] = line
		out = append(out, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// unknownKeys reports every key the file has and a provider does not, once
// per key (not again for the keys inside an unknown table).
func unknownKeys(md toml.MetaData, loc lines, entries []entry) []error {
	undecoded := map[string]bool{}
	for _, k := range md.Undecoded() {
		undecoded[k.String()] = true
	}
	if len(undecoded) == 0 {
		return nil
	}
	var errs []error
	table := -1
	var reported []string
	for _, k := range md.Keys() {
		if len(k) == 1 && k[0] == "providers" {
			table++
			reported = nil
			continue
		}
		if !undecoded[k.String()] || under(k.String(), reported) {
			continue
		}
		reported = append(reported, k.String())
		if k[0] != "providers" {
			// Quoted once here, made safe once where it is shown.
			errs = append(errs, fmt.Errorf("%sunknown key \"%s\" (a providers file holds [[providers]] tables only)%s",
				linePrefix(loc.at(-1, strings.Join(k, "."))), strings.Join(k, "."), didYouMean(k[0], []string{"providers"})))
			continue
		}
		rel := strings.Join(k[1:], ".")
		who := fmt.Sprintf("[[providers]] #%d", table+1)
		if table >= 0 && table < len(entries) {
			who = entryName(entries[table], table)
		}
		errs = append(errs, fmt.Errorf("%s%s: unknown key \"%s\"%s", linePrefix(loc.at(table, strings.Join(k[1:], "."))), who, rel,
			didYouMean(k[1], entryKeys())))
	}
	return errs
}

// appendUnset adds to unset one error per variable err reports unset
// (each through fail, which names the line and the key). It returns nil
// when err is something else, a malformed reference, which ends the
// table's checks there.
func appendUnset(unset []error, key string, err error, fail func(string, error) error) []error {
	var all []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		all = j.Unwrap()
	} else {
		all = []error{err}
	}
	for _, e := range all {
		if _, ok := e.(*UnsetError); !ok {
			return nil
		}
	}
	for _, e := range all {
		unset = append(unset, fail(key, e))
	}
	return unset
}

// didYouMean is ": did you mean …?" after an unknown key, or nothing.
func didYouMean(typed string, known []string) string {
	if s := DidYouMean(Suggest(typed, known)); s != "" {
		return ": " + s
	}
	return ""
}

// entryKeys are the keys a [[providers]] table may hold, as entry's
// toml tags name them.
func entryKeys() []string {
	t := reflect.TypeFor[entry]()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
		keys = append(keys, name)
	}
	return keys
}

// linePrefix is "line N: ", or nothing when the line is unknown (0).
func linePrefix(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("line %d: ", n)
}

func under(key string, parents []string) bool {
	for _, p := range parents {
		if strings.HasPrefix(key, p+".") {
			return true
		}
	}
	return false
}

// entryName names table i for an error: by its name when it has one
// (before any ${} expansion, so never a secret).
func entryName(e entry, i int) string {
	if e.Name != "" {
		return fmt.Sprintf("provider %q", e.Name)
	}
	return fmt.Sprintf("[[providers]] #%d", i+1)
}

// provider turns table i into a Provider: variables expanded, preset
// applied, validated.
func (e entry) provider(i int, loc lines, getenv func(string) (string, bool)) (providers.Provider, error) {
	who := entryName(e, i)
	fail := func(key string, err error) error {
		return fmt.Errorf("%s%s: %s: %w", linePrefix(loc.at(i, key)), who, key, err)
	}
	var p providers.Provider
	// unset collects every variable the table refers to that is not set,
	// so that one import names them all; the table is not checked further.
	var unset []error
	var grant, grantIn, auth, secret, password, timeout, method, body, unit, pkce string
	var apiKey, staticKey, basicAuth, lifetime, encryption string
	for _, s := range []struct {
		key string
		in  string
		out *string
	}{
		{"name", e.Name, &p.Name}, {"preset", e.Preset, &p.Preset}, {"product", e.Product, &p.Product},
		{"environment", e.Environment, &p.Environment}, {"issuer", e.Issuer, &p.Issuer},
		{"introspection_url", e.IntrospectionURL, &p.IntrospectionURL}, {"userinfo_url", e.UserinfoURL, &p.UserinfoURL},
		{"token_url", e.TokenURL, &p.TokenURL}, {"client_id", e.ClientID, &p.ClientID},
		{"username", e.Username, &p.Username}, {"scope", e.Scope, &p.Scope},
		{"logout_url", e.LogoutURL, &p.LogoutURL}, {"logout_method", e.LogoutMethod, &p.LogoutMethod},
		{"revocation_url", e.RevocationURL, &p.RevocationURL}, {"jwks_url", e.JWKSURL, &p.JWKSURL},
		{"try_url", e.TryURL, &p.TryURL}, {"try_method", e.TryMethod, &p.TryMethod}, {"try_body", e.TryBody, &p.TryBody},
		{"grant_type", e.GrantType, &grant}, {"grant_in", e.GrantIn, &grantIn}, {"client_auth", e.ClientAuth, &auth},
		{"client_secret", e.ClientSecret, &secret}, {"password", e.Password, &password}, {"timeout", e.Timeout, &timeout},
		{"token_method", e.TokenMethod, &method}, {"body", e.Body, &body}, {"token_field", e.TokenField, &p.TokenField},
		{"expires_field", e.ExpiresField, &p.ExpiresField}, {"expires_unit", e.ExpiresUnit, &unit},
		{"authorization_url", e.AuthorizationURL, &p.AuthorizationURL}, {"redirect_uri", e.RedirectURI, &p.RedirectURI},
		{"pkce", e.PKCE, &pkce}, {"device_authorization_url", e.DeviceAuthorizationURL, &p.DeviceAuthorizationURL},
		{"market", e.Market, &p.Market}, {"api_key", e.APIKey, &apiKey}, {"static_key", e.StaticKey, &staticKey},
		{"basic_auth", e.BasicAuth, &basicAuth}, {"lifetime", e.Lifetime, &lifetime},
		{"session_encryption", e.Encryption, &encryption}, {"public_key", e.PublicKey, &p.PublicKey},
		{"origin", e.Origin, &p.Origin},
	} {
		v, err := expand(s.in, getenv)
		if err != nil {
			if unset = appendUnset(unset, s.key, err, fail); unset == nil {
				return p, fail(s.key, err)
			}
		}
		*s.out = v
	}
	p.Grant, p.GrantIn, p.ClientAuth = providers.Grant(grant), providers.GrantIn(grantIn), providers.ClientAuth(auth)
	// api_key and static_key are the client secret under the names the
	// vodacom and static presets give it: one of the three, at most.
	given := ""
	for _, k := range []struct{ key, v string }{{"client_secret", secret}, {"api_key", apiKey}, {"static_key", staticKey}} {
		if k.v == "" {
			continue
		}
		if given != "" {
			return p, fail(k.key, fmt.Errorf("%s and %s are the same secret: give one", given, k.key))
		}
		given, secret = k.key, k.v
	}
	p.ClientSecret, p.Password = providers.Secret(secret), providers.Secret(password)
	p.BasicAuth = providers.Secret(basicAuth)
	p.SessionEncryption = providers.SessionEncryption(strings.ToLower(encryption))
	p.TokenMethod = providers.TokenMethod(strings.ToUpper(method))
	if p.TokenMethod == "NONE" {
		p.TokenMethod = providers.MethodNone
	}
	p.Body, p.ExpiresUnit = providers.BodyFormat(body), providers.ExpiresUnit(unit)
	p.Insecure = e.Insecure
	p.PKCE = providers.PKCE(pkce)
	if timeout != "" {
		d, err := time.ParseDuration(timeout)
		if err != nil {
			return p, fail("timeout", fmt.Errorf("%q is not a duration such as 30s or 1m", e.Timeout))
		}
		p.Timeout = d
	}
	if lifetime != "" {
		d, err := time.ParseDuration(lifetime)
		if err != nil || d <= 0 {
			return p, fail("lifetime", fmt.Errorf("%q is not a duration such as 1h or 15m", e.Lifetime))
		}
		p.Lifetime = d
	}
	// expandTable expands every value of a table such as headers, in name
	// order; nil when the table is empty.
	expandTable := func(table string, in map[string]string) (map[string]string, error) {
		var out map[string]string
		for _, k := range sortedKeys(in) {
			v, err := expand(in[k], getenv)
			if err != nil {
				if unset = appendUnset(unset, table+"."+k, err, fail); unset == nil {
					return nil, fail(table+"."+k, err)
				}
			}
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
		return out, nil
	}
	headers, err := expandTable("headers", e.Headers)
	if err != nil {
		return p, err
	}
	for h, v := range headers {
		if p.Headers == nil {
			p.Headers = map[string]providers.Secret{}
		}
		p.Headers[h] = providers.Secret(v)
	}
	if p.Params, err = expandTable("params", e.Params); err != nil {
		return p, err
	}
	if p.TryHeaders, err = expandTable("try_headers", e.TryHeaders); err != nil {
		return p, err
	}
	if len(unset) > 0 {
		return p, errors.Join(unset...)
	}
	p, err = providers.ApplyPreset(p)
	var fe *providers.FieldError
	if errors.As(err, &fe) {
		return p, fail(fe.Field, errors.New(fe.Msg))
	}
	if err != nil {
		return p, fail("preset", err)
	}
	if err := p.Validate(); err != nil {
		var fe *providers.FieldError
		if errors.As(err, &fe) {
			return p, fail(fe.Field, errors.New(fe.Msg))
		}
		return p, fmt.Errorf("%s%s: %w", linePrefix(loc.at(i, "")), who, err)
	}
	return p, nil
}
