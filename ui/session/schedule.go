package session

import "time"

// Auto-refresh backoff after a failure: doubling from the first delay up
// to the cap.
const (
	BackoffFirst = 5 * time.Second
	BackoffCap   = 5 * time.Minute
)

// Backoff is the wait before auto-refresh attempt n+1 after n failures.
func Backoff(n int) time.Duration {
	d := BackoffFirst
	for i := 1; i < n && d < BackoffCap; i++ {
		d *= 2
	}
	return min(d, BackoffCap)
}

// Due returns the idle entries whose auto-refresh is due at now: shortly
// before expiry (lifetime.Span.RefreshAt), or at the backoff time after a
// failure. held names the providers the user is about to act on (open in
// the form or the confirm dialog), which are left alone: an answer would
// land under the user's hands. A token already expired when the session
// saw it is left to the user unless RenewExpired picked it, and an entry
// without a token has nothing to refresh: both lose their schedule. The
// caller starts what is returned.
func (s *Session) Due(now time.Time, held func(name string) bool) []*Entry {
	var due []*Entry
	for _, e := range s.entries {
		if e.AutoAt.IsZero() || now.Before(e.AutoAt) || e.Busy != OpNone || (held != nil && held(e.Provider.Name)) {
			continue
		}
		if !e.HasToken() || (!e.Token.ExpiresAt.After(now) && e.AutoFails == 0 && !e.renew) {
			e.AutoAt = time.Time{}
			s.changed(e)
			continue
		}
		due = append(due, e)
	}
	return due
}

// RenewExpired schedules, due at now, the auto-refresh of every token
// expired at now, which Due would otherwise leave to the user: the
// explorer renews them on open as the command line's header does (not
// one that only a sign-in replaces: NeedsSignIn). A
// failure backs off as any auto-refresh does. It returns how many it
// scheduled.
func (s *Session) RenewExpired(now time.Time) int {
	n := 0
	for _, e := range s.entries {
		if !Expired(e, now) || e.NeedsSignIn() {
			continue
		}
		e.renew, e.AutoAt = true, now
		s.changed(e)
		n++
	}
	return n
}

// Expired reports whether e holds a token with a known expiry that has
// passed at now.
func Expired(e *Entry, now time.Time) bool {
	return e.HasToken() && !e.Token.ExpiresAt.IsZero() && !e.Token.ExpiresAt.After(now)
}
