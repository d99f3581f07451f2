// Package styles turns a themes.Theme into the lipgloss styles of every
// part of the explorer, built once by New and passed down to the
// components, in the way soft-serve's pkg/ui/styles does. Components read
// their group (List, Detail, Form, ...) and never build colours themselves.
package styles

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/themes"
)

// Styles is every style of the explorer, grouped by component.
type Styles struct {
	// Theme is the palette the styles were built from.
	Theme themes.Theme

	// App frames the whole screen.
	App lipgloss.Style
	// Pane frames the list and the detail panes.
	Pane Pane
	// Header is the top line: the program's name, the store, the theme.
	Header Header
	// StatusBar is the line under the panes that reports the last action.
	StatusBar StatusBar
	// List is the provider list.
	List List
	// Detail is the pane about the selected provider.
	Detail Detail
	// Marks are the status glyphs of a provider.
	Marks Marks
	// Progress is the token lifetime bar.
	Progress Progress
	// Form is the add and edit form.
	Form Form
	// Unlock is the unlock and first-run screen.
	Unlock Unlock
	// Help is the short and full help, in the bubbles help component's
	// own shape.
	Help help.Styles
	// Dialog is a question that needs an answer: delete, logout.
	Dialog Dialog
	// Spinner is the spinner shown while something runs.
	Spinner lipgloss.Style
}

// Pane frames one pane; the focused pane's border is the accent colour.
type Pane struct {
	Focused lipgloss.Style
	Blurred lipgloss.Style
}

// Header is the top line of the screen.
type Header struct {
	Bar      lipgloss.Style
	Title    lipgloss.Style // "tokenscope"
	Subtitle lipgloss.Style // the store directory, "demo"
	Badge    lipgloss.Style // a short highlighted word such as DEMO
}

// StatusBar is the line that reports the last action's outcome.
type StatusBar struct {
	Bar   lipgloss.Style
	Text  lipgloss.Style
	OK    lipgloss.Style // "copied the bearer header (valid 4m 12s)"
	Error lipgloss.Style // a failure, never swallowed
	Info  lipgloss.Style // something under way
	Key   lipgloss.Style // a key named in a message
}

// List is the provider list.
type List struct {
	Header    lipgloss.Style // column titles
	Row       lipgloss.Style
	Selected  lipgloss.Style // the whole selected row
	Name      lipgloss.Style
	Preset    lipgloss.Style
	Countdown lipgloss.Style
	Expired   lipgloss.Style // a countdown that has run out
	Filter    lipgloss.Style // the filter text
	Prompt    lipgloss.Style // the filter prompt "/"
	Empty     lipgloss.Style // "no providers yet"
}

// Detail is the pane about the selected provider.
type Detail struct {
	Title   lipgloss.Style // the provider's name
	Badge   lipgloss.Style // its preset
	Section lipgloss.Style // "JWT claims", "History"
	Label   lipgloss.Style // "Expires"
	Value   lipgloss.Style
	Key     lipgloss.Style // a claim or field name
	Muted   lipgloss.Style
	Secret  lipgloss.Style // the masked or revealed token
	OK      lipgloss.Style // "verified"
	Warning lipgloss.Style
	Error   lipgloss.Style
	Hint    lipgloss.Style
}

// Progress is the lifetime bar: its fill takes the colour of the level the
// token is at.
type Progress struct {
	Healthy lipgloss.Style
	Warning lipgloss.Style
	Danger  lipgloss.Style
	Track   lipgloss.Style // the unfilled part
	// Full and Empty are the cells of the filled and unfilled parts; they
	// differ in shape so the bar reads without colour.
	Full, Empty rune
}

// Dialog is a modal question.
type Dialog struct {
	Box          lipgloss.Style
	Title        lipgloss.Style
	Text         lipgloss.Style
	Button       lipgloss.Style
	ActiveButton lipgloss.Style
}

