package store

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestRecoverWithAgeCommand runs the README's recovery lines, as written,
// with the stock age command on a pseudo-terminal (it reads the
// passphrase from one), over a vault of 20 providers in two files, and
// checks what they decrypt (testdata/recover.txtar). CI installs age
// (.ci/test); elsewhere the script skips when age is not on $PATH.
func TestRecoverWithAgeCommand(t *testing.T) {
	readme := string(must(os.ReadFile(filepath.Join("..", "README.md"))))
	block := regexp.MustCompile("(?s)the stock \\[age\\].*?```sh\n(.*?)```").FindStringSubmatch(readme)
	if block == nil {
		t.Fatal("README.md has no recovery lines")
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata",
		Setup: func(e *testscript.Env) error {
			dir := filepath.Join(e.WorkDir, "home")
			v, err := Init(dir, testPass, testWF)
			if err != nil {
				return err
			}
			big := bigPayload(20)
			if err := v.Update(func(p *Payload) error { *p = *big; return nil }); err != nil {
				return err
			}
			script := strings.Replace(block[1], "cd ~/.config/tokenscope", "cd "+dir, 1)
			if script == block[1] {
				t.Fatal("the recovery lines do not start with cd ~/.config/tokenscope")
			}
			// The passphrase, once per file age decrypts.
			pass := strings.Repeat(string(testPass)+"\n", 1+len(groupFiles(t, dir)))
			for name, data := range map[string]string{"recover.sh": script, "passphrases": pass} {
				if err := os.WriteFile(filepath.Join(e.WorkDir, name), []byte(data), 0o600); err != nil {
					return err
				}
			}
			return nil
		},
	})
}
