package jwt

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"github.com/tokenscope/tokenscope/providers/display"
	"hash"
	"net/http"
	"time"
)

// IDTokenOptions is what an ID token is checked against (OpenID Connect
// Core §3.1.3.7): the issuer and client configured, the nonce sent (""
// when none was), the access token that came with it (for at_hash), and
// the clock.
type IDTokenOptions struct {
	// Issuer is the issuer the provider is configured with; "" leaves
	// iss unchecked, and the check says so.
	Issuer   string
	ClientID string
	// Nonce is the nonce the login sent; "" when none was, and the check
	// says so.
	Nonce string
	// Refreshed says the token came from a refresh: an id_token without a
	// nonce is then not a failure (OpenID Connect Core §12.2), one with a
	// nonce must still carry the login's.
	Refreshed   bool
	AccessToken string
	Now         time.Time
	// Leeway is the clock skew allowed on exp; 0 allows none.
	Leeway time.Duration
}

// Check is the outcome of one check of an ID token, shown one by one:
// never a silent "valid". Detail says what was compared, in words.
type Check struct {
	Name string `json:"name"`
	// Result is "ok", "failed" or "not checked".
	Result string `json:"result"`
	Detail string `json:"detail"`
}

// The results of a check.
const (
	CheckOK         = "ok"
	CheckFailed     = "failed"
	CheckNotChecked = "not checked"
)

// Failed reports whether any check failed.
func Failed(checks []Check) bool {
	for _, c := range checks {
		if c.Result == CheckFailed {
			return true
		}
	}
	return false
}

// CheckIDToken decodes raw and checks it as an ID token, each check in
// order: the signature against the JWKS at jwksURL (as Verify), iss, aud
// (it contains the client id; azp is the client id when there are
// several audiences), exp, nonce and at_hash. A token that cannot be
// decoded is one failed check.
func CheckIDToken(ctx context.Context, hc *http.Client, jwksURL, raw string, o IDTokenOptions) (*JWT, []Check) {
	j, err := Parse(raw)
	if err != nil {
		return nil, []Check{{Name: "decode", Result: CheckFailed, Detail: err.Error()}}
	}
	var out []Check
	add := func(name string, ok bool, detail string) {
		r := CheckFailed
		if ok {
			r = CheckOK
		}
		out = append(out, Check{Name: name, Result: r, Detail: detail})
	}
	skip := func(name, detail string) {
		out = append(out, Check{Name: name, Result: CheckNotChecked, Detail: detail})
	}

	st, reason := Verify(ctx, hc, jwksURL, raw)
	add("signature", st == StatusVerified, reason)

	iss, _ := j.ClaimsMap["iss"].(string)
	switch {
	case o.Issuer == "":
		skip("iss", fmt.Sprintf("the provider names no issuer to compare %q with", iss))
	case iss == o.Issuer:
		add("iss", true, "is the configured issuer "+o.Issuer)
	default:
		add("iss", false, fmt.Sprintf("%q is not the configured issuer %s", iss, o.Issuer))
	}

	auds := audiences(j.ClaimsMap["aud"])
	has := false
	for _, a := range auds {
		has = has || a == o.ClientID
	}
	azp, _ := j.ClaimsMap["azp"].(string)
	switch {
	case !has:
		add("aud", false, fmt.Sprintf("%q does not contain the client id %s", auds, o.ClientID))
	case len(auds) > 1 && azp != o.ClientID:
		add("aud", false, fmt.Sprintf("several audiences %q, and azp %q is not the client id %s", auds, azp, o.ClientID))
	default:
		add("aud", true, "contains the client id "+o.ClientID)
	}

	switch exp, ok := j.Expiry(); {
	case !ok:
		add("exp", false, "no exp claim (OpenID Connect Core §2 requires one)")
	case o.Now.Before(exp.Add(o.Leeway)):
		add("exp", true, "expires "+display.Time(exp)+", "+display.Relative(o.Now, exp))
	default:
		add("exp", false, "expired "+display.Time(exp)+", "+display.Relative(o.Now, exp))
	}

	out = append(out, CheckNonce(j, o.Nonce, o.Refreshed))

	atHash, hasAtHash := j.ClaimsMap["at_hash"].(string)
	switch {
	case !hasAtHash:
		skip("at_hash", "the token has none")
	case o.AccessToken == "":
		skip("at_hash", "no access token came with it")
	default:
		want, ok := tokenHash(j.Alg(), o.AccessToken)
		switch {
		case !ok:
			skip("at_hash", "no hash is defined for alg "+j.Alg())
		case want == atHash:
			add("at_hash", true, "matches the access token")
		default:
			add("at_hash", false, "does not match the access token that came with it")
		}
	}
	return j, out
}

// CheckNonce is the nonce check of an ID token (OpenID Connect Core
// §3.1.3.7, step 11): sent is the nonce the login's authorization request
// sent, "" when none was, and the check is then not made. A token without
// a nonce claim fails it, unless it came from a refresh (refreshed), whose
// ID token need not carry one (§12.2); a nonce that is not the one sent
// fails it always. The detail never quotes either nonce.
func CheckNonce(j *JWT, sent string, refreshed bool) Check {
	c := Check{Name: "nonce", Result: CheckFailed}
	got, has := j.ClaimsMap["nonce"]
	switch {
	case sent == "":
		c.Result, c.Detail = CheckNotChecked, "none was sent"
	case !has && refreshed:
		c.Result, c.Detail = CheckNotChecked, "a refreshed id_token need not carry the login's nonce (OpenID Connect Core §12.2)"
	case !has:
		c.Detail = "the token has no nonce, and one was sent"
	case got != sent:
		c.Detail = "is not the nonce sent"
	default:
		c.Result, c.Detail = CheckOK, "is the nonce sent"
	}
	return c
}

// audiences is aud as a list: one string or an array of them.
func audiences(v any) []string {
	switch a := v.(type) {
	case string:
		return []string{a}
	case []any:
		var out []string
		for _, x := range a {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// tokenHash is OpenID Connect's at_hash of token for a JWS alg: the left
// half of the hash the alg uses, base64url without padding.
func tokenHash(alg, token string) (string, bool) {
	var h hash.Hash
	switch alg {
	case "RS256", "PS256", "ES256", "HS256":
		h = sha256.New()
	case "RS384", "PS384", "ES384", "HS384":
		h = sha512.New384()
	case "RS512", "PS512", "ES512", "HS512", "EdDSA":
		// EdDSA with Ed25519 uses SHA-512 (OpenID Connect errata set 2).
		h = sha512.New()
	default:
		return "", false
	}
	h.Write([]byte(token))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2]), true
}
