// Package themes holds tokenscope's colour palettes. A Theme is plain data:
// lipgloss.AdaptiveColor values for each role the interface needs, so one
// palette reads well on light and dark terminals alike. The ui/styles
// package turns a Theme into lipgloss styles; nothing here renders.
//
// Every palette starts from base() and overrides what it changes, in the
// way huh's ThemeBase and ThemeCharm do.
package themes

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
)

// DefaultName is the name of the theme used when none is chosen.
const DefaultName = "tokenscope"

// Theme is one palette. The zero colour (an AdaptiveColor with both sides
// empty) means "the terminal's own colour": the mono theme uses it for
// every role.
type Theme struct {
	// Name is the key used by --theme and remembered in the store.
	Name string
	// Description says in a few words what the palette is for.
	Description string
	// Mono reports that the palette has no colour at all; styles then tell
	// roles apart with bold, reverse, underline and faint text instead.
	Mono bool

	// Text is ordinary text.
	Text lipgloss.AdaptiveColor
	// Muted is secondary text: labels, hints, timestamps.
	Muted lipgloss.AdaptiveColor
	// Accent marks what matters most on screen: titles, the focused field.
	Accent lipgloss.AdaptiveColor
	// AccentText is text drawn on an Accent background.
	AccentText lipgloss.AdaptiveColor
	// Border draws pane and dialog borders.
	Border lipgloss.AdaptiveColor
	// Selection is the background of the selected row.
	Selection lipgloss.AdaptiveColor
	// SelectionText is text on the Selection background.
	SelectionText lipgloss.AdaptiveColor

	// OK marks a valid token and successful actions.
	OK lipgloss.AdaptiveColor
	// Warning marks a token that expires soon.
	Warning lipgloss.AdaptiveColor
	// Danger marks an expired token and failures.
	Danger lipgloss.AdaptiveColor
	// Info marks neutral news: fetching, copied, hints.
	Info lipgloss.AdaptiveColor

	// ProgressHealthy fills the lifetime bar while most of it is left.
	ProgressHealthy lipgloss.AdaptiveColor
	// ProgressWarning fills the bar when the token is expiring.
	ProgressWarning lipgloss.AdaptiveColor
	// ProgressDanger fills the bar when a refresh is due or overdue.
	ProgressDanger lipgloss.AdaptiveColor
	// ProgressTrack is the unfilled part of the bar.
	ProgressTrack lipgloss.AdaptiveColor
}

// ac is shorthand for an adaptive colour: the first value for light
// backgrounds, the second for dark ones.
func ac(light, dark string) lipgloss.AdaptiveColor {
	return lipgloss.AdaptiveColor{Light: light, Dark: dark}
}

// fixed is one colour whatever the background, for palettes that pick the
// background themselves.
func fixed(c string) lipgloss.AdaptiveColor { return ac(c, c) }

// All returns every palette, the default first. Each call returns fresh
// values the caller may change.
func All() []Theme {
	return []Theme{
		Tokenscope(),
		Light(),
		Dark(),
		HighContrast(),
		Mono(),
	}
}

// Names returns the names of All, in the same order.
func Names() []string {
	all := All()
	names := make([]string, len(all))
	for i, t := range all {
		names[i] = t.Name
	}
	return names
}

// Lookup finds a palette by name, ignoring case and surrounding space.
func Lookup(name string) (Theme, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, t := range All() {
		if t.Name == name {
			return t, true
		}
	}
	return Theme{}, false
}

// Default returns the palette used when none is chosen.
func Default() Theme { return Tokenscope() }

// Next returns the palette after the named one in All, wrapping around, so
// a key can cycle through themes. An unknown name yields the default.
func Next(name string) Theme {
	all := All()
	name = strings.ToLower(strings.TrimSpace(name))
	for i, t := range all {
		if t.Name == name {
			return all[(i+1)%len(all)]
		}
	}
	return all[0]
}
