package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// benchVault is a vault holding 1,000 providers, each with a token (a
// 1 KB JWT, a refresh token, extra fields) and a full history.
func benchVault(b *testing.B) *Vault {
	b.Helper()
	return benchVaultOf(b, 1000)
}

// benchVaultOf is a vault of n providers, each with a token and a full
// history (MaxHistory events).
func benchVaultOf(b *testing.B, n int) *Vault {
	b.Helper()
	v := newTestVault(b)
	big := bigPayload(n)
	for i := range big.Providers {
		h := big.Providers[i].History
		for len(h) < MaxHistory {
			h = append(h, h[len(h)%5])
		}
		big.Providers[i].History = h
	}
	if err := v.Update(func(p *Payload) error { *p = *big; return nil }); err != nil {
		b.Fatal(err)
	}
	return v
}

// reportSize adds the size of vault.age (after the timed loop: ResetTimer
// drops reported metrics).
func reportSize(b *testing.B, v *Vault) {
	fi, err := os.Stat(filepath.Join(v.Dir(), vaultFile))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size()), "vault-bytes")
}

// reportMedian adds the median of the per-iteration durations.
func reportMedian(b *testing.B, d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "median-ms")
}

// BenchmarkUpdate is one save (a Record, as a refresh does) of a vault of
// 1,000 providers: lock, re-read, encrypt, write, fsync, rename, fsync dir.
func BenchmarkUpdate(b *testing.B) {
	v := benchVault(b)
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		if _, err := v.Record(fmt.Sprintf("prov%04d", i%1000), testToken(i%1000, i), providers.Event{Kind: providers.EventRefreshed}); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(t0))
	}
	b.StopTimer()
	reportMedian(b, d)
	reportSize(b, v)
}

// BenchmarkLoad is Load by a process that did not write the vault last:
// read, decrypt and decode all 1,000 providers.
func BenchmarkLoad(b *testing.B) {
	v := benchVault(b)
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		clear(v.cache)
		t0 := time.Now()
		p, err := v.Load()
		if err != nil || len(p.Providers) != 1000 {
			b.Fatal(err)
		}
		d = append(d, time.Since(t0))
	}
	b.StopTimer()
	reportMedian(b, d)
	reportSize(b, v)
}

// BenchmarkLoadProviders is LoadProviders by a process that did not write
// the vault last (the explorer's start): every file decrypted, decoded up
// to the histories.
func BenchmarkLoadProviders(b *testing.B) {
	v := benchVault(b)
	d := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		clear(v.cache)
		t0 := time.Now()
		p, err := v.LoadProviders()
		if err != nil || len(p.Providers) != 1000 {
			b.Fatal(err)
		}
		d = append(d, time.Since(t0))
	}
	b.StopTimer()
	reportMedian(b, d)
}

// BenchmarkLoadUnchanged is Load when vault.age did not change since this
// Vault last read or wrote it (the explorer's case): read and compare.
func BenchmarkLoadUnchanged(b *testing.B) {
	v := benchVault(b)
	b.ResetTimer()
	for range b.N {
		if _, err := v.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenIdentityLookup is what `tokenscope header NAME` does with
// TOKENSCOPE_IDENTITY set: open (decrypt and decode) and look one up.
func BenchmarkOpenIdentityLookup(b *testing.B) {
	v := benchVault(b)
	id := v.id.String()
	b.ResetTimer()
	for range b.N {
		w, err := OpenIdentity(v.Dir(), id)
		if err != nil {
			b.Fatal(err)
		}
		if _, tok, err := w.Lookup("prov0500"); err != nil || tok == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnlock is OpenPassphrase on a vault initialised at the default
// scrypt work factor, 18: the KDF dominates.
func BenchmarkUnlock(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "home")
	if _, err := Init(dir, testPass, DefaultWorkFactor); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := OpenPassphrase(dir, testPass); err != nil {
			b.Fatal(err)
		}
	}
}

// countingWriter counts the bytes written through it into *n.
type countingWriter struct {
	w io.Writer
	n *int64
}

func (c countingWriter) Write(b []byte) (int, error) {
	k, err := c.w.Write(b)
	*c.n += int64(k)
	return k, err
}

// BenchmarkRefreshAll records a new token for every provider, one save
// each, as R in the explorer does, with 100 and with 1,000 providers: the
// bytes written per round must grow linearly with the providers.
func BenchmarkRefreshAll(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("providers=%d", n), func(b *testing.B) {
			v := benchVaultOf(b, n)
			var written int64
			v.wrapWriter = func(w io.Writer) io.Writer { return countingWriter{w, &written} }
			b.ResetTimer()
			for i := range b.N {
				for k := range n {
					if _, err := v.Record(fmt.Sprintf("prov%04d", k), testToken(k, i+1), providers.Event{Kind: providers.EventRefreshed}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(written)/float64(b.N), "bytes-written/round")
		})
	}
}
