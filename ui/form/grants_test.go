package form

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// TestInteractiveGrantRows: the authorization code grant shows its rows
// (authorization URL, redirect URI, PKCE), the device grant its device
// authorization URL, a public client no secret; Validate's refusals land
// at the rows, and the rows make the provider.
func TestInteractiveGrantRows(t *testing.T) {
	t.Parallel()
	m := newForm(Options{})
	for _, l := range []string{"Authorize URL", "Redirect URI", "PKCE", "Device URL"} {
		if shown(m, l) {
			t.Fatalf("client credentials shows %s", l)
		}
	}
	m = typeInto(t, m, "name", "app")
	m = typeInto(t, m, "token_url", "https://auth.example.com/token")
	m = typeInto(t, m, "client_id", "cid")
	m = typeInto(t, m, "client_secret", "s")
	m = choose(t, m, "grant_type", "authorization_code")
	for _, l := range []string{"Authorize URL", "Redirect URI", "PKCE"} {
		if !shown(m, l) {
			t.Fatalf("authorization_code hides %s\n%s", l, view(m))
		}
	}
	if shown(m, "Device URL") {
		t.Fatal("authorization_code shows the device authorization URL")
	}
	if !strings.Contains(line(t, m, "Authorize URL"), "*") {
		t.Error("the authorization URL is not marked required")
	}
	m = choose(t, m, "client_auth", "none")
	if !shown(m, "Client secret") {
		t.Fatal("a secret typed before none was hidden, so it cannot be cleared")
	}
	m, _ = submit(t, m)
	if !strings.Contains(view(m), "✗ client_auth none is a public client, which sends no secret") {
		t.Fatalf("a secret with client_auth none was not refused at its row\n%s", view(m))
	}
	m = typeInto(t, m, "client_secret", "")
	if shown(m, "Client secret") {
		t.Fatal("a public client shows an empty secret row")
	}
	m = typeInto(t, m, "redirect_uri", "http://127.0.0.1:8400/cb#x")
	m, _ = submit(t, m)
	assertErrorUnder(t, m, "Redirect URI", "✗ a redirect URI has no fragment (RFC 6749 §3.1.2)")
	m = typeInto(t, m, "redirect_uri", "http://127.0.0.1:8400/cb")
	m = typeInto(t, m, "authorization_url", "https://auth.example.com/authorize")
	m = choose(t, m, "pkce", "off")
	m, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok {
		t.Fatalf("refused: %#v\n%s", msg, view(m))
	}
	p := sub.Provider
	if p.Grant != providers.GrantAuthorizationCode || p.ClientAuth != providers.AuthNone || p.ClientSecret != "" ||
		p.AuthorizationURL != "https://auth.example.com/authorize" || p.RedirectURI != "http://127.0.0.1:8400/cb" ||
		p.PKCE != providers.PKCEOff {
		t.Fatalf("submitted %+v", p)
	}

	m = choose(t, m, "grant_type", "device_code")
	if shown(m, "Authorize URL") || !shown(m, "Device URL") {
		t.Fatalf("device_code rows wrong\n%s", view(m))
	}
	m = typeInto(t, m, "device_authorization_url", "ftp://auth.example.com/device")
	m, _ = submit(t, m)
	if !strings.Contains(view(m), `"ftp://auth.example.com/device" is not an http or https URL`) {
		t.Fatalf("a bad device authorization URL was not refused at its row\n%s", view(m))
	}
	m = typeInto(t, m, "device_authorization_url", "https://auth.example.com/device")
	_, msg = submit(t, m)
	sub, ok = msg.(SubmittedMsg)
	if !ok || sub.Provider.DeviceAuthorizationURL != "https://auth.example.com/device" || sub.Provider.AuthorizationURL != "" {
		t.Fatalf("device submit %#v", msg)
	}
}

// TestEditKeepsTheLoginRows: a login provider edited unchanged is the
// provider it was, PKCE's default stored as nothing.
func TestEditKeepsTheLoginRows(t *testing.T) {
	t.Parallel()
	orig, err := providers.ApplyPreset(providers.Provider{Name: "pub", Preset: "oauth2", Grant: providers.GrantAuthorizationCode,
		TokenURL: "https://a.example/token", AuthorizationURL: "https://a.example/authorize", ClientAuth: providers.AuthNone,
		ClientID: "cid"})
	if err != nil {
		t.Fatal(err)
	}
	m := newForm(Options{Original: &orig})
	if got := line(t, m, "PKCE"); !strings.Contains(got, "S256") {
		t.Errorf("pkce row %q", got)
	}
	_, msg := submit(t, m)
	sub, ok := msg.(SubmittedMsg)
	if !ok || sub.Provider.PKCE != "" || sub.Provider.AuthorizationURL != orig.AuthorizationURL || sub.Provider.ClientAuth != providers.AuthNone {
		t.Fatalf("edit gave %#v", msg)
	}
}
