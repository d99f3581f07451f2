// Package order is the one rule by which providers are sorted and
// filtered, in the explorer's list and in tokenscope list: by name, by
// expiry (soonest first) or by status (worst first), and the status
// filters (failing only, expiring or expired only). Each caller says what
// it shows of a provider as a Row; the rule is here alone.
package order

import (
	"cmp"
	"strings"
	"time"
)

// Status is a provider's health as a user triaging reads it, worst first:
// what failed, then what has expired, then what is about to.
type Status int

// The statuses, in the order a status sort puts them.
const (
	Failed Status = iota
	Expired
	Expiring
	NoToken
	Valid
)

// Row is what the rule looks at of one provider.
type Row struct {
	Name   string
	Status Status
	// Expires is the token's expiry; zero without a token or when the
	// server did not state one.
	Expires time.Time
	// Failing is true when the provider's last fetch or refresh failed.
	Failing bool
}

// Sort is an order of the providers.
type Sort int

// The orders. Stored keeps the store's order.
const (
	Stored Sort = iota
	ByName
	ByExpiry
	ByStatus
)

// Sorts are the orders other than Stored, in the order Next cycles them.
func Sorts() []Sort { return []Sort{ByName, ByExpiry, ByStatus} }

// String names the order as the command line and the list's title do;
// Stored is "".
func (s Sort) String() string {
	switch s {
	case ByName:
		return "name"
	case ByExpiry:
		return "expiry"
	case ByStatus:
		return "status"
	}
	return ""
}

// ParseSort is the order named name ("" is Stored); ok is false for a
// name that is no order.
func ParseSort(name string) (s Sort, ok bool) {
	if name == "" {
		return Stored, true
	}
	for _, s := range Sorts() {
		if s.String() == name {
			return s, true
		}
	}
	return Stored, false
}

// Next is the order after s: stored, name, expiry, status, and round.
func (s Sort) Next() Sort { return (s + 1) % (ByStatus + 1) }

// Compare orders a before b (negative), after (positive) or keeps them
// (zero, Stored only: sort stably to keep the store's order).
func (s Sort) Compare(a, b Row) int {
	switch s {
	case ByName:
		return byName(a, b)
	case ByExpiry:
		return byExpiry(a, b)
	case ByStatus:
		if c := cmp.Compare(a.Status, b.Status); c != 0 {
			return c
		}
		return byExpiry(a, b)
	}
	return 0
}

// byName compares names as a person reads a list: case aside, then as
// written, so the order is total.
func byName(a, b Row) int {
	if c := cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
		return c
	}
	return cmp.Compare(a.Name, b.Name)
}

// byExpiry puts the soonest expiry first and rows without one (no token,
// an expiry the server did not state) last.
func byExpiry(a, b Row) int {
	switch az, bz := a.Expires.IsZero(), b.Expires.IsZero(); {
	case az && bz:
		return byName(a, b)
	case az:
		return 1
	case bz:
		return -1
	}
	if c := a.Expires.Compare(b.Expires); c != 0 {
		return c
	}
	return byName(a, b)
}

// Filter is which providers are shown, by status.
type Filter int

// The filters.
const (
	All Filter = iota
	// FailingOnly keeps the providers whose last fetch or refresh failed.
	FailingOnly
	// ExpiringOnly keeps the tokens expiring soon or expired.
	ExpiringOnly
)

// Next is the filter after f: all, failing, expiring, and round.
func (f Filter) Next() Filter { return (f + 1) % (ExpiringOnly + 1) }

// String names the filter as the list's title shows it; All is "".
func (f Filter) String() string {
	switch f {
	case FailingOnly:
		return "failing"
	case ExpiringOnly:
		return "expiring"
	}
	return ""
}

// Keep reports whether f shows r.
func (f Filter) Keep(r Row) bool {
	switch f {
	case FailingOnly:
		return r.Failing
	case ExpiringOnly:
		return r.Status == Expiring || r.Status == Expired
	}
	return true
}
