// Package unlock is the explorer's unlock and first-run screen: a masked
// passphrase field (typed twice when the vault is created), a spinner while
// the key derivation runs in a tea.Cmd, and a clear message when the
// passphrase is wrong or the vault is damaged. It ends with an UnlockedMsg.
package unlock

import (
	"errors"
	"strconv"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/tokenscope/tokenscope/store"
)

// UnlockedMsg says the vault is open; the screen is done.
type UnlockedMsg struct {
	Vault *store.Vault
}

// Options configure the screen.
type Options struct {
	// Dir is the store directory, shown to the user.
	Dir string
	// FirstRun creates a vault (Init) instead of opening one (Open).
	FirstRun bool
	// Open unlocks the existing vault; it runs the KDF and is only called
	// inside a tea.Cmd. The slice is wiped when it returns.
	Open func(passphrase []byte) (*store.Vault, error)
	// Init creates the vault on first run, likewise.
	Init func(passphrase []byte) (*store.Vault, error)
	// Styles are the screen's looks; ui/styles builds them from the theme.
	Styles Styles
}

// Styles are the screen's looks. The zero value renders plain text.
type Styles struct {
	Box    lipgloss.Style
	Title  lipgloss.Style
	Text   lipgloss.Style
	Label  lipgloss.Style
	Prompt lipgloss.Style // the cursor
	Input  lipgloss.Style
	Error  lipgloss.Style
	Hint   lipgloss.Style
	Busy   lipgloss.Style // the spinner and its text
}

type step int

const (
	stepEnter   step = iota // typing the passphrase
	stepConfirm             // first run: typing it again
	stepWorking             // the KDF runs
	stepDone                // unlocked
)

// Model is the unlock screen.
type Model struct {
	// KeyMap is the screen's bindings, DefaultKeyMap unless changed.
	KeyMap KeyMap

	dir      string
	firstRun bool
	open     func([]byte) (*store.Vault, error)
	init     func([]byte) (*store.Vault, error)
	st       Styles

	pass, again textinput.Model
	spin        spinner.Model
	step        step
	attempt     int    // tags results so a stale one is dropped
	failures    int    // wrong passphrases so far
	problem     string // what went wrong last, shown under the fields
	width       int
	height      int
}

// resultMsg is the outcome of one Open or Init.
type resultMsg struct {
	attempt int
	vault   *store.Vault
	err     error
}

// New builds the screen, focused on the passphrase field.
func New(o Options) Model {
	m := Model{
		dir:      o.Dir,
		firstRun: o.FirstRun,
		open:     o.Open,
		init:     o.Init,
		st:       o.Styles,
		KeyMap:   DefaultKeyMap(),
		spin:     spinner.New(spinner.WithSpinner(spinner.Dot), spinner.WithStyle(o.Styles.Busy)),
	}
	m.pass = newField(o.Styles)
	m.again = newField(o.Styles)
	m.pass.Focus()
	m.updateKeys()
	return m
}

func newField(st Styles) textinput.Model {
	f := textinput.New()
	f.Prompt = ""
	f.EchoMode = textinput.EchoPassword
	f.EchoCharacter = '•'
	f.TextStyle = st.Input
	f.Cursor.Style = st.Prompt
	f.CharLimit = 1024
	f.Width = 32
	return f
}

// Init starts the cursor blinking.
func (m Model) Init() tea.Cmd { return textinput.Blink }

// SetSize tells the screen how much room it has; it centres itself.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	w := min(40, max(8, width-24))
	m.pass.Width, m.again.Width = w, w
}

// Working reports whether the key derivation is running.
func (m Model) Working() bool { return m.step == stepWorking }

// Update handles keys, the spinner and the outcome of an attempt.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case resultMsg:
		return m.result(msg)
	case spinner.TickMsg:
		if m.step != stepWorking {
			return m, nil // let the spinner stop
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case tea.KeyMsg:
		return m.key(msg)
	}
	return m.updateField(msg)
}

