package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// TestSynopsisNamesEveryOption: each command's --help opens with a
// synopsis that names every option its Options list has (or says
// [options]), so the line a user reads first never hides one.
func TestSynopsisNamesEveryOption(t *testing.T) {
	t.Parallel()
	option := regexp.MustCompile(`(?m)^    (--[a-z0-9-]+)`)
	for _, c := range commands() {
		var out, errs bytes.Buffer
		a := newApp(strings.NewReader(""), &out, &errs, func(string) string { return "" }, defaultHooks())
		if code := a.main(context.Background(), []string{c.name, "--help"}); code != 0 {
			t.Errorf("%s --help: exit %d: %s", c.name, code, errs.String())
			continue
		}
		help := out.String() + errs.String()
		lines := strings.SplitN(help, "\n", 3)
		if len(lines) < 2 {
			t.Errorf("%s --help has no synopsis:\n%s", c.name, help)
			continue
		}
		synopsis := lines[1]
		_, opts, _ := strings.Cut(help, "\nOptions:\n")
		for _, m := range option.FindAllStringSubmatch(opts, -1) {
			if !strings.Contains(synopsis, "[options]") && !strings.Contains(synopsis, m[1]) {
				t.Errorf("%s: the synopsis %q does not name %s", c.name, strings.TrimSpace(synopsis), m[1])
			}
		}
	}
}
