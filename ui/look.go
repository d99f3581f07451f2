package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/styles"
)

// look is every style of one theme, built once by ui/styles and held by
// pointer so the model stays small to copy, with the frames drawn from it.
type look struct {
	*styles.Styles

	frames    map[frameKey]*frame // pane borders by focus and width
	helpCache helpCache
}

// applyTheme builds the styles of t once and hands each child its group.
// On a terminal without colour the styles are mono's whatever t is, and
// m.theme says so.
func (m *Model) applyTheme(t themes.Theme) {
	l := &look{Styles: styles.New(t, m.opts.Renderer)}
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

// frame is a pane's border, rendered once per theme and width: drawing it
// by hand from pre-rendered pieces keeps a frame's cost to joining strings,
// where lipgloss would measure every cell of the content again.
type frame struct {
	top, bottom string
	left, right string

	border lipgloss.Border
	line   lipgloss.Style
	width  int
	edges  map[edgeKey]string
}

// more is the top or bottom line of the frame saying that n lines are
// off the pane on that side, "╰──── ↓ 12 more ─╯", the tag in style st;
// the plain line when it has no room. Rendered once per count.
func (f *frame) more(top bool, n int, st lipgloss.Style) string {
	k := edgeKey{top, n}
	if e, ok := f.edges[k]; ok {
		return e
	}
	plain, l, r, fill, arrow := f.bottom, f.border.BottomLeft, f.border.BottomRight, f.border.Bottom, "↓"
	if top {
		plain, l, r, fill, arrow = f.top, f.border.TopLeft, f.border.TopRight, f.border.Top, "↑"
	}
	tag := " " + arrow + " " + strconv.Itoa(n) + " more "
	e := plain
	if tw := lipgloss.Width(tag); tw+2 <= f.width {
		e = f.line.Render(l+strings.Repeat(fill, f.width-tw-1)) + st.Render(tag) + f.line.Render(fill+r)
	}
	if f.edges == nil || len(f.edges) > 256 {
		f.edges = map[edgeKey]string{}
	}
	f.edges[k] = e
	return e
}

// edgeKey names a cached frame line with a count of lines off the pane.
type edgeKey struct {
	top bool
	n   int
}

// frameKey names a cached frame.
type frameKey struct {
	focused bool
	width   int
}

// frame returns the border of a pane of inner width w in style s, cached.
func (l *look) frame(focused bool, w int) *frame {
	k := frameKey{focused, w}
	if f, ok := l.frames[k]; ok {
		return f
	}
	s := l.Pane.Blurred
	if focused {
		s = l.Pane.Focused
	}
	b, fg := s.Border, s.Style
	f := &frame{
		top:    fg.Render(b.TopLeft + strings.Repeat(b.Top, w) + b.TopRight),
		bottom: fg.Render(b.BottomLeft + strings.Repeat(b.Bottom, w) + b.BottomRight),
		left:   fg.Render(b.Left),
		right:  fg.Render(b.Right),
		border: b, line: fg, width: w,
	}
	if l.frames == nil {
		l.frames = map[frameKey]*frame{}
	}
	l.frames[k] = f
	return f
}
