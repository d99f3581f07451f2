package detail

import (
	"strings"

	"github.com/tokenscope/tokenscope/providers/display"
)

// discovery renders where a provider configured by its issuer got its
// endpoints: the issuer, the metadata's source and age, and which
// endpoints it fills in, and the client_auth it picks when the provider
// leaves that to the issuer; nothing for a provider without an issuer.
func (r *renderer) discovery(d *Data) {
	iss := d.Provider.Issuer
	if iss == "" {
		return
	}
	m := d.Metadata
	if m == nil || m.Issuer != iss {
		r.section("Discovery")
		r.fact("Issuer", &r.s.Value, iss)
		note := "metadata not fetched yet: the first request fetches it"
		if d.Provider.ClientAuth == "" {
			note += " and picks the client_auth from it"
		}
		r.text("  ", 2, &r.s.Muted, note)
	} else {
		r.sectionNote("Discovery", "fetched "+relative(r.m.now, m.FetchedAt))
		r.fact("Issuer", &r.s.Value, iss)
		r.fact("Source", &r.s.Value, m.Source)
		r.fact("Fetched", &r.s.Value, stamp(r.m.now, m.FetchedAt))
		_, got := d.Provider.Discovered(m)
		if len(got.Filled) > 0 {
			r.fact("Fills", &r.s.Muted, strings.Join(got.Filled, " "))
		}
		if pick := got.Short(); pick != "" {
			r.fact("Picks", &r.s.Value, pick)
		}
	}
	if d.DiscoverHint != "" {
		r.line("  " + r.s.Hint.Render(display.Text(d.DiscoverHint)))
	}
}
