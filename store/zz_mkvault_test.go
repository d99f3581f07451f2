package store

import (
	"os"
	"testing"
	"time"
)

// TestMakeBenchVault (temporary, not committed) writes a 1,000-provider vault to $MKVAULT.
func TestMakeBenchVault(t *testing.T) {
	dir := os.Getenv("MKVAULT")
	if dir == "" {
		t.Skip()
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
