package styles

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/themes"
)

// palette is the handful of role styles the groups are made of. In a mono
// theme the colours are empty and the attributes carry the meaning.
type palette struct {
	text, muted, dim, accent, title, section, badge, selected, row lipgloss.Style
	ok, warning, danger, info                                      lipgloss.Style
}

func newPalette(t themes.Theme, r *lipgloss.Renderer) palette {
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return r.NewStyle().Foreground(c) }
	p := palette{
		text:     fg(t.Text),
		muted:    fg(t.Muted),
		dim:      fg(t.Border),
		accent:   fg(t.Accent),
		title:    fg(t.Accent).Bold(true),
		section:  fg(t.Accent).Bold(true),
		badge:    r.NewStyle().Foreground(t.AccentText).Background(t.Accent).Bold(true).Padding(0, 1),
		selected: r.NewStyle().Foreground(t.SelectionText).Background(t.Selection).Bold(true),
		row:      r.NewStyle().Background(t.Selection),
		ok:       fg(t.OK),
		warning:  fg(t.Warning).Bold(true),
		danger:   fg(t.Danger).Bold(true),
		info:     fg(t.Info),
	}
	if t.Border == t.Text {
		// A palette that draws lines and text alike (high contrast) dims
		// by the attribute.
		p.dim = p.dim.Faint(true)
	}
	if t.Mono {
		p.muted = p.muted.Faint(true)
		p.dim = p.dim.Faint(true).Italic(true)
		p.accent = p.accent.Bold(true)
		p.title = p.title.Underline(true)
		p.section = p.section.Underline(true)
		p.badge = p.badge.Reverse(true)
		p.selected = p.selected.Reverse(true)
		p.row = p.row.Reverse(true)
		p.warning = p.warning.Underline(true)
		p.danger = p.danger.Reverse(true)
	}
	return p
}

// progress is the lifetime bar's styles: its fill takes the colour of the
// level the token is at.
type progress struct {
	healthy, warning, danger, track lipgloss.Style
}

func newProgress(t themes.Theme, r *lipgloss.Renderer) progress {
	fg := func(c lipgloss.AdaptiveColor) lipgloss.Style { return r.NewStyle().Foreground(c) }
	pr := progress{
		healthy: fg(t.ProgressHealthy),
		warning: fg(t.ProgressWarning),
		danger:  fg(t.ProgressDanger),
		track:   fg(t.ProgressTrack),
	}
	if t.Mono {
		pr.warning = pr.warning.Bold(true)
		pr.danger = pr.danger.Bold(true)
		pr.track = pr.track.Faint(true)
	}
	return pr
}

func newHelp(t themes.Theme, r *lipgloss.Renderer) help.Styles {
	key := r.NewStyle().Foreground(t.Accent)
	desc := r.NewStyle().Foreground(t.Muted)
	sep := r.NewStyle().Foreground(t.Border)
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
