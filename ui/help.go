package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/ui/response"
	"github.com/tokenscope/tokenscope/ui/styles"
)

// helpKeys is the help.KeyMap of the moment: the focused child's bindings
// with the explorer's own, built fresh from the live bindings each frame so
// the help shows exactly what works now.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

// ShortHelp returns the bindings of the help line.
func (h helpKeys) ShortHelp() []key.Binding { return h.short }

// FullHelp returns the columns of the full help.
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

// helpLine is the short help. What does not fit is left out from the end
// of the actions, never the first key (help) nor the last (quit), so
// "q quit" is on the line at any width it fits in.
func (m *Model) helpLine() string {
	return m.fitShortHelp(m.helpKeyMap().ShortHelp())
}

// fitShortHelp renders the enabled bindings of bs on one line of the
// terminal's width, as help.ShortHelpView does, dropping bindings from the
// one before the last until the line fits. The widths are added up from
// the bindings' texts and the line is joined from the theme's help paints,
// so the fitting renders nothing twice.
func (m *Model) fitShortHelp(bs []key.Binding) string {
	l := m.styles
	on := make([]key.Binding, 0, len(bs))
	ws := make([]int, 0, len(bs)) // each binding's cells, "key desc"
	sepW := ansi.StringWidth(l.helpSep)
	w := -sepW
	for _, b := range bs {
		if b.Enabled() {
			h := b.Help()
			on, ws = append(on, b), append(ws, cells(h.Key)+1+cells(h.Desc))
			w += sepW + ws[len(ws)-1]
		}
	}
	for len(on) > 2 && w > m.width {
		n := len(on)
		w -= sepW + ws[n-2]
		on, ws = append(on[:n-2], on[n-1]), append(ws[:n-2], ws[n-1])
	}
	var b strings.Builder
	for i, kb := range on {
		if i > 0 {
			b.WriteString(l.helpSep)
		}
		h := kb.Help()
		b.WriteString(l.helpKey.Open)
		b.WriteString(h.Key)
		b.WriteString(l.helpKey.Close)
		b.WriteByte(' ')
		b.WriteString(l.helpDesc.Open)
		b.WriteString(h.Desc)
		b.WriteString(l.helpDesc.Close)
	}
	if w <= m.width {
		return b.String()
	}
	return ansi.Truncate(b.String(), m.width, "…")
}

