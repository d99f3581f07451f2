package unlock

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/store"
)

// TestAgainstTheRealStore creates a vault through the first-run screen,
// then unlocks it through the unlock screen, wrong passphrase first, so
// the messages match the errors the store really returns.
func TestAgainstTheRealStore(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "tokenscope") // Init makes it 0700
	opts := Options{
		Dir:  dir,
		Init: func(p []byte) (*store.Vault, error) { return store.Init(dir, p, store.MinWorkFactor) },
		Open: func(p []byte) (*store.Vault, error) { return store.OpenPassphrase(dir, p) },
	}

	opts.FirstRun = true
	m := New(opts)
	for range 2 {
		m = typeText(m, "plum tiger")
		var cmd tea.Cmd
		m, cmd = press(m, tea.KeyEnter)
		if m.Working() {
			m, cmd = settle(t, m, cmd)
			if msgs := drain(t, cmd); len(msgs) != 1 || !unlocked(msgs[0]) {
				t.Fatalf("init: %#v\n%s", msgs, view(m))
			}
		}
	}
	if !store.Exists(dir) {
		t.Fatal("no vault was created")
	}

	opts.FirstRun = false
	m = typeText(New(opts), "plum tigre")
	m, cmd := press(m, tea.KeyEnter)
	m, _ = settle(t, m, cmd)
	if !strings.Contains(view(m), "wrong passphrase: try again") {
		t.Fatalf("wrong passphrase:\n%s", view(m))
	}
	m = typeText(m, "plum tiger")
	m, cmd = press(m, tea.KeyEnter)
	m, cmd = settle(t, m, cmd)
	msgs := drain(t, cmd)
	if len(msgs) != 1 || !unlocked(msgs[0]) {
		t.Fatalf("unlock: %#v\n%s", msgs, view(m))
	}
	v := msgs[0].(UnlockedMsg).Vault
	if v == nil || v.Dir() != dir {
		t.Fatalf("unlocked %+v", v)
	}
}

func unlocked(msg tea.Msg) bool {
	u, ok := msg.(UnlockedMsg)
	return ok && u.Vault != nil
}

// TestDescribeSaysWhatToDo: the store's refusals name no command; the
// unlock screen adds what the user can do about each.
func TestDescribeSaysWhatToDo(t *testing.T) {
	t.Parallel()
	for kind, want := range map[error]string{
		store.ErrWrongPassphrase: "try again",
		store.ErrCorrupt:         "restore it from a backup",
		store.ErrUnsupported:     "upgrade tokenscope",
	} {
		if got := describe(fmt.Errorf("/x/vault.age: %w", kind), false); !strings.Contains(got, want) {
			t.Errorf("describe(%v) = %q, want it to say %q", kind, got, want)
		}
	}
}
