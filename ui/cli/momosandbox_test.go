package cli

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
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
