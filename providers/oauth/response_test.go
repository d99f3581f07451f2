package oauth

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// The seeds' sample responses, verbatim where the seed gives one.
const (
	mtnSample     = `{ "refresh_token_expires_in": "0", "api_product_list": "[MTN Customer Plans API v2, Payment_Staging]", "api_product_list_json": [ "MTN Customer Plans API v2", "Payment_Staging" ], "organization_name": "mtn-prod", "developer.email": "nerd@mtn.com", "token_type": "BearerToken", "issued_at": "1611316770076", "client_id": "xNnREu1DNGfiwzQZ5HUN8IAUwZSW1rtp", "access_token": "GTPY9VUHCqKVMRB0cHxnmAp0utR0", "application_name": "716bbe61-f14a-4e45-9b56-a62ff8e0d347", "scope": "", "expires_in": "3599", "refresh_count": "0", "status": "approved" }`
	telenorSample = `{
  "access_token": "Iu25QXBwbGbljYXRpzQHRIuYlbGVub329XXQ3tOnMY3BRo0QyVFJUiN",
  "expires_in": "3600",
  "token_type": "Bearer",
  "refresh_token": "9XXQ3tOnMY3BRo0QyVFJUiNIu25QXBwbGbRIuYlbGVub32ljYXRpzQH"
}`
	telenorIntSample  = `{"access_token" : "4P....uY", "expires_in" : 3599}`
	mobifinanceOpaque = `{"access_token":"mf-opaque-token","token_type":"Bearer"}`
)

// testJWT is an unsigned-looking HS256 JWT with the given claims.
func testJWT(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "." + enc([]byte("signature"))
}

func momoSample() string {
	return fmt.Sprintf(`{"access_token": %q, "token_type": "access_token", "expires_in": 3600}`,
		testJWT(`{"clientId":"u","expires":"2026-03-14T16:09:26.000","sessionId":"s"}`))
}

func mobiledigitalSample() string {
	return fmt.Sprintf(`{"access_token": %q, "token_type": "Bearer", "expires_in": 3600, "scope": "read write admin"}`,
		testJWT(fmt.Sprintf(`{"sub":"c","exp":%d}`, fixedNow.Add(time.Hour).Unix())))
}

