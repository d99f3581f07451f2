package store

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// TestChangesAnswerWithTheEntryAsStored: Record and PutProviderEntry
// answer with what the store holds after the change (history capped and
// scrubbed, the token kept or dropped by the wire identity rule), the same
// as a Lookup right after.
func TestChangesAnswerWithTheEntryAsStored(t *testing.T) {
	v := newTestVault(t)
	p := testProvider(1)
	if _, err := v.PutProviderEntry(p); err != nil {
		t.Fatal(err)
	}
	tok := &providers.Token{AccessToken: "access-token-value", TokenType: "Bearer",
		IssuedAt: fixedTime, ExpiresAt: fixedTime.Add(time.Hour)}
	var got Entry
	for i := range MaxHistory + 3 {
		ev := providers.Event{At: fixedTime.Add(time.Duration(i) * time.Second), Kind: providers.EventIssued,
			Detail: "secret " + p.ClientSecret.Reveal()}
		var err error
		if got, err = v.Record(p.Name, tok, ev); err != nil {
			t.Fatal(err)
		}
	}
	if len(got.History) != MaxHistory || got.Token == nil || got.Token.AccessToken != tok.AccessToken {
		t.Fatalf("Record answered %d events, token %v", len(got.History), got.Token)
	}
	if last := got.History[MaxHistory-1]; strings.Contains(last.Detail, p.ClientSecret.Reveal()) ||
		!last.At.Equal(fixedTime.Add((MaxHistory+2)*time.Second)) {
		t.Errorf("last event as answered: %+v", last)
	}

	kept := p
	kept.TryURL = "https://api.example.com/v2/me"
	if got, err := v.PutProviderEntry(kept); err != nil || got.Token == nil || got.Provider.TryURL != kept.TryURL ||
		len(got.History) != MaxHistory {
		t.Errorf("an edit of the try URL answered token %v, history %d, err %v", got.Token, len(got.History), err)
	}
	moved := kept
	moved.Scope = "admin"
	if got, err := v.PutProviderEntry(moved); err != nil || got.Token != nil {
		t.Errorf("an edit of the scope answered token %v, err %v", got.Token, err)
	}
	if _, err := v.Record("nobody", nil, providers.Event{}); err == nil {
		t.Error("Record of an unknown provider succeeded")
	}
}
