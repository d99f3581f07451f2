package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/confirm"
)

// keyMatches is key.Matches for one binding.
func keyMatches(km tea.KeyMsg, b key.Binding) bool { return key.Matches(km, b) }

// action runs the explorer's own bindings on the main screen; ok is false
// when the key is not one of them.
func (m *Model) action(km tea.KeyMsg) (tea.Cmd, bool) {
	k := &m.keys
	e := m.selectedEntry()
	switch {
	case keyMatches(km, k.Fetch):
		return m.start(e, opFetch, nil), true
	case keyMatches(km, k.Refresh):
		return m.start(e, opRefresh, nil), true
	case keyMatches(km, k.RefreshAll):
		return m.refreshAll(), true
	case keyMatches(km, k.Logout):
		m.ask(question{kind: opLogout, name: e.prov.Name},
			"Log out of "+e.prov.Name+"?", logoutDetail(e.prov))
		return nil, true
	case keyMatches(km, k.Delete):
		m.ask(question{kind: opDelete, name: e.prov.Name},
			"Delete provider "+e.prov.Name+"?",
			"Its configuration, token and history leave the store. This cannot be undone.")
		return nil, true
	case keyMatches(km, k.Try):
		return m.startTry(e), true
	case keyMatches(km, k.CopyHeader):
		return m.copy(e, copyHeader), true
	case keyMatches(km, k.CopyToken):
		return m.copy(e, copyToken), true
	case keyMatches(km, k.CopyCurl):
		return m.copy(e, copyCurl), true
	case keyMatches(km, k.Reveal):
		m.detail.SetRevealed(!m.detail.Revealed())
		return nil, true
	case keyMatches(km, k.Theme):
		return m.nextTheme(), true
	case keyMatches(km, k.Add):
		return m.openForm(nil), true
	case keyMatches(km, k.Edit):
		return m.openForm(e), true
	case keyMatches(km, k.Focus):
		if m.focus == focusList {
			m.setFocus(focusDetail)
		} else {
			m.setFocus(focusList)
		}
		return nil, true
	case keyMatches(km, k.Back):
		m.setFocus(focusList)
		return nil, true
	}
	return nil, false
}

// logoutDetail says what a logout of p will do at the server.
func logoutDetail(p providers.Provider) string {
	switch {
	case p.LogoutURL != "":
		return "The token is ended at the provider's logout endpoint and dropped locally."
	case p.RevocationURL != "":
		return "The token is revoked at the server (RFC 7009) and dropped locally."
	}
	return "The provider has no logout or revocation endpoint: the token is only dropped locally."
}

// ask opens the confirm dialog.
func (m *Model) ask(q question, text, detail string) {
	m.confirm = confirm.New(&m.styles.Confirm, text, detail, q)
	m.confirm.SetSize(m.width, m.height)
	m.asking = true
}

// onAnswer closes the dialog and runs what it asked about when the
// answer is yes.
func (m *Model) onAnswer(tag any, yes bool) tea.Cmd {
	m.asking = false
	q, ok := tag.(question)
	if !ok || !yes {
		return nil
	}
	e := m.byName[q.name]
	switch {
	case e == nil:
		m.setStatus(statusError, "nothing done: "+q.name+" is gone")
		return nil
	case e.busy != opNone:
		m.setStatus(statusError, "nothing done: "+q.name+" is busy "+e.busyText()+"; ask again when it is idle")
		return nil
	}
	switch q.kind {
	case opLogout:
		return m.start(e, opLogout, nil)
	case opDelete:
		m.begin(e, opDelete)
		return tea.Batch(removeCmd(m.vault, e.prov.Name, e.pending), m.startSpinner())
	}
	return nil
}

// begin marks e busy with o under a new request number.
func (m *Model) begin(e *entry, o op) {
	m.seq++
	e.pending = m.seq
	e.busy = o
	m.busy++
	m.changed(e)
}

// finish marks e idle again; it reports false for a stale answer, one
// whose request number is not the one under way.
func (m *Model) finish(name string, seq uint64) (*entry, bool) {
	e := m.byName[name]
	if e == nil || e.busy == opNone || e.pending != seq {
		return nil, false
	}
	e.busy, e.pending = opNone, 0
	m.busy--
	if e.stale {
		e.stale = false
		if e.inBulk {
			e.inBulk = false
			m.bulkDone(name, errEdited)
		}
		m.changed(e)
		return nil, false
	}
	return e, true
}

