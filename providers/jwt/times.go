package jwt

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers/display"
)

// TimeClaim is one of the registered time claims, decoded.
type TimeClaim struct {
	Claim string
	At    time.Time
}

// timeClaims returns the claims Times reports, in the order it reports them.
func timeClaims() [4]string { return [4]string{"exp", "iat", "nbf", "auth_time"} }

// Leeway is the clock difference tolerated before a token counts as not yet
// valid: servers and laptops disagree by a few seconds.
const Leeway = 30 * time.Second

// MaxExpiryDisagreement is how far a token response's expires_in may put
// the expiry from the JWT's exp before Check warns.
const MaxExpiryDisagreement = 60 * time.Second

// The codes of the warnings Check returns.
const (
	WarnExpired        = "expired"
	WarnNotYetValid    = "not_yet_valid"
	WarnExpiryMismatch = "expiry_mismatch"
	WarnBadTimeClaim   = "bad_time_claim"
)

// The codes of the warnings CheckIssued returns.
const (
	WarnIssuedExpired     = "issued_expired"
	WarnIssuedNotYetValid = "issued_not_yet_valid"
)

// Warning is something about a token the user should know, with a stable
// Code for programs and a Msg for people.
type Warning struct {
	Code string
	Msg  string
}

// Expiry returns the exp claim; ok is false when there is none or it is not
// a NumericDate (a number, or a string of one).
func (j *JWT) Expiry() (time.Time, bool) { return j.timeClaim("exp") }

// Times returns the exp, iat, nbf and auth_time claims the token has and
// that decode, in that order.
func (j *JWT) Times() []TimeClaim {
	var out []TimeClaim
	for _, c := range timeClaims() {
		if t, ok := j.timeClaim(c); ok {
			out = append(out, TimeClaim{Claim: c, At: t})
		}
	}
	return out
}

func (j *JWT) timeClaim(name string) (time.Time, bool) {
	if j == nil {
		return time.Time{}, false
	}
	v, ok := j.ClaimsMap[name]
	if !ok {
		return time.Time{}, false
	}
	return numericDate(v)
}

// maxNumericDate is 9999-12-31T23:59:59Z, the last second RFC 3339 writes.
const maxNumericDate = 253402300799

// number is v as a float64 when it is a JSON number.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// numericDate decodes an RFC 7519 NumericDate: seconds since the epoch,
// possibly fractional. Strings of a number are tolerated because some
// servers quote everything.
func numericDate(v any) (time.Time, bool) {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case json.Number:
		g, err := x.Float64()
		if err != nil {
			return time.Time{}, false
		}
		f = g
	case string:
		g, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return time.Time{}, false
		}
		f = g
	default:
		return time.Time{}, false
	}
	// Before 1970 or after the year 9999 nothing real lives, and a time
	// outside years 0 to 9999 cannot even be saved (RFC 3339); NaN and
	// infinities do not convert at all.
	if math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))), true
}

// Check returns warnings about the token at now: expired, not yet valid
// (nbf more than Leeway ahead), and, when expiresAt is not zero (the expiry
// the token response's expires_in gave), an exp that disagrees with it by
// more than MaxExpiryDisagreement. A time claim that is present but not a
// NumericDate is reported too.
func (j *JWT) Check(now, expiresAt time.Time) []Warning {
	var ws []Warning
	for _, c := range timeClaims() {
		if v, ok := j.ClaimsMap[c]; ok {
			if _, ok := numericDate(v); !ok {
				msg := fmt.Sprintf("%s is not a NumericDate (seconds since 1970)", c)
				if f, isNum := number(v); isNum && f > maxNumericDate {
					msg = fmt.Sprintf("%s is after the year 9999, out of range (milliseconds instead of seconds?)", c)
				} else if isNum && f < 0 {
					msg = fmt.Sprintf("%s is before 1970, out of range", c)
				}
				ws = append(ws, Warning{Code: WarnBadTimeClaim, Msg: msg})
			}
		}
	}
	exp, hasExp := j.Expiry()
	if hasExp && !now.Before(exp) {
		ws = append(ws, Warning{Code: WarnExpired,
			Msg: fmt.Sprintf("expired %s (exp %s)", display.Relative(now, exp), display.Time(exp))})
	}
	if nbf, ok := j.timeClaim("nbf"); ok && nbf.Sub(now) > Leeway {
		ws = append(ws, Warning{Code: WarnNotYetValid,
			Msg: fmt.Sprintf("not yet valid: becomes valid %s (nbf %s)", display.Relative(now, nbf), display.Time(nbf))})
	}
	if hasExp && !expiresAt.IsZero() {
		if d := expiresAt.Sub(exp); d > MaxExpiryDisagreement || d < -MaxExpiryDisagreement {
			ws = append(ws, Warning{Code: WarnExpiryMismatch,
				Msg: fmt.Sprintf("expires_in says %s but exp says %s (%s apart)",
					display.Time(expiresAt), display.Time(exp), display.Duration(d.Abs()))})
		}
	}
	return ws
}

// CheckIssued returns warnings about the token as the server issued it:
// already expired (exp at or before the moment the answer arrived) or not
// yet valid (nbf more than Leeway after it). received is that moment by our
// clock, skew the server's clock minus ours (zero when unknown); the times
// are compared on the server's clock, so a laptop whose clock is wrong does
// not make a good token look broken. Unlike Check, the answer does not
// change as time passes: it is about what the server sent.
func (j *JWT) CheckIssued(received time.Time, skew time.Duration) []Warning {
	if j == nil || received.IsZero() {
		return nil
	}
	at := received.Add(skew) // the moment of the answer on the server's clock
	clock := ""
	if skew != 0 {
		clock = ", by the server's clock"
	}
	var ws []Warning
	if exp, ok := j.Expiry(); ok && !at.Before(exp) {
		ws = append(ws, Warning{Code: WarnIssuedExpired,
			Msg: fmt.Sprintf("the server issued the token already expired: exp %s is %s before the answer arrived%s",
				display.Time(exp), display.Duration(at.Sub(exp)), clock)})
	}
	if nbf, ok := j.timeClaim("nbf"); ok && nbf.Sub(at) > Leeway {
		ws = append(ws, Warning{Code: WarnIssuedNotYetValid,
			Msg: fmt.Sprintf("the server issued the token not yet valid: nbf %s is %s after the answer arrived%s",
				display.Time(nbf), display.Duration(nbf.Sub(at)), clock)})
	}
	return ws
}
