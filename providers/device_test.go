package providers

import (
	"errors"
	"testing"
)

func TestDeviceGrantValidate(t *testing.T) {
	base := Provider{Name: "tv", Preset: "oauth2", TokenURL: "https://idp.example/token", ClientAuth: AuthNone,
		ClientID: "tv-app", DeviceAuthorizationURL: "https://idp.example/device"}
	for _, g := range []Grant{GrantDeviceCode, Grant(DeviceCodeURN)} {
		p := base
		p.Grant = g
		if err := p.Validate(); err != nil || !g.Device() || !g.Interactive() {
			t.Errorf("%s: %v", g, err)
		}
	}
	for field, edit := range map[string]func(*Provider){
		"device_authorization_url": func(p *Provider) { p.DeviceAuthorizationURL = "" },
		"token_method":             func(p *Provider) { p.TokenMethod = MethodGET },
		"client_secret":            func(p *Provider) { p.ClientSecret = "s3cret" },
	} {
		p := base
		p.Grant = GrantDeviceCode
		edit(&p)
		var fe *FieldError
		if err := p.Validate(); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
}
