package store

import (
	"bytes"
	"io"

	"encoding/json"
	"filippo.io/age"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tokenscope/tokenscope/providers"
)

// A save re-encodes the whole payload: with 1,000 providers that is over
// 2 MB of JSON, which encoding/json takes tens of milliseconds to write and
// read. The hand-written encoder here and the decoder in decode.go cover
// exactly the payload's types. The encoder's output is byte for byte what
// jsonMarshal writes (a test and a fuzz target compare them); the decoder
// accepts only input it is sure of and leaves everything else to the strict
// encoding/json decoder, which stays the definition of the format.
//
// fastCodec turns both off if the stored types gained or changed a field
// since the codec was written, so a new field is never silently dropped;
// TestCodecCoversSchema fails until the codec and codecSchema are updated.
var fastCodec = schemaFingerprint() == codecSchema

const codecSchema = "Payload{Version int version;Theme string theme,omitempty;Settings store.Settings settings;Providers []store.Entry providers}" +
	"Settings{ClipboardClear time.Duration clipboard_clear,omitempty;ClipboardClearOff bool clipboard_clear_off,omitempty}" +
	"Entry{Provider providers.Provider provider;Token *providers.Token token,omitempty;History []providers.Event history,omitempty}" +
	"Provider{Name string name;Preset string preset;Product string product,omitempty;TokenURL string token_url;Grant providers.Grant grant_type;" +
	"GrantIn providers.GrantIn grant_in,omitempty;ClientAuth providers.ClientAuth client_auth;ClientID string client_id,omitempty;" +
	"ClientSecret providers.Secret client_secret,omitempty;Username string username,omitempty;Password providers.Secret password,omitempty;" +
	"Scope string scope,omitempty;Headers map[string]providers.Secret headers,omitempty;Params map[string]string params,omitempty;" +
	"LogoutURL string logout_url,omitempty;LogoutMethod string logout_method,omitempty;RevocationURL string revocation_url,omitempty;" +
	"JWKSURL string jwks_url,omitempty;TryURL string try_url,omitempty;TryMethod string try_method,omitempty;TryBody string try_body,omitempty;" +
	"Insecure bool insecure,omitempty;Timeout time.Duration timeout,omitempty}" +
	"Token{AccessToken providers.Secret access_token;TokenType string token_type,omitempty;RefreshToken providers.Secret refresh_token,omitempty;" +
	"Scope string scope,omitempty;IssuedAt time.Time issued_at;ReceivedAt time.Time received_at,omitzero;ExpiresAt time.Time expires_at,omitzero;ExpiresIn int64 expires_in,omitempty;" +
	"ExpirySource providers.ExpirySource expiry_source;ClockSkew time.Duration clock_skew,omitempty;Extra []providers.Field extra,omitempty;ExtraDropped int extra_dropped,omitempty}" +
	"Event{At time.Time at;Kind providers.EventKind kind;Detail string detail,omitempty}" +
	"Field{Key string key;Value string value}"

// schemaFingerprint describes every field, type and JSON tag the codec
// depends on.
func schemaFingerprint() string {
	var b strings.Builder
	for _, v := range []any{Payload{}, Settings{}, Entry{}, providers.Provider{}, providers.Token{}, providers.Event{}, providers.Field{}} {
		t := reflect.TypeOf(v)
		b.WriteString(t.Name() + "{")
		for i := range t.NumField() {
			f := t.Field(i)
			if i > 0 {
				b.WriteByte(';')
			}
			fmt.Fprintf(&b, "%s %s %s", f.Name, f.Type, f.Tag.Get("json"))
		}
		b.WriteString("}")
	}
	return b.String()
}

// jsonMarshal is json.Marshal without HTML escaping: the payload is never
// embedded in HTML, and escaping makes each <, > and & in a server's text
// six bytes, tripling what a padded answer costs the vault's size limit.
func jsonMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// marshalPayload is jsonMarshal(p), faster, written into buf's memory
// (the last plaintext's): growing a multi-megabyte buffer by doubling costs
// more than encoding into it.
func marshalPayload(p *Payload, buf []byte) ([]byte, error) {
	if !fastCodec {
		return jsonMarshal(p)
	}
	e := encoder{b: buf[:0]}
	e.payload(p)
	if e.err != nil {
		return nil, e.err
	}
	return e.b, nil
}

