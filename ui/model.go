// Package ui is tokenscope's explorer: a Bubble Tea program that lists the
// configured providers with live countdowns, shows the selected token in
// detail (its JWT claims, signature, errors and history), and fetches,
// refreshes, logs out, copies and tries tokens, every request in a
// tea.Cmd with a spinner on the provider it concerns.
//
// The root Model routes and composes: global keys first, then the window
// size to every child, then each result to the state that owns it (by
// provider name and request number), then the remaining keys to whatever
// has focus. The providers' state lives in ui/session (plain Go), the
// status line in ui/status; every command that changes the store answers
// with the entry as the store then holds it, and the explorer shows that.
// The package reads nothing of the process (environment, standard
// streams): ui/cli passes what it needs in Options.
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
	"github.com/tokenscope/tokenscope/ui/exchanges"
	"github.com/tokenscope/tokenscope/ui/form"
	"github.com/tokenscope/tokenscope/ui/list"
	"github.com/tokenscope/tokenscope/ui/response"
	"github.com/tokenscope/tokenscope/ui/session"
	"github.com/tokenscope/tokenscope/ui/status"
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
	confirm  *confirm.Model // the open question, or the last one
	unlock   *unlock.Model  // by pointer, nil once the vault is open
	form     *form.Model    // by pointer, nil unless the form is open
	editing  string         // the provider the form edits, "" when it adds

	// The children are held by pointer: the model is copied on every
	// message, and the root hands them to its loops as components.
	list    *list.Model
	detail  *detail.Model
	status  *status.Model
	help    *help.Model
	spinner spinner.Model

	theme  themes.Theme
	styles *look

	// sess is the providers' state: entries, requests under way, the bulk
	// tally, the auto-refresh schedule, copies in flight.
	sess *session.Session
	// shown and shownRev say what the detail pane was last given.
	shown    *session.Entry
	shownRev uint64
	viewRev  uint64 // bumped when the detail pane must be given its data again
	clip     clipboard.Clipboard
	clipOpts clipboard.Options
	spinning bool
	tickTag  int
	slots    chan struct{}

	now     time.Time
	width   int
	height  int
	laidOut geometry // the geometry the children were last sized for

	// response is the open response view of a try request, nil when the
	// panes show; exlog is the exchange log, on screen when showLog.
	response *response.Model
	exlog    *exchanges.Model
	showLog  bool

	// signIns are the browser and device sign-ins under way, by provider.
	signIns map[string]*signIn
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

// Update routes msg in a fixed order: global keys (quit, help), the
// window size to every child, results to the state that owns them
// (focused or not), then the remaining input to what has focus.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyMsg:
		cmd = m.key(msg)
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
	case tea.MouseMsg:
		cmd = m.mouse(msg)
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

// globalKey handles quit and help, whatever has focus. On the help page
// q and esc close it, as in lazygit and k9s; only ctrl+c quits from there.
func (m *Model) globalKey(km tea.KeyMsg) (tea.Cmd, bool) {
	k := &m.keys
	switch {
	case keyMatches(km, k.ForceQuit):
		return tea.Quit, true
	case keyMatches(km, k.CloseHelp):
		m.showHelp = false
		m.layout()
		return nil, true
	case m.showHelp:
		return nil, true // the help page is modal
	case keyMatches(km, k.Help):
		m.showHelp = true
		m.layout()
		return nil, true
	case keyMatches(km, k.Quit):
		return tea.Quit, true
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
		*m.confirm, cmd = m.confirm.Update(km)
		if yes, ok := m.confirm.Answer(); ok {
			return tea.Batch(cmd, m.onAnswer(m.confirm.Tag(), yes))
		}
	case m.list.FilterState() == list.Filtering:
		*m.list, cmd = m.list.Update(km)
	case m.response != nil:
		cmd = m.responseKey(km)
	default:
		if c, ok := m.signInKey(km); ok {
			return c
		}
		if c, ok := m.logKey(km); ok {
			return c
		}
		if c, ok := m.action(km); ok {
			return c
		}
		if m.focus == focusDetail && keyMatches(km, m.list.KeyMap.Filter) {
			m.setFocus(focusList) // / filters the list from anywhere, as in k9s
		}
		if m.focus == focusDetail && !m.list.Orders(km) {
			*m.detail, cmd = m.detail.Update(km)
		} else {
			*m.list, cmd = m.list.Update(km)
		}
	}
	return cmd
}

// result hands a message that is not input to the state that owns it.
func (m *Model) result(msg tea.Msg) tea.Cmd {
	m.recordExchanges(msg)
	if cmd, ok := m.signInResult(msg); ok {
		return cmd
	}
	if cmd, ok := m.responseResult(msg); ok {
		return cmd
	}
	cmd, ok := m.ownResult(msg)
	if ok {
		m.tallyStatus()
		return cmd
	}
	cmd, _ = m.childResult(msg)
	return cmd
}

// ownResult handles the explorer's own messages: the tick, the spinner and
// the answers of its commands. ok is false for a message it does not own.
func (m *Model) ownResult(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case tickMsg:
		return m.onTick(msg), true
	case spinner.TickMsg:
		if m.ownSpin(msg) {
			return m.onSpin(msg), true
		}
	case loadedMsg:
		return m.onLoaded(msg), true
	case historiesMsg:
		m.onHistories(msg)
		return nil, true
	case tokenMsg:
		return m.onToken(msg), true
	case tryMsg:
		return m.onTry(msg), true
	case verifyMsg:
		m.onVerify(msg)
		return nil, true
	case idTokenMsg:
		m.sess.IDTokenDone(msg.name, msg.seq, msg.raw, msg.check)
		return nil, true
	case introspectMsg:
		m.onIntrospect(msg)
		return nil, true
	case savedMsg:
		return m.onSaved(msg), true
	case removedMsg:
		m.onRemoved(msg)
		return nil, true
	case themeSavedMsg:
		m.onThemeSaved(msg)
		return nil, true
	case clipboard.CopiedMsg:
		m.onCopied(msg)
		return nil, true
	case clipboard.ClearedMsg:
		m.onCleared(msg)
		return nil, true
	}
	return nil, false
}

