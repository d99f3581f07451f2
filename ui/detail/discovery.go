package detail

import (
	"strings"

	"github.com/tokenscope/tokenscope/providers/display"
)

// discovery renders where a provider configured by its issuer got its
// endpoints: the issuer, the metadata's source and age, and which
// endpoints it fills in; nothing for a provider without an issuer.
func (r *renderer) discovery(d *Data) {
	iss := d.Provider.Issuer
	if iss == "" {
		return
	}
	m := d.Metadata
	if m == nil || m.Issuer != iss {
		r.section("Discovery")
		r.fact("Issuer", &r.s.Value, iss)
		r.text("  ", 2, &r.s.Muted, "metadata not fetched yet: the first request fetches it")
	} else {
		r.sectionNote("Discovery", "fetched "+relative(r.m.now, m.FetchedAt))
		r.fact("Issuer", &r.s.Value, iss)
		r.fact("Source", &r.s.Value, m.Source)
		r.fact("Fetched", &r.s.Value, stamp(r.m.now, m.FetchedAt))
		if _, got := d.Provider.Discovered(m); len(got.Filled) > 0 {
			r.fact("Fills", &r.s.Muted, strings.Join(got.Filled, " "))
		}
	}
	if d.DiscoverHint != "" {
		r.line("  " + r.s.Hint.Render(display.Text(d.DiscoverHint)))
	}
}
