package oauth

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// A token is 1*VSCHAR (RFC 6749 appendix A): an answer with a control,
// DEL or non-ASCII byte in access_token, refresh_token or token_type is
// refused, the refusal does not echo it, and the stored token stays.
func TestTokenResponseOutsideVSCHARIsRefused(t *testing.T) {
	for _, tc := range []struct{ name, body, field string }{
		{"access_token csi", `{"access_token":"AT-\u001b[2J-EVIL","token_type":"Bearer","expires_in":3600}`, "access_token"},
		{"access_token osc52", `{"access_token":"AT-\u001b]52;c;SGVsbG8=\u0007-EVIL","expires_in":3600}`, "access_token"},
		{"access_token c1", `{"access_token":"AT-\u009b2J-EVIL","expires_in":3600}`, "access_token"},
		{"access_token bidi", `{"access_token":"AT-\u202e-EVIL","expires_in":3600}`, "access_token"},
		{"access_token newline", `{"access_token":"AT-\n-EVIL","expires_in":3600}`, "access_token"},
		{"access_token del", `{"access_token":"AT-\u007f-EVIL","expires_in":3600}`, "access_token"},
		{"refresh_token", `{"access_token":"AT-2","refresh_token":"RT-\u001b]8;;http://x\u001b\\-EVIL","expires_in":3600}`, "refresh_token"},
		{"token_type", `{"access_token":"AT-2","token_type":"Bearer\u0007-EVIL","expires_in":3600}`, "token_type"},
		{"form encoded", "access_token=AT-%1B%5B2J-EVIL&token_type=Bearer", "access_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			hostile := answer(200, tc.body)
			if !strings.HasPrefix(tc.body, "{") {
				hostile = answer(200, tc.body, "Content-Type", "application/x-www-form-urlencoded")
			}
			srv := serve(t, answer(200, tokenJSON), hostile)
			p := oauth2Provider(t, srv.URL())
			st := newMemState(p)
			c := testClient(nil)
			good, err := c.Ensure(context.Background(), st, "idp", EnsureOptions{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Ensure(context.Background(), st, "idp", EnsureOptions{Fresh: true})
			if err == nil {
				t.Fatal("a token outside VSCHAR was accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.field) || !strings.Contains(msg, "VSCHAR") {
				t.Errorf("error %q does not name %s and the rule", msg, tc.field)
			}
			// A token is a secret: not a piece of it is echoed. The
			// token type is not, and may show in the body's start.
			secret := tc.field != "token_type"
			if secret && strings.Contains(msg, "EVIL") || strings.ContainsAny(msg, "\x1b\x07\n\u009b\u202e\x7f") {
				t.Errorf("error %q echoes the refused value", msg)
			}
			if st.tok["idp"] != good.Token || good.Token.AccessToken != "AT-1" {
				t.Errorf("stored token = %+v, want the previous one", st.tok["idp"])
			}
			if k := st.kinds(); len(k) != 2 || k[1] != providers.EventFailed || secret && strings.Contains(st.events[1].Detail, "EVIL") {
				t.Errorf("events = %+v", st.events)
			}
		})
	}
}

func TestTokenResponseVSCHARIsAccepted(t *testing.T) {
	// Every VSCHAR, space included, as the grammar has it.
	var b strings.Builder
	for c := byte(0x20); c <= 0x7e; c++ {
		b.WriteByte(c)
	}
	tok := &providers.Token{AccessToken: providers.Secret(b.String()), RefreshToken: "RT", TokenType: "Bearer"}
	if err := tok.Check(); err != nil {
		t.Fatal(err)
	}
	got, err := ParseTokenResponse([]byte(`{"access_token":"a~b!c","token_type":"Bearer"}`), nil, time.Now())
	if err != nil || got.AccessToken != "a~b!c" {
		t.Fatalf("ParseTokenResponse = %v, %v", got, err)
	}
}

// The trace shows a hostile server's headers and body escaped: the
// escapes visible, none of the bytes raw.
func TestTraceEscapesTheServersText(t *testing.T) {
	body := "<html>\x1b[2J\x1b]52;c;SGVsbG8=\x07 \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ \u009b31m \u202eesrever\r\nsecond\rline</html>"
	srv := serve(t, answer(400, body, "Content-Type", "text/html", "X-Evil", "v\u009b\u202e"))
	p := oauth2Provider(t, srv.URL())
	var trace bytes.Buffer
	c := NewClient(Options{Trace: &trace, Sleep: (&sleeps{}).sleep})
	if _, err := c.Fetch(context.Background(), p); err == nil {
		t.Fatal("a 400 answer was taken for a token")
	}
	out := trace.String()
	for _, raw := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\rline"} {
		if strings.Contains(out, raw) {
			t.Errorf("trace holds %q raw:\n%s", raw, out)
		}
	}
	for _, want := range []string{`< <html>\x1b[2J\x1b]52;c;SGVsbG8=\x07 \x1b]8;;https://evil.example\x1b\\link`, `\u009b31m \u202eesrever`,
		"\n< second\\rline</html>\n", `< X-Evil: v\u009b\u202e`} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
}