// onTick moves every countdown, runs the auto-refreshes that are due and
// re-arms the tick.
func (m *Model) onTick(msg tickMsg) tea.Cmd {
	if msg.tag != m.tickTag {
		return nil
	}
	m.tickTag++
	m.setNow(m.clock())
	return tea.Batch(tick(m.tickTag), m.autoRefresh())
}

// onSpin turns the spinner while anything is busy and lets it stop when
// nothing is.
func (m *Model) onSpin(msg spinner.TickMsg) tea.Cmd {
	if !m.sess.Working() {
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
	if m.spinning || !m.sess.Working() {
		return nil
	}
	m.spinning = true
	return m.spinner.Tick
}

// onLoaded shows the vault's providers, in the theme it remembers unless
// one was chosen on the command line; with Options.RenewOnOpen it starts
// renewing the tokens that expired, with Options.FetchOnStart fetching the
// tokens that are missing.
func (m *Model) onLoaded(msg loadedMsg) tea.Cmd {
	m.screen = screenMain
	if msg.err != nil {
		m.setStatus(status.Error, "cannot read the store: "+msg.err.Error())
		return nil
	}
	p := msg.payload
	m.clip = withSettings(m.clipOpts, p.Settings)
	if m.opts.Theme == "" && p.Theme != "" && p.Theme != m.theme.Name {
		if t, ok := themes.Lookup(p.Theme); ok {
			m.setTheme(t)
		}
	}
	m.sess.Load(p.Providers)
	m.syncList()
	m.layout()
	var cmds []tea.Cmd
	if m.opts.RenewOnOpen && m.sess.RenewExpired(m.clock()) > 0 {
		m.setNow(m.clock())
		cmds = append(cmds, m.autoRefresh())
	}
	if m.opts.FetchOnStart {
		cmds = append(cmds, m.fetchMissing())
	}
	if msg.historiesDue {
		cmds = append(cmds, historiesCmd(m.vault))
	}
	return tea.Batch(cmds...)
}

// onHistories gives the entries loaded without them their histories.
func (m *Model) onHistories(msg historiesMsg) {
	if msg.err != nil {
		m.setStatus(status.Error, "cannot read the store: "+msg.err.Error())
		return
	}
	m.sess.Histories(msg.histories)
	m.syncList()
}

// syncList gives the list the rows the session changed: every row again
// after a load, an add or a delete, else the changed ones.
func (m *Model) syncList() {
	changed, reshaped := m.sess.Drain()
	if reshaped {
		es := m.sess.Entries()
		items := make([]list.Item, len(es))
		for i, e := range es {
			items[i] = itemOf(e)
		}
		m.list.SetItems(items)
		return
	}
	for _, e := range changed {
		m.list.SetItem(itemOf(e))
	}
}

// selectedEntry is the entry under the list's cursor, or nil.
func (m *Model) selectedEntry() *session.Entry {
	it, ok := m.list.Selected()
	if !ok {
		return nil
	}
	return m.sess.Get(it.Name)
}

// sync brings the list, the layout, the detail pane, the status line and
// the key bindings up to date after any message: cheap when nothing
// changed.
func (m *Model) sync() {
	m.syncList()
	if m.width > 0 && m.geometry() != m.laidOut {
		m.layout() // the stacked list grows and shrinks with its rows
	}
	e := m.selectedEntry()
	if e == nil && m.focus == focusDetail {
		m.setFocus(focusList)
	}
	if e != m.shown {
		m.sess.Shown(e)
	}
	rev := m.sess.Rev() + m.viewRev
	if e != m.shown || (e != nil && rev != m.shownRev) {
		if e == nil {
			m.detail.Clear()
			m.status.SetSelected("")
		} else {
			d := withDiscoverHint(dataOf(e, m.keys.Fetch.Help().Key), e, m.keys.Discover.Help().Key)
			m.detail.SetData(withOIDC(d, e, m.keys.Introspect.Help().Key))
			m.status.SetSelected(e.Provider.Name)
		}
		m.shown, m.shownRev = e, rev
	}
	m.syncLog()
	m.updateKeybindings()
	m.syncSignIns()
}

// syncCmds starts what the shown state calls for: the signature check of a
// JWT shown for the first time, and the check of its id_token.
func (m *Model) syncCmds() tea.Cmd {
	return tea.Batch(m.verifySignature(), m.checkIDToken())
}

// verifySignature starts the signature check of a JWT shown for the first
// time.
func (m *Model) verifySignature() tea.Cmd {
	e := m.shown
	if e == nil || !m.detail.IsJWT() {
		return nil
	}
	seq := m.sess.StartSignature(e)
	if seq == 0 {
		return nil
	}
	return verifyCmd(m.client, e.Endpoints(), e.Token.AccessToken, seq)
}

// onVerify keeps a signature check on the token it was made for.
func (m *Model) onVerify(msg verifyMsg) {
	m.sess.SignatureDone(msg.name, msg.seq, msg.token, msg.sig, msg.retry)
}
