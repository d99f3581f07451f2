package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
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

// helpLine is the short help, rendered again only when the enabled
// bindings, their texts or the width changed.
func (m *Model) helpLine() string {
	km := m.helpKeyMap()
	c := &m.styles.helpCache
	var sig strings.Builder
	for _, b := range km.ShortHelp() {
		if b.Enabled() {
			h := b.Help()
			sig.WriteString(h.Key)
			sig.WriteByte(0)
			sig.WriteString(h.Desc)
			sig.WriteByte(0)
		}
	}
	if c.line != "" && c.width == m.width && c.sig == sig.String() {
		return c.line
	}
	c.sig, c.width = sig.String(), m.width
	c.line = ansi.Truncate(m.help.View(km), m.width, "…")
	return c.line
}

// helpCache is the last rendered help line and what it was rendered from.
type helpCache struct {
	sig   string
	width int
	line  string
}

// helpKeyMap composes the help for what has the keyboard: a full-screen
// child or the dialog speaks for itself; on the main screen the focused
// pane's keys come with the explorer's own.
func (m *Model) helpKeyMap() help.KeyMap {
	switch c := m.focused(); c.(type) {
	case listPane, detailPane:
	default:
		return c
	}
	if m.showHelp {
		k := &m.keys
		return helpKeys{short: []key.Binding{k.Help, k.Quit}}
	}
	keys, _ := m.mainHelp()
	return keys
}

// mainHelp is the help of the main screen: the focused pane's bindings and
// the explorer's, with a title for each column of the full help. The help
// key comes first on the short line, so it survives a narrow terminal.
func (m *Model) mainHelp() (keys helpKeys, titles []string) {
	k := &m.keys
	child := m.focused()
	titles = []string{"List", "Filter"}
	if m.focus == focusDetail {
		titles = []string{"Detail"}
	}
	if m.list.FilterState() == listFiltering {
		return helpKeys{short: append(child.ShortHelp(), k.ForceQuit), full: child.FullHelp()}, titles
	}
	short := append([]key.Binding{k.Help}, child.ShortHelp()...)
	short = append(short, k.Focus, k.Fetch, k.Refresh, k.CopyHeader, k.Try, k.Reveal, k.Add, k.Quit)
	full := child.FullHelp()
	for len(titles) < len(full) {
		titles = append(titles, "")
	}
	full = append(full[:len(full):len(full)],
		[]key.Binding{k.Fetch, k.Refresh, k.RefreshAll, k.Logout, k.Try, k.Reveal},
		[]key.Binding{k.CopyHeader, k.CopyToken, k.CopyCurl},
		[]key.Binding{k.Add, k.Edit, k.Delete, k.Theme},
		[]key.Binding{k.Focus, k.Back, k.Help, k.Quit},
	)
	titles = append(titles[:len(full)-4:len(full)-4], "Token", "Copy", "Providers", "General")
	return helpKeys{short: short, full: full}, titles
}

// fullHelpView is the help page: each column of bindings that works at
// this moment under its title, the columns flowed into rows that fit the
// width.
func (m *Model) fullHelpView() string {
	keys, titles := m.mainHelp()
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
	for i, group := range keys.full {
		if !anyEnabled(group) {
			continue
		}
		col := m.help.FullHelpView([][]key.Binding{group})
		if titles[i] != "" {
			col = m.styles.Detail.Section.Render(titles[i]) + "\n" + col
		}
		w := lipgloss.Width(col) + gap
		if rowW > 0 && rowW+w > m.width {
			flush()
		}
		row = append(row, lipgloss.NewStyle().PaddingRight(gap).Render(col))
		rowW += w
	}
	flush()
	// The page lists the main screen's keys; on the page itself only
	// close and quit work.
	title := m.styles.Dialog.Title.Render("Keys") +
		m.styles.Header.Subtitle.Render("  (of the main screen, those that work there now)")
	return title + "\n\n" + strings.Join(rows, "\n\n")
}

func anyEnabled(bs []key.Binding) bool {
	for _, b := range bs {
		if b.Enabled() {
			return true
		}
	}
	return false
}
