package detail

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

func TestMain(m *testing.M) {
	time.Local = time.UTC // local times in views are deterministic
	os.Exit(m.Run())
}

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// makeJWT builds a JWS with the given claims JSON (signature junk).
func makeJWT(claims string) providers.Secret {
	return providers.Secret(b64(`{"alg":"RS256","typ":"JWT","kid":"k1"}`) + "." + b64(claims) + "." + b64("sig"))
}

func jwtToken() *providers.Token {
	iat, exp := now.Add(-time.Minute).Unix(), now.Add(4*time.Minute).Unix()
	return &providers.Token{
		AccessToken: makeJWT(fmt.Sprintf(`{"sub":"demo","iat":%d,"exp":%d,"scope":"read write"}`, iat, exp)),
		TokenType:   "Bearer", IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(4 * time.Minute),
		ExpiresIn: 300, ExpirySource: providers.ExpiryFromExpiresIn, Scope: "read write",
		Extra: []providers.Field{{Key: "ext_expires_in", Value: `"3600"`}},
	}
}

func provider() providers.Provider {
	return providers.Provider{Name: "oauth2-local", Preset: "oauth2", JWKSURL: "http://127.0.0.1/jwks"}
}

func newPane(w, h int, d Data) Model {
	m := New(nil)
	m.SetSize(w, h)
	m.SetNow(now)
	m.SetData(d)
	return m
}

func view(m Model) string { return ansi.Strip(m.View()) }

func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("view lacks %q:\n%s", w, got)
		}
	}
}

func TestTokenMaskedUntilRevealed(t *testing.T) {
	t.Parallel()
	tok := jwtToken()
	m := newPane(100, 60, Data{Provider: provider(), Token: tok})
	got := view(m)
	if strings.Contains(got, tok.AccessToken.Reveal()[:20]) {
		t.Fatalf("the masked view shows the token:\n%s", got)
	}
	mustContain(t, got, "••••", "masked")
	m.SetRevealed(true)
	got = strings.ReplaceAll(view(m), " ", "")
	if !strings.Contains(strings.ReplaceAll(got, "\n", ""), tok.AccessToken.Reveal()) {
		t.Errorf("the revealed view lacks the whole token:\n%s", got)
	}
	m.SetData(Data{Provider: providers.Provider{Name: "other"}, Token: tok})
	if m.Revealed() {
		t.Error("selecting another provider left the token revealed")
	}
}

func TestJWTClaimsWithLocalTimes(t *testing.T) {
	t.Parallel()
	m := newPane(100, 60, Data{Provider: provider(), Token: jwtToken(),
		Signature: Signature{Status: jwt.StatusVerified, Reason: "RS256 signature matches key k1"}})
	mustContain(t, view(m),
		"Type      Bearer · JWT (RS256)",
		"Issued    2026-03-01 11:59:00 UTC · 1m ago",
		"Expires   2026-03-01 12:04:00 UTC · in 4m · from expires_in",
		"4m left of 5m",
		"Scope     read write",
		"Server fields", `ext_expires_in  "3600"`,
		"JWT header", `alg  "RS256"`, `kid  "k1"`,
		"JWT claims", `sub    "demo"`,
		"exp    "+fmt.Sprint(now.Add(4*time.Minute).Unix())+"  2026-03-01 12:04:00 UTC · in 4m",
		"iat    "+fmt.Sprint(now.Add(-time.Minute).Unix())+"  2026-03-01 11:59:00 UTC · 1m ago",
		"Signature ✓ verified", "RS256 signature matches key k1")
}

