package browser

import (
	"errors"
	"reflect"
	"testing"
)

func env(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

func TestCommand(t *testing.T) {
	t.Parallel()
	const u = "http://127.0.0.1:1/x?a=b"
	for _, c := range []struct {
		env  map[string]string
		goos string
		want []string
	}{
		{map[string]string{"BROWSER": "firefox --new-tab"}, "linux", []string{"firefox", "--new-tab", u}},
		{map[string]string{"BROWSER": "w3m %s -o x"}, "linux", []string{"w3m", u, "-o", "x"}},
		{map[string]string{"DISPLAY": ":0"}, "linux", []string{"xdg-open", u}},
		{map[string]string{"WAYLAND_DISPLAY": "w"}, "freebsd", []string{"xdg-open", u}},
		{nil, "linux", nil},
		{nil, "darwin", []string{"open", u}},
		{nil, "windows", []string{"rundll32", "url.dll,FileProtocolHandler", u}},
	} {
		if got := Command(env(c.env), c.goos, u); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Command(%v, %s) = %q, want %q", c.env, c.goos, got, c.want)
		}
	}
}

func TestOpenWithBrowserRunsIt(t *testing.T) {
	t.Parallel()
	if err := Open(env(map[string]string{"BROWSER": "true"}), "http://x"); err != nil {
		t.Fatal(err)
	}
	err := Open(env(map[string]string{"BROWSER": "/nonexistent/browser"}), "http://x")
	if err == nil || errors.Is(err, ErrNoDisplay) {
		t.Fatalf("Open with a missing browser: %v", err)
	}
}
