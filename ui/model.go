// Package ui is tokenscope's explorer: a Bubble Tea program that lists the
// configured providers with live countdowns, shows the selected token in
// detail (its JWT claims, signature, errors and history), and fetches,
// refreshes, logs out, copies and tries tokens, every request in a
// tea.Cmd with a spinner on the provider it concerns.
//
// The root Model routes and composes: global keys first, then the window
// size to every child, then each result to the state that owns it (by
// provider name and request number), then the remaining keys to whatever
// has focus.
package ui

import (
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/clipboard"
	"github.com/tokenscope/tokenscope/ui/confirm"
	"github.com/tokenscope/tokenscope/ui/detail"
	"github.com/tokenscope/tokenscope/ui/form"
	"github.com/tokenscope/tokenscope/ui/list"
	"github.com/tokenscope/tokenscope/ui/unlock"
)

// screen is what fills the window.
type screen int

const (
	screenUnlock  screen = iota // the passphrase, before the vault is open
	screenLoading               // the vault is open, its payload on its way
	screenMain                  // the list and the detail pane
	screenForm                  // adding or editing a provider
)

// focus is the pane that gets the keys on the main screen.
type focus int

const (
	focusList focus = iota
	focusDetail
)

const listFiltering = list.Filtering

// bulkSlots bounds how many refreshes started by refresh-all or by the
// auto-refresh run at once.
const bulkSlots = 4

// Model is the explorer.
type Model struct {
	opts   Options
	keys   KeyMap
	client *oauth.Client
	vault  *store.Vault

	screen   screen
	focus    focus
	showHelp bool
	asking   bool
	confirm  confirm.Model
	unlock   *unlock.Model // by pointer, nil once the vault is open
	form     *form.Model   // by pointer, nil unless the form is open
	editing  string        // the provider the form edits, "" when it adds

	list    list.Model
	detail  detail.Model
	help    *help.Model // by pointer: the model is copied on every message
	spinner spinner.Model

	theme  themes.Theme
	styles *look

	entries []*entry
	byName  map[string]*entry
	// shown and shownRev say what the detail pane was last given.
	shown    *entry
	shownRev uint64
	rev      uint64 // bumped on every change of any entry
	seq      uint64 // the last request number handed out
	busy     int    // entries with an action under way
	copies   []pendingCopy
	bulk     bulk
	clip     clipboard.Clipboard
	clipOpts clipboard.Options
	spinning bool
	tickTag  int
	slots    chan struct{}

	status  status
	now     time.Time
	width   int
	height  int
	laidOut geometry // the geometry the children were last sized for
}

// clock is the explorer's time source: Options.Now, else the wall clock.
func (m *Model) clock() time.Time {
	if m.opts.Now != nil {
		return m.opts.Now()
	}
	return time.Now()
}

// Init starts the tick and, with an open vault, reads it.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tick(m.tickTag)}
	switch m.screen {
	case screenUnlock:
		cmds = append(cmds, m.unlock.Init())
	case screenLoading:
		cmds = append(cmds, loadCmd(m.vault))
	}
	return tea.Batch(cmds...)
}

// Update routes msg: global keys, the window size, results to their
// owners, then the remaining input to what has focus.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd = m.key(msg)
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	default:
		cmd = m.result(msg)
	}
	m.sync()
	return m, tea.Batch(cmd, m.syncCmds())
}

// key handles one key event. Bubble Tea v1 reports the runes of one read
// as one event ("jjj" typed fast, or sent by a script), which matches no
// binding; such a burst is taken as the single keys it is, in order, so
// "jjjx" moves three rows and then asks about the fourth. A paste stays
// whole: it is text for a field, not keys.
func (m *Model) key(km tea.KeyMsg) tea.Cmd {
	if km.Type != tea.KeyRunes || km.Paste || len(km.Runes) < 2 {
		return m.oneKey(km)
	}
	cmds := make([]tea.Cmd, 0, len(km.Runes))
	for _, r := range km.Runes {
		cmds = append(cmds, m.oneKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: km.Alt}))
		m.sync()
	}
	return tea.Batch(cmds...)
}

