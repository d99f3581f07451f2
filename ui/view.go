package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers/display"
)

// wideFrom is the width from which the list and the detail pane sit side
// by side; narrower terminals stack them.
const wideFrom = 100

// geometry is the layout of the main screen, derived from the window size
// and the frames of the styles.
type geometry struct {
	bodyH          int
	wide           bool
	listW, listH   int // inner sizes of the list pane
	detW, detH     int // inner sizes of the detail pane
	frameW, frameH int
	logH           int // outer height of the exchange log pane, 0 when hidden
}

// chromeLines are the lines around the body: header, status and help.
const chromeLines = 3

func (m *Model) geometry() geometry {
	g := geometry{bodyH: max(m.height-chromeLines, 1), wide: m.width >= wideFrom}
	g.logH = m.logHeight(g.bodyH)
	g.bodyH -= g.logH
	b := m.styles.Pane.Focused.Border
	g.frameW, g.frameH = b.GetLeftSize()+b.GetRightSize(), b.GetTopSize()+b.GetBottomSize()
	if g.wide {
		outer := min(max(m.width*5/12, 36), 60)
		g.listW, g.listH = outer-g.frameW, g.bodyH-g.frameH
		g.detW, g.detH = m.width-outer-g.frameW, g.bodyH-g.frameH
	} else {
		rows := min(max(m.list.Len(), 1)+1, max(g.bodyH/2-g.frameH, 3))
		g.listW, g.listH = m.width-g.frameW, rows
		g.detW, g.detH = m.width-g.frameW, g.bodyH-2*g.frameH-rows
	}
	g.listW, g.listH = max(g.listW, 1), max(g.listH, 1)
	g.detW, g.detH = max(g.detW, 1), max(g.detH, 1)
	return g
}

// View renders the screen: header, body, status line and help line.
func (m Model) View() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	g := m.geometry()
	var b strings.Builder
	b.Grow(m.width * m.height * 4)
	b.WriteString(m.headerView())
	b.WriteByte('\n')
	m.bodyView(&b, g)
	b.WriteByte('\n')
	if g.logH > 0 {
		m.logView(&b, g)
		b.WriteByte('\n')
	}
	b.WriteString(m.statusView())
	b.WriteByte('\n')
	b.WriteString(m.helpLine())
	return b.String()
}

func (m *Model) headerView() string {
	h := &m.styles.Header
	left := h.Title.Render("tokenscope")
	if m.opts.Demo {
		left += " " + h.Badge.Render("DEMO")
	}
	if m.vault != nil && !m.opts.Demo {
		left += " " + h.Subtitle.Render(display.Text(m.vault.Dir()))
	}
	theme := "theme " + m.theme.Name
	if m.styles.NoColour {
		theme += " (no colour)"
	}
	right := h.Subtitle.Render(theme)
	return spread(left, right, m.width)
}

// spread puts left and right on one line of width w, cutting left if it
// must.
func spread(left, right string, w int) string {
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return ansi.Truncate(left, w, "…")
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) statusView() string { return m.status.View() }

// bodyView renders what sits between the header and the status line,
// exactly bodyH lines.
func (m *Model) bodyView(b *strings.Builder, g geometry) {
	var body string
	switch {
	case m.screen == screenUnlock && m.unlock != nil:
		body = m.unlock.View()
	case m.screen == screenLoading:
		body = m.styles.Header.Subtitle.Render("Opening the store…")
	case m.screen == screenForm:
		b.WriteString(lipgloss.NewStyle().Width(m.width).Height(g.bodyH).MaxHeight(g.bodyH).Render(m.formView()))
		return
	case m.showHelp:
		body = m.fullHelpView()
	case m.response != nil:
		m.responseView(b, g)
		return
	case m.asking:
		var bg strings.Builder
		m.panesView(&bg, g)
		b.WriteString(overlay(bg.String(), m.confirm.View(), m.width, g.bodyH, m.styles.Backdrop))
		return
	default:
		m.panesView(b, g)
		return
	}
	b.WriteString(lipgloss.Place(m.width, g.bodyH, lipgloss.Center, lipgloss.Center,
		lipgloss.NewStyle().MaxWidth(m.width).MaxHeight(g.bodyH).Render(body)))
}

// pane is one framed pane being drawn: its content lines, each exactly
// the inner width wide, as the list and the detail pane render them.
type pane struct {
	f           *frame
	lines       []string
	blank       string
	top, bottom string // the frame's top and bottom lines
}

func newPane(f *frame, content string, w int) pane {
	return pane{f: f, lines: strings.Split(content, "\n"), blank: strings.Repeat(" ", w), top: f.top, bottom: f.bottom}
}

// more sets on the pane's frame how many lines are off it above and below.
func (p *pane) more(tp paint, above, below int) {
	if above > 0 {
		p.top = p.f.more(true, above, tp)
	}
	if below > 0 {
		p.bottom = p.f.more(false, below, tp)
	}
}

// line writes row i of a pane h rows high (frame included).
func (p *pane) line(b *strings.Builder, i, h int) {
	switch {
	case i == 0:
		b.WriteString(p.top)
	case i == h-1:
		b.WriteString(p.bottom)
	default:
		b.WriteString(p.f.left)
		if i-1 < len(p.lines) {
			b.WriteString(p.lines[i-1])
		} else {
			b.WriteString(p.blank)
		}
		b.WriteString(p.f.right)
	}
}

// panesView renders the list and the detail pane, side by side or stacked.
func (m *Model) panesView(b *strings.Builder, g geometry) {
	lf := m.styles.frame(m.focus == focusList, g.listW)
	df := m.styles.frame(m.focus == focusDetail, g.detW)
	lp := newPane(lf, m.list.View(), g.listW)
	dp := newPane(df, m.detail.View(), g.detW)
	if v, ok := m.signInView(); ok {
		dp = newPane(df, v, g.detW)
	} else {
		above, below := m.detail.Hidden()
		dp.more(m.styles.more, above, below)
	}
	lh, dh := g.listH+g.frameH, g.detH+g.frameH // as geometry.panes places them
	if g.wide {
		for i := range g.bodyH {
			if i > 0 {
				b.WriteByte('\n')
			}
			lp.line(b, i, lh)
			dp.line(b, i, dh)
		}
		return
	}
	for i := range lh {
		lp.line(b, i, lh)
		b.WriteByte('\n')
	}
	for i := range dh {
		if i > 0 {
			b.WriteByte('\n')
		}
		dp.line(b, i, dh)
	}
}
