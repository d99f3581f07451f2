package cli

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/tokenscope/tokenscope/providers/config"
	"github.com/tokenscope/tokenscope/providers/demo"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/ui"
	"github.com/zalando/go-keyring"
)

// TestMain registers the commands the scripts run as processes:
//
//	tokenscope                  the real command line
//	tokenscope-keyring-ok       with an in-memory OS keyring that works
//	tokenscope-keyring-broken   with an OS keyring that refuses everything
//	tokenscope-fixedref         making every new MoMo sandbox API user with
//	                            the id in FIXED_REFERENCE_ID
//	tokenscope-fakeui           on a pretend terminal, with an explorer that
//	                            reports what it was given and exercises it
func TestMain(m *testing.M) {
	run := func(h hooks) {
		a := newApp(os.Stdin, os.Stdout, os.Stderr, os.Getenv, h)
		os.Exit(a.main(context.Background(), os.Args[1:]))
	}
	testscript.Main(m, map[string]func(){
		"tokenscope": func() {
			os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
		},
		"tokenscope-keyring-ok": func() {
			keyring.MockInit()
			run(defaultHooks())
		},
		"tokenscope-keyring-broken": func() {
			keyring.MockInitWithError(errors.New("no secret service on this bus"))
			run(defaultHooks())
		},
		"tokenscope-fixedref": func() {
			h := defaultHooks()
			h.referenceID = func() (string, error) { return os.Getenv("FIXED_REFERENCE_ID"), nil }
			run(h)
		},
		"fakebrowser": fakeBrowser,
		"tokenscope-fakeui": func() {
			h := defaultHooks()
			h.isTerminal = func(any) bool { return true }
			h.runUI = func(o ui.Options) error { return fakeExplorer(os.Stdout, o) }
			run(h)
		},
	})
}

// fakeBrowser is the browser $BROWSER names in the login scripts: it
// opens the URL it is given, presses the demo sign-in page's button
// (FAKEBROWSER_ACTION, allow unless set), and follows the redirect to the
// callback, with its state replaced by FAKEBROWSER_STATE when that is set.
func fakeBrowser() {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "fakebrowser:", err)
		os.Exit(1)
	}
	if len(os.Args) != 2 {
		fail(errors.New("usage: fakebrowser URL"))
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(os.Args[1])
	if err != nil {
		fail(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	form := url.Values{"action": {cmp.Or(os.Getenv("FAKEBROWSER_ACTION"), "allow")}}
	for _, m := range regexp.MustCompile(`type="hidden" name="([a-z_]+)" value="([^"]*)"`).FindAllSubmatch(b, -1) {
		form.Set(string(m[1]), html.UnescapeString(string(m[2])))
	}
	act := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindSubmatch(b)
	if act == nil {
		fail(fmt.Errorf("no sign-in form at %s: %d", os.Args[1], res.StatusCode))
	}
	res, err = hc.PostForm(html.UnescapeString(string(act[1])), form)
	if err != nil {
		fail(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		fail(err)
	}
	if st := os.Getenv("FAKEBROWSER_STATE"); st != "" {
		q := back.Query()
		q.Set("state", st)
		back.RawQuery = q.Encode()
	}
	res, err = http.Get(back.String())
	if err != nil {
		fail(err)
	}
	res.Body.Close()
}

// fakeExplorer stands in for ui.Run: it prints the options it was given
// and, with an unlocked store, gets every provider's token through the
// given client and store, as the explorer would. With FAKEUI_HANG set it
// hangs instead, as an explorer waiting for keys.
func fakeExplorer(w io.Writer, o ui.Options) error {
	fmt.Fprintf(w, "explorer: store %s\n", o.Dir)
	fmt.Fprintf(w, "explorer: demo=%v theme=%q unlocked=%v\n", o.Demo, o.Theme, o.Vault != nil)
	fmt.Fprintf(w, "explorer: renew-on-open=%v\n", o.RenewOnOpen)
	fmt.Fprintf(w, "explorer: mouse=%v\n", !o.NoMouse)
	if os.Getenv("FAKEUI_HANG") != "" {
		select {} // until a signal ends the process
	}
	if names := os.Getenv("FAKEUI_CHILD_ENV"); names != "" {
		// A program the explorer starts (xclip, a browser) inherits this.
		out, err := exec.Command("env").Output()
		if err != nil {
			return fmt.Errorf("fake explorer: env: %w", err)
		}
		for _, name := range strings.Split(names, ",") {
			sees := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `=`).Match(out)
			fmt.Fprintf(w, "explorer: a child process sees %s: %v\n", name, sees)
		}
	}
	if o.Input == nil || o.Output == nil || o.Client == nil {
		return errors.New("fake explorer: no terminal or client given")
	}
	if o.Vault == nil {
		return nil
	}
	pl, err := o.Vault.Load()
	if err != nil {
		return err
	}
	for _, e := range pl.Providers {
		name := e.Provider.Name
		_, err := o.Client.Ensure(context.Background(), o.Vault, name, oauth.EnsureOptions{})
		if err != nil {
			fmt.Fprintf(w, "explorer: %s: failed\n", name)
			continue
		}
		fmt.Fprintf(w, "explorer: %s: token\n", name)
	}
	return nil
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			e.Setenv("TOKENSCOPE_HOME", filepath.Join(e.WorkDir, "home"))
			e.Setenv("TZ", "UTC")
			e.Setenv("NO_COLOR", "1")
			// A name a script cannot spell: it carries an escape sequence.
			e.Setenv("ESCNAME", "ev\x1b[2Jil")
			e.Setenv("CRLF_VALUE", "ab\r\nX-Injected: 1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"demoserver":   cmdDemoServer,
			"ageidentity":  cmdAgeIdentity,
			"storegone":    cmdStoreGone,
			"tokenjwt":     cmdTokenJWT,
			"paddedserver": cmdPaddedServer,
			"jwtserver":    cmdJWTServer,
			"tryserver":    cmdTryServer,
			"waitagent":    cmdWaitAgent,
			"issuerserver": cmdIssuerServer,
			"faultproxy":   cmdFaultProxy,
		},
	})
}

