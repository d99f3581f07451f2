package response

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// paint is a style as the escape sequences around a text, taken from the
// style once per layout: a body of a megabyte has a hundred thousand
// tokens, and lipgloss would measure every one of them again.
type paint struct{ open, close string }

func paintOf(st lipgloss.Style) paint {
	const mark = "\x00"
	open, close, ok := strings.Cut(st.Render(mark), mark)
	if !ok {
		return paint{}
	}
	return paint{open, close}
}

// writer lays styled pieces of safe text out in lines of exactly width
// cells, breaking a piece that does not fit where the line ends.
type writer struct {
	width int
	lines []string
	cur   strings.Builder
	col   int
}

// add writes s, text already made safe (display.Text) and without line
// breaks, in paint p.
func (w *writer) add(s string, p paint) {
	for s != "" {
		room := w.width - w.col
		if room <= 0 {
			w.newline()
			room = w.width
		}
		piece := s
		pw := ansi.StringWidth(piece)
		if pw > room {
			piece = ansi.Truncate(s, room, "")
			if piece == "" { // a wide rune at the edge
				w.newline()
				continue
			}
			pw = ansi.StringWidth(piece)
		}
		s = s[len(piece):]
		w.cur.WriteString(p.open)
		w.cur.WriteString(piece)
		w.cur.WriteString(p.close)
		w.col += pw
	}
}

// newline ends the line, filled out to the width.
func (w *writer) newline() {
	if w.col < w.width {
		w.cur.WriteString(strings.Repeat(" ", w.width-w.col))
	}
	w.lines = append(w.lines, w.cur.String())
	w.cur.Reset()
	w.col = 0
}

// layout is res, the answer to the named provider's try, as the view
// shows it at width w.
func layout(name string, res *oauth.TryResult, width int, st *Styles) []string {
	w := &writer{width: width}
	if res == nil {
		return nil
	}
	muted, section, hdr, text := paintOf(st.Muted), paintOf(st.Section), paintOf(st.Header), paintOf(st.Text)

	// The status line: what a user looks for first.
	w.add(display.Text(name), section)
	w.add("  ", paint{})
	w.add(display.Text(statusReason(res)), paintOf(statusStyle(st, res.Status)))
	w.add("  ", paint{})
	w.add(display.Text(res.Method), paintOf(st.Method))
	w.add(" ", paint{})
	w.add(display.Text(res.URL), paintOf(st.URL))
	w.newline()
	facts := []string{display.Latency(res.Latency), size(len(res.Body))}
	if proto, _, ok := strings.Cut(res.StatusLine, " "); ok && proto != "" {
		facts = append([]string{proto}, facts...)
	}
	if res.ContentType != "" {
		facts = append(facts, res.ContentType)
	}
	w.add(display.Text(strings.Join(facts, " · ")), muted)
	w.newline()
	w.newline()

	w.add("Headers", section)
	w.newline()
	if len(res.Header) == 0 {
		w.add("none", muted)
		w.newline()
	}
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range res.Header {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, v := range res.Header[k] {
			w.add(display.Text(k)+":", hdr)
			w.add(" ", paint{})
			w.add(display.Text(v), text)
			w.newline()
		}
	}
	w.newline()

	w.add("Body", section)
	w.newline()
	body(w, res, st, text, muted)
	return w.lines
}

// body writes the body: JSON indented and highlighted, other text as it
// came, line by line, every line through display.Text.
func body(w *writer, res *oauth.TryResult, st *Styles, text, muted paint) {
	b := res.Body
	if len(b) == 0 {
		w.add("empty", muted)
		w.newline()
		return
	}
	var pretty bytes.Buffer
	if json.Valid(b) && json.Indent(&pretty, b, "", "  ") == nil {
		highlight(w, pretty.Bytes(), jsonPaints{
			key: paintOf(st.Key), str: paintOf(st.String), num: paintOf(st.Number),
			lit: paintOf(st.Literal), punct: paintOf(st.Punctuation),
		})
		return
	}
	if !utf8.Valid(b) && !strings.HasPrefix(res.ContentType, "text/") {
		w.add(display.Text("binary data: "+size(len(b))+", shown with its bytes escaped"), muted)
		w.newline()
	}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		w.add(display.Text(line), text)
		w.newline()
	}
}

// jsonPaints are the paints of JSON's roles.
type jsonPaints struct{ key, str, num, lit, punct paint }

// highlight writes indented JSON (json.Indent's output, so valid and
// with one value or member per line), each token in the paint of its
// role and through display.Text: a string may hold a bidi control or a
// C1 raw, which JSON allows.
func highlight(w *writer, src []byte, p jsonPaints) {
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			w.newline()
			i++
		case c == ' ':
			j := i
			for j < len(src) && src[j] == ' ' {
				j++
			}
			w.add(string(src[i:j]), paint{})
			i = j
		case c == '"':
			j := stringEnd(src, i)
			k := j
			for k < len(src) && src[k] == ' ' {
				k++
			}
			role := p.str
			if k < len(src) && src[k] == ':' {
				role = p.key
			}
			w.add(display.Text(string(src[i:j])), role)
			i = j
		case strings.IndexByte("{}[]:,", c) >= 0:
			w.add(string(c), p.punct)
			i++
		default: // a number or a literal, up to the next delimiter
			j := i
			for j < len(src) && strings.IndexByte("{}[]:, \n", src[j]) < 0 {
				j++
			}
			role := p.num
			if c == 't' || c == 'f' || c == 'n' {
				role = p.lit
			}
			w.add(display.Text(string(src[i:j])), role)
			i = j
		}
	}
	if w.col > 0 {
		w.newline()
	}
}

// stringEnd is the index just after the JSON string that starts at i.
func stringEnd(src []byte, i int) int {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(src)
}

// statusReason is "200 OK", in the server's own words when its status
// line has them.
func statusReason(res *oauth.TryResult) string {
	if _, rest, ok := strings.Cut(res.StatusLine, " "); ok && rest != "" {
		return rest
	}
	return strings.TrimSpace(strconv.Itoa(res.Status) + " " + http.StatusText(res.Status))
}

func statusStyle(st *Styles, code int) lipgloss.Style {
	switch {
	case code >= 200 && code < 300:
		return st.Success
	case code >= 300 && code < 400:
		return st.Redirect
	}
	return st.Failure
}

// size is a body's length for the facts line.
func size(n int) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 10<<10:
		return strconv.Itoa(n) + " bytes"
	case n < 10<<20:
		return strconv.Itoa(n>>10) + " KiB"
	}
	return strconv.Itoa(n>>20) + " MiB"
}
