package cli

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/store"
)

// TestInterruptExits130 interrupts "tokenscope token" while the token
// request hangs: the process says so and exits 130, and records nothing.
// The process is the test binary, installed on PATH as tokenscope by
// TestMain.
func TestInterruptExits130(t *testing.T) {
	if _, err := exec.LookPath("tokenscope"); err != nil {
		t.Skip("tokenscope is not on PATH: run through TestMain")
	}
	hit := make(chan struct{}, 8)
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit <- struct{}{}
		select { // hang until the client gives up
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer srv.Close()
	defer close(done)

	dir := filepath.Join(t.TempDir(), "home")
	v, err := store.Init(dir, []byte("pass"), store.MinWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	p := providers.Provider{Name: "slow", Preset: "oauth2", TokenURL: srv.URL + "/token", ClientID: "app", ClientSecret: "s"}
	if p, err = providers.ApplyPreset(p); err != nil {
		t.Fatal(err)
	}
	if err := v.PutProvider(p); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command("tokenscope", "token", "slow")
	cmd.Env = append(os.Environ(), "TOKENSCOPE_HOME="+dir, "TOKENSCOPE_PASSPHRASE=pass")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hit:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the token request never arrived; stderr: %s", stderr.String())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupt {
		t.Fatalf("exit code %d (%v), want %d; stderr: %s", code, err, exitInterrupt, stderr.String())
	}
	if got, want := stderr.String(), "tokenscope: error: interrupted\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
	pl, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	if h := pl.Providers[0].History; len(h) != 0 {
		t.Errorf("history after an interrupt = %v, want none", h)
	}
}

// TestInterruptWhileReadingStdin interrupts commands waiting for standard
// input that never comes (a pipe whose writer stays open): each says so
// and exits 130 at once, rather than waiting for the writer; import says
// that nothing was imported.
func TestInterruptWhileReadingStdin(t *testing.T) {
	if _, err := exec.LookPath("tokenscope"); err != nil {
		t.Skip("tokenscope is not on PATH: run through TestMain")
	}
	dir := filepath.Join(t.TempDir(), "home")
	if _, err := store.Init(dir, []byte("pass"), store.MinWorkFactor); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"decode", "-"}, "tokenscope: error: interrupted\n"},
		{[]string{"import", "-"}, "tokenscope: error: interrupted: nothing was imported\n"},
	} {
		args := tt.args
		t.Run(args[0], func(t *testing.T) {
			cmd := exec.Command("tokenscope", args...)
			cmd.Env = append(os.Environ(), "TOKENSCOPE_HOME="+dir, "TOKENSCOPE_PASSPHRASE=pass")
			stdin, err := cmd.StdinPipe() // held open: the read never ends by itself
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond) // let it reach the read
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("still reading standard input 10 s after the interrupt")
			}
			if code := cmd.ProcessState.ExitCode(); code != exitInterrupt {
				t.Errorf("exit code %d, want %d; stderr: %s", code, exitInterrupt, stderr.String())
			}
			if got := stderr.String(); got != tt.want {
				t.Errorf("stderr = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDemoHangupRemovesStore closes the demo's terminal (SIGHUP, which the
// explorer does not handle): the throwaway store is removed all the same.
func TestDemoHangupRemovesStore(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no hangup signal on Windows")
	}
	if _, err := exec.LookPath("tokenscope-fakeui"); err != nil {
		t.Skip("tokenscope-fakeui is not on PATH: run through TestMain")
	}
	cmd := exec.Command("tokenscope-fakeui", "--demo")
	cmd.Env = append(os.Environ(), "FAKEUI_HANG=1", "TMPDIR="+t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	dir, ok := strings.CutPrefix(strings.TrimSpace(line), "explorer: store ")
	if err != nil || !ok {
		_ = cmd.Process.Kill()
		t.Fatalf("first line %q: %v", line, err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("demo store while running: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 129 {
		t.Errorf("exit code %d, want 129", code)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("demo store %s left behind after a hangup: %v", dir, err)
	}
}

// The whole-process benchmarks run the real command, built once per
// benchmark, against a loopback token server that answers at once, so
// they measure tokenscope itself. Each reports the median wall time of a
// run next to the mean:
//
//	go test -run '^$' -bench Process -benchtime 20x ./ui/cli/
//
// BenchmarkProcessCurl is the yardstick for token --fresh: curl sending
// the same request to the same server.

// BenchmarkProcessVersion is the floor: starting the binary at all.
func BenchmarkProcessVersion(b *testing.B) {
	f := newProcessFixture(b)
	f.bench(b, f.bin, "--version")
}

func BenchmarkProcessHeader(b *testing.B) {
	f := newProcessFixture(b)
	f.run(b, "token", "api") // cache a token
	f.bench(b, f.bin, "header", "api")
}

// BenchmarkProcessHeader1000 is header with a store of 1,000 providers,
// each holding a token the size real providers issue (a ~900-byte JWT, a
// refresh token, extra fields and five history events): the store issue's
// target of under 20 ms.
func BenchmarkProcessHeader1000(b *testing.B) {
	f := newProcessFixture(b)
	f.run(b, "token", "api")
	v, err := store.OpenIdentity(f.home, f.id)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	err = v.Update(func(p *store.Payload) error {
		for i := range 999 {
			pr, err := providers.ApplyPreset(providers.Provider{Name: fmt.Sprintf("prov%04d", i), Preset: "oauth2",
				TokenURL: f.url + "/token", ClientID: fmt.Sprintf("client-%04d", i), ClientSecret: providers.Secret(fmt.Sprintf("secret-%04d-Zq8v3LmN0pX2", i)),
				Scope: "read write", JWKSURL: f.url + "/jwks", TryURL: f.url + "/me"})
			if err != nil {
				return err
			}
			claims := fmt.Sprintf(`{"sub":"client-%04d","aud":"https://api.example.com","scope":"read write","pad":"%s"}`, i, strings.Repeat("x", 400))
			jwt := "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + base64.RawURLEncoding.EncodeToString([]byte(claims)) + "." +
				base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{byte(i)}, 256))
			e := store.Entry{Provider: pr, Token: &providers.Token{AccessToken: providers.Secret(jwt), TokenType: "Bearer",
				RefreshToken: providers.Secret(fmt.Sprintf("rtok-%04d-Qw3Er5Ty7Ui9Op1As3Df5", i)), Scope: "read write",
				IssuedAt: now, ExpiresAt: now.Add(time.Hour), ExpiresIn: 3600, ExpirySource: providers.ExpiryFromExpiresIn,
				Extra: []providers.Field{{Key: "ext_expires_in", Value: "3600"}}}}
			for k := range 5 {
				e.History = append(e.History, providers.Event{At: now.Add(time.Duration(k-5) * time.Hour), Kind: providers.EventRefreshed, Detail: "200 OK in 142ms"})
			}
			p.Providers = append(p.Providers, e)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	f.bench(b, f.bin, "header", "prov0500")
}

func BenchmarkProcessTokenFresh(b *testing.B) {
	f := newProcessFixture(b)
	f.bench(b, f.bin, "token", "api", "--fresh")
}

func BenchmarkProcessCurl(b *testing.B) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		b.Skip("no curl")
	}
	f := newProcessFixture(b)
	f.bench(b, curl, "-sS", "-u", "app:bench-secret", "-H", "Accept: application/json",
		"--data-urlencode", "grant_type=client_credentials", f.url+"/token")
}

// processFixture is a built tokenscope, a store unlocked by identity
// holding provider "api", and the token server it points at.
type processFixture struct {
	bin, url string
	env      []string
	home, id string // the store's directory and its identity
}

func newProcessFixture(b *testing.B) *processFixture {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"bench-access-token-0123456789","token_type":"Bearer","expires_in":3600}`))
	}))
	b.Cleanup(srv.Close)
	tmp := b.TempDir()
	bin := filepath.Join(tmp, "tokenscope")
	build := exec.Command("go", "build", "-o", bin, "github.com/tokenscope/tokenscope")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(tmp, "home")
	v, err := store.Init(dir, []byte("pass"), store.MinWorkFactor)
	if err != nil {
		b.Fatal(err)
	}
	p, err := providers.ApplyPreset(providers.Provider{Name: "api", Preset: "oauth2", TokenURL: srv.URL + "/token",
		ClientID: "app", ClientSecret: "bench-secret"})
	if err != nil {
		b.Fatal(err)
	}
	if err := v.PutProvider(p); err != nil {
		b.Fatal(err)
	}
	id := unwrapIdentity(b, dir, "pass")
	env := append(os.Environ(), "TOKENSCOPE_HOME="+dir, "TOKENSCOPE_IDENTITY="+id)
	return &processFixture{bin: bin, url: srv.URL, env: env, home: dir, id: id}
}

func (f *processFixture) run(b *testing.B, args ...string) {
	b.Helper()
	cmd := exec.Command(f.bin, args...)
	cmd.Env = f.env
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%v: %v\n%s", args, err, out)
	}
}

// bench runs name args b.N times and reports the median run.
func (f *processFixture) bench(b *testing.B, name string, args ...string) {
	b.Helper()
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(name, args...)
		cmd.Env = f.env
		start := time.Now()
		out, err := cmd.CombinedOutput()
		times = append(times, time.Since(start))
		if err != nil {
			b.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms/median")
}

// unwrapIdentity reads the store's identity as the stock age command
// would, for TOKENSCOPE_IDENTITY.
func unwrapIdentity(tb testing.TB, dir, passphrase string) string {
	tb.Helper()
	sid, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "identity.age"))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := age.Decrypt(bytes.NewReader(data), sid)
	if err != nil {
		tb.Fatal(err)
	}
	ids, err := age.ParseIdentities(r)
	if err != nil || len(ids) != 1 {
		tb.Fatalf("identity.age: %v (%d identities)", err, len(ids))
	}
	x, ok := ids[0].(*age.X25519Identity)
	if !ok {
		tb.Fatalf("identity.age holds a %T", ids[0])
	}
	return x.String()
}
