package cli

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestDescribe checks that every command parses its flags before doing
// anything else, which completion and the man page rely on to learn them:
// run to describe, each stops in parse without touching the store.
func TestDescribe(t *testing.T) {
	for _, c := range commands() {
		var out, errs strings.Builder
		a := newApp(strings.NewReader(""), &out, &errs, func(k string) string {
			if k == "TOKENSCOPE_HOME" {
				t.Errorf("%s read TOKENSCOPE_HOME while described", c.name)
			}
			return ""
		}, hooks{})
		a.describing = true
		if err := c.run(a, context.Background(), c, nil); !errors.Is(err, errDescribed) || a.described == nil {
			t.Errorf("%s: describe = %v, want errDescribed with its flag set", c.name, err)
		}
		if out.Len()+errs.Len() > 0 {
			t.Errorf("%s wrote while described: %q %q", c.name, out.String(), errs.String())
		}
	}
}

// TestSpecMatchesHelp checks that the flags completion knows are those
// --help shows, command by command.
func TestSpecMatchesHelp(t *testing.T) {
	for _, c := range newSpec().cmds {
		var out strings.Builder
		a := newApp(strings.NewReader(""), &out, &out, nil, defaultHooks())
		if err := c.run(a, context.Background(), c.command, []string{"--help"}); !errors.Is(err, errHelpShown) {
			t.Fatalf("%s --help: %v", c.name, err)
		}
		for _, f := range c.flags {
			if !strings.Contains(out.String(), "--"+f.name) {
				t.Errorf("%s: --%s is in the completion but not in --help:\n%s", c.name, f.name, out.String())
			}
		}
		if n := strings.Count(out.String(), "\n    --") + 1; n != len(c.flags) {
			t.Errorf("%s: --help lists %d flags, completion %d", c.name, n, len(c.flags))
		}
	}
}
