package ui

import (
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
)

// msRE matches the times a request took, which no fixed clock fixes: the
// engine measures them on a stopwatch.
var msRE = regexp.MustCompile(`\b\d+ ?ms\b|\(\d+(\.\d+)?m?s\)`)

// normalizeTimes is normalize with every time a request took written as
// "N ms" (or "Nms"), each line in a pane filled back out to the width it
// had, its border in place.
func normalizeTimes(s string) string {
	lines := strings.Split(normalize(s), "\n")
	for i, l := range lines {
		if !msRE.MatchString(l) {
			continue
		}
		w := ansi.StringWidth(l)
		border := ""
		if strings.HasSuffix(l, "│") {
			l, border = strings.TrimSuffix(l, "│"), "│"
		}
		l = msRE.ReplaceAllStringFunc(l, func(m string) string {
			switch {
			case strings.HasPrefix(m, "("):
				return "(Nms)"
			case strings.Contains(m, " "):
				return "N ms"
			}
			return "Nms"
		})
		l = strings.TrimRight(l, " ")
		if border == "" { // the status line, never filled out
			lines[i] = l
			continue
		}
		lines[i] = l + strings.Repeat(" ", max(w-ansi.StringWidth(l)-ansi.StringWidth(border), 0)) + border
	}
	return strings.Join(lines, "\n")
}

func goldenTimes(t *testing.T, view string) {
	t.Helper()
	teatest.RequireEqualOutput(t, []byte(normalizeTimes(view)))
}

func TestGoldenResponseView(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startRig(t, w, h, "", "mtn-sandbox")
		r.keys("t")
		r.waitFor(t, "try mtn-sandbox: GET → 200 OK", "esc/q close")
		goldenTimes(t, r.final(t))
	})
}

func TestGoldenResponseViewWithTheLog(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startRig(t, w, h, "", "mtn-sandbox")
		r.keys("L", "t")
		r.waitFor(t, "try mtn-sandbox: GET → 200 OK", "12:00:00 GET")
		r.keys("G") // the body's end
		r.waitFor(t, "↑")
		goldenTimes(t, r.final(t))
	})
}

func TestGoldenExchangeLog(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, w, h int) {
		r := startRig(t, w, h, "")
		r.selectProvider(t, "momo-collection")
		// The token's frame shows its signature as checking…: the check
		// ends in the background, a frame or more later. On a screen tall
		// enough for the whole pane, wait for it, then go back to w×h.
		r.tm.Send(tea.WindowSizeMsg{Width: w, Height: 200})
		r.keys("L", "f")
		r.waitFor(t, "fetched a token for momo-collection", "POST http://127.0.0.1",
			"Signature – unchecked", "no jwks_url is configured", "History")
		r.tm.Send(tea.WindowSizeMsg{Width: w, Height: h})
		goldenTimes(t, r.final(t))
	})
}

// TestExchangeLogNeverShowsASecret fetches a token for every demo
// provider and tries those that have a try request, with the exchange log
// open, and finds none of their secrets (client secrets, passwords, API
// keys, the tokens the server issued) anywhere the explorer drew nor in
// what the log keeps, while the log does hold each exchange, masked.
func TestExchangeLogNeverShowsASecret(t *testing.T) {
	t.Parallel()
	r := startRig(t, 120, 40, "")
	r.keys("L")
	tried := 0
	for _, p := range r.srv.Providers() {
		if p.Name == "broken-gateway" || !strings.Contains(r.text.String(), p.Name) {
			continue
		}
		r.selectProvider(t, p.Name)
		r.keys("f")
		r.waitFor(t, "fetched a token for "+p.Name)
		if p.TryURL != "" {
			r.keys("t")
			r.waitFor(t, "try "+p.Name+": ")
			r.keys("esc")
			tried++
		}
		r.keys("esc") // the filter
	}
	if tried == 0 {
		t.Fatal("no provider was tried")
	}
	var secrets []string
	for _, p := range r.srv.Providers() {
		secrets = append(secrets, p.ClientSecret.Reveal(), p.Password.Reveal())
		for _, v := range p.Headers {
			secrets = append(secrets, v.Reveal())
		}
		if _, tok, err := r.vault.Lookup(p.Name); err == nil && tok != nil {
			secrets = append(secrets, tok.AccessToken.Reveal(), tok.RefreshToken.Reveal())
		}
	}
	fm := r.finalModel(t)
	drawn := r.text.String()
	kept := 0
	var all strings.Builder
	for _, p := range r.srv.Providers() {
		for _, x := range fm.exlog.Exchanges(p.Name) {
			kept++
			all.WriteString(x.Text)
			for _, s := range secrets {
				if len(s) >= 6 && (strings.Contains(x.Text, s) || strings.Contains(x.URL, s)) {
					t.Errorf("the log of %s keeps the secret %q:\n%s", p.Name, s, x.Text)
				}
			}
		}
	}
	for _, s := range secrets {
		if len(s) >= 6 && strings.Contains(drawn, s) {
			t.Errorf("the explorer drew the secret %q", s)
		}
	}
	if kept < 5 || !strings.Contains(all.String(), "> Authorization: Basic ****") ||
		!strings.Contains(all.String(), `"access_token":"****"`) || !strings.Contains(drawn, "> Authorization: Bearer ****") {
		t.Errorf("the log kept %d exchanges, without the masked credentials:\n%s", kept, all.String())
	}
}
