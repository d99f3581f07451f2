package cli

import (
	"bufio"
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers/config"
	"github.com/tokenscope/tokenscope/providers/demo"
)

// TestLoginPastedURL: in a terminal, the URL the browser was sent back to
// may be pasted instead, as from a browser on another machine, whose
// redirect to this machine's loopback never arrives.
func TestLoginPastedURL(t *testing.T) {
	srv, err := demo.Start(demo.Options{SigningKey: demoKey()})
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
	run := func(stdin io.Reader, stderr io.Writer, args ...string) int {
		h := defaultHooks()
		h.isTerminal = func(s any) bool { return s == stdin }
		a := newApp(stdin, io.Discard, stderr, func(k string) string { return env[k] }, h)
		return a.main(context.Background(), args)
	}
	var errs bytes.Buffer
	if code := run(strings.NewReader(""), &errs, "init", "--work-factor", "10"); code != 0 {
		t.Fatalf("init: %d %s", code, errs.String())
	}
	if code := run(strings.NewReader(""), &errs, "import", filepath.Join(dir, "login.toml")); code != 0 {
		t.Fatalf("import: %d %s", code, errs.String())
	}
	inR, inW := io.Pipe()
	errR, errW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(inR, errW, "login", "oauth2-login", "--no-browser", "--timeout", "2m")
		errW.Close()
	}()
	sc := bufio.NewScanner(errR)
	var seen []string
	pasted := false
	for sc.Scan() {
		line := sc.Text()
		seen = append(seen, line)
		if pasted || !strings.HasPrefix(line, srv.URL()+"/oauth2/authorize?") {
			continue
		}
		pasted = true
		go func(u string) {
			back, err := pressSignIn(u)
			if err != nil {
				t.Error(err)
				return
			}
			// Pasted, not followed: the loopback never hears of it.
			io.WriteString(inW, "  "+back+"\n")
		}(line)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("login exited %d:\n%s", code, strings.Join(seen, "\n"))
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("login did not end")
	}
	out := strings.Join(seen, "\n")
	for _, want := range []string{"open this URL to sign in:", "or paste here the URL the browser was sent back to",
		"tokenscope: logged in to oauth2-login, valid until"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
}

// pressSignIn opens the demo's sign-in page at u, presses its button and
// returns where the server sends the browser.
func pressSignIn(u string) (string, error) {
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(u)
	if err != nil {
		return "", err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := map[string][]string{"action": {"allow"}}
	for _, m := range regexp.MustCompile(`type="hidden" name="([a-z_]+)" value="([^"]*)"`).FindAllSubmatch(b, -1) {
		form[string(m[1])] = []string{html.UnescapeString(string(m[2]))}
	}
	act := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindSubmatch(b)
	if act == nil {
		return "", io.ErrUnexpectedEOF
	}
	res, err = hc.PostForm(html.UnescapeString(string(act[1])), form)
	if err != nil {
		return "", err
	}
	res.Body.Close()
	return res.Header.Get("Location"), nil
}
