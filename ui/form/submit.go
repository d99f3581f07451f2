package form

import (
	"errors"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
)

// submit builds the provider and checks it. Every refusal is shown at its
// row and the first refused row takes the focus.
func (m Model) submit() (Model, tea.Cmd) {
	for i := range m.fields {
		m.fields[i].err = ""
	}
	m.problem = ""
	p, errs := m.provider()
	if len(errs) == 0 {
		orig := m.original
		return m, func() tea.Msg { return SubmittedMsg{Provider: p, Original: orig} }
	}
	first := -1
	for _, fe := range errs {
		i := m.index(fe.Field)
		if i < 0 || !m.visible(i) {
			if m.problem != "" {
				m.problem += " · "
			}
			m.problem += fe.Error()
			continue
		}
		if m.fields[i].err == "" {
			m.fields[i].err = fe.Msg
		}
		if first < 0 || i < first {
			first = i
		}
	}
	if first < 0 {
		return m, nil
	}
	m.fields[m.focus].blur()
	m.focus = first
	m.updateKeys()
	m.scroll()
	return m, m.fields[first].focus()
}

// standIn is a value that passes Validate for a row it can refuse, so
// that once the row is refused the rest can still be checked; ok is false
// for a row without one.
func standIn(field string) (v string, ok bool) {
	switch field {
	case "name", "client_id", "username":
		return "stand-in", true
	case "token_url":
		return "https://stand-in.invalid/token", true
	case "grant_type":
		return string(providers.GrantClientCredentials), true
	case "grant_in":
		return string(providers.GrantInBody), true
	case "client_auth":
		return string(providers.AuthBasic), true
	case "authorization_url":
		return "https://stand-in.invalid/authorize", true
	case "device_authorization_url":
		return "https://stand-in.invalid/device_authorization", true
	case "logout_url", "revocation_url", "introspection_url", "userinfo_url", "jwks_url", "try_url", "logout_method", "try_method", "params", "timeout", "issuer", headersKey,
		"redirect_uri", "pkce":
		return "", true // optional: empty passes
	}
	return "", false
}

// provider is the rows as a provider, with every reason it is refused:
// the form's own checks, then Validate's. Validate stops at its first
// refusal; so that one save shows every refused row, the refused row is
// given a stand-in that passes and the provider checked again, until it
// passes or refuses a row it has no stand-in for.
func (m *Model) provider() (providers.Provider, []*providers.FieldError) {
	p, errs, err := m.build(nil)
	over := map[string]string{}
	for err != nil {
		var fe *providers.FieldError
		if !errors.As(err, &fe) {
			errs = append(errs, &providers.FieldError{Msg: err.Error()})
			break
		}
		if h, ok := strings.CutPrefix(fe.Field, "headers."); ok {
			fe = &providers.FieldError{Field: headerPrefix + h, Msg: fe.Msg}
			if i := m.index(fe.Field); i < 0 || !m.visible(i) {
				fe = &providers.FieldError{Field: headersKey, Msg: h + ": " + fe.Msg} // a header of the row
			}
		}
		errs = append(errs, fe)
		v, ok := standIn(fe.Field)
		if _, done := over[fe.Field]; !ok || done {
			break
		}
		over[fe.Field] = v
		_, _, err = m.build(over)
	}
	return p, errs
}

