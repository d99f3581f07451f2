package jwt

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// token joins a header, claims and signature text, base64url-encoding each.
func token(header, claims, sig string) string {
	return b64(header) + "." + b64(claims) + "." + b64(sig)
}

func TestParseKeepsOrderAndJSONText(t *testing.T) {
	raw := token(`{"typ":"JWT","alg":"RS256","kid":"k1"}`,
		`{"sub":"alice","exp":1700000000,"aud":["a","b"],"nested":{"x":1,"y":[true,null]},"weird key\u00e9":"v\"q","n":-1.5e3}`,
		"sig")
	j, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []providers.Field{{Key: "typ", Value: `"JWT"`}, {Key: "alg", Value: `"RS256"`}, {Key: "kid", Value: `"k1"`}}
	if !reflect.DeepEqual(j.Header, wantHeader) {
		t.Errorf("Header = %q, want %q", j.Header, wantHeader)
	}
	wantClaims := []providers.Field{
		{Key: "sub", Value: `"alice"`}, {Key: "exp", Value: `1700000000`}, {Key: "aud", Value: `["a","b"]`},
		{Key: "nested", Value: `{"x":1,"y":[true,null]}`}, {Key: "weird keyé", Value: `"v\"q"`}, {Key: "n", Value: `-1.5e3`},
	}
	if !reflect.DeepEqual(j.Claims, wantClaims) {
		t.Errorf("Claims = %q, want %q", j.Claims, wantClaims)
	}
	if j.ClaimsMap["sub"] != "alice" || j.ClaimsMap["weird keyé"] != `v"q` || j.HeaderMap["kid"] != "k1" {
		t.Errorf("maps = %v %v", j.HeaderMap, j.ClaimsMap)
	}
	if j.Alg() != "RS256" || j.Kid() != "k1" || j.Raw != raw {
		t.Errorf("Alg/Kid/Raw = %q %q %q", j.Alg(), j.Kid(), j.Raw)
	}
}

func TestParseCompactsMultilineValuesAndToleratesPadding(t *testing.T) {
	h := base64.URLEncoding.EncodeToString([]byte(`{"alg": "ES256"}`)) // 16 bytes: padded
	c := base64.URLEncoding.EncodeToString([]byte("{\n  \"roles\": [\n    \"admin\",\n    \"ops\"\n  ],\n  \"s\": \"a b\"\n}"))
	j, err := Parse("  " + h + "." + c + ".  \n")
	if err != nil {
		t.Fatal(err)
	}
	want := []providers.Field{{Key: "roles", Value: `["admin","ops"]`}, {Key: "s", Value: `"a b"`}}
	if !reflect.DeepEqual(j.Claims, want) {
		t.Errorf("Claims = %q, want %q", j.Claims, want)
	}
	if !strings.Contains(h, "=") {
		t.Fatal("test header is not padded")
	}
}

func TestParseDuplicateClaimListedTwice(t *testing.T) {
	j, err := Parse(token(`{"alg":"RS256"}`, `{"sub":"a","sub":"b"}`, "s"))
	if err != nil {
		t.Fatal(err)
	}
	if len(j.Claims) != 2 || j.ClaimsMap["sub"] != "b" {
		t.Errorf("Claims = %q, map = %v", j.Claims, j.ClaimsMap)
	}
}

