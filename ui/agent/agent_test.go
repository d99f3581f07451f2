package agent

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testIdentity has the shape of an identity; the agent never parses it.
const testIdentity = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"

// nobody is the uid (and gid) of another user, for the tests that need
// one: they run as root or skip.
const nobody = 65534

// fixture is a store directory and a runtime directory of a test's own.
type fixture struct {
	store, runtime, socket string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	tmp := t.TempDir()
	f := fixture{store: filepath.Join(tmp, "home"), runtime: filepath.Join(tmp, "run")}
	for _, d := range []string{f.store, f.runtime} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	sock, err := SocketPath(func(k string) string {
		if k == "XDG_RUNTIME_DIR" {
			return f.runtime
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	f.socket = sock
	return f
}

func (f fixture) config(lifetime time.Duration) Config {
	return Config{Socket: f.socket, Dir: f.store, Identity: testIdentity, Lifetime: lifetime}
}

// serve starts an agent and returns a channel that yields why it ended.
// Each before function may change the server before it serves.
func serve(t *testing.T, cfg Config, before ...func(*Server)) (*Server, <-chan string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := Listen(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	for _, f := range before {
		f(srv)
	}
	ended := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		why, err := srv.Serve(ctx)
		if err != nil {
			t.Errorf("serve: %v", err)
		}
		ended <- why
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return srv, ended
}

// waitEnd waits, generously, for the agent to end.
func waitEnd(t *testing.T, ended <-chan string) string {
	t.Helper()
	select {
	case why := <-ended:
		return why
	case <-time.After(30 * time.Second):
		t.Fatal("the agent did not end within 30s")
		return ""
	}
}

func TestServesItsStoreOnly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	serve(t, f.config(time.Hour))
	ctx := context.Background()

	id, err := Identity(ctx, f.socket, f.store)
	if err != nil || id != testIdentity {
		t.Fatalf("Identity = %q, %v; want the identity", id, err)
	}
	// The same store through a symlink is the same store.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(f.store, link); err != nil {
		t.Fatal(err)
	}
	if id, err := Identity(ctx, f.socket, link); err != nil || id != testIdentity {
		t.Fatalf("Identity through a symlink = %q, %v; want the identity", id, err)
	}
	other := t.TempDir()
	if id, err := Identity(ctx, f.socket, other); !errors.Is(err, ErrOtherStore) || id != "" {
		t.Fatalf("Identity for another store = %q, %v; want ErrOtherStore", id, err)
	}

	fi, err := os.Lstat(f.socket)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want a socket 0600", fi.Mode())
	}
	di, err := os.Lstat(filepath.Dir(f.socket))
	if err != nil {
		t.Fatal(err)
	}
	if di.Mode().Perm() != 0o700 {
		t.Errorf("socket directory mode %v, want 0700", di.Mode())
	}
	st, err := GetStatus(ctx, f.socket)
	if err != nil || st.Dir != f.store || st.PID != os.Getpid() || time.Until(st.Expires) < 59*time.Minute {
		t.Errorf("status = %+v, %v", st, err)
	}
}

func TestStop(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, ended := serve(t, f.config(time.Hour))
	st, err := Stop(context.Background(), f.socket)
	if err != nil || st.Dir != f.store {
		t.Fatalf("Stop = %+v, %v", st, err)
	}
	if why := waitEnd(t, ended); why != EndStopped {
		t.Errorf("ended because %q, want %q", why, EndStopped)
	}
	if _, err := os.Lstat(f.socket); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket after stop: %v, want it removed", err)
	}
	if _, err := Identity(context.Background(), f.socket, f.store); !errors.Is(err, ErrNoAgent) {
		t.Errorf("Identity after stop: %v, want ErrNoAgent", err)
	}
}

// TestLifetime: the agent ends by itself and removes its socket. The
// lifetime is short; the wait for it is generous.
func TestLifetime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, ended := serve(t, f.config(2*time.Second))
	if why := waitEnd(t, ended); why != EndLifetime {
		t.Errorf("ended because %q, want %q", why, EndLifetime)
	}
	if _, err := os.Lstat(f.socket); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket after the lifetime: %v, want it removed", err)
	}
}

// staleSocket leaves a socket file at path that nobody listens on, as an
// agent killed with SIGKILL does.
func staleSocket(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	ln.SetUnlinkOnClose(false)
	ln.Close()
}

