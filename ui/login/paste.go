package login

import (
	"strings"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// maxPasted is the most of a pasted URL the input keeps, as tokenscope
// login reads at most 64 KiB of a pasted line.
const maxPasted = 64 << 10

// input is the one-line field the URL the browser was sent back to is
// pasted (or typed) into. Its text is hostile and carries the code: it
// is shown masked (oauth.MaskCallback) and made safe (display.Text),
// worked out once per change, not on every frame.
type input struct {
	value string
	shown string
}

// add appends rs, without the line breaks a paste ends with.
func (in *input) add(rs []rune) {
	s := strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, string(rs))
	if room := maxPasted - len(in.value); len(s) > room {
		s = s[:room]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1] // not half a rune
		}
	}
	if s != "" {
		in.set(in.value + s)
	}
}

// backspace removes the last rune.
func (in *input) backspace() {
	_, n := utf8.DecodeLastRuneInString(in.value)
	in.set(in.value[:len(in.value)-n])
}

func (in *input) set(v string) {
	in.value = v
	in.shown = display.Text(oauth.MaskCallback(v))
}

// edit applies km, a key typed into the field: runes and space add,
// backspace and ctrl+u (all of it) remove.
func (in *input) edit(km tea.KeyMsg) {
	switch km.Type {
	case tea.KeyRunes, tea.KeySpace:
		in.add(km.Runes)
	case tea.KeyBackspace:
		in.backspace()
	case tea.KeyCtrlU:
		in.set("")
	}
}

// view is the field in width cells: the prompt, then the end of the text
// (what was typed last) and the cursor.
func (in *input) view(width int, st *Styles) string {
	const prompt, cursor = "> ", "█"
	room := width - len(prompt) - 1
	s := in.shown
	if w := ansi.StringWidth(s); room > 1 && w > room {
		s = "…" + ansi.TruncateLeft(s, w-room+1, "")
	}
	return st.Prompt.Render(prompt) + st.Input.Render(s) + st.Prompt.Render(cursor)
}
