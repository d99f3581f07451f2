package oauth

import (
	"net/url"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
)

// CurlCommand renders p's token request (a new grant) as a curl command
// line for a POSIX shell. Secrets appear as shell variables the user sets
// first: "$CLIENT_SECRET", "$PASSWORD", and for each extra header its name
// in capitals ("$OCP_APIM_SUBSCRIPTION_KEY"). When the Basic credentials
// change under the form-encoding RFC 6749 §2.3.1 asks for, a comment line
// first says that CLIENT_SECRET must hold the encoded secret; for a JSON
// body, that the variables must hold JSON-escaped text.
func CurlCommand(p providers.Provider) string {
	if p.TokenMethod == providers.MethodNone {
		// Its key is the token: the try request, with the key's variable.
		note := "# " + p.Name + " has no token request: its static key is the token"
		if p.TryURL == "" {
			return note + "\n"
		}
		return note + "\n" + tryCurl(p, word{{text: "Authorization: Bearer "}, {text: envClientSecret, isVar: true}})
	}
	rq := buildTokenRequest(p, "", headerForm(p))
	var note string
	if p.Grant == providers.GrantAuthorizationCode {
		// The code exchange: the code and verifier come from a login.
		redirect := p.RedirectURI
		if redirect == "" {
			redirect = "http://127.0.0.1:PORT/callback" // the port the login listened on
		}
		az := &Authorization{RedirectURI: redirect}
		if p.PKCE.Enabled() {
			az.Verifier = "$" + envCodeVerifier
		}
		rq = codeRequest(p, az, "$"+envCode, headerForm(p))
		note = "# the code exchange of a browser login: CODE from the callback, CODE_VERIFIER the login's PKCE verifier, " +
			"redirect_uri as the login sent it (tokenscope login does all of it)\n"
	}
	if p.Grant.Device() {
		// The device grant: the device authorization request, then a poll.
		start := renderCurl(deviceRequest(p, headerForm(p)), p.Insecure)
		rq = pollRequest(p, "$"+envDeviceCode, headerForm(p))
		note = "# the device grant: this asks for the codes; approve user_code at verification_uri, then poll with " +
			"DEVICE_CODE from its answer every interval seconds (tokenscope login does all of it)\n" + start + "\n"
	}
	if rq.basic != nil && rq.basic.ready == "" && (url.QueryEscape(rq.basic.user) != rq.basic.user || url.QueryEscape(rq.basic.secret) != rq.basic.secret) {
		note = "# RFC 6749 §2.3.1: the Basic credentials are form-encoded first; set CLIENT_SECRET to the form-encoded secret\n"
	}
	if rq.bearerEnv == envEncryptedKey {
		// A line the shell runs, so that the API key's variable is renamed
		// as every other secret's is.
		note += "# the Bearer is the API key encrypted to public_key (RSA PKCS #1 v1.5), base64; public_key.pem holds public_key as PEM\n" +
			envEncryptedKey + "=$(printf %s \"$" + envAPIKey + "\" | openssl pkeyutl -encrypt -pubin -inkey public_key.pem | base64 -w0)\n"
	}
	if rq.contentType == contentJSON && jsonNeedsEscape(rq.body) {
		note += "# the body is JSON: set each variable to its value as it is written inside a JSON string (escaped)\n"
	}
	return note + renderCurl(rq, p.Insecure)
}

// jsonNeedsEscape reports whether a secret in f changes when written
// inside a JSON string.
func jsonNeedsEscape(f form) bool {
	for _, kv := range f {
		if kv.env != "" && jsonString(kv.value) != `"`+kv.value+`"` {
			return true
		}
	}
	return false
}

// TryCurlCommand renders p's try request as a curl command line with tok's
// real access token in its Authorization header (for the clipboard; without
// a token, "$ACCESS_TOKEN"). Extra header values stay shell variables.
func TryCurlCommand(p providers.Provider, tok *providers.Token) string {
	w := word{{text: "Authorization: Bearer "}, {text: envAccessToken, isVar: true}}
	if tok != nil && tok.Presented() != "" {
		w = word{{text: "Authorization: Bearer " + tok.Presented().Reveal()}}
	}
	return tryCurl(p, w)
}

// tryCurl renders p's try request with auth as its Authorization header.
func tryCurl(p providers.Provider, auth word) string {
	rq := &request{method: tryMethod(p), url: p.TryURL, accept: "application/json, */*;q=0.8",
		header: headerForm(p), plain: tryHeaders(p), rawBody: p.TryBody}
	if p.TryBody != "" {
		rq.contentType = bodyType(p.TryBody)
	}
	return renderCurlWith(rq, p.Insecure, auth)
}

func renderCurl(rq *request, insecure bool) string { return renderCurlWith(rq, insecure, nil) }