// sealPayload encodes p and encrypts it to r, writing the age file to dst.
// Encoding and encryption, the two halves of a save's CPU time, run
// concurrently: the JSON goes to the encrypting goroutine in pieces of
// about one age chunk as it is written. buf is memory for the JSON, which
// is returned for the next save to reuse. fast is fastCodec (tests pass
// false to cover the encoding/json path).
func sealPayload(p *Payload, r age.Recipient, buf []byte, dst io.Writer, fast bool) ([]byte, error) {
	aw, err := age.Encrypt(dst, r)
	if err != nil {
		return buf, fmt.Errorf("encrypt: %w", err)
	}
	pieces := make(chan []byte, 16)
	done := make(chan error, 1)
	go func() {
		var err error
		for b := range pieces {
			if err == nil {
				_, err = aw.Write(b)
			}
		}
		if err == nil {
			err = aw.Close()
		}
		done <- err
	}()
	var b []byte
	if fast {
		e := encoder{b: buf[:0], pieces: pieces}
		e.payload(p)
		e.b = append(e.b, '\n')
		e.flush(1)
		b, err = e.b, e.err
	} else {
		if b, err = jsonMarshal(p); err == nil {
			b = append(b, '\n')
			pieces <- b
		}
	}
	close(pieces)
	if werr := <-done; err == nil && werr != nil {
		err = fmt.Errorf("encrypt: %w", werr)
	}
	return b, err
}

// pieceSize is how much JSON the encoder hands to encryption at a time,
// one age chunk.
const pieceSize = 64 << 10

type encoder struct {
	b   []byte
	err error
	// pieces, when set, receives each finished stretch of b (from sent on)
	// of at least pieceSize. Later appends never touch a sent stretch.
	pieces chan<- []byte
	sent   int
}

// flush sends the unsent JSON if there is at least min of it.
func (e *encoder) flush(min int) {
	if e.pieces != nil && len(e.b)-e.sent >= min {
		e.pieces <- e.b[e.sent:]
		e.sent = len(e.b)
	}
}

func (e *encoder) payload(p *Payload) {
	e.b = strconv.AppendInt(append(e.b, `{"version":`...), int64(p.Version), 10)
	if p.Theme != "" {
		e.key("theme")
		e.str(p.Theme)
	}
	e.b = append(e.b, `,"settings":{`...)
	sep := ""
	if p.Settings.ClipboardClear != 0 {
		e.b = strconv.AppendInt(append(e.b, `"clipboard_clear":`...), int64(p.Settings.ClipboardClear), 10)
		sep = ","
	}
	if p.Settings.ClipboardClearOff {
		e.b = append(append(e.b, sep...), `"clipboard_clear_off":true`...)
	}
	e.b = append(e.b, `},"providers":`...)
	if p.Providers == nil {
		e.b = append(e.b, "null}"...)
		return
	}
	e.b = append(e.b, '[')
	for i := range p.Providers {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.entry(&p.Providers[i])
		e.flush(pieceSize)
	}
	e.b = append(e.b, "]}"...)
}