func TestParseTokenResponseOfEveryDialect(t *testing.T) {
	jwtExp := fixedNow.Add(90 * time.Second)
	jwtNoExpires := fmt.Sprintf(`{"access_token": %q, "token_type": "Bearer"}`, testJWT(fmt.Sprintf(`{"exp":%d}`, jwtExp.Unix())))
	for _, tc := range []struct {
		name, body     string
		access, typ    string
		refresh, scope string
		expiresIn      int64
		expiresAt      time.Time
		source         providers.ExpirySource
		issued         time.Time
		extra          string
	}{
		{name: "mtn", body: mtnSample, access: "GTPY9VUHCqKVMRB0cHxnmAp0utR0", typ: "BearerToken",
			expiresIn: 3599, expiresAt: fixedNow.Add(3599 * time.Second), source: providers.ExpiryFromExpiresIn,
			issued: time.UnixMilli(1611316770076),
			extra: `refresh_token_expires_in="0" api_product_list="[MTN Customer Plans API v2, Payment_Staging]" ` +
				`api_product_list_json=["MTN Customer Plans API v2","Payment_Staging"] organization_name="mtn-prod" ` +
				`developer.email="nerd@mtn.com" client_id="xNnREu1DNGfiwzQZ5HUN8IAUwZSW1rtp" ` +
				`application_name="716bbe61-f14a-4e45-9b56-a62ff8e0d347" refresh_count="0" status="approved"`},
		{name: "momo", body: momoSample(), typ: "access_token", expiresIn: 3600,
			expiresAt: fixedNow.Add(time.Hour), source: providers.ExpiryFromExpiresIn, issued: fixedNow},
		{name: "mobifinance opaque", body: mobifinanceOpaque, access: "mf-opaque-token", typ: "Bearer",
			source: providers.ExpiryUnknown, issued: fixedNow},
		{name: "mobifinance jwt", body: jwtNoExpires, typ: "Bearer", expiresAt: jwtExp, source: providers.ExpiryFromJWT, issued: fixedNow},
		{name: "telenor string", body: telenorSample, access: "Iu25QXBwbGbljYXRpzQHRIuYlbGVub329XXQ3tOnMY3BRo0QyVFJUiN",
			typ: "Bearer", refresh: "9XXQ3tOnMY3BRo0QyVFJUiNIu25QXBwbGbRIuYlbGVub32ljYXRpzQH", expiresIn: 3600,
			expiresAt: fixedNow.Add(time.Hour), source: providers.ExpiryFromExpiresIn, issued: fixedNow},
		{name: "telenor integer", body: telenorIntSample, access: "4P....uY", expiresIn: 3599,
			expiresAt: fixedNow.Add(3599 * time.Second), source: providers.ExpiryFromExpiresIn, issued: fixedNow},
		{name: "mobiledigital", body: mobiledigitalSample(), typ: "Bearer", scope: "read write admin", expiresIn: 3600,
			expiresAt: fixedNow.Add(time.Hour), source: providers.ExpiryFromExpiresIn, issued: fixedNow},
		{name: "float expires_in", body: `{"access_token":"a","expires_in":"3599.0"}`, access: "a", expiresIn: 3599,
			expiresAt: fixedNow.Add(3599 * time.Second), source: providers.ExpiryFromExpiresIn, issued: fixedNow},
		{name: "fractional expires_in", body: `{"access_token":"a","expires_in":1.5}`, access: "a", expiresIn: 1,
			expiresAt: fixedNow.Add(1500 * time.Millisecond), source: providers.ExpiryFromExpiresIn, issued: fixedNow},
		{name: "issued_at seconds", body: `{"access_token":"a","issued_at":1611316770}`, access: "a",
			source: providers.ExpiryUnknown, issued: time.Unix(1611316770, 0)},
		{name: "issued_at ms number", body: `{"access_token":"a","issued_at":1611316770076}`, access: "a",
			source: providers.ExpiryUnknown, issued: time.UnixMilli(1611316770076)},
		{name: "issued_at nonsense kept", body: `{"access_token":"a","issued_at":"yesterday"}`, access: "a",
			source: providers.ExpiryUnknown, issued: fixedNow, extra: `issued_at="yesterday"`},
		{name: "expires_in nonsense kept", body: `{"access_token":"a","expires_in":"soon","x":null}`, access: "a",
			source: providers.ExpiryUnknown, issued: fixedNow, extra: `expires_in="soon" x=null`},
		{name: "scope list", body: `{"access_token":"a","scope":["read","write"]}`, access: "a", scope: "read write",
			source: providers.ExpiryUnknown, issued: fixedNow},
		{name: "escapes and nesting", body: `{"access_token":"a\u002Fb","note":"say \"hi\"","o":{ "k" : [1, 2] }}`,
			access: "a/b", source: providers.ExpiryUnknown, issued: fixedNow, extra: `note="say \"hi\"" o={"k":[1,2]}`},
		{name: "bom and space", body: "\xef\xbb\xbf \n" + `{"access_token":"a"}` + "\n", access: "a",
			source: providers.ExpiryUnknown, issued: fixedNow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := ParseTokenResponse([]byte(tc.body), http.Header{}, fixedNow)
			if err != nil {
				t.Fatal(err)
			}
			if tc.access == "" {
				var m map[string]any
				_ = json.Unmarshal([]byte(tc.body), &m)
				tc.access = m["access_token"].(string)
			}
			if tok.AccessToken.Reveal() != tc.access || tok.TokenType != tc.typ || tok.RefreshToken.Reveal() != tc.refresh || tok.Scope != tc.scope {
				t.Errorf("token = %q %q %q %q", tok.AccessToken.Reveal(), tok.TokenType, tok.RefreshToken.Reveal(), tok.Scope)
			}
			if tok.ExpiresIn != tc.expiresIn || !tok.ExpiresAt.Equal(tc.expiresAt) || tok.ExpirySource != tc.source {
				t.Errorf("expiry = %d %v %q, want %d %v %q", tok.ExpiresIn, tok.ExpiresAt, tok.ExpirySource, tc.expiresIn, tc.expiresAt, tc.source)
			}
			if !tok.IssuedAt.Equal(tc.issued) {
				t.Errorf("issued at %v, want %v", tok.IssuedAt, tc.issued)
			}
			if got := extraText(tok.Extra); got != tc.extra {
				t.Errorf("extra =\n%s\nwant\n%s", got, tc.extra)
			}
		})
	}
}

func extraText(fs []providers.Field) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, f.Key+"="+f.Value)
	}
	return strings.Join(parts, " ")
}

