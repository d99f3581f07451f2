package unlock

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/store"
)

// kdf is an Open or Init that records the passphrases it was given and
// keeps the slices, to check they were wiped.
type kdf struct {
	mu     sync.Mutex
	seen   []string
	slices [][]byte
	answer func(pass string) (*store.Vault, error)
}

func (k *kdf) call(pass []byte) (*store.Vault, error) {
	k.mu.Lock()
	k.seen = append(k.seen, string(pass))
	k.slices = append(k.slices, pass)
	k.mu.Unlock()
	return k.answer(string(pass))
}

func passphrase(want string, v *store.Vault) func(string) (*store.Vault, error) {
	return func(got string) (*store.Vault, error) {
		if got != want {
			return nil, fmt.Errorf("unwrap identity.age: %w", store.ErrWrongPassphrase)
		}
		return v, nil
	}
}

func newModel(firstRun bool, k *kdf) Model {
	m := New(Options{
		Dir: "/home/ada/.config/tokenscope", FirstRun: firstRun,
		Open: k.call, Init: k.call,
	})
	m.SetSize(80, 24)
	return m
}

func typeText(m Model, s string) Model {
	for _, r := range s {
		m, _ = m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

func press(m Model, k tea.KeyType) (Model, tea.Cmd) { return m.Update(tea.KeyMsg{Type: k}) }

// drain runs a Cmd as Bubble Tea would, unrolling batches, and returns
// the messages, the spinner's ticks left out.
func drain(t *testing.T, cmd tea.Cmd) []tea.Msg {
	t.Helper()
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range batch {
			out = append(out, drain(t, c)...)
		}
		return out
	}
	if msg == nil || reflect.TypeOf(msg).String() == "spinner.TickMsg" {
		return nil
	}
	return []tea.Msg{msg}
}

// settle feeds an attempt's outcome back, as the event loop would, and
// returns the model and the Cmd Update gave for it.
func settle(t *testing.T, m Model, cmd tea.Cmd) (Model, tea.Cmd) {
	t.Helper()
	for _, msg := range drain(t, cmd) {
		if r, ok := msg.(resultMsg); ok {
			return m.Update(r)
		}
	}
	t.Fatal("the attempt produced no result")
	return m, nil
}

func view(m Model) string { return ansi.Strip(m.View()) }

func TestUnlockWithTheRightPassphrase(t *testing.T) {
	t.Parallel()
	vault := &store.Vault{}
	k := &kdf{answer: passphrase("correct horse", vault)}
	m := typeText(newModel(false, k), "correct horse")
	if v := view(m); strings.Contains(v, "correct horse") || !strings.Contains(v, "•••••••••••••") {
		t.Fatalf("the passphrase is not masked:\n%s", v)
	}
	m, cmd := press(m, tea.KeyEnter)
	if !m.Working() || !strings.Contains(view(m), "unlocking: deriving the key") {
		t.Fatalf("no spinner while the KDF runs:\n%s", view(m))
	}
	if m.pass.Value() != "" {
		t.Fatal("the passphrase field still holds the passphrase while the KDF runs")
	}
	// Keys typed while working do nothing.
	if m2 := typeText(m, "x"); m2.pass.Value() != "" || !m2.Working() {
		t.Fatal("typing while working changed the screen")
	}
	m, cmd = settle(t, m, cmd)
	msgs := drain(t, cmd)
	if len(msgs) != 1 || msgs[0] != (UnlockedMsg{Vault: vault}) {
		t.Fatalf("got %#v, want UnlockedMsg with the vault", msgs)
	}
	if got := k.seen; len(got) != 1 || got[0] != "correct horse" {
		t.Fatalf("Open saw %q", got)
	}
	if s := k.slices[0]; strings.Trim(string(s), "\x00") != "" {
		t.Fatalf("the passphrase bytes were not wiped: %q", s)
	}
	if !strings.Contains(view(m), "unlocked") {
		t.Fatalf("view after unlocking:\n%s", view(m))
	}
}

func TestWrongPassphraseAllowsAnotherTry(t *testing.T) {
	t.Parallel()
	vault := &store.Vault{}
	k := &kdf{answer: passphrase("right", vault)}
	m := newModel(false, k)
	for i, want := range []string{"wrong passphrase: try again", "wrong passphrase: try again (2 wrong so far)"} {
		m = typeText(m, "wrong")
		var cmd tea.Cmd
		m, cmd = press(m, tea.KeyEnter)
		m, _ = settle(t, m, cmd)
		v := view(m)
		if !strings.Contains(v, want) || m.Working() {
			t.Fatalf("attempt %d: want %q:\n%s", i+1, want, v)
		}
		if m.pass.Value() != "" || !m.pass.Focused() {
			t.Fatalf("attempt %d: field not empty and focused for another try", i+1)
		}
	}
	m = typeText(m, "right")
	m, cmd := press(m, tea.KeyEnter)
	m, cmd = settle(t, m, cmd)
	if msgs := drain(t, cmd); len(msgs) != 1 || msgs[0] != (UnlockedMsg{Vault: vault}) {
		t.Fatalf("third attempt: got %#v", msgs)
	}
	if strings.Contains(view(m), "wrong") {
		t.Fatalf("the old error is still shown:\n%s", view(m))
	}
}

func TestCorruptVaultHasItsOwnMessage(t *testing.T) {
	t.Parallel()
	k := &kdf{answer: func(string) (*store.Vault, error) {
		return nil, fmt.Errorf("vault.age: %w: authentication failed", store.ErrCorrupt)
	}}
	m := typeText(newModel(false, k), "anything")
	m, cmd := press(m, tea.KeyEnter)
	m, _ = settle(t, m, cmd)
	v := view(m)
	if !strings.Contains(v, "damaged or was replaced") || strings.Contains(v, "wrong passphrase") {
		t.Fatalf("corrupt vault message:\n%s", v)
	}
	if !strings.Contains(strings.Join(strings.Fields(v), " "), "TOKENSCOPE_IDENTITY") {
		t.Fatalf("no way out offered:\n%s", v)
	}
}

func TestEmptyPassphraseIsRefusedWithoutAKDF(t *testing.T) {
	t.Parallel()
	k := &kdf{answer: passphrase("x", &store.Vault{})}
	m, cmd := press(newModel(false, k), tea.KeyEnter)
	if cmd != nil || m.Working() || !strings.Contains(view(m), "type a passphrase first") {
		t.Fatalf("empty passphrase:\n%s", view(m))
	}
}

func TestFirstRunConfirmsThePassphrase(t *testing.T) {
	t.Parallel()
	vault := &store.Vault{}
	k := &kdf{answer: func(string) (*store.Vault, error) { return vault, nil }}
	m := newModel(true, k)
	if v := view(m); !strings.Contains(v, "Welcome to tokenscope") || !strings.Contains(v, "cannot be recovered") {
		t.Fatalf("first run screen:\n%s", v)
	}
	m = typeText(m, "one two three")
	m, cmd := press(m, tea.KeyEnter)
	if cmd != nil || !m.again.Focused() || !strings.Contains(view(m), "type the same passphrase again") {
		t.Fatalf("enter on the first field should move to the confirmation:\n%s", view(m))
	}
	m = typeText(m, "one two there")
	m, cmd = press(m, tea.KeyEnter)
	if cmd != nil || len(k.seen) != 0 {
		t.Fatal("a mismatch reached Init")
	}
	if v := view(m); !strings.Contains(v, "the two passphrases differ") || !m.pass.Focused() || m.pass.Value() != "" {
		t.Fatalf("mismatch:\n%s", v)
	}
	m = typeText(m, "one two three")
	m, _ = press(m, tea.KeyEnter)
	m = typeText(m, "one two three")
	m, cmd = press(m, tea.KeyEnter)
	if !strings.Contains(view(m), "creating the vault") {
		t.Fatalf("no spinner while creating:\n%s", view(m))
	}
	m, cmd = settle(t, m, cmd)
	if msgs := drain(t, cmd); len(msgs) != 1 || msgs[0] != (UnlockedMsg{Vault: vault}) {
		t.Fatalf("got %#v", msgs)
	}
	if len(k.seen) != 1 || k.seen[0] != "one two three" {
		t.Fatalf("Init saw %q", k.seen)
	}
}

func TestBackFromTheConfirmation(t *testing.T) {
	t.Parallel()
	m := typeText(newModel(true, &kdf{}), "first")
	m, _ = press(m, tea.KeyEnter)
	if !m.KeyMap.Back.Enabled() {
		t.Fatal("back is disabled on the confirmation")
	}
	m = typeText(m, "sec")
	m, _ = press(m, tea.KeyShiftTab)
	if !m.pass.Focused() || m.again.Value() != "" || m.pass.Value() != "first" || m.KeyMap.Back.Enabled() {
		t.Fatalf("back: focus %v, again %q, pass %q", m.pass.Focused(), m.again.Value(), m.pass.Value())
	}
}

func TestRevealShowsWhatWasTyped(t *testing.T) {
	t.Parallel()
	m := typeText(newModel(false, &kdf{}), "hunter2")
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	if !strings.Contains(view(m), "hunter2") {
		t.Fatalf("ctrl+r did not reveal:\n%s", view(m))
	}
	m, _ = m.Update(tea.KeyMsg{Type: tea.KeyCtrlR})
	if strings.Contains(view(m), "hunter2") {
		t.Fatalf("ctrl+r did not mask again:\n%s", view(m))
	}
}

func TestStaleResultIsDropped(t *testing.T) {
	t.Parallel()
	m := newModel(false, &kdf{})
	m, _ = m.Update(resultMsg{attempt: 7, vault: &store.Vault{}})
	if m.step != stepEnter {
		t.Fatal("a result nobody asked for changed the screen")
	}
}

func TestHelpFollowsTheStep(t *testing.T) {
	t.Parallel()
	k := &kdf{answer: func(string) (*store.Vault, error) { time.Sleep(time.Millisecond); return nil, errors.New("x") }}
	m := newModel(true, k)
	enabled := func(m Model) []string {
		var out []string
		for _, b := range m.ShortHelp() {
			if b.Enabled() {
				out = append(out, b.Help().Key+" "+b.Help().Desc)
			}
		}
		return out
	}
	if got := strings.Join(enabled(m), ", "); got != "enter next, ctrl+r show/hide, esc quit" {
		t.Fatalf("first field help: %s", got)
	}
	m = typeText(m, "a")
	m, _ = press(m, tea.KeyEnter)
	if got := strings.Join(enabled(m), ", "); got != "enter create vault, shift+tab back, ctrl+r show/hide, esc quit" {
		t.Fatalf("confirmation help: %s", got)
	}
	m = typeText(m, "a")
	m, _ = press(m, tea.KeyEnter)
	if got := strings.Join(enabled(m), ", "); got != "esc quit" {
		t.Fatalf("help while working: %s", got)
	}
}
