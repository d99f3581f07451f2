package oauth

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

func TestCurlCommandText(t *testing.T) {
	mtn, _ := providers.ApplyPreset(providers.Provider{Name: "mtn", Preset: "mtn", ClientID: "xNnREu1D", ClientSecret: "s"})
	momo, _ := providers.ApplyPreset(providers.Provider{Name: "momo", Preset: "momo", Product: "disbursement", ClientID: "api-user", ClientSecret: "k",
		Headers: map[string]providers.Secret{"Ocp-Apim-Subscription-Key": "sub"}})
	telenor, _ := providers.ApplyPreset(providers.Provider{Name: "t", Preset: "telenor", ClientID: "cid", ClientSecret: "x/y", Username: "api7813371375", Password: "p"})
	mobi, _ := providers.ApplyPreset(providers.Provider{Name: "mf", Preset: "mobifinance", TokenURL: "https://mf.example/oauth/token", ClientID: "c", ClientSecret: "s", Insecure: true})
	for _, tc := range []struct {
		p    providers.Provider
		want string
	}{
		{mtn, `curl -sS 'https://api.mtn.com/v1/oauth/access_token?grant_type=client_credentials' \
  -H 'Accept: application/json' \
  --data-urlencode client_id=xNnREu1D \
  --data-urlencode "client_secret=$CLIENT_SECRET"`},
		{momo, `curl -sS https://sandbox.momodeveloper.mtn.com/disbursement/token/ \
  -H 'Accept: application/json' \
  -H "Ocp-Apim-Subscription-Key: $OCP_APIM_SUBSCRIPTION_KEY" \
  -u "api-user:$CLIENT_SECRET" \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  --data ''`},
		{telenor, `# RFC 6749 §2.3.1: the Basic credentials are form-encoded first; set CLIENT_SECRET to the form-encoded secret
curl -sS https://api.telenor.no/oauth/v2/token \
  -H 'Accept: application/json' \
  -u "cid:$CLIENT_SECRET" \
  --data-urlencode grant_type=password \
  --data-urlencode username=api7813371375 \
  --data-urlencode "password=$PASSWORD"`},
		{mobi, `curl -sS --insecure https://mf.example/oauth/token \
  --url-query client_id=c \
  --url-query "client_secret=$CLIENT_SECRET" \
  --url-query grant_type=client_credentials \
  -H 'Accept: application/json' \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  --data ''`},
	} {
		if got := CurlCommand(tc.p); got != tc.want {
			t.Errorf("CurlCommand(%s) =\n%s\nwant\n%s", tc.p.Name, got, tc.want)
		}
	}
}

// hostile is a secret a shell would mangle if it were ever quoted wrongly.
const hostile = `it's "a" $ecret! \ ` + "`x`" + ` a+b/c:d%e&f=g`

// runCurl runs a curl command line under sh with env set.
func runCurl(t *testing.T, cmd string, env ...string) string {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl on this machine")
	}
	c := exec.Command("sh", "-c", cmd)
	c.Env = append(os.Environ(), env...)
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("%s\n%v: %s", cmd, err, out)
	}
	return string(out)
}

// onTheWire is a request as a server decodes it, for comparing two clients.
type onTheWire struct {
	Method, Path string
	Query, Form  url.Values
	QueryKeys    []string
	BasicID      string
	BasicSecret  string
	SubKey       string
}

func decodeWire(t *testing.T, s seen) onTheWire {
	q, _ := url.ParseQuery(s.RawQuery)
	var keys []string
	for kv := range strings.SplitSeq(s.RawQuery, "&") {
		k, _, _ := strings.Cut(kv, "=")
		keys = append(keys, k)
	}
	w := onTheWire{Method: s.Method, Path: s.Path, Query: q, Form: s.form(t), QueryKeys: keys, SubKey: s.Header.Get("Ocp-Apim-Subscription-Key")}
	if h := s.Header.Get("Authorization"); h != "" {
		w.BasicID, w.BasicSecret = decodeBasic(t, h)
	}
	return w
}

