package oauth

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// shortSecret is shorter than minMasked: the redactor's matching by value
// skips it, so only masking by place hides it.
const shortSecret = "Zq7"

func TestAGETRequestThatGetsNoAnswerHidesAShortSecret(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON))
	base := srv.URL()
	srv.srv.Close() // nothing answers: the error quotes the whole URL
	p, err := providers.ApplyPreset(providers.Provider{Name: "getq", Preset: "oauth2", TokenURL: base + "/token",
		TokenMethod: providers.MethodGET, ClientAuth: providers.AuthQuery, ClientID: "client-1", ClientSecret: shortSecret})
	if err != nil {
		t.Fatal(err)
	}
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace, MaxRetries: 1, Sleep: (&sleeps{}).sleep, Now: func() time.Time { return fixedNow }})
	st := newMemState(p)
	_, err = c.Ensure(context.Background(), st, "getq", EnsureOptions{})
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	if !strings.Contains(err.Error(), "client_secret=****") {
		t.Errorf("error does not show the query masked: %v", err)
	}
	if n := strings.Count(trace.String(), "* no answer: Get \""); n != 2 {
		t.Errorf("trace has %d no-answer lines, want 2:\n%s", n, trace.String())
	}
	if len(st.events) != 1 || st.events[0].Kind != providers.EventFailed {
		t.Fatalf("events %+v, want one failed", st.events)
	}
	for what, text := range map[string]string{"error": err.Error(), "trace": trace.String(), "history": st.events[0].Detail} {
		if strings.Contains(text, shortSecret) {
			t.Errorf("%s shows the 3-byte secret:\n%s", what, text)
		}
	}
}

func TestAJSONBodyTracedHidesAShortPassword(t *testing.T) {
	srv := serve(t, answer(200, tokenJSON))
	p, err := providers.ApplyPreset(providers.Provider{Name: "jsonpw", Preset: "oauth2", TokenURL: srv.URL() + "/token",
		Body: providers.BodyJSON, Grant: providers.GrantPassword, ClientAuth: providers.AuthBody,
		ClientID: "client-1", ClientSecret: shortSecret, Username: "bob", Password: "pw1"})
	if err != nil {
		t.Fatal(err)
	}
	var trace bytes.Buffer
	if _, err := NewClient(Options{Trace: &trace}).Fetch(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	out := trace.String()
	want := `> {"grant_type":"password","username":"bob","password":"****","client_id":"client-1","client_secret":"****"}` + "\n"
	if !strings.Contains(out, want) {
		t.Errorf("trace lacks %q:\n%s", want, out)
	}
	if strings.Contains(out, `"pw1"`) || strings.Contains(out, shortSecret) {
		t.Errorf("trace shows a short secret:\n%s", out)
	}
	// What crossed the wire is untouched.
	if got := srv.got()[0].Body; !strings.Contains(got, `"password":"pw1"`) {
		t.Errorf("sent %s", got)
	}
}

func TestARedirectsLocationHidesItsCodeAndTokens(t *testing.T) {
	loc := "https://app.example/cb?state=s1&code=c1&x=1#access_token=at1&id_token=it1&token_type=Bearer"
	srv := serve(t, answer(302, "", "Location", loc))
	p := oauth2Provider(t, srv.URL())
	_, err := testClient(nil).Fetch(context.Background(), p)
	if err == nil {
		t.Fatal("a redirect is not a token")
	}
	want := "redirected to https://app.example/cb?state=s1&code=****&x=1#access_token=****&id_token=****&token_type=Bearer"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
	for _, s := range []string{"=c1", "=at1", "=it1"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error shows %s: %v", s, err)
		}
	}
}