func TestProgressBarFollowsTheLifetime(t *testing.T) {
	t.Parallel()
	m := newPane(100, 60, Data{Provider: provider(), Token: jwtToken()})
	bar := func() string {
		for _, l := range strings.Split(view(m), "\n") {
			if strings.HasPrefix(l, "Left") {
				return l
			}
		}
		return ""
	}
	if got := strings.Count(bar(), "█"); got != 24 { // 4m of 5m on 30 cells
		t.Errorf("bar at 80%%: %d filled cells, want 24: %q", got, bar())
	}
	m.SetNow(now.Add(3*time.Minute + 30*time.Second))
	if got := strings.Count(bar(), "█"); got != 3 {
		t.Errorf("bar at 10%%: %d filled cells, want 3: %q", got, bar())
	}
	m.SetNow(now.Add(5 * time.Minute))
	if b := bar(); strings.Count(b, "█") != 0 || !strings.Contains(b, "expired 1m ago") {
		t.Errorf("bar after expiry: %q", b)
	}
}

func TestJWTWarnings(t *testing.T) {
	t.Parallel()
	tok := jwtToken()
	tok.ExpiresAt = now.Add(time.Hour) // expires_in disagrees with exp by 56m
	tok.AccessToken = makeJWT(fmt.Sprintf(`{"exp":%d,"nbf":%d}`, now.Add(-time.Minute).Unix(), now.Add(10*time.Minute).Unix()))
	got := view(newPane(110, 80, Data{Provider: provider(), Token: tok}))
	mustContain(t, got, "Warnings", "! expired 1m ago", "! not yet valid: becomes valid in 10m", "! expires_in says")
}

func TestOpaqueToken(t *testing.T) {
	t.Parallel()
	tok := &providers.Token{AccessToken: "GTPY9VUHCqKVMRB0cHxnmAp0utR0", TokenType: "BearerToken",
		IssuedAt: now, ExpiresAt: now.Add(time.Hour), ClockSkew: 3 * time.Second}
	got := view(newPane(100, 40, Data{Provider: provider(), Token: tok}))
	mustContain(t, got, "BearerToken · opaque token (not a JWT)", "Skew      server clock 3s ahead of ours")
	if strings.Contains(got, "JWT claims") || strings.Contains(got, "Signature") {
		t.Errorf("an opaque token shows JWT sections:\n%s", got)
	}
}

func TestUnknownExpiry(t *testing.T) {
	t.Parallel()
	tok := &providers.Token{AccessToken: "x", IssuedAt: now, ExpirySource: providers.ExpiryUnknown}
	mustContain(t, view(newPane(100, 40, Data{Provider: provider(), Token: tok})),
		"Expires   unknown", "Type      not stated")
}

func TestSignatureStates(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		sig  Signature
		want string
	}{
		{Signature{}, "Signature checking…"},
		{Signature{Status: jwt.StatusMismatch, Reason: "signature does not match"}, "Signature ✗ failed"},
		{Signature{Status: jwt.StatusNoJWKSURL, Reason: "no jwks_url"}, "Signature – unchecked"},
		{Signature{Status: jwt.StatusJWKSNotFetched, Reason: "cannot fetch the JWKS"}, "Signature – unchecked"},
	} {
		got := view(newPane(100, 60, Data{Provider: provider(), Token: jwtToken(), Signature: tt.sig}))
		mustContain(t, got, tt.want, tt.sig.Reason)
	}
}

func TestLastErrorInServerWordsWithHint(t *testing.T) {
	t.Parallel()
	err := &oauth.Error{Op: "fetch token", Provider: "oauth2-local", Status: 401, Code: "invalid_client",
		Description: "client authentication failed", Hint: "an invalid client usually means the wrong client_auth"}
	got := view(newPane(140, 40, Data{Provider: provider(), LastErr: fmt.Errorf("wrapped: %w", err), LastErrAt: now.Add(-time.Minute)}))
	mustContain(t, got, "No token held.", "Last error 1m ago", "invalid_client", "client authentication failed",
		"hint: an invalid client usually means the wrong client_auth")
}

func TestLastErrorFromHistory(t *testing.T) {
	t.Parallel()
	h := []providers.Event{{At: now.Add(-time.Hour), Kind: providers.EventFailed, Detail: "fetch token: HTTP 502"}}
	mustContain(t, view(newPane(100, 40, Data{Provider: provider(), History: h})), "Last error 1h ago", "fetch token: HTTP 502")
}

