package themes

// base is the palette every other starts from: GitHub-like neutrals and
// status colours that hold their contrast on white and on near-black.
func base() Theme {
	return Theme{
		Text:          ac("#1F2328", "#E6EDF3"),
		Muted:         ac("#656D76", "#8B949E"),
		Accent:        ac("#0969DA", "#58A6FF"),
		AccentText:    ac("#FFFFFF", "#0D1117"),
		Border:        ac("#D0D7DE", "#3D444D"),
		Selection:     ac("#DDF4FF", "#1F2A3A"),
		SelectionText: ac("#1F2328", "#F0F6FC"),

		OK:      ac("#1A7F37", "#3FB950"),
		Warning: ac("#9A6700", "#D29922"),
		Danger:  ac("#CF222E", "#F85149"),
		Info:    ac("#0969DA", "#58A6FF"),

		ProgressHealthy: ac("#1A7F37", "#3FB950"),
		ProgressWarning: ac("#9A6700", "#D29922"),
		ProgressDanger:  ac("#CF222E", "#F85149"),
		ProgressTrack:   ac("#D0D7DE", "#30363D"),
	}
}

// Tokenscope is the default palette: a violet accent on the base
// neutrals, adapting to the terminal's background.
func Tokenscope() Theme {
	t := base()
	t.Name = "tokenscope"
	t.Description = "the default: violet accent, adapts to light and dark terminals"
	t.Accent = ac("#6D28D9", "#A78BFA")
	t.AccentText = ac("#FFFFFF", "#1E1B2E")
	t.Selection = ac("#EDE9FE", "#2E2650")
	t.SelectionText = ac("#2E1065", "#F5F3FF")
	t.Border = ac("#C4B5FD", "#4C3F7A")
	t.Info = ac("#0E7490", "#22D3EE")
	return t
}

// Light is for light terminals whose background tokenscope cannot detect:
// the light side of every colour, whatever the terminal reports.
func Light() Theme {
	t := base()
	t.Name = "light"
	t.Description = "dark text for light backgrounds, whatever the terminal reports"
	t.Text = fixed("#24292F")
	t.Muted = fixed("#57606A")
	t.Accent = fixed("#0550AE")
	t.AccentText = fixed("#FFFFFF")
	t.Border = fixed("#AFB8C1")
	t.Selection = fixed("#B6E3FF")
	t.SelectionText = fixed("#0A3069")
	t.OK = fixed("#116329")
	t.Warning = fixed("#7D4E00")
	t.Danger = fixed("#A40E26")
	t.Info = fixed("#0550AE")
	t.ProgressHealthy = fixed("#1A7F37")
	t.ProgressWarning = fixed("#BF8700")
	t.ProgressDanger = fixed("#CF222E")
	t.ProgressTrack = fixed("#D8DEE4")
	return t
}

// Dark is for dark terminals whose background tokenscope cannot detect:
// a Dracula-like palette, fixed whatever the terminal reports.
func Dark() Theme {
	t := base()
	t.Name = "dark"
	t.Description = "light text for dark backgrounds, whatever the terminal reports"
	t.Text = fixed("#F8F8F2")
	t.Muted = fixed("#9AA0B8")
	t.Accent = fixed("#FF79C6")
	t.AccentText = fixed("#282A36")
	t.Border = fixed("#6272A4")
	t.Selection = fixed("#44475A")
	t.SelectionText = fixed("#F8F8F2")
	t.OK = fixed("#50FA7B")
	t.Warning = fixed("#F1FA8C")
	t.Danger = fixed("#FF5555")
	t.Info = fixed("#8BE9FD")
	t.ProgressHealthy = fixed("#50FA7B")
	t.ProgressWarning = fixed("#FFB86C")
	t.ProgressDanger = fixed("#FF5555")
	t.ProgressTrack = fixed("#44475A")
	return t
}

// HighContrast uses the terminal's own bright ANSI colours, pure black and
// white, and a loud selection, for low vision and washed-out screens.
func HighContrast() Theme {
	t := base()
	t.Name = "high-contrast"
	t.Description = "bright ANSI colours on pure black or white, for low vision"
	t.Text = ac("0", "15")
	t.Muted = ac("0", "15")
	t.Accent = ac("4", "14")
	t.AccentText = ac("15", "0")
	t.Border = ac("0", "15")
	t.Selection = ac("0", "11")
	t.SelectionText = ac("15", "0")
	t.OK = ac("#005F00", "10")
	t.Warning = ac("5", "11")
	t.Danger = ac("1", "9")
	t.Info = ac("4", "14")
	t.ProgressHealthy = ac("#005F00", "10")
	t.ProgressWarning = ac("5", "11")
	t.ProgressDanger = ac("1", "9")
	t.ProgressTrack = ac("7", "8")
	return t
}

// Mono has no colour at all, for terminals and people that want none:
// every role keeps the terminal's own colours and Mono tells ui/styles to
// use bold, reverse and underline instead.
func Mono() Theme {
	return Theme{
		Name:        "mono",
		Description: "no colour: bold, reverse and underline only",
		Mono:        true,
	}
}