func TestStaleSocket(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	staleSocket(t, f.socket)
	// Clients are not held up: no agent, at once (ECONNREFUSED), well
	// before the timeout a live but silent agent gets.
	start := time.Now()
	if _, err := Identity(context.Background(), f.socket, f.store); !errors.Is(err, ErrNoAgent) {
		t.Fatalf("Identity on a stale socket: %v, want ErrNoAgent", err)
	}
	if d := time.Since(start); d >= callTimeout {
		t.Errorf("a stale socket took %s, as long as the timeout", d)
	}
	// A new agent replaces it.
	serve(t, f.config(time.Hour))
	if id, err := Identity(context.Background(), f.socket, f.store); err != nil || id != testIdentity {
		t.Fatalf("Identity after a new agent replaced the stale socket = %q, %v", id, err)
	}
}

func TestSecondAgentRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	serve(t, f.config(time.Hour))
	_, err := Listen(context.Background(), f.config(time.Hour))
	if !errors.Is(err, ErrRunning) || !strings.Contains(err.Error(), "pid") {
		t.Fatalf("second Listen: %v, want ErrRunning naming the pid", err)
	}
	if _, err := Identity(context.Background(), f.socket, f.store); err != nil {
		t.Errorf("the first agent after the second was refused: %v", err)
	}
}

func TestNotASocketRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := os.MkdirAll(filepath.Dir(f.socket), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.socket, []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(context.Background(), f.config(time.Hour)); err == nil || !strings.Contains(err.Error(), "is not a socket") {
		t.Fatalf("Listen over a regular file: %v", err)
	}
	if data, err := os.ReadFile(f.socket); err != nil || string(data) != "mine" {
		t.Errorf("the file was touched: %q, %v", data, err)
	}
}

// TestUnsafeDirRefused: the agent neither listens in nor connects to a
// socket directory that is not the user's own and closed to others.
func TestUnsafeDirRefused(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		make func(t *testing.T, dir string)
		want string
	}{
		{"group-writable", func(t *testing.T, dir string) { mkdirMode(t, dir, 0o770) }, "open to group or others (mode 0770)"},
		{"world-readable", func(t *testing.T, dir string) { mkdirMode(t, dir, 0o705) }, "open to group or others (mode 0705)"},
		{"mode 0755", func(t *testing.T, dir string) { mkdirMode(t, dir, 0o755) }, "open to group or others (mode 0755)"},
		{"another user's", func(t *testing.T, dir string) {
			mkdirMode(t, dir, 0o700)
			if err := os.Chown(dir, nobody, nobody); err != nil {
				t.Skipf("cannot give the directory to another user (not root?): %v", err)
			}
		}, "is owned by user 65534"},
		{"a symlink", func(t *testing.T, dir string) {
			target := t.TempDir()
			if err := os.Symlink(target, dir); err != nil {
				t.Fatal(err)
			}
		}, "is not a directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			tt.make(t, filepath.Dir(f.socket))
			_, err := Listen(context.Background(), f.config(time.Hour))
			if !errors.Is(err, ErrUnsafe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Listen: %v, want ErrUnsafe saying %q", err, tt.want)
			}
			if _, err := os.Lstat(f.socket); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a socket was created: %v", err)
			}
			if _, err := Identity(context.Background(), f.socket, f.store); !errors.Is(err, ErrUnsafe) {
				t.Errorf("Identity: %v, want ErrUnsafe", err)
			}
		})
	}
}

func mkdirMode(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

func TestSocketPath(t *testing.T) {
	t.Parallel()
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	env["XDG_RUNTIME_DIR"] = "/run/user/1000"
	if p, err := SocketPath(getenv); err != nil || p != "/run/user/1000/tokenscope/agent.sock" {
		t.Errorf("with XDG_RUNTIME_DIR: %q, %v", p, err)
	}
	env["XDG_RUNTIME_DIR"] = "relative/run"
	if _, err := SocketPath(getenv); err == nil {
		t.Error("a relative XDG_RUNTIME_DIR was accepted")
	}
	delete(env, "XDG_RUNTIME_DIR")
	env["TMPDIR"] = "/var/tmp/me"
	want := filepath.Join("/var/tmp/me", "tokenscope-"+strconv.Itoa(os.Geteuid()), "agent.sock")
	if p, err := SocketPath(getenv); err != nil || p != want {
		t.Errorf("without XDG_RUNTIME_DIR: %q, %v; want %q", p, err, want)
	}
}
