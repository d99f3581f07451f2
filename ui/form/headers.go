package form

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tokenscope/tokenscope/providers"
)

// headersKey is the row of the extra headers that have no row of their
// own: "Name: value; Name: value", the values masked until revealed.
const headersKey = "headers"

// headerSep separates the headers of the row.
const headerSep = ";"

// ownRows are the headers preset asks the user for in rows of their own
// (an empty default names one).
func ownRows(preset string) []string {
	ps, ok := providers.LookupPreset(preset)
	if !ok {
		return nil
	}
	var hs []string
	for _, h := range ps.Defaults.HeaderNames() {
		if ps.Defaults.Headers[h] == "" {
			hs = append(hs, h)
		}
	}
	return hs
}

// formatHeaders is the row's text for the headers of p that have no row
// of their own, in name order.
func formatHeaders(p providers.Provider) string {
	own := ownRows(p.Preset)
	var parts []string
	for _, h := range p.HeaderNames() {
		if slices.ContainsFunc(own, func(o string) bool { return strings.EqualFold(o, h) }) {
			continue
		}
		parts = append(parts, h+": "+p.Headers[h].Reveal())
	}
	return strings.Join(parts, headerSep+" ")
}

// header is one "Name: value" of the row; at and end are the rune offsets
// of its value in the row's text.
type header struct {
	name, value string
	at, end     int
	colon       bool
}

// splitHeaders cuts the row's text into its headers. A ";" starts a new
// header only when what follows reads as "Name:", so a value may hold a
// semicolon ("a=1; b=2").
func splitHeaders(s string) []header {
	var out []header
	start := 0 // byte offset of the current header
	flush := func(end int) {
		seg := s[start:end]
		if strings.TrimSpace(seg) == "" {
			return
		}
		h := header{}
		name, value, ok := strings.Cut(seg, ":")
		h.name, h.colon = strings.TrimSpace(name), ok
		at := start
		if ok {
			at += len(name) + 1
			h.value = strings.TrimSpace(value)
		} else {
			h.value = ""
		}
		h.at = utf8.RuneCountInString(s[:at])
		h.end = utf8.RuneCountInString(s[:end])
		out = append(out, h)
	}
	for i := 0; i < len(s); i++ {
		if s[i] != headerSep[0] || !startsHeader(s[i+1:]) {
			continue
		}
		flush(i)
		start = i + 1
	}
	flush(len(s))
	return out
}

// startsHeader reports whether s begins as "Name:" does: a word before a
// colon, spaces around it allowed.
func startsHeader(s string) bool {
	name, _, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	return ok && name != "" && !strings.ContainsAny(name, " \t")
}

// parseHeaders is the row as headers. A header without a colon or a name
// is refused by its place, never by its text: it may be a secret pasted
// in the wrong place. Names and values are checked by Validate's rules.
func parseHeaders(s string) (map[string]providers.Secret, error) {
	hs := splitHeaders(s)
	if len(hs) == 0 {
		return nil, nil
	}
	out := make(map[string]providers.Secret, len(hs))
	for i, h := range hs {
		if !h.colon || h.name == "" {
			return nil, fmt.Errorf("header %d is not Name: value (headers are separated by %s)", i+1, headerSep)
		}
		for k := range out {
			if strings.EqualFold(k, h.name) {
				return nil, fmt.Errorf("%s is given twice", h.name)
			}
		}
		out[h.name] = providers.Secret(h.value)
	}
	return out, nil
}

// maskHeaders is the row's text with every value's characters masked, one
// mask per character so the cursor stays where it is; the names are shown
// with anything but printable ASCII masked too, since a name that Validate
// would refuse may be anything.
func maskHeaders(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		if r < 0x20 || r >= 0x7f {
			rs[i] = '?'
		}
	}
	for _, h := range splitHeaders(s) {
		for i := h.at; i < h.end; i++ {
			if rs[i] != ' ' {
				rs[i] = '•'
			}
		}
	}
	return rs
}
