package detail

import (
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers/display"
)

// built is what the content was rendered from: the data's version, the
// second and the width.
type built struct {
	version int
	second  int64
	width   int
}

// View renders the lines of the pane that are on screen: the busy line,
// then the content from the scroll position.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	lines := m.lines
	var b strings.Builder
	b.Grow(m.height * (m.width + 32))
	n := 0
	if m.headLines() > 0 {
		busy := ansi.Truncate(m.frame+" "+display.Text(m.data.Busy)+"…", m.width, "…")
		b.WriteString(m.Styles.Busy.Render(busy))
		b.WriteString(strings.Repeat(" ", max(m.width-ansi.StringWidth(busy), 0)))
		n++
	}
	off := min(m.offset, max(len(lines)+n-m.height, 0))
	for i := off; i < len(lines) && n < m.height; i++ {
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(lines[i])
		n++
	}
	for ; n < m.height; n++ {
		if n > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat(" ", m.width))
	}
	return b.String()
}

// Hidden is how many lines of the content are off the pane above and
// below it at the scroll position, for the frame to say.
func (m Model) Hidden() (above, below int) {
	if m.width <= 0 || m.height <= 0 {
		return 0, 0
	}
	lines := m.lines
	room := m.height - m.headLines()
	off := min(m.offset, max(len(lines)-room, 0))
	return off, max(len(lines)-off-room, 0)
}

// headLines is the number of fixed lines above the scrolling content.
func (m Model) headLines() int {
	if m.has && m.data.Busy != "" {
		return 1
	}
	return 0
}

// render renders the pane's lines again when the data, the width or the
// second changed since they were rendered; a pane with no room keeps them.
// The lines are new each time: copies of the pane may hold the old ones.
func (m *Model) render() {
	k := built{m.version, m.now.Unix(), m.width}
	if m.width <= 0 || m.height <= 0 || (m.lines != nil && k == m.built) {
		return
	}
	r := renderer{m: m, s: m.paints, width: m.width, lines: make([]string, 0, len(m.lines))}
	if m.has {
		r.all()
	} else {
		r.line(r.s.Muted.Render("No provider selected."))
	}
	m.lines, m.built = r.lines, k
}

// renderer accumulates the content's lines, each cut to the width.
type renderer struct {
	m     *Model
	s     *paints
	width int
	lines []string
}

// line adds s, cut or padded to exactly the width, so a frame costs no
// measuring.
func (r *renderer) line(s string) {
	w := ansi.StringWidth(s)
	if w > r.width {
		s = ansi.Truncate(s, r.width, "…")
		w = ansi.StringWidth(s)
	}
	if w < r.width {
		s += strings.Repeat(" ", r.width-w)
	}
	r.lines = append(r.lines, s)
}

func (r *renderer) blank() { r.lines = append(r.lines, strings.Repeat(" ", r.width)) }

func (r *renderer) section(title string) {
	r.blank()
	r.line(r.s.Section.Render(title))
}

// sectionNote is a section title with a muted note after it, "Last error
// 2m ago". The two are styled apart: a style rendered around styled text
// splits the inner escape codes where it underlines (mono).
func (r *renderer) sectionNote(title, note string) {
	r.blank()
	r.line(r.s.Section.Render(title) + " " + r.s.Muted.Render(note))
}

// labelWidth is the width of the label column of the token facts.
const labelWidth = 10

// fact renders "Label     text" in st, wrapping a long text under itself.
func (r *renderer) fact(label string, st *paint, text string) {
	r.text(r.s.Label.Render(pad(label, labelWidth)), labelWidth, st, text)
}

// factLine renders "Label     value" for a value already styled; it is
// cut, not wrapped, when too long.
func (r *renderer) factLine(label, value string) {
	r.line(r.s.Label.Render(pad(label, labelWidth)) + value)
}

// text writes prefix then text in st, continuing a text that does not fit
// on lines indented by indent cells, broken between words. Each piece is
// styled on its own, so the colour survives the pane's border on every
// line.
func (r *renderer) text(prefix string, indent int, st *paint, text string) {
	r.wrap(prefix, indent, st, text, false)
}

// wrap is text; hard breaks at the width whatever the characters, for a
// token, which has no words. The text is shown through display.Text: it is
// most often a server's (a scope, a claim, an error), so every caller of
// text, fact and wrap passes it as received.
func (r *renderer) wrap(prefix string, indent int, st *paint, text string, hard bool) {
	text = display.Text(text)
	room := r.width - indent
	if room < 8 || ansi.StringWidth(text) <= room {
		r.line(prefix + st.Render(text))
		return
	}
	wrapped := ansi.Wrap(text, room, "")
	if hard {
		wrapped = ansi.Hardwrap(text, room, false)
	}
	parts := strings.Split(wrapped, "\n")
	r.line(prefix + st.Render(parts[0]))
	sp := strings.Repeat(" ", indent)
	for _, p := range parts[1:] {
		r.line(sp + st.Render(p))
	}
}

func pad(s string, w int) string {
	if n := w - ansi.StringWidth(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// stamp renders an instant as a local time with how long ago or ahead.
func stamp(now, t time.Time) string {
	return display.Time(t) + " · " + relative(now, t)
}
