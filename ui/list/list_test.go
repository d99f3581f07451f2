package list

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/ui/lifetime"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func keyMsg(s string) tea.KeyMsg {
	switch s {
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func send(m Model, keys ...string) Model {
	for _, k := range keys {
		m, _ = m.Update(keyMsg(k))
	}
	return m
}

func tok(issued, expires time.Duration) lifetime.Span {
	return lifetime.Span{Issued: now.Add(issued), Expires: now.Add(expires)}
}

func sample() []Item {
	return []Item{
		{Name: "mtn-sandbox", Preset: "mtn", HasToken: true, Span: tok(-10*time.Minute, 50*time.Minute)},
		{Name: "momo", Preset: "momo", HasToken: true, Span: tok(-80*time.Second, 10*time.Second)},
		{Name: "telenor", Preset: "telenor", HasToken: true, Span: tok(-2*time.Hour, -time.Hour)},
		{Name: "oauth2-local", Preset: "oauth2"},
		{Name: "mobifinance", Preset: "mobifinance", Busy: "fetching"},
		{Name: "broken", Preset: "oauth2", Failed: true},
		{Name: "insecure-dev", Preset: "oauth2", Insecure: true, HasToken: true},
	}
}

func newList(w, h int) Model {
	m := New(nil)
	m.SetSize(w, h)
	m.SetNow(now)
	m.SetItems(sample())
	return m
}

func lines(m Model) []string { return strings.Split(ansi.Strip(m.View()), "\n") }

func TestViewShowsMarksAndCountdowns(t *testing.T) {
	t.Parallel()
	m := newList(60, 10)
	got := ansi.Strip(m.View())
	rows := strings.Split(got, "\n")
	if len(rows) != 10 {
		t.Fatalf("View has %d lines, want the height 10:\n%s", len(rows), got)
	}
	for i, r := range rows {
		if w := ansi.StringWidth(r); w != 60 {
			t.Errorf("line %d is %d cells wide, want exactly 60: %q", i, w, r)
		}
	}
	for _, w := range []struct {
		row int
		has []string
	}{
		{1, []string{"▸ ●", "mtn-sandbox", "mtn", "50m"}},
		{2, []string{"◐", "momo", "10s"}},
		{3, []string{"○", "telenor", "expired"}},
		{4, []string{"·", "oauth2-local", "no token"}},
		{5, []string{"mobifinance", "fetching"}},
		{6, []string{"✗", "broken", "failed"}},
		{7, []string{"●", "insecure-dev", "⚠", "no expiry"}},
	} {
		for _, s := range w.has {
			if !strings.Contains(rows[w.row], s) {
				t.Errorf("row %d %q lacks %q", w.row, rows[w.row], s)
			}
		}
	}
	if !strings.HasPrefix(rows[0], "Providers") || !strings.HasSuffix(rows[0], "7") {
		t.Errorf("title line %q", rows[0])
	}
}

func TestCountdownMovesWithTheClock(t *testing.T) {
	t.Parallel()
	m := newList(60, 10)
	m.SetNow(now.Add(5 * time.Second))
	if row := lines(m)[2]; !strings.Contains(row, "  5s") {
		t.Errorf("momo after 5s: %q, want 5s left", row)
	}
	m.SetNow(now.Add(11 * time.Second))
	if row := lines(m)[2]; !strings.Contains(row, "○") || !strings.Contains(row, "expired") {
		t.Errorf("momo after 11s: %q, want expired", row)
	}
}

func TestBusyRowShowsSpinnerFrame(t *testing.T) {
	t.Parallel()
	m := newList(60, 10)
	m.SetSpinnerFrame("⠋")
	if row := lines(m)[5]; !strings.Contains(row, "⠋ mobifinance") {
		t.Errorf("busy row %q lacks the spinner frame", row)
	}
}

func TestNarrowDropsPresetColumn(t *testing.T) {
	t.Parallel()
	m := newList(30, 10)
	for i, r := range lines(m) {
		if w := ansi.StringWidth(r); w != 30 {
			t.Errorf("line %d is %d wide, want 30: %q", i, w, r)
		}
	}
	if row := lines(m)[1]; strings.Contains(row, "mtn ") && strings.Count(row, "mtn") > 1 {
		t.Errorf("narrow row still shows the preset: %q", row)
	}
}

func TestNavigation(t *testing.T) {
	t.Parallel()
	m := newList(60, 5) // 4 rows visible
	m = send(m, "down", "down")
	if it, _ := m.Selected(); it.Name != "telenor" {
		t.Fatalf("after two downs selected %q, want telenor", it.Name)
	}
	m = send(m, "G")
	if it, _ := m.Selected(); it.Name != "insecure-dev" {
		t.Fatalf("after G selected %q", it.Name)
	}
	got := lines(m)
	if !strings.Contains(got[len(got)-1], "▸") || !strings.Contains(got[len(got)-1], "insecure-dev") {
		t.Errorf("the last row is not shown selected after G:\n%s", strings.Join(got, "\n"))
	}
	if strings.Contains(strings.Join(got, "\n"), "mtn-sandbox") {
		t.Error("the first row is still on screen after scrolling to the end")
	}
	m = send(m, "g", "up")
	if it, _ := m.Selected(); it.Name != "mtn-sandbox" {
		t.Errorf("after g and up selected %q", it.Name)
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	m := newList(60, 10)
	m = send(m, "/")
	if m.FilterState() != Filtering {
		t.Fatal("/ did not start filtering")
	}
	if m.KeyMap.CursorDown.Enabled() || !m.KeyMap.CancelWhileFiltering.Enabled() {
		t.Error("bindings while filtering: cursor keys must be off, cancel on")
	}
	m = send(m, "o", "a", "u")
	if m.Len() != 3 { // oauth2-local, broken (oauth2), insecure-dev (oauth2)
		t.Fatalf("filter %q shows %d rows, want 3", m.FilterValue(), m.Len())
	}
	if l := lines(m)[0]; !strings.Contains(l, "/ oau") || !strings.Contains(l, "3 of 7") {
		t.Errorf("title while filtering %q", l)
	}
	m = send(m, "enter")
	if m.FilterState() != FilterApplied {
		t.Fatal("enter did not apply the filter")
	}
	m = send(m, "down")
	if it, _ := m.Selected(); it.Name != "broken" {
		t.Errorf("down in the filtered list selected %q, want broken", it.Name)
	}
	m = send(m, "esc")
	if m.FilterState() != Unfiltered || m.Len() != 7 {
		t.Fatalf("esc left state %d with %d rows", m.FilterState(), m.Len())
	}
	if it, _ := m.Selected(); it.Name != "broken" {
		t.Errorf("clearing the filter lost the selection: %q", it.Name)
	}
}

func TestFilterNoMatch(t *testing.T) {
	t.Parallel()
	m := send(newList(60, 10), "/", "z", "z", "z")
	if _, ok := m.Selected(); ok {
		t.Error("a filter matching nothing still has a selection")
	}
	if !strings.Contains(ansi.Strip(m.View()), "no provider matches the filter") {
		t.Error("no message for an empty filter result")
	}
}

func TestSetItemKeepsSelectionAndUpdatesRow(t *testing.T) {
	t.Parallel()
	m := send(newList(60, 10), "down")
	if !m.SetItem(Item{Name: "momo", Preset: "momo", Busy: "refreshing"}) {
		t.Fatal("SetItem of a known name failed")
	}
	if m.SetItem(Item{Name: "nobody"}) {
		t.Error("SetItem of an unknown name succeeded")
	}
	if row := lines(m)[2]; !strings.Contains(row, "refreshing") {
		t.Errorf("row after SetItem: %q", row)
	}
	if it, _ := m.Selected(); it.Name != "momo" || it.Busy != "refreshing" {
		t.Errorf("selected %+v", it)
	}
}

func TestSetItemsKeepsSelection(t *testing.T) {
	t.Parallel()
	m := send(newList(60, 10), "down", "down")
	items := sample()
	items = append(items[:1:1], items[2:]...) // momo goes
	m.SetItems(items)
	if it, _ := m.Selected(); it.Name != "telenor" {
		t.Errorf("selection after SetItems: %q, want telenor", it.Name)
	}
}

func TestEmptyList(t *testing.T) {
	t.Parallel()
	m := New(nil)
	m.SetSize(40, 4)
	if _, ok := m.Selected(); ok {
		t.Error("an empty list has a selection")
	}
	if !strings.Contains(ansi.Strip(m.View()), "no providers yet") {
		t.Error("empty list says nothing")
	}
	if m.KeyMap.Filter.Enabled() || m.KeyMap.CursorDown.Enabled() {
		t.Error("filter or cursor bindings enabled on an empty list")
	}
}

func TestPagingBindingsOnlyWhenPaged(t *testing.T) {
	t.Parallel()
	m := newList(60, 20)
	if m.KeyMap.NextPage.Enabled() {
		t.Error("page down enabled while every row fits")
	}
	var many []Item
	for i := range 50 {
		many = append(many, Item{Name: fmt.Sprintf("p%02d", i), Preset: "oauth2"})
	}
	m.SetItems(many)
	if !m.KeyMap.NextPage.Enabled() {
		t.Error("page down disabled with 50 rows in 19")
	}
	m = send(m, "pgdown")
	if it, _ := m.Selected(); it.Name != "p18" {
		t.Errorf("after page down selected %q, want p18", it.Name)
	}
}

func TestUnfocusedIgnoresKeys(t *testing.T) {
	t.Parallel()
	m := newList(60, 10)
	m.SetFocused(false)
	m = send(m, "down", "/")
	if it, _ := m.Selected(); it.Name != "mtn-sandbox" || m.FilterState() != Unfiltered {
		t.Errorf("an unfocused list moved or filtered")
	}
	if m.KeyMap.CursorDown.Enabled() {
		t.Error("cursor bindings enabled while unfocused")
	}
}

// TestPagingKeysFollowTheSize: the items may arrive before the size; the
// page keys, and so the help, follow the size that came last.
func TestPagingKeysFollowTheSize(t *testing.T) {
	t.Parallel()
	m := newList(60, 2) // one row: paged
	m.SetFocused(true)
	if !m.KeyMap.NextPage.Enabled() {
		t.Fatal("one row for several items: page down is off")
	}
	m.SetSize(60, 40)
	if m.KeyMap.NextPage.Enabled() || m.KeyMap.PrevPage.Enabled() {
		t.Error("every item fits, yet page up and down are still on")
	}
}

// TestTitleSaysWhatIsOffScreen: when the rows do not all fit, the title
// line counts those above and below the ones on screen.
func TestTitleSaysWhatIsOffScreen(t *testing.T) {
	t.Parallel()
	m := newList(60, 4) // the title and three rows of seven
	title := func() string { return strings.TrimSpace(strings.Split(ansi.Strip(m.View()), "\n")[0]) }
	if got := title(); !strings.HasSuffix(got, "↓4 · 7") || strings.Contains(got, "↑") {
		t.Errorf("at the top: %q, want ↓4 · 7", got)
	}
	m = send(m, "down", "down", "down", "down")
	if got := title(); !strings.HasSuffix(got, "↑2 ↓2 · 7") {
		t.Errorf("in the middle: %q, want ↑2 ↓2 · 7", got)
	}
	m = send(m, "G")
	if got := title(); !strings.HasSuffix(got, "↑4 · 7") {
		t.Errorf("at the end: %q, want ↑4 · 7", got)
	}
	if got := strings.TrimSpace(strings.Split(ansi.Strip(newList(60, 10).View()), "\n")[0]); strings.ContainsAny(got, "↑↓") {
		t.Errorf("every row fits, yet the title says more: %q", got)
	}
}

// names are the names on screen, top to bottom.
func names(m Model) string {
	var ns []string
	for _, l := range lines(m)[1:] {
		if f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "▸")); len(f) > 1 {
			ns = append(ns, f[1])
		}
	}
	return strings.Join(ns, " ")
}

