package oauth

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// metaState is a memState that keeps metadata too.
type metaState struct {
	*memState
	puts int
}

func newMetaState(ps ...providers.Provider) *metaState {
	return &metaState{memState: newMemState(ps...)}
}

func (s *metaState) LookupMetadata(name string) (*providers.Metadata, error) {
	s.memState.mu.Lock()
	defer s.memState.mu.Unlock()
	return s.meta[name].Clone(), nil
}

func (s *metaState) RecordMetadata(name string, m *providers.Metadata) (providers.Entry, error) {
	s.memState.mu.Lock()
	defer s.memState.mu.Unlock()
	s.meta[name], s.puts = m.Clone(), s.puts+1
	return s.entry(name), nil
}

// issuerServer is an authorization server that serves its RFC 8414
// metadata (issuer its own URL, or what claim says) with the auth methods
// given, and a token endpoint that refuses a client that does not
// authenticate as the first of them says.
type issuerServer struct {
	*httptest.Server
	metadataHits, tokenHits atomic.Int32
	mu                      sync.Mutex
	auth                    []string // how each token request authenticated
}

func newIssuerServer(t *testing.T, claim string, methods []string) *issuerServer {
	t.Helper()
	is := &issuerServer{}
	is.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/.well-known/oauth-authorization-server/tenant":
			is.metadataHits.Add(1)
			iss := base + "/tenant"
			if claim != "" {
				iss = claim
			}
			ms := ""
			if methods != nil {
				ms = fmt.Sprintf(`,"token_endpoint_auth_methods_supported":["%s"]`, strings.Join(methods, `","`))
			}
			fmt.Fprintf(w, `{"issuer":%q,"token_endpoint":"%[2]s/tenant/token","authorization_endpoint":"%[2]s/tenant/authorize",
				"device_authorization_endpoint":"%[2]s/tenant/device","jwks_uri":"%[2]s/tenant/jwks",
				"revocation_endpoint":"%[2]s/tenant/revoke","introspection_endpoint":"%[2]s/tenant/introspect",
				"userinfo_endpoint":"%[2]s/tenant/userinfo"%s}`, iss, base, ms)
		case "/tenant/token":
			is.tokenHits.Add(1)
			_ = r.ParseForm()
			how := "none"
			switch {
			case r.Header.Get("Authorization") != "":
				how = "client_secret_basic"
			case r.PostForm.Get("client_secret") != "":
				how = "client_secret_post"
			}
			is.mu.Lock()
			is.auth = append(is.auth, how)
			is.mu.Unlock()
			if methods != nil && !slices.Contains(methods, how) {
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"error":"invalid_client","error_description":"%s is not allowed"}`, how)
				return
			}
			if how == "none" && r.PostForm.Get("client_id") == "" {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"error":"invalid_request","error_description":"no client_id"}`)
				return
			}
			fmt.Fprint(w, `{"access_token":"AT-issuer","token_type":"Bearer","expires_in":3600}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(is.Close)
	return is
}

func (is *issuerServer) issuer() string { return is.URL + "/tenant" }

func issuerProvider(t *testing.T, issuer string, secret providers.Secret, set func(*providers.Provider)) providers.Provider {
	t.Helper()
	p := providers.Provider{Name: "idp", Preset: "oauth2", Issuer: issuer, ClientID: "client-1", ClientSecret: secret}
	if set != nil {
		set(&p)
	}
	p, err := providers.ApplyPreset(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("a provider with only an issuer: %v", err)
	}
	return p
}

// TestEnsureDiscoversOnFirstUse: a provider configured by its issuer
// alone fetches the metadata once, keeps it, and takes its token from the
// token endpoint the metadata names; the second use reads the kept copy.
func TestEnsureDiscoversOnFirstUse(t *testing.T) {
	is := newIssuerServer(t, "", []string{"client_secret_basic", "client_secret_post"})
	st := newMetaState(issuerProvider(t, is.issuer(), testSecret, nil))
	c := discoverClient()
	out, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true})
	if err != nil {
		t.Fatal(err)
	}
	if out.Token.AccessToken.Reveal() != "AT-issuer" || !out.Resolved.Fetched {
		t.Fatalf("outcome %+v", out)
	}
	if st.meta["idp"] == nil || st.meta["idp"].Source != is.URL+"/.well-known/oauth-authorization-server/tenant" ||
		!st.meta["idp"].FetchedAt.Equal(fixedNow) {
		t.Errorf("kept metadata %+v", st.meta["idp"])
	}
	if got := out.Resolved.Note(); !strings.Contains(got, "client_auth basic") || !strings.Contains(got, "client_secret_basic") {
		t.Errorf("note %q", got)
	}
	if _, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true}); err != nil {
		t.Fatal(err)
	}
	if n := is.metadataHits.Load(); n != 1 {
		t.Errorf("metadata fetched %d times, want once", n)
	}
	if n := is.tokenHits.Load(); n != 2 {
		t.Errorf("token endpoint asked %d times, want 2", n)
	}
	// A cached token needs no endpoint: nothing is sent at all.
	before := is.metadataHits.Load() + is.tokenHits.Load()
	st.meta = map[string]*providers.Metadata{}
	if out, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{}); err != nil || out.How != Cached {
		t.Fatalf("cached: %+v %v", out, err)
	}
	if after := is.metadataHits.Load() + is.tokenHits.Load(); after != before {
		t.Errorf("a cached token sent %d requests", after-before)
	}
}

// TestEnsureRefusesAnotherIssuersMetadata: metadata naming another issuer
// is refused with both named, nothing is sent to its token endpoint,
// nothing kept, and the failure is in the history.
func TestEnsureRefusesAnotherIssuersMetadata(t *testing.T) {
	is := newIssuerServer(t, "https://evil.example/tenant", nil)
	st := newMetaState(issuerProvider(t, is.issuer(), testSecret, nil))
	_, err := discoverClient().Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true})
	if err == nil {
		t.Fatal("metadata of another issuer was used")
	}
	for _, w := range []string{`"https://evil.example/tenant"`, `"` + is.issuer() + `"`, "refused"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %s", err, w)
		}
	}
	if n := is.tokenHits.Load(); n != 0 {
		t.Errorf("the token endpoint was asked %d times", n)
	}
	if st.meta["idp"] != nil {
		t.Errorf("refused metadata was kept: %+v", st.meta["idp"])
	}
	if k := st.kinds(); !slices.Equal(k, []providers.EventKind{providers.EventFailed}) {
		t.Errorf("events %v, want one failed", k)
	}
}

// TestDiscoveredFillsOnlyWhatIsUnset: every endpoint the user set wins;
// every other one comes from the metadata.
func TestDiscoveredFillsOnlyWhatIsUnset(t *testing.T) {
	is := newIssuerServer(t, "", nil)
	own := "https://own.example"
	st := newMetaState(issuerProvider(t, is.issuer(), testSecret, func(p *providers.Provider) {
		p.JWKSURL, p.UserinfoURL = own+"/jwks", own+"/me"
	}))
	r, _, err := discoverClient().Resolve(context.Background(), st, "idp")
	if err != nil {
		t.Fatal(err)
	}
	p, base := r.Provider, is.URL+"/tenant"
	for _, f := range []struct{ key, got, want string }{
		{"token_url", p.TokenURL, base + "/token"},
		{"authorization_url", p.AuthorizationURL, base + "/authorize"},
		{"device_authorization_url", p.DeviceAuthorizationURL, base + "/device"},
		{"revocation_url", p.RevocationURL, base + "/revoke"},
		{"introspection_url", p.IntrospectionURL, base + "/introspect"},
		{"jwks_url", p.JWKSURL, own + "/jwks"},
		{"userinfo_url", p.UserinfoURL, own + "/me"},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.key, f.got, f.want)
		}
	}
	want := []string{"token_url", "authorization_url", "device_authorization_url", "revocation_url", "introspection_url"}
	if !slices.Equal(r.Discovery.Filled, want) {
		t.Errorf("filled %v, want %v", r.Discovery.Filled, want)
	}
	// The stored provider is left as the user wrote it.
	if sp, _, _ := st.Lookup("idp"); sp.TokenURL != "" || sp.ClientAuth != "" {
		t.Errorf("the stored provider changed: %+v", sp)
	}
}

// TestClientAuthPickedFromTheMetadata: with no client_auth set, the
// request authenticates as the server lists, and a client_auth the user
// set is sent as set, even where the server refuses it.
func TestClientAuthPickedFromTheMetadata(t *testing.T) {
	for _, tc := range []struct {
		name    string
		methods []string
		secret  providers.Secret
		set     providers.ClientAuth
		want    string // how the token request authenticated
		note    string
		fails   bool
	}{
		{"basic", []string{"client_secret_post", "client_secret_basic"}, testSecret, "", "client_secret_basic", "(client_secret_basic)", false},
		{"post", []string{"client_secret_post", "private_key_jwt"}, testSecret, "", "client_secret_post", "client_auth body", false},
		{"public", []string{"client_secret_basic", "none"}, "", "", "none", "client_auth none", false},
		{"unlisted", nil, testSecret, "", "client_secret_basic", "lists no token_endpoint_auth_methods_supported", false},
		{"user's own", []string{"client_secret_post"}, testSecret, providers.AuthBasic, "client_secret_basic", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			is := newIssuerServer(t, "", tc.methods)
			st := newMetaState(issuerProvider(t, is.issuer(), tc.secret, func(p *providers.Provider) { p.ClientAuth = tc.set }))
			out, err := discoverClient().Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true})
			if (err != nil) != tc.fails {
				t.Fatalf("err = %v, want failure %v", err, tc.fails)
			}
			if len(is.auth) != 1 || is.auth[0] != tc.want {
				t.Errorf("the token request authenticated as %v, want %s", is.auth, tc.want)
			}
			if note := out.Resolved.Note(); (tc.note == "") != (note == "") || !strings.Contains(note, tc.note) {
				t.Errorf("note %q, want one with %q", note, tc.note)
			}
		})
	}
}

// TestRediscoverFetchesAgain: --refresh fetches and keeps the document
// anew, even with one kept; a provider without an issuer is refused.
func TestRediscoverFetchesAgain(t *testing.T) {
	is := newIssuerServer(t, "", nil)
	st := newMetaState(issuerProvider(t, is.issuer(), testSecret, nil))
	st.meta["idp"] = &providers.Metadata{Issuer: is.issuer(), TokenEndpoint: "https://stale.example/token"}
	r, err := discoverClient().Rediscover(context.Background(), st, "idp")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Fetched || r.Provider.TokenURL != is.issuer()+"/token" || st.meta["idp"].TokenEndpoint != is.issuer()+"/token" {
		t.Errorf("rediscovered %+v, kept %+v", r, st.meta["idp"])
	}
	plain := oauth2Provider(t, is.URL)
	plain.Name = "plain"
	st.p["plain"] = plain
	if _, err := discoverClient().Rediscover(context.Background(), st, "plain"); err == nil || !strings.Contains(err.Error(), "no issuer") {
		t.Errorf("rediscover without an issuer: %v", err)
	}
}

// TestHostileMetadataEndpointIsRefused: an endpoint from the metadata
// is held to the rules of the user's own: a secret in its query is
// refused before anything is sent there.
func TestHostileMetadataEndpointIsRefused(t *testing.T) {
	var tokenHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasPrefix(r.URL.Path, "/.well-known/") {
			fmt.Fprintf(w, `{"issuer":"http://%s","token_endpoint":"http://%[1]s/t?client_secret=x"}`, r.Host)
			return
		}
		tokenHits.Add(1)
	}))
	defer srv.Close()
	st := newMetaState(issuerProvider(t, srv.URL, testSecret, nil))
	_, err := discoverClient().Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true})
	if err == nil || !strings.Contains(err.Error(), "token_url") || tokenHits.Load() != 0 {
		t.Errorf("err %v, token hits %d", err, tokenHits.Load())
	}
}
