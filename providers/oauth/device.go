package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// The device grant's steps, as errors name them.
const (
	opDevice = "start device login"
	opPoll   = "poll device login"
)

// envDeviceCode is the shell variable curl shows for the device code.
const envDeviceCode = "DEVICE_CODE"

// ErrDeviceExpired is a device login whose device code ran out (its
// expires_in passed) before the person approved it.
var ErrDeviceExpired = errors.New("the device code expired before the sign-in was approved: nothing stored")

// ErrDeviceGaveUp is a device login that was not approved within
// providers.DefaultDeviceLifetime, the bound taken when the server gave
// no expires_in.
var ErrDeviceGaveUp = errors.New("the server gave no expiry for the device code, and the sign-in was not approved in time: nothing stored")

// errDeviceLoginRequired is ErrLoginRequired for a device_code provider,
// in its own words.
var errDeviceLoginRequired error = deviceLoginRequired{}

type deviceLoginRequired struct{}

func (deviceLoginRequired) Error() string   { return "a new token needs a device login" }
func (deviceLoginRequired) Is(t error) bool { return t == ErrLoginRequired }

// DeviceAuthorization is the device authorization response (RFC 8628
// §3.2): what the person is shown, and what the polling needs. The text
// fields are the server's: show them through display.Text.
type DeviceAuthorization struct {
	// DeviceCode is what the polls present; it is masked everywhere.
	DeviceCode providers.Secret
	// UserCode is what the person types on the verification page.
	UserCode string
	// VerificationURI is the page the person opens.
	VerificationURI string
	// VerificationURIComplete is that page with the user code in it, ""
	// when the server sends none.
	VerificationURIComplete string
	// Expires is when the device code runs out (our clock): the server's
	// expires_in from now, else providers.DefaultDeviceLifetime from now,
	// with ExpiryAssumed set.
	Expires time.Time
	// ExpiryAssumed reports that the server gave no expires_in: Expires is
	// the bound tokenscope sets, which callers say as such.
	ExpiryAssumed bool
	// Interval is the wait between polls: the server's interval, else
	// providers.DefaultDeviceInterval seconds.
	Interval time.Duration
}

// deviceAnswer is the device authorization response as sent. Google
// names the page verification_url, as drafts of RFC 8628 did.
type deviceAnswer struct {
	DeviceCode              string      `json:"device_code"`
	UserCode                string      `json:"user_code"`
	VerificationURI         string      `json:"verification_uri"`
	VerificationURL         string      `json:"verification_url"`
	VerificationURIComplete string      `json:"verification_uri_complete"`
	ExpiresIn               json.Number `json:"expires_in"`
	Interval                json.Number `json:"interval"`
}

// deviceParams is p as the device grant's requests are sent: a form POST,
// whatever p's token method and body say (RFC 8628 §3.1, §3.4).
func deviceParams(p providers.Provider) providers.Provider {
	p.TokenMethod, p.Body = "", ""
	return p
}

// deviceRequest is the device authorization request (RFC 8628 §3.1):
// scope and p's params (audience, resource), the client authenticated as
// its client_auth says, a public client's client_id in the body.
func deviceRequest(p providers.Provider, hdr form) *request {
	r := &request{method: "POST", url: p.DeviceAuthorizationURL, accept: contentJSON, header: hdr, contentType: contentForm}
	var first form
	if p.Scope != "" {
		first = form{{key: "scope", value: p.Scope}}
	}
	for _, k := range p.ParamNames() {
		r.body = append(r.body, param{key: k, value: p.Params[k]})
	}
	placeCredentials(r, deviceParams(p), first, providers.GrantInBody)
	return r
}

// pollRequest is the device access token request (RFC 8628 §3.4):
// grant_type as the URN, device_code, and the client's credentials as in
// the device authorization request.
func pollRequest(p providers.Provider, deviceCode string, hdr form) *request {
	r := &request{method: "POST", url: p.TokenURL, accept: contentJSON, header: hdr, contentType: contentForm}
	r.body = form{{key: "device_code", value: deviceCode, env: envDeviceCode}}
	grantIn := p.GrantIn
	if grantIn == providers.GrantInNone {
		grantIn = providers.GrantInBody // the grant_type is the request
	}
	placeCredentials(r, deviceParams(p), form{{key: "grant_type", value: providers.DeviceCodeURN}}, grantIn)
	return r
}

// StartDevice sends p's device authorization request and reads the
// codes and the page to show the person.
func (c *Client) StartDevice(ctx context.Context, p providers.Provider) (*DeviceAuthorization, error) {
	red := newRedactor(p)
	if err := p.Validate(); err != nil {
		return nil, &Error{Op: opDevice, Provider: p.Name, Err: err, red: red}
	}
	if !p.Grant.Device() {
		return nil, &Error{Op: opDevice, Provider: p.Name, red: red, Err: &providers.FieldError{Field: "grant_type",
			Msg: fmt.Sprintf("%s uses the %s grant, not device_code", p.Name, p.Grant)}}
	}
	hdr, err := extraHeaders(p)
	if err != nil {
		return nil, &Error{Op: opDevice, Provider: p.Name, Err: err, red: red}
	}
	rq := deviceRequest(p, hdr)
	// Safe to send again: a lost answer's codes are never approved.
	resp, err := c.send(ctx, p, opDevice, rq, red, true, false)
	if err != nil {
		return nil, err
	}
	if resp.status < 200 || resp.status > 299 || refusedIn2xx(resp.body) {
		return nil, responseError(opDevice, p, rq, resp, red)
	}
	da, err := parseDevice(resp.body, resp.date)
	if err != nil {
		return nil, unreadableAnswer(opDevice, p, rq, resp, red, err,
			"the server answered 2xx with something that is not a device authorization response: check device_authorization_url")
	}
	return da, nil
}

