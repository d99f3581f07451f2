package detail

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// maxHistory is how many events the pane lists, newest first.
const maxHistory = 8

// bodyLines is how many lines of a try response's body the pane shows.
const bodyLines = 4

// try renders the last try request: status, latency and the body's start.
func (r *renderer) try(d *Data) {
	if d.Try == nil && d.TryErr == nil {
		return
	}
	r.sectionNote("Try request", relative(r.m.now, d.TryAt))
	if d.TryErr != nil {
		r.failure(d.TryErr.Error(), oauth.HintOf(d.TryErr))
		return
	}
	t := d.Try
	st := &r.s.Healthy
	if t.Status >= 400 {
		st = &r.s.Danger
	} else if t.Status >= 300 {
		st = &r.s.Warning
	}
	status := st.Render(strings.TrimSpace(strconv.Itoa(t.Status) + " " + http.StatusText(t.Status)))
	r.text("  ", 2, &r.s.Value, t.Method+" "+t.URL)
	line := "  " + status + r.s.Muted.Render(" · "+display.Latency(t.Latency))
	if t.ContentType != "" {
		line += r.s.Muted.Render(" · " + display.Text(t.ContentType))
	}
	r.line(line)
	if t.BodyStart != "" {
		body := strings.Split(strings.TrimSpace(t.BodyStart), "\n")
		for i, l := range body {
			if i == bodyLines {
				r.line("  " + r.s.Muted.Render("…"))
				break
			}
			r.line("  " + r.s.Value.Render(display.Text(strings.TrimSuffix(l, "\r"))))
		}
	}
}

// lastError renders the last failure in the server's words, with its hint.
func (r *renderer) lastError(d *Data) {
	msg, hint, at, ok := d.lastError()
	if !ok {
		return
	}
	if at.IsZero() {
		r.section("Last error")
	} else {
		r.sectionNote("Last error", relative(r.m.now, at))
	}
	r.failure(msg, hint)
}

// failure renders an error under its section, and the hint that says what
// to do about it, as the CLI's "tokenscope: hint:" line does.
func (r *renderer) failure(msg, hint string) {
	r.text("  ", 2, &r.s.Error, msg)
	if hint != "" {
		r.text("  "+r.s.Hint.Render("hint: "), 8, &r.s.Hint, hint)
	}
}

// history renders the latest events, newest first.
func (r *renderer) history(h []providers.Event) {
	if len(h) == 0 {
		return
	}
	r.section("History")
	for i, n := len(h)-1, 0; i >= 0 && n < maxHistory; i, n = i-1, n+1 {
		e := h[i]
		st := &r.s.Value
		switch e.Kind {
		case providers.EventFailed:
			st = &r.s.Danger
		case providers.EventRevoked:
			st = &r.s.Warning
		}
		when := display.Time(e.At)
		prefix := "  " + r.s.Muted.Render(when) + "  " + st.Render(pad(string(e.Kind), 9)) + " "
		r.text(prefix, 2+len(when)+2+10, &r.s.Muted, e.Detail)
	}
	if len(h) > maxHistory {
		r.line("  " + r.s.Muted.Render("… "+strconv.Itoa(len(h)-maxHistory)+" earlier"))
	}
}
