package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestQRDecodes reads the QR code login draws back with a real decoder,
// zbarimg (Debian's zbar-tools, which .ci/test installs): the half blocks
// are turned back into modules, light where a block is drawn, and the
// picture must decode to the URL exactly.
func TestQRDecodes(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("zbarimg is not installed (zbar-tools); CI=true, so the QR code must be checked")
		}
		t.Skip("zbarimg is not installed (apt-get install zbar-tools)")
	}
	for _, u := range []string{
		"http://127.0.0.1:46881/oauth2/device?user_code=VHQQ-VBBC",
		"https://login.example.com/activate?user_code=WDJB-MJHT&client=" + strings.Repeat("x", 120),
	} {
		var b bytes.Buffer
		writeQR(&b, u)
		pgm := filepath.Join(t.TempDir(), "qr.pgm")
		if err := os.WriteFile(pgm, qrPicture(t, b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(zbar, "-q", "--raw", pgm).Output()
		if err != nil {
			t.Fatalf("zbarimg: %v\n%s", err, b.String())
		}
		if got := strings.TrimSpace(string(out)); got != u {
			t.Errorf("decoded %q, want %q", got, u)
		}
	}
}

// qrPicture turns half-block rows into a PGM picture, each module 6 by 6
// pixels, with a light margin.
func qrPicture(t *testing.T, drawn string) []byte {
	t.Helper()
	var bits [][]bool
	for _, row := range strings.Split(strings.TrimRight(drawn, "\n"), "\n") {
		var top, bottom []bool
		for _, r := range row {
			switch r {
			case '█':
				top, bottom = append(top, true), append(bottom, true)
			case ' ':
				top, bottom = append(top, false), append(bottom, false)
			case '▀':
				top, bottom = append(top, true), append(bottom, false)
			case '▄':
				top, bottom = append(top, false), append(bottom, true)
			default:
				t.Fatalf("not a half block: %q", r)
			}
		}
		bits = append(bits, top, bottom)
	}
	const scale, margin = 6, 4
	w, h := (len(bits[0])+2*margin)*scale, (len(bits)+2*margin)*scale
	var b bytes.Buffer
	fmt.Fprintf(&b, "P5\n%d %d\n255\n", w, h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			my, mx := y/scale-margin, x/scale-margin
			light := my < 0 || my >= len(bits) || mx < 0 || mx >= len(bits[my]) || bits[my][mx]
			if light {
				b.WriteByte(255)
			} else {
				b.WriteByte(0)
			}
		}
	}
	return b.Bytes()
}
