package oauth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
)

// UserAgent is the User-Agent of every request tokenscope sends.
const UserAgent = "tokenscope/1 (+https://github.com/tokenscope/tokenscope)"

const (
	contentForm = "application/x-www-form-urlencoded"
	contentJSON = "application/json"
)

// param is one name and value of a query, form body or header. When the
// value is a secret, env names the shell variable curl shows in its place.
type param struct {
	key, value string
	env        string
}

// form is an ordered list of parameters: the wire order is the order a
// person reads in the trace and in the curl command.
type form []param

// encode renders f as application/x-www-form-urlencoded.
func (f form) encode() string {
	var b strings.Builder
	for i, kv := range f {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv.key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(kv.value))
	}
	return b.String()
}

// basicAuth is an HTTP Basic client authentication.
type basicAuth struct {
	user   string
	secret string
	env    string // the shell variable curl shows for secret
	// ready is a ready-made credentials part the user pasted (Orange's
	// portal shows one), sent as it is instead of user and secret.
	ready string
}

// header returns the Authorization value: RFC 6749 §2.3.1 has the client
// id and secret form-encoded before they are joined and base64-encoded.
func (a basicAuth) header() string {
	if a.ready != "" {
		return "Basic " + a.ready
	}
	return "Basic " + basicCredentials(a.user, a.secret)
}

// envBasicAuth is the shell variable curl shows for a ready-made Basic
// header's credentials.
const envBasicAuth = "BASIC_AUTH"

// originHeader is p's Origin header, when it sets one, as a header that
// is not a secret.
func originHeader(p providers.Provider) form {
	if p.Origin == "" {
		return nil
	}
	return form{{key: "Origin", value: p.Origin}}
}

// basicCredentials is the base64 part of a Basic header for an OAuth client.
func basicCredentials(id, secret string) string {
	return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(secret)))
}

// request is one HTTP request as plain data, so that the client, the trace
// and the curl printer agree on what goes on the wire.
type request struct {
	method string
	url    string // as configured: it may already hold a query
	query  form   // appended to url's query
	basic  *basicAuth
	bearer string
	// bearerEnv is the shell variable curl shows for a bearer that is a
	// client secret (client_auth = "bearer").
	bearerEnv string
	accept    string
	header    form // the provider's extra headers, in name order
	plain     form // headers that are not secrets (the try headers), in name order
	// body is a form body; rawBody is used instead when set (the try
	// request). contentType is empty when there is no body at all.
	body        form
	rawBody     string
	contentType string
}

// named is the request's method and URL as errors name them: the URL
// without user information, query or fragment (a query marked "?…"), and
// masked, so that nothing secret sent in it shows.
func (r *request) named(red *redactor) (method, u string) {
	pu, err := url.Parse(r.url)
	if err != nil {
		return r.method, ""
	}
	cut := pu.RawQuery != "" || pu.ForceQuery || len(r.query) > 0
	pu.User, pu.RawQuery, pu.ForceQuery, pu.Fragment, pu.RawFragment = nil, "", false, "", ""
	u = pu.String()
	if cut {
		u += "?…"
	}
	return r.method, red.clean(u)
}

// fullURL is the URL the request goes to, with the query appended.
func (r *request) fullURL() string {
	if len(r.query) == 0 {
		return r.url
	}
	sep := "?"
	if strings.Contains(r.url, "?") {
		sep = "&"
		if strings.HasSuffix(r.url, "?") || strings.HasSuffix(r.url, "&") {
			sep = ""
		}
	}
	return r.url + sep + r.query.encode()
}

// payload is the request body as sent.
func (r *request) payload() string {
	switch {
	case r.rawBody != "":
		return r.rawBody
	case r.contentType == contentJSON:
		return r.body.encodeJSON()
	}
	return r.body.encode()
}

// tracedPayload is the body as the trace shows it: the secret parameters
// (the ones curl shows as a shell variable, and any SecretParam) masked by
// their place, in a form or a JSON body alike, whatever their length.
func (r *request) tracedPayload() string {
	switch {
	case r.rawBody != "":
		if strings.HasPrefix(r.contentType, contentForm) {
			return maskParams(r.rawBody)
		}
		return r.rawBody
	case r.contentType == contentJSON:
		return r.body.masked().encodeJSON()
	}
	return maskParams(r.body.encode())
}

// masked is f with the value of every secret parameter replaced by mask.
func (f form) masked() form {
	out := make(form, len(f))
	for i, kv := range f {
		if kv.env != "" || providers.SecretParam(kv.key) {
			kv.value = mask
		}
		out[i] = kv
	}
	return out
}

// encodeJSON renders f as one JSON object of string members, in order.
func (f form) encodeJSON() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, kv := range f {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jsonString(kv.key))
		b.WriteByte(':')
		b.WriteString(jsonString(kv.value))
	}
	b.WriteByte('}')
	return b.String()
}