func TestHistoryNewestFirst(t *testing.T) {
	t.Parallel()
	var h []providers.Event
	for i := range 10 {
		h = append(h, providers.Event{At: now.Add(time.Duration(i) * time.Minute), Kind: providers.EventIssued, Detail: fmt.Sprintf("event %d", i)})
	}
	got := view(newPane(100, 40, Data{Provider: provider(), History: h}))
	i9, i2 := strings.Index(got, "event 9"), strings.Index(got, "event 2")
	if i9 < 0 || i2 < 0 || i9 > i2 {
		t.Errorf("history not newest first:\n%s", got)
	}
	if strings.Contains(got, "event 1\n") || !strings.Contains(got, "… 2 earlier") {
		t.Errorf("history not cut to 8:\n%s", got)
	}
}

func TestTryResult(t *testing.T) {
	t.Parallel()
	d := Data{Provider: provider(), Token: jwtToken(), TryAt: now,
		Try: &oauth.TryResult{Method: "GET", URL: "http://127.0.0.1/userinfo", Status: 200,
			Latency: 12 * time.Millisecond, ContentType: "application/json", BodyStart: `{"sub":"demo"}`}}
	mustContain(t, view(newPane(100, 80, d)), "Try request now", "GET http://127.0.0.1/userinfo",
		"200 OK · 12 ms · application/json", `{"sub":"demo"}`)
	d.Try, d.TryErr = nil, errors.New("try for oauth2-local: connection refused")
	mustContain(t, view(newPane(100, 80, d)), "connection refused")
	// The engine's hint says what to do, after the error, as the CLI does.
	d.TryErr = &oauth.Error{Op: "try", Provider: "oauth2-local", Err: errors.New("no try request configured"),
		Hint: "set try_url (and try_method, try_body) to an API call the token opens"}
	mustContain(t, view(newPane(100, 80, d)), "no try request configured", "  hint: set try_url (and try_method, try_body)")
}

// TestIntrospectionErrorHint: an introspection failure's hint follows it,
// labelled as the last error's is.
func TestIntrospectionErrorHint(t *testing.T) {
	t.Parallel()
	d := Data{Provider: provider(), Token: jwtToken(), IntrospectAt: now,
		IntrospectErr: &oauth.Error{Op: "introspect token", Provider: "oauth2-local", Status: 401, Code: "invalid_client",
			Hint: "check client_id and client_secret"}}
	mustContain(t, view(newPane(100, 80, d)), "Introspection failed now", "  hint: check client_id and client_secret")
}

func TestInsecureAndBusy(t *testing.T) {
	t.Parallel()
	p := provider()
	p.Insecure = true
	m := newPane(100, 20, Data{Provider: p, Busy: "refreshing"})
	m.SetSpinnerFrame("⠋")
	got := strings.Split(view(m), "\n")
	if !strings.HasPrefix(got[0], "⠋ refreshing…") {
		t.Errorf("first line %q, want the busy line", got[0])
	}
	mustContain(t, strings.Join(got, "\n"), "⚠ insecure: this provider does not verify TLS certificates (insecure = true)")
}

// TestPlainHTTPWarns: a token URL over plain http to another machine is
// warned about as insecure is; one to this machine's loopback is not.
func TestPlainHTTPWarns(t *testing.T) {
	t.Parallel()
	p := provider()
	p.TokenURL = "http://auth.example/token"
	mustContain(t, view(newPane(100, 20, Data{Provider: p})), "⚠ insecure: this provider sends secrets over plain http (token_url)")
	p.TokenURL = "http://127.0.0.1:8080/token"
	if v := view(newPane(100, 20, Data{Provider: p})); strings.Contains(v, "insecure") {
		t.Errorf("a loopback token URL is warned about:\n%s", v)
	}
}

