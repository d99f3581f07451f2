package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/store"
)

// TestUnlockDropsIdentityFromTheEnvironment unlocks with
// TOKENSCOPE_IDENTITY in the real process environment: a program started
// before the unlock sees the key, one started after does not. Not
// parallel: it changes the process environment (t.Setenv restores it).
func TestUnlockDropsIdentityFromTheEnvironment(t *testing.T) {
	if _, err := exec.LookPath("env"); err != nil {
		t.Skip("no env program to start")
	}
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := store.Init(dir, []byte("pass"), store.MinWorkFactor); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TOKENSCOPE_HOME", dir)
	t.Setenv("TOKENSCOPE_PASSPHRASE", "")
	t.Setenv("TOKENSCOPE_IDENTITY", unwrapIdentity(t, dir, "pass"))
	childSees := func() bool {
		t.Helper()
		out, err := exec.Command("env").Output()
		if err != nil {
			t.Fatal(err)
		}
		return regexp.MustCompile(`(?m)^TOKENSCOPE_IDENTITY=AGE-SECRET-KEY-1`).Match(out)
	}
	if !childSees() {
		t.Fatal("before the unlock, a child process does not see TOKENSCOPE_IDENTITY: the test proves nothing")
	}
	var stdout, stderr bytes.Buffer
	a := newApp(strings.NewReader(""), &stdout, &stderr, os.Getenv, defaultHooks())
	if _, err := a.unlock(context.Background()); err != nil {
		t.Fatal(err)
	}
	if childSees() {
		t.Error("after the unlock, a child process still sees TOKENSCOPE_IDENTITY")
	}
}

// TestUnlockDropsPassphraseFromTheEnvironment is the same for
// TOKENSCOPE_PASSPHRASE. Not parallel: it changes the process environment.
func TestUnlockDropsPassphraseFromTheEnvironment(t *testing.T) {
	if _, err := exec.LookPath("env"); err != nil {
		t.Skip("no env program to start")
	}
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := store.Init(dir, []byte("pass"), store.MinWorkFactor); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TOKENSCOPE_HOME", dir)
	t.Setenv("TOKENSCOPE_IDENTITY", "")
	t.Setenv("TOKENSCOPE_PASSPHRASE", "pass")
	childSees := func() bool {
		t.Helper()
		out, err := exec.Command("env").Output()
		if err != nil {
			t.Fatal(err)
		}
		return regexp.MustCompile(`(?m)^TOKENSCOPE_PASSPHRASE=pass$`).Match(out)
	}
	if !childSees() {
		t.Fatal("before the unlock, a child process does not see TOKENSCOPE_PASSPHRASE: the test proves nothing")
	}
	var stdout, stderr bytes.Buffer
	a := newApp(strings.NewReader(""), &stdout, &stderr, os.Getenv, defaultHooks())
	if _, err := a.unlock(context.Background()); err != nil {
		t.Fatal(err)
	}
	if childSees() {
		t.Error("after the unlock, a child process still sees TOKENSCOPE_PASSPHRASE")
	}
}
