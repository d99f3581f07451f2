//go:build linux

package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sys/unix"
)

// Payloads a hostile server or file plants, each with a marker of its own
// so that the test can tell its bytes from the explorer's own escapes.
const (
	pCSI        = "\x1b[2JMARK-CSI"
	pOSC52      = "\x1b]52;c;SGVsbG8=\x07"
	pOSC8       = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
	pBEL        = "\aMARK-BEL"
	pC1         = "\u009b31mMARK-C1"
	pBidi       = "\u202eMARK-RLO\u2066"
	hostileText = pCSI + " " + pOSC52 + " " + pOSC8 + " " + pBEL + " " + pC1 + " " + pBidi
)

// rawPayloads are byte strings that only a planted payload could put in
// the output: the explorer draws with SGR and cursor moves, never these.
var rawPayloads = []string{"\x1b[2JMARK", "\x1b]52;", "\x1b]8;", "\a", "\xc2\x9b", "\xe2\x80\xae", "\xe2\x81\xa6"}

// hostileServer answers as a token server that wants the terminal: every
// text it controls carries every payload.
func hostileServer(t *testing.T) *httptest.Server {
	t.Helper()
	b64 := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	// A JWT is VSCHAR on the wire; its header and claims are anything.
	jwt := b64(map[string]any{"alg": "HS256", "typ": "JWT" + pOSC8, "kid": "kid" + pBidi}) + "." +
		b64(map[string]any{"sub": "sub" + pOSC52, "iss" + pC1: "iss" + pCSI, "exp": time.Now().Add(time.Hour).Unix(),
			"note": hostileText}) + "." + base64.RawURLEncoding.EncodeToString([]byte("not a signature"))
	jsonBody := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Server-Says", "hdr"+pC1+pBidi)
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok/token", func(w http.ResponseWriter, r *http.Request) {
		// Members in a fixed order, with hostile names and values.
		body := `{"access_token":` + quoteJSON(jwt) + `,"token_type":"Bearer","expires_in":3600,` +
			`"scope":` + quoteJSON("scope "+hostileText) + `,` +
			quoteJSON("name"+pOSC52) + `:` + quoteJSON("value "+hostileText) + `,` +
			`"raw_c1":"` + pC1 + pBidi + `"}`
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	})
	mux.HandleFunc("/ok/try", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain"+pC1)
		_, _ = w.Write([]byte("try " + hostileText + "\nline two " + pOSC52 + "\rover"))
	})
	mux.HandleFunc("/err/token", func(w http.ResponseWriter, r *http.Request) {
		jsonBody(w, http.StatusBadRequest, map[string]string{"error": "invalid_client" + pCSI, "error_description": "desc " + hostileText + "\ntokenscope: hint: run evil"})
	})
	mux.HandleFunc("/html/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><h1>gateway " + hostileText + "</h1>\n" + pOSC52 + "</html>"))
	})
	mux.HandleFunc("/type/token", func(w http.ResponseWriter, r *http.Request) {
		jsonBody(w, http.StatusOK, map[string]any{"access_token": "AT-type", "token_type": "Bearer" + pCSI, "expires_in": 3600})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// hostileFile is a providers file whose client id, scope and param carry
// text; with hostile text import refuses it (control and format
// characters are refused in every field), so the test imports it with
// plain text and lets the server plant the payloads.
func hostileFile(url, text string) string {
	return fmt.Sprintf(`[[providers]]
name = "ok"
preset = "oauth2"
token_url = "%[1]s/ok/token"
try_url = "%[1]s/ok/try"
client_id = "app%[2]s"
client_secret = "s3cret"
scope = "openid %[2]s"

[providers.params]
audience = "aud%[2]s"

[[providers]]
name = "err"
preset = "oauth2"
token_url = "%[1]s/err/token"
client_id = "app"
client_secret = "s3cret"

[[providers]]
name = "html"
preset = "oauth2"
token_url = "%[1]s/html/token"
client_id = "app"
client_secret = "s3cret"

[[providers]]
name = "type"
preset = "oauth2"
token_url = "%[1]s/type/token"
client_id = "app"
client_secret = "s3cret"
`, url, text)
}

// tomlEscape writes s for a TOML basic string, every non-printable rune
// as \uXXXX.
func tomlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			fmt.Fprintf(&b, `\u%04X`, r)
		case r < 0x20 || r == 0x7f || !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkNoRaw fails t when out holds a planted payload raw.
func checkNoRaw(t *testing.T, what string, out []byte) {
	t.Helper()
	for _, raw := range rawPayloads {
		if i := bytes.Index(out, []byte(raw)); i >= 0 {
			t.Errorf("%s: payload %q raw at byte %d: …%q…", what, raw, i, out[max(0, i-60):min(len(out), i+60)])
		}
	}
}

// checkPlain fails t when a command's output holds anything a terminal
// acts on: a control byte other than newline, DEL, a C1 or bidi control,
// or bytes that are not UTF-8.
func checkPlain(t *testing.T, what string, out []byte) {
	t.Helper()
	checkNoRaw(t, what, out)
	if !utf8.Valid(out) {
		t.Errorf("%s: output is not UTF-8: %q", what, out)
	}
	for i, r := range string(out) {
		if r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f || unicode.Is(unicode.Bidi_Control, r) {
			t.Errorf("%s: %U at byte %d: …%q…", what, r, i, out[max(0, i-60):min(len(out), i+60)])
			return
		}
	}
}

// TestHostileTextNeverReachesTheTerminal plants every payload in every
// text a token server and a providers file control, then runs every
// command and the explorer (under a pseudo-terminal, reading the bytes it
// writes) and finds none of them raw; their escaped forms show instead.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	if _, err := exec.LookPath("tokenscope"); err != nil {
		t.Skip("tokenscope is not on PATH: run through TestMain")
	}
	srv := hostileServer(t)
	work := t.TempDir()
	file := filepath.Join(work, "hostile.toml")
	if err := os.WriteFile(file, []byte(hostileFile(srv.URL, "-plain")), 0o600); err != nil {
		t.Fatal(err)
	}
	refused := filepath.Join(work, "refused.toml")
	if err := os.WriteFile(refused, []byte(hostileFile(srv.URL, tomlEscape(hostileText))), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TOKENSCOPE_HOME="+filepath.Join(work, "home"), "TOKENSCOPE_PASSPHRASE=pass",
		// CI set makes termenv take the terminal for a pipe and the
		// explorer draw mono; the colours are what is tested here.
		"NO_COLOR=", "CI=", "TERM=xterm-256color", "TZ=UTC")
	run := func(stdin string, wantCode int, args ...string) (stdout, stderr []byte) {
		t.Helper()
		cmd := exec.Command("tokenscope", args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		_ = cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != wantCode {
			t.Errorf("tokenscope %s: exit %d, want %d; stderr: %q", strings.Join(args, " "), code, wantCode, e.String())
		}
		what := "tokenscope " + strings.Join(args, " ")
		checkPlain(t, what+" (stdout)", o.Bytes())
		checkPlain(t, what+" (stderr)", e.Bytes())
		return o.Bytes(), e.Bytes()
	}
	var all bytes.Buffer
	collect := func(o, e []byte) { all.Write(o); all.Write(e) }

	collect(run("", 0, "init", "--work-factor", "10"))
	_, refusal := run("", 1, "import", refused)
	if !bytes.Contains(refusal, []byte("client_id: holds no control or format characters: character 4 is U+001B")) {
		t.Errorf("import of hostile fields: %q, want refused", refusal)
	}
	collect(run("", 0, "import", file))

	explorer := runExplorer(t, env)
	checkNoRaw(t, "explorer", explorer)
	// The lone CR of the try body, escaped, is the response view's and the
	// exchange log's: the detail pane's one line folds it as a space.
	for _, want := range []string{`\x1b]52;c;SGVsbG8=\x07`, `MARK-CSI`, `\u202eMARK-RLO`, `\u009b31mMARK-C1`,
		`line two \x1b]52;c;SGVsbG8=\x07\rover`} {
		if !bytes.Contains(explorer, []byte(want)) {
			t.Errorf("the explorer never showed %q", want)
		}
	}

	collect(run("", 0, "token", "ok", "--trace"))
	tokJSON, _ := run("", 0, "token", "ok", "--json")
	all.Write(tokJSON)
	// --json escapes C1 and bidi too, and still says what the server said.
	var tv struct {
		Scope string         `json:"scope"`
		Extra map[string]any `json:"extra"`
	}
	if err := json.Unmarshal(tokJSON, &tv); err != nil {
		t.Errorf("token --json is not JSON: %v", err)
	}
	if tv.Scope != "scope "+hostileText || tv.Extra["name"+pOSC52] != "value "+hostileText || tv.Extra["raw_c1"] != pC1+pBidi {
		t.Errorf("token --json decodes to scope %q, extra %q", tv.Scope, tv.Extra)
	}
	jwtOut, _ := run("", 0, "token", "ok")
	collect(run("", 0, "header", "ok"))
	collect(run("", 1, "token", "err", "--trace"))
	collect(run("", 1, "token", "err"))
	collect(run("", 1, "token", "html", "--trace"))
	collect(run("", 1, "token", "type", "--trace"))
	collect(run(string(jwtOut), 0, "decode"))
	collect(run(string(jwtOut), 0, "decode", "--json"))
	collect(run("", 0, "list"))
	collect(run("", 0, "list", "--json"))
	collect(run("", 0, "curl", "ok"))
	collect(run("", 0, "export"))

	out := all.String()
	for _, want := range []string{
		`\x1b]52;c;SGVsbG8=\x07`, `\x1b[2JMARK-CSI`, `\x1b]8;;https://evil.example/\x1b\\click`, `\u009b31mMARK-C1`,
		`\u202eMARK-RLO\u2066`, `\u001b]52;c;SGVsbG8=\u0007`, `\u202eMARK-RLO`, // --json and export
		"token response refused: its token_type holds byte 0x1b at offset 6",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the commands never showed %q", want)
		}
	}
	// The error's description cannot start a line of its own.
	if strings.Contains(out, "\ntokenscope: hint: run evil") {
		t.Error("a server's error text started a line of tokenscope's own")
	}

}

