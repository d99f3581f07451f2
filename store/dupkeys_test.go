package store

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// A key twice in one object, at any depth, is refused: encoding/json
// would keep one of them silently. The same key in different objects is
// ordinary.
func TestDuplicateKeysRefused(t *testing.T) {
	good, err := encodeJSON(group{Version: SchemaVersion, Providers: oddPayload().Providers})
	if err != nil {
		t.Fatal(err)
	}
	text := string(good)
	if _, err := decodeGroup(text); err != nil {
		t.Fatalf("the file without duplicates: %v", err)
	}
	for _, tc := range []struct{ name, old, new string }{
		{"top level", `"version":2,`, `"version":2,"version":2,`},
		{"provider", `"preset":"oauth2",`, `"preset":"oauth2","preset":"oauth2",`},
		{"header", `"headers":{`, `"headers":{"Ocp-Apim-Subscription-Key":"other",`},
		{"param", `"params":{`, `"params":{"audience":"other",`},
		{"token", `"token_type":"Bearer",`, `"token_type":"Bearer","token_type":"Bearer",`},
		{"extra field", `{"key":"ext_expires_in",`, `{"key":"ext_expires_in","key":"x",`},
		{"event", `"kind":"refreshed",`, `"kind":"refreshed","kind":"failed",`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(text, tc.old) {
				t.Fatalf("the payload lacks %s", tc.old)
			}
			bad := strings.Replace(text, tc.old, tc.new, 1)
			_, err := decodeGroup(bad)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "appears twice") {
				t.Fatalf("got %v, want a duplicate key refused", err)
			}
		})
	}
}

// The index and the old layout's payload refuse a key twice too.
func TestDuplicateKeysRefusedInTheIndex(t *testing.T) {
	for _, text := range []string{
		`{"version":2,"settings":{},"settings":{},"providers":[]}`,
		`{"version":2,"settings":{},"providers":["a"],"files":{"providers-0123456789abcdef.age":["a"],"providers-0123456789abcdef.age":["a"]}}`,
		`{"version":1,"settings":{"clipboard_clear_off":true,"clipboard_clear_off":false},"providers":[]}`,
	} {
		if _, _, err := decodeIndex(text); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "appears twice") {
			t.Errorf("%s: got %v, want a duplicate key refused", text, err)
		}
	}
}

// manyHeaders is a provider file whose one provider has n headers.
func manyHeaders(t testing.TB, n int) string {
	p := bigPayload(1)
	h := make(map[string]providers.Secret, n)
	for i := range n {
		h[fmt.Sprintf("X-Header-%06d", i)] = "v"
	}
	p.Providers[0].Provider.Headers = h
	b, err := encodeJSON(group{Version: SchemaVersion, Providers: p.Providers})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestManyHeadersLinear: decoding 32 times the headers takes about 32
// times as long to decode (up to twice that, as the maps outgrow
// the caches), not about 1,000 times: the duplicate check was quadratic,
// and 40,000 headers took 5.8 s, 60,000 took 12 s. Each size is timed at
// its best of five runs, taken in turns so a busy machine slows both
// alike; the bound is five times the linear ratio, where the quadratic
// decoder came to about twelve.
func TestManyHeadersLinear(t *testing.T) {
	const small, large = 1000, 32000
	texts := []string{manyHeaders(t, small), manyHeaders(t, large)}
	for name, decode := range map[string]func(string) ([]Entry, error){"decodeGroup": decodeGroup} {
		var best [2]time.Duration
		for range 5 {
			for i, text := range texts {
				runtime.GC() // not the last run's garbage
				start := time.Now()
				es, err := decode(text)
				d := time.Since(start)
				if err != nil || len(es[0].Provider.Headers) < small {
					t.Fatalf("%s: %v", name, err)
				}
				if best[i] == 0 || d < best[i] {
					best[i] = d
				}
			}
		}
		ratio := float64(best[1]) / float64(best[0])
		t.Logf("%s: %d headers %v, %d headers %v (x%.1f)", name, small, best[0], large, best[1], ratio)
		if ratio > 5*large/small {
			t.Errorf("%s: %d times the headers took %.0f times as long: not linear", name, large/small, ratio)
		}
	}
}

func BenchmarkDecodeManyHeaders(b *testing.B) {
	for _, n := range []int{10000, 60000} {
		text := manyHeaders(b, n)
		b.Run(fmt.Sprintf("headers=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := decodeGroup(text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
