package ui

import (
	"testing"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/ui/session"
)

// After a failure, the pane of a provider without a token says to retry,
// not to fetch one as if nothing had been tried.
func TestNoTokenHintSaysRetryAfterAFailure(t *testing.T) {
	t.Parallel()
	e := &session.Entry{Provider: providers.Provider{Name: "p"}}
	if got := dataOf(e, "f").NoTokenHint; got != "press f to fetch one" {
		t.Errorf("hint before any failure = %q", got)
	}
	e.Failed = true
	if got := dataOf(e, "f").NoTokenHint; got != "press f to retry" {
		t.Errorf("hint after a failure = %q", got)
	}
	e.Busy = session.OpFetch
	if got := dataOf(e, "f").NoTokenHint; got != "" {
		t.Errorf("hint while fetching = %q", got)
	}
}

// A browser-login provider's pane says that f signs in.
func TestNoTokenHintOfABrowserLogin(t *testing.T) {
	t.Parallel()
	e := &session.Entry{Provider: providers.Provider{Name: "app", Grant: providers.GrantAuthorizationCode}}
	want := "press f to sign in with a browser"
	if got := dataOf(e, "f").NoTokenHint; got != want {
		t.Errorf("hint = %q, want %q", got, want)
	}
}

// A device-login provider's pane says the same, for any device.
func TestNoTokenHintOfADeviceLogin(t *testing.T) {
	t.Parallel()
	e := &session.Entry{Provider: providers.Provider{Name: "tv", Grant: providers.GrantDeviceCode}}
	want := "press f to sign in on any device"
	if got := dataOf(e, "f").NoTokenHint; got != want {
		t.Errorf("hint = %q, want %q", got, want)
	}
}
