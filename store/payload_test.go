package store

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// oddPayload exercises every field and every escaping rule.
func oddPayload() *Payload {
	p := bigPayload(3)
	p.Settings = Settings{ClipboardClear: 45 * time.Second, ClipboardClearOff: true}
	e := &p.Providers[1]
	e.Provider.ClientSecret = "a<b>&c\"d\\e\x01\x1f\b\f\n\r\t\u2028\u2029é\xff\xfe€𝄞 0123456789abcdef<"
	e.Provider.Headers["X-Ünïcode"] = "\u007f\u0080"
	e.Provider.Params = map[string]string{"": "empty key", "z": "", "a\"b": "c"}
	e.Provider.GrantIn, e.Provider.Product, e.Provider.Insecure = providers.GrantInQuery, "collection", true
	e.Provider.LogoutURL, e.Provider.LogoutMethod, e.Provider.RevocationURL = "https://x/logout", "POST", "https://x/revoke"
	e.Provider.TryMethod, e.Provider.TryBody, e.Provider.Timeout = "POST", `{"q":1}`, -1
	e.Provider.TryHeaders = map[string]string{"X-Target-Environment": "sandbox", "X-\"q": "a\u2028b"}
	e.Provider.TokenMethod, e.Provider.Body, e.Provider.Environment = providers.MethodGET, providers.BodyJSON, "production"
	e.Provider.TokenField, e.Provider.ExpiresField, e.Provider.ExpiresUnit = "output_SessionID", "lifetimeInSeconds", providers.UnitMinutes
	e.Token.ExpiresAt = time.Time{}
	e.Token.ClockSkew = -3 * time.Second
	e.Token.ExtraDropped = 36
	e.Token.Extra = append(e.Token.Extra, providers.Field{Key: "nested", Value: `{"a":[1,2,{"b":null}]}`})
	e.Token.IssuedAt = time.Date(2024, 2, 29, 23, 59, 59, 123456789, time.FixedZone("", -(9*3600+30*60)))
	e.Token.ReceivedAt = time.Date(2024, 3, 1, 0, 0, 1, 987654321, time.UTC)
	e.Token.Nonce, e.Token.Refreshed = "NONCE2345NONCE2345NONCE234", true
	e.History = append(e.History, providers.Event{At: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), Kind: "", Detail: "</script>"})
	p.Providers[2].Token = nil
	p.Providers[2].History = nil
	p.Providers[2].Provider.Headers = map[string]providers.Secret{}
	return p
}

// decodeLegacyPayload is how vault.age of schema version 1 is read: through
// the index decoder, which hands the old payload to the migration.
func decodeLegacyPayload(text string) (*Payload, error) {
	idx, legacy, err := decodeIndex(text)
	switch {
	case err != nil:
		return nil, err
	case idx != nil:
		return nil, fmt.Errorf("%w: decoded as an index", ErrCorrupt)
	}
	return legacy, nil
}

