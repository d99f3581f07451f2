package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/jwt"
)

// object is JSON members in the order the server sent them, each value
// its JSON text (a value that is not valid JSON is written as a string).
type object []providers.Field

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		if json.Valid([]byte(f.Value)) {
			b.WriteString(f.Value)
		} else {
			v, err := json.Marshal(f.Value)
			if err != nil {
				return nil, err
			}
			b.Write(v)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// tokenView is token --json; the names are stable.
type tokenView struct {
	Provider    string    `json:"provider"`
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	Scope       string    `json:"scope,omitempty"`
	IssuedAt    time.Time `json:"issued_at"`
	// ExpiresAt and ExpiresIn (seconds left) are null when the expiry is
	// unknown.
	ExpiresAt    *time.Time `json:"expires_at"`
	ExpiresIn    *int64     `json:"expires_in"`
	ExpirySource string     `json:"expiry_source"`
	// HasRefreshToken says whether the provider gave a refresh token; the
	// refresh token itself stays in the store.
	HasRefreshToken bool `json:"has_refresh_token"`
	// ClockSkew is the server's clock minus ours, as a Go duration.
	ClockSkew string `json:"clock_skew"`
	Extra     object `json:"extra"`
	// ExtraTruncated counts the server's fields the store did not keep
	// (over providers.MaxExtraFields or MaxExtraBytes); omitted when none.
	ExtraTruncated int      `json:"extra_truncated,omitempty"`
	JWT            *jwtView `json:"jwt"` // null for an opaque token
	// IDToken is the token response's id_token decoded with each of its
	// checks; omitted when the response carried none. The id_token itself
	// is printed by token --id-token.
	IDToken *idTokenChecks `json:"id_token,omitempty"`
}

// idTokenChecks is an id_token's contents and checks, in token --json.
type idTokenChecks struct {
	Header object      `json:"header,omitempty"`
	Claims object      `json:"claims,omitempty"`
	Checks []jwt.Check `json:"checks"`
	Valid  bool        `json:"valid"`
}

// jwtView is a decoded JWT, for token --json and decode --json.
type jwtView struct {
	Header    object         `json:"header"`
	Claims    object         `json:"claims"`
	Times     []timeView     `json:"times"`
	Warnings  []warningView  `json:"warnings"`
	Signature *signatureView `json:"signature,omitempty"`
}

type timeView struct {
	Claim    string    `json:"claim"`
	At       time.Time `json:"at"`
	Relative string    `json:"relative"`
}

type warningView struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type signatureView struct {
	Status string `json:"status"` // verified, failed, unchecked
	Code   string `json:"code"`   // what Verify found: verified, mismatch, jwks_not_fetched, …
	Reason string `json:"reason"`
	status jwt.Status
}

// newJWTView decodes j at now; expiresAt is the expiry the token response
// stated, zero when none, to compare with exp.
func newJWTView(j *jwt.JWT, now, expiresAt time.Time) *jwtView {
	v := &jwtView{Header: object(j.Header), Claims: object(j.Claims), Times: []timeView{}, Warnings: []warningView{}}
	for _, t := range j.Times() {
		v.Times = append(v.Times, timeView{Claim: t.Claim, At: t.At.Local(), Relative: display.Relative(now, t.At)})
	}
	for _, w := range j.Check(now, expiresAt) {
		v.Warnings = append(v.Warnings, warningView{Code: w.Code, Message: w.Msg})
	}
	return v
}

// writeTokenJSON writes token --json: the token, what the server said
// about it and, for a JWT, its contents and signature status against the
// provider's JWKS.
func (a *app) writeTokenJSON(ctx context.Context, p providers.Provider, tok *providers.Token, now time.Time) error {
	tv := tokenView{
		Provider: p.Name, AccessToken: tok.AccessToken.Reveal(), TokenType: tok.TokenType, Scope: tok.Scope,
		IssuedAt: tok.IssuedAt, ExpirySource: string(tok.ExpirySource), HasRefreshToken: tok.RefreshToken != "",
		ClockSkew: tok.ClockSkew.String(), Extra: object(tok.Extra), ExtraTruncated: tok.ExtraDropped,
	}
	if tv.Extra == nil {
		tv.Extra = object{}
	}
	if !tok.ExpiresAt.IsZero() {
		at := tok.ExpiresAt
		left := int64(at.Sub(now).Round(time.Second) / time.Second)
		tv.ExpiresAt, tv.ExpiresIn = &at, &left
	}
	if j, err := jwt.Parse(tok.AccessToken.Reveal()); err == nil {
		var stated time.Time
		if tok.ExpirySource == providers.ExpiryFromExpiresIn {
			stated = tok.ExpiresAt
		}
		tv.JWT = newJWTView(j, now, stated)
		for _, w := range j.CheckIssued(tok.Received(), tok.ClockSkew) {
			tv.JWT.Warnings = append(tv.JWT.Warnings, warningView{Code: w.Code, Message: w.Msg})
		}
		status, reason := jwt.Verify(ctx, a.client(false).JWKSClient(p), p.JWKSURL, j.Raw)
		tv.JWT.Signature = newSignatureView(status, reason)
	}
	if raw := tok.IDToken(); raw != "" {
		j, checks := a.checkIDToken(ctx, p, tok, raw)
		tv.IDToken = &idTokenChecks{Checks: checks, Valid: j != nil && len(failedChecks(checks)) == 0}
		if j != nil {
			tv.IDToken.Header, tv.IDToken.Claims = object(j.Header), object(j.Claims)
		}
	}
	return writeJSON(a.stdout, tv)
}
