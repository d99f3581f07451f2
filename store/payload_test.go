package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// TestCodecCoversSchema fails when a stored type gains, loses or retypes a
// field: the hand-written codec must learn it (the codec turns itself off
// meanwhile, so nothing is lost, only speed).
func TestCodecCoversSchema(t *testing.T) {
	if got := schemaFingerprint(); got != codecSchema {
		t.Fatalf("the stored types changed: update encode.go, decode_fields.go and codecSchema to:\n%q", got)
	}
	if !fastCodec {
		t.Fatal("fast codec disabled")
	}
}

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
	e.Token.ExpiresAt = time.Time{}
	e.Token.ClockSkew = -3 * time.Second
	e.Token.ExtraDropped = 36
	e.Token.Extra = append(e.Token.Extra, providers.Field{Key: "nested", Value: `{"a":[1,2,{"b":null}]}`})
	e.Token.IssuedAt = time.Date(2024, 2, 29, 23, 59, 59, 123456789, time.FixedZone("", -(9*3600+30*60)))
	e.Token.ReceivedAt = time.Date(2024, 3, 1, 0, 0, 1, 987654321, time.UTC)
	e.History = append(e.History, providers.Event{At: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), Kind: "", Detail: "</script>"})
	p.Providers[2].Token = nil
	p.Providers[2].History = nil
	p.Providers[2].Provider.Headers = map[string]providers.Secret{}
	return p
}

