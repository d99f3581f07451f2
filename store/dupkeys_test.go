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
	good, err := encodeGroup(oddPayload().Providers)
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
	b, err := encodeGroup(p.Providers)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestManyHeadersLinear: decoding 32 times the headers costs about 32
// times as much, not about 1,000 times: the duplicate check was
// quadratic, and 40,000 headers took 5.8 s, 60,000 took 12 s. The cost is
// not wall-clock time alone, which a busy machine or the race detector
// bends: each decode is timed against encoding/json unmarshalling the
// same text into a map, a linear reference with the same maps, the same
// memory and the same machine at that moment. The decoder's share of
// that cost must stay within four times from the small text to the large
// one; a quadratic decoder's share grows with the text, about 32 times.
// Each size is timed at its best of five runs, in turns, and a noisy
// round is tried again, up to three rounds: a quadratic decoder fails all.
func TestManyHeadersLinear(t *testing.T) {
	const small, large = 1000, 32000
	texts := []string{manyHeaders(t, small), manyHeaders(t, large)}
	reference := func(s string) error {
		var v map[string]any
		return json.Unmarshal([]byte(s), &v)
	}
	decode := func(s string) error {
		es, err := decodeGroup(s)
		if err == nil && len(es[0].Provider.Headers) < small {
			err = fmt.Errorf("%d headers decoded", len(es[0].Provider.Headers))
		}
		return err
	}
	var growth float64
	for round := 1; round <= 3; round++ {
		var best [2][2]time.Duration // [size][decoder, reference]
		for range 5 {
			for i, text := range texts {
				for j, f := range []func(string) error{decode, reference} {
					runtime.GC() // not the last run's garbage
					start := time.Now()
					err := f(text)
					d := time.Since(start)
					if err != nil {
						t.Fatal(err)
					}
					if best[i][j] == 0 || d < best[i][j] {
						best[i][j] = d
					}
				}
			}
		}
		share := func(i int) float64 { return float64(best[i][0]) / float64(best[i][1]) }
		growth = share(1) / share(0)
		t.Logf("round %d: %d headers %v (reference %v), %d headers %v (reference %v): share grew x%.2f",
			round, small, best[0][0], best[0][1], large, best[1][0], best[1][1], growth)
		if growth <= 4 {
			break
		}
	}
	if growth > 4 {
		t.Errorf("against a linear reference, %d times the headers cost %.1f times as much: not linear", large/small, growth)
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