func TestParseErrors(t *testing.T) {
	hdr := b64(`{"alg":"RS256"}`)
	tests := []struct {
		name string
		raw  string
		want error  // ErrOpaque or ErrMalformed
		part string // named in a malformed error
	}{
		{"empty", "", ErrOpaque, ""},
		{"mtn opaque", "GTPY9VUHCqKVMRB0cHxnmAp0utR0", ErrOpaque, ""},
		{"two parts", hdr + "." + b64(`{}`), ErrOpaque, ""},
		{"four parts", hdr + ".a.b.c", ErrOpaque, ""},
		{"jwe five parts", hdr + ".a.b.c.d", ErrOpaque, ""},
		{"empty header", "." + b64(`{}`) + ".", ErrOpaque, ""},
		{"header not base64", "***." + b64(`{}`) + ".", ErrOpaque, ""},
		{"header not json", b64("hello") + "." + b64(`{}`) + ".", ErrOpaque, ""},
		{"header array", b64(`["alg"]`) + "." + b64(`{}`) + ".", ErrOpaque, ""},
		{"header null", b64(`null`) + "." + b64(`{}`) + ".", ErrOpaque, ""},
		{"header without alg", b64(`{"typ":"JWT"}`) + "." + b64(`{}`) + ".", ErrOpaque, ""},
		{"header alg not string", b64(`{"alg":1}`) + "." + b64(`{}`) + ".", ErrOpaque, ""},
		{"header line break", hdr[:4] + "\n" + hdr[4:] + "." + b64(`{}`) + ".", ErrOpaque, ""},
		{"claims not base64", hdr + ".%%%.", ErrMalformed, "claims (second part)"},
		{"claims not json", hdr + "." + b64("plain text") + ".", ErrMalformed, "claims (second part)"},
		{"claims array", hdr + "." + b64(`[1,2]`) + ".", ErrMalformed, "claims (second part)"},
		{"claims truncated", hdr + "." + b64(`{"sub":"a"`) + ".", ErrMalformed, "claims (second part)"},
		{"claims trailing junk", hdr + "." + b64(`{"sub":"a"} x`) + ".", ErrMalformed, "claims (second part)"},
		{"claims empty", hdr + ".." + b64("s"), ErrMalformed, "claims (second part)"},
		{"signature not base64", hdr + "." + b64(`{}`) + ".a+b/", ErrMalformed, "signature (third part)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := Parse(tt.raw)
			if j != nil || !errors.Is(err, tt.want) {
				t.Fatalf("Parse = %v, %v; want %v", j, err, tt.want)
			}
			if tt.want == ErrMalformed && errors.Is(err, ErrOpaque) {
				t.Error("a malformed JWT must not count as opaque")
			}
			if !strings.Contains(err.Error(), tt.part) {
				t.Errorf("error %q does not name %q", err, tt.part)
			}
		})
	}
}

func TestParseUnsignedTokenDecodes(t *testing.T) {
	// alg none decodes for display; Verify is what refuses it.
	j, err := Parse(b64(`{"alg":"none"}`) + "." + b64(`{"sub":"x"}`) + ".")
	if err != nil || j.Alg() != "none" {
		t.Fatalf("Parse = %v, %v", j, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(token(`{"alg":"RS256","kid":"a"}`, `{"sub":"x","exp":1,"a":[1,{"b":"}"}]}`, "sig"))
	f.Add(token(`{"alg":"HS256"}`, `{"k\"ey":"\\","n":null, "t" : true }`, ""))
	f.Add("GTPY9VUHCqKVMRB0cHxnmAp0utR0")
	f.Add("a.b.c")
	f.Add("QUJD=")
	f.Add("QUJDR")
	f.Fuzz(func(t *testing.T, raw string) {
		_, derr := decodeSegment(raw)
		if cerr := checkSegment(raw); (cerr == nil) != (derr == nil) {
			t.Fatalf("checkSegment(%q) = %v, decodeSegment = %v", raw, cerr, derr)
		}
		j, err := Parse(raw)
		if err != nil {
			if j != nil {
				t.Fatal("non-nil JWT with an error")
			}
			if !errors.Is(err, ErrOpaque) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is neither opaque nor malformed", err)
			}
			return
		}
		if j.Alg() == "" {
			t.Fatal("parsed a JWT without alg")
		}
		for _, obj := range []struct {
			fields []providers.Field
			m      map[string]any
		}{{j.Header, j.HeaderMap}, {j.Claims, j.ClaimsMap}} {
			if len(obj.fields) < len(obj.m) {
				t.Fatalf("%d fields for %d members", len(obj.fields), len(obj.m))
			}
			seen := map[string]bool{}
			for _, f := range obj.fields {
				if f.Value == "" {
					t.Fatalf("empty JSON text for %q", f.Key)
				}
				seen[f.Key] = true
			}
			for k := range obj.m {
				if !seen[k] {
					t.Fatalf("member %q in the map but not in the fields", k)
				}
			}
		}
		_ = j.Times()
		_, _ = j.Expiry()
	})
}

func TestParseTruncatedClaimsSaySo(t *testing.T) {
	for _, c := range []string{`{"sub":"a"`, `{"sub":`, `{`, ``} {
		_, err := Parse(b64(`{"alg":"RS256"}`) + "." + b64(c) + "." + b64("s"))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "unexpected EOF") {
			t.Errorf("claims %q: %v", c, err)
		}
	}
}
