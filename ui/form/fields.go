package form

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
)

// kind is how a field is edited.
type kind int

const (
	kindText    kind = iota // typed
	kindSecret              // typed, masked until revealed
	kindChoice              // cycled with left and right
	kindHeaders             // typed, "Name: value; …", the values masked until revealed
)

// headerPrefix starts the key of a field for an extra header a preset
// needs ("header:Ocp-Apim-Subscription-Key").
const headerPrefix = "header:"

// field is one row of the form. key is the name providers.FieldError uses
// for it, so a validation error lands on the right row.
type field struct {
	key         string
	label       string
	kind        kind
	placeholder string
	input       textinput.Model // kindText, kindSecret
	choices     []string        // kindChoice
	choice      int
	revealed    bool   // kindHeaders: the values are shown
	err         string // why the last submit refused the value
	// orig is the value last set, shown what the input made of it: the
	// input drops control characters and cuts at its CharLimit, so a row
	// the user did not touch gives back orig, exactly, not shown.
	orig, shown string
}

func (f *field) value() string {
	if f.kind == kindChoice {
		return f.choices[f.choice]
	}
	if !f.edited() {
		return f.orig
	}
	return f.input.Value()
}

// edited reports whether the user changed a typed row since it was set.
func (f *field) edited() bool { return f.kind != kindChoice && f.input.Value() != f.shown }

func (f *field) set(v string) {
	if f.kind != kindChoice {
		f.input.SetValue(v)
		f.input.CursorEnd()
		f.orig, f.shown = v, f.input.Value()
		return
	}
	i := slices.Index(f.choices, v)
	if i < 0 {
		// A stored value the list does not offer (an older or hand-written
		// provider) stays selectable rather than being silently replaced.
		f.choices = append(f.choices, v)
		i = len(f.choices) - 1
	}
	f.choice = i
}

// focus gives a typed field the cursor; a choice has none.
func (f *field) focus() tea.Cmd {
	if f.kind == kindChoice {
		return nil
	}
	return f.input.Focus()
}

func (f *field) blur() {
	if f.kind != kindChoice {
		f.input.Blur()
	}
}

func (f *field) cycle(step int) {
	n := len(f.choices)
	f.choice = ((f.choice+step)%n + n) % n
}

// fromIssuer is the client auth row's choice that leaves client_auth unset
// for the issuer's metadata to pick (providers.Discovered), offered only
// beside an issuer.
const fromIssuer = ""

