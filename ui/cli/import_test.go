package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tokenscope/tokenscope/store"
)

// TestImportInterrupted interrupts import while it reads the file's
// environment variables and while it unlocks the store: either way it
// exits 130, says nothing was imported, and the store is untouched. The
// interrupt is the cancelled context, as Ctrl-C cancels it in Main.
func TestImportInterrupted(t *testing.T) {
	const file = `[[providers]]
name = "first"
preset = "oauth2"
token_url = "https://auth.example/token"
client_id = "first"

[[providers]]
name = "last"
preset = "oauth2"
token_url = "https://auth.example/token"
client_id = "last"
client_secret = "${LAST_SECRET}"
`
	for _, at := range []string{"LAST_SECRET", "TOKENSCOPE_PASSPHRASE"} {
		t.Run(at, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "home")
			v, err := store.Init(dir, []byte("pass"), store.MinWorkFactor)
			if err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(filepath.Join(dir, "vault.age"))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "providers.toml")
			if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			env := map[string]string{"TOKENSCOPE_HOME": dir, "TOKENSCOPE_PASSPHRASE": "pass", "LAST_SECRET": "s3cret-value"}
			var mu sync.Mutex
			getenv := func(k string) string {
				mu.Lock()
				defer mu.Unlock()
				if k == at {
					cancel() // Ctrl-C, as this variable is read
				}
				return env[k]
			}
			var stdout, stderr bytes.Buffer
			h := defaultHooks()
			h.unsetenv = nil // the environment is the map, not the process's
			a := newApp(strings.NewReader(""), &stdout, &stderr, getenv, h)
			if code := a.main(ctx, []string{"import", path}); code != exitInterrupt {
				t.Errorf("exit %d, want %d", code, exitInterrupt)
			}
			if got, want := stderr.String(), "tokenscope: error: interrupted: nothing was imported\n"; got != want {
				t.Errorf("stderr = %q, want %q", got, want)
			}
			if ctx.Err() == nil {
				t.Fatalf("%s was never read: the test interrupted nothing", at)
			}
			after, err := os.ReadFile(filepath.Join(dir, "vault.age"))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(before, after) {
				t.Error("vault.age changed")
			}
			pl, err := v.Load()
			if err != nil {
				t.Fatal(err)
			}
			if len(pl.Providers) != 0 {
				t.Errorf("the store holds %q after the interrupt, want nothing", pl.Names())
			}
		})
	}
}
