package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// TestTokenIDToken: token NAME --id-token prints the id_token a token
// response carried and each of its checks; a failed check fails the
// command after printing; a response without one says what to ask for.
func TestTokenIDToken(t *testing.T) {
	key := demoKey()
	aud := "cli-app"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/jwks":
			_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
		case "/token":
			at := "AT-" + r.URL.Query().Get("n")
			sum := sha256.Sum256([]byte(at))
			claims := fmt.Sprintf(`{"iss":"https://op.example","sub":"u1","aud":%q,"exp":%d,"iat":%d,"at_hash":%q}`,
				aud, time.Now().Add(time.Hour).Unix(), time.Now().Unix(), base64.RawURLEncoding.EncodeToString(sum[:16]))
			signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, nil)
			if err != nil {
				t.Error(err)
				return
			}
			jws, _ := signer.Sign([]byte(claims))
			idt, _ := jws.CompactSerialize()
			w.Header().Set("Content-Type", "application/json")
			if r.URL.Query().Get("none") != "" {
				fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600}`, at)
				return
			}
			fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":3600,"id_token":%q}`, at, idt)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	file := fmt.Sprintf(`[[providers]]
name = "op"
preset = "oauth2"
token_url = "%[1]s/token?n=1"
client_id = "cli-app"
client_secret = "s3cret-client-secret"
jwks_url = "%[1]s/jwks"

[[providers]]
name = "plain"
preset = "oauth2"
token_url = "%[1]s/token?n=2&none=1"
client_id = "cli-app"
client_secret = "s3cret-client-secret"
`, srv.URL)
	if err := os.WriteFile(filepath.Join(dir, "p.toml"), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TOKENSCOPE_HOME": filepath.Join(dir, "home"), "TOKENSCOPE_PASSPHRASE": "pass"}
	run := func(args ...string) (int, string, string) {
		var out, errs bytes.Buffer
		a := newApp(strings.NewReader(""), &out, &errs, func(k string) string { return env[k] }, defaultHooks())
		return a.main(context.Background(), args), out.String(), errs.String()
	}
	for _, args := range [][]string{{"init", "--work-factor", "10"}, {"import", filepath.Join(dir, "p.toml")}} {
		if code, _, e := run(args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, e)
		}
	}
	code, out, errs := run("token", "op", "--id-token")
	if code != 0 || strings.Count(out, ".") != 2 || !strings.HasPrefix(out, "eyJ") {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
	for _, want := range []string{
		"tokenscope: id_token signature: ok: ",
		`tokenscope: id_token iss: not checked: the provider names no issuer to compare "https://op.example" with`,
		"tokenscope: id_token aud: ok: contains the client id cli-app",
		"tokenscope: id_token exp: ok: expires ",
		"tokenscope: id_token nonce: not checked: none was sent",
		"tokenscope: id_token at_hash: ok: matches the access token",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	code, out, _ = run("token", "op", "--id-token", "--json")
	var v struct {
		IDToken string            `json:"id_token"`
		Claims  map[string]any    `json:"claims"`
		Checks  []json.RawMessage `json:"checks"`
		Valid   bool              `json:"valid"`
	}
	if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil || !v.Valid || len(v.Checks) != 6 || v.IDToken == "" ||
		v.Claims["sub"] != "u1" {
		t.Errorf("--json: exit %d, %v, %s", code, err, out)
	}
	// A token for another audience: printed, and the command fails.
	aud = "someone-else"
	code, out, errs = run("token", "op", "--id-token", "--fresh")
	if code == 0 || out == "" || !strings.Contains(errs, "tokenscope: id_token aud: failed: ") ||
		!strings.Contains(errs, "tokenscope: error: the id_token of op failed aud") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
	code, out, errs = run("token", "plain", "--id-token")
	if code == 0 || out != "" || !strings.Contains(errs, "the token response of plain carried no id_token") ||
		!strings.Contains(errs, "hint: ask for the openid scope") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
}
