// Package list is the explorer's provider list: one row per provider with
// a status mark and a live countdown, a cursor, and a `/` filter. It keeps
// the filtered index cached, so a frame renders only the rows on screen
// whatever the number of providers.
package list

import (
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/ui/order"
)

// FilterState says whether a filter is being typed or applied.
type FilterState int

// The filter states.
const (
	Unfiltered FilterState = iota
	Filtering
	FilterApplied
)

// Model is the provider list.
type Model struct {
	KeyMap KeyMap
	// Styles points at the list's looks, shared, never copied per frame;
	// paints are the row styles reduced to escape sequences.
	Styles *Styles
	paints *paints
	onRow  *paints // the selected row's

	items  []Item
	lower  []string       // lowercased "name preset", for filtering
	index  map[string]int // name to position in items
	widths []int          // cell width of each name
	// visible is the filtered index: positions in items, in order.
	visible []int
	cursor  int // position in visible
	offset  int // first row of visible on screen

	nameWidth, presetWidth int

	// filter is held by pointer: the model is copied on every message and
	// the text input is most of its size.
	filter      *textinput.Model
	filterState FilterState

	// sortBy and show are the order and the status filter, by the rule the
	// command line's list follows (ui/order); ranks, by item, are what the
	// rule looks at, rebuilt with the visible rows.
	sortBy order.Sort
	show   order.Filter
	ranks  []order.Row
	// sticky is the provider selected before a status filter hid it: the
	// cursor goes back to it when it is shown again, unless it moved.
	sticky string

	width, height int
	now           time.Time
	frame         string // spinner frame for busy rows
	focused       bool
}

// New returns an empty list drawn with styles (nil: plain text).
func New(styles *Styles) Model {
	if styles == nil {
		styles = &Styles{}
	}
	ti := textinput.New()
	ti.Prompt = "/ "
	ti.Placeholder = "name or preset"
	ti.CharLimit = 64
	ti.Cursor.SetMode(cursor.CursorStatic)
	m := Model{KeyMap: DefaultKeyMap(), Styles: styles, filter: &ti, index: map[string]int{}, focused: true}
	m.applyStyles()
	m.updateKeybindings()
	return m
}

// SetStyles replaces the styles (on a theme change).
func (m *Model) SetStyles(s *Styles) {
	m.Styles = s
	m.applyStyles()
}

func (m *Model) applyStyles() {
	m.paints = newPaints(m.Styles, lipgloss.Style{})
	m.onRow = newPaints(m.Styles, m.Styles.Row)
	m.filter.PromptStyle = m.Styles.FilterPrompt
	m.filter.TextStyle = m.Styles.FilterText
	m.filter.PlaceholderStyle = m.Styles.Muted
}

// SetSize sets the list's width and height in cells.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.filter.Width = max(w-16, 1) // room for the prompt and "1000 of 1000"
	m.clampOffset()
	m.updateKeybindings() // paging depends on the height: help must not lie
}

// SetNow sets the time the countdowns count from. A status order or
// filter depends on the time (a token becomes expiring): the rows are
// ordered again, the selection kept on its provider.
func (m *Model) SetNow(now time.Time) {
	m.now = now
	if m.sortBy == order.ByStatus || m.show != order.All {
		m.reorder()
	}
}

// Order is the rows' order and status filter.
func (m Model) Order() (order.Sort, order.Filter) { return m.sortBy, m.show }

// SetOrder orders and filters the rows by s and f, the selection kept on
// its provider while it is shown.
func (m *Model) SetOrder(s order.Sort, f order.Filter) {
	m.sortBy, m.show = s, f
	m.reorder()
	m.updateKeybindings()
}

// ordered reports whether the rows are in another order than the store's
// or filtered by status.
func (m *Model) ordered() bool { return m.sortBy != order.Stored || m.show != order.All }

