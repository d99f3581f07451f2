package oauth

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

func TestTraceShowsTheExchangeWithEverySecretMasked(t *testing.T) {
	body := `{"access_token":"AT-very-secret","refresh_token":"RT-very-secret","id_token":"eyJ.id.tok","expires_in":"3600"}`
	srv := serve(t, answer(503, "busy"), answer(200, body, "Set-Cookie", "session=SESSION-SECRET; HttpOnly"))
	p := presetAt(t, "telenor", srv.URL())
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace, Sleep: (&sleeps{}).sleep})
	if _, err := c.Fetch(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	out := trace.String()
	for _, want := range []string{
		"> POST " + srv.URL() + "/token HTTP/1.1\n",
		"> Host: " + strings.TrimPrefix(srv.URL(), "http://") + "\n",
		"> Authorization: Basic ****\n",
		"> Ocp-Apim-Subscription-Key: ****\n",
		"> Content-Type: application/x-www-form-urlencoded\n",
		"> User-Agent: " + UserAgent + "\n",
		">\n> grant_type=password&username=api-user&password=****\n",
		"< HTTP/1.1 503 Service Unavailable (",
		"<\n< busy\n",
		"< HTTP/1.1 200 OK (",
		"< Set-Cookie: session=****\n",
		`< {"access_token":"****","refresh_token":"****","id_token":"****","expires_in":"3600"}` + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "> POST "); n != 2 {
		t.Errorf("trace shows %d requests, want 2 (one retry)", n)
	}
	assertNoSecret(t, "trace", out)
	for _, s := range []string{"AT-very-secret", "RT-very-secret", "eyJ.id.tok", "SESSION-SECRET"} {
		if strings.Contains(out, s) {
			t.Errorf("trace shows %q", s)
		}
	}
}

func TestTraceOfANetworkFailureAndOfARefresh(t *testing.T) {
	srv := serve(t, answer(200, `{"access_token":"AT-2"}`))
	p := oauth2Provider(t, srv.URL())
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace})
	if _, err := c.Refresh(context.Background(), p, &providers.Token{AccessToken: "AT-1", RefreshToken: "RT-old-secret"}); err != nil {
		t.Fatal(err)
	}
	if out := trace.String(); strings.Contains(out, "RT-old-secret") || !strings.Contains(out, "> grant_type=refresh_token&refresh_token=****\n") {
		t.Errorf("refresh trace:\n%s", out)
	}
	trace.Reset()
	srv.srv.Close()
	c = NewClient(Options{Trace: &trace, MaxRetries: -1})
	if _, err := c.Fetch(context.Background(), presetAt(t, "mobifinance", srv.URL())); err == nil {
		t.Fatal("no error from a closed server")
	}
	out := trace.String()
	if !strings.Contains(out, "* no answer: Post \"") || !strings.Contains(out, "client_secret=****") {
		t.Errorf("failure trace:\n%s", out)
	}
	assertNoSecret(t, "trace", out)
}

