package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/sgr"
	"github.com/tokenscope/tokenscope/ui/styles"
)

// look is every style of one theme, built once by ui/styles and held by
// pointer so the model stays small to copy, with the frames drawn from it.
type look struct {
	*styles.Styles

	// focused and blurred are the panes' borders, more the count on them,
	// reduced to escape codes once per theme.
	focused, blurred borderPaint
	more             paint
	// helpKey and helpDesc are the short help's styles as paints, helpSep
	// its separator rendered.
	helpKey, helpDesc paint
	helpSep           string
}

// applyTheme builds the styles of t once and hands each child its group.
// On a terminal without colour the styles are mono's whatever t is, and
// m.theme says so.
func (m *Model) applyTheme(t themes.Theme) {
	l := &look{Styles: styles.New(t, m.opts.Renderer)}
	l.focused, l.blurred = newBorderPaint(l.Pane.Focused), newBorderPaint(l.Pane.Blurred)
	l.more = newPaint(l.Pane.More)
	l.helpKey, l.helpDesc = newPaint(l.Help.ShortKey.Inline(true)), newPaint(l.Help.ShortDesc.Inline(true))
	l.helpSep = l.Help.ShortSeparator.Inline(true).Render(m.help.ShortSeparator)
	m.theme = l.Theme
	m.styles = l
	m.list.SetStyles(&l.List)
	m.detail.SetStyles(&l.Detail)
	m.status.SetStyles(&l.Status)
	m.exlog.SetStyles(&l.Exchanges)
	if m.response != nil {
		m.response.SetStyles(&l.Response)
	}
	if m.asking {
		m.confirm.Styles = &l.Confirm
	}
	m.help.Styles = l.Help
	m.spinner.Style = l.Spinner
}

// themeCount is how many themes there are to cycle through: one when the
// terminal has no colour.
func (m *Model) themeCount() int {
	if m.styles.NoColour {
		return 1
	}
	return len(themes.All())
}

// frame is a pane's border of one inner width: its lines are joined from
// the theme's border paint by hand, where lipgloss would measure every
// cell of the content again.
type frame struct {
	top, bottom string
	left, right string

	border lipgloss.Border
	line   paint
	width  int
}

// more is the top or bottom line of the frame saying that n lines are
// off the pane on that side, "╰──── ↓ 12 more ─╯", the tag in paint tp;
// the plain line when it has no room.
func (f *frame) more(top bool, n int, tp paint) string {
	plain, l, r, fill, arrow := f.bottom, f.border.BottomLeft, f.border.BottomRight, f.border.Bottom, "↓"
	if top {
		plain, l, r, fill, arrow = f.top, f.border.TopLeft, f.border.TopRight, f.border.Top, "↑"
	}
	tag := " " + arrow + " " + strconv.Itoa(n) + " more "
	tw := lipgloss.Width(tag)
	if tw+2 > f.width {
		return plain
	}
	return f.line.edge(l, fill, f.width-tw-1, "") + tp.Text(tag) + f.line.edge("", fill, 1, r)
}

// frame returns the border of a pane of inner width w, focused or not.
func (l *look) frame(focused bool, w int) *frame {
	s, p := l.Pane.Blurred, l.blurred
	if focused {
		s, p = l.Pane.Focused, l.focused
	}
	b := s.Border
	return &frame{
		top:    p.edge(b.TopLeft, b.Top, w, b.TopRight),
		bottom: p.edge(b.BottomLeft, b.Bottom, w, b.BottomRight),
		left:   p.left, right: p.right,
		border: b, line: p.paint, width: w,
	}
}

// paint is a style reduced to its escape codes (ui/sgr), for text of one
// line with nothing to measure or pad.
type paint struct{ sgr.Paint }

func newPaint(st lipgloss.Style) paint { return paint{sgr.Of(st)} }

// edge is the line l, n times fill, r in the paint.
func (p paint) edge(l, fill string, n int, r string) string {
	var b strings.Builder
	b.Grow(len(p.Open) + len(l) + n*len(fill) + len(r) + len(p.Close))
	b.WriteString(p.Open)
	b.WriteString(l)
	for range n {
		b.WriteString(fill)
	}
	b.WriteString(r)
	b.WriteString(p.Close)
	return b.String()
}

// borderPaint is a pane border's paint with its side lines, per theme.
type borderPaint struct {
	paint
	left, right string
}

func newBorderPaint(s styles.Frame) borderPaint {
	return borderPaint{paint: newPaint(s.Style), left: s.Style.Render(s.Border.Left), right: s.Style.Render(s.Border.Right)}
}
