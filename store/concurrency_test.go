package store

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/tokenscope/tokenscope/providers"
	"github.com/zalando/go-keyring"
)

// TestMain turns the test binary into a child process when
// TOKENSCOPE_STORE_CHILD is set: the multi-process tests re-execute it.
func TestMain(m *testing.M) {
	if mode := os.Getenv("TOKENSCOPE_STORE_CHILD"); mode != "" {
		if err := child(mode); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	keyring.MockInit()
	os.Exit(m.Run())
}

// child runs one child mode against $TOKENSCOPE_HOME, unlocked through
// OpenKeys with $TOKENSCOPE_IDENTITY.
func child(mode string) error {
	v, err := OpenKeys(os.Getenv("TOKENSCOPE_HOME"), Keys{Identity: os.Getenv("TOKENSCOPE_IDENTITY")})
	if err != nil {
		return err
	}
	switch mode {
	case "saves":
		me := os.Getenv("TOKENSCOPE_STORE_CHILD_NAME")
		for range 50 {
			if err := v.Update(func(p *Payload) error { return bump(p, "shared", me) }); err != nil {
				return err
			}
		}
		return nil
	case "narrow":
		// Saves through the methods that read one file: an event for
		// "shared" and one for this process's provider (each a file
		// rewritten in place), and a provider added (the index
		// committed, perhaps a new file).
		me := os.Getenv("TOKENSCOPE_STORE_CHILD_NAME")
		for k := range 10 {
			for _, name := range []string{"shared", me} {
				e := providers.Event{At: fixedTime, Kind: providers.EventRefreshed, Detail: me}
				if _, err := v.Record(name, testToken(0, k), e); err != nil {
					return err
				}
			}
			if _, err := v.PutProviderEntry(counterProvider(me + "-" + strconv.Itoa(k))); err != nil {
				return err
			}
		}
		return nil
	case "loop":
		// Saves forever, each write slowed down, until killed: "shared"
		// with prov0000, which is in another file (two files and the
		// index: a commit), then prov0001 alone (its file rewritten in
		// place).
		v.wrapWriter = func(w io.Writer) io.Writer { return slowWriter{w} }
		fmt.Println("ready")
		for i := 0; ; i++ {
			names := []string{"shared", "prov0000"}
			if i%2 == 1 {
				names = []string{"prov0001"}
			}
			if err := v.Update(func(p *Payload) error { return bump(p, names...) }); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("unknown mode %q", mode)
}

// bump increments the counter kept in each named provider's params.
func bump(p *Payload, names ...string) error {
	for _, name := range names {
		i := p.Find(name)
		if i < 0 {
			return fmt.Errorf("no provider %s", name)
		}
		e := &p.Providers[i].Provider
		n, _ := strconv.Atoi(e.Params["n"])
		e.Params = map[string]string{"n": strconv.Itoa(n + 1)}
	}
	return nil
}

func counter(t *testing.T, v *Vault, name string) int {
	t.Helper()
	p, _, err := v.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p.Params["n"])
	return n
}

type slowWriter struct{ w io.Writer }

func (s slowWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k, err := s.w.Write(p[:min(len(p), 1024)])
		n += k
		if err != nil {
			return n, err
		}
		p = p[k:]
		time.Sleep(200 * time.Microsecond)
	}
	return n, nil
}

func counterProvider(name string) providers.Provider {
	p := testProvider(0)
	p.Name = name
	return p
}

func startChild(t *testing.T, v *Vault, mode, name string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "TOKENSCOPE_STORE_CHILD="+mode, "TOKENSCOPE_STORE_CHILD_NAME="+name,
		"TOKENSCOPE_HOME="+v.Dir(), "TOKENSCOPE_IDENTITY="+v.id.String())
	cmd.Stderr = os.Stderr
	return cmd
}

// TestConcurrentNarrowSaves: four processes record events and add
// providers at once, each save reading and writing only the files it
// needs, among providers spread over several files: no event and no
// provider is lost.
func TestConcurrentNarrowSaves(t *testing.T) {
	v := vaultOf(t, 20)
	names := []string{"c0", "c1", "c2", "c3"}
	for _, n := range append([]string{"shared"}, names...) {
		if err := v.PutProvider(counterProvider(n)); err != nil {
			t.Fatal(err)
		}
	}
	var cmds []*exec.Cmd
	for _, n := range names {
		cmd := startChild(t, v, "narrow", n)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child failed: %v", err)
		}
	}
	p, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Providers) != 20+5+40 {
		t.Fatalf("%d providers, want %d", len(p.Providers), 20+5+40)
	}
	count := func(name string) map[string]int {
		got := map[string]int{}
		for _, e := range p.Providers[p.Find(name)].History {
			got[e.Detail]++
		}
		return got
	}
	shared := count("shared")
	for _, n := range names {
		if shared[n] != 10 || count(n)[n] != 10 {
			t.Errorf("%s: %d events in shared, %d in its own, want 10 each", n, shared[n], count(n)[n])
		}
		for k := range 10 {
			if p.Find(n+"-"+strconv.Itoa(k)) < 0 {
				t.Errorf("provider %s-%d is lost", n, k)
			}
		}
	}
	if left := unnamedFiles(t, v); len(left) > 0 {
		t.Errorf("files no index names: %v", left)
	}
}

