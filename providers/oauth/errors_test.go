package oauth

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/tokenscope/tokenscope/providers/display"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// fetchErr fetches p and returns the *Error it must fail with.
func fetchErr(t *testing.T, c *Client, p providers.Provider) *Error {
	t.Helper()
	tok, err := c.Fetch(context.Background(), p)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Fetch = %v, %v; want an *Error", tok, err)
	}
	return e
}

// presetAt is the named preset pointed at a test server, all secrets set.
func presetAt(t *testing.T, preset, base string) providers.Provider {
	t.Helper()
	p, err := providers.ApplyPreset(providers.Provider{Name: preset, Preset: preset, ClientID: "client-1", ClientSecret: testSecret,
		Username: "api-user", Password: testPassword, Headers: map[string]providers.Secret{"Ocp-Apim-Subscription-Key": testSubKey}})
	if err != nil {
		t.Fatal(err)
	}
	p.TokenURL = base + "/token"
	return p
}

func TestErrorsInTheServersWords(t *testing.T) {
	for _, tc := range []struct {
		name, preset string
		status       int
		body         string
		code, desc   string
		meaning      string
		hint         string
		line         string
	}{
		{name: "rfc 6749", preset: "mobiledigital", status: 401,
			body: `{"error": "invalid_client", "error_description": "Client authentication failed"}`,
			code: "invalid_client", desc: "Client authentication failed", hint: hintClientAuth,
			line: "fetch token for mobiledigital: HTTP 401 Unauthorized: invalid_client: Client authentication failed"},
		{name: "momo 401", preset: "momo", status: 401, body: `{"error": "login_failed"}`, code: "login_failed", hint: hintMoMo,
			line: "fetch token for momo: HTTP 401 Unauthorized: login_failed"},
		{name: "telenor code", preset: "telenor", status: 401, body: `{"code": 20, "message": "Invalid resource owner credentials"}`,
			code: "20", desc: "Invalid resource owner credentials", meaning: "invalid resource owner credentials",
			hint: "check username and password: the API user from Min Bedrift, not a portal login",
			line: "fetch token for telenor: HTTP 401 Unauthorized: error 20 (invalid resource owner credentials)"},
		{name: "telenor error_code", preset: "telenor", status: 401, body: `{"error_code": "22"}`, code: "22",
			meaning: "Basic authentication failed, bad username or password", hint: "check client_id and client_secret (sent as the Basic header)"},
		{name: "telenor named and numbered", preset: "telenor", status: 401,
			body: `{"error":"invalid_client","error_code":22,"error_description":"Basic Authentication failed, bad username or password."}`,
			code: "invalid_client", desc: "Basic Authentication failed, bad username or password.",
			meaning: "Basic authentication failed, bad username or password", hint: "check client_id and client_secret (sent as the Basic header)",
			line: "fetch token for telenor: HTTP 401 Unauthorized: invalid_client, error 22 (Basic authentication failed, bad username or password)"},
		{name: "telenor errorCode", preset: "telenor", status: 401, body: `{"errorCode": 7, "errorMessage": "bad refresh"}`,
			code: "7", desc: "bad refresh", meaning: "invalid refresh_token", hint: hintStaleRefresh},
		{name: "telenor numeric error", preset: "telenor", status: 400, body: `{"error": 2}`, code: "2",
			meaning: "missing or invalid grant_type", hint: "check grant_type: Telenor's API users take the password grant"},
		{name: "telenor code 2 at 500", preset: "telenor", status: 500, body: `{"error": 2}`, code: "2", meaning: "internal server error",
			hint: "the server failed; try again later"},
		{name: "telenor scope", preset: "telenor", status: 403, body: `{"error":"invalid_scope","code":8}`, code: "invalid_scope",
			meaning: "illegal or non-authorized scope", hint: "check scope",
			line: "fetch token for telenor: HTTP 403 Forbidden: invalid_scope, error 8 (illegal or non-authorized scope)"},
		{name: "mobifinance 415", preset: "mobifinance", status: 415, body: `{"error":"unsupported_grant_type","error_description":"Unsupported type"}`,
			code: "unsupported_grant_type", desc: "Unsupported type", hint: hintGrantPlacement},
		{name: "mobifinance 401", preset: "mobifinance", status: 401, body: `{"error":"unauthorized_client"}`,
			code: "unauthorized_client", hint: hintClientAuth},
		{name: "bare 415", preset: "oauth2", status: 415, body: ``, hint: hintGrantPlacement,
			line: "fetch token for oauth2: HTTP 415 Unsupported Media Type"},
		{name: "apigee fault", preset: "mtn", status: 401,
			body: `{"fault":{"faultstring":"Invalid client identifier {0}","detail":{"errorcode":"oauth.v2.InvalidClientIdentifier"}}}`,
			code: "oauth.v2.InvalidClientIdentifier", desc: "Invalid client identifier {0}", hint: hintClientAuth},
		{name: "apigee oauthv2", preset: "mtn", status: 401,
			body: `{"ErrorCode" : "invalid_client", "Error" :"Client credentials are invalid"}`,
			code: "invalid_client", desc: "Client credentials are invalid", hint: hintClientAuth,
			line: "fetch token for mtn: HTTP 401 Unauthorized: invalid_client: Client credentials are invalid"},
		{name: "prose error only", preset: "oauth2", status: 403, body: `{"error": "Access denied for this client"}`,
			code: "Access denied for this client", hint: "the client may not do this: check scope and the client's permissions"},
		{name: "azure apim", preset: "momo", status: 401,
			body: `{ "statusCode": 401, "message": "Access denied due to invalid subscription key." }`,
			desc: "Access denied due to invalid subscription key.", hint: hintMoMo},
		{name: "nested error object", preset: "oauth2", status: 400, body: `{"error":{"code":"BadRequest","message":"Missing\n  audience"}}`,
			code: "BadRequest", desc: "Missing audience"},
		{name: "not found", preset: "momo", status: 404, body: `Resource not found`,
			hint: "check product (collection, disbursement, remittance) and token_url",
			line: `fetch token for momo: HTTP 404 Not Found: "Resource not found"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, answer(tc.status, tc.body))
			e := fetchErr(t, testClient(nil), presetAt(t, tc.preset, srv.URL()))
			if e.Status != tc.status || e.Code != tc.code || e.Description != tc.desc || e.Meaning != tc.meaning || e.Hint != tc.hint {
				t.Errorf("error = status %d code %q desc %q meaning %q hint %q\nwant   status %d code %q desc %q meaning %q hint %q",
					e.Status, e.Code, e.Description, e.Meaning, e.Hint, tc.status, tc.code, tc.desc, tc.meaning, tc.hint)
			}
			if tc.line != "" && !strings.HasPrefix(e.Error(), tc.line) {
				t.Errorf("Error() = %q\nwant      %q", e.Error(), tc.line)
			}
			if strings.Contains(e.Error(), "\n") {
				t.Errorf("Error() is not one line: %q", e.Error())
			}
		})
	}
}

func TestHTMLGatewayPageGivesStatusAndBodyStart(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{color:red}</style>
<script>var x = "<b>not this</b>";</script></head><body>
<h1>Bad&nbsp;Gateway</h1>
<p>The   upstream server
   returned an invalid response.</p>`
	for i := range 40 {
		page += fmt.Sprintf("<p>padding %d padding</p>\n", i)
	}
	page += `</body></html>`
	srv := serve(t, answer(502, page, "Content-Type", "text/html"))
	c := NewClient(Options{MaxRetries: -1})
	e := fetchErr(t, c, oauth2Provider(t, srv.URL()))
	// The heading only repeats the title: it is said once.
	want := "502 Bad Gateway The upstream server returned an invalid response. padding 0 padding padding 1 padding"
	if e.Status != 502 || !strings.HasPrefix(e.BodyStart, want) {
		t.Errorf("status %d, body start %q", e.Status, e.BodyStart)
	}
	if n := len([]rune(e.BodyStart)); n > bodyStartLimit+1 || !strings.HasSuffix(e.BodyStart, "…") {
		t.Errorf("body start is %d runes, not cut: %q", n, e.BodyStart)
	}
	if strings.ContainsAny(e.BodyStart, "<>") || strings.Contains(e.BodyStart, "not this") || strings.Contains(e.BodyStart, "color") {
		t.Errorf("tags, script or style left in %q", e.BodyStart)
	}
	if !strings.HasPrefix(e.Error(), `fetch token for idp: HTTP 502 Bad Gateway: "502 Bad Gateway The upstream`) {
		t.Errorf("Error() = %q", e.Error())
	}
}

// echo answers 400 with everything it received, in the given dress.
func echo(dress string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		// What gives secrets away first: the body cut at 200 characters
		// must still show them.
		var dump strings.Builder
		dump.Write(b)
		if q, err := url.ParseQuery(string(b)); err == nil {
			for _, k := range sortedKeys(q) {
				fmt.Fprintf(&dump, " %s=%s", k, strings.Join(q[k], ","))
			}
		}
		for _, k := range []string{"Authorization", "Ocp-Apim-Subscription-Key"} {
			fmt.Fprintf(&dump, " %s: %s", k, r.Header.Get(k))
		}
		q := r.URL.Query()
		for _, k := range sortedKeys(q) {
			fmt.Fprintf(&dump, " %s=%s", k, strings.Join(q[k], ","))
		}
		fmt.Fprintf(&dump, "\n%s %s\n", r.Method, r.URL.String())
		for _, k := range sortedKeys(r.Header) {
			fmt.Fprintf(&dump, "%s: %s\n", k, strings.Join(r.Header[k], ","))
		}
		switch dress {
		case "json":
			answer(400, fmt.Sprintf(`{"error":%q,"error_description":%q}`, dump.String()[:40], dump.String()))(w, r)
		case "html":
			answer(400, "<html><body><pre>"+html.EscapeString(dump.String())+"</pre></body></html>", "Content-Type", "text/html")(w, r)
		default:
			answer(400, dump.String(), "Content-Type", "text/plain")(w, r)
		}
	}
}

// secretForms lists the forms a planted secret may take on the wire.
func secretForms() []string {
	var out []string
	for _, s := range []string{testSecret, testPassword, testSubKey} {
		out = append(out, s, url.QueryEscape(s), url.PathEscape(s))
	}
	return append(out,
		base64.StdEncoding.EncodeToString([]byte("client-1:"+url.QueryEscape(testSecret))),
		base64.StdEncoding.EncodeToString([]byte("client-1:"+testSecret)))
}

// assertNoSecret fails when text holds any form of a planted secret.
func assertNoSecret(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range secretForms() {
		if strings.Contains(text, s) {
			t.Errorf("%s shows the secret %q:\n%s", what, s, text)
		}
	}
}

func TestNoSecretInAnyErrorOfAnEchoingServer(t *testing.T) {
	for _, preset := range []string{"mtn", "momo", "mobifinance", "telenor", "mobiledigital", "oauth2"} {
		for _, dress := range []string{"json", "html", "text"} {
			t.Run(preset+"/"+dress, func(t *testing.T) {
				srv := serve(t, echo(dress))
				e := fetchErr(t, testClient(nil), presetAt(t, preset, srv.URL()))
				if len(srv.got()) != 1 {
					t.Errorf("a 400 was sent %d times", len(srv.got()))
				}
				t.Log(e.Error())
				if !strings.Contains(e.Error(), "****") {
					t.Errorf("the echo shows no masked secret, so the test proves nothing: %s", e.Error())
				}
				for what, text := range map[string]string{"Error()": e.Error(), "Code": e.Code,
					"Description": e.Description, "BodyStart": e.BodyStart, "Hint": e.Hint} {
					assertNoSecret(t, what, text)
					// Not even the start of the Basic credentials, cut short by the server.
					if strings.Contains(text, "Basic Y2xp") {
						t.Errorf("%s shows part of the Basic credentials: %s", what, text)
					}
				}
			})
		}
	}
}

func TestNoSecretInANetworkError(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON))
	base := srv.URL()
	srv.srv.Close()                       // nothing listens there any more
	p := presetAt(t, "mobifinance", base) // the secret travels in the URL
	e := fetchErr(t, testClient(nil), p)
	assertNoSecret(t, "Error()", e.Error())
	if e.Status != 0 || e.Attempts != 4 || !strings.Contains(e.Error(), "client_secret=****") {
		t.Errorf("status %d attempts %d: %s", e.Status, e.Attempts, e.Error())
	}
	if e.Hint == "" {
		t.Errorf("no hint for %v", e)
	}
}