// methodChoices are the HTTP methods a logout or try request can use; ""
// lets the engine choose.
func methodChoices() []string { return []string{"", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"} }

// bodyMethods are the try methods that send the try body; "" becomes POST
// when there is a body.
var bodyMethods = []string{"", "POST", "PUT", "PATCH"}

// newFields builds every row the form can show, in order; visible decides
// which are shown for the current values.
func newFields(st Styles, headers []string) []field {
	text := func(key, label, placeholder string) field {
		return field{key: key, label: label, kind: kindText, placeholder: placeholder}
	}
	secret := func(key, label string) field {
		return field{key: key, label: label, kind: kindSecret}
	}
	choice := func(key, label string, choices ...string) field {
		return field{key: key, label: label, kind: kindChoice, choices: choices}
	}
	fs := []field{
		choice("preset", "Preset", providers.PresetNames()...),
		choice("product", "Product", ""), // choices follow the preset
		choice("environment", "Environment", ""),
		choice("market", "Market", ""),
		text("name", "Name", "a short name, no spaces"),
		text("token_url", "Token URL", discoveredRows["token_url"].own),
		choice("grant_type", "Grant", string(providers.GrantClientCredentials), string(providers.GrantPassword),
			string(providers.GrantAuthorizationCode), string(providers.GrantDeviceCode)),
		choice("grant_in", "Grant in", string(providers.GrantInBody), string(providers.GrantInQuery), string(providers.GrantInNone)),
		choice("client_auth", "Client auth", fromIssuer, string(providers.AuthBasic), string(providers.AuthBody),
			string(providers.AuthQuery), string(providers.AuthBearer), string(providers.AuthNone)),
		text("authorization_url", "Authorize URL", discoveredRows["authorization_url"].own),
		text("redirect_uri", "Redirect URI", providers.DefaultRedirectURI),
		choice("pkce", "PKCE", string(providers.PKCES256), string(providers.PKCEOff)),
		text("device_authorization_url", "Device URL", discoveredRows["device_authorization_url"].own),
		text("client_id", "Client ID", ""),
		secret("client_secret", "Client secret"),
		secret("basic_auth", "Basic header"),
		text("public_key", "Public key", "PEM or the portal's base64 DER"),
		text("lifetime", "Lifetime", "the session's, as the portal sets it: 1h"),
		text("origin", "Origin", "*"),
		text("username", "Username", ""),
		secret("password", "Password"),
	}
	for _, h := range headers {
		fs = append(fs, secret(headerPrefix+h, h))
	}
	fs = append(fs,
		text("scope", "Scope", "space-separated, optional"),
		text("params", "Extra params", "audience=… resource=…"),
		field{key: headersKey, label: "Extra headers", kind: kindHeaders, placeholder: "Name: value; Name: value, optional"},
		text("issuer", "Issuer", "its metadata gives the endpoints not set, optional"),
		text("jwks_url", "JWKS URL", discoveredRows["jwks_url"].own),
		text("revocation_url", "Revocation URL", discoveredRows["revocation_url"].own),
		text("introspection_url", "Introspect URL", discoveredRows["introspection_url"].own),
		text("userinfo_url", "Userinfo URL", discoveredRows["userinfo_url"].own),
		text("logout_url", "Logout URL", "optional"),
		choice("logout_method", "Logout method", methodChoices()...),
		text("try_url", "Try URL", "an API call to test the token, optional"),
		choice("try_method", "Try method", methodChoices()...),
		text("try_body", "Try body", "sent with POST, PUT or PATCH, optional"),
		text("timeout", "Timeout", providers.DefaultTimeout.String()),
		choice("insecure", "Insecure TLS", "no", "yes"),
	)
	for i := range fs {
		if fs[i].kind == kindChoice {
			continue
		}
		in := textinput.New()
		in.Prompt = ""
		in.Placeholder = fs[i].placeholder
		in.CharLimit = 2048
		if fs[i].key == "public_key" {
			in.CharLimit = providers.MaxPublicKey
		}
		in.TextStyle = st.Text
		in.PlaceholderStyle = st.Placeholder
		in.Cursor.Style = st.Cursor
		if fs[i].kind == kindSecret {
			in.EchoMode = textinput.EchoPassword
			in.EchoCharacter = '•'
		}
		fs[i].input = in
	}
	return fs
}

// requiredHeaders lists, for every preset, the extra headers it needs the
// user to supply: the ones its defaults name with an empty value.
func requiredHeaders(presets map[string]providers.Preset) map[string][]string {
	out := map[string][]string{}
	for _, ps := range presets {
		for _, h := range ps.Defaults.HeaderNames() {
			if ps.Defaults.Headers[h] == "" {
				out[ps.Name] = append(out[ps.Name], h)
			}
		}
	}
	return out
}

// momoTargets are MoMo's production environments offered by the form,
// beside the sandbox (any other mtn… name works from a file).
var momoTargets = []string{"mtnuganda", "mtnghana", "mtncameroon", "mtnivorycoast", "mtnzambia", "mtnbenin",
	"mtncongo", "mtnswaziland", "mtnguineaconakry", "mtnsouthafrica", "mtnliberia", "mtnrwanda"}

// environmentChoices are the environments the form offers for ps: its
// names, a family (MoMo's mtn…) as its common members.
func environmentChoices(ps providers.Preset) []string {
	var out []string
	for _, e := range ps.Environments {
		if strings.HasSuffix(e.Name, "*") {
			out = append(out, momoTargets...)
			continue
		}
		out = append(out, e.Name)
	}
	return out
}

// presetLabel renames a row for a preset whose documentation uses other
// words for it.
func presetLabel(preset, key, label string) string {
	if key == "client_secret" {
		switch preset {
		case "vodacom":
			return "API key"
		case "static":
			return "Static key"
		}
	}
	if preset == "momo" {
		switch key {
		case "client_id":
			return "API user"
		case "client_secret":
			return "API key"
		}
	}
	if key == headerPrefix+"Ocp-Apim-Subscription-Key" {
		return "Subscription key"
	}
	return label
}

// values is a provider as the form's rows spell it.
func values(p providers.Provider) map[string]string {
	v := map[string]string{
		"preset": p.Preset, "product": p.Product, "name": p.Name, "token_url": p.TokenURL, "issuer": p.Issuer,
		"grant_type": string(p.Grant), "grant_in": string(p.GrantIn), "client_auth": string(p.ClientAuth),
		"client_id": p.ClientID, "client_secret": p.ClientSecret.Reveal(),
		"username": p.Username, "password": p.Password.Reveal(), "scope": p.Scope,
		"params": formatParams(p.Params), "jwks_url": p.JWKSURL, "revocation_url": p.RevocationURL,
		"logout_url": p.LogoutURL, "logout_method": strings.ToUpper(p.LogoutMethod),
		"try_url": p.TryURL, "try_method": strings.ToUpper(p.TryMethod), "try_body": p.TryBody, "insecure": "no",
		"environment": p.Environment, "market": p.Market, "basic_auth": p.BasicAuth.Reveal(),
		"public_key": p.PublicKey, "origin": p.Origin,
		"authorization_url": p.AuthorizationURL, "redirect_uri": p.RedirectURI, "pkce": string(p.PKCE),
		"device_authorization_url": p.DeviceAuthorizationURL,
		"introspection_url":        p.IntrospectionURL, "userinfo_url": p.UserinfoURL,
	}
	if p.PKCE == "" {
		v["pkce"] = string(providers.PKCES256)
	}
	if p.Lifetime != 0 {
		v["lifetime"] = p.Lifetime.String()
	}
	if p.GrantIn == "" {
		v["grant_in"] = string(providers.GrantInBody)
	}
	if p.Timeout != 0 {
		v["timeout"] = p.Timeout.String()
	}
	if p.Insecure {
		v["insecure"] = "yes"
	}
	for h, s := range p.Headers {
		v[headerPrefix+h] = s.Reveal()
	}
	v[headersKey] = formatHeaders(p)
	return v
}

func formatParams(ps map[string]string) string {
	keys := make([]string, 0, len(ps))
	for k := range ps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + ps[k]
	}
	return strings.Join(parts, " ")
}

func parseParams(s string) (map[string]string, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(fields))
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not key=value", f)
		}
		out[k] = v
	}
	return out, nil
}

