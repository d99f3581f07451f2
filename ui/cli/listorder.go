package cli

import (
	"slices"
	"strings"

	"github.com/tokenscope/tokenscope/providers/config"
	"github.com/tokenscope/tokenscope/ui/order"
)

// listSorts are the orders list --sort knows; "" keeps the store's order.
func listSorts() []string {
	var ns []string
	for _, s := range order.Sorts() {
		ns = append(ns, s.String())
	}
	return ns
}

// checkListSort refuses an order list does not know, with a "did you mean".
func checkListSort(cmd, by string) error {
	if _, ok := order.ParseSort(by); ok {
		return nil
	}
	hint := config.DidYouMean(config.Suggest(by, listSorts()))
	if hint == "" {
		hint = "sort by " + strings.Join(listSorts(), ", ")
	}
	return &usageError{cmd: cmd, msg: "list: --sort " + quote(by) + " is not an order (name, expiry or status)", hint: hint}
}

// orderStatus is a status of list as the ordering rule ranks it.
func orderStatus(s string) order.Status {
	switch s {
	case statusFailed:
		return order.Failed
	case statusExpired:
		return order.Expired
	case statusExpiring:
		return order.Expiring
	case statusNoToken:
		return order.NoToken
	}
	return order.Valid
}

// orderRow is what the ordering rule looks at of r.
func orderRow(r listRow) order.Row {
	o := order.Row{Name: r.Name, Status: orderStatus(r.Status), Failing: r.LastError != ""}
	if r.ExpiresAt != nil {
		o.Expires = *r.ExpiresAt
	}
	return o
}

// orderRows filters rows (failing: only those whose last fetch or refresh
// failed) and sorts them by the --sort order, by the rule the explorer's
// list follows too.
func orderRows(rows []listRow, by string, failing bool) []listRow {
	f := order.All
	if failing {
		f = order.FailingOnly
	}
	rows = slices.DeleteFunc(rows, func(r listRow) bool { return !f.Keep(orderRow(r)) })
	s, _ := order.ParseSort(by)
	slices.SortStableFunc(rows, func(a, b listRow) int { return s.Compare(orderRow(a), orderRow(b)) })
	return rows
}