func (m Model) key(msg tea.KeyMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.KeyMap.Quit):
		return m, tea.Quit
	case m.step == stepWorking || m.step == stepDone:
		return m, nil
	case key.Matches(msg, m.KeyMap.Reveal):
		mode := textinput.EchoNormal
		if m.pass.EchoMode == textinput.EchoNormal {
			mode = textinput.EchoPassword
		}
		m.pass.EchoMode, m.again.EchoMode = mode, mode
		return m, nil
	case key.Matches(msg, m.KeyMap.Back):
		m.again.Reset()
		return m.toStep(stepEnter), nil
	case key.Matches(msg, m.KeyMap.Submit):
		return m.submit()
	}
	return m.updateField(msg)
}

func (m Model) updateField(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.step {
	case stepEnter:
		m.pass, cmd = m.pass.Update(msg)
	case stepConfirm:
		m.again, cmd = m.again.Update(msg)
	}
	return m, cmd
}

// submit moves on from the current field.
func (m Model) submit() (Model, tea.Cmd) {
	if m.pass.Value() == "" {
		m.problem = "type a passphrase first"
		if m.firstRun {
			m.problem = "choose a passphrase first"
		}
		return m.toStep(stepEnter), nil
	}
	if m.firstRun && m.step == stepEnter {
		m.problem = ""
		return m.toStep(stepConfirm), nil
	}
	if m.firstRun && m.again.Value() != m.pass.Value() {
		m.pass.Reset()
		m.again.Reset()
		m.problem = "the two passphrases differ: type them again"
		return m.toStep(stepEnter), nil
	}
	// The fields are emptied now: the passphrase lives on only in this
	// slice, which the Cmd wipes once the KDF has used it.
	pass := []byte(m.pass.Value())
	m.pass.Reset()
	m.again.Reset()
	m.problem = ""
	m.attempt++
	m = m.toStep(stepWorking)
	fn := m.open
	if m.firstRun {
		fn = m.init
	}
	return m, tea.Batch(m.spin.Tick, run(m.attempt, fn, pass))
}

// run calls fn with the passphrase off the event loop and wipes it after.
func run(attempt int, fn func([]byte) (*store.Vault, error), pass []byte) tea.Cmd {
	return func() tea.Msg {
		defer clear(pass)
		if fn == nil {
			return resultMsg{attempt: attempt, err: errors.New("no way to open the vault was configured")}
		}
		v, err := fn(pass)
		return resultMsg{attempt: attempt, vault: v, err: err}
	}
}

func (m Model) result(msg resultMsg) (Model, tea.Cmd) {
	if msg.attempt != m.attempt || m.step != stepWorking {
		return m, nil
	}
	if msg.err == nil && msg.vault != nil {
		m = m.toStep(stepDone)
		v := msg.vault
		return m, func() tea.Msg { return UnlockedMsg{Vault: v} }
	}
	err := msg.err
	if err == nil {
		err = errors.New("the store returned no vault")
	}
	m.problem = describe(err, m.firstRun)
	if errors.Is(err, store.ErrWrongPassphrase) {
		m.failures++
		if m.failures > 1 {
			m.problem += " (" + strconv.Itoa(m.failures) + " wrong so far)"
		}
	}
	return m.toStep(stepEnter), textinput.Blink
}

// describe says what went wrong in words that tell the user what to do.
func describe(err error, firstRun bool) string {
	switch {
	case errors.Is(err, store.ErrWrongPassphrase):
		return "wrong passphrase: try again"
	case errors.Is(err, store.ErrCorrupt):
		return "the vault is damaged or was replaced: " + err.Error() +
			" (restore it from a backup, or unlock with TOKENSCOPE_IDENTITY)"
	case errors.Is(err, store.ErrUnsupported):
		return "could not unlock the vault: " + err.Error() + " (upgrade tokenscope to read it)"
	case errors.Is(err, store.ErrEmptyPassphrase):
		return "choose a passphrase first"
	case firstRun:
		return "could not create the vault: " + err.Error()
	}
	return "could not unlock the vault: " + err.Error()
}

func (m Model) toStep(s step) Model {
	m.step = s
	m.pass.Blur()
	m.again.Blur()
	switch s {
	case stepEnter:
		m.pass.Focus()
	case stepConfirm:
		m.again.Focus()
	}
	m.updateKeys()
	return m
}