// reorder rebuilds the visible rows, keeping the selection on its
// provider, or coming back to it when a filter showed it again.
func (m *Model) reorder() {
	if sel, ok := m.Selected(); ok && m.sticky == "" {
		m.sticky = sel.Name
	}
	m.refilter()
	m.Select(m.sticky)
}

// SetSpinnerFrame sets the frame busy rows show.
func (m *Model) SetSpinnerFrame(f string) { m.frame = f }

// SetFocused says whether the list has the keyboard.
func (m *Model) SetFocused(f bool) {
	m.focused = f
	m.updateKeybindings()
}

// SetItems replaces every row, keeping the selection on the same provider
// when it is still there.
func (m *Model) SetItems(items []Item) {
	sel, hadSel := m.Selected()
	m.items = items
	m.lower = make([]string, len(items))
	m.index = make(map[string]int, len(items))
	m.widths = make([]int, len(items))
	m.nameWidth, m.presetWidth = 0, 0
	for i := range items {
		m.lower[i] = strings.ToLower(items[i].Name + " " + items[i].Preset)
		m.index[items[i].Name] = i
		m.widths[i] = cells(display.Text(items[i].Name))
		m.nameWidth = max(m.nameWidth, m.widths[i])
		m.presetWidth = max(m.presetWidth, cells(display.Text(items[i].Preset)))
	}
	m.refilter()
	if hadSel {
		m.Select(sel.Name)
	}
	m.updateKeybindings()
}

// SetItem replaces the row of the provider it names; it reports false
// when there is no such row.
func (m *Model) SetItem(it Item) bool {
	i, ok := m.index[it.Name]
	if !ok {
		return false
	}
	old := m.items[i]
	m.items[i] = it
	// The row moves when what orders or filters it changed.
	again := m.ordered() && old.orderRow(m.now) != it.orderRow(m.now)
	if old.Preset != it.Preset {
		m.lower[i] = strings.ToLower(it.Name + " " + it.Preset)
		m.presetWidth = max(m.presetWidth, cells(display.Text(it.Preset)))
		again = again || m.filterState != Unfiltered
	}
	if again {
		m.reorder()
	}
	return true
}

// Items returns the rows, unfiltered. The caller must not change them.
func (m Model) Items() []Item { return m.items }

// Len is the number of rows shown (after the filter).
func (m Model) Len() int { return len(m.visible) }

// Selected returns the selected row; ok is false when no row is shown.
func (m Model) Selected() (it Item, ok bool) {
	if m.cursor < 0 || m.cursor >= len(m.visible) {
		return Item{}, false
	}
	return m.items[m.visible[m.cursor]], true
}

// Select moves the cursor to the named provider if it is shown.
func (m *Model) Select(name string) bool {
	i, ok := m.index[name]
	if !ok {
		return false
	}
	for p, v := range m.visible {
		if v == i {
			m.cursor, m.sticky = p, ""
			m.clampOffset()
			return true
		}
	}
	return false
}

// FilterState reports the filter's state; while Filtering the list wants
// every key.
func (m Model) FilterState() FilterState { return m.filterState }

// FilterValue is the filter text.
func (m Model) FilterValue() string { return m.filter.Value() }

// Update handles keys when focused, and the mouse: the root hands it a
// tea.MouseMsg in the list's own cells (0, 0 is the title line's first).
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if mm, ok := msg.(tea.MouseMsg); ok {
		m.mouse(mm)
		return m, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	var cmd tea.Cmd
	if m.filterState == Filtering {
		cmd = m.updateFiltering(km)
	} else if m.focused {
		m.updateBrowsing(km)
	} else {
		m.updateOrder(km)
	}
	m.updateKeybindings()
	return m, cmd
}

