package store

import (
	"os"
	"testing"
	"time"
)

// TestWriteBenchVault writes the benchmarks' vault of 1,000 providers,
// each with a token valid for a year and a full history, to the directory
// $TOKENSCOPE_BENCH_VAULT, and its identity beside it (the directory's
// name and ".id"), to time the program on it: the explorer's first frame,
// tokenscope header. Skipped unless the variable is set.
func TestWriteBenchVault(t *testing.T) {
	dir := os.Getenv("TOKENSCOPE_BENCH_VAULT")
	if dir == "" {
		t.Skip("set TOKENSCOPE_BENCH_VAULT to a directory to write the vault to")
	}
	v, err := Init(dir, testPass, testWF)
	if err != nil {
		t.Fatal(err)
	}
	big := bigPayload(1000)
	for i := range big.Providers {
		h := big.Providers[i].History
		for len(h) < MaxHistory {
			h = append(h, h[len(h)%5])
		}
		big.Providers[i].History = h
		big.Providers[i].Token.IssuedAt = time.Now().UTC().Truncate(time.Second)
		big.Providers[i].Token.ExpiresAt = big.Providers[i].Token.IssuedAt.Add(24 * 365 * time.Hour)
		big.Providers[i].Token.ExpiresIn = 24 * 365 * 3600
	}
	if err := v.Update(func(p *Payload) error { *p = *big; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+".id", []byte(v.id.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}
