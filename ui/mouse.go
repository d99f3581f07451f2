package ui

import (
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// rect is a pane's place on the screen, frame included: its top left
// cell and its size.
type rect struct{ x, y, w, h int }

func (r rect) has(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

// panes are where panesView draws the list and the detail pane in the body,
// from the same geometry: the body's first line is y 0.
func (g geometry) panes() (lst, det rect) {
	lst = rect{0, 0, g.listW + g.frameW, g.listH + g.frameH}
	if g.wide {
		return lst, rect{lst.w, 0, g.detW + g.frameW, g.detH + g.frameH}
	}
	return lst, rect{0, lst.h, g.detW + g.frameW, g.detH + g.frameH}
}

// mouse routes a mouse event on the main screen by the layout as drawn: a
// click on a pane gives it the keyboard (and on a row of the list, selects
// it); the wheel scrolls the pane under the pointer. The pane gets the
// event in its own cells, inside its frame. Elsewhere (a dialog, the
// help, the form) the mouse does nothing.
func (m *Model) mouse(mm tea.MouseMsg) tea.Cmd {
	if m.screen != screenMain || m.asking || m.showHelp || m.width == 0 {
		return nil
	}
	click := mm.Action == tea.MouseActionPress && mm.Button == tea.MouseButtonLeft
	if !click && !tea.MouseEvent(mm).IsWheel() {
		return nil
	}
	g := m.geometry()
	top := lipgloss.Height(m.headerView()) // the body starts under the header
	lst, det := g.panes()
	b := m.styles.Pane.Focused.Border
	inner := func(r rect) tea.MouseMsg {
		in := mm
		in.X, in.Y = mm.X-r.x-b.GetLeftSize(), mm.Y-top-r.y-b.GetTopSize()
		return in
	}
	var cmd tea.Cmd
	switch x, y := mm.X, mm.Y-top; {
	case lst.has(x, y):
		if click && m.list.FilterState() != listFiltering {
			m.setFocus(focusList)
		}
		*m.list, cmd = m.list.Update(inner(lst))
	case det.has(x, y) && m.selectedEntry() != nil:
		if click && m.list.FilterState() != listFiltering {
			m.setFocus(focusDetail)
		}
		*m.detail, cmd = m.detail.Update(inner(det))
	}
	return cmd
}
