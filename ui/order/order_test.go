package order

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSortAndFilter(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	at := func(d time.Duration) time.Time { return now.Add(d) }
	rows := []Row{
		{Name: "b", Status: Valid, Expires: at(time.Hour)},
		{Name: "A", Status: NoToken},
		{Name: "c", Status: Expired, Expires: at(-time.Minute)},
		{Name: "d", Status: Failed, Failing: true},
		{Name: "e", Status: Expiring, Expires: at(time.Minute), Failing: true},
		{Name: "a", Status: Valid, Expires: at(time.Hour)},
	}
	for _, tc := range []struct {
		by   Sort
		f    Filter
		want string
	}{
		{Stored, All, "b A c d e a"},
		{ByName, All, "A a b c d e"},
		{ByExpiry, All, "c e a b A d"},
		{ByStatus, All, "d c e A a b"},
		{Stored, FailingOnly, "d e"},
		{ByExpiry, FailingOnly, "e d"},
		{ByName, ExpiringOnly, "c e"},
	} {
		var kept []Row
		for _, r := range rows {
			if tc.f.Keep(r) {
				kept = append(kept, r)
			}
		}
		slices.SortStableFunc(kept, tc.by.Compare)
		var names []string
		for _, r := range kept {
			names = append(names, r.Name)
		}
		if got := strings.Join(names, " "); got != tc.want {
			t.Errorf("sort %q, filter %q: %s, want %s", tc.by, tc.f, got, tc.want)
		}
	}
}

func TestCycles(t *testing.T) {
	t.Parallel()
	var s Sort
	var got []string
	for range 5 {
		s = s.Next()
		got = append(got, s.String())
	}
	if want := "name expiry status  name"; strings.Join(got, " ") != want {
		t.Errorf("sort cycle %q, want %q", strings.Join(got, " "), want)
	}
	var f Filter
	got = got[:0]
	for range 4 {
		f = f.Next()
		got = append(got, f.String())
	}
	if want := "failing expiring  failing"; strings.Join(got, " ") != want {
		t.Errorf("filter cycle %q, want %q", strings.Join(got, " "), want)
	}
	for _, s := range append(Sorts(), Stored) {
		if p, ok := ParseSort(s.String()); !ok || p != s {
			t.Errorf("ParseSort(%q) = %v, %v", s, p, ok)
		}
	}
	if _, ok := ParseSort("expires"); ok {
		t.Error("ParseSort(expires) took a name that is no order")
	}
}
