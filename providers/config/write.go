package config

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
)

// Write writes ps as a providers file that Parse reads back to the same
// providers, given the environment variables SecretVars lists. It never
// writes a secret: client_secret, password and every header value are
// written as ${VARIABLE} references, and the file's opening comment names
// the variables to set. A provider that fails CheckShown (a URL with a
// password in it, stored before that was refused) fails the write. Keys come in a fixed order; besides name, preset,
// product and token_url, a value is written only when it differs from what
// the preset would fill in. Every literal "$" is written as "$$".
func Write(w io.Writer, ps []providers.Provider) error {
	for _, p := range ps {
		// A provider stored before the rules: a password in a URL would
		// be written in the clear.
		if err := p.CheckShown(); err != nil {
			return fmt.Errorf("write providers: %s: %w", display.Text(p.Name), err)
		}
	}
	vars := secretVars(ps)
	f := file{Providers: make([]entry, 0, len(ps))}
	for i, p := range ps {
		f.Providers = append(f.Providers, toEntry(p, vars[i]))
	}
	var buf bytes.Buffer
	writeIntro(&buf, vars)
	enc := toml.NewEncoder(&buf)
	enc.Indent = ""
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("write providers: %w", err)
	}
	// The encoder leaves C1 and bidi controls raw; the file goes to a
	// terminal as often as to disk. Escaped, it reads back the same.
	if _, err := w.Write(display.QuotedTOML(buf.Bytes())); err != nil {
		return fmt.Errorf("write providers: %w", err)
	}
	return nil
}

func writeIntro(w io.Writer, vars [][]SecretVar) {
	fmt.Fprintln(w, "# tokenscope providers: read them with `tokenscope import FILE`.")
	n := 0
	for _, vs := range vars {
		n += len(vs)
	}
	if n == 0 {
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintln(w, "# This file holds no secrets: each ${NAME} is read from the environment")
	fmt.Fprintln(w, "# on import, so set these first:")
	for _, vs := range vars {
		for _, v := range vs {
			fmt.Fprintf(w, "#   %s (%s %s)\n", display.Text(v.Name), display.Text(v.Provider), display.Text(v.Field))
		}
	}
	fmt.Fprintln(w)
}

// toEntry is p as a table: secrets replaced by references to vars, values
// the preset fills in anyway left out.
func toEntry(p providers.Provider, vars []SecretVar) entry {
	d := presetDefaults(p)
	own := func(v, def string) string {
		if v == def {
			return ""
		}
		return escape(v)
	}
	e := entry{
		Name:          escape(p.Name),
		Preset:        escape(p.Preset),
		Product:       escape(p.Product),
		Environment:   escape(p.Environment),
		TokenURL:      escape(p.TokenURL),
		TokenMethod:   own(string(p.TokenMethod), string(d.TokenMethod)),
		Body:          own(string(p.Body), string(d.Body)),
		GrantType:     own(string(p.Grant), string(d.Grant)),
		GrantIn:       own(string(p.GrantIn), string(d.GrantIn)),
		ClientAuth:    own(string(p.ClientAuth), string(d.ClientAuth)),
		ClientID:      own(p.ClientID, d.ClientID),
		Username:      own(p.Username, d.Username),
		Scope:         own(p.Scope, d.Scope),
		LogoutURL:     own(p.LogoutURL, d.LogoutURL),
		LogoutMethod:  own(p.LogoutMethod, d.LogoutMethod),
		RevocationURL: own(p.RevocationURL, d.RevocationURL),
		JWKSURL:       own(p.JWKSURL, d.JWKSURL),
		TryURL:        own(p.TryURL, d.TryURL),
		TryMethod:     own(p.TryMethod, d.TryMethod),
		TryBody:       own(p.TryBody, d.TryBody),
		TokenField:    own(p.TokenField, d.TokenField),
		ExpiresField:  own(p.ExpiresField, d.ExpiresField),
		ExpiresUnit:   own(string(p.ExpiresUnit), string(d.ExpiresUnit)),
		Insecure:      p.Insecure,
		// No preset fills these in.
		AuthorizationURL:       escape(p.AuthorizationURL),
		RedirectURI:            escape(p.RedirectURI),
		PKCE:                   escape(string(p.PKCE)),
		DeviceAuthorizationURL: escape(p.DeviceAuthorizationURL),
	}
	if p.Timeout != 0 && p.Timeout != d.Timeout {
		e.Timeout = p.Timeout.String()
	}
	ref := map[string]string{}
	for _, v := range vars {
		ref[v.Field] = "${" + v.Name + "}"
	}
	e.ClientSecret, e.Password = ref["client_secret"], ref["password"]
	if len(p.Headers) > 0 {
		// Every header is written, whatever the preset has: a preset fills
		// the headers map only when it is empty.
		e.Headers = make(map[string]string, len(p.Headers))
		for _, h := range p.HeaderNames() {
			e.Headers[h] = ref["headers."+h] // "" for an empty value
		}
	}
	if len(p.TryHeaders) > 0 {
		e.TryHeaders = make(map[string]string, len(p.TryHeaders))
		for k, v := range p.TryHeaders {
			e.TryHeaders[k] = escape(v)
		}
	}
	if len(p.Params) > 0 {
		e.Params = make(map[string]string, len(p.Params))
		for k, v := range p.Params {
			e.Params[k] = escape(v)
		}
	}
	return e
}

// presetDefaults is what ApplyPreset fills into a provider of p's preset
// and product that sets nothing else; the zero Provider when the preset is
// unknown, so that everything p has gets written.
func presetDefaults(p providers.Provider) providers.Provider {
	d, err := providers.ApplyPreset(providers.Provider{Name: p.Name, Preset: p.Preset, Product: p.Product, Environment: p.Environment})
	if err != nil {
		return providers.Provider{}
	}
	return d
}

// SecretVars lists, in export order, the environment variables Write puts
// in place of the secrets of ps: <NAME>_CLIENT_SECRET, <NAME>_PASSWORD and
// <NAME>_HEADER_<HEADER>, with NAME and HEADER uppercased and every
// character other than a letter or digit turned into "_". When two would
// collide (providers "a-b" and "a_b"), the later gets a numeric suffix.
// Empty secrets need no variable and are not listed.
func SecretVars(ps []providers.Provider) []SecretVar {
	var out []SecretVar
	for _, vs := range secretVars(ps) {
		out = append(out, vs...)
	}
	return out
}

// secretVars is SecretVars per provider.
func secretVars(ps []providers.Provider) [][]SecretVar {
	out := make([][]SecretVar, len(ps))
	used := map[string]bool{}
	for i, p := range ps {
		add := func(field, suffix string, v providers.Secret) {
			if v == "" {
				return
			}
			base := envWord(p.Name) + "_" + suffix
			if base[0] >= '0' && base[0] <= '9' {
				base = "_" + base
			}
			name := base
			for n := 2; used[name]; n++ {
				name = fmt.Sprintf("%s_%d", base, n)
			}
			used[name] = true
			out[i] = append(out[i], SecretVar{Provider: p.Name, Field: field, Name: name, Value: v})
		}
		add("client_secret", "CLIENT_SECRET", p.ClientSecret)
		add("password", "PASSWORD", p.Password)
		for _, h := range p.HeaderNames() {
			add("headers."+h, "HEADER_"+envWord(h), p.Headers[h])
		}
	}
	return out
}

// envWord uppercases s and turns every byte that is not an ASCII letter or
// digit into "_".
func envWord(s string) string {
	b := []byte(strings.ToUpper(s))
	for i, c := range b {
		if !isAlnum(c) {
			b[i] = '_'
		}
	}
	return string(b)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
