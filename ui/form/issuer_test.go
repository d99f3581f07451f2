package form

import (
	"reflect"
	"strings"
	"testing"

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
