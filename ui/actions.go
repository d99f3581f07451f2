package ui

import (
	"slices"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/confirm"
	"github.com/tokenscope/tokenscope/ui/session"
	"github.com/tokenscope/tokenscope/ui/status"
)

// keyMatches is key.Matches for one binding.
func keyMatches(km tea.KeyMsg, b key.Binding) bool { return key.Matches(km, b) }

// action runs the explorer's own bindings on the main screen; ok is false
// when the key is not one of them.
func (m *Model) action(km tea.KeyMsg) (tea.Cmd, bool) {
	k := &m.keys
	e := m.selectedEntry()
	if m.unavailable(km, e) {
		return nil, true
	}
	switch {
	case keyMatches(km, k.Fetch):
		return m.start(e, session.OpFetch, nil), true
	case keyMatches(km, k.Refresh):
		return m.start(e, session.OpRefresh, nil), true
	case keyMatches(km, k.Discover):
		return m.start(e, session.OpDiscover, nil), true
	case keyMatches(km, k.RefreshAll):
		return m.refreshAll(), true
	case keyMatches(km, k.Logout):
		m.ask(question{kind: session.OpLogout, name: e.Provider.Name},
			"Log out of "+e.Provider.Name+"?", logoutDetail(e.Provider))
		return nil, true
	case keyMatches(km, k.Delete):
		m.ask(question{kind: session.OpDelete, name: e.Provider.Name},
			"Delete provider "+e.Provider.Name+"?",
			"Its configuration, token and history leave the store. This cannot be undone.")
		return nil, true
	case keyMatches(km, k.Try):
		return m.startTry(e), true
	case keyMatches(km, k.Introspect):
		return m.startIntrospect(e), true
	case keyMatches(km, k.CopyHeader):
		return m.copy(e, copyHeader), true
	case keyMatches(km, k.CopyAll):
		return m.copy(e, copyHeaders), true
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
	case keyMatches(km, k.Back), keyMatches(km, k.ToList):
		m.setFocus(focusList)
		return nil, true
	case keyMatches(km, k.ToDetail):
		m.setFocus(focusDetail)
		return nil, true
	}
	return nil, false
}

// unavailable answers a key whose action cannot be done on e for want of
// configuration with what to set, instead of doing nothing silently; it
// reports whether it did.
func (m *Model) unavailable(km tea.KeyMsg, e *session.Entry) bool {
	if e == nil || e.Provider.TryURL != "" {
		return false
	}
	k := &m.keys
	switch {
	case keyMatches(km, enabled(k.Try)):
		m.setStatusOf(e.Provider.Name, status.Warning,
			"nothing to try: "+e.Provider.Name+" has no try URL · press "+k.Edit.Help().Key+" and set try_url")
	case keyMatches(km, enabled(k.CopyCurl)):
		m.setStatusOf(e.Provider.Name, status.Warning,
			"no curl to copy: "+e.Provider.Name+" has no try URL · press "+k.Edit.Help().Key+" and set try_url")
	default:
		return false
	}
	return true
}

// enabled is b as if it were enabled, to match the keys of an action the
// bindings have disabled.
func enabled(b key.Binding) key.Binding {
	b.SetEnabled(true)
	return b
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
	c := confirm.New(&m.styles.Confirm, text, detail, q)
	m.confirm = &c
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
	e := m.sess.Get(q.name)
	switch {
	case e == nil:
		m.setStatus(status.Error, "nothing done: "+q.name+" is gone")
		return nil
	case !e.Idle():
		m.setStatusOf(q.name, status.Error, "nothing done: "+q.name+" is busy "+e.BusyText()+"; ask again when it is idle")
		return nil
	}
	switch q.kind {
	case session.OpLogout:
		return m.start(e, session.OpLogout, nil)
	case session.OpDelete:
		m.sess.Begin(e, session.OpDelete)
		return tea.Batch(removeCmd(m.vault, e.Provider.Name, e.Pending), m.startSpinner())
	}
	return nil
}

