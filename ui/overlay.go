package ui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// overlay draws box in the middle of bg (off its selected row), a screen of exactly h lines of w
// cells, and bg around it as plain text in the dim style: a question
// stays in front of the panes it is about, so the row being logged out or
// deleted can still be seen, without either taking the eye from the other.
func overlay(bg, box string, w, h int, dim lipgloss.Style) string {
	lines := strings.Split(ansi.Strip(bg), "\n")
	for len(lines) < h {
		lines = append(lines, "")
	}
	lines = lines[:h]
	boxLines := strings.Split(box, "\n")
	bw := min(lipgloss.Width(box), w)
	x := max((w-bw)/2, 0)
	y := max((h-len(boxLines))/2, 0)
	// The box moves off the selected row (the list's ▸) when it would
	// cover it: below it if there is room, else above.
	bh := len(boxLines)
	for i, l := range lines {
		if !strings.Contains(l, "▸") {
			continue
		}
		if i >= y && i < y+bh {
			switch {
			case i+1+bh <= h:
				y = i + 1
			case i-bh >= 0:
				y = i - bh
			}
		}
		break
	}
	var b strings.Builder
	b.Grow(len(bg) + len(box))
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		j := i - y
		if j < 0 || j >= len(boxLines) {
			b.WriteString(dim.Render(pad(l, w)))
			continue
		}
		fg := ansi.Truncate(boxLines[j], bw, "")
		fg += strings.Repeat(" ", bw-ansi.StringWidth(fg))
		b.WriteString(dim.Render(pad(ansi.Truncate(l, x, ""), x)))
		b.WriteString(fg)
		b.WriteString(dim.Render(pad(ansi.TruncateLeft(l, x+bw, ""), w-x-bw)))
	}
	return b.String()
}

// pad fills plain text s out to n cells.
func pad(s string, n int) string {
	if d := n - ansi.StringWidth(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}