func (e *encoder) entry(en *Entry) {
	e.b = append(e.b, `{"provider":`...)
	e.provider(&en.Provider)
	if en.Token != nil {
		e.b = append(e.b, `,"token":`...)
		e.token(en.Token)
	}
	if len(en.History) > 0 {
		e.b = append(e.b, `,"history":[`...)
		for i, ev := range en.History {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.b = append(e.b, `{"at":`...)
			e.time(ev.At)
			e.key("kind")
			e.str(string(ev.Kind))
			e.optStr("detail", ev.Detail)
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	e.b = append(e.b, '}')
}

func (e *encoder) provider(p *providers.Provider) {
	e.b = append(e.b, `{"name":`...)
	e.str(p.Name)
	e.key("preset")
	e.str(p.Preset)
	e.optStr("product", p.Product)
	e.key("token_url")
	e.str(p.TokenURL)
	e.key("grant_type")
	e.str(string(p.Grant))
	e.optStr("grant_in", string(p.GrantIn))
	e.key("client_auth")
	e.str(string(p.ClientAuth))
	e.optStr("client_id", p.ClientID)
	e.optStr("client_secret", p.ClientSecret.Reveal())
	e.optStr("username", p.Username)
	e.optStr("password", p.Password.Reveal())
	e.optStr("scope", p.Scope)
	if len(p.Headers) > 0 {
		e.key("headers")
		stringMap(e, p.Headers)
	}
	if len(p.Params) > 0 {
		e.key("params")
		stringMap(e, p.Params)
	}
	e.optStr("logout_url", p.LogoutURL)
	e.optStr("logout_method", p.LogoutMethod)
	e.optStr("revocation_url", p.RevocationURL)
	e.optStr("jwks_url", p.JWKSURL)
	e.optStr("try_url", p.TryURL)
	e.optStr("try_method", p.TryMethod)
	e.optStr("try_body", p.TryBody)
	if p.Insecure {
		e.b = append(e.b, `,"insecure":true`...)
	}
	e.optInt("timeout", int64(p.Timeout))
	e.b = append(e.b, '}')
}

func (e *encoder) token(t *providers.Token) {
	e.b = append(e.b, `{"access_token":`...)
	e.str(t.AccessToken.Reveal())
	e.optStr("token_type", t.TokenType)
	e.optStr("refresh_token", t.RefreshToken.Reveal())
	e.optStr("scope", t.Scope)
	e.key("issued_at")
	e.time(t.IssuedAt)
	if !t.ReceivedAt.IsZero() {
		e.key("received_at")
		e.time(t.ReceivedAt)
	}
	if !t.ExpiresAt.IsZero() {
		e.key("expires_at")
		e.time(t.ExpiresAt)
	}
	e.optInt("expires_in", t.ExpiresIn)
	e.key("expiry_source")
	e.str(string(t.ExpirySource))
	e.optInt("clock_skew", int64(t.ClockSkew))
	if len(t.Extra) > 0 {
		e.b = append(e.b, `,"extra":[`...)
		for i, f := range t.Extra {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.b = append(e.b, `{"key":`...)
			e.str(f.Key)
			e.key("value")
			e.str(f.Value)
			e.b = append(e.b, '}')
		}
		e.b = append(e.b, ']')
	}
	e.optInt("extra_dropped", int64(t.ExtraDropped))
	e.b = append(e.b, '}')
}

// stringMap writes a map with its keys sorted, as encoding/json does.
func stringMap[V ~string](e *encoder, m map[string]V) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.b = append(e.b, '{')
	for i, k := range keys {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.str(k)
		e.b = append(e.b, ':')
		e.str(string(m[k]))
	}
	e.b = append(e.b, '}')
}

// key writes a comma and a key that needs no escaping.
func (e *encoder) key(k string) {
	e.b = append(append(append(e.b, `,"`...), k...), `":`...)
}

func (e *encoder) optStr(k, v string) {
	if v != "" {
		e.key(k)
		e.str(v)
	}
}

func (e *encoder) optInt(k string, v int64) {
	if v != 0 {
		e.key(k)
		e.b = strconv.AppendInt(e.b, v, 10)
	}
}

func (e *encoder) time(t time.Time) {
	e.b = append(e.b, '"')
	var err error
	if e.b, err = t.AppendText(e.b); err != nil && e.err == nil {
		e.err = fmt.Errorf("json: error calling MarshalJSON for type time.Time: %w", err)
	}
	e.b = append(e.b, '"')
}

// str is encoding/json's appendString without HTML escaping.
func (e *encoder) str(s string) {
	const hex = "0123456789abcdef"
	b := append(e.b, '"')
	start := 0
	for i := 0; i < len(s); {
		i += plainPrefix(s[i:])
		if i >= len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(append(b, s[start:i]...), `\ufffd`...)
			start = i + size
		case r == '\u2028' || r == '\u2029':
			b = append(append(b, s[start:i]...), '\\', 'u', '2', '0', '2', hex[r&0xF])
			start = i + size
		}
		i += size
	}
	e.b = append(append(b, s[start:]...), '"')
}

// plainPrefix is how many leading bytes of s, in whole blocks of eight,
// need no escaping: printable ASCII other than " and \. Tokens are long
// and plain, so the encoder skips most of them a word at a time.
func plainPrefix(s string) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) &^ v & highs }
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load64(s[i:])
		if (x|(x-0x20*ones))&highs != 0 || // a byte < 0x20 or >= 0x80
			zero(x^('"'*ones))|zero(x^('\\'*ones)) != 0 {
			break
		}
	}
	return i
}

// load64 reads eight bytes of s, little-endian.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
