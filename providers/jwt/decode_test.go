package jwt

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecodeObject holds decodeObject to encoding/json: it takes exactly
// the objects json.Unmarshal takes, its map is json.Unmarshal's, and each
// listed member's text is JSON that decodes to that member's value (the
// last of a repeated name being the one in the map).
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{
		`{"sub":"a","exp":1700000000,"aud":["x","y"],"o":{"k":[1.5,-2e3,true,false,null]}}`,
		`{"a":"\u00e9","b":"x\"y"}`, `{ "a" : [ ] , "b" : { } }`, `{"a":1,"a":2}`, `{"a":-0}`,
		"{\n\t\"a\" :\n[1,\n2] }\n", `{"a":1} x`, `{"a":1,}`, `[1]`, `null`, `{"\ud800":"\udc00x"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fields, m, err := decodeObject([]byte(s))
		var want map[string]any
		werr := json.Unmarshal([]byte(s), &want)
		if werr == nil && want == nil {
			werr = errors.New("null") // not an object
		}
		if (err == nil) != (werr == nil) {
			t.Fatalf("decodeObject(%q) error %v, json.Unmarshal %v", s, err, werr)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(m, want) {
			t.Fatalf("map of %q:\n got %#v\nwant %#v", s, m, want)
		}
		last := map[string]string{}
		for _, fl := range fields {
			last[fl.Key] = fl.Value
		}
		if len(last) != len(m) {
			t.Fatalf("%d names listed, %d in the map", len(last), len(m))
		}
		for k, text := range last {
			var v any
			if err := json.Unmarshal([]byte(text), &v); err != nil {
				t.Fatalf("member %q: text %q is not JSON: %v", k, text, err)
			}
			if !reflect.DeepEqual(v, m[k]) {
				t.Fatalf("member %q: text %q decodes to %#v, map has %#v", k, text, v, m[k])
			}
		}
	})
}

// twoKBToken builds an RS256-shaped token of about 2 KB with the claims a
// real identity provider sends: registered claims, arrays, a nested object.
func twoKBToken(tb testing.TB) string {
	var c strings.Builder
	c.WriteString(`{"iss":"https://login.example.com/tenant/v2.0","sub":"AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",`)
	c.WriteString(`"aud":["api://tokenscope","https://graph.example.com"],"exp":1700003600,"iat":1700000000,"nbf":1700000000,`)
	c.WriteString(`"auth_time":1699999990,"scope":"openid profile email offline_access read write admin",`)
	c.WriteString(`"realm_access":{"roles":["offline_access","uma_authorization","default-roles"]},"groups":[`)
	for i := range 20 {
		if i > 0 {
			c.WriteByte(',')
		}
		fmt.Fprintf(&c, `"group-%02d-0f8fad5b-d9cb-469f"`, i)
	}
	c.WriteString(`],"email":"alice@example.com","email_verified":true,"name":"Alice Example","azp":"tokenscope",`)
	c.WriteString(`"sid":"5f0e2c6b-7e46-4b1a-9c0c-3a3a8e2f1d2b","jti":"0c9a8f3e-1d2b-4c5d-8e9f-a0b1c2d3e4f5"}`)
	sig := make([]byte, 256)
	if _, err := rand.Read(sig); err != nil {
		tb.Fatal(err)
	}
	raw := b64(`{"alg":"RS256","typ":"JWT","kid":"2024-rsa-key-1"}`) + "." + b64(c.String()) + "." +
		base64.RawURLEncoding.EncodeToString(sig)
	if n := len(raw); n < 1900 || n > 2200 {
		tb.Fatalf("token is %d bytes, want about 2 KB", n)
	}
	return raw
}

func BenchmarkParse2KB(b *testing.B) {
	raw := twoKBToken(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTwoKBTokenParses(t *testing.T) {
	j, err := Parse(twoKBToken(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Claims) != 16 || len(j.Times()) != 4 {
		t.Errorf("%d claims, %d times", len(j.Claims), len(j.Times()))
	}
}
