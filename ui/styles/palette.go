package styles

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/themes"
)

// palette is the handful of role styles the groups are made of. In a mono
// theme the colours are empty and the attributes carry the meaning.
type palette struct {
	text, muted, accent, title, section, badge, selected lipgloss.Style
	ok, warning, danger, info                            lipgloss.Style
}

func newPalette(t themes.Theme) palette {
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	p := palette{
		text:     fg(t.Text),
		muted:    fg(t.Muted),
		accent:   fg(t.Accent),
		title:    fg(t.Accent).Bold(true),
		section:  fg(t.Accent).Bold(true),
		badge:    lipgloss.NewStyle().Foreground(t.AccentText).Background(t.Accent).Bold(true).Padding(0, 1),
		selected: lipgloss.NewStyle().Foreground(t.SelectionText).Background(t.Selection).Bold(true),
		ok:       fg(t.OK),
		warning:  fg(t.Warning).Bold(true),
		danger:   fg(t.Danger).Bold(true),
		info:     fg(t.Info),
	}
	if t.Mono {
		p.muted = p.muted.Faint(true)
		p.accent = p.accent.Bold(true)
		p.title = p.title.Underline(true)
		p.section = p.section.Underline(true)
		p.badge = p.badge.Reverse(true)
		p.selected = p.selected.Reverse(true)
		p.warning = p.warning.Underline(true)
		p.danger = p.danger.Reverse(true)
	}
	return p
}

// Mark is one provider status: a glyph with a word for it, so the status
// reads in a narrow column, in a mono theme and to a screen reader.
type Mark struct {
	Glyph string
	Label string
	Style lipgloss.Style
}

// Render draws the mark's glyph in its style.
func (m Mark) Render() string { return m.Style.Render(m.Glyph) }

// Marks are the status marks of a provider.
type Marks struct {
	Valid    Mark // a token with time left
	Expiring Mark // a token close to its expiry
	Expired  Mark // a token past its expiry
	NoToken  Mark // never fetched, or logged out
	Fetching Mark // a request under way
	Failed   Mark // the last request failed
}

func newMarks(t themes.Theme, p palette) Marks {
	return Marks{
		Valid:    Mark{Glyph: "●", Label: "valid", Style: p.ok},
		Expiring: Mark{Glyph: "◐", Label: "expiring", Style: p.warning},
		Expired:  Mark{Glyph: "○", Label: "expired", Style: p.danger},
		NoToken:  Mark{Glyph: "·", Label: "no token", Style: p.muted},
		Fetching: Mark{Glyph: "↻", Label: "fetching", Style: p.info},
		Failed:   Mark{Glyph: "✗", Label: "failed", Style: p.danger},
	}
}

func newProgress(t themes.Theme) Progress {
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	pr := Progress{
		Healthy: fg(t.ProgressHealthy),
		Warning: fg(t.ProgressWarning),
		Danger:  fg(t.ProgressDanger),
		Track:   fg(t.ProgressTrack),
		Full:    '█',
		Empty:   '░',
	}
	if t.Mono {
		pr.Warning = pr.Warning.Bold(true)
		pr.Danger = pr.Danger.Bold(true)
		pr.Track = pr.Track.Faint(true)
	}
	return pr
}

func newHelp(t themes.Theme) help.Styles {
	key := lipgloss.NewStyle().Foreground(t.Accent)
	desc := lipgloss.NewStyle().Foreground(t.Muted)
	sep := lipgloss.NewStyle().Foreground(t.Border)
	if t.Mono {
		key = key.Bold(true)
		desc = desc.Faint(true)
		sep = sep.Faint(true)
	}
	return help.Styles{
		Ellipsis:       sep,
		ShortKey:       key,
		ShortDesc:      desc,
		ShortSeparator: sep,
		FullKey:        key,
		FullDesc:       desc,
		FullSeparator:  sep,
	}
}