// TestDecodeLegacyStrict: the old layout's vault.age, which the migration
// reads, is read as strictly as every file of the store.
func TestDecodeLegacyStrict(t *testing.T) {
	const ok = `{"version":1,"settings":{},"providers":[{"provider":{"name":"a","preset":"oauth2","token_url":"https://x/t","grant_type":"client_credentials","client_auth":"basic","client_secret":"s3cr3t-value"},"token":{"access_token":"tok-value-123","issued_at":"2025-01-01T00:00:00Z","expiry_source":"unknown"}}]}`
	if p, err := decodeLegacyPayload(ok); err != nil || p.Providers[0].Token.AccessToken != "tok-value-123" {
		t.Fatalf("valid payload: %v", err)
	}
	for _, c := range []struct {
		name, in string
		want     error
		msg      string
	}{
		{"unknown top key", strings.Replace(ok, `"settings"`, `"extra":1,"settings"`, 1), ErrCorrupt, `unknown field "extra"`},
		{"unknown provider key", strings.Replace(ok, `"preset"`, `"colour":"red","preset"`, 1), ErrCorrupt, `unknown field "colour"`},
		{"unknown token key", strings.Replace(ok, `"issued_at"`, `"id_token":"x","issued_at"`, 1), ErrCorrupt, `unknown field "id_token"`},
		{"unknown settings key", strings.Replace(ok, `"settings":{}`, `"settings":{"font":1}`, 1), ErrCorrupt, `unknown field "font"`},
		{"trailing data", ok + `{}`, ErrCorrupt, "trailing data"},
		// Without a version it is read as the current layout's index.
		{"missing version", strings.Replace(ok, `"version":1,`, ``, 1), ErrCorrupt, `field "providers" has the wrong type`},
		{"newer schema", strings.Replace(ok, `"version":1`, `"version":3`, 1), ErrUnsupported, "schema version 3"},
		{"newer schema, new keys", strings.Replace(ok, `"version":1`, `"version":3,"sync":{}`, 1), ErrUnsupported, "schema version 3"},
		{"duplicate names", strings.Replace(ok, `]}`, `,{"provider":{"name":"a"}}]}`, 1), ErrCorrupt, `"a" appears twice`},
		{"empty name", strings.Replace(ok, `"name":"a"`, `"name":""`, 1), ErrCorrupt, "has no name"},
		{"not json", "not json", ErrCorrupt, "invalid JSON"},
		{"truncated", ok[:len(ok)/2], ErrCorrupt, "truncated JSON"},
		{"wrong type, no value echoed", strings.Replace(ok, `"s3cr3t-value"`, `987654321`, 1), ErrCorrupt, "wrong type (number"},
	} {
		_, err := decodeLegacyPayload(c.in)
		if !errors.Is(err, c.want) || !strings.Contains(fmtErr(err), c.msg) {
			t.Errorf("%s: got %v, want %v containing %q", c.name, err, c.want, c.msg)
		}
		for _, secret := range []string{"s3cr3t-value", "987654321", "tok-value-123"} {
			if strings.Contains(fmtErr(err), secret) {
				t.Errorf("%s: error %q shows a secret", c.name, err)
			}
		}
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestGroupRoundTrip: a provider file holds what was written, every field
// and every odd character (invalid UTF-8 comes back as U+FFFD, as
// encoding/json writes it), and reads back to the same again.
func TestGroupRoundTrip(t *testing.T) {
	want := oddPayload().Providers
	b, err := encodeGroup(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeGroup(string(b))
	if err != nil {
		t.Fatal(err)
	}
	b2, err := encodeGroup(got)
	if err != nil {
		t.Fatal(err)
	}
	again, err := decodeGroup(string(b2))
	if err != nil || !reflect.DeepEqual(got, again) {
		t.Fatalf("a second round trip differs: %v", err)
	}
	g, w := got[1], want[1]
	if !reflect.DeepEqual(g.Provider.Headers, w.Provider.Headers) || !reflect.DeepEqual(g.Provider.Params, w.Provider.Params) ||
		!reflect.DeepEqual(g.Token.Extra, w.Token.Extra) || g.Token.ExtraDropped != 36 || !g.Token.IssuedAt.Equal(w.Token.IssuedAt) ||
		g.Provider.Timeout != w.Provider.Timeout || !g.Provider.Insecure || g.Token.ClockSkew != w.Token.ClockSkew ||
		!strings.HasPrefix(g.Provider.ClientSecret.Reveal(), "a<b>&c\"d\\e\x01\x1f\b\f\n\r\t\u2028\u2029é\ufffd\ufffd€𝄞") ||
		len(g.History) != len(w.History) || got[2].Token != nil {
		t.Errorf("the odd provider changed:\n got %+v\nwant %+v", g, w)
	}
}

func TestDecodeGroupAndIndexStrict(t *testing.T) {
	g := `{"version":2,"providers":[{"provider":{"name":"a","preset":"oauth2","token_url":"https://x/t","grant_type":"client_credentials","client_auth":"basic","client_secret":"s3cr3t-value"}}]}`
	if _, err := decodeGroup(g); err != nil {
		t.Fatal(err)
	}
	i := `{"version":2,"settings":{},"providers":["a"],"files":{"providers-0123456789abcdef.age":["a"]}}`
	if _, _, err := decodeIndex(i); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, in string
		group    bool
		want     error
		msg      string
	}{
		{"group: unknown key", strings.Replace(g, `"preset"`, `"colour":"red","preset"`, 1), true, ErrCorrupt, `unknown field "colour"`},
		{"group: newer", strings.Replace(g, `"version":2`, `"version":3,"sync":1`, 1), true, ErrUnsupported, "schema version 3"},
		{"group: no version", strings.Replace(g, `"version":2,`, ``, 1), true, ErrCorrupt, "schema version 0"},
		{"group: a name twice", strings.Replace(g, `}]}`, `},{"provider":{"name":"a"}}]}`, 1), true, ErrCorrupt, `"a" appears twice`},
		{"group: a key twice", strings.Replace(g, `"preset":"oauth2"`, `"preset":"oauth2","preset":"x"`, 1), true, ErrCorrupt, "appears twice in one object"},
		{"group: wrong type", strings.Replace(g, `"s3cr3t-value"`, `987654321`, 1), true, ErrCorrupt, "wrong type (number"},
		{"index: unknown key", strings.Replace(i, `"settings"`, `"sync":1,"settings"`, 1), false, ErrCorrupt, `unknown field "sync"`},
		{"index: newer", strings.Replace(i, `"version":2`, `"version":3`, 1), false, ErrUnsupported, "schema version 3"},
		{"index: a name twice", strings.Replace(i, `["a"],"files"`, `["a","a"],"files"`, 1), false, ErrCorrupt, `the list names 2`},
		{"index: a name in two files", strings.Replace(i, `["a"]}}`, `["a"],"providers-0123456789abcdee.age":["a"]}}`, 1), false, ErrCorrupt, `"a" is in two files`},
		{"index: a name in no file", strings.Replace(i, `["a"]}}`, `["b"]}}`, 1), false, ErrCorrupt, `no file holds provider "a"`},
		{"index: no name", strings.ReplaceAll(i, `"a"`, `""`), false, ErrCorrupt, "has no name"},
		{"index: a path", strings.Replace(i, `providers-0123456789abcdef.age`, `../../etc/passwd`, 1), false, ErrCorrupt, "not a provider file's name"},
		{"index: trailing data", i + "{}", false, ErrCorrupt, "trailing data"},
	} {
		var err error
		if c.group {
			_, err = decodeGroup(c.in)
		} else {
			_, _, err = decodeIndex(c.in)
		}
		if !errors.Is(err, c.want) || !strings.Contains(fmtErr(err), c.msg) {
			t.Errorf("%s: got %v, want %v containing %q", c.name, err, c.want, c.msg)
		}
		for _, secret := range []string{"s3cr3t-value", "987654321"} {
			if strings.Contains(fmtErr(err), secret) {
				t.Errorf("%s: error %q shows a secret", c.name, err)
			}
		}
	}
}

// FuzzDecode feeds the index and provider file decoders anything: they
// must not panic, must refuse with one of the store's errors, and what
// they accept must encode and decode back to the same.
func FuzzDecode(f *testing.F) {
	odd := oddPayload()
	for i := range odd.Providers {
		if odd.Providers[i].Token != nil {
			odd.Providers[i].Token.AccessToken = "eyJ.e30.sig"
		}
		odd.Providers[i].History = odd.Providers[i].History[:min(1, len(odd.Providers[i].History))]
	}
	b, _ := encodeGroup(odd.Providers[:2])
	f.Add(b)
	f.Add([]byte(`{"version":2,"settings":{},"providers":["a"],"files":{"providers-0123456789abcdef.age":["a"]}}`))
	f.Add([]byte(`{"version":1,"providers":[]}`))
	f.Add([]byte(`{"version":2,"Version":3,"providers":null}`))
	f.Add([]byte(`{"version":2,"providers":[{"provider":{"name":"a","headers":{"k":"v","k":"w"}}}]}`))
	f.Add([]byte(` {"version" : 2 , "providers":[{"provider":{"name":"x\u0041\ud800"},"history":[{"at":"2025-01-01T00:00:00+01:00","kind":"issued"}]}]} `))
	f.Fuzz(func(t *testing.T, data []byte) {
		text := string(data)
		known := func(err error) bool {
			return errors.Is(err, ErrCorrupt) || errors.Is(err, ErrUnsupported)
		}
		if es, err := decodeGroup(text); err != nil {
			if !known(err) {
				t.Fatalf("decodeGroup: an unclassified error: %v", err)
			}
		} else {
			b, err := encodeGroup(es)
			if err != nil {
				return // a time JSON cannot write (year 10000): refused at save
			}
			again, err := decodeGroup(string(b))
			if err != nil || !reflect.DeepEqual(encodeOrEmpty(again), encodeOrEmpty(es)) {
				t.Fatalf("a provider file does not survive a round trip: %v", err)
			}
		}
		if _, _, err := decodeIndex(text); err != nil && !known(err) {
			t.Fatalf("decodeIndex: an unclassified error: %v", err)
		}
	})
}

func encodeOrEmpty(es []Entry) string {
	b, _ := encodeJSON(es)
	return string(b)
}

func TestTimeErrorsDoNotQuoteTheValue(t *testing.T) {
	text := `{"version":2,"providers":[{"provider":{"name":"a","preset":"oauth2","token_url":"https://x.example/t","grant_type":"client_credentials","grant_in":"body","client_auth":"basic","client_id":"c"},` +
		`"history":[{"at":"SECRET-LOOKING-9f8e","kind":"issued"}]}]}`
	_, err := decodeGroup(text)
	if err == nil || strings.Contains(err.Error(), "SECRET-LOOKING") {
		t.Fatalf("decodeGroup = %v, want an error without the value", err)
	}
}

// <, > and & are written as themselves, one byte each: escaped, a
// server's padding would cost six times its size.
func TestPayloadNotHTMLEscaped(t *testing.T) {
	p := bigPayload(1)
	pad := strings.Repeat("<>&", 1000)
	p.Providers[0].Token.Extra = []providers.Field{{Key: "pad", Value: `"` + pad + `"`}}
	plain, err := encodeGroup(p.Providers)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(plain), pad) || strings.Contains(string(plain), `\u003c`) {
		t.Error("the plaintext escapes <, > or &")
	}
}

// TestGroupReusesHistories: a save re-encodes only the histories that
// changed since its file was last written, and writes the bytes the
// whole file encoded at once (groupJSON) would be.
func TestGroupReusesHistories(t *testing.T) {
	es := oddPayload().Providers
	es[0].History[0].Detail = "a<b>&c\"d\u2028\xff 𝄞"
	whole := func(es []Entry) []byte {
		j := groupJSON{Version: SchemaVersion, History: map[string][]providers.Event{}}
		for _, e := range es {
			j.Providers = append(j.Providers, groupEntry{Provider: e.Provider, Token: e.Token, Metadata: e.Metadata})
			if len(e.History) > 0 {
				j.History[e.Provider.Name] = e.History
			}
		}
		b, err := encodeJSON(j)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first, hist, err := encodeGroupWith(es, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, whole(es)) {
		t.Fatalf("encoded apart, the file differs:\n%s\nfrom\n%s", first, whole(es))
	}
	es[1].History = append(slices.Clone(es[1].History), providers.Event{At: fixedTime, Kind: providers.EventFailed, Detail: "<&>"})
	es[1].Token = testToken(1, 2)
	next, hist2, err := encodeGroupWith(es, hist)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(next, whole(es)) {
		t.Fatalf("with histories reused, the file differs:\n%s\nfrom\n%s", next, whole(es))
	}
	for i, e := range es {
		name := e.Provider.Name
		if len(e.History) == 0 {
			continue
		}
		if reused := &hist2[name].raw[0] == &hist[name].raw[0]; reused != (i != 1) {
			t.Errorf("%s: history reused %v, want %v", name, reused, i != 1)
		}
	}
}