func FuzzParseError(f *testing.F) {
	for _, s := range []string{
		`{"error":"invalid_client","error_description":"Client authentication failed"}`, `{"error": "login_failed"}`,
		`{"code": 20}`, `{"errorCode": "22", "message": "x"}`, `{"error": 2}`, `{"fault":{"faultstring":"f","detail":{"errorcode":"c"}}}`,
		`<html><title>502</title><script>x</script></html>`, "OK!", `{"error":{"code":"X","message":"m"}}`, `[]`, `{"errors":[{"title":"t"}]}`,
		`{"error_description":"` + testSecret + `"}`, `<p>` + html.EscapeString(testPassword) + `</p>`,
	} {
		f.Add([]byte(s), 401)
	}
	p := providers.Provider{Name: "t", Preset: "telenor", ClientID: "client-1", ClientSecret: testSecret, Password: testPassword,
		Headers: map[string]providers.Secret{"Ocp-Apim-Subscription-Key": testSubKey}}
	red := newRedactor(p)
	// The URL names the request in the error: its userinfo and query,
	// which hold secrets here, must not show.
	rq := &request{method: "POST", url: "https://user:" + testPassword + "@idp.example/token?client_secret=" + testSecret}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		resp := &response{status: status, header: http.Header{}, body: body, attempts: 1}
		for _, op := range []string{opFetch, opLogout} {
			e := responseError(op, p, rq, resp, red)
			line := e.Error()
			if strings.ContainsAny(line, "\n\r") {
				t.Fatalf("not one line: %q", line)
			}
			for _, s := range []string{testSecret, testPassword, testSubKey} {
				for _, text := range []string{line, e.Code, e.Description, e.BodyStart} {
					if strings.Contains(text, s) {
						t.Fatalf("secret %q in %q", s, text)
					}
				}
			}
		}
	})
}

