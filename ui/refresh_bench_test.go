package ui

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/demo"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/session"
)

// memStates is the engine's State over many providers without a store: the same lookups and
// records, kept in memory, so that a run against it costs only the
// token requests.
type memStates struct {
	mu      sync.Mutex
	entries map[string]store.Entry
}

func (s *memStates) Lookup(name string) (providers.Provider, *providers.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[name]
	if !ok {
		return providers.Provider{}, nil, fmt.Errorf("%s: %w", name, store.ErrUnknownProvider)
	}
	return e.Provider, e.Token, nil
}

func (s *memStates) Record(name string, tok *providers.Token, ev providers.Event) (store.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[name]
	e.Token = tok
	e.History = append(slices.Clone(e.History[min(len(e.History), 1):]), ev)
	s.entries[name] = e
	return e, nil
}

func (s *memStates) RecordEvent(name string, ev providers.Event) (store.Entry, error) {
	s.mu.Lock()
	tok := s.entries[name].Token
	s.mu.Unlock()
	return s.Record(name, tok, ev)
}

func (s *memStates) LookupMetadata(name string) (*providers.Metadata, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.entries[name].Metadata, nil
}

func (s *memStates) RecordMetadata(name string, m *providers.Metadata) (store.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[name]
	e.Metadata = m
	s.entries[name] = e
	return e, nil
}

// refreshRound refreshes every named provider as R does: one tokenCmd
// each, run at once, bulkSlots of them in flight; it returns how long
// the round took.
func refreshRound(b *testing.B, c *oauth.Client, st tokenState, names []string) time.Duration {
	slots := make(chan struct{}, bulkSlots)
	msgs := make(chan tea.Msg, len(names))
	t0 := time.Now()
	for i, name := range names {
		cmd := tokenCmd(c, st, name, uint64(i+1), session.OpRefresh, oauth.EnsureOptions{Renew: true}, slots)
		go func() { msgs <- cmd() }()
	}
	for range names {
		if m := (<-msgs).(tokenMsg); m.err != nil || m.stored == nil || m.stored.Token == nil {
			b.Fatalf("%s: %v", m.name, m.err)
		}
	}
	return time.Since(t0)
}

// BenchmarkRefreshAll1000 is R over 1,000 providers holding a refresh
// token, against the demo server on loopback: each round once with the
// tokens kept in memory (bare: the requests alone) and once saved to a
// store of 1,000 providers with full histories. The target: the store
// round within 1.5 times the bare one.
func BenchmarkRefreshAll1000(b *testing.B) {
	const n = 1000
	srv, err := demo.Start(demo.Options{SigningKey: demoKey()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	var tmpl providers.Provider
	for _, p := range srv.Providers() {
		if p.Name == "oauth2-local" {
			tmpl = p
		}
	}
	c := oauth.NewClient(oauth.Options{})
	mem := &memStates{entries: map[string]store.Entry{}}
	names := make([]string, n)
	for i := range n {
		p := tmpl
		p.Name = fmt.Sprintf("provider-%04d", i)
		names[i] = p.Name
		mem.entries[p.Name] = store.Entry{Provider: p}
	}
	// The first tokens, each with a refresh token, and full histories.
	for _, name := range names {
		if _, err := c.Ensure(b.Context(), mem, name, oauth.EnsureOptions{Fresh: true}); err != nil {
			b.Fatal(err)
		}
		e := mem.entries[name]
		for len(e.History) < store.MaxHistory {
			e.History = append(e.History, providers.Event{At: time.Now().UTC(), Kind: providers.EventRefreshed, Detail: "expires in 1m30s"})
		}
		mem.entries[name] = e
	}
	v, err := store.Init(filepath.Join(b.TempDir(), "home"), []byte("bench passphrase"), 10)
	if err != nil {
		b.Fatal(err)
	}
	err = v.Update(func(p *store.Payload) error {
		for _, name := range names {
			p.Providers = append(p.Providers, mem.entries[name])
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	var bare, saved []time.Duration
	b.ResetTimer()
	for range b.N {
		bare = append(bare, refreshRound(b, c, mem, names))
		saved = append(saved, refreshRound(b, c, v, names))
	}
	b.StopTimer()
	median := func(d []time.Duration) float64 {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return float64(d[len(d)/2].Microseconds()) / 1000
	}
	mb, ms := median(bare), median(saved)
	b.ReportMetric(mb, "bare-ms")
	b.ReportMetric(ms, "store-ms")
	b.ReportMetric(ms/mb, "store/bare")
}