func TestMarshalMatchesEncodingJSON(t *testing.T) {
	for name, p := range map[string]*Payload{
		"odd":     oddPayload(),
		"big":     bigPayload(40),
		"empty":   {Version: 1, Providers: []Entry{}},
		"nil":     {Version: 1},
		"nothing": {},
	} {
		want, err := jsonMarshal(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalPayload(p, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: marshalPayload differs from jsonMarshal\n got %s\nwant %s", name, got, want)
		}
	}
}

// TestSealPayload encrypts with both encoders (the encoding/json one runs
// only if the stored types change) and decrypts to the same payload.
func TestSealPayload(t *testing.T) {
	id := otherKey(t)
	want := oddPayload()
	for _, fast := range []bool{true, false} {
		var out bytes.Buffer
		plain, err := sealPayload(want, id.Recipient(), nil, &out, fast)
		if err != nil {
			t.Fatal(err)
		}
		std, _ := jsonMarshal(want)
		if string(plain) != string(std)+"\n" {
			t.Errorf("fast=%v: plaintext differs from jsonMarshal", fast)
		}
		text, err := unseal("vault.age", out.Bytes(), id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := strictDecode(text)
		if err != nil {
			t.Fatal(err)
		}
		want2, _ := strictDecode(string(std))
		if !reflect.DeepEqual(got, want2) {
			t.Errorf("fast=%v: round trip differs", fast)
		}
	}
	bad := bigPayload(1)
	bad.Providers[0].Token.IssuedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, fast := range []bool{true, false} {
		if _, err := sealPayload(bad, id.Recipient(), nil, io.Discard, fast); err == nil {
			t.Errorf("fast=%v: sealed a payload JSON cannot encode", fast)
		}
	}
}

func TestMarshalRefusesWhatJSONRefuses(t *testing.T) {
	p := bigPayload(1)
	p.Providers[0].Token.IssuedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := json.Marshal(p); err == nil {
		t.Fatal("json.Marshal accepted year 10000")
	}
	if _, err := marshalPayload(p, nil); err == nil {
		t.Fatal("marshalPayload accepted year 10000")
	}
}

// TestFastDecodeAgrees decodes the encoder's output with the fast decoder
// (whole and split into concurrent parts) and with encoding/json.
func TestFastDecodeAgrees(t *testing.T) {
	for _, p := range []*Payload{oddPayload(), bigPayload(25), {Version: 1, Providers: []Entry{}}} {
		b, err := marshalPayload(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := strictDecode(string(b))
		if err != nil {
			t.Fatal(err)
		}
		for _, split := range []int{0, 1, 100} {
			got, err := fastDecodeSplit(string(b), 0, split)
			if err != nil {
				t.Fatalf("split %d: fast decoder refused its own encoder's output", split)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("split %d: fast decode differs from encoding/json", split)
			}
		}
	}
}

func TestDecodePayloadStrict(t *testing.T) {
	const ok = `{"version":1,"settings":{},"providers":[{"provider":{"name":"a","preset":"oauth2","token_url":"https://x/t","grant_type":"client_credentials","client_auth":"basic","client_secret":"s3cr3t-value"},"token":{"access_token":"tok-value-123","issued_at":"2025-01-01T00:00:00Z","expiry_source":"unknown"}}]}`
	if p, err := DecodePayload([]byte(ok)); err != nil || p.Providers[0].Token.AccessToken != "tok-value-123" {
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
		{"missing version", strings.Replace(ok, `"version":1,`, ``, 1), ErrCorrupt, "schema version 0"},
		{"newer schema", strings.Replace(ok, `"version":1`, `"version":2`, 1), ErrUnsupported, "schema version 2"},
		{"newer schema, new keys", strings.Replace(ok, `"version":1`, `"version":3,"sync":{}`, 1), ErrUnsupported, "schema version 3"},
		{"duplicate names", strings.Replace(ok, `]}`, `,{"provider":{"name":"a"}}]}`, 1), ErrCorrupt, `"a" appears twice`},
		{"empty name", strings.Replace(ok, `"name":"a"`, `"name":""`, 1), ErrCorrupt, "has no name"},
		{"not json", "not json", ErrCorrupt, "invalid JSON"},
		{"truncated", ok[:len(ok)/2], ErrCorrupt, "truncated JSON"},
		{"wrong type, no value echoed", strings.Replace(ok, `"s3cr3t-value"`, `987654321`, 1), ErrCorrupt, "wrong type (number"},
	} {
		_, err := DecodePayload([]byte(c.in))
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

// FuzzDecodePayload feeds the payload decoder anything. The strict decoder
// must not panic; whatever the fast decoder accepts, whole or split, the
// strict encoding/json decoder must accept with the same result; and
// whatever DecodePayload accepts must re-encode to exactly jsonMarshal's
// bytes and decode back to the same payload.
func FuzzDecodePayload(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input, and that is slow
	// for inputs of kilobytes.
	odd := oddPayload()
	for i := range odd.Providers {
		if odd.Providers[i].Token != nil {
			odd.Providers[i].Token.AccessToken = "eyJ.e30.sig"
		}
		odd.Providers[i].History = odd.Providers[i].History[:min(1, len(odd.Providers[i].History))]
	}
	for _, p := range []*Payload{odd, {Version: 1}} {
		b, _ := marshalPayload(p, nil)
		f.Add(b)
	}
	f.Add([]byte(`{"version":1,"providers":[]}`))
	f.Add([]byte(`{"version":1,"Version":2,"providers":null}`))
	f.Add([]byte(`{"version":1,"providers":[{"provider":{"name":"a","headers":{"k":"v","k":"w"}}}]}`))
	f.Add([]byte(` {"version" : 1 , "theme":"\u0041\ud800","providers":[{"provider":{"name":"x"},"history":[{"at":"2025-01-01T00:00:00+01:00","kind":"issued"}]}]} `))
	f.Fuzz(checkDecode)
}

func checkDecode(t *testing.T, data []byte) {
	{
		text := string(data)
		strict, serr := strictDecode(text)
		for _, split := range []int{0, 1} {
			fast, ferr := fastDecodeSplit(text, 0, split)
			if ferr != nil {
				continue
			}
			if serr != nil {
				t.Fatalf("split %d: fast decoder accepted what encoding/json refuses (%v)", split, serr)
			}
			if !reflect.DeepEqual(fast, strict) {
				t.Fatalf("split %d: fast decoder disagrees with encoding/json", split)
			}
		}
		p, err := DecodePayload(data)
		if err != nil {
			return
		}
		got, gerr := marshalPayload(p, nil)
		want, werr := jsonMarshal(p)
		if (gerr == nil) != (werr == nil) || string(got) != string(want) {
			t.Fatalf("re-encoding differs from jsonMarshal: %v / %v", gerr, werr)
		}
		if gerr != nil {
			return
		}
		again, err := DecodePayload(got)
		if err != nil {
			t.Fatalf("re-encoded payload does not decode: %v", err)
		}
		b2, _ := marshalPayload(again, nil)
		if string(b2) != string(got) {
			t.Fatal("encode, decode, encode is not stable")
		}
	}
}

func TestTimeErrorsDoNotQuoteTheValue(t *testing.T) {
	text := `{"version":1,"settings":{},"providers":[{"provider":{"name":"a","preset":"oauth2","token_url":"https://x.example/t","grant_type":"client_credentials","grant_in":"body","client_auth":"basic","client_id":"c"},` +
		`"history":[{"at":"SECRET-LOOKING-9f8e","kind":"issued"}]}]}`
	_, err := decodePayload(text, 0)
	if err == nil || strings.Contains(err.Error(), "SECRET-LOOKING") {
		t.Fatalf("decodePayload = %v, want an error without the value", err)
	}
}

// <, > and & are written as themselves, one byte each, on both encoding
// paths: escaped, a server's padding would cost six times its size.
func TestPayloadNotHTMLEscaped(t *testing.T) {
	id := otherKey(t)
	p := bigPayload(1)
	pad := strings.Repeat("<>&", 1000)
	p.Providers[0].Token.Extra = []providers.Field{{Key: "pad", Value: `"` + pad + `"`}}
	for _, fast := range []bool{true, false} {
		plain, err := sealPayload(p, id.Recipient(), nil, io.Discard, fast)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(plain), pad) || strings.Contains(string(plain), `\u003c`) {
			t.Errorf("fast=%v: the plaintext escapes <, > or &", fast)
		}
	}
}
