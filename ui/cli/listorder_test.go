package cli

import (
	"strings"
	"testing"
	"time"
)

func TestOrderRows(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	rows := func() []listRow {
		return []listRow{
			{Name: "b", Status: statusValid, ExpiresAt: at(time.Hour)},
			{Name: "A", Status: statusNoToken},
			{Name: "c", Status: statusExpired, ExpiresAt: at(-time.Minute)},
			{Name: "d", Status: statusFailed, LastError: "fetch token for d: HTTP 401"},
			{Name: "e", Status: statusExpiring, ExpiresAt: at(time.Minute), LastError: "refresh token for e: HTTP 502"},
			{Name: "a", Status: statusValid, ExpiresAt: at(time.Hour)},
		}
	}
	names := func(rs []listRow) string {
		var ns []string
		for _, r := range rs {
			ns = append(ns, r.Name)
		}
		return strings.Join(ns, " ")
	}
	for _, tc := range []struct {
		by      string
		failing bool
		want    string
	}{
		{"", false, "b A c d e a"},
		{"name", false, "A a b c d e"},
		{"expiry", false, "c e a b A d"},
		{"status", false, "d c e A a b"},
		{"", true, "d e"},
		{"expiry", true, "e d"},
	} {
		if got := names(orderRows(rows(), tc.by, tc.failing)); got != tc.want {
			t.Errorf("orderRows(%q, failing %v) = %s, want %s", tc.by, tc.failing, got, tc.want)
		}
	}
}