// parseLifetime reads the lifetime row: empty, or a positive duration.
func parseLifetime(s string) (time.Duration, error) {
	d, err := parseTimeout(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration such as 1h or 15m", strings.TrimSpace(s))
	}
	return d, nil
}

func parseTimeout(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a duration such as 30s or 2m", s)
	}
	return d, nil
}

// discoveredRow is a URL row the issuer's metadata fills when it is left
// empty: own is its placeholder without an issuer, endpoint the
// metadata's value for it; needed, that a request cannot go without it.
type discoveredRow struct {
	own      string
	endpoint func(*providers.Metadata) string
	needed   bool
}

// discoveredRows are the rows whose placeholder says what the issuer's
// metadata gives them: every endpoint providers.Discovered fills.
var discoveredRows = map[string]discoveredRow{
	"token_url":                {"https://…/token", func(md *providers.Metadata) string { return md.TokenEndpoint }, true},
	"authorization_url":        {"https://…/authorize", func(md *providers.Metadata) string { return md.AuthorizationEndpoint }, true},
	"device_authorization_url": {"https://…/device_authorization", func(md *providers.Metadata) string { return md.DeviceAuthorizationEndpoint }, true},
	"jwks_url":                 {"to verify JWT signatures, optional", func(md *providers.Metadata) string { return md.JWKSURI }, false},
	"revocation_url":           {"RFC 7009, optional", func(md *providers.Metadata) string { return md.RevocationEndpoint }, false},
	"introspection_url":        {"RFC 7662, optional", func(md *providers.Metadata) string { return md.IntrospectionEndpoint }, false},
	"userinfo_url":             {"OpenID Connect, optional", func(md *providers.Metadata) string { return md.UserinfoEndpoint }, false},
}

// placeDiscovered sets the placeholders of the rows the issuer's metadata
// fills: their own without an issuer; with one, that the metadata gives
// them, and what it gives when the form has the metadata of that issuer.
func (m *Model) placeDiscovered() {
	md, known := m.metadata()
	for k, r := range discoveredRows {
		f := &m.fields[m.index(k)]
		switch {
		case !m.hasIssuer():
			f.input.Placeholder = r.own
		case !known:
			f.input.Placeholder = "from the issuer's metadata when empty"
		case r.endpoint(md) != "":
			f.input.Placeholder = "from the issuer: " + display.Text(r.endpoint(md))
		case r.needed:
			f.input.Placeholder = "the issuer's metadata lists none"
		default:
			f.input.Placeholder = "the issuer's metadata lists none, optional"
		}
	}
}