// TestHTTPSProxyHonoured runs itself again in a fresh process, because
// net/http reads the proxy environment once per process.
func TestHTTPSProxyHonoured(t *testing.T) {
	if os.Getenv("TOKENSCOPE_PROXY_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHTTPSProxyHonoured$", "-test.v")
		cmd.Env = append(os.Environ(), "TOKENSCOPE_PROXY_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestHTTPSProxyHonoured") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	target := httptest.NewTLSServer(answer(200, tokenJSON))
	defer target.Close()
	var mu sync.Mutex
	var connects []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		mu.Lock()
		connects = append(connects, r.Host)
		mu.Unlock()
		up, err := net.Dial("tcp", target.Listener.Addr().String())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() { _, _ = io.Copy(up, bufio.NewReader(buf)); _ = up.Close() }()
		_, _ = io.Copy(conn, up)
		_ = conn.Close()
	}))
	defer proxy.Close()
	t.Setenv("HTTPS_PROXY", proxy.URL)
	t.Setenv("https_proxy", proxy.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	p := oauth2Provider(t, "https://tokens.tokenscope.invalid")
	p.Insecure = true // the test server's certificate is not for that name
	tok, err := NewClient(Options{}).Fetch(context.Background(), p)
	if err != nil || tok.AccessToken != "AT-1" {
		t.Fatalf("Fetch through the proxy = %v, %v", tok, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(connects) != 1 || connects[0] != "tokens.tokenscope.invalid:443" {
		t.Errorf("proxy saw CONNECT %v", connects)
	}
}

// Short secrets are not masked inside every word that holds them, so
// they are masked by their place: an extra header's value, a secret
// parameter of the body or of the query.
func TestTraceMasksShortSecretsByPlace(t *testing.T) {
	srv := serve(t, answer(400, `{"error":"invalid_request","error_description":"fetch token: bad request"}`))
	p := presetAt(t, "telenor", srv.URL())
	p.Password = "pw1"
	p.Headers = map[string]providers.Secret{"X-Tenant-Key": "k9z", "X-Version": "e"}
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace, Sleep: (&sleeps{}).sleep})
	_, err := c.Fetch(context.Background(), p)
	if err == nil {
		t.Fatal("Fetch succeeded against a 400")
	}
	out := trace.String()
	for _, want := range []string{"> X-Tenant-Key: ****\n", "> X-Version: ****\n", "&password=****\n", "bad request"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "k9z") || strings.Contains(out, "pw1") {
		t.Errorf("trace shows a short secret:\n%s", out)
	}
	if !strings.Contains(err.Error(), "fetch token: bad request") {
		t.Errorf("the one-letter header value garbled the error: %v", err)
	}

	mf := serve(t, answer(200, `{"access_token":"AT-mf-0123"}`))
	q, err := providers.ApplyPreset(providers.Provider{Name: "mf", Preset: "mobifinance", TokenURL: mf.URL() + "/token", ClientID: "c", ClientSecret: "s3"})
	if err != nil {
		t.Fatal(err)
	}
	trace.Reset()
	if _, err := c.Fetch(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	if out := trace.String(); !strings.Contains(out, "client_secret=****") || strings.Contains(out, "client_secret=s3") {
		t.Errorf("the query's client_secret is not masked:\n%s", out)
	}
}

// The try request follows redirects on its own host only: net/http would
// forward the provider's extra headers (secrets) to any other host.
func TestTryDoesNotFollowARedirectToAnotherHost(t *testing.T) {
	other := serve(t, answer(200, "elsewhere"))
	api := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL()+"/steal", http.StatusFound)
	})
	p := oauth2Provider(t, api.URL())
	// 127.0.0.1 and localhost are two hosts to net/http.
	p.TryURL = strings.Replace(api.URL(), "127.0.0.1", "localhost", 1) + "/me"
	p.Headers = map[string]providers.Secret{"Ocp-Apim-Subscription-Key": "sub-key-0f9e8d7c"}
	res, err := testClient(nil).Try(context.Background(), p, &providers.Token{AccessToken: "AT-try-0123"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusFound {
		t.Errorf("try status = %d, want the 302 itself", res.Status)
	}
	if n := len(other.got()); n != 0 {
		t.Errorf("the other host received %d requests", n)
	}
}

// An echoed secret is masked in the forms servers echo it in: inside an
// HTML page whose tags would cut it in two, and JSON with "/" escaped.
func TestEchoedSecretsInHTMLAndEscapedJSON(t *testing.T) {
	for _, tc := range []struct{ password, body, leak string }{
		{"x<a>yz1234", "<html><body>wrong password x<a>yz1234</body></html>", "yz1234"},
		{"a+b/c-S3CRET", `{"error":"invalid_grant","error_description":"got a+b\/c-S3CRET"}`, "S3CRET"},
	} {
		srv := serve(t, answer(401, tc.body))
		p := presetAt(t, "telenor", srv.URL())
		p.Password = providers.Secret(tc.password)
		var trace bytes.Buffer
		c := NewClient(Options{Trace: &trace, Sleep: (&sleeps{}).sleep})
		_, err := c.Fetch(context.Background(), p)
		if err == nil {
			t.Fatal("Fetch succeeded against a 401")
		}
		if strings.Contains(err.Error(), tc.leak) || strings.Contains(trace.String(), tc.leak) {
			t.Errorf("password %q leaks:\nerror: %v\ntrace:\n%s", tc.password, err, trace.String())
		}
	}
}
