package detail

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/ui/lifetime"
)

func relative(now, t time.Time) string { return display.Relative(now, t) }

// all renders the whole content, section by section.
func (r *renderer) all() {
	d := &r.m.data
	title := r.s.Title.Render(display.Text(d.Provider.Name))
	if p := d.Provider.Preset; p != "" {
		if d.Provider.Product != "" {
			p += " " + d.Provider.Product
		}
		title += "  " + r.s.Badge.Render(display.Text(p))
	}
	r.line(title)
	if why := d.Provider.Exposure(); why != "" {
		r.text("", 2, &r.s.Warning, "⚠ insecure: this provider "+why)
	}
	r.blank()
	if d.Token == nil || d.Token.AccessToken == "" {
		r.line(r.s.Muted.Render("No token held."))
		if d.NoTokenHint != "" {
			r.line(r.s.Hint.Render(display.Text(d.NoTokenHint)))
		}
	} else {
		r.token(d.Token)
		r.extra(d.Token.Extra, d.Token.ExtraDropped)
		r.jwtSections(d)
		r.idToken(d.IDToken)
		r.introspection(d)
	}
	r.try(d)
	r.lastError(d)
	r.discovery(d)
	r.history(d.History)
}

// token renders the token's own facts and its lifetime.
func (r *renderer) token(t *providers.Token) {
	now := r.m.now
	raw := t.AccessToken.Reveal()
	if r.m.revealed {
		r.wrap(r.s.Label.Render(pad("Token", labelWidth)), labelWidth, &r.s.Secret, raw, true)
	} else {
		r.factLine("Token", r.s.Secret.Render(strings.Repeat("•", min(len(raw), 24)))+
			r.s.Muted.Render("  "+strconv.Itoa(len(raw))+" chars, masked"))
	}
	typ := display.Text(t.TokenType)
	if typ == "" {
		typ = r.s.Muted.Render("not stated")
	}
	format := "opaque token (not a JWT)"
	if r.m.jwt != nil {
		format = "JWT (" + display.Text(r.m.jwt.Alg()) + ")"
	} else if r.m.jwtErr != nil && !isOpaque(r.m.jwtErr) {
		format = r.s.Error.Render(display.Text(r.m.jwtErr.Error()))
	}
	r.factLine("Type", r.s.Value.Render(typ)+r.s.Muted.Render(" · ")+r.s.Value.Render(format))
	if !t.IssuedAt.IsZero() {
		r.fact("Issued", &r.s.Value, stamp(now, t.IssuedAt))
	}
	if t.Derived() {
		// Vodacom: requests present the session encrypted, not the session.
		r.fact("Header", &r.s.Muted, "copied as Bearer of the session encrypted to the public key "+
			"(RSA PKCS #1 v1.5, "+strconv.Itoa(len(t.Bearer))+" chars): the header API calls need, derived, "+
			"not the session above")
	}
	span := lifetime.Span{Issued: t.IssuedAt, Expires: t.ExpiresAt}
	switch {
	case t.ExpirySource == providers.ExpiryNever:
		r.fact("Expires", &r.s.Muted, "never (a static key lasts until it is rotated)")
	case !span.Known():
		r.fact("Expires", &r.s.Muted, "unknown (the server sent no expires_in and no exp)")
	default:
		src := ""
		switch t.ExpirySource {
		case "":
		case providers.ExpiryFromLifetime:
			src = r.s.Muted.Render(" · from your lifetime") // the server states none
		default:
			src = r.s.Muted.Render(" · from " + string(t.ExpirySource))
		}
		r.factLine("Expires", r.s.Value.Render(stamp(now, t.ExpiresAt))+src)
		r.factLine("Left", r.bar(span))
	}
	r.autoRefresh(span)
	if t.ClockSkew >= MinSkew || t.ClockSkew <= -MinSkew {
		r.fact("Skew", &r.s.Warning, skew(t.ClockSkew))
	}
	if t.Scope != "" {
		r.fact("Scope", &r.s.Value, t.Scope)
	}
	if t.RefreshToken != "" {
		r.fact("Refresh", &r.s.Value, "refresh token held")
	}
}

func isOpaque(err error) bool { return errors.Is(err, jwt.ErrOpaque) }

// MinSkew is the least clock skew shown: the Date header has whole
// seconds, so a difference under two seconds is measuring noise.
const MinSkew = 2 * time.Second

// barWidth is the longest the lifetime bar gets.
const barWidth = 30

// bar is the lifetime left as a bar, coloured healthy, warning or danger
// by the same rule as the list's marks, and the time left as text.
func (r *renderer) bar(span lifetime.Span) string {
	now := r.m.now
	left := span.Expires.Sub(now)
	var st *paint
	switch span.Level(now) {
	case lifetime.Healthy:
		st = &r.s.Healthy
	case lifetime.Warning:
		st = &r.s.Warning
	default:
		st = &r.s.Danger
	}
	text := "expired " + relative(now, span.Expires)
	if left > 0 {
		text = display.Duration(left) + " left"
		if total := span.Lifetime(); total > 0 {
			text += " of " + display.Duration(total)
		}
	}
	w := min(barWidth, r.width-labelWidth-len(text)-1)
	if w < 5 || span.Lifetime() <= 0 {
		return st.Render(text)
	}
	filled := int(math.Round(span.Fraction(now) * float64(w)))
	if left > 0 && filled == 0 {
		filled = 1
	}
	return st.Render(strings.Repeat("█", filled)) + r.s.BarEmpty.Render(strings.Repeat("░", w-filled)) +
		" " + st.Render(text)
}