func (m *Model) updateBrowsing(km tea.KeyMsg) {
	switch {
	case key.Matches(km, m.KeyMap.CursorUp):
		m.move(-1)
	case key.Matches(km, m.KeyMap.CursorDown):
		m.move(1)
	case key.Matches(km, m.KeyMap.PrevPage):
		m.move(-max(m.rows()-1, 1))
	case key.Matches(km, m.KeyMap.NextPage):
		m.move(max(m.rows()-1, 1))
	case key.Matches(km, m.KeyMap.GoToStart):
		m.move(-len(m.visible))
	case key.Matches(km, m.KeyMap.GoToEnd):
		m.move(len(m.visible))
	case key.Matches(km, m.KeyMap.Filter):
		m.filterState = Filtering
		m.filter.Focus()
	case key.Matches(km, m.KeyMap.ClearFilter):
		m.clearFilter()
	default:
		m.updateOrder(km)
	}
}

// mouse selects the row clicked and moves the cursor a row for each turn
// of the wheel, as k9s does, scrolling the rows as the keys do. A filter
// being typed keeps the keyboard and the mouse.
func (m *Model) mouse(mm tea.MouseMsg) {
	if m.filterState == Filtering || mm.Action != tea.MouseActionPress {
		return
	}
	switch mm.Button {
	case tea.MouseButtonWheelUp:
		m.move(-1)
	case tea.MouseButtonWheelDown:
		m.move(1)
	case tea.MouseButtonLeft:
		if p := m.offset + mm.Y - 1; mm.Y >= 1 && mm.Y <= m.rows() && p < len(m.visible) {
			m.cursor, m.sticky = p, ""
			m.clampOffset()
		}
	}
}

// Orders reports whether km is a key that orders or filters the rows by
// status: the list takes it whether it has the keyboard or not.
func (m Model) Orders(km tea.KeyMsg) bool {
	return key.Matches(km, m.KeyMap.Sort) || key.Matches(km, m.KeyMap.StatusFilter)
}

// updateOrder handles the keys that order and filter the rows; they work
// whether the list has the keyboard or not (the root hands them over from
// the detail pane).
func (m *Model) updateOrder(km tea.KeyMsg) {
	switch {
	case key.Matches(km, m.KeyMap.Sort):
		m.SetOrder(m.sortBy.Next(), m.show)
	case key.Matches(km, m.KeyMap.StatusFilter):
		m.SetOrder(m.sortBy, m.show.Next())
	}
}

func (m *Model) updateFiltering(km tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(km, m.KeyMap.CancelWhileFiltering):
		m.clearFilter()
		return nil
	case key.Matches(km, m.KeyMap.AcceptWhileFiltering):
		m.filter.Blur()
		m.filterState = FilterApplied
		if m.filter.Value() == "" {
			m.filterState = Unfiltered
		}
		return nil
	}
	before := m.filter.Value()
	var cmd tea.Cmd
	*m.filter, cmd = m.filter.Update(km)
	if m.filter.Value() != before {
		sel, _ := m.Selected()
		m.refilter()
		if !m.Select(sel.Name) {
			m.cursor, m.offset = 0, 0
		}
	}
	return cmd
}

func (m *Model) clearFilter() {
	sel, _ := m.Selected()
	m.filter.Reset()
	m.filter.Blur()
	m.filterState = Unfiltered
	m.refilter()
	m.Select(sel.Name)
}

// refilter rebuilds the filtered index: the rows the filter text and the
// status filter keep, in the chosen order. It runs when the items, the
// filter or the order change, never per frame.
func (m *Model) refilter() {
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	m.visible = m.visible[:0]
	ordered := m.ordered()
	if ordered {
		m.ranks = slices.Grow(m.ranks[:0], len(m.items))[:len(m.items)]
	}
	for i := range m.items {
		if q != "" && !strings.Contains(m.lower[i], q) {
			continue
		}
		if ordered {
			m.ranks[i] = m.items[i].orderRow(m.now)
			if !m.show.Keep(m.ranks[i]) {
				continue
			}
		}
		m.visible = append(m.visible, i)
	}
	if m.sortBy != order.Stored {
		slices.SortStableFunc(m.visible, func(a, b int) int { return m.sortBy.Compare(m.ranks[a], m.ranks[b]) })
	}
	m.cursor = min(max(m.cursor, 0), max(len(m.visible)-1, 0))
	m.clampOffset()
}

