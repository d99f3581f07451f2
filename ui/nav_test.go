package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
)

// listNames are the provider names of the list pane in a frame's text, top
// to bottom.
func listNames(view string, all []string) []string {
	var got []string
	for _, l := range strings.Split(ansi.Strip(view), "\n") {
		l, _, _ = strings.Cut(l, "││") // the list pane's part of the line
		for _, n := range all {
			if strings.Contains(l, " "+n+" ") {
				got = append(got, n)
				break
			}
		}
	}
	return got
}

// finalWait bounds the wait for a program's last frame.
const finalWait = 10 * time.Second

var demoNames = append(append([]string{}, allTokens...), "broken-gateway")

// TestSortAndStatusFilterInTheList: s cycles the list's order and F its
// status filter, the title says which, and the selection stays on its
// provider through every change of order.
func TestSortAndStatusFilterInTheList(t *testing.T) {
	t.Parallel()
	r := startRig(t, 120, 40, "", allTokens[:4]...)
	r.waitFor(t, "no token")
	r.keys("j", "s", "s") // momo-collection, then by name, then by expiry
	r.waitFor(t, "Providers by expiry")
	r.keys("F")
	r.waitFor(t, "failing only", "no provider is failing")
	r.keys("F")
	r.waitFor(t, "expiring only", "no token is expiring or expired")
	r.keys("F")
	tm := r.tm
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := tm.FinalModel(t, teatest.WithFinalTimeout(finalWait)).(Model)
	got := strings.Join(listNames(m.View(), demoNames), " ")
	want := "mobifinance telenor-order mtn-sandbox momo-collection broken-gateway mobiledigital-sms oauth2-local"
	if got != want {
		t.Errorf("by expiry the list reads\n%s\nwant\n%s\n%s", got, want, ansi.Strip(m.View()))
	}
	if e := m.selectedEntry(); e == nil || e.Provider.Name != "momo-collection" {
		t.Errorf("the selection left momo-collection for %v", e)
	}
	if !strings.Contains(ansi.Strip(m.View()), "▸ ● momo-collection") {
		t.Errorf("the cursor is not on momo-collection:\n%s", ansi.Strip(m.View()))
	}
}

// TestSlashFiltersFromTheDetailPane: / in the detail pane gives the list
// the keyboard and starts the filter.
func TestSlashFiltersFromTheDetailPane(t *testing.T) {
	t.Parallel()
	r := startRig(t, 120, 40, "", "mtn-sandbox")
	r.keys("tab")
	r.waitFor(t, "tab list")
	r.keys("/")
	r.tm.Type("tele")
	r.waitFor(t, "1 of 7")
	if err := r.tm.Quit(); err != nil {
		t.Fatal(err)
	}
	m := r.tm.FinalModel(t, teatest.WithFinalTimeout(finalWait)).(Model)
	if m.focus != focusList || m.list.FilterValue() != "tele" {
		t.Errorf("after tab / tele: focus %d, filter %q; want the list and tele", m.focus, m.list.FilterValue())
	}
	if e := m.selectedEntry(); e == nil || e.Provider.Name != "telenor-order" {
		t.Errorf("the filter selected %v, want telenor-order", e)
	}
}
