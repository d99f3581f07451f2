package ui

import (
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers/oauth"
)

// tracer keeps the exchanges of one command, handed to it by the engine's
// trace hook (oauth.WithTrace) in the Cmd's goroutine; the Cmd returns
// them in its message, so no goroutine touches the model.
type tracer struct {
	mu sync.Mutex
	xs []oauth.Exchange
}

func (t *tracer) add(x oauth.Exchange) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.xs = append(t.xs, x)
}

func (t *tracer) taken() []oauth.Exchange {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.xs
}

// recordExchanges keeps in the log what a command's answer says it sent
// and got, under the provider it names, even when the answer itself comes
// too late to be shown: the requests were made all the same. A provider
// deleted meanwhile keeps nothing.
func (m *Model) recordExchanges(msg tea.Msg) {
	var name string
	var xs []oauth.Exchange
	switch msg := msg.(type) {
	case tokenMsg:
		name, xs = msg.name, msg.exchanges
	case tryMsg:
		name, xs = msg.name, msg.exchanges
	case introspectMsg:
		name, xs = msg.name, msg.exchanges
	case deviceMsg:
		name, xs = msg.name, msg.exchanges
	case listeningMsg:
		name, xs = msg.name, msg.exchanges
	case polledMsg:
		name, xs = msg.name, msg.exchanges
	case removedMsg:
		if msg.err == nil {
			m.exlog.Forget(msg.name)
		}
		return
	default:
		return
	}
	if len(xs) > 0 && m.sess.Has(name) {
		m.exlog.Add(name, xs...)
	}
}

// logKey toggles the exchange log, scrolls it while it is open and opens
// the last response again; ok is false for any other key.
func (m *Model) logKey(km tea.KeyMsg) (tea.Cmd, bool) {
	k := &m.keys
	switch {
	case keyMatches(km, k.Log):
		m.showLog = !m.showLog
		m.syncLog()
		m.layout()
		return nil, true
	case keyMatches(km, k.Response):
		m.openLastResponse()
		return nil, true
	case m.showLog && (keyMatches(km, m.exlog.KeyMap.Older) || keyMatches(km, m.exlog.KeyMap.Newer)):
		*m.exlog, _ = m.exlog.Update(km)
		return nil, true
	}
	return nil, false
}

// syncLog shows in the open log the provider the user looks at: the one
// whose response is open, else the selected one.
func (m *Model) syncLog() {
	if !m.showLog {
		return
	}
	name := ""
	if m.response != nil {
		name = m.response.Name()
	} else if e := m.selectedEntry(); e != nil {
		name = e.Provider.Name
	}
	m.exlog.Show(name)
}

// logKeybindings enables the log's keys and the response key when they
// would do something: the log on the main screen, outside a question and
// a filter being typed; the response key with a try answer to show.
func (m *Model) logKeybindings() {
	k := &m.keys
	on := m.screen == screenMain && !m.asking && m.list.FilterState() != listFiltering
	k.Log.SetEnabled(on)
	if m.showLog {
		k.Log.SetHelp("L", "hide exchange log")
	} else {
		k.Log.SetHelp("L", "exchange log")
	}
	e := m.selectedEntry()
	k.Response.SetEnabled(on && m.response == nil && e != nil && e.Try != nil)
	above, below := m.exlog.Hidden()
	m.exlog.KeyMap.Older.SetEnabled(on && m.showLog && above > 0)
	m.exlog.KeyMap.Newer.SetEnabled(on && m.showLog && below > 0)
}

// logShown reports whether the log pane is on screen: on the main screen,
// not under the help page.
func (m *Model) logShown() bool {
	return m.showLog && m.screen == screenMain && !m.showHelp
}

// logHeight is the outer height of the log pane in a body of bodyH lines:
// a third of it, between 6 and 14 lines, or nothing when the panes would
// be left less than 8.
func (m *Model) logHeight(bodyH int) int {
	if !m.logShown() {
		return 0
	}
	h := min(max(bodyH/3, 6), 14)
	if bodyH-h < 8 {
		return 0
	}
	return h
}

// logView renders the log pane, g.logH lines.
func (m *Model) logView(b *strings.Builder, g geometry) {
	above, below := m.exlog.Hidden()
	m.framed(b, false, m.exlog.View(), above, below, max(m.width-g.frameW, 1), g.logH)
}

// responseView renders the response view in the body, framed as the
// focused pane, g.bodyH lines.
func (m *Model) responseView(b *strings.Builder, g geometry) {
	above, below := m.response.Hidden()
	m.framed(b, true, m.response.View(), above, below, max(m.width-g.frameW, 1), g.bodyH)
}

// framed writes view in a pane frame of inner width w, h lines, saying
// how many lines are off it above and below.
func (m *Model) framed(b *strings.Builder, focused bool, view string, above, below, w, h int) {
	p := newPane(m.styles.frame(focused, w), view, w)
	p.more(m.styles.more, above, below)
	for i := range h {
		if i > 0 {
			b.WriteByte('\n')
		}
		p.line(b, i, h)
	}
}
