package list

import (
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/ui/sgr"

	"github.com/tokenscope/tokenscope/ui/lifetime"
	"github.com/tokenscope/tokenscope/ui/order"
)

// Item is what one row shows of a provider. The root builds it from its own
// state whenever that state changes; the list never looks further.
type Item struct {
	Name   string
	Preset string
	// Insecure marks a provider whose secrets the network can read
	// (providers.Provider.Exposure).
	Insecure bool
	// HasToken is true when a token is held; Span is its validity window
	// (Span.Expires zero when the expiry is unknown).
	HasToken bool
	Span     lifetime.Span
	// Busy names the action under way ("fetching", "refreshing", …), or "".
	Busy string
	// Failed is true when the last action on the provider failed.
	Failed bool
}

// Mark is a row's status.
type Mark int

// The statuses a row can show.
const (
	MarkNoToken Mark = iota
	MarkValid
	MarkExpiring
	MarkExpired
	MarkBusy
	MarkFailed
)

// String names the mark as a user reads it.
func (k Mark) String() string {
	switch k {
	case MarkValid:
		return "valid"
	case MarkExpiring:
		return "expiring"
	case MarkExpired:
		return "expired"
	case MarkBusy:
		return "busy"
	case MarkFailed:
		return "failed"
	}
	return "no token"
}

// glyph is the mark's symbol: distinct shapes, so the marks read without
// colour too.
func (k Mark) glyph() string {
	switch k {
	case MarkValid:
		return "●"
	case MarkExpiring:
		return "◐"
	case MarkExpired:
		return "○"
	case MarkFailed:
		return "✗"
	}
	return "·"
}

// Status is the item's mark at now, and the level of its countdown.
func (it *Item) Status(now time.Time) (Mark, lifetime.Level) {
	lvl := lifetime.None
	if it.HasToken {
		lvl = it.Span.Level(now)
	}
	if it.Busy != "" {
		return MarkBusy, lvl
	}
	return it.health(lvl), lvl
}

// health is the item's mark at level lvl, leaving aside what is under way.
func (it *Item) health(lvl lifetime.Level) Mark {
	switch {
	case it.Failed:
		return MarkFailed
	case !it.HasToken:
		return MarkNoToken
	}
	switch lvl {
	case lifetime.Expired:
		return MarkExpired
	case lifetime.Warning, lifetime.Danger:
		return MarkExpiring
	}
	return MarkValid
}

// orderRow is what the ordering rule looks at of the item at now: its
// health, not what is under way, so a row does not jump while it is
// refreshed.
func (it *Item) orderRow(now time.Time) order.Row {
	lvl := lifetime.None
	if it.HasToken {
		lvl = it.Span.Level(now)
	}
	r := order.Row{Name: it.Name, Failing: it.Failed}
	if it.HasToken {
		r.Expires = it.Span.Expires
	}
	switch it.health(lvl) {
	case MarkFailed:
		r.Status = order.Failed
	case MarkExpired:
		r.Status = order.Expired
	case MarkExpiring:
		r.Status = order.Expiring
	case MarkNoToken:
		r.Status = order.NoToken
	default:
		r.Status = order.Valid
	}
	return r
}

// Styles are the list's looks. The root builds them once from the theme;
// the zero value renders plain text.
type Styles struct {
	Title    lipgloss.Style
	Count    lipgloss.Style
	Cursor   lipgloss.Style // the ▸ in front of the selected row
	Selected lipgloss.Style // the selected row's name
	// Row is laid under every cell of the selected row (its background),
	// the other styles drawn on it.
	Row      lipgloss.Style
	Name     lipgloss.Style
	Preset   lipgloss.Style
	Muted    lipgloss.Style // "no token", the empty message
	Insecure lipgloss.Style

	// Marks and countdowns by health.
	Healthy lipgloss.Style
	Warning lipgloss.Style
	Danger  lipgloss.Style
	Busy    lipgloss.Style

	FilterPrompt lipgloss.Style
	FilterText   lipgloss.Style
}

// paint is a row style reduced to its escape codes (ui/sgr), so that a
// row costs string joins instead of a lipgloss render per cell. It holds
// for the styles of a row: colours and attributes on one line.
type paint struct{ sgr.Paint }

func newPaint(st lipgloss.Style) paint { return paint{sgr.Of(st)} }

// write writes text in the paint's style.
func (p paint) write(b *strings.Builder, text string) { p.Write(b, text) }

// space writes n spaces in the paint's style.
func (p paint) space(b *strings.Builder, n int) {
	if n <= 0 {
		return
	}
	b.WriteString(p.Open)
	spaces(b, n)
	b.WriteString(p.Close)
}

// paints are the row styles, reduced once per theme: those of a row, and
// blank for the spaces between its cells.
type paints struct {
	cursor, selected, name, preset, muted, insecure paint
	healthy, warning, danger, busy                  paint
	blank                                           paint
}

// newPaints reduces the styles of s laid on row: the zero style for the
// rows, s.Row for the selected one.
func newPaints(s *Styles, row lipgloss.Style) *paints {
	p := func(st lipgloss.Style) paint { return newPaint(st.Inherit(row)) }
	return &paints{
		cursor: p(s.Cursor), selected: p(s.Selected), name: p(s.Name),
		preset: p(s.Preset), muted: p(s.Muted), insecure: p(s.Insecure),
		healthy: p(s.Healthy), warning: p(s.Warning), danger: p(s.Danger),
		busy: p(s.Busy), blank: newPaint(row),
	}
}

// mark is the paint of a mark's glyph.
func (p *paints) mark(k Mark) paint {
	switch k {
	case MarkValid:
		return p.healthy
	case MarkExpiring:
		return p.warning
	case MarkExpired, MarkFailed:
		return p.danger
	case MarkBusy:
		return p.busy
	}
	return p.muted
}
