package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
)

// maxSecretsInput caps what --secrets-stdin reads.
const maxSecretsInput = 1 << 20

// secretSlot is one secret a provider holds: its name in --secrets-stdin
// lines and in messages, and where it goes.
type secretSlot struct {
	key string // client_secret, password, headers.NAME
	get func() providers.Secret
	set func(providers.Secret)
}

// secretSlots lists the secrets p needs a value for: the client secret,
// the password for the password grant, and every extra header (the
// preset's required ones arrive with empty values).
func secretSlots(p *providers.Provider) []secretSlot {
	var slots []secretSlot
	switch {
	case p.BasicAuth != "":
		// A ready-made Basic header (Orange's) stands for id and secret.
		slots = append(slots, basicSlot(p))
	case p.ClientAuth != providers.AuthNone: // a public client has no secret
		slots = append(slots, secretSlot{
			key: p.SecretKey(), // api_key, static_key for the presets that call it so
			get: func() providers.Secret { return p.ClientSecret },
			set: func(s providers.Secret) { p.ClientSecret = s },
		})
	}
	if p.Grant == providers.GrantPassword {
		slots = append(slots, secretSlot{
			key: "password",
			get: func() providers.Secret { return p.Password },
			set: func(s providers.Secret) { p.Password = s },
		})
	}
	for _, h := range p.HeaderNames() {
		slots = append(slots, headerSlot(p, h))
	}
	return slots
}

// basicSlot is the ready-made Basic header a Basic provider may be given
// instead of its client secret.
func basicSlot(p *providers.Provider) secretSlot {
	return secretSlot{
		key: "basic_auth",
		get: func() providers.Secret { return p.BasicAuth },
		set: func(s providers.Secret) { p.BasicAuth = s },
	}
}

func headerSlot(p *providers.Provider, name string) secretSlot {
	return secretSlot{
		key: "headers." + name,
		get: func() providers.Secret { return p.Headers[name] },
		set: func(s providers.Secret) {
			if p.Headers == nil {
				p.Headers = map[string]providers.Secret{}
			}
			p.Headers[name] = s
		},
	}
}

// readSecretLines reads KEY=VALUE lines into p: client_secret, password
// and headers.NAME (a header of any name; one the preset already lists is
// matched without regard to case). Blank lines and # comments are
// skipped. Errors name the line and the key, never the value.
func readSecretLines(r io.Reader, p *providers.Provider) error {
	sc := bufio.NewScanner(io.LimitReader(r, maxSecretsInput))
	sc.Buffer(make([]byte, 0, 4096), maxSecretsInput)
	seen := map[string]int{}
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok {
			return fmt.Errorf("--secrets-stdin: line %d: want KEY=VALUE", n)
		}
		slot, ok := slotFor(p, key)
		if !ok && key == "password" {
			return fmt.Errorf("--secrets-stdin: line %d: a password, but the %s grant uses none", n, p.Grant)
		}
		if !ok {
			return withHint(fmt.Errorf("--secrets-stdin: line %d: unknown key %s", n, quote(key)),
				"the keys are "+p.SecretKey()+", password, basic_auth and headers.NAME")
		}
		if first, dup := seen[slot.key]; dup {
			return fmt.Errorf("--secrets-stdin: line %d: %s was already given on line %d", n, slot.key, first)
		}
		seen[slot.key] = n
		if value == "" {
			return fmt.Errorf("--secrets-stdin: line %d: %s is empty", n, slot.key)
		}
		slot.set(providers.Secret(value))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("--secrets-stdin: %w", err)
	}
	return nil
}

// slotFor finds the slot a --secrets-stdin key fills.
func slotFor(p *providers.Provider, key string) (secretSlot, bool) {
	if h, ok := strings.CutPrefix(key, "headers."); ok && h != "" {
		for _, name := range p.HeaderNames() {
			if strings.EqualFold(name, h) {
				return headerSlot(p, name), true
			}
		}
		return headerSlot(p, h), true
	}
	if key == "basic_auth" && p.ClientAuth == providers.AuthBasic {
		return basicSlot(p), true
	}
	for _, s := range secretSlots(p) {
		if s.key == key || key == "client_secret" && s.get != nil && s.key == p.SecretKey() {
			return s, true
		}
	}
	return secretSlot{}, false
}

// askMissingSecrets fills every secret p still lacks with a prompt when
// someone is at the terminal (and may be asked), else refuses with a hint.
func (a *app) askMissingSecrets(ctx context.Context, p *providers.Provider, mayAsk bool) error {
	for _, s := range secretSlots(p) {
		if s.get() != "" {
			continue
		}
		if !mayAsk || !a.interactive() {
			return withHint(fmt.Errorf("add %s: no value for %s, and secrets are never read from the command line", p.Name, s.key),
				secretHint(s.key))
		}
		v, err := a.readSecret(ctx, fmt.Sprintf("%s for %s:", s.key, p.Name))
		if err != nil {
			return err
		}
		if len(v) == 0 {
			return fmt.Errorf("add %s: %s is empty", p.Name, s.key)
		}
		s.set(providers.Secret(v))
		clear(v)
	}
	return nil
}

// secretHint says how to give the secret named key.
func secretHint(key string) string {
	var env string
	switch {
	case key == "client_secret", key == "api_key", key == "static_key":
		env = "--client-secret-env VAR"
	case key == "password":
		env = "--password-env VAR"
	default:
		env = "--header-env '" + strings.TrimPrefix(key, "headers.") + "=VAR'"
	}
	return "pass " + env + ", or --secrets-stdin with a line " + key + "=…, or run tokenscope add in a terminal to be asked"
}