func (m *Model) oneKey(km tea.KeyMsg) tea.Cmd {
	if cmd, done := m.globalKey(km); done {
		return cmd
	}
	return m.input(km)
}

// globalKey handles quit and help, whatever has focus.
func (m *Model) globalKey(km tea.KeyMsg) (tea.Cmd, bool) {
	k := &m.keys
	switch {
	case keyMatches(km, k.ForceQuit):
		return tea.Quit, true
	case keyMatches(km, k.Help):
		m.showHelp = !m.showHelp
		m.layout()
		return nil, true
	case keyMatches(km, k.Quit):
		return tea.Quit, true
	case m.showHelp:
		return nil, true // the help page is modal
	}
	return nil, false
}

// input hands a key to what has focus: the unlock screen, the form, the
// open question, a filter being typed, the explorer's actions, then the
// focused pane.
func (m *Model) input(km tea.KeyMsg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.screen == screenUnlock && m.unlock != nil:
		*m.unlock, cmd = m.unlock.Update(km)
	case m.screen == screenForm && m.form != nil:
		*m.form, cmd = m.form.Update(km)
	case m.screen != screenMain:
	case m.asking:
		m.confirm, cmd = m.confirm.Update(km)
		if yes, ok := m.confirm.Answer(); ok {
			return tea.Batch(cmd, m.onAnswer(m.confirm.Tag(), yes))
		}
	case m.list.FilterState() == list.Filtering:
		m.list, cmd = m.list.Update(km)
	default:
		if c, ok := m.action(km); ok {
			return c
		}
		if m.focus == focusDetail {
			m.detail, cmd = m.detail.Update(km)
		} else {
			m.list, cmd = m.list.Update(km)
		}
	}
	return cmd
}

// result hands a message that is not input to the state that owns it.
func (m *Model) result(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tickMsg:
		return m.onTick(msg)
	case spinner.TickMsg:
		if m.ownSpin(msg) {
			return m.onSpin(msg)
		}
	case loadedMsg:
		return m.onLoaded(msg)
	case tokenMsg:
		return m.onToken(msg)
	case tryMsg:
		return m.onTry(msg)
	case verifyMsg:
		m.onVerify(msg)
	case savedMsg:
		return m.onSaved(msg)
	case removedMsg:
		m.onRemoved(msg)
	case themeSavedMsg:
		m.onThemeSaved(msg)
	case clipboard.CopiedMsg:
		m.onCopied(msg)
	case clipboard.ClearedMsg:
		m.onCleared(msg)
	}
	if cmd, ok := m.childResult(msg); ok {
		return cmd
	}
	return nil
}

// onTick moves every countdown, runs the auto-refreshes that are due and
// re-arms the tick.
func (m *Model) onTick(msg tickMsg) tea.Cmd {
	if msg.tag != m.tickTag {
		return nil
	}
	m.tickTag++
	m.setNow(m.clock())
	m.status.expire(m.now)
	return tea.Batch(tick(m.tickTag), m.autoRefresh())
}

func (m *Model) setNow(now time.Time) {
	m.now = now
	m.list.SetNow(now)
	m.detail.SetNow(now)
}

// onSpin turns the spinner while anything is busy and lets it stop when
// nothing is.
func (m *Model) onSpin(msg spinner.TickMsg) tea.Cmd {
	if !m.working() {
		m.spinning = false
		return nil
	}
	var cmd tea.Cmd
	m.spinner, cmd = m.spinner.Update(msg)
	f := m.spinner.View()
	m.list.SetSpinnerFrame(f)
	m.detail.SetSpinnerFrame(f)
	return cmd
}

// startSpinner starts the spinner if it is not turning.
func (m *Model) startSpinner() tea.Cmd {
	if m.spinning || !m.working() {
		return nil
	}
	m.spinning = true
	return m.spinner.Tick
}

