package config

import (
	"slices"
	"testing"
)

func TestSuggest(t *testing.T) {
	commands := []string{"init", "passphrase", "keyring", "clipboard", "list", "add", "remove", "import",
		"export", "token", "header", "refresh", "logout", "decode", "curl", "help"}
	for _, c := range []struct {
		typed string
		want  []string
	}{
		{"tokn", []string{"token"}},
		{"tokne", []string{"token"}}, // a swap is one edit
		{"TOKEN", nil},               // the word itself, in another case
		{"token", nil},
		{"lsit", []string{"list"}},
		{"hedaer", []string{"header"}},
		{"dec", []string{"decode"}}, // three edits, but a prefix
		{"re", []string{"remove", "refresh"}},
		{"x", nil}, // one letter suggests nothing
		{"frobnicate", nil},
		{"", nil},
		{"imprt", []string{"import"}},
		{"exprt", []string{"export"}},
	} {
		got := Suggest(c.typed, commands)
		slices.Sort(got)
		slices.Sort(c.want)
		if !slices.Equal(got, c.want) {
			t.Errorf("Suggest(%q) = %q, want %q", c.typed, got, c.want)
		}
	}
}

func TestDidYouMean(t *testing.T) {
	for _, c := range []struct {
		typed string
		known []string
		want  string
	}{
		{"jsn", []string{"json", "fresh"}, `did you mean "json"?`},
		{"ab", []string{"abc", "abd"}, `did you mean "abc" or "abd"?`},
		{"a", []string{"ab", "ac", "ad", "ae"}, `did you mean "ab", "ac" or "ad"?`},
		{"zzz", []string{"json"}, ""},
	} {
		if got := DidYouMean(Suggest(c.typed, c.known)); got != c.want {
			t.Errorf("DidYouMean(%q, %q) = %q, want %q", c.typed, c.known, got, c.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"ab", "ba", 1}, {"ca", "abc", 3}, {"ключ", "ключ", 0}, {"ключ", "кдюч", 1},
	} {
		if got := distance(c.a, c.b); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
