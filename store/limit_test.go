package store

import (
	"encoding/base64"
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

// hostileToken is a token bigger than any ParseTokenResponse accepts
// (providers.MaxTokenBytes), as a store written before that bound may
// hold: a 900 KiB access token and as many extra fields, padded with <,
// as a token keeps. The store must bound itself without the engine.
func hostileToken(t *testing.T) *providers.Token {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"access_token":"A","token_type":"Bearer"`)
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
	tok.AccessToken = providers.Secret(strings.Repeat("A", 900<<10))
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

// TestWorstTokenResponseBarelyGrowsTheStore sends the worst answers a
// server can make within the 1 MiB response cap: bytes that are not
// UTF-8 (each once stored as a six-byte \ufffd: a 0xff scope grew the
// vault from 243 B to 6.3 MB), control characters, quotes, a huge access
// token. Each is refused or adds at most providers.MaxTokenBytes to the
// vault.
func TestWorstTokenResponseBarelyGrowsTheStore(t *testing.T) {
	const room = 1<<20 - 100
	fill := func(prefix, unit, suffix string) string {
		n := (room - len(prefix) - len(suffix)) / len(unit)
		return prefix + strings.Repeat(unit, n) + suffix
	}
	for _, tc := range []struct{ name, body string }{
		{"0xff scope", fill(`{"access_token":"A","scope":"`, "\xff", `"}`)},
		{"0xff extra", fill(`{"access_token":"A","x":"`, "\xff", `"}`)},
		{"0xff extra key", fill(`{"access_token":"A","`, "\xff", `":1}`)},
		{"control scope", fill(`{"access_token":"A","scope":"`, `\u0001`, `"}`)},
		{"quoted scope", fill(`{"access_token":"A","scope":"`, `\"`, `"}`)},
		{"line separators", fill(`{"access_token":"A","scope":"`, "\u2028", `"}`)},
		{"huge access token", fill(`{"access_token":"`, "A", `"}`)},
		{"huge refresh token", fill(`{"access_token":"A","refresh_token":"`, `\"`, `"}`)},
	} {
		v := newTestVault(t)
		if err := v.Update(func(p *Payload) error {
			p.Providers = append(p.Providers, Entry{Provider: testProvider(0)})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		size := func() int64 {
			fi, err := os.Stat(filepath.Join(v.Dir(), vaultFile))
			if err != nil {
				t.Fatal(err)
			}
			return fi.Size()
		}
		before := size()
		tok, err := oauth.ParseTokenResponse([]byte(tc.body), http.Header{}, fixedTime)
		if err != nil {
			if !strings.Contains(err.Error(), "KiB") {
				t.Errorf("%s: refused without saying why: %v", tc.name, err)
			}
			continue
		}
		if err := v.Record(testProvider(0).Name, tok, ev("issued")); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if grew := size() - before; grew > providers.MaxTokenBytes {
			t.Errorf("%s: the vault grew by %d bytes, more than %d", tc.name, grew, providers.MaxTokenBytes)
		}
	}
}

// TestAbsurdJWTTimesDoNotBreakSaves: a JWT whose exp is before 1970 or
// after 9999 gives the token no expiry (RFC 3339 cannot write such a
// time), so the save that keeps it succeeds.
func TestAbsurdJWTTimesDoNotBreakSaves(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	for _, exp := range []string{"-100000000000", "-1", "1e15", "253402300800"} {
		jwt := b64([]byte(`{"alg":"none"}`)) + "." + b64([]byte(`{"exp":`+exp+`}`)) + "."
		tok, err := oauth.ParseTokenResponse([]byte(`{"access_token":"`+jwt+`"}`), http.Header{}, fixedTime)
		if err != nil {
			t.Fatalf("exp %s: %v", exp, err)
		}
		if !tok.ExpiresAt.IsZero() {
			t.Errorf("exp %s: expires at %v, want unknown", exp, tok.ExpiresAt)
		}
		v := newTestVault(t)
		if err := v.Update(func(p *Payload) error {
			p.Providers = append(p.Providers, Entry{Provider: testProvider(0)})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := v.Record(testProvider(0).Name, tok, ev("issued")); err != nil {
			t.Errorf("exp %s: the save failed: %v", exp, err)
		}
	}
}
