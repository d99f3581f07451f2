package jwt

import "strconv"

// Status is what a signature check found, one value per outcome, so that
// callers act on it (retry a JWKS that could not be fetched, colour a
// mismatch) without reading the reason's words. There is deliberately no
// "valid": a token is verified against a named key set, or it is not.
// The zero value, StatusNone, says no check has finished.
type Status int

// The outcomes of Verify.
const (
	// StatusNone: no check has finished; Verify never returns it.
	StatusNone Status = iota
	// StatusVerified: the signature matches a key of the configured JWKS.
	StatusVerified
	// StatusMismatch: the signature was checked against the JWKS's
	// candidate keys and matches none of them.
	StatusMismatch
	// StatusNoKey: the JWKS has no key that could verify the token (none
	// with its kid, or none of its algorithm's type).
	StatusNoKey
	// StatusUnsigned: alg "none", never accepted.
	StatusUnsigned
	// StatusUnsupportedAlg: an algorithm Verify does not check.
	StatusUnsupportedAlg
	// StatusUnsupportedCrit: the header's "crit" names an extension
	// tokenscope does not understand, or is not well formed, so the token
	// must be rejected whatever its signature (RFC 7515 section 4.1.11).
	StatusUnsupportedCrit
	// StatusMalformed: a JWT whose claims or signature cannot be read.
	StatusMalformed
	// StatusJWKSNotFetched: the JWKS could not be fetched or holds no
	// usable key; it says nothing of the token, and is worth trying again.
	StatusJWKSNotFetched
	// StatusNoJWKSURL: the provider has no jwks_url to check against.
	StatusNoJWKSURL
	// StatusSharedSecret: an HMAC token, signed with a secret tokenscope
	// does not have.
	StatusSharedSecret
	// StatusOpaque: not a JWT, so there is no signature to check.
	StatusOpaque
)

// String returns the status's stable code, for programs (token --json):
// "verified", "mismatch", "jwks_not_fetched", ….
func (s Status) String() string {
	switch s {
	case StatusNone:
		return "none"
	case StatusVerified:
		return "verified"
	case StatusMismatch:
		return "mismatch"
	case StatusNoKey:
		return "no_key"
	case StatusUnsigned:
		return "unsigned"
	case StatusUnsupportedAlg:
		return "unsupported_alg"
	case StatusUnsupportedCrit:
		return "unsupported_crit"
	case StatusMalformed:
		return "malformed"
	case StatusJWKSNotFetched:
		return "jwks_not_fetched"
	case StatusNoJWKSURL:
		return "no_jwks_url"
	case StatusSharedSecret:
		return "shared_secret"
	case StatusOpaque:
		return "opaque"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// Verdict sums s up the way a user reads it: verified, failed or
// unchecked; "" for StatusNone.
func (s Status) Verdict() Verdict {
	switch s {
	case StatusNone:
		return ""
	case StatusVerified:
		return VerdictVerified
	case StatusJWKSNotFetched, StatusNoJWKSURL, StatusSharedSecret, StatusOpaque:
		return VerdictUnchecked
	}
	return VerdictFailed
}

// Verdict is the word a signature check is shown with.
type Verdict string

// The verdicts, as shown and as token --json writes them.
const (
	// VerdictVerified: the signature matches a key of the configured JWKS.
	VerdictVerified Verdict = "verified"
	// VerdictFailed: the token was checked and is not to be trusted: its
	// signature does not match, it is unsigned or malformed, or it must be
	// rejected unread.
	VerdictFailed Verdict = "failed"
	// VerdictUnchecked: there was nothing to check it against (no JWKS URL,
	// a JWKS that could not be fetched, an HMAC secret tokenscope does not
	// have, an opaque token).
	VerdictUnchecked Verdict = "unchecked"
)
