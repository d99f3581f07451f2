package cli

import (
	"strings"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/config"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// curlVars maps the shell variables providers.CurlCommand writes for p's
// secrets ($CLIENT_SECRET, $PASSWORD, $OCP_APIM_SUBSCRIPTION_KEY) to the
// names tokenscope export gives the same secrets (MOMO_CLIENT_SECRET, …),
// so that one set of variables serves both: the file's ${…} references
// and the curl command. all is every provider of the store, in export's
// order, since export numbers a name that two providers would share.
func curlVars(p providers.Provider, all []providers.Provider) map[string]string {
	m := map[string]string{}
	for _, v := range config.SecretVars(all) {
		if v.Provider != p.Name {
			continue
		}
		switch h, isHeader := strings.CutPrefix(v.Field, "headers."); {
		case v.Field == "client_secret", v.Field == "static_key":
			m["CLIENT_SECRET"] = v.Name
		case v.Field == "api_key":
			m["CLIENT_SECRET"], m["API_KEY"] = v.Name, v.Name
		case v.Field == "basic_auth":
			m["BASIC_AUTH"] = v.Name
		case v.Field == "password":
			m["PASSWORD"] = v.Name
		case isHeader:
			m[oauth.HeaderEnv(h)] = v.Name
		}
	}
	return m
}

// renameVars renames, in a POSIX shell command line, the references
// ($NAME, ${NAME}) to the variables in names, and the names themselves in
// # comment lines. Text in single quotes is literal to the shell and left
// alone, as is anything after a backslash.
func renameVars(cmdline string, names map[string]string) string {
	if len(names) == 0 {
		return cmdline
	}
	lines := strings.Split(cmdline, "\n")
	inQuote := false
	for i, l := range lines {
		if !inQuote && strings.HasPrefix(l, "#") {
			lines[i] = renameWords(l, names)
			continue
		}
		lines[i], inQuote = renameRefs(l, names, inQuote)
	}
	return strings.Join(lines, "\n")
}

// renameRefs renames the variable references of one line, which starts
// inside single quotes when inQuote; it returns whether it ends inside.
func renameRefs(l string, names map[string]string, inQuote bool) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case inQuote:
			inQuote = c != '\''
		case c == '\'':
			inQuote = true
		case c == '\\' && i+1 < len(l):
			b.WriteByte(c)
			i++
			c = l[i]
		case c == '$':
			name, braced := varAt(l[i+1:])
			if to, ok := names[name]; ok && name != "" {
				if braced {
					b.WriteString("${" + to + "}")
					i += len(name) + 2
				} else {
					b.WriteString("$" + to)
					i += len(name)
				}
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String(), inQuote
}

// varAt reads the variable name a "$" is followed by in s: NAME or {NAME}.
func varAt(s string) (name string, braced bool) {
	if strings.HasPrefix(s, "{") {
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return "", false
		}
		return s[1:end], true
	}
	n := 0
	for n < len(s) && (s[n] == '_' || s[n] >= 'A' && s[n] <= 'Z' || s[n] >= 'a' && s[n] <= 'z' || s[n] >= '0' && s[n] <= '9') {
		n++
	}
	return s[:n], false
}

// renameWords renames whole words of a comment.
func renameWords(l string, names map[string]string) string {
	words := strings.Split(l, " ")
	for i, w := range words {
		if to, ok := names[w]; ok {
			words[i] = to
		}
	}
	return strings.Join(words, " ")
}
