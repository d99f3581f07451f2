package config

import (
	"strings"
	"unicode/utf8"
)

// maxSuggestDistance is how many edits (an insertion, deletion,
// substitution or swap of neighbours) a typo may be from the word meant.
const maxSuggestDistance = 2

// Suggest returns the words of known that typed most likely meant, for a
// "did you mean" line: those fewest edits away (at most two, and fewer
// than typed has letters, so that "x" does not suggest everything), or,
// when none is that close, those typed is a prefix of ("dec" for
// "decode"). Case is ignored. It returns nil when nothing is close, and
// never typed itself.
func Suggest(typed string, known []string) []string {
	t := strings.ToLower(typed)
	if t == "" {
		return nil
	}
	best, bestDist := []string(nil), maxSuggestDistance+1
	var prefixed []string
	for _, k := range known {
		lk := strings.ToLower(k)
		if lk == t {
			return nil
		}
		if strings.HasPrefix(lk, t) {
			prefixed = append(prefixed, k)
		}
		d := distance(t, lk)
		if d >= utf8.RuneCountInString(t) {
			continue
		}
		switch {
		case d < bestDist:
			best, bestDist = []string{k}, d
		case d == bestDist:
			best = append(best, k)
		}
	}
	if best != nil {
		return best
	}
	return prefixed
}

// distance is the optimal string alignment distance between a and b:
// Levenshtein's edits plus the swap of two neighbouring letters, the
// commonest typo ("tokne").
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance between ra[:i] and rb[:j].
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// DidYouMean phrases Suggest's answer: `did you mean "token"?`, or
// `did you mean "refresh" or "remove"?` (at most three); "" when there is
// nothing to say.
func DidYouMean(s []string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > 3 {
		s = s[:3]
	}
	q := make([]string, len(s))
	for i, w := range s {
		q[i] = `"` + w + `"`
	}
	switch len(q) {
	case 1:
		return "did you mean " + q[0] + "?"
	case 2:
		return "did you mean " + q[0] + " or " + q[1] + "?"
	}
	return "did you mean " + q[0] + ", " + q[1] + " or " + q[2] + "?"
}