func TestCurlCommandSendsWhatTheEngineSends(t *testing.T) {
	for _, preset := range []string{"mtn", "momo", "mobifinance", "telenor", "mobiledigital", "mpesa", "orange", "oauth2"} {
		t.Run(preset, func(t *testing.T) {
			srv := serve(t, answer(200, tokenJSON))
			p, err := providers.ApplyPreset(providers.Provider{Name: preset, Preset: preset, ClientID: "client-1", ClientSecret: hostile,
				Username: "api user", Password: hostile + "pw", Headers: map[string]providers.Secret{"Ocp-Apim-Subscription-Key": hostile + "key"},
				Params: map[string]string{"audience": "https://api.example/it's"}})
			if err != nil {
				t.Fatal(err)
			}
			p.TokenURL = srv.URL() + "/token"
			if _, err := testClient(nil).Fetch(context.Background(), p); err != nil {
				t.Fatal(err)
			}
			cmd := CurlCommand(p)
			for _, s := range []string{hostile, url.QueryEscape(hostile)} {
				if strings.Contains(cmd, s) {
					t.Fatalf("the curl command shows a secret:\n%s", cmd)
				}
			}
			secret := hostile
			if strings.HasPrefix(cmd, "# RFC 6749") {
				secret = url.QueryEscape(hostile) // as the comment line asks
			}
			runCurl(t, cmd+" -o /dev/null", "CLIENT_SECRET="+secret, "PASSWORD="+hostile+"pw", "OCP_APIM_SUBSCRIPTION_KEY="+hostile+"key")
			got := srv.got()
			engine, curl := decodeWire(t, got[0]), decodeWire(t, got[1])
			if !reflect.DeepEqual(engine, curl) {
				t.Errorf("the engine sent\n%+v\ncurl sent\n%+v\ncommand:\n%s", engine, curl, cmd)
			}
		})
	}
}

func TestTryCurlCommand(t *testing.T) {
	srv := serve(t, answer(200, "{}"))
	p, _ := providers.ApplyPreset(providers.Provider{Name: "md", Preset: "mobiledigital", ClientID: "c",
		Headers: map[string]providers.Secret{"X-Api-Key": "k-1"}})
	p.TryURL = srv.URL() + "/prod/sendSMS?to=it's"
	p.TryBody = `{"recipient": "+61400000000", "message": "it's $5 & ` + "`more`" + `!"}`
	p.TryMethod = "POST"
	tok := &providers.Token{AccessToken: "eyJ.it's.sig"}
	cmd := TryCurlCommand(p, tok)
	want := `curl -sS 'http://` + strings.TrimPrefix(srv.URL(), "http://") + `/prod/sendSMS?to=it'\''s' \
  -H 'Accept: application/json, */*;q=0.8' \
  -H "X-Api-Key: $X_API_KEY" \
  -H 'Authorization: Bearer eyJ.it'\''s.sig' \
  -H 'Content-Type: application/json' \
  --data-raw '{"recipient": "+61400000000", "message": "it'\''s $5 & ` + "`more`" + `!"}'`
	if cmd != want {
		t.Errorf("TryCurlCommand =\n%s\nwant\n%s", cmd, want)
	}
	runCurl(t, cmd+" -o /dev/null", "X_API_KEY=k-1")
	s := srv.got()[0]
	if s.Method != "POST" || s.RawQuery != "to=it%27s" && s.RawQuery != "to=it's" || s.Body != p.TryBody ||
		s.Header.Get("Authorization") != "Bearer eyJ.it's.sig" || s.Header.Get("X-Api-Key") != "k-1" {
		t.Errorf("curl sent %+v", s)
	}
	// Without a token the command asks for one.
	if got := TryCurlCommand(providers.Provider{TryURL: "https://api.example/me"}, nil); got != `curl -sS https://api.example/me \
  -H 'Accept: application/json, */*;q=0.8' \
  -H "Authorization: Bearer $ACCESS_TOKEN"` {
		t.Errorf("without a token:\n%s", got)
	}
}

func TestShellWords(t *testing.T) {
	for _, tc := range []struct {
		w    word
		want string
	}{
		{lit(""), "''"},
		{lit("plain-word_1.2/x:y=z@%+,"), "plain-word_1.2/x:y=z@%+,"},
		{lit("a b"), "'a b'"},
		{lit("it's"), `'it'\''s'`},
		{word{{text: "k="}, {text: "V", isVar: true}}, `"k=$V"`},
		{word{{text: "V", isVar: true}, {text: "_tail"}}, `"${V}_tail"`},
		{word{{text: "V", isVar: true}, {text: ":tail"}}, `"$V:tail"`},
		{word{{text: `a"$b`}, {text: "V", isVar: true}}, `'a"$b'"$V"`},
	} {
		if got := tc.w.String(); got != tc.want {
			t.Errorf("%+v = %s, want %s", tc.w, got, tc.want)
		}
	}
}
