package providers_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTheDomainSendsNothing: providers is the domain only. It must not
// depend, even through another package, on net/http or on the engine, the
// store or the UI; sending requests is providers/oauth's job.
func TestTheDomainSendsNothing(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list the dependencies with")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 || deps[len(deps)-1] != "github.com/tokenscope/tokenscope/providers" {
		t.Fatalf("go list -deps listed %q, not the dependencies of providers", deps)
	}
	const self = "github.com/tokenscope/tokenscope/"
	for _, d := range deps {
		switch {
		case d == "net/http" || strings.HasPrefix(d, "net/http/"):
			t.Errorf("providers depends on %s: the domain sends nothing", d)
		case strings.HasPrefix(d, self+"providers/oauth"), strings.HasPrefix(d, self+"store"),
			strings.HasPrefix(d, self+"ui"), strings.HasPrefix(d, "github.com/charmbracelet/"):
			t.Errorf("providers depends on %s: dependencies point from the engine, the store and the UI to the domain", d)
		}
	}
}
