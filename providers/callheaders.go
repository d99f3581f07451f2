package providers

import "strings"

// CallHeaders are the headers an API call with tok needs, as "Name: value"
// lines, for one paste: Authorization first (the derived bearer where the
// token has one), then the extra headers whose values are set (secrets:
// MoMo's Ocp-Apim-Subscription-Key), the try headers (MoMo's
// X-Target-Environment, Airtel's X-Country), and Origin when set
// (Vodacom's), each name once and in name order within its kind. The
// values are revealed: the caller checks them before they are shown or
// copied.
func (p Provider) CallHeaders(tok *Token) []string {
	lines := []string{"Authorization: Bearer " + tok.Presented().Reveal()}
	seen := map[string]bool{"authorization": true}
	add := func(name, value string) {
		if value == "" || seen[strings.ToLower(name)] {
			return
		}
		seen[strings.ToLower(name)] = true
		lines = append(lines, name+": "+value)
	}
	for _, h := range p.HeaderNames() {
		add(h, p.Headers[h].Reveal())
	}
	for _, h := range p.TryHeaderNames() {
		add(h, p.TryHeaders[h])
	}
	add("Origin", p.Origin)
	return lines
}
