package demo

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The plain OAuth 2.0 server's device authorization grant (RFC 8628), for
// its public client and its confidential one: /oauth2/device_authorization
// hands out a device code and a user code, the verification page
// /oauth2/device (served by the server itself) has an "Approve" button,
// and the token endpoint answers the polls: authorization_pending until
// the person approves, slow_down (and 5 s more on the interval it holds
// the client to) to a poll sooner than that interval, access_denied,
// expired_token. A poll must name its client (client_id, or the Basic
// credentials of the confidential client), as the request that began it.

// DefaultDeviceInterval is the polling interval the demo announces when
// Options sets none, and DefaultDeviceLifetime how long its device codes
// live.
const (
	DefaultDeviceInterval = 5 * time.Second
	DefaultDeviceLifetime = 10 * time.Minute
)

// deviceCodeURN is the device grant's grant_type.
const deviceCodeURN = "urn:ietf:params:oauth:grant-type:device_code"

// userCodeAlphabet is RFC 8628 §6.1's: no vowels, no look-alike letters.
const userCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"

// The states of a device code.
const (
	devicePending = iota
	deviceApproved
	deviceDenied
)

// deviceGrant is what the server knows of one device code.
type deviceGrant struct {
	clientID, scope, userCode string
	expires                   time.Time
	interval                  time.Duration
	last                      time.Time // the last poll
	state                     int
}

// deviceStore holds the device codes issued. It is safe for concurrent use.
type deviceStore struct {
	mu     sync.Mutex
	byCode map[string]*deviceGrant
	byUser map[string]string // user code to device code
}

func newDeviceStore() *deviceStore {
	return &deviceStore{byCode: map[string]*deviceGrant{}, byUser: map[string]string{}}
}

func (d *deviceStore) issue(code string, g *deviceGrant, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.byCode) >= maxTokens {
		for k, v := range d.byCode {
			if !now.Before(v.expires) {
				delete(d.byCode, k)
				delete(d.byUser, v.userCode)
			}
		}
	}
	d.byCode[code] = g
	d.byUser[g.userCode] = code
}

// decide approves or denies the pending code of userCode, reporting
// whether there was one.
func (d *deviceStore) decide(userCode string, approve bool, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.byCode[d.byUser[normalUserCode(userCode)]]
	if !ok || g.state != devicePending || !now.Before(g.expires) {
		return false
	}
	g.state = deviceDenied
	if approve {
		g.state = deviceApproved
	}
	return true
}

// normalUserCode is a user code as typed, in the form it was issued:
// upper case, the dash put back (RFC 8628 §6.1).
func normalUserCode(s string) string {
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(s))
	if len(s) == 8 {
		s = s[:4] + "-" + s[4:]
	}
	return s
}

func newUserCode() string {
	b := randomBytes(8)
	out := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, userCodeAlphabet[int(c)%len(userCodeAlphabet)])
	}
	return string(out)
}

func (s *Server) deviceInterval() time.Duration {
	if s.opts.DeviceInterval > 0 {
		return s.opts.DeviceInterval
	}
	return DefaultDeviceInterval
}

func (s *Server) deviceLifetime() time.Duration {
	if s.opts.DeviceLifetime > 0 {
		return s.opts.DeviceLifetime
	}
	return DefaultDeviceLifetime
}

// oauth2DeviceAuthorization is the device authorization endpoint (RFC
// 8628 §3.1, §3.2).
func (s *Server) oauth2DeviceAuthorization(x *exchange) {
	form, id, ok := s.oauth2Caller(x)
	if !ok {
		return
	}
	scope, ok := oauth2Scope(x, form.Get("scope"), oauth2Scopes())
	if !ok {
		return
	}
	code, user := opaque(40), newUserCode()
	s.devices.issue(code, &deviceGrant{clientID: id, scope: scope, userCode: user,
		expires: x.now.Add(s.deviceLifetime()), interval: s.deviceInterval()}, x.now)
	page := s.oauth2Issuer() + "/device"
	x.w.Header().Set("Cache-Control", "no-store")
	writeJSON(x.w, http.StatusOK, object{{"device_code", code}, {"user_code", user},
		{"verification_uri", page}, {"verification_uri_complete", page + "?user_code=" + url.QueryEscape(user)},
		{"expires_in", int64(s.deviceLifetime() / time.Second)}, {"interval", int64(s.deviceInterval() / time.Second)}})
}