func TestSortCyclesAndKeepsTheSelection(t *testing.T) {
	t.Parallel()
	m := newList(70, 12)
	m = send(m, "j", "j") // telenor
	for _, step := range []struct{ title, order string }{
		{"Providers by name", "broken insecure-dev mobifinance momo mtn-sandbox oauth2-local telenor"},
		{"Providers by expiry", "telenor momo mtn-sandbox broken insecure-dev mobifinance oauth2-local"},
		{"Providers by status", "broken telenor momo mobifinance oauth2-local mtn-sandbox insecure-dev"},
		{"Providers ", "mtn-sandbox momo telenor oauth2-local mobifinance broken insecure-dev"},
	} {
		m = send(m, "s")
		if title := lines(m)[0]; !strings.HasPrefix(title, step.title) {
			t.Errorf("title %q, want it to start %q", title, step.title)
		}
		if got := names(m); got != step.order {
			t.Errorf("after s (%s): rows %s, want %s", step.title, got, step.order)
		}
		if it, _ := m.Selected(); it.Name != "telenor" {
			t.Errorf("after s (%s): selected %q, want telenor still", step.title, it.Name)
		}
	}
}

func TestStatusFilter(t *testing.T) {
	t.Parallel()
	m := newList(70, 12)
	m = send(m, "F")
	if title := lines(m)[0]; !strings.Contains(title, "failing only") || !strings.Contains(title, "1 of 7") {
		t.Errorf("title %q, want failing only and 1 of 7", title)
	}
	if got := names(m); got != "broken" {
		t.Errorf("failing only: %s, want broken", got)
	}
	m = send(m, "F")
	if got := names(m); got != "momo telenor" {
		t.Errorf("expiring only: %s, want momo telenor", got)
	}
	// Time moves: mtn-sandbox becomes expiring and joins the rows.
	m.SetNow(now.Add(45 * time.Minute))
	if got := names(m); got != "mtn-sandbox momo telenor" {
		t.Errorf("expiring only, 45 minutes on: %s, want mtn-sandbox momo telenor", got)
	}
	m = send(m, "F")
	if got := names(m); got != "mtn-sandbox momo telenor oauth2-local mobifinance broken insecure-dev" {
		t.Errorf("all again: %s", got)
	}
	// A changed row moves when the order depends on it.
	m = send(m, "s", "s") // by expiry
	m.SetItem(Item{Name: "oauth2-local", Preset: "oauth2", HasToken: true, Span: tok(0, time.Second)})
	if got := names(m); !strings.HasPrefix(got, "telenor oauth2-local ") {
		t.Errorf("by expiry after a fetch: %s, want oauth2-local second", got)
	}
}

