package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"

	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/confirm"
	"github.com/tokenscope/tokenscope/ui/detail"
	"github.com/tokenscope/tokenscope/ui/list"
	"github.com/tokenscope/tokenscope/ui/status"
)

// component is what the root asks of every child it composes: the keys it
// offers, for the help, and its size. A child that takes focus or shows
// the time also has SetFocused or SetNow. The root loops over its
// children for these instead of naming each one.
type component interface {
	help.KeyMap
	SetSize(w, h int)
}

type (
	focusable interface{ SetFocused(bool) }
	clocked   interface{ SetNow(time.Time) }
)

// The panes and the dialog keep their bindings in a KeyMap field; these
// views of them are components.
type (
	listPane   struct{ *list.Model }
	detailPane struct{ *detail.Model }
	dialog     struct{ *confirm.Model }
)

func (p listPane) ShortHelp() []key.Binding    { return p.KeyMap.ShortHelp() }
func (p listPane) FullHelp() [][]key.Binding   { return p.KeyMap.FullHelp() }
func (p detailPane) ShortHelp() []key.Binding  { return p.KeyMap.ShortHelp() }
func (p detailPane) FullHelp() [][]key.Binding { return p.KeyMap.FullHelp() }
func (d dialog) ShortHelp() []key.Binding      { return d.KeyMap.ShortHelp() }
func (d dialog) FullHelp() [][]key.Binding     { return d.KeyMap.FullHelp() }

// placed is a child with the size the layout gives it.
type placed struct {
	c    component
	w, h int
}

// children are the children alive now, each with its size in g.
func (m *Model) children(g geometry) []placed {
	ps := make([]placed, 0, 6)
	ps = append(ps, placed{listPane{m.list}, g.listW, g.listH}, placed{detailPane{m.detail}, g.detW, g.detH},
		placed{m.status, m.width, 1})
	if m.asking {
		ps = append(ps, placed{dialog{m.confirm}, m.width, g.bodyH})
	}
	if m.unlock != nil {
		ps = append(ps, placed{m.unlock, m.width, g.bodyH})
	}
	if m.response != nil {
		ps = append(ps, placed{m.response, m.width - g.frameW, g.bodyH - g.frameH})
	}
	if g.logH > 0 {
		ps = append(ps, placed{m.exlog, m.width - g.frameW, g.logH - g.frameH})
	}
	if m.form != nil {
		ps = append(ps, placed{m.form, m.width - 2, g.bodyH}) // one column in from each edge
	}
	return ps
}

// focused is the child that gets the remaining keys.
func (m *Model) focused() component {
	switch {
	case m.screen == screenUnlock && m.unlock != nil:
		return m.unlock
	case m.screen == screenForm && m.form != nil:
		return m.form
	case m.asking:
		return dialog{m.confirm}
	case m.response != nil && m.screen == screenMain:
		return m.response
	case m.focus == focusDetail:
		return detailPane{m.detail}
	}
	return listPane{m.list}
}

// layout gives every child its size.
func (m *Model) layout() {
	if m.width == 0 {
		return
	}
	g := m.geometry()
	m.laidOut = g
	for _, p := range m.children(g) {
		p.c.SetSize(p.w, p.h)
	}
	m.help.Width = m.width
}

// setNow gives every child that shows time the clock's new reading.
func (m *Model) setNow(now time.Time) {
	m.now = now
	for _, p := range m.children(m.laidOut) {
		if c, ok := p.c.(clocked); ok {
			c.SetNow(now)
		}
	}
}

// setFocus moves the keys between the panes.
func (m *Model) setFocus(f focus) {
	m.focus = f
	in := m.focused()
	for _, p := range m.children(m.laidOut) {
		if c, ok := p.c.(focusable); ok {
			c.SetFocused(p.c == in)
		}
	}
}

// setTheme builds t's styles and hands every child its share.
func (m *Model) setTheme(t themes.Theme) {
	m.applyTheme(t)
	m.viewRev++
}

// setStatus shows the result of the user's own action that concerns no
// one provider.
func (m *Model) setStatus(k status.Kind, text string) { m.setStatusOf("", k, text) }

// setStatusOf shows the result of the user's own action on the named
// provider.
func (m *Model) setStatusOf(name string, k status.Kind, text string) {
	m.status.SetNow(m.clock())
	m.status.Show(status.Msg{Kind: k, Text: text, Provider: name})
}
