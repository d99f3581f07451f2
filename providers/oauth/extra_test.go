package oauth

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// A server may send any number of extra fields: the token keeps the
// first MaxExtraFields that fit in MaxExtraBytes and counts the rest.
func TestParseTokenResponseCapsExtra(t *testing.T) {
	big := strings.Repeat("<", providers.MaxExtraBytes) // never fits, even alone
	for _, tc := range []struct {
		name          string
		fields        []string // members after access_token
		kept, dropped int
	}{
		{"few", members(3, 10), 3, 0},
		{"count at the cap", members(providers.MaxExtraFields, 10), providers.MaxExtraFields, 0},
		{"count over the cap", members(providers.MaxExtraFields+40, 10), providers.MaxExtraFields, 40},
		{"one field too big", []string{`"a":1`, `"pad":"` + big + `"`, `"b":2`}, 2, 1},
		// 10 fields of 8 KiB less 20 bytes: eight fit, the ninth would not.
		{"size over the cap", members(10, 8<<10-20), 8, 2},
		// Eight of exactly 8 KiB fill the cap to the byte.
		{"size at the cap", members(9, 8<<10), 8, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"access_token":"a","token_type":"Bearer",` + strings.Join(tc.fields, ",") + `}`
			tok, err := ParseTokenResponse([]byte(body), http.Header{}, fixedNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(tok.Extra) != tc.kept || tok.ExtraDropped != tc.dropped {
				t.Errorf("kept %d dropped %d, want %d and %d", len(tok.Extra), tok.ExtraDropped, tc.kept, tc.dropped)
			}
			if n := extraBytes(tok); n > providers.MaxExtraBytes {
				t.Errorf("extra holds %d bytes, over %d", n, providers.MaxExtraBytes)
			}
			if tok.AccessToken != "a" || tok.TokenType != "Bearer" {
				t.Errorf("the mapped fields were lost: %+v", tok)
			}
		})
	}
}

// members makes n extra members named f0…, each about size bytes.
func members(n, size int) []string {
	out := make([]string, n)
	for i := range out {
		key := fmt.Sprintf("f%d", i)
		out[i] = fmt.Sprintf("%q:%q", key, strings.Repeat("x", max(size-len(key)-2, 0)))
	}
	return out
}

func TestTokenBudget(t *testing.T) {
	tok, err := ParseTokenResponse([]byte(`{"access_token":"A","scope":"read `+strings.Repeat("\xff", 1000)+`"}`), nil, fixedNow)
	if err != nil || tok.Scope != "read \uFFFD" {
		t.Errorf("a scope of bytes that are not UTF-8: %v, %q", err, tok.Scope)
	}
	_, err = ParseTokenResponse([]byte(`{"access_token":"`+strings.Repeat("A", providers.MaxTokenBytes)+`"}`), nil, fixedNow)
	if err == nil || !strings.Contains(err.Error(), "token response refused: the token would take 257 KiB in the store, and one token takes at most 256 KiB") {
		t.Errorf("an access token over the budget: %v", err)
	}
}