// build is the rows as a provider, with over in place of the rows it
// names: the form's own refusals, and Validate's answer.
func (m *Model) build(over map[string]string) (providers.Provider, []*providers.FieldError, error) {
	p := m.base
	raw := func(key string) string {
		if v, ok := over[key]; ok {
			return v
		}
		return m.fieldValue(key)
	}
	get := func(key string) string {
		if _, ok := over[key]; !ok {
			if i := m.index(key); i >= 0 && !m.fields[i].edited() {
				return raw(key) // as stored, not even trimmed
			}
		}
		return strings.TrimSpace(raw(key))
	}
	p.Preset, p.Product, p.Name = get("preset"), get("product"), get("name")
	p.Environment, p.Market = get("environment"), get("market")
	p.TokenURL = get("token_url")
	p.Issuer = get("issuer")
	p.Grant = providers.Grant(get("grant_type"))
	p.GrantIn = providers.GrantIn(get("grant_in"))
	p.ClientAuth = providers.ClientAuth(get("client_auth"))
	p.AuthorizationURL, p.RedirectURI = get("authorization_url"), get("redirect_uri")
	p.DeviceAuthorizationURL = get("device_authorization_url")
	p.PKCE = providers.PKCE(get("pkce"))
	if p.PKCE == providers.PKCES256 {
		p.PKCE = "" // the default, stored as nothing
	}
	p.ClientID = get("client_id")
	p.ClientSecret = providers.Secret(raw("client_secret"))
	p.BasicAuth = providers.Secret(raw("basic_auth"))
	p.PublicKey, p.Origin = get("public_key"), get("origin")
	p.Username = get("username")
	p.Password = providers.Secret(raw("password"))
	p.Scope = get("scope")
	p.JWKSURL, p.RevocationURL = get("jwks_url"), get("revocation_url")
	p.IntrospectionURL, p.UserinfoURL = get("introspection_url"), get("userinfo_url")
	p.LogoutURL, p.LogoutMethod = get("logout_url"), get("logout_method")
	p.TryURL, p.TryMethod = get("try_url"), get("try_method")
	// The try body's row shows only for a method that sends one; hidden, it
	// keeps what the provider had, as every row the form does not show.
	p.TryBody = m.base.TryBody
	if p.TryURL != "" && slices.Contains(bodyMethods, p.TryMethod) {
		p.TryBody = raw("try_body")
	}
	p.Insecure = get("insecure") == "yes"

	var errs []*providers.FieldError
	refuse := func(field, msg string) { errs = append(errs, &providers.FieldError{Field: field, Msg: msg}) }
	var err error
	if p.Params, err = parseParams(get("params")); err != nil {
		refuse("params", err.Error())
	}
	if p.Timeout, err = parseTimeout(get("timeout")); err != nil {
		refuse("timeout", err.Error())
	}
	if p.Lifetime, err = parseLifetime(get("lifetime")); err != nil {
		refuse("lifetime", err.Error())
	}
	// Headers: the ones the preset needs come from their rows, every other
	// from the headers row.
	if p.Headers, err = parseHeaders(raw(headersKey)); err != nil {
		refuse(headersKey, err.Error())
	}
	for _, h := range m.headers[p.Preset] {
		for k := range p.Headers {
			if strings.EqualFold(k, h) {
				refuse(headersKey, k+" has a row of its own: give it there")
				delete(p.Headers, k)
			}
		}
	}
	for _, h := range m.headers[p.Preset] {
		v := raw(headerPrefix + h)
		if v == "" {
			refuse(headerPrefix+h, "this preset needs your "+h)
			continue
		}
		if p.Headers == nil {
			p.Headers = map[string]providers.Secret{}
		}
		p.Headers[h] = providers.Secret(v)
	}
	if p.Name != "" && p.Name != m.original && m.taken != nil && m.taken(p.Name) {
		refuse("name", "another provider is called "+p.Name+": choose another name")
	}
	filled, err := providers.ApplyPreset(p)
	if err != nil {
		var fe *providers.FieldError
		if !errors.As(err, &fe) {
			fe = &providers.FieldError{Field: "preset", Msg: err.Error()}
		}
		return p, append(errs, fe), nil
	}
	return filled, errs, filled.Validate()
}

// fieldValue is a visible row's value as typed (secrets are not trimmed).
func (m *Model) fieldValue(key string) string {
	if i := m.index(key); i >= 0 && m.visible(i) {
		return m.fields[i].value()
	}
	return ""
}