func TestParseTokenResponseClockSkew(t *testing.T) {
	now := fixedNow.Add(400 * time.Millisecond)
	for _, tc := range []struct {
		date string
		want time.Duration
	}{
		{fixedNow.Format(http.TimeFormat), 0},
		{fixedNow.Add(-2 * time.Minute).Format(http.TimeFormat), -2 * time.Minute},
		{fixedNow.Add(5 * time.Second).Format(http.TimeFormat), 5 * time.Second},
		{"not a date", 0},
	} {
		tok, err := ParseTokenResponse([]byte(tokenJSON), http.Header{"Date": {tc.date}}, now)
		if err != nil || tok.ClockSkew != tc.want {
			t.Errorf("Date %q: skew %v, want %v (%v)", tc.date, tok.ClockSkew, tc.want, err)
		}
	}
}

func TestParseTokenResponseForm(t *testing.T) {
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	tok, err := ParseTokenResponse([]byte("access_token=gho_16C7e42F292c&scope=repo%2Cgist&token_type=bearer&x=1"), h, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "gho_16C7e42F292c" || tok.Scope != "repo,gist" || tok.TokenType != "bearer" || extraText(tok.Extra) != `x="1"` {
		t.Errorf("form token = %+v", tok)
	}
}

func TestParseTokenResponseErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"", "empty token response"},
		{"   ", "empty token response"},
		{"<html><body>Bad Gateway</body></html>", "token response is not JSON: invalid character '<'"},
		{`[{"access_token":"a"}]`, "JSON but not an object (it starts with an array)"},
		{`"a"`, "JSON but not an object (it starts with a string)"},
		{`42`, "JSON but not an object (it starts with a number)"},
		{`{"access_token":"a",}`, "token response is not JSON: invalid character '}'"},
		{`{"access_token":"a"`, "token response is not JSON: unexpected end of JSON input"},
		{`true`, "JSON but not an object (it starts with a boolean)"},
		{`{"access_token":"a"} {}`, "token response is not JSON: invalid character '{' after top-level value"},
		{`{"access_token":"a"}x`, "token response is not JSON: invalid character 'x' after top-level value"},
		{`{"token_type":"Bearer","expires_in":3600}`, "no access_token (members: token_type, expires_in)"},
		{`{"access_token":""}`, "no access_token"},
		{`{"access_token":12345}`, "no access_token"},
		{`{}`, "no access_token (members: none)"},
	} {
		tok, err := ParseTokenResponse([]byte(tc.body), http.Header{}, fixedNow)
		if err == nil || tok != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("body %q: %v, %v; want an error with %q", tc.body, tok, err, tc.want)
		}
	}
}

func FuzzParseTokenResponse(f *testing.F) {
	for _, s := range []string{mtnSample, telenorSample, telenorIntSample, mobifinanceOpaque, momoSample(),
		mobiledigitalSample(), `{"access_token":"a","expires_in":"3599.0","issued_at":1611316770}`,
		`{"access_token":"a","scope":["x"],"o":{"a":[1,{"b":null}]}}`, `[]`, `{"a":`, "<html>"} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte("access_token=a&expires_in=60"), "application/x-www-form-urlencoded")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		tok, err := ParseTokenResponse(body, http.Header{"Content-Type": {ct}}, fixedNow)
		if err != nil {
			if tok != nil {
				t.Fatal("a token and an error")
			}
			return
		}
		if tok.AccessToken == "" {
			t.Fatal("a token without an access token")
		}
		switch tok.ExpirySource {
		case providers.ExpiryFromExpiresIn, providers.ExpiryFromJWT:
			if tok.ExpiresAt.IsZero() {
				t.Fatalf("source %q without an expiry", tok.ExpirySource)
			}
		case providers.ExpiryUnknown:
			if !tok.ExpiresAt.IsZero() {
				t.Fatal("unknown expiry with an expiry")
			}
		default:
			t.Fatalf("source %q", tok.ExpirySource)
		}
		if len(tok.Extra) > providers.MaxExtraFields || extraBytes(tok) > providers.MaxExtraBytes {
			t.Fatalf("%d extra fields of %d bytes, over the caps", len(tok.Extra), extraBytes(tok))
		}
		for _, x := range tok.Extra {
			if !json.Valid([]byte(x.Value)) {
				t.Fatalf("extra %s = %q is not JSON text", x.Key, x.Value)
			}
		}
	})
}

func BenchmarkParseTokenResponse(b *testing.B) {
	body, h := []byte(mtnSample), http.Header{"Date": {fixedNow.Format(http.TimeFormat)}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseTokenResponse(body, h, fixedNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseTokenResponseJWT(b *testing.B) {
	body := []byte(fmt.Sprintf(`{"access_token": %q, "token_type": "Bearer"}`,
		testJWT(fmt.Sprintf(`{"sub":"c","exp":%d}`, fixedNow.Add(time.Hour).Unix()))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseTokenResponse(body, http.Header{}, fixedNow); err != nil {
			b.Fatal(err)
		}
	}
}
