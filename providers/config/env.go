package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
)

// UnsetError is a ${NAME} whose environment variable is not set. Parse
// reports every one a file refers to, so that the user can set them all
// at once (see MissingVars).
type UnsetError struct {
	Name string // the variable
}

func (e *UnsetError) Error() string { return "environment variable " + e.Name + " is not set" }

// MissingVars lists, in order and once each, the variables of every
// UnsetError in err's tree (errors.Join and %w wrapping followed).
func MissingVars(err error) []string {
	var names []string
	var walk func(error)
	walk = func(err error) {
		if ue, ok := err.(*UnsetError); ok {
			if !slices.Contains(names, ue.Name) {
				names = append(names, ue.Name)
			}
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return names
}

// expand replaces each ${NAME} in s with the environment's value, reading
// "$$" as one literal "$" (Write escapes every "$" it writes that way). A
// "$" followed by anything else is kept as it is. Every variable that is
// not set is reported, as a *UnsetError each (joined); a malformed
// reference ends the expansion. Errors never quote s: it may be a secret.
func expand(s string, getenv func(string) (string, bool)) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var unset []error
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '$' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", fmt.Errorf("a ${ at character %d has no closing }", i+1)
			}
			name := s[i+2 : i+2+end]
			if !validEnvName(name) {
				return "", fmt.Errorf("${%s} at character %d: a variable name is letters, digits and _", clip(name), i+1)
			}
			v, ok := lookup(getenv, name)
			if !ok {
				unset = append(unset, &UnsetError{Name: name})
			}
			b.WriteString(v)
			i += 2 + end
		default:
			b.WriteByte(c)
		}
	}
	if len(unset) > 0 {
		return "", errors.Join(unset...)
	}
	return b.String(), nil
}

func lookup(getenv func(string) (string, bool), name string) (string, bool) {
	if getenv == nil {
		return "", false
	}
	return getenv(name)
}

// clip shortens what a user wrote between ${ and } for an error: it is
// meant to be a variable name, but could be a pasted secret.
func clip(s string) string {
	if len(s) > 12 {
		return s[:4] + "…"
	}
	return s
}

func validEnvName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(isAlnum(c) || c == '_') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// escape makes a literal value survive expand: every "$" becomes "$$".
func escape(s string) string { return strings.ReplaceAll(s, "$", "$$") }

// SecretVar is one environment variable an export refers to in place of a
// secret: which provider and field it stands for, and the secret itself
// (masked when printed) so callers can tell the user what to set.
type SecretVar struct {
	Provider string
	Field    string // "client_secret", "api_key", "static_key", "password", "basic_auth" or "headers.<Header-Name>"
	Name     string // the environment variable, e.g. MOMO_CLIENT_SECRET
	Value    providers.Secret
}
