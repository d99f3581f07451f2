package detail

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// paint is a style reduced to the escape codes it puts around one line of
// text, so the content, rendered again every second, joins strings where
// lipgloss would work out the colours' sequences and measure every line.
// A style those codes cannot stand for (one that pads, cuts or styles
// spaces apart) and text of several lines or none go through lipgloss.
type paint struct {
	st          *lipgloss.Style
	open, close string
	exact       bool
}

func newPaint(st *lipgloss.Style) paint {
	const probe = "\x00"
	p := paint{st: st}
	r := st.Render(probe)
	i := strings.Index(r, probe)
	if i < 0 || st.GetMaxWidth() > 0 || st.GetTransform() != nil {
		return p
	}
	p.open, p.close = r[:i], r[i+len(probe):]
	const sample = " a b "
	p.exact = st.Render(sample) == p.open+sample+p.close
	return p
}

// Render renders text as the style does.
func (p *paint) Render(text string) string {
	if !p.exact || text == "" || strings.ContainsAny(text, "\n\r\t") {
		return p.st.Render(text)
	}
	return p.open + text + p.close
}

// paints are the pane's Styles as paints, made when the styles are set.
type paints struct {
	Title, Badge, Section, Label, Value, Key, Muted, Secret paint
	Healthy, Warning, Danger, Busy                          paint
	BarEmpty, Error, Hint                                   paint
}

func newPaints(s *Styles) *paints {
	return &paints{
		Title: newPaint(&s.Title), Badge: newPaint(&s.Badge), Section: newPaint(&s.Section),
		Label: newPaint(&s.Label), Value: newPaint(&s.Value), Key: newPaint(&s.Key),
		Muted: newPaint(&s.Muted), Secret: newPaint(&s.Secret),
		Healthy: newPaint(&s.Healthy), Warning: newPaint(&s.Warning), Danger: newPaint(&s.Danger),
		Busy:     newPaint(&s.Busy),
		BarEmpty: newPaint(&s.BarEmpty), Error: newPaint(&s.Error), Hint: newPaint(&s.Hint),
	}
}