// jsonString is s as a JSON string. Invalid UTF-8 cannot reach it
// (Validate refuses it), so Marshal cannot fail.
func jsonString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// Shell variables the curl command uses for secrets.
const (
	envClientSecret = "CLIENT_SECRET"
	envPassword     = "PASSWORD"
	envRefreshToken = "REFRESH_TOKEN"
	envAccessToken  = "ACCESS_TOKEN"
)

// HeaderEnv is the shell variable the curl command writes for an extra
// header's value:
// Ocp-Apim-Subscription-Key becomes OCP_APIM_SUBSCRIPTION_KEY.
func HeaderEnv(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		s = "H_" + s
	}
	return s
}

// extraHeaders returns p's extra headers in name order, refusing to send a
// request without a header the preset needs (MoMo's subscription key).
func extraHeaders(p providers.Provider) (form, error) {
	if missing := p.MissingHeaders(); len(missing) > 0 {
		h := missing[0]
		return nil, &providers.FieldError{Field: "headers." + h, Msg: fmt.Sprintf("%s needs a value (your subscription key)", h)}
	}
	return headerForm(p), nil
}

// headerForm is p's extra headers in name order.
func headerForm(p providers.Provider) form {
	var f form
	for _, h := range p.HeaderNames() {
		f = append(f, param{key: h, value: p.Headers[h].Reveal(), env: HeaderEnv(h)})
	}
	return f
}

// tryHeaders is p's Origin, unless a try header sets its own, and its try
// headers in name order.
func tryHeaders(p providers.Provider) form {
	var f form
	if _, own := lookupHeader(p.TryHeaders, "Origin"); !own {
		f = originHeader(p)
	}
	for _, h := range p.TryHeaderNames() {
		f = append(f, param{key: h, value: p.TryHeaders[h]})
	}
	return f
}

// lookupHeader finds a header in h by its name in any case.
func lookupHeader(h map[string]string, name string) (string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return "", false
}