// TestConcurrentProcesses: four processes save 50 times each, all at once,
// every save incrementing a shared counter and the process's own: no
// update is lost.
func TestConcurrentProcesses(t *testing.T) {
	v := newTestVault(t)
	names := []string{"shared", "c0", "c1", "c2", "c3"}
	for _, n := range names {
		if err := v.PutProvider(counterProvider(n)); err != nil {
			t.Fatal(err)
		}
	}
	var cmds []*exec.Cmd
	for _, n := range names[1:] {
		cmd := startChild(t, v, "saves", n)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child failed: %v", err)
		}
	}
	if got := counter(t, v, "shared"); got != 200 {
		t.Errorf("shared counter %d after 4×50 saves: updates lost", got)
	}
	for _, n := range names[1:] {
		if got := counter(t, v, n); got != 50 {
			t.Errorf("%s counter %d, want 50", n, got)
		}
	}
}

// TestConcurrentGoroutines: two Vaults on one directory in one process,
// four goroutines each: the in-process mutex and the file lock together
// lose nothing.
func TestConcurrentGoroutines(t *testing.T) {
	v := newTestVault(t)
	if err := v.PutProvider(counterProvider("shared")); err != nil {
		t.Fatal(err)
	}
	w, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		vault := []*Vault{v, w}[i%2]
		wg.Go(func() {
			for range 20 {
				if err := vault.Update(func(p *Payload) error { return bump(p, "shared") }); err != nil {
					t.Error(err)
				}
				if _, err := vault.Load(); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if got := counter(t, w, "shared"); got != 160 {
		t.Fatalf("counter %d after 8×20 saves", got)
	}
}

// TestKilledMidSave kills a saving process (SIGKILL) 25 times at random
// moments, most of them during a slowed-down write: every time the vault
// opens, its counters never go back, the two bumped together in one save
// of two files are never seen apart, and the next open removes the dead
// process's temp files and the provider files no index names.
func TestKilledMidSave(t *testing.T) {
	v := newTestVault(t)
	if err := v.Update(func(p *Payload) error { *p = *bigPayload(20); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := v.PutProvider(counterProvider("shared")); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	last, midSave := 0, 0
	for i := range 25 {
		cmd := startChild(t, v, "loop", "")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("child did not start: %q %v", line, err)
		}
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		if len(tempFiles(t, v.Dir())) > 0 {
			midSave++
		}
		w, err := OpenIdentity(v.Dir(), v.id.String())
		if err != nil {
			t.Fatalf("kill %d: vault unreadable: %v", i, err)
		}
		n, pair := counter(t, w, "shared"), counter(t, w, "prov0000")
		if n < last {
			t.Fatalf("kill %d: counter went back from %d to %d", i, last, n)
		}
		if pair != n {
			t.Fatalf("kill %d: the save of two files was seen half done: %d and %d", i, n, pair)
		}
		last = n
		if left := tempFiles(t, v.Dir()); len(left) > 0 {
			t.Fatalf("kill %d: open left temp files %v", i, left)
		}
		if left := unnamedFiles(t, w); len(left) > 0 {
			t.Fatalf("kill %d: open left provider files no index names: %v", i, left)
		}
	}
	t.Logf("25 kills: %d mid-write, %d saves completed", midSave, last)
	if midSave < 5 || last == 0 {
		t.Fatalf("the kills did not exercise both cases: %d mid-write, %d saves", midSave, last)
	}
}

func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestStaleTempFilesRemovedAtOpen(t *testing.T) {
	v := faultVault(t)
	stale := []string{".vault.age8123", ".identity.age77", ".keyring.id5"}
	kept := []string{".vault.agex", "notes.txt", ".vault.age"}
	for _, n := range append(stale, kept...) {
		writeFile(t, filepath.Join(v.Dir(), n), []byte("x"))
	}
	// Not while another process holds the lock: those may be its files.
	fl := flock.New(filepath.Join(v.Dir(), lockFile))
	if err := fl.Lock(); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenIdentity(v.Dir(), v.id.String()); err != nil {
		t.Fatal(err)
	}
	fl.Unlock()
	if got := len(tempFiles(t, v.Dir())); got != 5 {
		t.Fatalf("%d dot files left while locked, want all 5", got)
	}
	// Not when the open is refused.
	os.Chmod(filepath.Join(v.Dir(), vaultFile), 0o644)
	if _, err := OpenIdentity(v.Dir(), v.id.String()); !errors.Is(err, ErrUnsafe) {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(v.Dir(), vaultFile), 0o600)
	if got := len(tempFiles(t, v.Dir())); got != 5 {
		t.Fatalf("a refused open removed files")
	}
	if _, err := OpenIdentity(v.Dir(), v.id.String()); err != nil {
		t.Fatal(err)
	}
	left := tempFiles(t, v.Dir())
	if strings.Join(left, ",") != ".vault.age,.vault.agex" {
		t.Fatalf("after open: %v", left)
	}
}

// TestLockTimeoutNamesHolder: a save that cannot get the lock gives up
// after the timeout and names the process holding it.
func TestLockTimeoutNamesHolder(t *testing.T) {
	v := faultVault(t)
	fl := flock.New(filepath.Join(v.Dir(), lockFile))
	if err := fl.Lock(); err != nil {
		t.Fatal(err)
	}
	v.lockTimeout = 50 * time.Millisecond
	before := snapshot(t, v.Dir())
	err := v.SetTheme("dracula")
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), lockFile) {
		t.Fatalf("got %v, want ErrLocked", err)
	}
	if runtime.GOOS == "linux" && !strings.Contains(err.Error(), fmt.Sprintf("process %d (", os.Getpid())) {
		t.Fatalf("error %q does not name the holder, process %d", err, os.Getpid())
	}
	sameSnapshot(t, before, snapshot(t, v.Dir()))
	fl.Unlock()
	if err := v.SetTheme("dracula"); err != nil {
		t.Fatal(err)
	}
}

// Records waiting together for one file are saved in one write of it,
// each answered with its own event in the entry.
func TestRecordsWaitingTogetherSaveOnce(t *testing.T) {
	v := newTestVault(t)
	big := bigPayload(groupSize)
	if err := v.Update(func(p *Payload) error { *p = *big; return nil }); err != nil {
		t.Fatal(err)
	}
	var writes atomic.Int64
	v.wrapWriter = func(w io.Writer) io.Writer { writes.Add(1); return w }
	v.mu.Lock() // a save under way: every record below waits
	errs := make(chan error, groupSize)
	for i := range groupSize {
		go func() {
			ev := providers.Event{At: fixedTime, Kind: providers.EventRefreshed, Detail: fmt.Sprintf("answer %d", i)}
			e, err := v.Record(fmt.Sprintf("prov%04d", i), testToken(i, 1), ev)
			if err == nil && e.History[len(e.History)-1] != ev {
				err = fmt.Errorf("prov%04d: the answer ends with %v, not its own event", i, e.History[len(e.History)-1])
			}
			errs <- err
		}()
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
		v.qmu.Lock()
		n := len(v.queued)
		v.qmu.Unlock()
		if n == groupSize {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d records queued, want %d", n, groupSize)
		}
	}
	v.mu.Unlock()
	for range groupSize {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := writes.Load(); n != 1 {
		t.Errorf("%d files written, want the one holding every provider", n)
	}
	other, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	p, err := other.Load()
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range p.Providers {
		if last := e.History[len(e.History)-1]; last.Detail != fmt.Sprintf("answer %d", i) || e.Token.RefreshToken != testToken(i, 1).RefreshToken {
			t.Errorf("%s on disk: last event %q, refresh token %q", e.Provider.Name, last.Detail, e.Token.RefreshToken)
		}
	}
}

// Lookups on one Vault run alongside its saves, each finding a token the
// store held at some moment: the one before a record or the one after.
func TestLookupsAlongsideSaves(t *testing.T) {
	v := newTestVault(t)
	big := bigPayload(2 * groupSize)
	if err := v.Update(func(p *Payload) error { *p = *big; return nil }); err != nil {
		t.Fatal(err)
	}
	const rounds = 20
	var wg sync.WaitGroup
	errs := make(chan error, 4*groupSize)
	for i := range 2 * groupSize {
		name := fmt.Sprintf("prov%04d", i)
		wg.Go(func() {
			for gen := 1; gen <= rounds; gen++ {
				if _, err := v.Record(name, testToken(i, gen), providers.Event{At: fixedTime, Kind: providers.EventRefreshed}); err != nil {
					errs <- err
					return
				}
			}
		})
		wg.Go(func() {
			for range rounds {
				_, tok, err := v.Lookup(name)
				if err == nil && !strings.HasPrefix(tok.RefreshToken.Reveal(), fmt.Sprintf("rtok-%04d-", i)) {
					err = fmt.Errorf("%s: the token of another provider", name)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i := range 2 * groupSize {
		_, tok, err := v.Lookup(fmt.Sprintf("prov%04d", i))
		if err != nil || tok.RefreshToken != testToken(i, rounds).RefreshToken {
			t.Errorf("prov%04d: %v, the last token not kept", i, err)
		}
	}
}
