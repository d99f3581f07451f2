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
	good, err := marshalPayload(oddPayload(), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := string(good)
	if _, err := DecodePayload(good); err != nil {
		t.Fatalf("the payload without duplicates: %v", err)
	}
	for _, tc := range []struct{ name, old, new string }{
		{"top level", `"version":1,`, `"version":1,"version":1,`},
		{"settings", `"settings":{`, `"settings":{"clipboard_clear_off":true,`},
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
			_, err := DecodePayload([]byte(bad))
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "appears twice") {
				t.Fatalf("got %v, want a duplicate key refused", err)
			}
			if _, err := strictDecode(bad); err == nil {
				t.Fatal("the strict decoder accepted a duplicate key")
			}
		})
	}
}

// manyHeaders is a payload whose one provider has n headers.
func manyHeaders(t testing.TB, n int) string {
	p := bigPayload(1)
	h := make(map[string]providers.Secret, n)
	for i := range n {
		h[fmt.Sprintf("X-Header-%06d", i)] = "v"
	}
	p.Providers[0].Provider.Headers = h
	b, err := marshalPayload(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestManyHeadersLinear: decoding 32 times the headers takes about 32
// times as long on both decoders (up to twice that, as the maps outgrow
// the caches), not about 1,000 times: the duplicate check was quadratic,
// and 40,000 headers took 5.8 s, 60,000 took 12 s. Each size is timed at
// its best of five runs, taken in turns so a busy machine slows both
// alike; the bound is five times the linear ratio, where the quadratic
// decoder came to about twelve.
func TestManyHeadersLinear(t *testing.T) {
	const small, large = 1000, 32000
	texts := []string{manyHeaders(t, small), manyHeaders(t, large)}
	for name, decode := range map[string]func(string) (*Payload, error){
		"fast":   func(s string) (*Payload, error) { return fastDecode(s, 1) },
		"strict": strictDecode,
	} {
		var best [2]time.Duration
		for range 5 {
			for i, text := range texts {
				runtime.GC() // not the last run's garbage
				start := time.Now()
				p, err := decode(text)
				d := time.Since(start)
				if err != nil || len(p.Providers[0].Provider.Headers) < small {
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
		b.Run(fmt.Sprintf("fast/%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := fastDecode(text, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("strict/%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := strictDecode(text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