func TestAGETProviderRenewsWithANewGrantNotItsRefreshToken(t *testing.T) {
	srv := serve(t, getEndpoint(answer(200, `{"access_token":"AT-new","refresh_token":"RT-new","expires_in":3600}`)))
	p := shaped(t, providers.Provider{Name: "get", TokenURL: srv.URL() + "/oauth/v1/generate", TokenMethod: providers.MethodGET,
		ClientID: "key-1", ClientSecret: testSecret})
	st := newMemState(p)
	st.tok["get"] = &providers.Token{AccessToken: "AT-old", RefreshToken: "RT-old-secret", ExpiresAt: fixedNow.Add(-time.Minute)}
	out, err := testClient(nil).Ensure(context.Background(), st, "get", EnsureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if out.How != NewGrant || out.Token.AccessToken != "AT-new" {
		t.Errorf("renewed by %v with %q, want a new grant", out.How, out.Token.AccessToken.Reveal())
	}
	got := srv.got()
	if len(got) != 1 || got[0].RawQuery != "grant_type=client_credentials" {
		t.Errorf("sent %+v, want one client_credentials request", got)
	}
	for _, s := range got {
		if strings.Contains(s.RawQuery, "refresh_token") || strings.Contains(s.RawQuery, "RT-old-secret") {
			t.Errorf("the refresh token went in the URL: %q", s.RawQuery)
		}
	}
}

func TestMaskerHidesEveryFormOfTheTokenAndTheSecrets(t *testing.T) {
	p := oauth2Provider(t, "https://idp.example")
	tok := &providers.Token{AccessToken: "abc/def/ghi+jkl==", RefreshToken: "RT-secret-1"}
	m := Masker(p, tok)
	for _, in := range []string{
		`{"you_sent":"Bearer abc\/def\/ghi+jkl=="}`, // PHP's json_encode
		"token=abc%2Fdef%2Fghi%2Bjkl%3D%3D",         // a query
		"abc%2Fdef%2Fghi+jkl==",                     // a path
		"refresh: RT-secret-1",
		"secret: " + testSecret,
		"Authorization: Bearer cut-short-Tok3n", // an echo cut short: no exact match
	} {
		out := m(in)
		if !strings.Contains(out, mask) || strings.Contains(out, "ghi") || strings.Contains(out, "RT-secret") ||
			strings.Contains(out, "S3CRET") || strings.Contains(out, "Tok3n") {
			t.Errorf("Masker(%q) = %q", in, out)
		}
	}
	if got := Masker(p, nil)("nothing secret here"); got != "nothing secret here" {
		t.Errorf("Masker without a token changed plain text: %q", got)
	}
}

// FuzzMaskURL holds maskURL, which reads a server's Location, to its
// promise: every parameter of the query and the fragment that
// redirectSecret names holds mask and nothing else, whatever the text.
func FuzzMaskURL(f *testing.F) {
	for _, s := range []string{
		"https://app.example/cb?state=s1&code=c1#access_token=at1&id_token=it1",
		"/cb?CODE=x&co%64e=y&&=&code",
		"#?code=1?code=2",
		"%zz?refresh_token==a=b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out := maskURL(raw, redirectSecret)
		if again := maskURL(out, redirectSecret); again != out {
			t.Fatalf("maskURL(%q) = %q, masked again %q", raw, out, again)
		}
		s, frag, _ := strings.Cut(out, "#")
		_, query, _ := strings.Cut(s, "?")
		for _, part := range []string{query, frag} {
			for _, kv := range strings.Split(part, "&") {
				k, v, ok := strings.Cut(kv, "=")
				name, err := url.QueryUnescape(k)
				if ok && err == nil && redirectSecret(name) && v != mask {
					t.Fatalf("maskURL(%q) = %q: %s keeps %q", raw, out, name, v)
				}
			}
		}
	})
}

// FuzzMaskCallback: whatever is pasted, the code ParseCallback would take
// from it is masked in what is shown, and nothing else the parser reads
// changes: the text shown parses to the mask itself.
func FuzzMaskCallback(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:8400/callback?code=c1&state=S",
		"https://app.example/cb#state=S&code=c1&id_token=x",
		"code=c1&state=S&iss=https://id.example?x",
		"  HTTPS://app.example/cb?co%64e=c1&state=S\n",
		"error=access_denied&state=S",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if _, err := ParseCallback(raw, "S"); err != nil {
			return
		}
		shown := MaskCallback(raw)
		if got, err := ParseCallback(shown, "S"); err != nil || got != mask {
			t.Fatalf("MaskCallback(%q) = %q, which parses to %q, %v; want the mask", raw, shown, got, err)
		}
	})
}
