package session

import (
	"strconv"
	"strings"
)

// Tally counts the answers of a bulk run (fetch-all, refresh-all), so the
// status line sums it up once instead of each answer overwriting the
// last.
type Tally struct {
	Pending, OK int
	Failed      []string
	// Verb is "fetch" or "refresh": what the summary says was done.
	Verb string
}

// add counts n more answers to wait for. A run that joins one under way is
// a refresh of them all, whatever the first one was.
func (t *Tally) add(n int, verb string) {
	if t.Pending > 0 && t.Verb != verb {
		verb = "refresh"
	}
	t.Pending += n
	t.Verb = verb
}

// done counts one answer.
func (t *Tally) done(name string, err error) {
	t.Pending--
	if err != nil {
		t.Failed = append(t.Failed, name)
	} else {
		t.OK++
	}
}

// Done reports whether every answer of the run has come.
func (t Tally) Done() bool { return t.Pending <= 0 }

// Text says how the run goes ("refreshing: 3 done, 4 to go…") or, once
// done, how it went ("refreshed 6 of 7; failed: broken-gateway (see the
// detail)"); failed is true when a done run had failures.
func (t Tally) Text() (text string, failed bool) {
	if t.Pending > 0 {
		return t.Verb + "ing: " + strconv.Itoa(t.OK+len(t.Failed)) + " done, " +
			strconv.Itoa(t.Pending) + " to go…", false
	}
	of := strconv.Itoa(t.OK) + " of " + strconv.Itoa(t.OK+len(t.Failed))
	switch n := len(t.Failed); {
	case n == 0:
		what := Plural(t.OK, "provider", "providers")
		if t.Verb == "fetch" {
			what = "tokens for " + what
		}
		return t.Verb + "ed " + what, false
	case n <= 3:
		return t.Verb + "ed " + of + "; failed: " + strings.Join(t.Failed, ", ") + " (see the detail)", true
	default:
		return t.Verb + "ed " + of + "; " + strconv.Itoa(n) + " failed, marked ✗ in the list", true
	}
}

// Plural is "1 one" or "n many".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