// working reports whether anything is under way, so the spinner turns.
func (m *Model) working() bool { return m.busy > 0 || len(m.copies) > 0 }

// onLoaded shows the vault's providers, in the theme it remembers unless
// one was chosen on the command line, and with Options.FetchOnStart starts
// fetching the tokens that are missing.
func (m *Model) onLoaded(msg loadedMsg) tea.Cmd {
	m.screen = screenMain
	if msg.err != nil {
		m.setStatus(statusError, "cannot read the store: "+msg.err.Error())
		return nil
	}
	p := msg.payload
	m.clip = withSettings(m.clipOpts, p.Settings)
	if m.opts.Theme == "" && p.Theme != "" && p.Theme != m.theme.Name {
		if t, ok := themes.Lookup(p.Theme); ok {
			m.applyTheme(t)
		}
	}
	m.entries = make([]*entry, 0, len(p.Providers))
	m.byName = make(map[string]*entry, len(p.Providers))
	for _, se := range p.Providers {
		e := newEntry(se)
		m.entries = append(m.entries, e)
		m.byName[e.prov.Name] = e
	}
	m.rebuildList()
	m.layout()
	if m.opts.FetchOnStart {
		return m.fetchMissing()
	}
	return nil
}

// rebuildList gives the list every row again (after a load, an add, a
// delete); single changes go through changed.
func (m *Model) rebuildList() {
	items := make([]list.Item, len(m.entries))
	for i, e := range m.entries {
		items[i] = e.item()
	}
	m.list.SetItems(items)
	m.rev++
}

// changed pushes one entry's new state to the list, and to the detail pane
// when it is the one shown.
func (m *Model) changed(e *entry) {
	m.list.SetItem(e.item())
	m.rev++
}

// selectedEntry is the entry under the list's cursor, or nil.
func (m *Model) selectedEntry() *entry {
	it, ok := m.list.Selected()
	if !ok {
		return nil
	}
	return m.byName[it.Name]
}

// sync brings the layout, the detail pane and the key bindings up to date
// after any message: cheap when nothing changed.
func (m *Model) sync() {
	if m.width > 0 && m.geometry() != m.laidOut {
		m.layout() // the stacked list grows and shrinks with its rows
	}
	e := m.selectedEntry()
	if e == nil && m.focus == focusDetail {
		m.setFocus(focusList)
	}
	if e != nil && e != m.shown && e.sigRetry {
		// The JWKS could not be fetched when last shown: check again.
		e.sigFor, e.sigRetry = "", false
	}
	if e != m.shown || (e != nil && m.rev != m.shownRev) {
		if e == nil {
			m.detail.Clear()
		} else {
			m.detail.SetData(e.data(m.keys.Fetch.Help().Key))
		}
		m.shown, m.shownRev = e, m.rev
	}
	m.updateKeybindings()
}

// syncCmds starts what the shown state calls for: the signature check of a
// JWT shown for the first time.
func (m *Model) syncCmds() tea.Cmd {
	e := m.shown
	if e == nil || !e.hasToken() || !m.detail.IsJWT() {
		return nil
	}
	if e.sigFor == e.tok.AccessToken || e.sigSeq != 0 {
		return nil
	}
	m.seq++
	e.sigSeq = m.seq
	return verifyCmd(m.client, e.prov, e.tok.AccessToken, e.sigSeq)
}

// onVerify caches a signature check on the token it was made for.
func (m *Model) onVerify(msg verifyMsg) {
	e := m.byName[msg.name]
	if e == nil || e.sigSeq != msg.seq {
		return
	}
	e.sigSeq = 0
	e.sig, e.sigFor, e.sigRetry = msg.sig, msg.token, msg.retry
	m.rev++
}

func (m *Model) setFocus(f focus) {
	m.focus = f
	m.list.SetFocused(f == focusList)
	m.detail.SetFocused(f == focusDetail)
}
