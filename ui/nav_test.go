package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
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
const finalWait = rigWait

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
	m := r.finalModel(t)
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
	r.waitFor(t, fmt.Sprintf("1 of %d", len(r.srv.Providers())))
	m := r.finalModel(t)
	if m.focus != focusList || m.list.FilterValue() != "tele" {
		t.Errorf("after tab / tele: focus %d, filter %q; want the list and tele", m.focus, m.list.FilterValue())
	}
	if e := m.selectedEntry(); e == nil || e.Provider.Name != "telenor-order" {
		t.Errorf("the filter selected %v, want telenor-order", e)
	}
}

// cellOf is where text first appears in a frame, in screen cells; ok is
// false when it does not. after skips lines above it.
func cellOf(view, text string, after int) (x, y int, ok bool) {
	for i, l := range strings.Split(ansi.Strip(view), "\n") {
		if i < after {
			continue
		}
		if j := strings.Index(l, text); j >= 0 {
			return ansi.StringWidth(l[:j]), i, true
		}
	}
	return 0, 0, false
}

func click(x, y int) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}
}

func wheel(x, y int, down bool) tea.MouseMsg {
	b := tea.MouseButtonWheelUp
	if down {
		b = tea.MouseButtonWheelDown
	}
	return tea.MouseMsg{X: x, Y: y, Action: tea.MouseActionPress, Button: b}
}

// TestMouseSelectsFocusesAndScrolls: at both layouts, a click on a row
// selects it, a click on the detail pane focuses it, the wheel scrolls the
// detail pane under the pointer and moves through the list under it. The
// places are read from a frame the explorer drew, then clicked in a second
// run of the same explorer. Both layouts are short enough for
// mtn-sandbox's detail to scroll.
func TestMouseSelectsFocusesAndScrolls(t *testing.T) {
	t.Parallel()
	for _, sz := range []struct{ w, h int }{{80, 24}, {110, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			t.Parallel()
			mouseRun(t, sz.w, sz.h)
		})
	}
}

func mouseRun(t *testing.T, w, h int) {
	{
		first := startRig(t, w, h, "", allTokens[:4]...)
		first.waitFor(t, "no token")
		if err := first.tm.Quit(); err != nil {
			t.Fatal(err)
		}
		view := first.tm.FinalModel(t, teatest.WithFinalTimeout(finalWait)).View()
		rx, ry, ok := cellOf(view, "telenor-order", 0)
		if !ok {
			t.Fatalf("no telenor-order row in\n%s", view)
		}
		mx, my, _ := cellOf(view, "● mtn-sandbox", 0) // its row, not the detail's title
		// The detail pane: its "Token" label, under the list when stacked.
		dx, dy, ok := cellOf(view, "Token ", 0)
		if !ok {
			t.Fatalf("no detail pane in\n%s", view)
		}

		r := startRig(t, w, h, "", allTokens[:4]...)
		r.waitFor(t, "no token")
		r.tm.Send(click(rx+2, ry))
		r.waitFor(t, "telenor-order   telenor") // the detail pane's title
		r.tm.Send(click(mx, my))
		r.tm.Send(click(dx, dy))
		r.waitFor(t, "tab list")
		r.tm.Send(wheel(dx, dy, true))
		r.tm.Send(wheel(dx, dy, true))
		r.waitFor(t, "↑ 6 more")
		r.tm.Send(wheel(rx, ry, true)) // over the list: one row down
		m := r.finalModel(t)
		if e := m.selectedEntry(); e == nil || e.Provider.Name != "momo-collection" {
			t.Errorf("clicks on telenor-order, mtn-sandbox, then the wheel down over the list: selected %v, want momo-collection", e)
		}
		if m.focus != focusDetail {
			t.Errorf("the click on the detail pane left the focus on %d", m.focus)
		}
	}
}
