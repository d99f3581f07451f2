package form

// The form's keys: its bindings, the help it offers, and which keys are
// enabled for the row in focus.

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the form's key bindings.
type KeyMap struct {
	// Next moves to the next field; enter on the last field submits.
	Next key.Binding
	// Prev moves to the previous field.
	Prev key.Binding
	// CycleNext and CyclePrev change the value of a choice field (the
	// preset, the grant).
	CycleNext key.Binding
	CyclePrev key.Binding
	// Reveal shows or masks the focused secret.
	Reveal key.Binding
	// Submit validates and saves from any field.
	Submit key.Binding
	// Cancel leaves the form without saving, asking first when a row
	// was changed.
	Cancel key.Binding
	// Discard and Keep answer that question.
	Discard key.Binding
	Keep    key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Next:      key.NewBinding(key.WithKeys("tab", "down", "enter"), key.WithHelp("tab/↓", "next")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous")),
		CycleNext: key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "next choice")),
		CyclePrev: key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "previous choice")),
		Reveal:    key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "show/hide secret")),
		Submit:    key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save")),
		Cancel:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Discard:   key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "discard")),
		Keep:      key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "keep editing")),
	}
}

// ShortHelp returns the bindings for the short help line, the ones that
// do nothing on the focused field left out.
// Save comes first and cancel last: the line is cut from the one before
// the last when it is too narrow.
func (m Model) ShortHelp() []key.Binding {
	k := m.KeyMap
	if m.asking {
		return []key.Binding{k.Discard, k.Keep}
	}
	move := k.Next
	move.SetHelp("tab/shift+tab", "next/previous")
	cycle := k.CycleNext
	cycle.SetHelp("←/→", "choose")
	cycle.SetEnabled(k.CycleNext.Enabled())
	return []key.Binding{k.Submit, move, cycle, k.Reveal, k.Cancel}
}

// FullHelp returns every binding, grouped.
func (m Model) FullHelp() [][]key.Binding {
	k := m.KeyMap
	if m.asking {
		return [][]key.Binding{{k.Discard, k.Keep}}
	}
	return [][]key.Binding{
		{k.Next, k.Prev},
		{k.CyclePrev, k.CycleNext, k.Reveal},
		{k.Submit, k.Cancel},
	}
}

// updateKeys enables the bindings that apply to the focused field.
func (m *Model) updateKeys() {
	f := &m.fields[m.focus]
	m.KeyMap.CycleNext.SetEnabled(f.kind == kindChoice)
	m.KeyMap.CyclePrev.SetEnabled(f.kind == kindChoice)
	m.KeyMap.Reveal.SetEnabled(f.kind == kindSecret || f.kind == kindHeaders)
	for _, b := range []*key.Binding{&m.KeyMap.Next, &m.KeyMap.Prev, &m.KeyMap.Submit, &m.KeyMap.Cancel} {
		b.SetEnabled(!m.asking)
	}
	if m.asking {
		m.KeyMap.CycleNext.SetEnabled(false)
		m.KeyMap.CyclePrev.SetEnabled(false)
		m.KeyMap.Reveal.SetEnabled(false)
	}
	m.KeyMap.Discard.SetEnabled(m.asking)
	m.KeyMap.Keep.SetEnabled(m.asking)
}
