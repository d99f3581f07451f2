package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui"
)

// testApp is an app on buffers, with TOKENSCOPE_HOME in a temp dir, a
// pretend terminal and the given explorer. Its environment is a map of its
// own: unsetenv removes from it, never from the test process's.
func testApp(t *testing.T, runUI func(ui.Options) error) (*app, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	env := map[string]string{"TOKENSCOPE_HOME": filepath.Join(t.TempDir(), "home")}
	var stdout, stderr bytes.Buffer
	h := defaultHooks()
	h.isTerminal = func(any) bool { return true }
	h.runUI = runUI
	h.unsetenv = func(k string) error {
		delete(env, k)
		return nil
	}
	return newApp(strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] }, h), &stdout, &stderr
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args    []string
		pos     []string
		fresh   bool
		minimum string
	}{
		{[]string{"name"}, []string{"name"}, false, "0s"},
		{[]string{"name", "--fresh"}, []string{"name"}, true, "0s"},
		{[]string{"--fresh", "name", "--min-validity", "1m"}, []string{"name"}, true, "1m0s"},
		{[]string{"a", "-", "b"}, []string{"a", "-", "b"}, false, "0s"},
		{[]string{"a", "--", "--fresh", "-x"}, []string{"a", "--fresh", "-x"}, false, "0s"},
		{[]string{"--", "--fresh"}, []string{"--fresh"}, false, "0s"},
		{nil, nil, false, "0s"},
	}
	for _, tt := range tests {
		fs := newFlagSet("t")
		fresh := fs.Bool("fresh", false, "")
		minimum := fs.Duration("min-validity", 0, "")
		pos, err := parseInterspersed(fs, tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !slices.Equal(pos, tt.pos) || *fresh != tt.fresh || minimum.String() != tt.minimum {
			t.Errorf("%q: got %q fresh=%v min=%s, want %q fresh=%v min=%s",
				tt.args, pos, *fresh, minimum, tt.pos, tt.fresh, tt.minimum)
		}
	}
}

func TestExit(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		err    error
		code   int
		stderr string
	}{
		{"ok", context.Background(), nil, exitOK, ""},
		{"help", context.Background(), errHelpShown, exitOK, ""},
		{"usage", context.Background(), &usageError{cmd: "token", msg: "token needs a provider NAME"}, exitUsage,
			"tokenscope: error: token needs a provider NAME\ntokenscope: hint: run tokenscope token --help to see the usage\n"},
		{"failure", context.Background(), errors.New("boom"), exitFailure, "tokenscope: error: boom\n"},
		{"hints", context.Background(), withHint(errors.New("locked"), "one", "two"), exitFailure,
			"tokenscope: error: locked\ntokenscope: hint: one\ntokenscope: hint: two\n"},
		{"engine hint", context.Background(),
			fmt.Errorf("wrapped: %w", &oauth.Error{Op: "fetch token", Provider: "p", Status: 401, Code: "invalid_client", Hint: "check client_auth"}),
			exitFailure, "tokenscope: error: wrapped: fetch token for p: HTTP 401 Unauthorized: invalid_client\ntokenscope: hint: check client_auth\n"},
		{"prompt interrupted", context.Background(), errInterrupted, exitInterrupt, "tokenscope: error: interrupted\n"},
		{"signal during a request", canceled, fmt.Errorf("fetch token: %w", context.Canceled), exitInterrupt, "tokenscope: error: interrupted\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, stderr := testApp(t, nil)
			if code := a.exit(tt.ctx, tt.err); code != tt.code {
				t.Errorf("code %d, want %d", code, tt.code)
			}
			if stderr.String() != tt.stderr {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr, tt.stderr)
			}
		})
	}
}

func TestExplorerInterruptExits130(t *testing.T) {
	a, _, stderr := testApp(t, func(ui.Options) error {
		return fmt.Errorf("explorer: %w", tea.ErrInterrupted)
	})
	if code := a.main(context.Background(), nil); code != exitInterrupt {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitInterrupt, stderr)
	}
}