// New builds the styles of a theme. Call it once per theme change and pass
// the result down; lipgloss styles are values, so it is safe to share.
func New(t themes.Theme) Styles {
	p := newPalette(t)
	s := Styles{Theme: t}

	s.App = lipgloss.NewStyle().Foreground(t.Text)
	s.Pane = Pane{
		Focused: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Accent),
		Blurred: lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Border),
	}
	s.Header = Header{
		Bar:      lipgloss.NewStyle().Padding(0, 1),
		Title:    p.title,
		Subtitle: p.muted,
		Badge:    p.badge,
	}
	s.StatusBar = StatusBar{
		Bar:   lipgloss.NewStyle().Padding(0, 1),
		Text:  p.text,
		OK:    p.ok,
		Error: p.danger,
		Info:  p.info,
		Key:   p.accent.Bold(true),
	}
	s.List = List{
		Header:    p.muted.Bold(true),
		Row:       p.text,
		Selected:  p.selected,
		Name:      p.text.Bold(true),
		Preset:    p.muted,
		Countdown: p.text,
		Expired:   p.danger,
		Filter:    p.accent,
		Prompt:    p.accent.Bold(true),
		Empty:     p.muted.Italic(true),
	}
	s.Detail = Detail{
		Title:   p.title,
		Badge:   p.badge,
		Section: p.section,
		Label:   p.muted,
		Value:   p.text,
		Key:     p.accent,
		Muted:   p.muted,
		Secret:  p.text.Italic(true),
		OK:      p.ok,
		Warning: p.warning,
		Error:   p.danger,
		Hint:    p.info.Italic(true),
	}
	s.Marks = newMarks(t, p)
	s.Progress = newProgress(t)
	s.Form = newForm(t, p)
	s.Unlock = newUnlock(t, p)
	s.Help = newHelp(t)
	s.Dialog = Dialog{
		Box:          lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Accent).Padding(1, 2),
		Title:        p.title,
		Text:         p.text,
		Button:       lipgloss.NewStyle().Foreground(t.Muted).Padding(0, 2),
		ActiveButton: p.badge.Padding(0, 2),
	}
	s.Spinner = lipgloss.NewStyle().Foreground(t.Info)
	return s
}

// Form is the add and edit provider form.
type Form struct {
	Title         lipgloss.Style // "Add a provider"
	Doc           lipgloss.Style // the chosen preset's note
	Label         lipgloss.Style
	FocusedLabel  lipgloss.Style
	Prompt        lipgloss.Style // the marker before a blurred field
	FocusedPrompt lipgloss.Style // the marker before the focused field
	Text          lipgloss.Style // what the user typed
	Placeholder   lipgloss.Style
	Cursor        lipgloss.Style
	Choice        lipgloss.Style // the value of a field cycled with left/right
	FocusedChoice lipgloss.Style
	Arrow         lipgloss.Style // the ‹ › around a focused choice
	Error         lipgloss.Style // the message under a refused field
	Hint          lipgloss.Style // a note under a field
	Scroll        lipgloss.Style // "↑ 3 more" when the form scrolls
}

// Unlock is the unlock and first-run screen.
type Unlock struct {
	Box    lipgloss.Style
	Title  lipgloss.Style
	Text   lipgloss.Style
	Label  lipgloss.Style
	Prompt lipgloss.Style
	Input  lipgloss.Style
	Error  lipgloss.Style
	Hint   lipgloss.Style
	Busy   lipgloss.Style // the spinner and its text
}

func newForm(t themes.Theme, p palette) Form {
	f := Form{
		Title:         p.title,
		Doc:           p.muted.Italic(true),
		Label:         p.muted,
		FocusedLabel:  p.accent.Bold(true),
		Prompt:        p.muted,
		FocusedPrompt: p.accent.Bold(true),
		Text:          p.text,
		Placeholder:   p.muted.Faint(true),
		Cursor:        lipgloss.NewStyle().Foreground(t.Accent),
		Choice:        p.text,
		FocusedChoice: p.accent.Bold(true),
		Arrow:         p.accent,
		Error:         p.danger,
		Hint:          p.muted,
		Scroll:        p.muted.Italic(true),
	}
	if t.Mono {
		f.FocusedLabel = f.FocusedLabel.Underline(true)
	}
	return f
}

func newUnlock(t themes.Theme, p palette) Unlock {
	return Unlock{
		Box:    lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Accent).Padding(1, 3),
		Title:  p.title,
		Text:   p.text,
		Label:  p.muted,
		Prompt: p.accent.Bold(true),
		Input:  p.text,
		Error:  p.danger,
		Hint:   p.muted.Italic(true),
		Busy:   p.info,
	}
}