// cells is the width of s in cells, without the grapheme walk for plain
// ASCII, which most keys and their descriptions are.
func cells(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c < 0x20 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

// helpKeyMap composes the help for what has the keyboard: a full-screen
// child or the dialog speaks for itself; on the main screen the focused
// pane's keys come with the explorer's own.
func (m *Model) helpKeyMap() help.KeyMap {
	k := &m.keys
	if m.showHelp {
		return helpKeys{short: []key.Binding{k.CloseHelp, k.ForceQuit}}
	}
	switch c := m.focused(); c.(type) {
	case listPane, detailPane:
	case *response.Model:
		short := append([]key.Binding{k.Help}, c.ShortHelp()...)
		return helpKeys{short: append(short, k.Log, m.exlog.KeyMap.Older, m.exlog.KeyMap.Newer, k.ForceQuit)}
	default:
		return c
	}
	return m.mainHelp()
}

// mainHelp is the help of the main screen. The short line has the help
// key first, so it survives a narrow terminal, then the actions in the
// order they are dropped from the end when the line is too narrow, and
// quit last; the moving keys (the rows, the scrolling) are on the help
// page only. While a filter is typed the line is the filter's keys.
func (m *Model) mainHelp() helpKeys {
	k := &m.keys
	if m.list.FilterState() == listFiltering {
		return helpKeys{short: append(m.list.KeyMap.ShortHelp(), k.ForceQuit)}
	}
	if m.signInTyping() { // the sign-in's field has the keys
		return helpKeys{short: append(m.signInHelp(), k.ForceQuit)}
	}
	short := append([]key.Binding{k.Help}, m.signInHelp()...) // the shown sign-in's keys before the rest
	if m.focus == focusList {                                 // / works from the detail pane too, said on the page
		short = append(short, m.unshadowed(m.list.KeyMap.ShortHelp())...)
	}
	short = append(short, k.Fetch, k.Refresh, k.CopyHeader, k.Try, k.Focus, k.Reveal, k.Add, k.Quit)
	return helpKeys{short: short} // the page's columns are built by fullHelpView alone
}

// pageTitles name the columns of pageColumns.
var pageTitles = [...]string{"List", "Filter", "Detail", "Token", "Copy, sign-in", "Providers", "General", "Response, log"}

// pageColumns are every key of the main screen, in the columns of the
// help page, whether it works at this moment or not.
func (m *Model) pageColumns() [][]key.Binding {
	k := &m.keys
	sk := m.signInKeys()
	cols := make([][]key.Binding, 0, len(pageTitles))
	cols = append(cols, m.list.KeyMap.FullHelp()...)
	cols = append(cols, m.detail.KeyMap.FullHelp()...)
	return append(cols,
		[]key.Binding{k.Fetch, k.Refresh, k.RefreshAll, k.Logout, k.Try, k.Reveal},
		[]key.Binding{k.CopyHeader, k.CopyAll, k.CopyToken, k.CopyCurl, sk.Open, sk.Copy, sk.Paste},
		[]key.Binding{k.Add, k.Edit, k.Delete, k.Discover, k.Introspect, k.Theme},
		[]key.Binding{k.Focus, k.ToList, k.ToDetail, k.Back, sk.Cancel, k.Help, k.Quit},
		m.viewColumn(),
	)
}

// viewColumn is the response view's and the exchange log's keys: the
// view's own as they are when it is open, its default ones, dimmed, when
// not. The view scrolls with the detail pane's keys, listed there.
func (m *Model) viewColumn() []key.Binding {
	k := &m.keys
	rk := response.DefaultKeyMap()
	if m.response != nil {
		rk = m.response.KeyMap
	} else {
		for _, b := range []*key.Binding{&rk.Copy, &rk.HalfPageUp, &rk.HalfPageDown, &rk.Close} {
			b.SetEnabled(false)
		}
	}
	lk := m.exlog.KeyMap
	return []key.Binding{k.Response, rk.Copy, rk.HalfPageUp, rk.HalfPageDown, rk.Close, k.Log, lk.Older, lk.Newer}
}

// fullHelpView is the help page: every key of the main screen under the
// title of its column, those that do nothing at this moment dimmed, the
// columns flowed into rows that fit the width.
func (m *Model) fullHelpView() string {
	st := &m.styles.HelpPage
	const gap = 4
	var rows []string
	var row []string
	rowW := 0
	flush := func() {
		if len(row) > 0 {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, rowW = nil, 0
		}
	}
	for i, group := range m.pageColumns() {
		col := st.Section.Render(pageTitles[i]) + "\n" + helpColumn(st, group)
		w := lipgloss.Width(col) + gap
		if rowW > 0 && rowW+w > m.width {
			flush()
		}
		row = append(row, lipgloss.NewStyle().PaddingRight(gap).Render(col))
		rowW += w
	}
	flush()
	title := st.Title.Render("Keys") +
		st.Note.Render("  of the main screen (dimmed: not available now)")
	page := title + "\n\n" + strings.Join(rows, "\n\n")
	if !m.opts.NoMouse {
		// One line: the page must fit 80×24 with every key on it.
		page += "\n\n" + st.Section.Render("Mouse") + " " +
			st.Note.Render("click to select or focus, wheel to scroll, shift+drag to select text")
	}
	return page
}

// helpColumn renders bindings as aligned key and description columns,
// a binding that is disabled in the dimmed style.
func helpColumn(st *styles.HelpPage, bs []key.Binding) string {
	kw := 0
	for _, b := range bs {
		kw = max(kw, lipgloss.Width(b.Help().Key))
	}
	lines := make([]string, 0, len(bs))
	for _, b := range bs {
		h := b.Help()
		if h.Key == "" {
			continue
		}
		k := h.Key + strings.Repeat(" ", kw-lipgloss.Width(h.Key))
		if b.Enabled() {
			lines = append(lines, st.Key.Render(k)+" "+st.Desc.Render(h.Desc))
		} else {
			lines = append(lines, st.Unavailable.Render(k+" "+h.Desc))
		}
	}
	return strings.Join(lines, "\n")
}
