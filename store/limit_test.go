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

	"filippo.io/age"
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

// groupFiles lists the provider files in dir.
func groupFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if isGroupName(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestHostileTokensCannotLockTheStore fills a vault with tokens as big as
// a server can make them: every one is saved (a provider file holds few
// enough providers), and every file stays under MaxFileSize. A change that
// would push a file over it is refused, nothing on disk changes, and the
// vault still opens and takes changes.
func TestHostileTokensCannotLockTheStore(t *testing.T) {
	v := newTestVault(t)
	tok := hostileToken(t)
	const n = 33 // two full files and one more
	err := v.Update(func(p *Payload) error {
		for i := range n {
			p.Providers = append(p.Providers, Entry{Provider: testProvider(i)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// All but the last in one save (one write per file), the last as a
	// refresh does, into a file already full of them.
	err = v.Update(func(p *Payload) error {
		for i := range n - 1 {
			p.Providers[i].Token = cloneToken(tok)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("hostile tokens: %v", err)
	}
	if _, err := v.Record(testProvider(n-1).Name, tok, ev("issued")); err != nil {
		t.Fatalf("hostile token %d: %v", n-1, err)
	}
	for _, f := range append(groupFiles(t, v.Dir()), vaultFile) {
		if fi := mustStat(t, filepath.Join(v.Dir(), f)); fi.Size() > MaxFileSize {
			t.Fatalf("%s is %d bytes, over the limit", f, fi.Size())
		}
	}

	// The biggest provider file, pushed over the limit by a change.
	before := snapshot(t, v.Dir())
	err = v.Update(func(p *Payload) error {
		p.Providers[0].Provider.TryBody = strings.Repeat("<", 2<<20)
		return nil
	})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a file over the limit: got %v, want ErrTooLarge", err)
	}
	sameSnapshot(t, before, snapshot(t, v.Dir()))
	msg := err.Error()
	for _, bad := range []string{tok.AccessToken.Reveal()[:16], "<<<<", "TOKENSCOPE_", "tokenscope "} {
		if strings.Contains(msg, bad) {
			t.Errorf("the error %q holds %q", msg, bad)
		}
	}
	if !strings.Contains(msg, "16 MiB") || !strings.Contains(msg, "nothing was saved") {
		t.Errorf("the error does not say what happened: %q", msg)
	}

	again, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatalf("the vault no longer opens: %v", err)
	}
	p, err := again.Load()
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if e := p.Providers[i]; e.Token == nil || e.Token.AccessToken != tok.AccessToken || e.Provider.TryBody != "" {
			t.Errorf("%s changed", e.Provider.Name)
		}
	}
	if err := again.RemoveProvider(testProvider(0).Name); err != nil {
		t.Fatalf("a save after the refusal: %v", err)
	}
}

// countWriter counts what goes through it.
type countWriter struct{ n int }

func (c *countWriter) Write(b []byte) (int, error) { c.n += len(b); return len(b), nil }

// TestSaveAtTheSizeLimit: a provider file of exactly MaxFileSize bytes is
// written and read back; one byte more is refused before anything is
// written.
func TestSaveAtTheSizeLimit(t *testing.T) {
	v := newTestVault(t)
	if err := v.PutProvider(testProvider(0)); err != nil {
		t.Fatal(err)
	}
	withPad := func(p *Payload, n int) { p.Providers[0].Provider.TryBody = strings.Repeat("x", n) }
	// The file's size for a padding of n: its plaintext grows a byte per
	// byte of padding, and age adds a header, a nonce and a 16-byte tag
	// per 64 KiB chunk.
	p, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	withPad(p, 1) // the key is there only when the value is not empty
	plain1, err := encodeGroup(p.Providers)
	if err != nil {
		t.Fatal(err)
	}
	var c countWriter
	w, err := age.Encrypt(&c, v.rcp)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	overhead := c.n - 16 // the header and nonce: an empty file is one chunk
	sealed := func(n int) int {
		size := len(plain1) - 1 + n
		return overhead + size + 16*((size+64<<10-1)/(64<<10))
	}
	pad := MaxFileSize - 64<<10
	for range 10 {
		n := sealed(pad)
		if n == MaxFileSize {
			break
		}
		pad += MaxFileSize - n
	}
	if n := sealed(pad); n != MaxFileSize {
		t.Fatalf("no padding makes the provider file exactly %d bytes (closest %d)", MaxFileSize, n)
	}
	set := func(n int) error {
		return v.Update(func(p *Payload) error { withPad(p, n); return nil })
	}

	before := snapshot(t, v.Dir())
	if err := set(pad + 1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a file of %d bytes: got %v, want ErrTooLarge", MaxFileSize+1, err)
	}
	sameSnapshot(t, before, snapshot(t, v.Dir()))

	if err := set(pad); err != nil {
		t.Fatalf("a file of exactly %d bytes: %v", MaxFileSize, err)
	}
	files := groupFiles(t, v.Dir())
	if len(files) != 1 || mustStat(t, filepath.Join(v.Dir(), files[0])).Size() != MaxFileSize {
		t.Fatalf("provider files %v, want one of %d bytes", files, MaxFileSize)
	}
	check := func() {
		t.Helper()
		again, err := OpenIdentity(v.Dir(), v.id.String())
		if err != nil {
			t.Fatalf("a file of %d bytes does not open: %v", MaxFileSize, err)
		}
		p, err := again.Load()
		if err != nil || len(p.Providers[0].Provider.TryBody) != pad {
			t.Fatalf("read back: %v", err)
		}
	}
	before = snapshot(t, v.Dir())
	if err := set(pad + 1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over a full file: got %v, want ErrTooLarge", err)
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
		if _, err := v.Record(testProvider(0).Name, tok, ev("issued")); err != nil {
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
		if _, err := v.Record(testProvider(0).Name, tok, ev("issued")); err != nil {
			t.Errorf("exp %s: the save failed: %v", exp, err)
		}
	}
}
