//go:build linux

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers/demo"
)

// TestMoMoSandboxPromptsWithoutEcho runs momo-sandbox on a terminal: it
// asks for the subscription key, the key typed is not echoed, and the
// provider works.
func TestMoMoSandboxPromptsWithoutEcho(t *testing.T) {
	srv, err := demo.Start(demo.Options{Lifetime: time.Hour, SigningKey: demoKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	work := t.TempDir()
	env := append(os.Environ(), "TOKENSCOPE_HOME="+filepath.Join(work, "home"), "TOKENSCOPE_PASSPHRASE=pass",
		"NO_COLOR=1", "CI=", "TZ=UTC")
	initCmd := exec.Command("tokenscope", "init", "--work-factor", "10")
	initCmd.Env = env
	if out, err := initCmd.CombinedOutput(); err != nil {
		t.Fatalf("init: %v: %s", err, out)
	}
	master, slave, err := openPTY(80, 24)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	cmd := exec.Command("tokenscope", "momo-sandbox", "typed", "--product", "collection", "--base-url", srv.URL()+"/momo")
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	var out ptyOutput
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			_, _ = out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	for !bytes.Contains(out.bytes(), []byte("collection subscription key: ")) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("no prompt; it wrote %q", out.bytes())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := master.WriteString("demo-collection-subscription-key\r"); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("momo-sandbox: %v", err)
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("momo-sandbox did not end; it wrote %q", out.bytes())
	}
	<-copied
	got := string(out.bytes())
	if strings.Contains(got, "demo-collection-subscription-key") {
		t.Errorf("the subscription key was echoed: %q", got)
	}
	if !strings.Contains(got, "tokenscope: typed works: first token fetched") {
		t.Errorf("no first token: %q", got)
	}
}
