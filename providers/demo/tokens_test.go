package demo

import (
	"fmt"
	"testing"
	"time"
)

// TestPruneForgetsExpired: a full store forgets its expired tokens, and
// one full of live tokens is looked through again only once it has
// doubled, not on every issue.
func TestPruneForgetsExpired(t *testing.T) {
	now := time.Now()
	s := newTokenStore()
	for i := range maxTokens {
		s.issue(fmt.Sprintf("old-%d", i), grant{expires: now.Add(-time.Second)}, now)
	}
	s.issue("new", grant{expires: now.Add(time.Hour)}, now)
	if len(s.access) != 1 {
		t.Fatalf("after a full store of expired tokens: %d tokens, want the one live one", len(s.access))
	}
	for i := range maxTokens - 1 {
		s.issue(fmt.Sprintf("live-%d", i), grant{expires: now.Add(time.Hour)}, now)
	}
	s.issue("last", grant{expires: now.Add(time.Hour)}, now) // a look that keeps them all
	if got, want := s.accessAt, 2*maxTokens; got != want {
		t.Fatalf("next look at %d tokens, want %d", got, want)
	}
	if len(s.access) != maxTokens+1 {
		t.Fatalf("%d tokens, want %d", len(s.access), maxTokens+1)
	}
}
