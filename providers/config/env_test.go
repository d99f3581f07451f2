package config

import (
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	getenv := env("A", "alpha", "B", "b$b", "EMPTY", "", "_X1", "x")
	tests := []struct {
		in, want, err string
	}{
		{"plain", "plain", ""},
		{"", "", ""},
		{"${A}", "alpha", ""},
		{"pre-${A}-${B}-post", "pre-alpha-b$b-post", ""},
		{"${EMPTY}", "", ""},
		{"${_X1}", "x", ""},
		{"$$", "$", ""},
		{"$${A}", "${A}", ""},
		{"$$$${A}", "$${A}", ""},
		{"$$${A}", "$alpha", ""},
		{"cost $5", "cost $5", ""},
		{"trailing $", "trailing $", ""},
		{"$A", "$A", ""},
		{"${MISSING}", "", "environment variable MISSING is not set"},
		{"ab${A", "", "a ${ at character 3 has no closing }"},
		{"${}", "", "a variable name is letters, digits and _"},
		{"${1A}", "", "a variable name"},
		{"${A B}", "", "a variable name"},
		{"${A-very-long-pasted-secret}", "", "${A-ve…} at character 1"},
	}
	for _, tt := range tests {
		got, err := expand(tt.in, getenv)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("expand(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("expand(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestEscapeSurvivesExpand(t *testing.T) {
	for _, s := range []string{"", "$", "$$", "${A}", "a$b${c}$$d$", "no dollars"} {
		got, err := expand(escape(s), env("A", "not me"))
		if err != nil || got != s {
			t.Errorf("expand(escape(%q)) = %q, %v", s, got, err)
		}
	}
}

func TestLocate(t *testing.T) {
	src := `top = 1
[[providers]]
name = "a"
try_body = """
fake = "not a key"
[[providers]]
"""
"quoted.key" = 1
headers = { X = "1" }
  [providers.params]
  audience = "x"
  'lit key' = "y"

[[providers]]
name = "b"
headers.X-Key = "v"
`
	l := locate(src)
	tests := []struct {
		table int
		path  string
		want  int
	}{
		{-1, "top", 1},
		{0, "name", 3},
		{0, "try_body", 4},
		{0, "fake", 2}, // inside the multi-line string: not a key, so the table's line
		{0, "quoted.key", 8},
		{0, "headers", 9},
		{0, "headers.X", 9}, // inside an inline table: the table key's line
		{0, "params", 10},
		{0, "params.audience", 11},
		{0, "params.lit key", 12},
		{1, "name", 15},
		{1, "headers.X-Key", 16},
		{1, "client_id", 14},
		{5, "name", 0},
	}
	if len(l.tables) != 2 {
		t.Fatalf("found %d tables, want 2", len(l.tables))
	}
	for _, tt := range tests {
		if got := l.at(tt.table, tt.path); got != tt.want {
			t.Errorf("at(%d, %q) = %d, want %d", tt.table, tt.path, got, tt.want)
		}
	}
}