// tokenRequest builds p's token request: a new grant, or with refresh set,
// the refresh_token grant (RFC 6749 §6).
func tokenRequest(p providers.Provider, refresh string) (*request, error) {
	if err := undiscovered(p, opFetch); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := p.MissingKey(); err != nil {
		return nil, err
	}
	hdr, err := extraHeaders(p)
	if err != nil {
		return nil, err
	}
	r := buildTokenRequest(p, refresh, hdr)
	if r.bearer != "" {
		if r.bearer, err = encrypt(p, r.bearer); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// buildTokenRequest is tokenRequest without the checks, for the curl
// command, which shows a request even before every value is filled in.
func buildTokenRequest(p providers.Provider, refresh string, hdr form) *request {
	r := &request{method: "POST", url: p.TokenURL, accept: contentJSON, header: hdr, contentType: contentForm}
	grantIn := p.GrantIn
	var grant form
	switch {
	case refresh != "":
		grant = form{{key: "grant_type", value: "refresh_token"}}
		// A token URL pasted with its own ?grant_type=client_credentials
		// (MTN documents one) would name the other grant beside ours.
		r.url = withoutQueryKey(p.TokenURL, "grant_type")
		if grantIn == providers.GrantInNone {
			grantIn = providers.GrantInBody // a refresh without a grant_type means nothing
		}
		r.body = append(r.body, param{key: "refresh_token", value: refresh, env: envRefreshToken})
	default:
		grant = form{{key: "grant_type", value: string(p.Grant)}}
		if p.Scope != "" {
			grant = append(grant, param{key: "scope", value: p.Scope})
		}
		if p.Grant == providers.GrantPassword {
			r.body = append(r.body, param{key: "username", value: p.Username},
				param{key: "password", value: p.Password.Reveal(), env: envPassword})
		}
		for _, k := range p.ParamNames() {
			r.body = append(r.body, param{key: k, value: p.Params[k]})
		}
	}
	placeCredentials(r, p, grant, grantIn)
	return r
}

// placeCredentials puts the grant parameters where grantIn says and the
// client's credentials where p's client_auth says (client_id alone in the
// body for a public client), then shapes the body as p's token method and
// body format want.
func placeCredentials(r *request, p providers.Provider, grant form, grantIn providers.GrantIn) {
	switch grantIn {
	case providers.GrantInQuery:
		r.query = append(grant, r.query...)
	case providers.GrantInNone:
		// MoMo: the Basic header alone is the request.
	default:
		r.body = append(grant, r.body...)
	}
	creds := form{{key: "client_id", value: p.ClientID}}
	if p.ClientSecret != "" {
		creds = append(creds, param{key: "client_secret", value: p.ClientSecret.Reveal(), env: envClientSecret})
	}
	switch p.ClientAuth {
	case providers.AuthBasic:
		r.basic = &basicAuth{user: p.ClientID, secret: p.ClientSecret.Reveal(), env: envClientSecret}
	case providers.AuthQuery:
		r.query = append(creds, r.query...)
	case providers.AuthBearer:
		r.bearer, r.bearerEnv = p.ClientSecret.Reveal(), envClientSecret
		if p.SessionEncryption != "" {
			r.bearerEnv = envEncryptedKey
		}
	default:
		r.body = append(r.body, creds...)
	}
	if p.BasicAuth != "" && r.basic != nil {
		r.basic.ready = providers.BasicValue(p.BasicAuth.Reveal())
		r.basic.env = envBasicAuth
	}
	r.plain = originHeader(p)
	shapeBody(r, p)
	r.query = withoutPresent(r.query, r.url)
}

// shapeBody sends r's body as p's token method and body format say: a GET
// has no body, its parameters go to the query after the others; a JSON
// body is one object of the same parameters.
func shapeBody(r *request, p providers.Provider) {
	switch {
	case p.TokenMethod == providers.MethodGET:
		r.method = "GET"
		r.query = append(r.query, r.body...)
		r.body, r.contentType = nil, ""
	case p.Body == providers.BodyJSON:
		r.contentType = contentJSON
	}
}

// withoutQueryKey is raw without the query parameter key, or raw itself
// when it has none.
func withoutQueryKey(raw, key string) string {
	u, err := url.Parse(raw)
	if err != nil || !u.Query().Has(key) {
		return raw
	}
	q := u.Query()
	q.Del(key)
	u.RawQuery = q.Encode()
	return u.String()
}

// withoutPresent drops the parameters the configured URL's query already
// has, so a token URL pasted with ?grant_type=... does not send it twice.
func withoutPresent(q form, raw string) form {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return q
	}
	have := u.Query()
	out := q[:0:0]
	for _, kv := range q {
		if !have.Has(kv.key) {
			out = append(out, kv)
		}
	}
	return out
}

// revocationRequest builds an RFC 7009 revocation of token, with the client
// authenticated as for its token requests.
func revocationRequest(p providers.Provider, token, hint string) (*request, error) {
	return clientTokenRequest(p, p.RevocationURL, token, hint)
}

// clientTokenRequest builds a POST of token=…&token_type_hint=… to rawURL
// with the client authenticated as for its token requests (a public
// client sends its client_id): a revocation (RFC 7009) or an
// introspection (RFC 7662).
func clientTokenRequest(p providers.Provider, rawURL, token, hint string) (*request, error) {
	hdr, err := extraHeaders(p)
	if err != nil {
		return nil, err
	}
	env := envAccessToken
	if hint == "refresh_token" {
		env = envRefreshToken
	}
	r := &request{method: "POST", url: rawURL, accept: contentJSON, header: hdr, contentType: contentForm,
		body: form{{key: "token", value: token, env: env}, {key: "token_type_hint", value: hint}}}
	switch p.ClientAuth {
	case providers.AuthBasic:
		r.basic = &basicAuth{user: p.ClientID, secret: p.ClientSecret.Reveal(), env: envClientSecret}
		if p.BasicAuth != "" {
			r.basic.ready, r.basic.env = providers.BasicValue(p.BasicAuth.Reveal()), envBasicAuth
		}
	case providers.AuthQuery:
		r.query = form{{key: "client_id", value: p.ClientID}}
		if p.ClientSecret != "" {
			r.query = append(r.query, param{key: "client_secret", value: p.ClientSecret.Reveal(), env: envClientSecret})
		}
	default:
		r.body = append(r.body, param{key: "client_id", value: p.ClientID})
		if p.ClientSecret != "" {
			r.body = append(r.body, param{key: "client_secret", value: p.ClientSecret.Reveal(), env: envClientSecret})
		}
	}
	return r, nil
}

// bearerRequest builds a request that presents the access token: the
// logout call and the try request.
func bearerRequest(p providers.Provider, method, rawURL, body, token string) (*request, error) {
	hdr, err := extraHeaders(p)
	if err != nil {
		return nil, err
	}
	r := &request{method: strings.ToUpper(method), url: rawURL, bearer: token, accept: "application/json, */*;q=0.8",
		header: hdr, plain: originHeader(p), rawBody: body}
	if body != "" {
		r.contentType = bodyType(body)
	}
	return r, nil
}

// bodyType guesses the content type of a try body: JSON when it looks like
// JSON, a form when it looks like one, else plain text.
func bodyType(body string) string {
	t := strings.TrimSpace(body)
	switch {
	case strings.HasPrefix(t, "{") || strings.HasPrefix(t, "["):
		return contentJSON
	case strings.Contains(t, "=") && !strings.ContainsAny(t, " \n"):
		return contentForm
	default:
		return "text/plain; charset=utf-8"
	}
}