// autoRefresh says when the next automatic refresh runs.
func (r *renderer) autoRefresh(span lifetime.Span) {
	d := &r.m.data
	if d.AutoRefreshAt.IsZero() && d.NoAutoRefresh != "" && span.Known() {
		r.fact("Auto", &r.s.Muted, d.NoAutoRefresh)
		return
	}
	if d.AutoRefreshAt.IsZero() || !span.Known() {
		return
	}
	text := "refresh " + relative(r.m.now, d.AutoRefreshAt)
	if !d.AutoRefreshAt.After(r.m.now) {
		text = "refresh due"
	}
	st := &r.s.Muted
	if d.AutoFailures > 0 {
		text = "retry " + relative(r.m.now, d.AutoRefreshAt) + " after " +
			plural(d.AutoFailures, "failed refresh", "failed refreshes")
		st = &r.s.Warning
	}
	r.fact("Auto", st, text)
}

func skew(d time.Duration) string {
	dir := "ahead of"
	if d < 0 {
		dir, d = "behind", -d
	}
	return "server clock " + display.Duration(d) + " " + dir + " ours"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// extra renders every field the server sent that has no place above; a
// token among them (an OIDC id_token) is masked until revealed, as the
// access token is.
// dropped counts the fields the store did not keep, over its caps.
func (r *renderer) extra(fs []providers.Field, dropped int) {
	if len(fs) == 0 && dropped == 0 {
		return
	}
	r.section("Server fields")
	w := 0
	for _, f := range fs {
		w = max(w, ansi.StringWidth(display.Text(f.Key)))
	}
	w = min(w, 26)
	for _, f := range fs {
		prefix := "  " + r.s.Key.Render(pad(display.Text(f.Key), w)) + "  "
		if !r.m.revealed && secretField(f.Key) {
			n := len(f.Value) // the JSON text; a string's length without its quotes
			if s, err := strconv.Unquote(f.Value); err == nil {
				n = len(s)
			}
			r.line(prefix + r.s.Secret.Render(strings.Repeat("•", min(n, 24))) +
				r.s.Muted.Render("  "+strconv.Itoa(n)+" chars, masked"))
			continue
		}
		r.text(prefix, w+4, &r.s.Value, unquoted(f.Value))
	}
	if dropped > 0 {
		r.line("  " + r.s.Warning.Render("truncated: "+plural(dropped, "more field", "more fields")+
			" not kept (over "+strconv.Itoa(providers.MaxExtraFields)+" fields or "+
			strconv.Itoa(providers.MaxExtraBytes>>10)+" KiB)"))
	}
}

// secretField reports whether a server field named key holds a token: its
// name says token, and it is not a lifetime (MTN's
// refresh_token_expires_in, "0").
func secretField(key string) bool {
	k := strings.ToLower(key)
	return strings.Contains(k, "token") && !strings.HasSuffix(k, "_in")
}

// jwtSections renders the JWT's header and claims, with its time claims as
// local times, its warnings and its signature status.
func (r *renderer) jwtSections(d *Data) {
	j := r.m.jwt
	if j == nil {
		return
	}
	r.section("JWT header")
	r.fields(j.Header, nil)
	times := map[string]time.Time{}
	for _, tc := range j.Times() {
		times[tc.Claim] = tc.At
	}
	r.section("JWT claims")
	r.fields(j.Claims, times)

	var byExpiresIn time.Time
	if d.Token.ExpirySource == providers.ExpiryFromExpiresIn {
		byExpiresIn = d.Token.ExpiresAt
	}
	ws := j.CheckIssued(d.Token.Received(), d.Token.ClockSkew)
	if ws = append(ws, j.Check(r.m.now, byExpiresIn)...); len(ws) > 0 {
		r.section("Warnings")
		for _, w := range ws {
			r.text("  "+r.s.Warning.Render("! "), 4, &r.s.Warning, w.Msg)
		}
	}
	r.blank()
	r.signature(d.Signature)
}

func (r *renderer) fields(fs []providers.Field, times map[string]time.Time) {
	w := 0
	for _, f := range fs {
		w = max(w, ansi.StringWidth(display.Text(f.Key)))
	}
	w = min(w, 20)
	for _, f := range fs {
		prefix := "  " + r.s.Key.Render(pad(display.Text(f.Key), w)) + "  "
		if at, ok := times[f.Key]; ok {
			r.line(prefix + r.s.Value.Render(display.JSON(f.Value)) + r.s.Muted.Render("  "+stamp(r.m.now, at)))
			continue
		}
		r.text(prefix, w+4, &r.s.Value, unquoted(f.Value))
	}
}

func (r *renderer) signature(sig Signature) {
	var v string
	switch verdict := sig.Status.Verdict(); verdict {
	case jwt.VerdictVerified:
		v = r.s.Healthy.Render("✓ " + string(verdict))
	case jwt.VerdictFailed:
		v = r.s.Danger.Render("✗ " + string(verdict))
	case jwt.VerdictUnchecked:
		v = r.s.Muted.Render("– " + string(verdict))
	default:
		v = r.s.Busy.Render("checking…")
	}
	r.factLine("Signature", v)
	if sig.Reason != "" {
		r.text(pad("", labelWidth), labelWidth, &r.s.Muted, sig.Reason)
	}
}

// unquoted is the JSON text of a value as text shows it: a string
// decoded, in quotes, so that its escapes (\u001b) are shown once by
// display, as \x1b, not escaped again; anything else as it is.
func unquoted(v string) string {
	if len(v) >= 2 && v[0] == '"' {
		var s string
		if json.Unmarshal([]byte(v), &s) == nil {
			return `"` + s + `"`
		}
	}
	return v
}
