package ui

import "github.com/charmbracelet/bubbles/key"

// KeyMap holds the explorer's own bindings: the actions on the selected
// provider and the global keys. Each is enabled only when it would do
// something, so the help built from them never lies.
type KeyMap struct {
	Fetch      key.Binding
	Refresh    key.Binding
	RefreshAll key.Binding
	Logout     key.Binding
	CopyHeader key.Binding
	CopyToken  key.Binding
	CopyCurl   key.Binding
	CopyAll    key.Binding // Authorization and the provider's API headers
	Try        key.Binding
	Introspect key.Binding // ask the introspection endpoint about the token
	Reveal     key.Binding
	Response   key.Binding // the last try's answer, in the response view
	Log        key.Binding // the exchange log pane, shown or hidden

	Add      key.Binding
	Edit     key.Binding
	Delete   key.Binding
	Discover key.Binding // fetch the issuer's metadata again
	Theme    key.Binding

	Focus     key.Binding // between the list and the detail pane
	ToList    key.Binding // to the list pane, on its left
	ToDetail  key.Binding // to the detail pane, on its right
	Back      key.Binding // from the detail pane or the help to the list
	Help      key.Binding
	CloseHelp key.Binding // on the help page: back to the main screen
	Quit      key.Binding
	ForceQuit key.Binding
}

// DefaultKeyMap returns the explorer's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Fetch:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "fetch")),
		Refresh:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
		RefreshAll: key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "refresh all")),
		Logout:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "logout")),
		CopyHeader: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy header")),
		CopyToken:  key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy token")),
		CopyCurl:   key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "copy curl")),
		CopyAll:    key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "copy all headers")),
		Try:        key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "try")),
		Introspect: key.NewBinding(key.WithKeys("I"), key.WithHelp("I", "introspect")),
		Reveal:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "reveal")),
		Response:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "last response")),
		Log:        key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "exchange log")),

		Add:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Delete:   key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "delete")),
		Theme:    key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "theme")),
		Discover: key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "rediscover")),

		Focus:     key.NewBinding(key.WithKeys("tab", "shift+tab", "enter"), key.WithHelp("tab", "detail")),
		ToList:    key.NewBinding(key.WithKeys("h", "left"), key.WithHelp("h/←", "list")),
		ToDetail:  key.NewBinding(key.WithKeys("l", "right"), key.WithHelp("l/→", "detail")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		CloseHelp: key.NewBinding(key.WithKeys("?", "esc", "q"), key.WithHelp("?/esc/q", "close help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// actions are the bindings that act on the selected provider.
func (k *KeyMap) actions() []*key.Binding {
	return []*key.Binding{&k.Fetch, &k.Refresh, &k.Logout, &k.CopyHeader, &k.CopyToken,
		&k.CopyCurl, &k.CopyAll, &k.Try, &k.Reveal, &k.Edit, &k.Delete}
}

// updateKeybindings enables exactly the bindings that do something now.
func (m *Model) updateKeybindings() {
	k := &m.keys
	main := m.screen == screenMain && !m.asking && m.list.FilterState() != listFiltering && m.response == nil
	m.logKeybindings()
	for _, b := range []*key.Binding{&k.RefreshAll, &k.Add, &k.Theme, &k.Focus, &k.Quit} {
		b.SetEnabled(main)
	}
	for _, b := range k.actions() {
		b.SetEnabled(false)
	}
	k.Discover.SetEnabled(false)   // an action for a provider with an issuer only
	k.Introspect.SetEnabled(false) // for a token with an introspection endpoint only
	k.Help.SetEnabled(m.screen == screenMain && !m.asking && m.list.FilterState() != listFiltering)
	k.Back.SetEnabled(main && m.focus == focusDetail)
	k.ForceQuit.SetEnabled(true)
	// The page lists the main screen's keys as they are there; on the page
	// itself only CloseHelp and ForceQuit work.
	k.CloseHelp.SetEnabled(m.showHelp)
	k.Theme.SetEnabled(main)
	if m.themeCount() > 1 {
		k.Theme.SetHelp("T", "theme")
	} else {
		k.Theme.SetHelp("T", "theme (mono only)")
	}
	k.Add.SetEnabled(main && m.vault != nil)
	k.RefreshAll.SetEnabled(main && m.sess.Len() > m.sess.Busy())
	e := m.selectedEntry()
	k.Focus.SetEnabled(main && e != nil)
	k.ToList.SetEnabled(main && m.focus == focusDetail)
	k.ToDetail.SetEnabled(main && e != nil && m.focus == focusList)
	if m.focus == focusDetail {
		k.Focus.SetHelp("tab", "list")
	} else {
		k.Focus.SetHelp("tab", "detail")
	}
	if !main || e == nil {
		return
	}
	idle := e.Idle()
	hasTok := e.HasToken()
	canTry := hasTok && e.Provider.TryURL != ""
	k.Fetch.SetEnabled(idle)
	k.Refresh.SetEnabled(idle && hasTok)
	k.Logout.SetEnabled(idle && hasTok)
	k.CopyHeader.SetEnabled(hasTok)
	k.CopyToken.SetEnabled(hasTok)
	k.CopyAll.SetEnabled(hasTok)
	k.CopyCurl.SetEnabled(canTry)
	k.Try.SetEnabled(idle && canTry)
	k.Reveal.SetEnabled(hasTok)
	if m.detail.Revealed() {
		k.Reveal.SetHelp("v", "mask")
	} else {
		k.Reveal.SetHelp("v", "reveal")
	}
	k.Edit.SetEnabled(idle)
	k.Delete.SetEnabled(idle)
	k.Discover.SetEnabled(idle && e.Provider.Issuer != "")
	k.Introspect.SetEnabled(idle && canIntrospect(e))
}