// demoKey is the RSA key every demo server the scripts start signs with,
// generated once per test binary rather than once per server.
var demoKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("generate the tests' signing key: " + err.Error())
	}
	return k
})

// cmdDemoServer starts a demo server for the rest of the script:
//
//	demoserver [LIFETIME | device-lifetime=DURATION]
//
// It sets DEMO_URL (and DEMO_VODACOM_PUBLIC_KEY, the demo market's
// public key), writes $WORK/demo.toml (its providers, as export
// writes them), $WORK/login.toml (its browser-login providers) and sets
// the environment variables that file refers to, so
// that "exec tokenscope import demo.toml" brings them in. LIFETIME is the
// base token lifetime (default 1h, so that nothing expires mid-script);
// device-lifetime= is how long its device codes live. Its device grant
// polls every second.
func cmdDemoServer(ts *testscript.TestScript, neg bool, args []string) {
	o := demo.Options{Lifetime: time.Hour, SigningKey: demoKey(), DeviceInterval: time.Second}
	if rest, ok := strings.CutPrefix(strings.Join(args, " "), "device-lifetime="); ok && len(args) == 1 {
		d, err := time.ParseDuration(rest)
		ts.Check(err)
		o.DeviceLifetime, args = d, nil
	}
	if neg || len(args) > 1 {
		ts.Fatalf("usage: demoserver [LIFETIME | device-lifetime=DURATION]")
	}
	if len(args) == 1 {
		d, err := time.ParseDuration(args[0])
		ts.Check(err)
		o.Lifetime = d
	}
	srv, err := demo.Start(o)
	ts.Check(err)
	ts.Defer(srv.Close)
	ts.Setenv("DEMO_URL", srv.URL())
	ts.Setenv("DEMO_VODACOM_PUBLIC_KEY", demo.VodacomPublicKey)
	ps := srv.Providers()
	var buf bytes.Buffer
	ts.Check(config.Write(&buf, ps))
	ts.Check(os.WriteFile(ts.MkAbs("demo.toml"), buf.Bytes(), 0o600))
	for _, v := range config.SecretVars(ps) {
		ts.Setenv(v.Name, v.Value.Reveal())
	}
	// The providers a person signs in to with a browser, in a file of their own.
	buf.Reset()
	ts.Check(config.Write(&buf, srv.LoginProviders()))
	ts.Check(os.WriteFile(ts.MkAbs("login.toml"), buf.Bytes(), 0o600))
	// The mobile-money catalogue's providers, in a file of their own.
	cat := srv.CatalogueProviders()
	buf.Reset()
	ts.Check(config.Write(&buf, cat))
	ts.Check(os.WriteFile(ts.MkAbs("catalogue.toml"), buf.Bytes(), 0o600))
	for _, v := range config.SecretVars(cat) {
		ts.Setenv(v.Name, v.Value.Reveal())
	}
}