// oauth2DeviceToken is the token endpoint's device grant (RFC 8628 §3.4,
// §3.5), for the client id authenticated.
func (s *Server) oauth2DeviceToken(x *exchange, form url.Values, clientID string) {
	w := x.w
	code := form.Get("device_code")
	if code == "" {
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_request", "device_code is required"))
		return
	}
	s.devices.mu.Lock()
	g, ok := s.devices.byCode[code]
	var state int
	var scope string
	tooSoon := false
	switch {
	case !ok || g.clientID != clientID:
	case !x.now.Before(g.expires):
		delete(s.devices.byCode, code)
		delete(s.devices.byUser, g.userCode)
		state = -1
	default:
		tooSoon = !g.last.IsZero() && x.now.Sub(g.last) < g.interval
		g.last = x.now
		if tooSoon {
			g.interval += 5 * time.Second
		}
		state, scope = g.state, g.scope
		if state != devicePending && !tooSoon {
			delete(s.devices.byCode, code) // good once, whatever the outcome
			delete(s.devices.byUser, g.userCode)
		}
	}
	s.devices.mu.Unlock()
	switch {
	case !ok || g.clientID != clientID:
		writeJSON(w, http.StatusBadRequest, rfcError("invalid_grant", "the device code is unknown, spent, or was issued to another client"))
	case state == -1:
		writeJSON(w, http.StatusBadRequest, rfcError("expired_token", "the device code expired before it was approved"))
	case tooSoon:
		writeJSON(w, http.StatusBadRequest, rfcError("slow_down", "polled sooner than the interval: wait 5 seconds longer"))
	case state == devicePending:
		writeJSON(w, http.StatusBadRequest, rfcError("authorization_pending", "the demo user has not approved the sign-in yet"))
	case state == deviceDenied:
		writeJSON(w, http.StatusBadRequest, rfcError("access_denied", "the demo user denied the sign-in"))
	default:
		s.oauth2IssueForUser(x, clientID, scope)
	}
}

// oauth2IssueForUser answers with an access token and a refresh token for
// the demo user, as a grant that put them in the loop.
func (s *Server) oauth2IssueForUser(x *exchange, clientID, scope string) {
	rt := opaque(43)
	s.store.issueRefresh(rt, grant{dialect: dialectOAuth2, clientID: clientID, subject: oauth2Username, scope: scope,
		expires: x.now.Add(oauth2RefreshLifetime)})
	life := s.lifetime(1, 3)
	g := grant{dialect: dialectOAuth2, clientID: clientID, subject: oauth2Username, scope: scope,
		expires: x.now.Add(life), refresh: rt}
	at, err := s.oauth2AccessToken(g, x.now)
	if err != nil {
		writeJSON(x.w, http.StatusInternalServerError, rfcError("server_error", "cannot sign the token"))
		return
	}
	id, err := s.oauth2IDToken(clientID, at, "", x.now, g.expires) // RFC 8628 has no nonce
	if err != nil {
		writeJSON(x.w, http.StatusInternalServerError, rfcError("server_error", "cannot sign the token"))
		return
	}
	s.store.issue(at, g, x.now)
	writeToken(x.w, object{{"access_token", at}, {"token_type", "Bearer"}, {"expires_in", int64(life / time.Second)},
		{"refresh_token", rt}, {"scope", scope}, {"id_token", id}})
}

// oauth2DevicePage is the verification page: GET shows a form for the
// user code (filled in from verification_uri_complete) with "Approve"
// and "Deny", the form's POST decides and redirects to a page that says
// what happened (POST, then GET).
func (s *Server) oauth2DevicePage(x *exchange) {
	page := s.oauth2Issuer() + "/device"
	switch x.r.Method {
	case http.MethodGet:
		q := queryOf(x)
		msg := ""
		switch q.Get("done") {
		case "approved":
			msg = "Approved: the device is signed in. You can close this page."
		case "denied":
			msg = "Denied: the device is not signed in. You can close this page."
		case "unknown":
			msg = "That code is unknown, already used or expired: check the code on the device."
		}
		input := `<label>Code: <input type="text" name="user_code" autocomplete="off" autofocus></label> `
		if uc := q.Get("user_code"); uc != "" {
			input = fmt.Sprintf(`<p>Code: <b>%s</b></p><input type="hidden" name="user_code" value="%s">`,
				html.EscapeString(uc), html.EscapeString(uc))
		}
		x.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		x.w.Header().Set("Cache-Control", "no-store")
		x.w.Header().Set("X-Frame-Options", "DENY")
		body := `<p>` + html.EscapeString(msg) + `</p>`
		if msg == "" || q.Get("done") == "unknown" {
			body += fmt.Sprintf(`<p>A device asks to sign in as <b>demo</b>. Approve it only if you started it.</p>`+
				`<form method="post" action="%s">%s`+
				`<button type="submit" name="action" value="allow">Approve</button> `+
				`<button type="submit" name="action" value="deny">Deny</button></form>`, html.EscapeString(page), input)
		}
		fmt.Fprintf(x.w, `<!doctype html><html lang="en"><meta charset="utf-8"><title>tokenscope demo: device sign-in</title>`+
			`<body style="font-family:system-ui,sans-serif;margin:4em auto;max-width:36em">`+
			`<h1>tokenscope demo server</h1>%s</body></html>`, body)
	case http.MethodPost:
		form, ok := formOf(x)
		if !ok {
			http.Error(x.w, "the body must be a form", http.StatusBadRequest)
			return
		}
		done := "unknown"
		approve := form.Get("action") == "allow"
		if s.devices.decide(form.Get("user_code"), approve, x.now) {
			done = "denied"
			if approve {
				done = "approved"
			}
		}
		http.Redirect(x.w, x.r, page+"?done="+done, http.StatusSeeOther)
	default:
		x.w.Header().Set("Allow", "GET, POST")
		http.Error(x.w, "use GET or POST", http.StatusMethodNotAllowed)
	}
}
