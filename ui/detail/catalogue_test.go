package detail

import (
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

func TestVodacomSaysTheCopiedHeaderIsDerived(t *testing.T) {
	t.Parallel()
	tok := &providers.Token{AccessToken: "0123456789abcdef0123456789abcdef", Bearer: providers.Secret(strings.Repeat("Q", 344)),
		IssuedAt: now, ExpiresAt: now.Add(time.Hour), ExpirySource: providers.ExpiryFromLifetime}
	p := providers.Provider{Name: "vodacom-tz", Preset: "vodacom", Lifetime: time.Hour}
	got := view(newPane(120, 40, Data{Provider: p, Token: tok}))
	mustContain(t, got, "Header    copied as Bearer of the session encrypted to the public key (RSA PKCS #1 v1.5, 344 chars)",
		"· from your lifetime", "32 chars, masked")
	if strings.Contains(got, strings.Repeat("Q", 20)) {
		t.Errorf("the derived bearer is shown:\n%s", got)
	}
}

func TestStaticKeyNeverExpires(t *testing.T) {
	t.Parallel()
	tok := &providers.Token{AccessToken: "sk_test_x", TokenType: "Bearer", IssuedAt: now, ExpirySource: providers.ExpiryNever}
	got := view(newPane(100, 40, Data{Provider: providers.Provider{Name: "paystack", Preset: "static"}, Token: tok}))
	mustContain(t, got, "Expires   never (a static key lasts until it is rotated)")
	if strings.Contains(got, "Header ") || strings.Contains(got, "unknown") {
		t.Errorf("a static key:\n%s", got)
	}
}
