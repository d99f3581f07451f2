package oauth

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tokenscope/tokenscope/providers"
)

// mask is what a secret becomes in every text that leaves the engine.
const mask = "****"

// redactor replaces every secret of one provider, in every form the wire
// or an echoing server could show it in, with mask. It is the single door
// errors, traces and body starts go through.
type redactor struct {
	secrets  []string
	replacer *strings.Replacer
	// headers are the canonical names of the provider's extra headers,
	// whose values are secrets wherever they stand.
	headers map[string]bool
	// field is the member a provider's token comes in when it is not
	// access_token (Vodacom's output_SessionID), masked in its answers.
	field string
}

// newRedactor knows p's secrets (client secret, password, header values,
// the Basic credentials) and the given tokens.
func newRedactor(p providers.Provider, tokens ...string) *redactor {
	s := []string{p.ClientSecret.Reveal(), p.Password.Reveal(), p.BasicAuth.Reveal(), providers.BasicValue(p.BasicAuth.Reveal())}
	for _, v := range p.Headers {
		s = append(s, v.Reveal())
	}
	if p.ClientSecret != "" {
		s = append(s, basicCredentials(p.ClientID, p.ClientSecret.Reveal()),
			base64.StdEncoding.EncodeToString([]byte(p.ClientID+":"+p.ClientSecret.Reveal())))
	}
	r := (&redactor{field: p.TokenField}).with(append(s, tokens...)...)
	r.headers = make(map[string]bool, len(p.Headers))
	for h := range p.Headers {
		r.headers[http.CanonicalHeaderKey(h)] = true
	}
	return r
}

// tokenRedactor is newRedactor for a request that presents tok (the try
// request): its access and refresh tokens are secrets too.
func tokenRedactor(p providers.Provider, tok *providers.Token) *redactor {
	if tok == nil {
		return newRedactor(p)
	}
	return newRedactor(p, tok.AccessToken.Reveal(), tok.RefreshToken.Reveal(), tok.Bearer.Reveal(), tok.Nonce.Reveal())
}

// Masker returns the function the engine masks its errors and traces of
// p's requests with, tok's tokens included: for a caller that shows what
// a server sent (the try command's head and body) to hide every secret as
// the trace does, in every form a server echoes it in (raw, JSON-, URL-,
// path- and HTML-escaped, PHP's "\/") and after a Basic or Bearer scheme.
func Masker(p providers.Provider, tok *providers.Token) func(string) string {
	return tokenRedactor(p, tok).clean
}

// with returns a redactor that also masks more.
func (r *redactor) with(more ...string) *redactor {
	all := slices.Clone(r.secrets)
	for _, s := range more {
		// A value shorter than minMasked (a header such as "X-Version: e")
		// would be masked inside every word that holds it, garbling the
		// text and showing where it stood; the wire positions it appears
		// in (Authorization, the secret parameters) are masked by place.
		if len(s) < minMasked {
			continue
		}
		j := jsonText(s)
		all = append(all, s, url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s), j,
			strings.ReplaceAll(j, "/", `\/`)) // PHP's json_encode escapes "/"
	}
	slices.SortFunc(all, func(a, b string) int { return len(b) - len(a) }) // longest first
	all = slices.Compact(all)
	pairs := make([]string, 0, 2*len(all))
	for _, s := range all {
		pairs = append(pairs, s, mask)
	}
	return &redactor{secrets: all, replacer: strings.NewReplacer(pairs...), headers: r.headers, field: r.field}
}

// answer returns a redactor that also masks the tokens body carries: every
// member whose name ends in "token" and the provider's own token member.
func (r *redactor) answer(body []byte) *redactor {
	more := tokenValues(body)
	if r.field != "" && !strings.HasSuffix(strings.ToLower(r.field), "token") {
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) == nil {
			var v string
			if json.Unmarshal(m[r.field], &v) == nil {
				more = append(more, v)
			}
		}
	}
	return r.with(more...)
}

// maskParams masks the values of the secret parameters (SecretParam) in a form or query string
// (a=1&b=2), leaving everything else as it was written.
func maskParams(s string) string { return maskParamsBy(s, providers.SecretParam) }

// maskParamsBy masks the values of the parameters secret names in a form
// or query string, by their place: whatever their length, which the
// redactor's matching by value skips below minMasked.
func maskParamsBy(s string, secret func(name string) bool) string {
	if !strings.Contains(s, "=") {
		return s
	}
	parts := strings.Split(s, "&")
	for i, kv := range parts {
		k, _, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if name, err := url.QueryUnescape(k); err == nil && secret(name) {
			parts[i] = k + "=" + mask
		}
	}
	return strings.Join(parts, "&")
}

// maskURL is raw with the values of the parameters secret names masked in
// its query and its fragment (where an implicit grant's redirect puts the
// access token). It works on the text, so that a URL that does not parse
// is masked too.
func maskURL(raw string, secret func(name string) bool) string {
	s, frag, hasFrag := strings.Cut(raw, "#")
	s, query, hasQuery := strings.Cut(s, "?")
	if hasQuery {
		s += "?" + maskParamsBy(query, secret)
	}
	if hasFrag {
		s += "#" + maskParamsBy(frag, secret)
	}
	return s
}

// MaskCallback is what came back to a redirect URI, as ParseCallback
// takes it (a whole URL as a person pastes it, or a query), with the
// authorization code and every token or secret parameter masked by place:
// for showing the pasted text back to the person.
func MaskCallback(raw string) string {
	if lower := strings.ToLower(strings.TrimSpace(raw)); strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		return maskURL(raw, redirectSecret)
	}
	return maskParamsBy(raw, redirectSecret)
}

