package form

import (
	"strings"
	"testing"

	"github.com/tokenscope/tokenscope/providers"
)

// introspected is a provider that sets both the introspection and the
// userinfo URL.
func introspected(t *testing.T) providers.Provider {
	t.Helper()
	p, err := providers.ApplyPreset(providers.Provider{Name: "corp", Preset: "oauth2",
		TokenURL: "https://login.example/token", ClientID: "app", ClientSecret: "s",
		IntrospectionURL: "https://login.example/introspect", UserinfoURL: "https://login.example/userinfo"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIntrospectionAndUserinfoRows: an edit shows both URLs and keeps
// them, a changed row saves its new URL, an emptied row clears it, and a
// new provider gets what its rows say.
func TestIntrospectionAndUserinfoRows(t *testing.T) {
	t.Parallel()
	orig := introspected(t)
	m := newForm(Options{Original: &orig})
	for label, want := range map[string]string{
		"Introspect URL": "https://login.example/introspect", "Userinfo URL": "https://login.example/userinfo",
	} {
		if got := line(t, m, label); !strings.HasSuffix(got, " "+want) {
			t.Errorf("%s row %q, want %q", label, got, want)
		}
	}
	m = typeInto(t, m, "scope", "openid")
	if p := submitted(t, m); p.IntrospectionURL != orig.IntrospectionURL || p.UserinfoURL != orig.UserinfoURL {
		t.Errorf("edit saved introspection %q userinfo %q, want both kept", p.IntrospectionURL, p.UserinfoURL)
	}

	m = typeInto(t, m, "introspection_url", "https://login.example/v2/introspect")
	m = typeInto(t, m, "userinfo_url", "")
	p := submitted(t, m)
	if p.IntrospectionURL != "https://login.example/v2/introspect" || p.UserinfoURL != "" {
		t.Errorf("edit saved introspection %q userinfo %q, want the new one and none", p.IntrospectionURL, p.UserinfoURL)
	}
	if got := line(t, m, "Userinfo URL"); !strings.HasSuffix(got, " OpenID Connect, optional") {
		t.Errorf("emptied userinfo row %q, want its placeholder", got)
	}

	m = newForm(Options{})
	m = typeInto(t, m, "name", "new")
	m = typeInto(t, m, "token_url", "https://login.example/token")
	m = typeInto(t, m, "client_id", "app")
	m = typeInto(t, m, "introspection_url", " https://login.example/introspect ")
	m = typeInto(t, m, "userinfo_url", "https://login.example/userinfo")
	if p := submitted(t, m); p.IntrospectionURL != "https://login.example/introspect" ||
		p.UserinfoURL != "https://login.example/userinfo" {
		t.Errorf("add saved introspection %q userinfo %q", p.IntrospectionURL, p.UserinfoURL)
	}
}

// TestIntrospectionAndUserinfoRefusals: a URL that is not http or https,
// or that carries a password, is refused at its row, both in one save,
// without the password in the refusal.
func TestIntrospectionAndUserinfoRefusals(t *testing.T) {
	t.Parallel()
	orig := introspected(t)
	m := newForm(Options{Original: &orig})
	m = typeInto(t, m, "introspection_url", "ftp://login.example/introspect")
	m = typeInto(t, m, "userinfo_url", "https://bob:Hunter2Secret@login.example/userinfo")
	m, msg := submit(t, m)
	if msg != nil {
		t.Fatalf("bad URLs were saved: %#v", msg)
	}
	if m.fields[m.focus].key != "introspection_url" {
		t.Errorf("focus is on %q, want the first refused row", m.fields[m.focus].key)
	}
	assertErrorUnder(t, m, "Introspect URL", `✗ "ftp://login.example/introspect" is not an http or https URL`)
	if err := m.fields[m.index("userinfo_url")].err; !strings.Contains(err, "user name or password") ||
		strings.Contains(err, "Hunter2Secret") {
		t.Errorf("userinfo refusal %q: want the userinfo refusal, without the password", err)
	}
	if v := view(m); !strings.Contains(v, "✗ the URL carries a user name or password") || strings.Count(v, "Hunter2Secret") != 1 {
		t.Errorf("want the refusal shown, and the password only where it was typed:\n%s", v)
	}
}

// TestIntrospectionAndUserinfoFollowTheIssuer: beside an issuer the rows
// (and the JWKS and revocation rows) say its metadata gives them, and what it gives when the form has the
// metadata of that issuer; left empty they are saved empty, for the
// metadata to fill at the fetch.
func TestIntrospectionAndUserinfoFollowTheIssuer(t *testing.T) {
	t.Parallel()
	md := tenantMetadata("client_secret_basic")
	md.IntrospectionEndpoint, md.JWKSURI = tenant+"/introspect", tenant+"/jwks"
	orig, err := providers.ApplyPreset(providers.Provider{Name: "corp", Preset: "oauth2", Issuer: tenant,
		ClientID: "app", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	m := newForm(Options{Original: &orig, Metadata: md})
	rows := func(intro, user string) {
		t.Helper()
		if got := line(t, m, "Introspect URL"); !strings.HasSuffix(got, " "+intro) {
			t.Errorf("introspection row %q, want %q", got, intro)
		}
		if got := line(t, m, "Userinfo URL"); !strings.HasSuffix(got, " "+user) {
			t.Errorf("userinfo row %q, want %q", got, user)
		}
	}
	rows("from the issuer: "+tenant+"/introspect", "the issuer's metadata lists none, optional")
	if got := line(t, m, "JWKS URL"); !strings.HasSuffix(got, " from the issuer: "+tenant+"/jwks") {
		t.Errorf("JWKS row %q, want the metadata's jwks_uri", got)
	}
	// The endpoint rows a request needs follow the issuer too, and are not
	// said to be optional when its metadata lists none.
	if got := line(t, m, "Token URL"); !strings.HasSuffix(got, " from the issuer: "+md.TokenEndpoint) {
		t.Errorf("token row %q, want the metadata's token_endpoint", got)
	}
	none := *md
	none.TokenEndpoint = ""
	if got := line(t, newForm(Options{Original: &orig, Metadata: &none}), "Token URL"); !strings.HasSuffix(got, " the issuer's metadata lists none") {
		t.Errorf("token row %q, want it said that the metadata lists none, not that it is optional", got)
	}
	m = focusOn(t, m, "userinfo_url")
	if v := view(m); !strings.Contains(v, "tokenscope userinfo calls it with the access token") {
		t.Errorf("the focused empty row does not say what it is for:\n%s", v)
	}
	m = typeInto(t, m, "introspection_url", tenant+"/v2/introspect")
	if v := view(m); !strings.Contains(v, "set here, whatever the issuer's metadata lists") {
		t.Errorf("a row set beside an issuer does not say it wins:\n%s", v)
	}
	m = typeInto(t, m, "introspection_url", "")
	if p := submitted(t, m); p.IntrospectionURL != "" || p.UserinfoURL != "" {
		t.Errorf("saved introspection %q userinfo %q, want both left to the issuer", p.IntrospectionURL, p.UserinfoURL)
	}

	m = typeInto(t, m, "issuer", "https://other.example")
	rows("from the issuer's metadata when empty", "from the issuer's metadata when empty")
	m = typeInto(t, m, "issuer", "")
	rows("RFC 7662, optional", "OpenID Connect, optional")
}

// TestStaticKeyHasNoIntrospectionOrUserinfo: a static key asks no server
// for its token, so the rows are hidden like the other endpoints'.
func TestStaticKeyHasNoIntrospectionOrUserinfo(t *testing.T) {
	t.Parallel()
	m := newForm(Options{Preset: "static"})
	for _, label := range []string{"Introspect URL", "Userinfo URL", "Revocation URL"} {
		if shown(m, label) {
			t.Errorf("a static key shows the %s row:\n%s", label, view(m))
		}
	}
	if m = newForm(Options{}); !shown(m, "Introspect URL") || !shown(m, "Userinfo URL") {
		t.Errorf("an oauth2 provider lacks the rows:\n%s", view(m))
	}
}