func TestCleanMasksEveryFormOfASecret(t *testing.T) {
	p := providers.Provider{ClientID: "client-1", ClientSecret: testSecret, Password: "p<w>&'\"", Headers: map[string]providers.Secret{"K": testSubKey}}
	r := newRedactor(p, "eyJ.access", "")
	for _, tc := range []struct{ in, want string }{
		{"secret " + testSecret + " end", "secret **** end"},
		{"form client_secret=a%2Bb%2Fc%3Ad%25e%26f%3Dg-S3CRET&x", "form client_secret=****&x"},
		{"path a+b%2Fc:d%25e&f=g-S3CRET", "path ****"},
		{`json "p\u003cw\u003e\u0026'\"" html p&lt;w&gt;&amp;&#39;&#34;`, `json "****" html ****`},
		{"key " + testSubKey + " token eyJ.access", "key **** token ****"},
		{"Authorization: Basic Y2xpZW50LTE6YSUyQm", "Authorization: Basic ****"},
		{"Bearer eyJhbGciOiJIUzI1NiJ9.e30 and Basic authentication failed", "Bearer **** and Basic authentication failed"},
		{"authorization=basic%20dXNlcjpwYXNz", "authorization=basic%20****"},
		{"nothing to hide", "nothing to hide"},
	} {
		if got := r.clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	var none *redactor
	if got := none.clean("Basic dXNlcjpwYXNz"); got != "Basic ****" {
		t.Errorf("nil redactor: %q", got)
	}
}

func TestBodyStart(t *testing.T) {
	r := newRedactor(providers.Provider{ClientSecret: "s3cr3t-value"})
	for _, tc := range []struct{ in, want string }{
		{"<html><head><title>Oops</title><!-- s3cr3t-value --></head><body><p>Gateway\n\n timeout</p></body></html>", "Oops Gateway timeout"},
		{"caf\xe9 s3cr3t-value", "caf\uFFFD ****"},
		{"Tom &amp; Jerry &lt;3", "Tom & Jerry <3"},
		{"a < b > c", "a < b > c"},
	} {
		if got := bodyStart([]byte(tc.in), r); got != tc.want {
			t.Errorf("bodyStart(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := truncate("ééééé", 3); got != "ééé…" {
		t.Errorf("truncate = %q", got)
	}
}

func TestTokenValuesFindTokensInAnyBody(t *testing.T) {
	for body, want := range map[string]string{
		`{"access_token":"a\/b","x":1,"id_token" : "eyJ.x.y"`: "a/b a\\/b eyJ.x.y eyJ.x.y",
		`access_token=a%2Bb&refresh_token=r1&scope=x`:         "a+b a%2Bb r1 r1",
		`{"token":"t-1","tokens":"not this"}`:                 "t-1 t-1",
	} {
		if got := strings.Join(tokenValues([]byte(body)), " "); got != want {
			t.Errorf("tokenValues(%s) = %q, want %q", body, got, want)
		}
	}
}

// TestBodyStartIsEscapedOnce: the start of a body is quoted as received;
// display escapes it once where it is shown, not %q first.
func TestBodyStartIsEscapedOnce(t *testing.T) {
	srv := serve(t, answer(502, "gateway \x1b[2J down", "Content-Type", "text/plain"))
	e := fetchErr(t, testClient(nil), oauth2Provider(t, srv.URL()))
	if got := display.Text(e.Error()); !strings.Contains(got, `"gateway \x1b[2J down"`) {
		t.Errorf("shown: %s, want the body escaped once", got)
	}
}
