package jwt

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// MaxJWKSSize caps the JWKS document Verify reads.
const MaxJWKSSize = 1 << 20

// DefaultJWKSTimeout bounds the JWKS fetch when ctx has no deadline.
const DefaultJWKSTimeout = 10 * time.Second

// keyKind is what sort of public key an algorithm needs.
type keyKind struct {
	rsa   bool
	curve elliptic.Curve // ECDSA curve, nil otherwise
	ed    bool
}

// asymmetric says which key an algorithm Verify checks needs; ok is false
// for every other algorithm.
func asymmetric(alg string) (k keyKind, ok bool) {
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		return keyKind{rsa: true}, true
	case "ES256":
		return keyKind{curve: elliptic.P256()}, true
	case "ES384":
		return keyKind{curve: elliptic.P384()}, true
	case "ES512":
		return keyKind{curve: elliptic.P521()}, true
	case "EdDSA":
		return keyKind{ed: true}, true
	}
	return keyKind{}, false
}

// Verify checks raw's signature against the keys of the JWKS at jwksURL,
// the provider's configured URL and nothing else: the token's own jku, x5u,
// jwk and x5c headers are never followed or trusted, and a token whose
// "crit" header names an extension Verify does not understand is refused
// before any key is fetched. hc nil means a plain
// client; the fetch obeys ctx (DefaultJWKSTimeout when ctx has no
// deadline) and reads at most MaxJWKSSize. The status says what Verify
// found; the reason says it in words a user can act on, for display only.
// alg "none" always fails; an HMAC alg is unchecked, never tried against a
// public key.
func Verify(ctx context.Context, hc *http.Client, jwksURL, raw string) (Status, string) {
	j, err := Parse(raw)
	if errors.Is(err, ErrOpaque) {
		return StatusOpaque, "opaque token: there is no signature to check"
	}
	if err != nil {
		return StatusMalformed, err.Error()
	}
	alg := j.Alg()
	kind, ok := asymmetric(alg)
	switch {
	case strings.EqualFold(alg, "none"):
		return StatusUnsigned, `alg "none": an unsigned token is never accepted`
	case critProblem(j.HeaderMap) != "":
		return StatusUnsupportedCrit, critProblem(j.HeaderMap)
	case strings.HasPrefix(alg, "HS"):
		return StatusSharedSecret, fmt.Sprintf("%s is signed with a shared secret that tokenscope does not have", alg)
	case !ok:
		return StatusUnsupportedAlg, fmt.Sprintf("unsupported alg %q", alg)
	case jwksURL == "":
		return StatusNoJWKSURL, "no jwks_url is configured for this provider"
	}
	jws, err := jose.ParseSignedCompact(j.Raw, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
	if err != nil {
		return StatusMalformed, fmt.Sprintf("cannot read the signature: %v", err)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultJWKSTimeout)
		defer cancel()
	}
	shown := redact(jwksURL)
	keys, err := fetchJWKS(ctx, hc, jwksURL, shown)
	if err != nil {
		return StatusJWKSNotFetched, fmt.Sprintf("cannot fetch the JWKS: %v", err) + ignoredNote(j)
	}
	cands, reason := candidates(keys, j.Kid(), alg, kind)
	if len(cands) == 0 {
		return StatusNoKey, reason + ignoredNote(j)
	}
	for _, k := range cands {
		if _, err := jws.Verify(k.Key); err == nil {
			return StatusVerified, fmt.Sprintf("%s signature matches key %s of %s", alg, kidName(k.KeyID), shown)
		}
	}
	if len(cands) == 1 {
		return StatusMismatch, fmt.Sprintf("%s signature does not match key %s of %s", alg, kidName(cands[0].KeyID), shown) + ignoredNote(j)
	}
	return StatusMismatch, fmt.Sprintf("%s signature matches none of the %d usable keys of %s", alg, len(cands), shown) + ignoredNote(j)
}

// candidates picks the keys to try: those with the token's kid, else every
// key of the algorithm's type. When none fits, reason says why.
func candidates(keys []jose.JSONWebKey, kid, alg string, kind keyKind) ([]jose.JSONWebKey, string) {
	if kid != "" && !anyKid(keys) {
		// A set without kids (small servers publish one key so) cannot
		// match the token's kid; every key of the right type is a candidate.
		kid = ""
	}
	var out []jose.JSONWebKey
	byKid := 0
	for _, k := range keys {
		if kid != "" && k.KeyID != kid {
			continue
		}
		byKid++
		if fits(k, alg, kind) {
			out = append(out, k)
		}
	}
	switch {
	case len(out) > 0:
		return out, ""
	case kid != "" && byKid == 0:
		return nil, fmt.Sprintf("the JWKS has no key with kid %q", kid)
	case kid != "":
		return nil, fmt.Sprintf("the JWKS key with kid %q cannot verify %s", kid, alg)
	default:
		return nil, fmt.Sprintf("the JWKS has no key that can verify %s", alg)
	}
}

func anyKid(keys []jose.JSONWebKey) bool {
	for _, k := range keys {
		if k.KeyID != "" {
			return true
		}
	}
	return false
}

// fits reports whether k may verify alg: a signing public key of the right
// type (and curve), whose own "alg", if any, is alg.
func fits(k jose.JSONWebKey, alg string, kind keyKind) bool {
	if k.Use == "enc" || (k.Algorithm != "" && k.Algorithm != alg) {
		return false
	}
	switch pk := k.Key.(type) {
	case *rsa.PublicKey:
		return kind.rsa
	case *ecdsa.PublicKey:
		return kind.curve != nil && pk.Curve == kind.curve
	case ed25519.PublicKey:
		return kind.ed
	}
	return false
}

// fetchJWKS reads the key set at url, keeping the public half of every key
// go-jose understands and skipping the others (a set may mix in key types
// that have nothing to do with this token).
// shown is url with any password masked, for messages.
func fetchJWKS(ctx context.Context, hc *http.Client, url, shown string) ([]jose.JSONWebKey, error) {
	if hc == nil {
		hc = &http.Client{}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered %s", shown, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxJWKSSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", shown, err)
	}
	if len(body) > MaxJWKSSize {
		return nil, fmt.Errorf("%s is larger than 1 MiB", shown)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("%s is not a JWKS: %v", shown, err)
	}
	var keys []jose.JSONWebKey
	for _, raw := range set.Keys {
		var k jose.JSONWebKey
		if k.UnmarshalJSON(raw) != nil {
			continue
		}
		if pub := k.Public(); pub.Valid() {
			keys = append(keys, pub)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no usable public key", shown)
	}
	return keys, nil
}

// redact masks the password of a URL with userinfo.
func redact(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

func kidName(kid string) string {
	if kid == "" {
		return "(no kid)"
	}
	return fmt.Sprintf("%q", kid)
}

// ignoredNote tells a user whose token names its own key source that it
// was not consulted, so a failure is not mistaken for a tokenscope bug.
func ignoredNote(j *JWT) string {
	var named []string
	for _, h := range []string{"jku", "x5u", "jwk", "x5c"} {
		if _, ok := j.HeaderMap[h]; ok {
			named = append(named, h)
		}
	}
	if len(named) == 0 {
		return ""
	}
	return fmt.Sprintf(" (the token's own %s header is never trusted)", strings.Join(named, "/"))
}
