package e2e_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"testing"
	"time"
)

// envMockServer names the oauth2-mock-server executable.
const envMockServer = "TOKENSCOPE_OAUTH2_MOCK_SERVER"

// startTimeout bounds the server's start, key generation included.
const startTimeout = 60 * time.Second

// mock is a running oauth2-mock-server.
type mock struct {
	base   string // http://127.0.0.1:PORT
	issuer string // the iss of its tokens, as it announced it
}

// console watches the server's output (stdout and stderr together) for
// the lines that say where it listens, and keeps it all for a failure
// message.
type console struct {
	mu    sync.Mutex
	all   bytes.Buffer
	line  []byte
	m     mock
	found chan mock // receives m once, when both lines have been seen
}

func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.all.Write(p)
	for _, b := range p {
		if b != '\n' {
			c.line = append(c.line, b)
			continue
		}
		line := string(c.line)
		c.line = c.line[:0]
		if g := listeningLine.FindStringSubmatch(line); g != nil && c.m.base == "" {
			c.m.base = g[1]
		}
		if g := issuerLine.FindStringSubmatch(line); g != nil && c.m.base != "" && c.m.issuer == "" {
			c.m.issuer = g[1]
			c.found <- c.m
		}
	}
	return len(p), nil
}

func (c *console) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.all.String()
}

var (
	listeningLine = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	issuerLine    = regexp.MustCompile(`issuer is (\S+)`)
)

// startMock starts oauth2-mock-server on 127.0.0.1 on a port the system
// picks (-p 0), waits until it answers, and kills it when the test ends.
// Without TOKENSCOPE_OAUTH2_MOCK_SERVER the test is skipped, except in CI,
// where the tests must run.
func startMock(t *testing.T) *mock {
	t.Helper()
	bin := os.Getenv(envMockServer)
	if bin == "" {
		msg := envMockServer + " is not set: it names the oauth2-mock-server executable " +
			"(bash .ci/test installs it, or: npm install oauth2-mock-server@8.2.3 and point it at node_modules/.bin/oauth2-mock-server)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + "; CI=true, so the end-to-end tests must run")
		}
		t.Skip(msg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-a", "127.0.0.1", "-p", "0")
	cmd.WaitDelay = 5 * time.Second
	out := &console{found: make(chan mock, 1)}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start %s: %v", bin, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cancel() // kills the process
		<-exited
	})
	var m mock
	select {
	case m = <-out.found:
	case <-exited:
		t.Fatalf("%s exited before it listened:\n%s", bin, out.String())
	case <-time.After(startTimeout):
		t.Fatalf("%s did not say where it listens within %s:\n%s", bin, startTimeout, out.String())
	}
	waitReady(t, m.base+"/.well-known/openid-configuration", exited)
	return &m
}

// waitReady polls url until it answers 200.
func waitReady(t *testing.T, url string, exited <-chan struct{}) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		res, err := hc.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-exited:
			t.Fatalf("the server exited while starting")
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %s: %v", url, startTimeout, err)
		}
	}
}

// seen is one request as it crossed the wire to the mock server.
type seen struct {
	method, path string
	header       http.Header
	form         url.Values
}

// recorder is a reverse proxy in front of the mock server that records
// what the engine sends; the mock server itself does the answering.
type recorder struct {
	mu  sync.Mutex
	got []seen
}

// proxy starts a recording proxy to m and returns its URL.
func (m *mock) proxy(t *testing.T) (string, *recorder) {
	t.Helper()
	target, err := url.Parse(m.base)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		form, _ := url.ParseQuery(string(body))
		rec.mu.Lock()
		rec.got = append(rec.got, seen{method: r.Method, path: r.URL.Path, header: r.Header.Clone(), form: form})
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, rec
}

// take returns what was recorded since the last take.
func (r *recorder) take() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}