// parseDevice reads a device authorization response that arrived at now.
func parseDevice(body []byte, now time.Time) (*DeviceAuthorization, error) {
	var a deviceAnswer
	d := json.NewDecoder(strings.NewReader(string(body)))
	d.UseNumber()
	if err := d.Decode(&a); err != nil {
		return nil, errors.New("the device authorization response is not a JSON object")
	}
	if a.VerificationURI == "" {
		a.VerificationURI = a.VerificationURL
	}
	switch {
	case a.DeviceCode == "":
		return nil, errors.New("the device authorization response has no device_code")
	case a.UserCode == "":
		return nil, errors.New("the device authorization response has no user_code")
	case a.VerificationURI == "":
		return nil, errors.New("the device authorization response has no verification_uri")
	}
	da := &DeviceAuthorization{DeviceCode: providers.Secret(a.DeviceCode), UserCode: a.UserCode,
		VerificationURI: a.VerificationURI, VerificationURIComplete: a.VerificationURIComplete,
		Interval: providers.DefaultDeviceInterval * time.Second}
	if a.Interval != "" {
		n, err := a.Interval.Int64()
		if err != nil || n < 0 || n > 3600 {
			return nil, fmt.Errorf("the device authorization response's interval %q is not a number of seconds", a.Interval.String())
		}
		if n > 0 {
			da.Interval = time.Duration(n) * time.Second
		}
	}
	if a.ExpiresIn != "" {
		n, err := a.ExpiresIn.Int64()
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("the device authorization response's expires_in %q is not a number of seconds", a.ExpiresIn.String())
		}
		// A week at most: no device code lives that long, and the
		// seconds must not overflow a time.Duration.
		da.Expires = now.Add(time.Duration(min(n, 7*24*3600)) * time.Second)
	} else {
		// Required (§3.2), yet left out by some servers: a bound anyway,
		// or the polling never ends on its own.
		da.Expires, da.ExpiryAssumed = now.Add(providers.DefaultDeviceLifetime*time.Second), true
	}
	return da, nil
}

// PollDevice asks p's token endpoint for the token of da until the
// person approves it or refuses (RFC 8628 §3.4, §3.5): it waits da's
// interval before each poll, goes on after authorization_pending, waits
// providers.SlowDownStep seconds longer after each slow_down, and stops on
// anything else (access_denied, expired_token) with the server's words,
// on its own an interval after da expired (ErrDeviceExpired, or
// ErrDeviceGaveUp when the expiry was assumed), or when ctx is done (its
// error returned).
func (c *Client) PollDevice(ctx context.Context, p providers.Provider, da *DeviceAuthorization) (*providers.Token, error) {
	red := newRedactor(p, da.DeviceCode.Reveal())
	if err := p.Validate(); err != nil {
		return nil, &Error{Op: opPoll, Provider: p.Name, Err: err, red: red}
	}
	hdr, err := extraHeaders(p)
	if err != nil {
		return nil, &Error{Op: opPoll, Provider: p.Name, Err: err, red: red}
	}
	rq := pollRequest(p, da.DeviceCode.Reveal(), hdr)
	interval := da.Interval
	for {
		// The server's expired_token says it in its words; this stops a
		// server that would say authorization_pending for ever.
		if !da.Expires.IsZero() && c.now().After(da.Expires.Add(interval)) {
			why := ErrDeviceExpired
			if da.ExpiryAssumed {
				why = ErrDeviceGaveUp
			}
			return nil, &Error{Op: opPoll, Provider: p.Name, Err: why, red: red,
				Hint: "approve it sooner: " + loginHint(p.Name)}
		}
		if err := c.sleep(ctx, interval); err != nil {
			return nil, err
		}
		resp, err := c.send(ctx, p, opPoll, rq, red, false, false)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		if resp.status >= 200 && resp.status <= 299 && !refusedIn2xx(resp.body) {
			tok, err := ParseTokenResponseFields(resp.body, resp.header, resp.date, p.Fields())
			if err != nil {
				return nil, unreadableAnswer(opPoll, p, rq, resp, red, err, notATokenResponse)
			}
			return tok, nil
		}
		w, _ := serverWords(resp.body)
		switch strings.ToLower(w.code) {
		case "authorization_pending":
			continue
		case "slow_down":
			interval += providers.SlowDownStep * time.Second
			continue
		}
		e := responseError(opPoll, p, rq, resp, red)
		switch strings.ToLower(e.Code) {
		case "access_denied":
			e.Hint = "the sign-in was refused on the verification page: " + loginHint(p.Name) + " to try again"
		case "expired_token":
			e.Hint = "the code expired before it was approved: " + loginHint(p.Name) + " again, and approve it sooner"
		}
		return nil, e
	}
}

// DeviceLogin polls for da's token (PollDevice) and stores it as an
// interactive login's new grant (signIn), as Login does for a browser.
func (c *Client) DeviceLogin(ctx context.Context, st State, name string, da *DeviceAuthorization) (Outcome, error) {
	return c.signIn(ctx, st, name, "device login", func(p providers.Provider) (*providers.Token, error) {
		return c.PollDevice(ctx, p, da)
	})
}
