package detail

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/ui/sgr"
)

// paint is a style reduced to the escape codes it puts around one line of
// text, so the content, rendered again every second, joins strings where
// lipgloss would work out the colours' sequences and measure every line.
// A style those codes cannot stand for (one that fills a width, cuts or styles
// spaces apart) and text of several lines or none go through lipgloss.
type paint struct {
	st *lipgloss.Style
	sgr.Paint
	exact bool
}

func newPaint(st *lipgloss.Style) paint {
	p, exact := sgr.Exact(*st)
	return paint{st: st, Paint: p, exact: exact}
}

// Render renders text as the style does.
func (p *paint) Render(text string) string {
	if !p.exact || text == "" || strings.ContainsAny(text, "\n\r\t") {
		return p.st.Render(text)
	}
	return p.Text(text)
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