// TestDemoCleansUpOnFailure: the throwaway store is removed even when
// the explorer fails, and it held the demo's providers while it ran.
func TestDemoCleansUpOnFailure(t *testing.T) {
	var dir string
	var names []string
	a, _, stderr := testApp(t, func(o ui.Options) error {
		dir = o.Dir
		pl, err := o.Vault.Load()
		if err != nil {
			return err
		}
		names = pl.Names()
		return errors.New("explorer: terminal went away")
	})
	if code := a.main(context.Background(), []string{"--demo"}); code != exitFailure {
		t.Fatalf("exit %d, want %d", code, exitFailure)
	}
	if got := stderr.String(); got != "tokenscope: error: explorer: terminal went away\n" {
		t.Errorf("stderr = %q", got)
	}
	if dir == "" {
		t.Fatal("the explorer never ran")
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("demo store %s left behind: %v", dir, err)
	}
	if !slices.Contains(names, "broken-gateway") || len(names) < 7 {
		t.Errorf("demo providers = %q, want one per preset and broken-gateway", names)
	}
}

func TestObjectKeepsOrderAndQuotesBadJSON(t *testing.T) {
	o := object{{Key: "z", Value: `1`}, {Key: "a", Value: `{"b":[true]}`}, {Key: "q\"", Value: `not json`}}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"z":1,"a":{"b":[true]},"q\"":"not json"}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
}

func TestRowStatus(t *testing.T) {
	issued := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	hour := &providers.Token{AccessToken: "a", IssuedAt: issued, ExpiresAt: issued.Add(time.Hour)}
	unknown := &providers.Token{AccessToken: "a", IssuedAt: issued}
	failed := []providers.Event{{At: issued, Kind: providers.EventFailed, Detail: "fetch token for p: HTTP 401"}}
	tests := []struct {
		name    string
		tok     *providers.Token
		history []providers.Event
		at      time.Duration // after issue
		status  string
		left    string // expires_in, "" for null
	}{
		{"fresh", hour, nil, time.Minute, statusValid, "3540"},
		{"a quarter left is expiring", hour, nil, 46 * time.Minute, statusExpiring, "840"},
		{"refresh due", hour, nil, 58 * time.Minute, statusExpiring, "120"},
		{"expired", hour, nil, 2 * time.Hour, statusExpired, "-3600"},
		{"unknown expiry", unknown, nil, 100 * time.Hour, statusValid, ""},
		{"no token", nil, nil, 0, statusNoToken, ""},
		{"failed without a token", nil, failed, 0, statusFailed, ""},
		{"failed refresh keeps the token's status", hour, failed, time.Minute, statusValid, "3540"},
	}
	for _, tt := range tests {
		r := row(store.Entry{Provider: providers.Provider{Name: "p"}, Token: tt.tok, History: tt.history}, issued.Add(tt.at))
		left := ""
		if r.ExpiresIn != nil {
			left = fmt.Sprint(*r.ExpiresIn)
		}
		if r.Status != tt.status || left != tt.left {
			t.Errorf("%s: status %q, expires_in %q; want %q, %q", tt.name, r.Status, left, tt.status, tt.left)
		}
		if (len(tt.history) > 0) != (r.LastError != "") {
			t.Errorf("%s: last_error %q", tt.name, r.LastError)
		}
	}
}