// cmdAgeIdentity unwraps the store's identity.age with the passphrase in
// TOKENSCOPE_PASSPHRASE, as the stock age command would, and sets
// TOKENSCOPE_IDENTITY to it.
func cmdAgeIdentity(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: ageidentity")
	}
	sid, err := age.NewScryptIdentity(ts.Getenv("TOKENSCOPE_PASSPHRASE"))
	ts.Check(err)
	f, err := os.Open(filepath.Join(ts.Getenv("TOKENSCOPE_HOME"), "identity.age"))
	ts.Check(err)
	defer f.Close()
	r, err := age.Decrypt(f, sid)
	ts.Check(err)
	ids, err := age.ParseIdentities(r)
	ts.Check(err)
	if len(ids) != 1 {
		ts.Fatalf("identity.age holds %d identities", len(ids))
	}
	x, ok := ids[0].(*age.X25519Identity)
	if !ok {
		ts.Fatalf("identity.age holds a %T", ids[0])
	}
	ts.Setenv("TOKENSCOPE_IDENTITY", x.String())
}

// cmdStoreGone checks that the store directory the last fake explorer ran
// on (its "explorer: store DIR" line) no longer exists.
func cmdStoreGone(ts *testscript.TestScript, neg bool, args []string) {
	m := regexp.MustCompile(`(?m)^explorer: store (.+)$`).FindStringSubmatch(ts.ReadFile("stdout"))
	if m == nil {
		ts.Fatalf("no explorer store line in stdout")
	}
	_, err := os.Stat(m[1])
	gone := errors.Is(err, os.ErrNotExist)
	if gone == neg {
		ts.Fatalf("store %s: gone=%v", m[1], gone)
	}
}

// cmdTokenJWT writes a JWT to the named file: an RS256 header (kid k1,
// or HEADER-JSON when given) with a signature that is not one, and the
// given claims, with ${NOW+N} replaced by the Unix time N seconds from
// now, so that decode's relative times, warnings and checks can be tested.
//
//	tokenjwt FILE CLAIMS-JSON [HEADER-JSON]
func cmdTokenJWT(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: tokenjwt FILE CLAIMS-JSON [HEADER-JSON]")
	}
	header := `{"alg":"RS256","typ":"JWT","kid":"k1"}`
	if len(args) == 3 {
		header = args[2]
	}
	now := time.Now().Unix()
	claims := regexp.MustCompile(`\$\{NOW([+-]\d+)\}`).ReplaceAllStringFunc(args[1], func(s string) string {
		var n int64
		fmt.Sscanf(strings.TrimSuffix(strings.TrimPrefix(s, "${NOW"), "}"), "%d", &n)
		return fmt.Sprint(now + n)
	})
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tok := enc(header) + "." + enc(claims) + "." + enc("not a real signature")
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(tok+"\n"), 0o600))
}