// redirectSecret reports whether a parameter of a URL a server redirects
// to holds a secret: the secret parameters, an authorization code and
// every name ending in "token" (access_token, id_token).
func redirectSecret(name string) bool {
	n := strings.ToLower(name)
	return providers.SecretParam(n) || n == "code" || strings.HasSuffix(n, "token")
}

// minMasked is the length from which a value is masked wherever it
// appears in text.
const minMasked = 4

// jsonText is s as encoding/json writes it inside a string, unquoted.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// credential matches what follows "Basic" or "Bearer" when it looks like a
// credential rather than a word: an echoing gateway may show a header cut
// short, which no exact secret matches.
var credential = regexp.MustCompile(`(?i)\b(basic|bearer)(\s+|%20|\+)([A-Za-z0-9+/=._~-]{8,})`)

// clean returns s with every secret masked, and any credential after a
// Basic or Bearer scheme too.
func (r *redactor) clean(s string) string {
	if r != nil && len(r.secrets) > 0 {
		s = r.replacer.Replace(s)
	}
	if !strings.Contains(strings.ToLower(s), "b") {
		return s
	}
	return credential.ReplaceAllStringFunc(s, func(m string) string {
		sub := credential.FindStringSubmatch(m)
		if !looksLikeCredential(sub[3]) {
			return m
		}
		return sub[1] + sub[2] + mask
	})
}

// looksLikeCredential tells base64 and token text from an English word: it
// has a digit or one of +/=._~- in it, or capitals after its first letter.
func looksLikeCredential(s string) bool {
	if strings.HasPrefix(s, mask) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || strings.IndexByte("+/=._~-", c) >= 0 || i > 0 && c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// tokenMember and tokenParam find the values of members and parameters
// whose names end in "token" in raw text, valid JSON or not.
var (
	tokenMember = regexp.MustCompile(`(?i)"[a-z_.-]*(?:token|device_code)"\s*:\s*"((?:[^"\\]|\\.)*)"`)
	tokenParam  = regexp.MustCompile(`(?i)(?:^|&)[a-z_.-]*(?:token|device_code)=([^&\s]*)`)
)

// tokenValues returns the values of every access_token, refresh_token,
// id_token (any name ending in "token") in a response body, JSON or form,
// well-formed or not: the secrets a response brings that the redactor
// cannot know beforehand.
func tokenValues(body []byte) []string {
	var out []string
	for _, m := range tokenMember.FindAllSubmatch(body, -1) {
		out = append(out, unquote(append(append([]byte{'"'}, m[1]...), '"')), string(m[1]))
	}
	for _, m := range tokenParam.FindAllSubmatch(body, -1) {
		if v, err := url.QueryUnescape(string(m[1])); err == nil {
			out = append(out, v)
		}
		out = append(out, string(m[1]))
	}
	return out
}

// bodyStartLimit is about how much of a body an error or result shows.
const bodyStartLimit = 200

var (
	scriptOrStyle = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)\s*>`)
	htmlComment   = regexp.MustCompile(`(?s)<!--.*?-->`)
	htmlTag       = regexp.MustCompile(`(?s)<[!/?a-zA-Z][^>]*>`)
)

// bodyStart is the readable start of a body for one line of text: tags
// (with scripts and styles) stripped, entities decoded, whitespace
// collapsed, at most about bodyStartLimit characters, secrets masked.
func bodyStart(body []byte, r *redactor) string {
	if len(body) > 64<<10 {
		body = body[:64<<10] // a gateway page states its point early
	}
	s := string(body)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	// Masked before the tags go too: a secret holding "<a>" would be cut
	// in two by the tag pass, and its halves would match nothing.
	s = r.clean(s)
	if strings.Contains(s, "<") {
		s = scriptOrStyle.ReplaceAllString(s, " ")
		s = htmlComment.ReplaceAllString(s, " ")
		s = pageText(htmlTag.Split(s, -1))
	} else if strings.Contains(s, "&") {
		s = html.UnescapeString(s)
	}
	// Masked before and after collapsing whitespace, and before truncation
	// so that no secret is cut in half.
	s = r.clean(strings.Join(strings.Fields(r.clean(s)), " "))
	return truncate(s, bodyStartLimit)
}

// pageText joins the texts between an HTML page's tags, entities decoded,
// saying each once: a gateway's page repeats its title in its heading
// (nginx's "502 Bad Gateway" twice), so a text whose words a text already
// kept holds is left out. It stops once it holds more than bodyStart
// shows; it cuts between texts only, so no secret is cut in half.
func pageText(texts []string) string {
	var kept []string // lowercased, each between spaces
	var out strings.Builder
	for _, t := range texts {
		if strings.Contains(t, "&") {
			t = html.UnescapeString(t)
		}
		t = strings.Join(strings.Fields(t), " ")
		if t == "" {
			continue
		}
		key := " " + strings.ToLower(t) + " "
		if slices.ContainsFunc(kept, func(k string) bool { return strings.Contains(k, key) }) {
			continue
		}
		kept = append(kept, key)
		if out.Len() > 0 {
			out.WriteByte(' ')
		}
		out.WriteString(t)
		if out.Len() > 4*(bodyStartLimit+1) { // a rune is at most 4 bytes
			break
		}
	}
	return out.String()
}

// truncate cuts s to at most n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, count := 0, 0
	for i = range s {
		if count == n {
			break
		}
		count++
	}
	return strings.TrimRight(s[:i], " ") + "…"
}
