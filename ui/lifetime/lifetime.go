// Package lifetime judges how much of a token's life is left: the one
// definition of healthy, expiring and expired that the provider list, the
// detail pane's progress bar and the auto-refresh share, so the marks, the
// colours and the refreshes always agree.
package lifetime

import "time"

// Level is how healthy a token is at a given moment.
type Level int

// The levels, from no token at all to comfortably valid.
const (
	// None: no token, or no known expiry.
	None Level = iota
	// Healthy: more than ExpiringWithin left.
	Healthy
	// Warning: expiring soon, auto-refresh not yet due.
	Warning
	// Danger: auto-refresh is due (or the token is about to lapse).
	Danger
	// Expired: the expiry has passed.
	Expired
)

// Minimum margins, for short-lived tokens where a fraction of the lifetime
// would leave no time to react.
const (
	// MinRefreshMargin is the least time before expiry at which an
	// auto-refresh starts.
	MinRefreshMargin = 30 * time.Second
	// MinExpiringMargin is the least time before expiry from which a token
	// counts as expiring.
	MinExpiringMargin = 45 * time.Second
)

// Span is a token's validity window.
type Span struct {
	Issued, Expires time.Time
}

// Known reports whether the span has an expiry.
func (s Span) Known() bool { return !s.Expires.IsZero() }

// Lifetime is the whole validity window; zero when it is unknown or when
// the issue time is missing or after the expiry.
func (s Span) Lifetime() time.Duration {
	if !s.Known() || s.Issued.IsZero() || !s.Issued.Before(s.Expires) {
		return 0
	}
	return s.Expires.Sub(s.Issued)
}

// RefreshMargin is how long before expiry an auto-refresh starts: a tenth
// of the lifetime or MinRefreshMargin, whichever is larger. For a token
// that lives barely longer than the minimum, the minimum shrinks to half
// the lifetime, so a fresh token is never due for refresh at once.
func (s Span) RefreshMargin() time.Duration {
	total := s.Lifetime()
	if total <= 0 {
		return MinRefreshMargin
	}
	return max(total/10, min(MinRefreshMargin, total/2))
}

// ExpiringMargin is how long before expiry the token counts as expiring: a
// quarter of the lifetime or MinExpiringMargin (at most two thirds of the
// lifetime), whichever is larger, and never less than the refresh margin.
func (s Span) ExpiringMargin() time.Duration {
	total := s.Lifetime()
	if total <= 0 {
		return max(MinExpiringMargin, s.RefreshMargin())
	}
	return max(total/4, min(MinExpiringMargin, total*2/3), s.RefreshMargin())
}

// RefreshAt is when an auto-refresh becomes due; zero when the expiry is
// unknown.
func (s Span) RefreshAt() time.Time {
	if !s.Known() {
		return time.Time{}
	}
	return s.Expires.Add(-s.RefreshMargin())
}

// Level judges the span at now.
func (s Span) Level(now time.Time) Level {
	if !s.Known() {
		return None
	}
	left := s.Expires.Sub(now)
	switch {
	case left <= 0:
		return Expired
	case left <= s.RefreshMargin():
		return Danger
	case left <= s.ExpiringMargin():
		return Warning
	}
	return Healthy
}

// Fraction is the share of the lifetime left at now, in [0, 1]; 1 when the
// lifetime is unknown but the token has not expired.
func (s Span) Fraction(now time.Time) float64 {
	if !s.Known() {
		return 0
	}
	left := s.Expires.Sub(now)
	if left <= 0 {
		return 0
	}
	total := s.Lifetime()
	if total <= 0 || left >= total {
		return 1
	}
	return float64(left) / float64(total)
}
