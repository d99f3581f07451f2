package cli

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/tokenscope/tokenscope/providers/display"
)

// writeJSON writes v as indented JSON for every --json output. Beyond what
// encoding/json escapes (controls below 0x20, U+2028, U+2029), a server's
// text may carry DEL, C1 controls (U+009B is a CSI on many terminals) and
// bidi controls, and a raw JSON value from a token response is copied as
// the server sent it: display.Quoted writes those as \u escapes, so the
// output is safe on a terminal and still decodes to the same values.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(display.Quoted(buf.Bytes()))
	return err
}
