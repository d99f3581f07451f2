package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers/config"
	"github.com/tokenscope/tokenscope/providers/demo"
)

// TestLoginDeviceInterrupted: a device login waiting for the approval,
// with standard error a terminal, draws the QR code of the complete URL,
// and Ctrl-C (the cancelled context, as in Main) ends it with 130 and
// nothing stored.
func TestLoginDeviceInterrupted(t *testing.T) {
	srv, err := demo.Start(demo.Options{SigningKey: demoKey(), DeviceInterval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	var file bytes.Buffer
	if err := config.Write(&file, srv.LoginProviders()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "login.toml"), file.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TOKENSCOPE_HOME": filepath.Join(dir, "home"), "TOKENSCOPE_PASSPHRASE": "pass"}
	run := func(ctx context.Context, stderr io.Writer, args ...string) int {
		h := defaultHooks()
		h.isTerminal = func(s any) bool { return s == stderr }
		a := newApp(strings.NewReader(""), io.Discard, stderr, func(k string) string { return env[k] }, h)
		return a.main(ctx, args)
	}
	var errs bytes.Buffer
	for _, args := range [][]string{{"init", "--work-factor", "10"}, {"import", filepath.Join(dir, "login.toml")}} {
		if code := run(context.Background(), &errs, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs.String())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errR, errW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, errW, "login", "oauth2-device", "--no-browser")
		errW.Close()
	}()
	var seen []string
	sc := bufio.NewScanner(errR)
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if strings.HasPrefix(sc.Text(), "waiting for the sign-in to be approved") {
			cancel()
		}
	}
	select {
	case code := <-done:
		if code != exitInterrupt {
			t.Errorf("exit %d, want %d:\n%s", code, exitInterrupt, strings.Join(seen, "\n"))
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("login did not end")
	}
	out := strings.Join(seen, "\n")
	if !strings.Contains(out, "tokenscope: error: interrupted: no login, nothing stored") {
		t.Errorf("stderr:\n%s", out)
	}
	// The QR code: square rows of half blocks between the URLs and the
	// waiting line, at least version 3's 29 modules plus the quiet zone.
	var qr []string
	for _, l := range seen {
		if strings.ContainsAny(l, "█▀▄") {
			qr = append(qr, l)
		}
	}
	if len(qr) < 10 {
		t.Fatalf("no QR code drawn:\n%s", out)
	}
	w := len([]rune(qr[0]))
	for _, l := range qr {
		if len([]rune(l)) != w {
			t.Fatalf("ragged QR code rows:\n%s", strings.Join(qr, "\n"))
		}
	}
	if w < 29 || len(qr) != (w+1)/2 {
		t.Errorf("QR code of %d columns and %d rows", w, len(qr))
	}
	if code := run(context.Background(), &errs, "token", "oauth2-device"); code == 0 {
		t.Error("a token was stored")
	}
}

// TestLoginDeviceWithoutExpiresIn: a server that leaves expires_in out of
// its device authorization answer (RFC 8628 §3.2 requires it) and never
// approves: login without --timeout says the bound it sets, in place of
// the code's expiry, rather than waiting in silence for ever.
func TestLoginDeviceWithoutExpiresIn(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /device", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"device_code":"dc-0123456789","user_code":"WDJB-MJHT","verification_uri":"http://%s/activate","interval":1}`, r.Host)
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"authorization_pending"}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dir := t.TempDir()
	env := map[string]string{"TOKENSCOPE_HOME": filepath.Join(dir, "home"), "TOKENSCOPE_PASSPHRASE": "pass"}
	run := func(ctx context.Context, stderr io.Writer, args ...string) int {
		a := newApp(strings.NewReader(""), io.Discard, stderr, func(k string) string { return env[k] }, defaultHooks())
		return a.main(ctx, args)
	}
	var errs bytes.Buffer
	for _, args := range [][]string{{"init", "--work-factor", "10"},
		{"add", "tv", "--preset", "oauth2", "--grant-type", "device_code", "--client-auth", "none", "--client-id", "tv-app",
			"--device-authorization-url", srv.URL + "/device", "--token-url", srv.URL + "/token"}} {
		if code := run(context.Background(), &errs, args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errs.String())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errR, errW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, errW, "login", "tv", "--no-browser")
		errW.Close()
	}()
	var waiting string
	sc := bufio.NewScanner(errR)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "waiting for the sign-in to be approved") {
			waiting = sc.Text()
			cancel()
		}
	}
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("login did not end")
	}
	if want := "waiting for the sign-in to be approved (the server gave no expiry: giving up in 15m)…"; waiting != want {
		t.Errorf("waiting line %q, want %q", waiting, want)
	}
}
