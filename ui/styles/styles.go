// Package styles turns a themes.Theme into the styles of every part of the
// explorer, built once by New for one lipgloss renderer and passed down, in
// the way soft-serve's pkg/ui/styles DefaultStyles(r) does. Each component
// owns its Styles type (list.Styles, detail.Styles, form.Styles, ...); this
// package is the one place that fills them, so no component builds a
// colour and no style is copied from one group into another by hand.
package styles

import (
	"io"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/confirm"
	"github.com/tokenscope/tokenscope/ui/detail"
	"github.com/tokenscope/tokenscope/ui/exchanges"
	"github.com/tokenscope/tokenscope/ui/form"
	"github.com/tokenscope/tokenscope/ui/list"
	"github.com/tokenscope/tokenscope/ui/login"
	"github.com/tokenscope/tokenscope/ui/response"
	"github.com/tokenscope/tokenscope/ui/status"
	"github.com/tokenscope/tokenscope/ui/unlock"
)

// Styles is every style of the explorer, grouped by component.
type Styles struct {
	// Theme is the palette the styles are drawn in: the one asked for, or
	// Mono when the terminal has no colour.
	Theme themes.Theme
	// NoColour reports that the renderer's terminal takes no colour (its
	// profile is termenv.Ascii: NO_COLOR, CLICOLOR=0, a terminal without
	// colour). The styles are then Mono's bold, reverse and underline,
	// whatever theme was asked for.
	NoColour bool

	// Pane frames the list and the detail panes.
	Pane Pane
	// Header is the top line: the program's name, the store, the theme.
	Header Header
	// Status is the line under the panes that reports the last action.
	Status status.Styles
	// HelpPage is the full help page's title and column titles.
	HelpPage HelpPage
	// Help is the short and full help, in the bubbles help component's
	// own shape.
	Help help.Styles
	// Backdrop is the panes behind a question: plain text, dimmed.
	Backdrop lipgloss.Style
	// Spinner is the spinner shown while something runs.
	Spinner lipgloss.Style

	List    list.Styles
	Detail  detail.Styles
	Form    form.Styles
	Unlock  unlock.Styles
	Confirm confirm.Styles
	// Response is the try request's response view, its JSON highlighted
	// by role.
	Response response.Styles
	// Exchanges is the exchange log pane.
	Exchanges exchanges.Styles
	// Login is the sign-in pane of a browser or device login.
	Login login.Styles
}

// Pane is the frame of a pane, focused or not.
type Pane struct {
	Focused, Blurred Frame
	// More is the count of lines off the pane, set in its frame.
	More lipgloss.Style
}

// Frame is a pane's border: its glyphs and the style of its lines.
type Frame struct {
	Border lipgloss.Border
	Style  lipgloss.Style
}

// Header is the top line of the screen.
type Header struct {
	Title    lipgloss.Style // "tokenscope"
	Subtitle lipgloss.Style // the store directory, the theme
	Badge    lipgloss.Style // a short highlighted word such as DEMO
}

// HelpPage is the full help page: every key of the main screen, those
// that do nothing at the moment dimmed.
type HelpPage struct {
	Title       lipgloss.Style // "Keys"
	Note        lipgloss.Style // what the page lists
	Section     lipgloss.Style // a column's title
	Key         lipgloss.Style // a key that works now
	Desc        lipgloss.Style // what it does
	Unavailable lipgloss.Style // a key, and what it does, that does nothing now
}

