package providers

import "testing"

// TestEnumsAcceptTheirConstantsOnly: every constant of a typed enum is
// Valid and the wire values are those the store and import files hold.
func TestEnumsAcceptTheirConstantsOnly(t *testing.T) {
	for _, tc := range []struct {
		value string
		valid bool
		want  bool
	}{
		{string(GrantClientCredentials), GrantClientCredentials.Valid(), true},
		{string(GrantPassword), GrantPassword.Valid(), true},
		{string(GrantAuthorizationCode), GrantAuthorizationCode.Valid(), true},
		{"implicit", Grant("implicit").Valid(), false},
		{string(AuthNone), AuthNone.Valid(), true},
		{"", PKCE("").Valid(), true},
		{string(PKCES256), PKCES256.Valid(), true},
		{string(PKCEOff), PKCEOff.Valid(), true},
		{"plain", PKCE("plain").Valid(), false},
		{string(AuthBasic), AuthBasic.Valid(), true},
		{string(AuthBody), AuthBody.Valid(), true},
		{string(AuthQuery), AuthQuery.Valid(), true},
		{"Basic", ClientAuth("Basic").Valid(), false},
		{"", GrantIn("").Valid(), true},
		{string(GrantInBody), GrantInBody.Valid(), true},
		{string(GrantInQuery), GrantInQuery.Valid(), true},
		{string(GrantInNone), GrantInNone.Valid(), true},
		{"header", GrantIn("header").Valid(), false},
		{string(LogoutEndpoint), LogoutEndpoint.Valid(), true},
		{string(LogoutRevocation), LogoutRevocation.Valid(), true},
		{string(LogoutNone), LogoutNone.Valid(), true},
		{"", Logout("").Valid(), false},
	} {
		if tc.valid != tc.want {
			t.Errorf("%q: Valid() = %v, want %v", tc.value, tc.valid, tc.want)
		}
	}
	wire := []string{string(GrantClientCredentials), string(GrantPassword), string(AuthBasic), string(AuthBody),
		string(AuthQuery), string(GrantInBody), string(GrantInQuery), string(GrantInNone),
		string(GrantAuthorizationCode), string(AuthNone), string(PKCES256), string(PKCEOff)}
	want := []string{"client_credentials", "password", "basic", "body", "query", "body", "query", "none",
		"authorization_code", "none", "S256", "off"}
	for i := range wire {
		if wire[i] != want[i] {
			t.Errorf("wire value %d = %q, want %q", i, wire[i], want[i])
		}
	}
}

func TestLogoutFollowsTheEndpoints(t *testing.T) {
	for _, tc := range []struct {
		p    Provider
		want Logout
	}{
		{Provider{LogoutURL: "https://a/out", RevocationURL: "https://a/revoke"}, LogoutEndpoint},
		{Provider{RevocationURL: "https://a/revoke"}, LogoutRevocation},
		{Provider{}, LogoutNone},
	} {
		if got := tc.p.Logout(); got != tc.want {
			t.Errorf("%+v: Logout() = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestSameWire(t *testing.T) {
	base := Provider{Name: "a", TokenURL: "https://a/token", Grant: GrantPassword, ClientID: "c", Username: "u",
		Scope: "s", Product: "collection", Params: map[string]string{"audience": "api"}, ClientSecret: "x"}
	same := base
	same.Name, same.ClientSecret, same.Password, same.Headers = "b", "y", "z", map[string]Secret{"K": "v"}
	same.TryURL, same.Insecure, same.Timeout = "https://a/try", true, 5
	if !base.SameWire(same) {
		t.Error("secrets, headers and presentation changed the wire identity")
	}
	for name, edit := range map[string]func(*Provider){
		"token_url": func(p *Provider) { p.TokenURL = "https://b/token" },
		"grant":     func(p *Provider) { p.Grant = GrantClientCredentials },
		"client_id": func(p *Provider) { p.ClientID = "d" },
		"username":  func(p *Provider) { p.Username = "v" },
		"scope":     func(p *Provider) { p.Scope = "t" },
		"product":   func(p *Provider) { p.Product = "remittance" },
		"params":    func(p *Provider) { p.Params = map[string]string{"audience": "other"} },
	} {
		other := base
		edit(&other)
		if base.SameWire(other) {
			t.Errorf("a change of %s kept the wire identity", name)
		}
	}
}
