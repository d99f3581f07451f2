package cli

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/tokenscope/tokenscope/providers/demo"
	"github.com/tokenscope/tokenscope/store"
)

// cmdFaultProxy starts, for the rest of the script, a proxy to the demo
// server ($DEMO_URL) at $VAR that fails the requests whose path ends in
// SUFFIX, as a sandbox that falls over halfway does:
//
//	faultproxy VAR SUFFIX STATUS|drop
//
// STATUS answers with that status and MoMo's error body; drop closes the
// connection without an answer. Every other request reaches the demo
// server as it was sent.
func cmdFaultProxy(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: faultproxy VAR SUFFIX STATUS|drop")
	}
	target, err := url.Parse(ts.Getenv("DEMO_URL"))
	ts.Check(err)
	if target.Host == "" {
		ts.Fatalf("faultproxy: no demo server: run demoserver first")
	}
	suffix, how := args[1], args[2]
	code := 0
	if how != "drop" {
		code, err = strconv.Atoi(how)
		ts.Check(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, suffix) {
			proxy.ServeHTTP(w, r)
			return
		}
		if code == 0 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		w.Write([]byte(`{"code":"INTERNAL_PROCESSING_ERROR","message":"An internal error occurred while processing."}` + "\n"))
	}))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}

// TestMoMoSandboxInterrupted: Ctrl-C while the API key is being made
// exits 130 naming the API user that now exists, and saves nothing.
func TestMoMoSandboxInterrupted(t *testing.T) {
	srv, err := demo.Start(demo.Options{SigningKey: demoKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	target, _ := url.Parse(srv.URL())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/apikey") {
			cancel() // Ctrl-C, as the key is being made
			<-r.Context().Done()
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	dir := filepath.Join(t.TempDir(), "home")
	v, err := store.Init(dir, []byte("pass"), store.MinWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TOKENSCOPE_HOME": dir, "TOKENSCOPE_PASSPHRASE": "pass"}
	const id = "0d1e2f30-4152-4637-8899-aabbccddeeff"
	h := defaultHooks()
	h.unsetenv = nil
	h.referenceID = func() (string, error) { return id, nil }
	var stdout, stderr bytes.Buffer
	a := newApp(strings.NewReader("demo-collection-subscription-key\n"), &stdout, &stderr, func(k string) string { return env[k] }, h)
	code := a.main(ctx, []string{"momo-sandbox", "cut", "--product", "collection", "--base-url", front.URL + "/momo"})
	if code != exitInterrupt {
		t.Errorf("exit %d, want %d; stderr %q", code, exitInterrupt, stderr.String())
	}
	want := "tokenscope: created API user " + id + " (callback host localhost)\n" +
		"tokenscope: error: interrupted: API user " + id + " was created on the server, without a saved API key; " +
		"nothing was saved; to finish, run: tokenscope momo-sandbox cut --product collection --reference-id " + id +
		" --base-url " + front.URL + "/momo\n"
	if stderr.String() != want {
		t.Errorf("stderr =\n%q\nwant\n%q", stderr.String(), want)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q", stdout.String())
	}
	pl, err := v.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Providers) != 0 {
		t.Errorf("the store holds %q", pl.Names())
	}
}