func TestLinesExactlyTheSize(t *testing.T) {
	t.Parallel()
	m := newPane(40, 15, Data{Provider: provider(), Token: jwtToken()})
	got := strings.Split(view(m), "\n")
	if len(got) != 15 {
		t.Fatalf("%d lines, want 15", len(got))
	}
	for i, l := range got {
		if w := ansi.StringWidth(l); w != 40 {
			t.Errorf("line %d is %d wide, want 40: %q", i, w, l)
		}
	}
}

func TestScrollingOnlyWhenFocused(t *testing.T) {
	t.Parallel()
	m := newPane(100, 10, Data{Provider: provider(), Token: jwtToken()})
	first := view(m)
	down := tea.KeyMsg{Type: tea.KeyDown}
	m, _ = m.Update(down)
	if view(m) != first {
		t.Error("an unfocused pane scrolled")
	}
	m.SetFocused(true)
	m, _ = m.Update(down)
	if got := view(m); got == first || !strings.HasPrefix(got, strings.Split(first, "\n")[1]) {
		t.Errorf("one line down did not scroll by one line:\n%s", got)
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyEnd})
	end := view(m)
	m, _ = m.Update(down)
	if view(m) != end {
		t.Error("scrolled past the end")
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyHome})
	if view(m) != first {
		t.Error("home did not return to the top")
	}
}

func TestEmpty(t *testing.T) {
	t.Parallel()
	m := New(nil)
	m.SetSize(30, 3)
	mustContain(t, view(m), "No provider selected.")
	m.SetFocused(true)
	if m.KeyMap.Down.Enabled() {
		t.Error("scroll bindings enabled with nothing shown")
	}
}

func TestTokenServerFieldsMaskedUntilRevealed(t *testing.T) {
	t.Parallel()
	tok := jwtToken()
	idToken := `"` + string(makeJWT(`{"sub":"demo","email":"a@example.com"}`)) + `"`
	tok.Extra = []providers.Field{{Key: "id_token", Value: idToken}, {Key: "refresh_token_expires_in", Value: `"0"`}}
	m := newPane(120, 60, Data{Provider: provider(), Token: tok})
	got := view(m)
	if strings.Contains(got, idToken[1:20]) {
		t.Fatalf("the masked view shows the id_token:\n%s", got)
	}
	mustContain(t, got, "id_token", fmt.Sprintf("%d chars, masked", len(idToken)-2), `refresh_token_expires_in  "0"`)
	m.SetRevealed(true)
	got = strings.ReplaceAll(strings.ReplaceAll(view(m), " ", ""), "\n", "")
	if !strings.Contains(got, idToken) {
		t.Errorf("the revealed view lacks the id_token:\n%s", view(m))
	}
}

func TestServerFieldsTruncatedNote(t *testing.T) {
	t.Parallel()
	tok := jwtToken()
	tok.ExtraDropped = 36
	got := view(newPane(120, 60, Data{Provider: provider(), Token: tok}))
	mustContain(t, got, "Server fields", "ext_expires_in", "truncated: 36 more fields not kept (over 64 fields or 64 KiB)")

	// Every field dropped (one too big to keep): the section still says so.
	tok.Extra, tok.ExtraDropped = nil, 1
	got = view(newPane(120, 60, Data{Provider: provider(), Token: tok}))
	mustContain(t, got, "Server fields", "truncated: 1 more field not kept")

	tok.ExtraDropped = 0
	if got := view(newPane(120, 60, Data{Provider: provider(), Token: tok})); strings.Contains(got, "Server fields") {
		t.Errorf("an empty server fields section:\n%s", got)
	}
}

