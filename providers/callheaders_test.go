package providers

import (
	"slices"
	"testing"
)

func TestCallHeaders(t *testing.T) {
	p := Provider{
		Name:       "momo",
		Headers:    map[string]Secret{"Ocp-Apim-Subscription-Key": "sub", "X-Empty": ""},
		TryHeaders: map[string]string{"X-Target-Environment": "sandbox", "ocp-apim-subscription-key": "twice", "Authorization": "no"},
		Origin:     "*",
	}
	got := p.CallHeaders(&Token{AccessToken: "at"})
	want := []string{
		"Authorization: Bearer at",
		"Ocp-Apim-Subscription-Key: sub",
		"X-Target-Environment: sandbox",
		"Origin: *",
	}
	if !slices.Equal(got, want) {
		t.Errorf("CallHeaders = %q, want %q", got, want)
	}
	// A derived bearer (Vodacom's encrypted session) is what is presented.
	got = Provider{}.CallHeaders(&Token{AccessToken: "session", Bearer: "encrypted"})
	if !slices.Equal(got, []string{"Authorization: Bearer encrypted"}) {
		t.Errorf("CallHeaders with a derived bearer = %q", got)
	}
}