// start begins a fetch, refresh or logout of e; slots bounds bulk runs.
func (m *Model) start(e *session.Entry, o session.Op, slots chan struct{}) tea.Cmd {
	if m.vault == nil || !m.sess.Begin(e, o) {
		return nil
	}
	return tea.Batch(m.requestOf(e, slots), m.startSpinner())
}

// requestOf is the request of the action e was begun with.
func (m *Model) requestOf(e *session.Entry, slots chan struct{}) tea.Cmd {
	eo := oauth.EnsureOptions{Fresh: true}
	if e.Busy == session.OpRefresh || e.Busy == session.OpAutoRefresh {
		eo = oauth.EnsureOptions{Renew: true}
	}
	return tokenCmd(m.client, m.vault, e.Provider.Name, e.Pending, e.Busy, eo, slots)
}

// refreshAll refreshes every idle provider that has a token and fetches
// one for every idle provider that has none, a few at a time; a sign-in
// provider without a refresh token is left out: only a person, with f on
// it, gets it a token.
func (m *Model) refreshAll() tea.Cmd {
	want := func(e *session.Entry) bool { return !e.NeedsSignIn() }
	if !slices.ContainsFunc(m.sess.Entries(), func(e *session.Entry) bool { return e.Idle() && want(e) }) {
		m.setStatus(status.Info, "nothing to refresh: each idle provider needs a sign-in · press "+
			m.keys.Fetch.Help().Key+" on it")
		return nil
	}
	return m.startBulk("refresh", "refreshing", "provider", "providers", want)
}

// fetchMissing fetches a token for every idle provider that holds none
// but those that need a browser login, a few at a time, and counts the answers as a refresh-all does.
func (m *Model) fetchMissing() tea.Cmd {
	// A browser-login provider's first token needs a person: not on start.
	return m.startBulk("fetch", "fetching", "token", "tokens", func(e *session.Entry) bool {
		return !e.HasToken() && !e.Provider.Grant.Interactive()
	})
}

// startBulk starts, for every idle provider that want picks, a refresh if
// it holds a token and else a fetch, and counts the answers as one run.
func (m *Model) startBulk(verb, doing, one, many string, want func(*session.Entry) bool) tea.Cmd {
	if m.vault == nil {
		return nil
	}
	started := m.sess.StartBulk(verb, want)
	if len(started) == 0 && verb == "fetch" {
		return nil
	}
	cmds := make([]tea.Cmd, 0, len(started)+1)
	for _, e := range started {
		cmds = append(cmds, m.requestOf(e, m.slots))
	}
	cmds = append(cmds, m.startSpinner())
	m.setStatus(status.Info, doing+" "+session.Plural(m.sess.Tally().Pending, one, many)+"…")
	return tea.Batch(cmds...)
}

// tallyStatus says on the status line how a bulk run goes, when an answer
// changed its tally.
func (m *Model) tallyStatus() {
	t, ok := m.sess.TallyChanged()
	if !ok {
		return
	}
	text, failed := t.Text()
	switch {
	case !t.Done():
		m.setStatus(status.Info, text)
	case failed:
		m.setStatus(status.Error, text)
	default:
		m.setStatus(status.Success, text)
	}
}

// startTry runs e's try request with its current token.
func (m *Model) startTry(e *session.Entry) tea.Cmd {
	if e == nil || !e.HasToken() || !m.sess.Begin(e, session.OpTry) {
		return nil
	}
	return tea.Batch(tryCmd(m.client, e.Endpoints(), e.Token, e.Pending), m.startSpinner())
}

// nextTheme switches to the next palette and remembers it in the store.
// On a terminal without colour there is only mono, and the line says so.
func (m *Model) nextTheme() tea.Cmd {
	if m.themeCount() < 2 {
		m.setStatus(status.Info, "no colour on this terminal (NO_COLOR or its profile): mono is the only theme")
		return nil
	}
	t := themes.Next(m.theme.Name)
	m.setTheme(t)
	m.setStatus(status.Info, "theme "+t.Name)
	if m.vault == nil {
		return nil
	}
	return themeCmd(m.vault, t.Name)
}