func (m *Model) move(d int) {
	if len(m.visible) == 0 {
		return
	}
	m.cursor, m.sticky = min(max(m.cursor+d, 0), len(m.visible)-1), ""
	m.clampOffset()
}

// rows is how many item rows fit under the title line.
func (m Model) rows() int { return max(m.height-1, 1) }

func (m *Model) clampOffset() {
	n := m.rows()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+n {
		m.offset = m.cursor - n + 1
	}
	m.offset = min(m.offset, max(len(m.visible)-n, 0))
	m.offset = max(m.offset, 0)
}

func (m *Model) updateKeybindings() {
	k := &m.KeyMap
	filtering := m.filterState == Filtering
	has := len(m.visible) > 0
	browse := m.focused && !filtering
	k.CursorUp.SetEnabled(browse && has)
	k.CursorDown.SetEnabled(browse && has)
	paged := len(m.visible) > m.rows()
	k.PrevPage.SetEnabled(browse && paged)
	k.NextPage.SetEnabled(browse && paged)
	k.GoToStart.SetEnabled(browse && has)
	k.GoToEnd.SetEnabled(browse && has)
	// The root gives the list the keyboard on / from the detail pane.
	k.Filter.SetEnabled(!filtering && len(m.items) > 0)
	k.ClearFilter.SetEnabled(browse && m.filterState == FilterApplied)
	k.Sort.SetEnabled(!filtering && len(m.items) > 1)
	k.StatusFilter.SetEnabled(!filtering && len(m.items) > 0)
	k.Sort.SetHelp("s", "sort by "+m.sortBy.Next().String())
	if m.sortBy.Next() == order.Stored {
		k.Sort.SetHelp("s", "sort as stored")
	}
	k.StatusFilter.SetHelp("F", "show "+m.show.Next().String())
	if m.show.Next() == order.All {
		k.StatusFilter.SetHelp("F", "show all")
	}
	k.CancelWhileFiltering.SetEnabled(filtering)
	k.AcceptWhileFiltering.SetEnabled(filtering)
}

// KeyMap holds the list's bindings. It satisfies help.KeyMap, so the help
// shows exactly the bindings that are enabled at that moment.
type KeyMap struct {
	CursorUp    key.Binding
	CursorDown  key.Binding
	PrevPage    key.Binding
	NextPage    key.Binding
	GoToStart   key.Binding
	GoToEnd     key.Binding
	Filter      key.Binding
	ClearFilter key.Binding
	// Sort cycles the order (name, expiry, status, the store's) and
	// StatusFilter the rows shown (failing only, expiring or expired only,
	// all); the help says what the key does next.
	Sort         key.Binding
	StatusFilter key.Binding

	// Bindings used while typing a filter.
	CancelWhileFiltering key.Binding
	AcceptWhileFiltering key.Binding
}

// DefaultKeyMap returns the list's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		CursorUp:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		CursorDown:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PrevPage:    key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		NextPage:    key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		GoToStart:   key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		GoToEnd:     key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),

		Sort:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort by name")),
		StatusFilter: key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "show failing")),

		CancelWhileFiltering: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		AcceptWhileFiltering: key.NewBinding(key.WithKeys("enter", "up", "down"), key.WithHelp("enter", "apply filter")),
	}
}

// ShortHelp returns the bindings for the short help line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Filter, k.ClearFilter, k.AcceptWhileFiltering, k.CancelWhileFiltering}
}

// FullHelp returns the bindings for the full help, in columns: the keys
// of the list as it is browsed. The keys of a filter being typed are on
// the short help while it is typed.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.CursorUp, k.CursorDown, k.PrevPage, k.NextPage, k.GoToStart, k.GoToEnd},
		{k.Filter, k.ClearFilter, k.Sort, k.StatusFilter},
	}
}
