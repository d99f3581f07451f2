package providers

// DeviceCodeURN is the device grant's grant_type on the wire (RFC 8628
// §3.4). A provider may name its grant so, or as GrantDeviceCode.
const DeviceCodeURN = "urn:ietf:params:oauth:grant-type:device_code"

// DefaultDeviceInterval is how long a device login waits between polls
// when the device authorization response names no interval (RFC 8628
// §3.2), in seconds.
const DefaultDeviceInterval = 5

// DefaultDeviceLifetime is how long a device login polls when the device
// authorization response names no expires_in, which RFC 8628 §3.2
// requires but some servers leave out, in seconds: GitHub's and Microsoft
// Entra ID's device codes live this long. Without a bound the login would
// poll until cancelled, as golang.org/x/oauth2's DeviceAccessToken and
// int128/oauth2dev's PollToken (kubelogin's) do; cli/oauth (gh) gives up
// at once, its deadline expires_in from now.
const DefaultDeviceLifetime = 15 * 60

// SlowDownStep is what each slow_down adds to the polling interval (RFC
// 8628 §3.5), in seconds.
const SlowDownStep = 5

// Device reports whether g is the device grant (RFC 8628), by its short
// name or by its URN.
func (g Grant) Device() bool { return g == GrantDeviceCode || g == Grant(DeviceCodeURN) }

// checkDevice checks what the device grant needs: a device authorization
// endpoint and POST token requests, which keep the device code out of URLs
// (checkAuthCode already refuses a public client's secret).
func checkDevice(p Provider) error {
	if p.Grant.Device() && p.TokenMethod == MethodGET {
		return &FieldError{Field: "token_method", Msg: "the device grant polls with POST, never GET"}
	}
	// With an issuer, the metadata gives the device authorization endpoint.
	return checkURL("device_authorization_url", p.DeviceAuthorizationURL, p.Grant.Device() && p.Issuer == "")
}
