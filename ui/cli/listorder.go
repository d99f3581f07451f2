package cli

import (
	"cmp"
	"slices"
	"strings"

	"github.com/tokenscope/tokenscope/providers/config"
)

// listSorts are the orders list --sort knows; "" keeps the store's order.
func listSorts() []string { return []string{"name", "expiry", "status"} }

// checkListSort refuses an order list does not know, with a "did you mean".
func checkListSort(cmd, by string) error {
	if by == "" || slices.Contains(listSorts(), by) {
		return nil
	}
	hint := config.DidYouMean(config.Suggest(by, listSorts()))
	if hint == "" {
		hint = "sort by " + strings.Join(listSorts(), ", ")
	}
	return &usageError{cmd: cmd, msg: "list: --sort " + quote(by) + " is not an order (name, expiry or status)", hint: hint}
}

// statusRank orders statuses worst first, as a user triaging reads them:
// what failed, then what has expired, then what is about to.
func statusRank(s string) int {
	switch s {
	case statusFailed:
		return 0
	case statusExpired:
		return 1
	case statusExpiring:
		return 2
	case statusNoToken:
		return 3
	}
	return 4
}

// byName compares names as a person reads a list: case aside, then as
// written, so the order is total.
func byName(a, b listRow) int {
	if c := cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
		return c
	}
	return cmp.Compare(a.Name, b.Name)
}

// byExpiry puts the soonest expiry first and rows without one (no token,
// an expiry the server did not state) last.
func byExpiry(a, b listRow) int {
	switch {
	case a.ExpiresAt == nil && b.ExpiresAt == nil:
		return byName(a, b)
	case a.ExpiresAt == nil:
		return 1
	case b.ExpiresAt == nil:
		return -1
	}
	if c := a.ExpiresAt.Compare(*b.ExpiresAt); c != 0 {
		return c
	}
	return byName(a, b)
}

// orderRows filters rows (failing: only those whose last fetch or refresh
// failed) and sorts them by the --sort order.
func orderRows(rows []listRow, by string, failing bool) []listRow {
	if failing {
		rows = slices.DeleteFunc(rows, func(r listRow) bool { return r.LastError == "" })
	}
	switch by {
	case "name":
		slices.SortStableFunc(rows, byName)
	case "expiry":
		slices.SortStableFunc(rows, byExpiry)
	case "status":
		slices.SortStableFunc(rows, func(a, b listRow) int {
			if c := cmp.Compare(statusRank(a.Status), statusRank(b.Status)); c != 0 {
				return c
			}
			return byExpiry(a, b)
		})
	}
	return rows
}
