package ui

import (
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
}

// edge is the top or bottom line of the frame with tag (rendered) set in
// it near the right corner: "╰──── ↓ 12 more ─╯". Without room for it, or
// with no tag, it is the plain line.
func (f *frame) edge(top bool, tag string) string {
	plain, l, r, fill := f.bottom, f.border.BottomLeft, f.border.BottomRight, f.border.Bottom
	if top {
		plain, l, r, fill = f.top, f.border.TopLeft, f.border.TopRight, f.border.Top
	}
	tw := lipgloss.Width(tag)
	if tag == "" || tw+2 > f.width {
		return plain
	}
	return f.line.Render(l+strings.Repeat(fill, f.width-tw-1)) + tag + f.line.Render(fill+r)
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