// New builds the styles of theme t for the terminal of renderer r (nil
// means lipgloss's default renderer). Call it once per theme change and
// pass the result down; lipgloss styles are values, safe to share.
//
// When r's terminal takes no colour, the styles are Mono's whatever t is,
// drawn with a renderer that keeps bold, reverse and underline: termenv's
// Ascii profile drops every attribute along with the colours, which would
// make the focused pane, the selected row and an error look alike.
func New(t themes.Theme, r *lipgloss.Renderer) *Styles {
	if r == nil {
		r = lipgloss.DefaultRenderer()
	}
	s := &Styles{Theme: t}
	if r.ColorProfile() == termenv.Ascii {
		s.NoColour, s.Theme, r = true, themes.Mono(), attributesOnly()
	}
	t = s.Theme
	p := newPalette(t, r)

	s.Pane = newPane(t, r)
	s.Pane.More = p.muted
	s.Header = Header{Title: p.title, Subtitle: p.muted, Badge: p.badge}
	s.Status = status.Styles{Info: p.info, Success: p.ok, Warning: p.warning, Error: p.danger}
	s.Help = newHelp(t, r)
	s.HelpPage = HelpPage{Title: p.title, Note: p.muted, Section: p.section,
		Key: s.Help.FullKey, Desc: p.text, Unavailable: p.dim}
	s.Spinner = r.NewStyle().Foreground(t.Info)
	s.Backdrop = p.dim
	if t.Mono {
		s.Backdrop = s.Backdrop.UnsetItalic() // faint only: italic everywhere is noise
	}

	s.List = list.Styles{
		Title:        p.section,
		Count:        p.muted,
		Cursor:       p.title,
		Selected:     p.selected,
		Row:          p.row,
		Name:         p.text.Bold(true),
		Preset:       p.muted,
		Muted:        p.muted.Italic(true),
		Insecure:     p.warning,
		Healthy:      p.ok,
		Warning:      p.warning,
		Danger:       p.danger,
		Busy:         p.info,
		FilterPrompt: p.accent.Bold(true),
		FilterText:   p.accent,
	}
	pr := newProgress(t, r)
	s.Detail = detail.Styles{
		Title:    p.title,
		Badge:    p.badge,
		Section:  p.section,
		Label:    p.muted,
		Value:    p.text,
		Key:      p.accent,
		Muted:    p.muted,
		Secret:   p.text.Italic(true),
		Healthy:  pr.healthy,
		Warning:  pr.warning,
		Danger:   pr.danger,
		Busy:     s.Spinner,
		BarEmpty: pr.track,
		Error:    p.danger,
		Hint:     p.info.Italic(true),
	}
	s.Form = form.Styles{
		Title:         p.title,
		Label:         p.muted,
		FocusedLabel:  p.accent.Bold(true),
		FocusedPrompt: p.accent.Bold(true),
		Text:          p.text,
		Placeholder:   p.muted.Faint(true),
		Cursor:        r.NewStyle().Foreground(t.Accent),
		Choice:        p.text,
		FocusedChoice: p.accent.Bold(true),
		Arrow:         p.accent,
		Error:         p.danger,
		Hint:          p.muted,
		Scroll:        p.muted.Italic(true),
	}
	if t.Mono {
		s.Form.FocusedLabel = s.Form.FocusedLabel.Underline(true)
	}
	s.Unlock = unlock.Styles{
		Box:    r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Accent).Padding(1, 3),
		Title:  p.title,
		Text:   p.text,
		Label:  p.muted,
		Prompt: p.accent.Bold(true),
		Input:  p.text,
		Error:  p.danger,
		Hint:   p.muted.Italic(true),
		Busy:   p.info,
	}
	s.Login = login.Styles{
		Title:   p.title,
		Text:    p.text,
		Label:   p.muted,
		URL:     p.accent,
		Code:    p.title.Bold(true),
		Hint:    p.muted.Italic(true),
		Spinner: s.Spinner,
		Prompt:  p.accent.Bold(true),
		Input:   p.text,
		Error:   p.danger,
	}
	s.Confirm = confirm.Styles{
		Box:      r.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(t.Accent).Padding(1, 2),
		Question: p.title,
		Detail:   p.text,
		Keys:     p.muted,
	}
	s.Response = response.Styles{
		Success:     p.ok.Bold(true),
		Redirect:    p.info.Bold(true),
		Failure:     p.danger,
		Method:      p.accent.Bold(true),
		URL:         p.text,
		Muted:       p.muted,
		Section:     p.section,
		Header:      p.accent,
		Text:        p.text,
		Key:         p.accent,
		String:      p.ok,
		Number:      p.info,
		Literal:     p.warning,
		Punctuation: p.muted,
	}
	if t.Mono {
		// Without colour, a member's name stands out by weight, a string
		// by nothing: the body stays readable rather than loud.
		s.Response.Key = p.text.Bold(true)
		s.Response.String, s.Response.Number, s.Response.Literal = p.text, p.text, p.text.Italic(true)
	}
	s.Exchanges = exchanges.Styles{
		Title:    p.accent.Bold(true),
		Request:  p.muted,
		Response: p.text,
		Failure:  p.danger,
		Muted:    p.muted.Italic(true),
	}
	return s
}

// attributesOnly is a renderer that writes SGR attributes (bold, reverse,
// underline, faint) and, given the Mono palette, no colour at all. Its
// profile is set, not read from the environment, so NO_COLOR does not turn
// it back into Ascii.
func attributesOnly() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI)
	r.SetHasDarkBackground(true) // Mono has no colour to choose between
	return r
}

func newPane(t themes.Theme, r *lipgloss.Renderer) Pane {
	p := Pane{
		Focused: Frame{Border: lipgloss.RoundedBorder(), Style: r.NewStyle().Foreground(t.Accent)},
		Blurred: Frame{Border: lipgloss.RoundedBorder(), Style: r.NewStyle().Foreground(t.Border)},
	}
	if t.Mono {
		// Without colour the focused pane is told by its heavier lines.
		p.Focused = Frame{Border: lipgloss.ThickBorder(), Style: r.NewStyle().Bold(true)}
		p.Blurred.Style = p.Blurred.Style.Faint(true)
	}
	return p
}