func TestVersionLine(t *testing.T) {
	t.Parallel()
	vcs := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Version: "v0.3.1-0.20261201120000-1eb385d0a1b2"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "1eb385d0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6"},
			{Key: "vcs.time", Value: "2026-12-01T12:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	platform := " " + runtime.GOOS + "/" + runtime.GOARCH
	for _, tc := range []struct {
		name, version string
		bi            *debug.BuildInfo
		want          string
	}{
		{"vcs", "", vcs, "tokenscope v0.3.1-0.20261201120000-1eb385d0a1b2 (commit 1eb385d0a1b2, modified, 2026-12-01) go1.26.8" + platform},
		{"link-time version wins", "v1.2.3", vcs, "tokenscope v1.2.3 (commit 1eb385d0a1b2, modified, 2026-12-01) go1.26.8" + platform},
		{"no vcs", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "tokenscope devel (no commit recorded) go1.26.8" + platform},
		{"no build info", "", nil, "tokenscope devel (no commit recorded) " + runtime.Version() + platform},
	} {
		if got := versionLine(tc.version, tc.bi); got != tc.want {
			t.Errorf("%s: versionLine = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Every argument of a message is shown through display.Text; an error
// with a server's words stays on one line, an error of our own keeps its
// lines (import reports one per mistake).
func TestMessageArgumentsAreShownSafely(t *testing.T) {
	a, _, stderr := testApp(t, nil)
	type grant string
	a.errorf("%s %s %v %s", "a\x1b]52;c;SGVsbG8=\x07", grant("g\u202e"), 7, errors.New("one\x1b[2J\ntwo\u009b"))
	a.errorf("%s", &oauth.Error{Op: "fetch token", Provider: "p", Description: "d\ntokenscope: hint: evil"})
	want := "tokenscope: error: a\\x1b]52;c;SGVsbG8=\\x07 g\\u202e 7 one\\x1b[2J\n" +
		"tokenscope: error: two\\u009b\n" +
		"tokenscope: error: fetch token for p: d\\ntokenscope: hint: evil\n"
	if got := stderr.String(); got != want {
		t.Errorf("stderr =\n%q\nwant\n%q", got, want)
	}
}

// TestLinesErrorShowsEachLineSafely checks that a failure of several
// causes (decode --check) is one "error:" line per cause, exit 1, with the
// outside text in a cause escaped once and unable to start a line.
func TestLinesErrorShowsEachLineSafely(t *testing.T) {
	var errs strings.Builder
	a := newApp(strings.NewReader(""), &bytes.Buffer{}, &errs, nil, hooks{})
	code := a.exit(context.Background(), &linesError{lines: []string{
		"decode --check: expired 2h ago",
		"decode --check: the signature is not valid: key \"k\x1b[2J\nX\" of \\srv",
	}})
	if code != exitFailure {
		t.Errorf("exit code = %d, want %d", code, exitFailure)
	}
	want := "tokenscope: error: decode --check: expired 2h ago\n" +
		`tokenscope: error: decode --check: the signature is not valid: key "k\x1b[2J\nX" of \\srv` + "\n"
	if errs.String() != want {
		t.Errorf("stderr =\n%s\nwant\n%s", errs.String(), want)
	}
}

// TestCurlAndExportRefuseALegacyProvider plants providers stored before
// control characters and passwords in URLs were refused: curl and export
// refuse them with the field named, exit 1, and print neither.
func TestCurlAndExportRefuseALegacyProvider(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	v, err := store.Init(dir, []byte("pass"), store.MinWorkFactor)
	if err != nil {
		t.Fatal(err)
	}
	base := providers.Provider{Preset: "oauth2", Grant: providers.GrantClientCredentials,
		ClientAuth: providers.AuthBasic, ClientID: "c", TokenURL: "https://idp.example/token"}
	jack, pw := base, base
	jack.Name, jack.TryURL, jack.TryBody = "jack", "https://api.example/me", "{}\x1b[2K\rrm -rf ~\n"
	pw.Name, pw.TokenURL = "pw", "https://u:hunter2@idp.example/token"
	if err := v.Update(func(pl *store.Payload) error {
		pl.Providers = append(pl.Providers, store.Entry{Provider: jack}, store.Entry{Provider: pw})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TOKENSCOPE_HOME": dir, "TOKENSCOPE_PASSPHRASE": "pass"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"curl", "jack"}, "tokenscope: error: curl for jack: try_body: holds no control or format characters: character 3 is U+001B"},
		{[]string{"curl", "pw"}, "tokenscope: error: curl for pw: token_url: the URL carries a user name or password"},
		{[]string{"export"}, "tokenscope: error: "},
	} {
		var stdout, stderr bytes.Buffer
		a := newApp(strings.NewReader(""), &stdout, &stderr, func(k string) string { return env[k] }, defaultHooks())
		code := a.main(context.Background(), tc.args)
		if code != 1 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", tc.args, code, stderr.String(), tc.want)
		}
		if out := stdout.String() + stderr.String(); strings.Contains(out, "hunter2") || strings.Contains(out, "rm -rf") {
			t.Errorf("%s printed the hostile value: %q", tc.args, out)
		}
	}
}

// TestDecodeEscapesClaimsOnce: a claim's \u001b is shown as \x1b, once,
// not as the JSON escape escaped again (\\u001b).
func TestDecodeEscapesClaimsOnce(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	j, err := jwt.Parse(b64([]byte(`{"alg":"none","kid":"k\u202e"}`)) + "." + b64([]byte(`{"sub":"a\u001b[2J"}`)) + ".")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := writeJWT(&b, j, time.Now(), nil); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, `"a\x1b[2J"`) || !strings.Contains(out, `"k\u202e"`) || strings.Contains(out, `\\`) {
		t.Errorf("decode shows:\n%s", out)
	}
}

// TestIssuedWarningsUseTheReceiptTime: a server that sends issued_at
// before its JWT's exp cannot hide that the token arrived expired; the
// check measures from when tokenscope received the answer.
func TestIssuedWarningsUseTheReceiptTime(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	b64 := base64.RawURLEncoding.EncodeToString
	at := b64([]byte(`{"alg":"none"}`)) + "." + b64([]byte(fmt.Sprintf(`{"exp":%d}`, now.Add(-time.Hour).Unix()))) + "."
	body := fmt.Sprintf(`{"access_token":%q,"expires_in":3600,"issued_at":%d}`, at, now.Add(-2*time.Hour).UnixMilli())
	tok, err := oauth.ParseTokenResponse([]byte(body), nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if !tok.IssuedAt.Equal(now.Add(-2*time.Hour)) || !tok.ReceivedAt.Equal(now) {
		t.Fatalf("issued %v, received %v", tok.IssuedAt, tok.ReceivedAt)
	}
	ws := issuedWarnings(tok)
	if len(ws) != 1 || ws[0].Code != jwt.WarnIssuedExpired {
		t.Errorf("warnings %v, want the token issued already expired", ws)
	}
	// A token stored before ReceivedAt was kept falls back to IssuedAt.
	tok.ReceivedAt = time.Time{}
	if got := tok.Received(); !got.Equal(tok.IssuedAt) {
		t.Errorf("Received = %v, want IssuedAt", got)
	}
}

// TestStoreHintsNameTheCommands: the store's errors name no command (see
// store's TestErrorsNameNoCommandOrVariable); the command line adds what
// to type for each refusal a user can act on.
func TestStoreHintsNameTheCommands(t *testing.T) {
	t.Parallel()
	for kind, want := range map[error]string{
		store.ErrNotInitialised:  "run tokenscope init",
		store.ErrUnknownProvider: "run tokenscope list",
		store.ErrUnsupported:     "upgrade tokenscope",
		store.ErrUnsafe:          "chmod 600 FILE",
	} {
		hints := storeHints(fmt.Errorf("/x/vault.age: %w", kind))
		if len(hints) != 1 || !strings.Contains(hints[0], want) {
			t.Errorf("hints for %v: %q, want one saying %q", kind, hints, want)
		}
	}
}

// TestLoginDocSaysTheDeviceBound: login --help names the bound a device
// login without expires_in gets, as the engine sets it.
func TestLoginDocSaysTheDeviceBound(t *testing.T) {
	want := "given up on after " + display.Duration(providers.DefaultDeviceLifetime*time.Second) + "."
	if !strings.Contains(loginDoc, want) {
		t.Errorf("login --help does not say %q", want)
	}
}
