package store

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// hostileToken is what a server answering with the most a response may
// hold (just under the client's 1 MiB cap) makes of it: a huge access
// token and as many extra fields, padded with <, as a token keeps.
func hostileToken(t *testing.T) *providers.Token {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"access_token":"` + strings.Repeat("A", 900<<10) + `","token_type":"Bearer"`)
	for i := range 100 {
		fmt.Fprintf(&b, `,"pad%d":"%s"`, i, strings.Repeat("<", 1000))
	}
	b.WriteString("}")
	if b.Len() > 1<<20 {
		t.Fatalf("the answer is %d bytes, over the 1 MiB response cap", b.Len())
	}
	tok, err := oauth.ParseTokenResponse([]byte(b.String()), http.Header{}, fixedTime)
	if err != nil {
		t.Fatal(err)
	}
	if tok.ExtraDropped == 0 {
		t.Fatal("the padded answer did not reach the extra fields' cap")
	}
	return tok
}

// TestHostileTokensCannotLockTheStore fills a vault with tokens as big as
// a server can make them until a save would cross MaxFileSize: that save
// is refused, nothing on disk changes, and the vault still opens and
// takes changes that shrink it.
func TestHostileTokensCannotLockTheStore(t *testing.T) {
	v := newTestVault(t)
	tok := hostileToken(t)
	const n = 32 // 16 fit
	err := v.Update(func(p *Payload) error {
		for i := range n {
			p.Providers = append(p.Providers, Entry{Provider: testProvider(i)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var saved []string
	for i := 0; i < n && err == nil; i++ {
		name := testProvider(i).Name
		before := snapshot(t, v.Dir())
		if err = v.Record(name, tok, ev("issued")); err == nil {
			saved = append(saved, name)
			continue
		}
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("save %d: got %v, want ErrTooLarge", i, err)
		}
		sameSnapshot(t, before, snapshot(t, v.Dir()))
	}
	if err == nil {
		t.Fatalf("%d hostile tokens were all saved: the limit was never reached", n)
	}
	msg := err.Error()
	for _, bad := range []string{tok.AccessToken.Reveal()[:16], "<<<<", "TOKENSCOPE_", "tokenscope "} {
		if strings.Contains(msg, bad) {
			t.Errorf("the error %q holds %q", msg, bad)
		}
	}
	if !strings.Contains(msg, "16 MiB") || !strings.Contains(msg, "nothing was saved") {
		t.Errorf("the error does not say what happened: %q", msg)
	}
	fi, serr := os.Stat(filepath.Join(v.Dir(), vaultFile))
	if serr != nil || fi.Size() > MaxFileSize {
		t.Fatalf("vault.age: %v, %d bytes", serr, fi.Size())
	}
	t.Logf("%d hostile tokens saved, vault.age is %d bytes; the next save was refused", len(saved), fi.Size())

	again, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatalf("the vault no longer opens: %v", err)
	}
	p, err := again.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range saved {
		if i := p.Find(name); i < 0 || p.Providers[i].Token == nil || p.Providers[i].Token.AccessToken != tok.AccessToken {
			t.Errorf("%s lost its token", name)
		}
	}
	if err := again.RemoveProvider(saved[0]); err != nil {
		t.Fatalf("a save that shrinks the vault: %v", err)
	}
}

// countWriter counts what goes through it.
type countWriter struct{ n int }

func (c *countWriter) Write(b []byte) (int, error) { c.n += len(b); return len(b), nil }

// TestSaveAtTheSizeLimit: a vault.age of exactly MaxFileSize bytes is
// written and read back; one byte more is refused before anything is
// written.
func TestSaveAtTheSizeLimit(t *testing.T) {
	v := newTestVault(t)
	if err := v.PutProvider(testProvider(0)); err != nil {
		t.Fatal(err)
	}
	withPad := func(p *Payload, n int) { p.Providers[0].Provider.TryBody = strings.Repeat("x", n) }
	sealed := func(n int) int {
		p, err := v.Load()
		if err != nil {
			t.Fatal(err)
		}
		withPad(p, n)
		if err := p.prepare(); err != nil {
			t.Fatal(err)
		}
		var c countWriter
		if _, err := sealPayload(p, v.rcp, nil, &c, fastCodec); err != nil {
			t.Fatal(err)
		}
		return c.n
	}
	// Each byte of padding is a byte of the file, except where the
	// plaintext starts a new 64 KiB chunk (16 bytes more): converge.
	pad := MaxFileSize - 64<<10
	for range 10 {
		n := sealed(pad)
		if n == MaxFileSize {
			break
		}
		pad += MaxFileSize - n
	}
	if n := sealed(pad); n != MaxFileSize {
		t.Fatalf("no padding makes vault.age exactly %d bytes (closest %d)", MaxFileSize, n)
	}
	set := func(n int) error {
		return v.Update(func(p *Payload) error { withPad(p, n); return nil })
	}

	before := snapshot(t, v.Dir())
	if err := set(pad + 1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a vault.age of %d bytes: got %v, want ErrTooLarge", MaxFileSize+1, err)
	}
	sameSnapshot(t, before, snapshot(t, v.Dir()))

	if err := set(pad); err != nil {
		t.Fatalf("a vault.age of exactly %d bytes: %v", MaxFileSize, err)
	}
	fi, err := os.Stat(filepath.Join(v.Dir(), vaultFile))
	if err != nil || fi.Size() != MaxFileSize {
		t.Fatalf("vault.age: %v, %d bytes, want %d", err, fi.Size(), MaxFileSize)
	}
	check := func() {
		t.Helper()
		again, err := OpenIdentity(v.Dir(), v.id.String())
		if err != nil {
			t.Fatalf("a vault.age of %d bytes does not open: %v", MaxFileSize, err)
		}
		p, err := again.Load()
		if err != nil || len(p.Providers[0].Provider.TryBody) != pad {
			t.Fatalf("read back: %v", err)
		}
	}
	check()
	before = snapshot(t, v.Dir())
	if err := set(pad + 1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over a full vault: got %v, want ErrTooLarge", err)
	}
	sameSnapshot(t, before, snapshot(t, v.Dir()))
	check()
}
