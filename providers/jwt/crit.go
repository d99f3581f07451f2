package jwt

import "fmt"

// jwsHeaderParams are the header parameters JWS and JWA define for JWS
// (RFC 7515 section 4.1, RFC 7518 section 3): "crit" must not list them.
func jwsHeaderParams() [11]string {
	return [...]string{"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"}
}

// critProblem says why the header's "crit" (RFC 7515 section 4.1.11)
// makes the token one to reject, or returns "" when there is no "crit" or
// it lists only what tokenscope understands. The only extension it
// understands is "b64" set to true (RFC 7797), which is the plain
// encoding every JWT has; "b64": false is never valid in a JWT.
func critProblem(header map[string]any) string {
	v, ok := header["crit"]
	if !ok {
		return ""
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return `invalid "crit" header: it must be a non-empty list of header parameter names`
	}
	seen := make(map[string]bool, len(list))
	for _, item := range list {
		name, ok := item.(string)
		if !ok || name == "" {
			return `invalid "crit" header: it must be a non-empty list of header parameter names`
		}
		if seen[name] {
			return fmt.Sprintf(`invalid "crit" header: it lists %q twice`, name)
		}
		seen[name] = true
		for _, std := range jwsHeaderParams() {
			if name == std {
				return fmt.Sprintf(`invalid "crit" header: %q is defined by JWS itself and must not be listed`, name)
			}
		}
		if _, ok := header[name]; !ok {
			return fmt.Sprintf(`invalid "crit" header: it lists %q, which the header does not have`, name)
		}
	}
	for _, item := range list {
		if name := item.(string); name != "b64" || header["b64"] != true {
			return fmt.Sprintf("unsupported critical header parameter %q", name)
		}
	}
	return ""
}
