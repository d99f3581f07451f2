package form

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tokenscope/tokenscope/providers"
)

// TestIssuerRow: a provider edited with an issuer and no client_auth keeps
// both as they are; one added with an issuer needs no token URL.
func TestIssuerRow(t *testing.T) {
	t.Parallel()
	orig, err := providers.ApplyPreset(providers.Provider{Name: "corp", Preset: "oauth2",
		Issuer: "https://login.example/tenant", ClientID: "app", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	m := newForm(Options{Original: &orig})
	if got := line(t, m, "Issuer"); !strings.HasSuffix(got, "https://login.example/tenant") {
		t.Errorf("issuer row %q", got)
	}
	if strings.Contains(line(t, m, "Token URL"), "*") {
		t.Error("the token URL is marked required beside an issuer")
	}
	_, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok {
		t.Fatalf("an unchanged issuer provider was refused: %#v", msg)
	}
	if !reflect.DeepEqual(sub.Provider, orig) {
		t.Errorf("edit gave\n%#v\nwant\n%#v", sub.Provider, orig)
	}

	m = newForm(Options{})
	m = typeInto(t, m, "name", "new")
	m = typeInto(t, m, "client_id", "app")
	m = typeInto(t, m, "client_secret", "s")
	m = typeInto(t, m, "issuer", "https://login.example/tenant")
	_, msg = submit(t, m)
	if sub, ok := msg.(SubmittedMsg); !ok || sub.Provider.Issuer != "https://login.example/tenant" || sub.Provider.TokenURL != "" {
		t.Errorf("add with an issuer gave %#v", msg)
	}
}

// tenant is the issuer of the tests below.
const tenant = "https://login.example/tenant"

// tenantMetadata is tenant's metadata, listing methods.
func tenantMetadata(methods ...string) *providers.Metadata {
	return &providers.Metadata{Issuer: tenant, TokenEndpoint: tenant + "/token",
		TokenEndpointAuthMethodsSupported: methods}
}

// offers lists the client auth row's values as ← and → go through them.
func offers(t *testing.T, m Model) []string {
	t.Helper()
	m = focusOn(t, m, "client_auth")
	var seen []string
	for range len(m.fields[m.focus].choices) {
		seen = append(seen, m.fields[m.focus].value())
		m, _ = send(m, keyOf(tea.KeyRight))
	}
	return seen
}

// submitted saves m and returns the provider, failing on a refusal.
func submitted(t *testing.T, m Model) providers.Provider {
	t.Helper()
	_, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok {
		t.Fatalf("refused:\n%s", view(m))
	}
	return sub.Provider
}

// TestFromIssuerWhenAdding: a new provider's client auth follows the
// issuer row: the preset's default without one, "from the issuer" (saved
// unset, for the metadata to pick) once one is typed, and back to the
// default when it is emptied, since Validate needs a client_auth then.
// "From the issuer" is offered only beside an issuer.
func TestFromIssuerWhenAdding(t *testing.T) {
	t.Parallel()
	m := newForm(Options{})
	m = typeInto(t, m, "name", "new")
	m = typeInto(t, m, "client_id", "app")
	m = typeInto(t, m, "client_secret", "s")
	if got := line(t, m, "Client auth"); !strings.HasSuffix(got, " basic") {
		t.Fatalf("client auth row without an issuer: %q", got)
	}
	if got := offers(t, m); slices.Contains(got, fromIssuer) {
		t.Errorf("without an issuer the row offers %q", got)
	}

	m = typeInto(t, m, "issuer", tenant)
	if got := line(t, m, "Client auth"); !strings.HasSuffix(got, " from the issuer") {
		t.Errorf("client auth row once an issuer is typed: %q", got)
	}
	if got := offers(t, m); !slices.Contains(got, fromIssuer) || !slices.Contains(got, "basic") {
		t.Errorf("beside an issuer the row offers %q", got)
	}
	if p := submitted(t, m); p.ClientAuth != "" || p.Issuer != tenant {
		t.Errorf("saved client_auth %q issuer %q, want it unset beside the issuer", p.ClientAuth, p.Issuer)
	}
	m = focusOn(t, m, "client_auth")
	if got := view(m); !strings.Contains(got, "the first fetch picks it from the issuer's") {
		t.Errorf("the focused row does not say when it is picked:\n%s", got)
	}

	m = typeInto(t, m, "issuer", "")
	if got := line(t, m, "Client auth"); !strings.HasSuffix(got, " basic") {
		t.Errorf("client auth row once the issuer is emptied: %q", got)
	}
	m = typeInto(t, m, "token_url", "https://login.example/token")
	p := submitted(t, m)
	if p.ClientAuth != providers.AuthBasic {
		t.Errorf("saved client_auth %q without an issuer, want basic", p.ClientAuth)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("saved provider refused: %v", err)
	}
}

// TestChosenClientAuthStays: a client auth the user chose is theirs: the
// issuer row coming and going leaves it alone.
func TestChosenClientAuthStays(t *testing.T) {
	t.Parallel()
	m := newForm(Options{})
	m = typeInto(t, m, "name", "new")
	m = typeInto(t, m, "client_id", "app")
	m = typeInto(t, m, "issuer", tenant)
	m = choose(t, m, "client_auth", "body")
	m = typeInto(t, m, "issuer", "")
	m = typeInto(t, m, "issuer", tenant+"2")
	if got := line(t, m, "Client auth"); !strings.HasSuffix(got, " body") {
		t.Errorf("the chosen client auth became %q", got)
	}
	if p := submitted(t, m); p.ClientAuth != providers.AuthBody {
		t.Errorf("saved client_auth %q, want body", p.ClientAuth)
	}
	m = focusOn(t, m, "client_auth")
	if got := view(m); !strings.Contains(got, `"from the issuer" lets its metadata pick`) {
		t.Errorf("the focused row does not offer the issuer's pick:\n%s", got)
	}
}

// TestFromIssuerWhenEditing: the form maps a stored provider's client_auth
// both ways: unset shows as "from the issuer", with the method the
// stored metadata picks for this client, and saves unset; an explicit one
// shows and saves as it is, and can be left to the issuer.
func TestFromIssuerWhenEditing(t *testing.T) {
	t.Parallel()
	orig, err := providers.ApplyPreset(providers.Provider{Name: "corp", Preset: "oauth2",
		Issuer: tenant, ClientID: "app", ClientSecret: "s"})
	if err != nil || orig.ClientAuth != "" {
		t.Fatalf("ApplyPreset gave client_auth %q, %v", orig.ClientAuth, err)
	}
	for _, c := range []struct {
		meta *providers.Metadata
		want string
	}{
		{nil, "from the issuer"},
		{tenantMetadata("client_secret_basic", "client_secret_post"), "from the issuer: basic (client_secret_basic)"},
		{tenantMetadata("client_secret_post"), "from the issuer: body (client_secret_post)"},
		{tenantMetadata("private_key_jwt"), "from the issuer: basic (none it lists fits)"},
		{tenantMetadata(), "from the issuer: basic (it lists none)"},
		{&providers.Metadata{Issuer: "https://other.example", TokenEndpointAuthMethodsSupported: []string{"client_secret_post"}},
			"from the issuer"},
	} {
		m := newForm(Options{Original: &orig, Metadata: c.meta})
		if got := line(t, m, "Client auth"); !strings.HasSuffix(got, " "+c.want) {
			t.Errorf("metadata %+v: row %q, want %q", c.meta, got, c.want)
		}
		if p := submitted(t, m); !reflect.DeepEqual(p, orig) {
			t.Errorf("metadata %+v: an unchanged edit saved\n%#v\nwant\n%#v", c.meta, p, orig)
		}
	}

	// The client id's hint says where the picked method sends it.
	m := focusOn(t, newForm(Options{Original: &orig, Metadata: tenantMetadata("client_secret_post")}), "client_id")
	if got := view(m); !strings.Contains(got, "the issuer's metadata picks body: sent in the form body") {
		t.Errorf("the client id's hint does not say the pick:\n%s", got)
	}

	// The pick follows the rows: without a secret, a public client.
	m = newForm(Options{Original: &orig, Metadata: tenantMetadata("client_secret_basic", "none")})
	m = typeInto(t, m, "client_secret", "")
	if got := line(t, m, "Client auth"); !strings.HasSuffix(got, " from the issuer: none (no client secret)") {
		t.Errorf("row without a secret %q", got)
	}
	m = focusOn(t, m, "client_auth")
	if got := view(m); !strings.Contains(got, "the methods the issuer lists: client_secret_basic none") {
		t.Errorf("the focused row does not list the issuer's methods:\n%s", got)
	}
	// Another issuer typed: the stored metadata is not its.
	m = typeInto(t, m, "issuer", tenant+"/v2")
	if got := line(t, m, "Client auth"); !strings.HasSuffix(got, " from the issuer") {
		t.Errorf("row beside another issuer %q", got)
	}

	explicit := orig
	explicit.ClientAuth = providers.AuthBasic
	m = newForm(Options{Original: &explicit, Metadata: tenantMetadata("client_secret_post")})
	if got := line(t, m, "Client auth"); !strings.HasSuffix(got, " basic") {
		t.Errorf("explicit basic shows as %q", got)
	}
	// Emptied and typed again, the issuer leaves the stored choice alone.
	m = typeInto(t, m, "issuer", "")
	m = typeInto(t, m, "issuer", tenant)
	if p := submitted(t, m); !reflect.DeepEqual(p, explicit) {
		t.Errorf("explicit client_auth not kept: %q", p.ClientAuth)
	}
	m = choose(t, m, "client_auth", fromIssuer)
	if p := submitted(t, m); p.ClientAuth != "" {
		t.Errorf("left to the issuer, saved client_auth %q", p.ClientAuth)
	}

	// An edited provider whose issuer goes needs a client_auth again.
	m = newForm(Options{Original: &orig})
	m = typeInto(t, m, "issuer", "")
	m = typeInto(t, m, "token_url", "https://login.example/token")
	if p := submitted(t, m); p.ClientAuth != providers.AuthBasic || p.Issuer != "" {
		t.Errorf("without its issuer: client_auth %q issuer %q, want basic", p.ClientAuth, p.Issuer)
	}
}

// TestGoldenIssuer pins the client auth row left to the issuer at two
// sizes: an edit whose stored metadata picks, focused on the row.
func TestGoldenIssuer(t *testing.T) {
	t.Parallel()
	orig, err := providers.ApplyPreset(providers.Provider{Name: "corp", Preset: "oauth2",
		Issuer: tenant, ClientID: "app", ClientSecret: "s", Scope: "api.read"})
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("edit_%dx%d", size[0], size[1]), func(t *testing.T) {
			m := newForm(Options{Original: &orig, Metadata: tenantMetadata("client_secret_basic", "client_secret_post", "none")})
			m = focusOn(t, m, "client_auth")
			m.SetSize(size[0], size[1])
			golden.RequireEqual(t, []byte(view(m)))
		})
	}
}
