package providers

// A token response's extra fields are kept in the store with the token, so
// what one server may add to it is bounded: without a bound, a few 1 MiB
// answers padded with fields would push the vault past the size the store
// reads (store.MaxFileSize, 16 MiB) and lock the user out of every other
// provider. Real responses carry a handful of extra fields (an id_token of a
// few KiB is the largest seen: Azure, Okta, Keycloak send under 20 fields
// and under 16 KiB), so 64 fields and 64 KiB leave ample room for them,
// while 256 providers' worth of maximal extras would still be only a
// quarter of the vault's limit.
const (
	// MaxExtraFields is how many extra fields one token keeps.
	MaxExtraFields = 64
	// MaxExtraBytes is how many bytes of extra fields (keys and values'
	// JSON text) one token keeps.
	MaxExtraBytes = 64 << 10
)

// AddExtra appends f to t.Extra if it fits under MaxExtraFields and
// MaxExtraBytes, else counts it in t.ExtraDropped, and reports whether it
// kept f. A field that does not fit is dropped whole, never cut: a cut
// JSON value would not parse. hint is how many fields may come in all, so
// that Extra is allocated once.
func (t *Token) AddExtra(f Field, hint int) bool {
	size := len(f.Key) + len(f.Value)
	if len(t.Extra) >= MaxExtraFields || t.extraBytes()+size > MaxExtraBytes {
		t.ExtraDropped++
		return false
	}
	if t.Extra == nil {
		t.Extra = make([]Field, 0, min(hint, MaxExtraFields))
	}
	t.Extra = append(t.Extra, f)
	return true
}

// extraBytes is the size keepExtra counts of the extra fields kept.
func (t *Token) extraBytes() int {
	n := 0
	for _, f := range t.Extra {
		n += len(f.Key) + len(f.Value)
	}
	return n
}