// cmdJWTServer starts, for the rest of the script, a token endpoint at
// $VAR/token that answers every request with a JWT of the given claims,
// token_type Bearer and expires_in 3600, so that what the claims say about
// time is the only thing wrong with the token:
//
//	jwtserver VAR CLAIMS-JSON [SKEW]
//
// ${NOW+N} in the claims is the server's Unix time N seconds from the
// request; the server's clock, also in its Date header, is SKEW (a Go
// duration, default 0) ahead of ours.
func cmdJWTServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: jwtserver VAR CLAIMS-JSON [SKEW]")
	}
	var skew time.Duration
	if len(args) == 3 {
		d, err := time.ParseDuration(args[2])
		ts.Check(err)
		skew = d
	}
	tmpl := args[1]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now().Add(skew)
		claims := regexp.MustCompile(`\$\{NOW([+-]\d+)\}`).ReplaceAllStringFunc(tmpl, func(s string) string {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(s, "${NOW"), "}"), 10, 64)
			return strconv.FormatInt(now.Unix()+n, 10)
		})
		enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		tok := enc(`{"alg":"RS256","typ":"JWT"}`) + "." + enc(claims) + "." + enc("not a real signature")
		w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, tok)
	}))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}

// cmdTryServer starts, for the rest of the script, a server at $VAR for
// try requests:
//
//	tryserver VAR
//
// $VAR/token grants the client_credentials token tryserver-access-token-1
// (any client); $VAR/echo answers JSON that echoes the Authorization
// header back, with a header that holds a bidi override; $VAR/slashtoken
// grants abc/def/ghi+jkl==, which $VAR/phpecho echoes as PHP writes it
// ("\/"), in its body and its X-You-Sent header; $VAR/text
// answers text with escape sequences; $VAR/denied answers 403.
func cmdTryServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: tryserver VAR")
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tryserver-access-token-1","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Evil", "a\u202egnp.exe") // a bidi override: Go's client refuses controls
		fmt.Fprintf(w, `{"you_sent":%q,"items":[1,2]}`, r.Header.Get("Authorization"))
	})
	mux.HandleFunc("/slashtoken", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"abc/def/ghi+jkl==","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("/phpecho", func(w http.ResponseWriter, r *http.Request) {
		// PHP's json_encode writes "/" as "\/".
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-You-Sent", strings.ReplaceAll(r.Header.Get("Authorization"), "/", `\/`))
		fmt.Fprintf(w, `{"you_sent":"%s"}`, strings.ReplaceAll(r.Header.Get("Authorization"), "/", `\/`))
	})
	mux.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "plain\n\x1b[2Jcleared\n")
	})
	mux.HandleFunc("/denied", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"error":"forbidden"}`)
	})
	srv := httptest.NewServer(mux)
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}

// cmdIssuerServer starts, for the rest of the script, an authorization
// server at $VAR whose issuers are:
//
//	issuerserver VAR
//
// $VAR itself, with RFC 8414 metadata (a scope holding an escape sequence
// and a bidi override); $VAR/oidc, with only an OpenID Connect document;
// $VAR/other, whose document names https://other.example; $VAR/html,
// which answers a web page; and any other path, which has no metadata.
func cmdIssuerServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: issuerserver VAR")
	}
	const rfc, oidc = "/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host
		doc := func(issuer string) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"issuer":%q,"token_endpoint":%q,"authorization_endpoint":%q,`+
				`"jwks_uri":%q,"grant_types_supported":["authorization_code","client_credentials"],`+
				`"code_challenge_methods_supported":["S256"],"scopes_supported":["openid","ev\u001b[2Jil\u202e"]}`,
				issuer, base+"/token", base+"/authorize", base+"/jwks")
		}
		switch r.URL.Path {
		case rfc:
			doc(base)
		case "/oidc" + oidc:
			doc(base + "/oidc")
		case rfc + "/other":
			doc("https://other.example")
		case rfc + "/html":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body>Sign in</body></html>")
		default:
			http.NotFound(w, r)
		}
	}))
	ts.Defer(srv.Close)
	ts.Setenv(args[0], srv.URL)
}
