package list

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/ui/lifetime"
	"github.com/tokenscope/tokenscope/ui/order"
)

// Column widths that do not depend on the data.
const (
	prefixWidth = 4  // cursor and mark: "▸ ● "
	flagWidth   = 2  // " ⚠"
	statusWidth = 10 // "refreshing", "4m 05s"
)

// View renders the title line and the rows on screen, and only those:
// height lines, each exactly width cells wide, so the caller can frame
// them without measuring.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.Grow((m.width + 64) * m.height)
	b.WriteString(m.titleLine())
	lines := 1
	if len(m.visible) == 0 {
		b.WriteByte('\n')
		msg := "no providers yet"
		switch {
		case len(m.items) > 0 && m.filterState != Unfiltered:
			msg = "no provider matches the filter"
		case len(m.items) > 0 && m.show == order.FailingOnly:
			msg = "no provider is failing"
		case len(m.items) > 0:
			msg = "no token is expiring or expired"
		}
		msg = ansi.Truncate(msg, m.width, "…")
		b.WriteString(m.Styles.Muted.Render(msg))
		spaces(&b, m.width-ansi.StringWidth(msg))
		lines++
	}
	nw, pw := m.columns()
	rowW := prefixWidth + nw + flagWidth + 1 + statusWidth
	if pw > 0 {
		rowW += 1 + pw
	}
	end := min(m.offset+m.rows(), len(m.visible))
	for p := m.offset; p < end; p++ {
		b.WriteByte('\n')
		m.row(&b, p, nw, pw, max(m.width-rowW, 0))
		lines++
	}
	for ; lines < m.height; lines++ {
		b.WriteByte('\n')
		spaces(&b, m.width)
	}
	return b.String()
}

// spaces writes n spaces.
func spaces(b *strings.Builder, n int) {
	const run = "                                                                "
	for n > 0 {
		k := min(n, len(run))
		b.WriteString(run[:k])
		n -= k
	}
}

func (m Model) titleLine() string {
	count := strconv.Itoa(len(m.items))
	if m.filterState != Unfiltered || m.show != order.All {
		count = strconv.Itoa(len(m.visible)) + " of " + count
	}
	// What the rows on screen leave out above and below.
	if above, below := m.offset, max(len(m.visible)-m.offset-m.rows(), 0); above > 0 || below > 0 {
		more := ""
		if above > 0 {
			more = "↑" + strconv.Itoa(above) + " "
		}
		if below > 0 {
			more += "↓" + strconv.Itoa(below) + " "
		}
		count = more + "· " + count
	}
	count = m.Styles.Count.Render(count)
	var left string
	if m.filterState == Filtering {
		left = m.filter.View()
	} else {
		left = m.Styles.Title.Render("Providers")
		if m.sortBy != order.Stored {
			left += " " + m.Styles.Count.Render("by "+m.sortBy.String())
		}
		if m.show != order.All {
			left += m.Styles.Count.Render(" · ") + m.Styles.FilterPrompt.Render(m.show.String()+" only")
		}
		if m.filterState == FilterApplied {
			left += " " + m.Styles.FilterPrompt.Render("/") + m.Styles.FilterText.Render(display.Text(m.filter.Value()))
		}
	}
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(count)
	if gap < 1 {
		left = ansi.Truncate(left, m.width, "…")
		return left + strings.Repeat(" ", max(m.width-lipgloss.Width(left), 0))
	}
	return left + strings.Repeat(" ", gap) + count
}

// columns fits the name and preset columns into the width, dropping the
// preset first.
func (m Model) columns() (nw, pw int) {
	room := m.width - prefixWidth - flagWidth - 1 - statusWidth
	nw = min(max(m.nameWidth, 4), max(room, 1))
	pw = m.presetWidth
	if nw+1+pw > room {
		pw = 0
	}
	if pw > 0 {
		nw = min(max(m.nameWidth, 4), room-1-pw)
	}
	return nw, pw
}

// row writes row p; slack is the room left over, put before the status
// so that the countdowns line up on the right edge.
func (m Model) row(b *strings.Builder, p, nw, pw, slack int) {
	it := &m.items[m.visible[p]]
	selected := p == m.cursor
	pt := m.paints
	if selected {
		pt = m.onRow // the whole row on the selection's background
	}
	mark, lvl := it.Status(m.now)
	if selected {
		pt.cursor.write(b, "▸")
		pt.blank.space(b, 1)
	} else {
		b.WriteString("  ")
	}
	glyph := mark.glyph()
	if mark == MarkBusy && m.frame != "" {
		glyph = m.frame
	}
	pt.mark(mark).write(b, glyph)
	pt.blank.space(b, 1)
	// Names and presets come from import files: shown, like all outside
	// text, through display.Text (the widths are measured the same way).
	name := display.Text(it.Name)
	if w := m.widths[m.visible[p]]; w > nw {
		name = ansi.Truncate(name, nw, "…")
		name += strings.Repeat(" ", max(nw-ansi.StringWidth(name), 0))
	} else if w < nw {
		name += strings.Repeat(" ", nw-w)
	}
	if selected {
		pt.selected.write(b, name)
	} else {
		pt.name.write(b, name)
	}
	if pw > 0 {
		pt.blank.space(b, 1)
		preset := display.Text(it.Preset)
		if cells(preset) > pw {
			preset = ansi.Truncate(preset, pw, "…")
		}
		pt.preset.write(b, pad(preset, pw))
	}
	pt.blank.space(b, slack)
	if it.Insecure {
		pt.blank.space(b, 1)
		pt.insecure.write(b, "⚠")
	} else {
		pt.blank.space(b, 2)
	}
	pt.blank.space(b, 1)
	text, tp := m.statusText(pt, it, mark, lvl)
	if len(text) > statusWidth {
		text = text[:statusWidth-1] + "…"
	}
	pt.blank.space(b, statusWidth-cells(text))
	tp.write(b, text)
}

// statusText is the right-hand column: the countdown, or what is going on.
func (m Model) statusText(pt *paints, it *Item, mark Mark, lvl lifetime.Level) (string, paint) {
	switch mark {
	case MarkBusy:
		return it.Busy, pt.busy
	case MarkNoToken:
		return "no token", pt.muted
	case MarkExpired:
		return "expired", pt.danger
	case MarkFailed:
		if !it.HasToken || lvl == lifetime.Expired || !it.Span.Known() {
			return "failed", pt.danger
		}
	}
	if !it.Span.Known() {
		return "no expiry", pt.muted
	}
	text := display.Duration(it.Span.Expires.Sub(m.now))
	switch lvl {
	case lifetime.Danger:
		return text, pt.danger
	case lifetime.Warning:
		return text, pt.warning
	}
	return text, pt.healthy
}

// cells is the width of s in cells, without the grapheme walk for plain
// ASCII, which names, presets and countdowns nearly always are.
func cells(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c < 0x20 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

func pad(s string, w int) string {
	if n := w - cells(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}
