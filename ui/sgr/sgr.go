// Package sgr reduces a lipgloss style to the escape codes (Select
// Graphic Rendition) it puts around one line of text, so that text drawn
// again on every frame costs string joins, not a lipgloss render that
// works out the same colour sequences and measures every line again. The
// list's rows, the panes' frames, the help line and the detail pane's
// content are joined so.
package sgr

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// Paint is a style's codes before and after the text.
type Paint struct{ Open, Close string }

const probe = "\x00"

// Of reduces st to its codes: what it renders around one character. The
// zero Paint when st does not render that character as it is.
func Of(st lipgloss.Style) Paint {
	r := st.Render(probe)
	i := strings.Index(r, probe)
	if i < 0 {
		return Paint{}
	}
	return Paint{Open: r[:i], Close: r[i+len(probe):]}
}

// Exact is Of(st) and whether the paint renders any one line of text
// exactly as st does: st neither cuts nor transforms, and styles the
// spaces as the rest of its text. A style that fills a width or aligns is
// not exact either, as the sample shows; padding is the same around any
// one line, inside the codes.
func Exact(st lipgloss.Style) (Paint, bool) {
	if st.GetMaxWidth() > 0 || st.GetTransform() != nil {
		return Paint{}, false
	}
	r := st.Render(probe)
	i := strings.Index(r, probe)
	if i < 0 {
		return Paint{}, false
	}
	p := Paint{Open: r[:i], Close: r[i+len(probe):]}
	const sample = " a b "
	return p, st.Render(sample) == p.Text(sample)
}

// Text is text in the paint.
func (p Paint) Text(text string) string { return p.Open + text + p.Close }

// Write writes text in the paint to b.
func (p Paint) Write(b *strings.Builder, text string) {
	b.WriteString(p.Open)
	b.WriteString(text)
	b.WriteString(p.Close)
}