func TestJWTIssuedExpiredOrNotYetValid(t *testing.T) {
	t.Parallel()
	tok := jwtToken()
	// Issued a minute ago with an exp six minutes ago and an nbf an hour
	// on, while expires_in promised five minutes.
	tok.AccessToken = makeJWT(fmt.Sprintf(`{"exp":%d,"nbf":%d}`, now.Add(-6*time.Minute).Unix(), now.Add(time.Hour).Unix()))
	got := view(newPane(160, 80, Data{Provider: provider(), Token: tok}))
	mustContain(t, got, "Warnings",
		"! the server issued the token already expired: exp 2026-03-01 11:54:00 UTC is 5m before the answer arrived",
		"! the server issued the token not yet valid: nbf 2026-03-01 13:00:00 UTC is 1h 1m after the answer arrived",
		"! expired 6m ago")

	// A server clock ten minutes behind ours: by its clock the exp was
	// four minutes ahead when the answer arrived.
	tok.ClockSkew = -10 * time.Minute
	tok.AccessToken = makeJWT(fmt.Sprintf(`{"exp":%d}`, now.Add(-7*time.Minute).Unix()))
	got = view(newPane(160, 80, Data{Provider: provider(), Token: tok}))
	if strings.Contains(got, "the server issued") {
		t.Errorf("a token good by the server's clock is reported as issued broken:\n%s", got)
	}
}

// TestServerTextEscapedOnce: a JSON escape in a server field is shown
// once, as display writes it (\x1b), not escaped again (\\u001b).
func TestServerTextEscapedOnce(t *testing.T) {
	t.Parallel()
	tok := jwtToken()
	tok.Extra = []providers.Field{{Key: "note", Value: `"hi\u001b[2J"`}}
	got := view(newPane(100, 60, Data{Provider: provider(), Token: tok}))
	mustContain(t, got, `note  "hi\x1b[2J"`)
	if strings.Contains(got, `\\`) {
		t.Errorf("escaped twice:\n%s", got)
	}
}

// TestSaysWhatIsOffThePane: Hidden counts the content lines above and
// below the pane at the scroll position.
func TestSaysWhatIsOffThePane(t *testing.T) {
	t.Parallel()
	m := newPane(100, 10, Data{Provider: provider(), Token: jwtToken()})
	m.SetFocused(true)
	total := len(m.lines)
	if total <= 11 {
		t.Fatalf("the content is %d lines: too short to scroll", total)
	}
	if a, b := m.Hidden(); a != 0 || b != total-10 {
		t.Errorf("at the top: hidden %d above, %d below; want 0, %d", a, b, total-10)
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyDown})
	if a, b := m.Hidden(); a != 1 || b != total-11 {
		t.Errorf("one down: hidden %d above, %d below; want 1, %d", a, b, total-11)
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyEnd})
	if a, b := m.Hidden(); a != total-10 || b != 0 {
		t.Errorf("at the end: hidden %d above, %d below; want %d, 0", a, b, total-10)
	}
	if a, b := newPane(100, 200, Data{Provider: provider(), Token: jwtToken()}).Hidden(); a != 0 || b != 0 {
		t.Errorf("everything fits, yet hidden %d above, %d below", a, b)
	}
}

// TestIDTokenExpCheckFollowsTheClock: the exp check, made once, says how
// far the expiry is at each drawing, and that it passed when made once
// the id_token ran out.
func TestIDTokenExpCheckFollowsTheClock(t *testing.T) {
	t.Parallel()
	exp := now.Add(30 * time.Second)
	id := &IDToken{Times: []jwt.TimeClaim{{Claim: "exp", At: exp}},
		Checks: []jwt.Check{{Name: "exp", Result: jwt.CheckOK, Detail: "expires 2026-03-01 12:00:30 UTC, in 30s"}}}
	m := newPane(100, 80, Data{Provider: provider(), Token: jwtToken(), IDToken: id})
	mustContain(t, view(m), "✓ exp  ok: expires 2026-03-01 12:00:30 UTC, in 30s")
	m.SetNow(now.Add(10 * time.Second))
	mustContain(t, view(m), "✓ exp  ok: expires 2026-03-01 12:00:30 UTC, in 20s")
	m.SetNow(now.Add(2 * time.Minute))
	got := view(m)
	mustContain(t, got, "ok: valid when it came; expired 2026-03-01 12:00:30 UTC, 1m 30s ago")
	if strings.Contains(got, "in 30s") {
		t.Errorf("the check still says the id_token expires in 30s:\n%s", got)
	}
}