func TestOrderKeysWorkUnfocused(t *testing.T) {
	t.Parallel()
	m := newList(70, 12)
	m.SetFocused(false)
	m = send(m, "s", "j")
	if s, _ := m.Order(); s.String() != "name" {
		t.Errorf("s unfocused: sort %q, want name", s)
	}
	if it, _ := m.Selected(); it.Name != "mtn-sandbox" {
		t.Errorf("j moved the unfocused list to %q", it.Name)
	}
}

func TestMouseClicksARowAndWheelMoves(t *testing.T) {
	t.Parallel()
	m := newList(60, 4) // the title and three rows: the list scrolls
	press := func(b tea.MouseButton, y int) {
		m, _ = m.Update(tea.MouseMsg{X: 5, Y: y, Action: tea.MouseActionPress, Button: b})
	}
	press(tea.MouseButtonWheelDown, 2)
	press(tea.MouseButtonWheelDown, 2)
	press(tea.MouseButtonWheelDown, 2) // telenor, oauth2-local: the rows scroll by one
	if it, _ := m.Selected(); it.Name != "oauth2-local" {
		t.Fatalf("three turns of the wheel down: %q, want oauth2-local", it.Name)
	}
	press(tea.MouseButtonLeft, 1) // the first row on screen, momo
	if it, _ := m.Selected(); it.Name != "momo" {
		t.Errorf("a click on the first row shown: %q, want momo\n%s", it.Name, strings.Join(lines(m), "\n"))
	}
	press(tea.MouseButtonLeft, 0) // the title: nothing
	press(tea.MouseButtonLeft, 9) // below the rows: nothing
	if it, _ := m.Selected(); it.Name != "momo" {
		t.Errorf("clicks off the rows moved the cursor to %q", it.Name)
	}
	m, _ = m.Update(tea.MouseMsg{X: 5, Y: 3, Action: tea.MouseActionRelease, Button: tea.MouseButtonLeft})
	if it, _ := m.Selected(); it.Name != "momo" {
		t.Errorf("a release selected %q", it.Name)
	}
}