// renderCurlWith renders rq, with auth as the Authorization header when set.
func renderCurlWith(rq *request, insecure bool, auth word) string {
	args := []word{lit("curl"), lit("-sS")}
	if insecure {
		args = append(args, lit("--insecure"))
	}
	hasData := rq.contentType != ""
	switch {
	case rq.method == "HEAD":
		args = append(args, lit("--head"))
	case rq.method == "GET" && !hasData, rq.method == "POST" && hasData:
	default:
		args = append(args, lit("-X"), lit(rq.method))
	}
	urlSecret := false
	for _, q := range rq.query {
		urlSecret = urlSecret || q.env != ""
	}
	if urlSecret {
		// --url-query encodes the value the shell expands (curl 7.87+).
		args = append(args, lit(rq.url))
		for _, q := range rq.query {
			args = append(args, lit("--url-query"), paramWord(q, url.QueryEscape(q.key)))
		}
	} else {
		args = append(args, lit(rq.fullURL()))
	}
	if rq.accept != "" {
		args = append(args, lit("-H"), lit("Accept: "+rq.accept))
	}
	for _, h := range rq.plain {
		args = append(args, lit("-H"), lit(h.key+": "+h.value))
	}
	for _, h := range rq.header {
		args = append(args, lit("-H"), word{{text: h.key + ": "}, {text: h.env, isVar: true}})
	}
	switch {
	case rq.basic != nil && rq.basic.ready != "":
		args = append(args, lit("-H"), word{{text: "Authorization: Basic "}, {text: rq.basic.env, isVar: true}})
	case rq.basic != nil:
		args = append(args, lit("-u"), word{{text: url.QueryEscape(rq.basic.user) + ":"}, {text: rq.basic.env, isVar: true}})
	}
	if auth == nil && rq.bearerEnv != "" {
		auth = word{{text: "Authorization: Bearer "}, {text: rq.bearerEnv, isVar: true}}
	}
	if auth != nil {
		args = append(args, lit("-H"), auth)
	}
	switch {
	case rq.rawBody != "":
		args = append(args, lit("-H"), lit("Content-Type: "+rq.contentType), lit("--data-raw"), lit(rq.rawBody))
	case rq.contentType == contentJSON:
		args = append(args, lit("-H"), lit("Content-Type: "+contentJSON), lit("--data-raw"), jsonWord(rq.body))
	case len(rq.body) > 0:
		for _, kv := range rq.body {
			args = append(args, lit("--data-urlencode"), paramWord(kv, kv.key))
		}
	case hasData:
		args = append(args, lit("-H"), lit("Content-Type: "+rq.contentType), lit("--data"), lit(""))
	}
	var b strings.Builder
	for i, a := range args {
		switch {
		case i == 0:
		case strings.HasPrefix(a.String(), "-") && i > 2:
			b.WriteString(" \\\n  ")
		default:
			b.WriteByte(' ')
		}
		b.WriteString(a.String())
	}
	return b.String()
}

// paramWord is name=value as a shell word, the value a variable when secret.
func paramWord(kv param, name string) word {
	if kv.env != "" {
		return word{{text: name + "="}, {text: kv.env, isVar: true}}
	}
	return lit(name + "=" + kv.value)
}

// jsonWord is f as a JSON object, each secret a shell variable inside
// its string (the variable's value must need no JSON escaping).
func jsonWord(f form) word {
	w := word{{text: "{"}}
	for i, kv := range f {
		sep := ""
		if i > 0 {
			sep = ","
		}
		if kv.env != "" {
			w = append(w, piece{text: sep + jsonString(kv.key) + `:"`}, piece{text: kv.env, isVar: true}, piece{text: `"`})
		} else {
			w = append(w, piece{text: sep + jsonString(kv.key) + ":" + jsonString(kv.value)})
		}
	}
	return append(w, piece{text: "}"})
}

// word is one shell word made of literal text and variable references.
type word []piece

type piece struct {
	text  string
	isVar bool
}

func lit(s string) word { return word{{text: s}} }

// String quotes w for a POSIX shell: literal text single-quoted where it
// needs quoting, variables in double quotes so that each expands as part of
// one word ("client_secret=$CLIENT_SECRET").
func (w word) String() string {
	vars, plain := false, true
	for _, p := range w {
		vars = vars || p.isVar
		plain = plain && (p.isVar || !strings.ContainsAny(p.text, "\"\\$`!"))
	}
	var b strings.Builder
	switch {
	case !vars:
		for _, p := range w {
			b.WriteString(p.text)
		}
		return shellQuote(b.String())
	case plain:
		b.WriteByte('"')
		for i, p := range w {
			if p.isVar {
				b.WriteString(varRef(w, i))
			} else {
				b.WriteString(p.text)
			}
		}
		b.WriteByte('"')
	default:
		for i, p := range w {
			if p.isVar {
				b.WriteString(`"` + varRef(w, i) + `"`)
			} else if p.text != "" {
				b.WriteString(singleQuote(p.text))
			}
		}
	}
	return b.String()
}

// varRef is the reference to the variable w[i]: braced when the text after
// it would otherwise run into its name.
func varRef(w word, i int) string {
	if i+1 < len(w) && !w[i+1].isVar && w[i+1].text != "" {
		if c := w[i+1].text[0]; c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			return "${" + w[i].text + "}"
		}
	}
	return "$" + w[i].text
}

// shellQuote leaves a word of plainly safe characters bare and single-
// quotes anything else.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r)) {
			return singleQuote(s)
		}
	}
	return s
}

// singleQuote wraps s in single quotes, closing and escaping any inside.
func singleQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
