package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The helper process: the test binary run again as another user, to be
// the stranger at the other end of a socket. Its role comes from the
// environment, so that it never runs as part of a normal test run.
const (
	envRole   = "TOKENSCOPE_AGENT_TEST_ROLE"
	envSocket = "TOKENSCOPE_AGENT_TEST_SOCKET"
)

// evilIdentity is what the stranger's fake agent hands out.
const evilIdentity = "AGE-SECRET-KEY-1EVILEVILEVILEVILEVILEVILEVILEVILEVILEVILEVILEVILEVILEVILEV"

func TestStrangerHelper(t *testing.T) {
	switch os.Getenv(envRole) {
	case "":
		t.Skip("the helper process of TestPeerCredentials")
	case "listen":
		strangerListen(os.Getenv(envSocket))
	case "connect":
		strangerConnect(os.Getenv(envSocket))
	}
	os.Exit(0)
}

// strangerListen is a fake agent that answers every request with an
// identity.
func strangerListen(socket string) {
	ln, err := net.Listen("unix", socket)
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	for {
		c, err := ln.Accept()
		if err != nil {
			os.Exit(1)
		}
		_, _ = bufio.NewReader(c).ReadString('\n')
		data, _ := json.Marshal(Reply{V: Version, Identity: evilIdentity, Dir: "/", PID: os.Getpid()})
		_, _ = c.Write(append(data, '\n'))
		c.Close()
	}
}

// strangerConnect asks the agent on socket for an identity and says what
// it got.
func strangerConnect(socket string) {
	c, err := net.Dial("unix", socket)
	if err != nil {
		fmt.Println("dial:", err)
		os.Exit(1)
	}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	_, _ = c.Write([]byte(`{"v":1,"op":"status"}` + "\n"))
	data, err := io.ReadAll(c)
	fmt.Printf("got %q, %v\n", data, err)
}

// stranger starts the helper as uid nobody with role and socket, in a
// copy of the test binary that nobody may run.
func stranger(t *testing.T, shared, role, socket string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(shared, "agent.test")
	if _, err := os.Stat(bin); err != nil {
		data, err := os.ReadFile(self)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "-test.run=^TestStrangerHelper$")
	cmd.Env = []string{envRole + "=" + role, envSocket + "=" + socket}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	cmd.Dir = shared
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, bufio.NewReader(out)
}

// sharedDir is a directory both root and nobody can use, outside the
// tests' 0700 temporary directory.
func sharedDir(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run a process as another user")
	}
	d, err := os.MkdirTemp("", "agent-peer")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	if err := os.Chmod(d, 0o777); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestPeerCredentials: with the file permissions out of the way, the
// kernel's word on who is at the other end still refuses a stranger,
// at both ends.
func TestPeerCredentials(t *testing.T) {
	t.Parallel()
	shared := sharedDir(t)

	t.Run("the client refuses another user's agent", func(t *testing.T) {
		f := newFixture(t)
		if err := os.Mkdir(filepath.Dir(f.socket), 0o700); err != nil {
			t.Fatal(err)
		}
		// The stranger listens where it may, and the socket is then
		// moved into the user's directory, as a mistake or a race might.
		theirs := filepath.Join(shared, "theirs.sock")
		_, out := stranger(t, shared, "listen", theirs)
		if line, err := out.ReadString('\n'); line != "ready\n" {
			t.Fatalf("the stranger said %q, %v", line, err)
		}
		if err := os.Rename(theirs, f.socket); err != nil {
			t.Fatal(err)
		}
		id, err := Identity(context.Background(), f.socket, f.store)
		if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), "runs as user 65534") || id != "" {
			t.Fatalf("Identity from another user's agent = %q, %v; want ErrUnsafe", id, err)
		}
	})

	t.Run("the agent refuses another user's client", func(t *testing.T) {
		f := newFixture(t)
		refused := make(chan int, 1)
		cfg := f.config(time.Hour)
		cfg.Refused = func(uid int) { refused <- uid }
		serve(t, cfg)
		// A link to the socket where the stranger can reach it, and the
		// socket opened to everyone: only SO_PEERCRED stands in the way.
		link := filepath.Join(shared, "ours.sock")
		if err := os.Link(f.socket, link); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(f.socket, 0o666); err != nil {
			t.Fatal(err)
		}
		cmd, out := stranger(t, shared, "connect", link)
		said, _ := io.ReadAll(out)
		_ = cmd.Wait()
		if !strings.HasPrefix(string(said), `got "", `) || strings.Contains(string(said), "AGE-SECRET-KEY") {
			t.Errorf("the stranger %s; want nothing", strings.TrimSpace(string(said)))
		}
		select {
		case uid := <-refused:
			if uid != nobody {
				t.Errorf("Refused(%d), want Refused(%d)", uid, nobody)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("Refused was not called")
		}
	})
}