// ptyOutput is what the program wrote to the terminal so far.
type ptyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (p *ptyOutput) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.Write(b)
}

func (p *ptyOutput) bytes() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.buf.Bytes())
}

// sgr matches the styling sequences the explorer draws text with, which
// may split a word (mono underlines letter by letter).
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// runExplorer runs the explorer on a pseudo-terminal, goes through every
// screen with hostile text (each provider fetched, the detail pane
// scrolled, token revealed, try and its response view, the exchange log,
// the form, a confirm dialog, help) and
// returns every byte it wrote.
func runExplorer(t *testing.T, env []string) []byte {
	t.Helper()
	master, slave, err := openPTY(120, 40)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	cmd := exec.Command("tokenscope")
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The slave stays open here until the program has gone, so that
	// settle can ask how much of what was typed it has not read yet.
	var out ptyOutput
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		buf := make([]byte, 32<<10)
		for {
			n, err := master.Read(buf)
			_, _ = out.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
		slave.Close()
	}()

	// waitFor waits for text to appear after the byte offset from: no
	// deadline that a slow machine could miss, only one that a hung
	// program would.
	waitFor := func(from int, text string) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			b := out.bytes()
			if bytes.Contains(sgr.ReplaceAll(b[min(from, len(b)):], nil), []byte(text)) {
				return
			}
		}
		b := out.bytes()
		t.Fatalf("the explorer never showed %q; it wrote (%d bytes, the last 4000):\n%q", text, len(b), b[max(0, len(b)-4000):])
	}
	send := func(keys string) {
		t.Helper()
		if _, err := master.WriteString(keys); err != nil {
			t.Fatal(err)
		}
	}
	// settle waits until the explorer has read every byte typed so far,
	// so that the next key reaches it in a read of its own: a lone ESC
	// read together with the key after it is alt+key. The input queue
	// must stay empty over a few looks, as the kernel hands typed bytes
	// to it from a work queue.
	settle := func() {
		t.Helper()
		empty := 0
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			n, err := unix.IoctlGetInt(int(slave.Fd()), unix.TIOCINQ)
			if err != nil {
				t.Fatalf("input queue: %v", err)
			}
			if n > 0 {
				empty = 0
				continue
			}
			if empty++; empty >= 5 {
				return
			}
		}
		t.Fatal("the explorer stopped reading its input")
	}
	// step sends keys and waits for text in what the explorer draws in
	// answer; with no text, it waits until the explorer has read them.
	step := func(keys, text string) {
		t.Helper()
		from := len(out.bytes())
		send(keys)
		if text != "" {
			waitFor(from, text)
			return
		}
		settle()
	}
	waitFor(0, "Providers")
	// The providers in the file's order: ok, err, html, type.
	step("f", "fetched a token for ok")
	step("t", "try ok: ")
	// The response view of the hostile answer, scrolled, with the
	// exchange log open under it for the rest of the run.
	step("L", "> GET ")
	for _, k := range []string{"j", "j", "G", "[", "g"} {
		step(k, "")
	}
	step("\x1b", "Providers") // the response view closed
	step("v", "")
	step("\t", "") // the detail pane, scrolled through
	for range 60 {
		step("j", "")
	}
	step("\x1b", "")
	step("e", "Edit ok")
	for range 12 {
		step("\x1b[B", "") // down through the form's fields
	}
	step("\x1b", "")
	step("d", "")
	step("\x1b", "")
	step("j", "")
	step("f", "fetch token for err")
	step("j", "")
	step("f", "fetch token for html")
	step("j", "")
	step("f", "token_type holds byte 0x1b")
	step("?", "")
	step("\x1b", "")
	send("q")
	select {
	case <-exited:
		slave.Close()
	case <-time.After(60 * time.Second):
		t.Errorf("the explorer did not quit; it wrote:\n%q", out.bytes())
		_ = cmd.Process.Kill()
		<-exited
		slave.Close()
	}
	// The program is gone, so the master reads end (EIO).
	<-copied
	return out.bytes()
}
