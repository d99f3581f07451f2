package store

import (
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
	if err := v.Record(testProvider(n-1).Name, tok, ev("issued")); err != nil {
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
	plain1, err := encodeJSON(group{Version: SchemaVersion, Providers: p.Providers})
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
