package session

import (
	"strconv"
	"strings"

	"github.com/tokenscope/tokenscope/providers"
)

// Tally counts the answers of a bulk run (fetch-all, refresh-all), so the
// status line sums it up once instead of each answer overwriting the
// last.
type Tally struct {
	Pending, OK int
	Failed      []string
	// Verb is "fetch" or "refresh": what the summary says was done.
	Verb string
	// Picks are the client_auth picked from issuer metadata fetched
	// during the run, in the order the answers came.
	Picks []Pick
}

// Pick is the client_auth a provider's issuer metadata picked for it.
type Pick struct {
	Name      string
	Discovery providers.Discovery
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

// done counts one answer, and the client_auth picked on its way, if any
// (whether or not the request then failed: a refusal of the pick is when
// it matters most).
func (t *Tally) done(name string, err error, picked providers.Discovery) {
	t.Pending--
	if picked.ClientAuth != "" {
		t.Picks = append(t.Picks, Pick{Name: name, Discovery: picked})
	}
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
// detail)"), then which client_auth the issuers' metadata picked, once
// for the run; failed is true when a done run had failures.
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
		text = t.Verb + "ed " + what
	case n <= 3:
		text, failed = t.Verb+"ed "+of+"; failed: "+strings.Join(t.Failed, ", ")+" (see the detail)", true
	default:
		text, failed = t.Verb+"ed "+of+"; "+strconv.Itoa(n)+" failed, marked ✗ in the list", true
	}
	return text + t.picks(), failed
}

// picks names the client_auth picked from the issuers' metadata during
// the run, short, so that it fits after the failures: "name method" for a
// few, a count past that; the detail of each says why it was picked. ""
// when none was picked.
func (t Tally) picks() string {
	switch n := len(t.Picks); {
	case n == 0:
		return ""
	case n <= 3:
		parts := make([]string, n)
		for i, p := range t.Picks {
			parts[i] = p.Name + " " + string(p.Discovery.ClientAuth)
		}
		return " · client_auth from the issuer: " + strings.Join(parts, ", ")
	default:
		return " · client_auth from the issuer for " + strconv.Itoa(n) + " providers (see each one's detail)"
	}
}

// Plural is "1 one" or "n many".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
