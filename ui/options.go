package ui

import (
	"fmt"
	"io"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/themes"
	"github.com/tokenscope/tokenscope/ui/confirm"
	"github.com/tokenscope/tokenscope/ui/detail"
	"github.com/tokenscope/tokenscope/ui/exchanges"
	"github.com/tokenscope/tokenscope/ui/list"
	"github.com/tokenscope/tokenscope/ui/session"
	"github.com/tokenscope/tokenscope/ui/status"
)

// Options configure the explorer.
type Options struct {
	// Dir is the store's directory; Vault, when set, is that store already
	// unlocked. With Vault nil the explorer opens on the unlock (or
	// first-run) screen for Dir.
	Dir   string
	Vault *store.Vault
	// Client runs the token requests; nil builds one with Now as its clock.
	Client *oauth.Client
	// Theme names the palette (--theme); "" uses the one remembered in the
	// store, else the default.
	Theme string
	// Demo marks a session against the demo server.
	Demo bool
	// FetchOnStart fetches a token, as soon as the store is read, for every
	// provider that holds none (--demo does, so a newcomer sees countdowns
	// move at once).
	FetchOnStart bool
	// RenewOnOpen renews, in the background as auto-refresh does, every
	// token found expired when the store is read (the command line sets
	// it unless --no-renew-on-open).
	RenewOnOpen bool
	// NoMouse leaves the mouse to the terminal (--no-mouse), where a drag
	// selects text; with the mouse on, clicks select and focus, the wheel
	// scrolls, and shift+drag still selects text in most terminals.
	NoMouse bool
	// Now is the clock of the countdowns; nil means time.Now. Tests fix it.
	Now func() time.Time
	// Input and Output are the terminal; nil means stdin and stdout. The
	// clipboard's OSC 52 fallback writes to Output, and is off without it.
	Input  io.Reader
	Output io.Writer
	// Renderer is the terminal's lipgloss renderer, whose colour profile
	// and background the styles are built for; nil means lipgloss's
	// default renderer (stdout). Tests give each explorer its own.
	Renderer *lipgloss.Renderer
	// Getenv reads the environment (the clipboard chooses how to reach the
	// terminal by it); nil reads an empty one. The explorer reads nothing
	// of the process itself: the command line passes it in.
	Getenv func(string) string
}

// New returns the explorer's model, ready for tea.NewProgram (or teatest).
func New(o Options) Model {
	hm := help.New()
	m := Model{
		opts:    o,
		keys:    DefaultKeyMap(),
		client:  o.Client,
		vault:   o.Vault,
		list:    ptr(list.New(nil)),
		detail:  ptr(detail.New(nil)),
		confirm: &confirm.Model{},
		help:    &hm,
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		status:  ptr(status.New(nil)),
		sess:    session.New(),
		exlog:   ptr(exchanges.New(0, nil)),
		slots:   make(chan struct{}, bulkSlots),
	}
	m.clipOpts = clipboardOptions(o)
	m.clip = withSettings(m.clipOpts, store.Settings{})
	if m.client == nil {
		m.client = oauth.NewClient(oauth.Options{Now: o.Now})
	}
	t, ok := themes.Lookup(o.Theme)
	if !ok {
		t = themes.Default()
	}
	m.setTheme(t)
	m.setNow(m.clock())
	if m.vault == nil {
		m.screen = screenUnlock
		m.unlock = newUnlock(o.Dir, m.styles)
	} else {
		m.screen = screenLoading
	}
	m.setFocus(focusList)
	m.updateKeybindings()
	return m
}

// fps caps the renderer's frame rate. Nothing on screen moves faster than
// the spinner (12 frames a second); the renderer's default of 60 wakes the
// process four times as often for nothing.
const fps = 30

// Run runs the explorer on the terminal until the user quits.
func Run(o Options) error {
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithFPS(fps)}
	if !o.NoMouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	if o.Input != nil {
		opts = append(opts, tea.WithInput(o.Input))
	}
	if o.Output != nil {
		opts = append(opts, tea.WithOutput(o.Output))
	}
	final, err := tea.NewProgram(New(o), opts...).Run()
	if m, ok := final.(Model); ok {
		m.stopSignIns()
	}
	if err != nil {
		return fmt.Errorf("explorer: %w", err)
	}
	return nil
}

// ptr is a pointer to a copy of v: a child built by value, held by pointer.
func ptr[T any](v T) *T { return &v }
