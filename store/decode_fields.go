package store

import (
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// The fast decoder's mapping of keys to fields, one function per type,
// mirroring encode.go. An unknown key fails over to encoding/json, which
// rejects it (or, for a key that differs only in case, accepts it).

func stringMapOf[V ~string](d *decoder) map[string]V {
	m := map[string]V{}
	d.object(func(key string) { m[key] = V(d.str()) })
	return m
}

func (d *decoder) entry(e *Entry) {
	d.object(func(key string) {
		switch key {
		case "provider":
			d.provider(&e.Provider)
		case "token":
			e.Token = new(providers.Token)
			d.token(e.Token)
		case "history":
			e.History = []providers.Event{}
			d.array(func() {
				e.History = append(e.History, d.event())
			})
		default:
			d.fail()
		}
	})
}

func (d *decoder) event() providers.Event {
	var ev providers.Event
	d.object(func(key string) {
		switch key {
		case "at":
			ev.At = d.time()
		case "kind":
			ev.Kind = providers.EventKind(d.str())
		case "detail":
			ev.Detail = d.str()
		default:
			d.fail()
		}
	})
	return ev
}

func (d *decoder) provider(p *providers.Provider) {
	d.object(func(key string) {
		switch key {
		case "name":
			p.Name = d.str()
		case "preset":
			p.Preset = d.str()
		case "product":
			p.Product = d.str()
		case "token_url":
			p.TokenURL = d.str()
		case "grant_type":
			p.Grant = providers.Grant(d.str())
		case "grant_in":
			p.GrantIn = providers.GrantIn(d.str())
		case "client_auth":
			p.ClientAuth = providers.ClientAuth(d.str())
		case "client_id":
			p.ClientID = d.str()
		case "client_secret":
			p.ClientSecret = providers.Secret(d.str())
		case "username":
			p.Username = d.str()
		case "password":
			p.Password = providers.Secret(d.str())
		case "scope":
			p.Scope = d.str()
		case "headers":
			p.Headers = stringMapOf[providers.Secret](d)
		case "params":
			p.Params = stringMapOf[string](d)
		case "logout_url":
			p.LogoutURL = d.str()
		case "logout_method":
			p.LogoutMethod = d.str()
		case "revocation_url":
			p.RevocationURL = d.str()
		case "jwks_url":
			p.JWKSURL = d.str()
		case "try_url":
			p.TryURL = d.str()
		case "try_method":
			p.TryMethod = d.str()
		case "try_body":
			p.TryBody = d.str()
		case "insecure":
			p.Insecure = d.bool()
		case "timeout":
			p.Timeout = time.Duration(d.int())
		default:
			d.fail()
		}
	})
}

func (d *decoder) token(t *providers.Token) {
	d.object(func(key string) {
		switch key {
		case "access_token":
			t.AccessToken = providers.Secret(d.str())
		case "token_type":
			t.TokenType = d.str()
		case "refresh_token":
			t.RefreshToken = providers.Secret(d.str())
		case "scope":
			t.Scope = d.str()
		case "issued_at":
			t.IssuedAt = d.time()
		case "received_at":
			t.ReceivedAt = d.time()
		case "expires_at":
			t.ExpiresAt = d.time()
		case "expires_in":
			t.ExpiresIn = d.int()
		case "expiry_source":
			t.ExpirySource = providers.ExpirySource(d.str())
		case "clock_skew":
			t.ClockSkew = time.Duration(d.int())
		case "extra":
			t.Extra = []providers.Field{}
			d.array(func() {
				var f providers.Field
				d.object(func(key string) {
					switch key {
					case "key":
						f.Key = d.str()
					case "value":
						f.Value = d.str()
					default:
						d.fail()
					}
				})
				t.Extra = append(t.Extra, f)
			})
		case "extra_dropped":
			t.ExtraDropped = int(d.int())
		default:
			d.fail()
		}
	})
}
