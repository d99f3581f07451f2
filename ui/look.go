package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/confirm"
	"github.com/tokenscope/tokenscope/ui/detail"
	"github.com/tokenscope/tokenscope/ui/list"
	"github.com/tokenscope/tokenscope/ui/styles"
)

// look is every style of one theme: the styles package's groups and each
// child's share of them, built once per theme and held by pointer so the
// model stays small to copy.
type look struct {
	styles.Styles
	list    list.Styles
	detail  detail.Styles
	confirm confirm.Styles

	frames    map[frameKey]*frame // pane borders by focus and width
	helpCache helpCache
}

// applyTheme builds the styles of t once and hands each child its group.
func (m *Model) applyTheme(t themes.Theme) {
	m.theme = t
	l := &look{Styles: styles.New(t)}
	s := &l.Styles
	l.list, l.detail, l.confirm = listStyles(s), detailStyles(s), confirmStyles(s)
	m.styles = l
	m.list.SetStyles(&l.list)
	m.detail.SetStyles(&l.detail)
	if m.asking {
		m.confirm.Styles = &l.confirm
	}
	m.help.Styles = s.Help
	m.spinner.Style = s.Spinner
}

func listStyles(s *styles.Styles) list.Styles {
	return list.Styles{
		Title:        s.Detail.Section,
		Count:        s.List.Preset,
		Cursor:       s.Header.Title,
		Selected:     s.List.Selected,
		Name:         s.List.Name,
		Preset:       s.List.Preset,
		Muted:        s.List.Empty,
		Insecure:     s.Marks.Expiring.Style,
		Healthy:      s.Marks.Valid.Style,
		Warning:      s.Marks.Expiring.Style,
		Danger:       s.Marks.Expired.Style,
		Busy:         s.Marks.Fetching.Style,
		FilterPrompt: s.List.Prompt,
		FilterText:   s.List.Filter,
	}
}

func detailStyles(s *styles.Styles) detail.Styles {
	d := &s.Detail
	return detail.Styles{
		Title: d.Title, Badge: d.Badge, Section: d.Section, Label: d.Label, Value: d.Value,
		Key: d.Key, Muted: d.Muted, Secret: d.Secret,
		Healthy: s.Progress.Healthy, Warning: s.Progress.Warning, Danger: s.Progress.Danger,
		Busy: s.Spinner, BarEmpty: s.Progress.Track, Error: d.Error, Hint: d.Hint,
	}
}

func confirmStyles(s *styles.Styles) confirm.Styles {
	return confirm.Styles{Box: s.Dialog.Box, Question: s.Dialog.Title, Detail: s.Dialog.Text, Keys: s.Header.Subtitle}
}

// themeCount is how many themes there are to cycle through.
func (m *Model) themeCount() int { return len(themes.All()) }

// frame is a pane's border, rendered once per theme and width: drawing it
// by hand from pre-rendered pieces keeps a frame's cost to joining strings,
// where lipgloss would measure every cell of the content again.
type frame struct {
	top, bottom string
	left, right string
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
	b := s.GetBorderStyle()
	fg := lipgloss.NewStyle().Foreground(s.GetBorderTopForeground())
	f := &frame{
		top:    fg.Render(b.TopLeft + strings.Repeat(b.Top, w) + b.TopRight),
		bottom: fg.Render(b.BottomLeft + strings.Repeat(b.Bottom, w) + b.BottomRight),
		left:   fg.Render(b.Left),
		right:  fg.Render(b.Right),
	}
	if l.frames == nil {
		l.frames = map[frameKey]*frame{}
	}
	l.frames[k] = f
	return f
}
