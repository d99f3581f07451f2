package store

import (
	"encoding/json"
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

// TestManyHeadersLinear: decoding 32 times the headers costs about 32
// times as much on both decoders, not about 1,000 times: the duplicate
// check was quadratic, and 40,000 headers took 5.8 s, 60,000 took 12 s.
// The cost is not wall-clock time alone, which a busy machine or the race
// detector bends: each decode is timed against encoding/json unmarshalling
// the same text into a map, a linear reference with the same maps, the
// same memory and the same machine at that moment. The decoder's share of
// that cost must stay within four times from the small text to the large
// one; a quadratic decoder's share grows with the text, about 32 times.
// Each size is timed at its best of five runs, in turns, and a noisy
// round is tried again, up to three rounds: a quadratic decoder fails all.
func TestManyHeadersLinear(t *testing.T) {
	const small, large = 1000, 32000
	texts := []string{manyHeaders(t, small), manyHeaders(t, large)}
	reference := func(s string) (*Payload, error) {
		var v map[string]any
		err := json.Unmarshal([]byte(s), &v)
		return &Payload{Providers: []Entry{{Provider: providers.Provider{Headers: make(map[string]providers.Secret, small)}}}}, err
	}
	for _, name := range []string{"fast", "strict"} {
		decode := map[string]func(string) (*Payload, error){
			"fast":   func(s string) (*Payload, error) { return fastDecode(s, 1) },
			"strict": strictDecode,
		}[name]
		var growth float64
		for round := 1; round <= 3; round++ {
			var best [2][2]time.Duration // [size][decoder, reference]
			for range 5 {
				for i, text := range texts {
					for j, f := range []func(string) (*Payload, error){decode, reference} {
						runtime.GC() // not the last run's garbage
						start := time.Now()
						p, err := f(text)
						d := time.Since(start)
						if err != nil || j == 0 && len(p.Providers[0].Provider.Headers) < small {
							t.Fatalf("%s: %v", name, err)
						}
						if best[i][j] == 0 || d < best[i][j] {
							best[i][j] = d
						}
					}
				}
			}
			share := func(i int) float64 { return float64(best[i][0]) / float64(best[i][1]) }
			growth = share(1) / share(0)
			t.Logf("%s, round %d: %d headers %v (reference %v), %d headers %v (reference %v): share grew x%.2f",
				name, round, small, best[0][0], best[0][1], large, best[1][0], best[1][1], growth)
			if growth <= 4 {
				break
			}
		}
		if growth > 4 {
			t.Errorf("%s: against a linear reference, %d times the headers cost %.1f times as much: not linear", name, large/small, growth)
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
