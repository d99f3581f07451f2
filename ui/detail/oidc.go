package detail

import (
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/jwt"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// IDToken is what the root made of the id_token that came with the token
// (decoded and checked in a command, never in View): its claims and time
// claims, each check's result, or Err when it could not be decoded.
type IDToken struct {
	Claims []providers.Field
	Times  []jwt.TimeClaim
	Checks []jwt.Check
	Err    string
	// Checking is true while the check is under way.
	Checking bool
}

// idToken renders the ID token's claims and each of its checks, one by
// one: never a silent "valid".
func (r *renderer) idToken(t *IDToken) {
	if t == nil {
		return
	}
	if t.Checking {
		r.sectionNote("ID token", "checking…")
		return
	}
	if t.Err != "" {
		r.section("ID token")
		r.text("  ", 2, &r.s.Error, t.Err)
		return
	}
	note := "every check passed"
	if jwt.Failed(t.Checks) {
		note = "a check failed"
	}
	r.sectionNote("ID token", note)
	times := make(map[string]time.Time, len(t.Times))
	for _, tc := range t.Times {
		times[tc.Claim] = tc.At
	}
	r.fields(t.Claims, times)
	r.blank()
	r.line(r.s.Label.Render("Checks"))
	w := 0
	for _, c := range t.Checks {
		w = max(w, len(c.Name))
	}
	for _, c := range t.Checks {
		mark, st := "– ", &r.s.Muted
		switch c.Result {
		case jwt.CheckOK:
			mark, st = "✓ ", &r.s.Healthy
		case jwt.CheckFailed:
			mark, st = "✗ ", &r.s.Danger
		}
		prefix := "  " + st.Render(mark+pad(display.Text(c.Name), w)) + "  "
		text := c.Result
		if d := r.checkDetail(c, times); d != "" {
			text += ": " + d
		}
		r.text(prefix, w+6, detailStyle(c.Result, r.s), text)
	}
}

// checkDetail is c's words. A passed exp check says how far the expiry
// is now, not when the check was made: the check is made once, the pane
// is drawn on every tick, and "in 29s" must not stay on screen after the
// id_token ran out.
func (r *renderer) checkDetail(c jwt.Check, times map[string]time.Time) string {
	exp, ok := times["exp"]
	if c.Name != "exp" || c.Result != jwt.CheckOK || !ok {
		return c.Detail
	}
	if r.m.now.Before(exp) {
		return "expires " + display.Time(exp) + ", " + relative(r.m.now, exp)
	}
	return "valid when it came; expired " + display.Time(exp) + ", " + relative(r.m.now, exp)
}

// detailStyle is how a check's words are drawn: a failure as an error.
func detailStyle(result string, s *paints) *paint {
	if result == jwt.CheckFailed {
		return &s.Error
	}
	return &s.Value
}

// introspection renders the introspection endpoint's answer about the
// token, beside its claims: active and what the server says of it, or
// why it could not say; an opaque token with nothing to decode gets the
// key that asks.
func (r *renderer) introspection(d *Data) {
	switch {
	case d.IntrospectErr != nil:
		r.sectionNote("Introspection", "failed "+relative(r.m.now, d.IntrospectAt))
		r.failure(d.IntrospectErr.Error(), oauth.HintOf(d.IntrospectErr))
	case d.Introspection != nil:
		in := d.Introspection
		r.sectionNote("Introspection", "asked "+relative(r.m.now, d.IntrospectAt))
		active := r.s.Healthy.Render("✓ active")
		if !in.Active {
			active = r.s.Danger.Render("✗ not active") + r.s.Muted.Render(" (expired, revoked, or unknown to the server)")
		}
		r.line("  " + active)
		times := map[string]time.Time{}
		for _, c := range in.Claims {
			if oauth.TimeClaim(c.Key) {
				if at, ok := c.Time(); ok {
					times[c.Key] = at
				}
			}
		}
		r.fields(in.Claims, times)
	case d.IntrospectHint != "" && r.m.jwt == nil:
		r.section("Introspection")
		r.text("  ", 2, &r.s.Hint, d.IntrospectHint)
	}
	if d.IntrospectHint != "" && (d.Introspection != nil || d.IntrospectErr != nil) {
		r.text("  ", 2, &r.s.Muted, d.IntrospectHint)
	}
}
