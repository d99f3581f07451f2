package detail_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/detail"
	"github.com/tokenscope/tokenscope/ui/styles"
)

// TestPaintsRenderAsLipgloss: in every theme and colour profile, the
// content joined from the paints is byte for byte what lipgloss renders,
// for a pane with a JWT and its claims, a try, an error and a history,
// wide and narrow enough to wrap.
func TestPaintsRenderAsLipgloss(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	claims := fmt.Sprintf(`{"iss":"https://auth.example.com","sub":"demo","aud":["api","web"],"iat":%d,"exp":%d,"nbf":%d,`+
		`"scope":"read write admin profile email offline_access","note":"a claim long enough to be wrapped under itself in a narrow pane"}`,
		now.Add(-time.Minute).Unix(), now.Add(4*time.Minute).Unix(), now.Add(-time.Minute).Unix())
	tok := &providers.Token{
		AccessToken: providers.Secret(b64(`{"alg":"RS256","typ":"JWT","kid":"k1"}`) + "." + b64(claims) + "." + b64("sig")),
		TokenType:   "Bearer", IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(4 * time.Minute),
		ExpiresIn: 300, ExpirySource: providers.ExpiryFromExpiresIn, Scope: "read write admin",
		Extra: []providers.Field{{Key: "ext_expires_in", Value: `"3600"`}},
	}
	d := detail.Data{
		Provider: providers.Provider{Name: "oauth2-local", Preset: "oauth2", JWKSURL: "http://127.0.0.1/jwks"},
		Token:    tok, Busy: "refreshing",
		History: []providers.Event{
			{At: now.Add(-time.Hour), Kind: providers.EventIssued, Detail: "expires in 1h"},
			{At: now.Add(-time.Minute), Kind: providers.EventFailed, Detail: "fetch token: HTTP 401"},
		},
		LastErr: &oauth.Error{Op: "fetch token", Provider: "oauth2-local", Status: 401, Code: "invalid_client",
			Description: "client authentication failed", Hint: "an invalid client usually means the wrong client_auth"},
		LastErrAt: now.Add(-time.Minute),
		Try: &oauth.TryResult{Method: "GET", URL: "http://127.0.0.1/userinfo", Status: 200,
			Latency: 12 * time.Millisecond, ContentType: "application/json", BodyStart: "{\n  \"sub\": \"demo\"\n}"},
		TryAt:     now,
		Signature: detail.Signature{Status: jwt.StatusMismatch, Reason: "signature does not match"},
	}
	for _, profile := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii} {
		for _, dark := range []bool{true, false} {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(profile)
			r.SetHasDarkBackground(dark)
			for _, th := range themes.All() {
				st := styles.New(th, r)
				for _, w := range []int{100, 40} {
					m := detail.New(&st.Detail)
					m.SetSize(w, 80)
					m.SetNow(now)
					m.SetData(d)
					for _, revealed := range []bool{false, true} {
						m.SetRevealed(revealed)
						got, want := m.View(), detail.Unpainted(m).View()
						if got != want {
							t.Errorf("theme %s, profile %d, dark %v, width %d, revealed %v: the paints differ from lipgloss:\n%q\nwant\n%q",
								th.Name, profile, dark, w, revealed, got, want)
						}
					}
					if profile == termenv.TrueColor && detail.Painted(m) == 0 {
						t.Errorf("theme %s: no style is written as its codes", th.Name)
					}
				}
			}
		}
	}
}