// start begins a fetch, refresh or logout of e; slots bounds bulk runs.
func (m *Model) start(e *entry, o op, slots chan struct{}) tea.Cmd {
	if e == nil || e.busy != opNone || m.vault == nil {
		return nil
	}
	eo := providers.EnsureOptions{Fresh: true}
	if o == opRefresh || o == opAutoRefresh {
		eo = providers.EnsureOptions{Renew: true}
	}
	m.begin(e, o)
	return tea.Batch(tokenCmd(m.client, m.vault, e.prov.Name, e.pending, o, eo, slots), m.startSpinner())
}

// refreshAll refreshes every idle provider that has a token and fetches
// one for every idle provider that has none, a few at a time.
func (m *Model) refreshAll() tea.Cmd {
	return m.startBulk("refresh", "refreshing", "provider", "providers", func(*entry) bool { return true })
}

// fetchMissing fetches a token for every idle provider that holds none, a
// few at a time, and counts the answers as a refresh-all does.
func (m *Model) fetchMissing() tea.Cmd {
	return m.startBulk("fetch", "fetching", "token", "tokens", func(e *entry) bool { return !e.hasToken() })
}

// startBulk starts, for every idle provider that want picks, a refresh if
// it holds a token and else a fetch, and counts the answers as one run.
func (m *Model) startBulk(verb, doing, one, many string, want func(*entry) bool) tea.Cmd {
	var cmds []tea.Cmd
	for _, e := range m.entries {
		if e.busy != opNone || !want(e) {
			continue
		}
		o := opFetch
		if e.hasToken() {
			o = opRefresh
		}
		cmds = append(cmds, m.start(e, o, m.slots))
		e.inBulk = true
	}
	if len(cmds) == 0 && verb == "fetch" {
		return nil
	}
	m.bulk.add(len(cmds), verb)
	m.setStatus(statusInfo, doing+" "+plural(m.bulk.pending, one, many)+"…")
	return tea.Batch(cmds...)
}

// bulk counts the answers of a refresh-all, so the status line sums it
// up once, instead of each answer overwriting the last.
type bulk struct {
	pending, ok int
	failed      []string
	verb        string // "fetch" or "refresh": what the status line says was done
}

// add counts n more answers to wait for. A run that joins one under way is
// a refresh of them all, whatever the first one was.
func (b *bulk) add(n int, verb string) {
	if b.pending > 0 && b.verb != verb {
		verb = "refresh"
	}
	b.pending += n
	b.verb = verb
}

// bulkDone counts one answer of a refresh-all and, with the last, says
// how it went.
func (m *Model) bulkDone(name string, err error) {
	b := &m.bulk
	b.pending--
	if err != nil {
		b.failed = append(b.failed, name)
	} else {
		b.ok++
	}
	if b.pending > 0 {
		m.setStatus(statusInfo, b.verb+"ing: "+strconv.Itoa(b.ok+len(b.failed))+" done, "+
			strconv.Itoa(b.pending)+" to go…")
		return
	}
	switch n := len(b.failed); {
	case n == 0:
		what := plural(b.ok, "provider", "providers")
		if b.verb == "fetch" {
			what = "tokens for " + what
		}
		m.setStatus(statusOK, b.verb+"ed "+what)
	case n <= 3:
		m.setStatus(statusError, b.verb+"ed "+strconv.Itoa(b.ok)+" of "+strconv.Itoa(b.ok+n)+
			"; failed: "+strings.Join(b.failed, ", ")+" (see the detail)")
	default:
		m.setStatus(statusError, b.verb+"ed "+strconv.Itoa(b.ok)+" of "+strconv.Itoa(b.ok+n)+
			"; "+strconv.Itoa(n)+" failed, marked ✗ in the list")
	}
	*b = bulk{}
}

// startTry runs e's try request with its current token.
func (m *Model) startTry(e *entry) tea.Cmd {
	if e == nil || !e.hasToken() || e.busy != opNone {
		return nil
	}
	m.begin(e, opTry)
	return tea.Batch(tryCmd(m.client, e.prov, e.tok, e.pending), m.startSpinner())
}

// nextTheme switches to the next palette and remembers it in the store.
func (m *Model) nextTheme() tea.Cmd {
	t := themes.Next(m.theme.Name)
	m.applyTheme(t)
	m.rev++
	m.setStatus(statusInfo, "theme "+t.Name)
	if m.vault == nil {
		return nil
	}
	return themeCmd(m.vault, t.Name)
}
