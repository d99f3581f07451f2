package config

import (
	"strings"
)

// lines maps the keys of a providers file to the lines they are on, so
// errors can point at them; BurntSushi/toml keeps positions to itself. It
// reads text the TOML decoder has already accepted and is only a locator:
// when it cannot tell, errors fall back to the table's line.
type lines struct {
	top    map[string]int // top-level key path → line
	tables []tableLines   // one per [[providers]], in order
}

type tableLines struct {
	line int            // the [[providers]] header
	keys map[string]int // key path within the table ("client_secret", "headers.X-Key") → line
}

// at returns the line of key path in table i (-1: top level), trying the
// path, then its parents (a key inside an inline table), then the table.
func (l lines) at(i int, path string) int {
	keys, fallback := l.top, 0
	if i >= 0 && i < len(l.tables) {
		keys, fallback = l.tables[i].keys, l.tables[i].line
	}
	for p := path; p != ""; {
		if n, ok := keys[p]; ok {
			return n
		}
		dot := strings.LastIndexByte(p, '.')
		if dot < 0 {
			break
		}
		p = p[:dot]
	}
	return fallback
}

// locate scans src line by line for table headers and "key =" lines,
// stepping over multi-line strings.
func locate(src string) lines {
	l := lines{top: map[string]int{}}
	keys, prefix := l.top, ""
	closer := "" // the delimiter of the multi-line string we are in
	for n, line := range strings.Split(src, "\n") {
		n++
		if closer != "" {
			if strings.Contains(line, closer) {
				closer = ""
			}
			continue
		}
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "[["):
			path, _ := keyPath(t[2:])
			if len(path) == 1 && path[0] == "providers" {
				l.tables = append(l.tables, tableLines{line: n, keys: map[string]int{}})
				keys, prefix = l.tables[len(l.tables)-1].keys, ""
			} else {
				keys, prefix = l.top, strings.Join(path, ".")+"."
				l.top[strings.Join(path, ".")] = n
			}
		case strings.HasPrefix(t, "["):
			path, _ := keyPath(t[1:])
			if len(path) > 1 && path[0] == "providers" && len(l.tables) > 0 {
				keys = l.tables[len(l.tables)-1].keys
				prefix = strings.Join(path[1:], ".")
				keys[prefix] = n
				prefix += "."
			} else if len(path) > 0 {
				keys, prefix = l.top, strings.Join(path, ".")+"."
				l.top[strings.Join(path, ".")] = n
			}
		default:
			path, rest := keyPath(t)
			rest = strings.TrimSpace(rest)
			if len(path) == 0 || !strings.HasPrefix(rest, "=") {
				continue
			}
			if _, seen := keys[prefix+strings.Join(path, ".")]; !seen {
				keys[prefix+strings.Join(path, ".")] = n
			}
			v := strings.TrimSpace(rest[1:])
			for _, d := range []string{`"""`, `'''`} {
				if strings.HasPrefix(v, d) && !strings.Contains(v[3:], d) {
					closer = d
				}
			}
		}
	}
	return l
}

// keyPath reads a dotted TOML key (bare, "quoted" or 'literal' parts) from
// the start of s and returns its parts and the text after it.
func keyPath(s string) (path []string, rest string) {
	for {
		s = strings.TrimLeft(s, " \t")
		var part string
		switch {
		case strings.HasPrefix(s, `"`):
			end := 1
			for end < len(s) && s[end] != '"' {
				if s[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(s) {
				return nil, ""
			}
			part, s = unescape(s[1:end]), s[end+1:]
		case strings.HasPrefix(s, `'`):
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 {
				return nil, ""
			}
			part, s = s[1:end+1], s[end+2:]
		default:
			end := 0
			for end < len(s) && isBare(s[end]) {
				end++
			}
			if end == 0 {
				return nil, ""
			}
			part, s = s[:end], s[end:]
		}
		path = append(path, part)
		s = strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(s, ".") {
			return path, s
		}
		s = s[1:]
	}
}

func isBare(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// unescape handles the escapes a quoted key realistically holds; a key
// with others simply is not located and errors use the table's line.
func unescape(s string) string {
	return strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(s)
}
