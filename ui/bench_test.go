package ui

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/exchanges"
	"github.com/tokenscope/tokenscope/ui/order"
	"github.com/tokenscope/tokenscope/ui/session"
)

// manyProviders is a payload of n providers, most with a token, some
// expiring, some failed, one with a JWT.
func manyProviders(n int, now time.Time) *store.Payload {
	p := &store.Payload{Version: 1}
	for i := range n {
		prov := providers.Provider{
			Name: fmt.Sprintf("provider-%04d", i), Preset: "oauth2",
			TokenURL: "https://auth.example.com/token", Grant: providers.GrantClientCredentials,
			ClientAuth: providers.AuthBasic, ClientID: "client",
		}
		e := store.Entry{Provider: prov}
		if i%5 != 4 {
			e.Token = &providers.Token{
				AccessToken: providers.Secret(fmt.Sprintf("opaque-token-%d", i)), TokenType: "Bearer",
				IssuedAt: now.Add(-time.Duration(i%60) * time.Minute), ExpiresAt: now.Add(time.Duration(i%90-10) * time.Minute),
				ExpirySource: providers.ExpiryFromExpiresIn, Scope: "read write",
				Extra: []providers.Field{{Key: "ext_expires_in", Value: "3600"}},
			}
		}
		if i == 0 {
			e.Token.AccessToken = demoJWT
		}
		e.History = []providers.Event{{At: now.Add(-time.Hour), Kind: providers.EventIssued, Detail: "expires in 1h"}}
		if i%17 == 0 {
			e.History = append(e.History, providers.Event{At: now, Kind: providers.EventFailed, Detail: "fetch token: HTTP 401"})
		}
		p.Providers = append(p.Providers, e)
	}
	return p
}

// demoJWT is an RS256-shaped JWT with exp, iat and nbf (signature junk).
const demoJWT = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0." +
	"eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20iLCJzdWIiOiJkZW1vIiwiaWF0IjoxNzY3MjI1NjAwLCJuYmYiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyOTIwMCwic2NvcGUiOiJyZWFkIHdyaXRlIn0." +
	"c2lnbmF0dXJl"

func benchModel(b *testing.B, w, h int) Model {
	b.Helper()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := New(Options{Vault: &store.Vault{}, Now: func() time.Time { return now }, Renderer: colourRenderer()})
	m = step(m, tea.WindowSizeMsg{Width: w, Height: h})
	m = step(m, loadedMsg{payload: manyProviders(1000, now)})
	m = step(m, tickMsg{tag: m.tickTag})
	_ = m.View()
	return m
}

func step(m Model, msg tea.Msg) Model {
	next, _ := m.Update(msg)
	return next.(Model)
}

func BenchmarkView1000(b *testing.B) {
	m := benchModel(b, 120, 40)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkView1000NewSecond renders a frame after the clock moved: the
// detail pane's content is rebuilt, as once a second.
func BenchmarkView1000NewSecond(b *testing.B) {
	m := benchModel(b, 120, 40)
	now := m.now
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		m.setNow(now)
		_ = m.View()
	}
}

func BenchmarkUpdateKey(b *testing.B) {
	m := benchModel(b, 120, 40)
	down := tea.KeyMsg{Type: tea.KeyDown}
	up := tea.KeyMsg{Type: tea.KeyUp}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%2 == 1 {
			k = up
		}
		i++
		m = step(m, k)
	}
}

// BenchmarkUpdateKeyView is a key that moves the selection and the frame
// that shows it: the detail pane renders the new provider's content once.
func BenchmarkUpdateKeyView(b *testing.B) {
	m := benchModel(b, 120, 40)
	down := tea.KeyMsg{Type: tea.KeyDown}
	up := tea.KeyMsg{Type: tea.KeyUp}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%2 == 1 {
			k = up
		}
		i++
		m = step(m, k)
		_ = m.View()
	}
}

func BenchmarkUpdateTick(b *testing.B) {
	m := benchModel(b, 120, 40)
	b.ReportAllocs()
	for b.Loop() {
		m = step(m, tickMsg{tag: m.tickTag})
	}
}

// BenchmarkView1000LogAndResponse renders a frame with the exchange log
// and the response view open over 1,000 providers: the view's body a
// JSON document of a few hundred lines, the log holding the selected
// provider's full ring.
func BenchmarkView1000LogAndResponse(b *testing.B) {
	m := benchLogModel(b, true)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkView1000Log renders a frame with the exchange log open under
// the list and the detail pane.
func BenchmarkView1000Log(b *testing.B) {
	m := benchLogModel(b, false)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// benchLogModel is benchModel with the log open on the selected
// provider's full ring, and with response the response view open too.
func benchLogModel(b *testing.B, response bool) Model {
	m := benchModel(b, 120, 40)
	name := m.selectedEntry().Provider.Name
	xs := make([]oauth.Exchange, exchanges.DefaultKeep)
	for i := range xs {
		xs[i] = oauth.Exchange{At: m.now, Method: "POST", URL: "https://auth.example.com/token", Status: 200,
			Elapsed: 40 * time.Millisecond, Text: "> POST https://auth.example.com/token HTTP/1.1\n> Authorization: Basic ****\n>\n" +
				"> grant_type=client_credentials\n< HTTP/1.1 200 OK (40 ms)\n< Content-Type: application/json\n<\n" +
				`< {"access_token":"****","token_type":"Bearer","expires_in":3600}` + "\n\n"}
	}
	m = step(m, tokenMsg{name: name, seq: 0, op: session.OpRefresh, exchanges: xs})
	var body strings.Builder
	body.WriteString(`{"items":[`)
	for i := range 100 {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"id":%d,"name":"item %d","active":true,"note":null}`, i, i)
	}
	body.WriteString(`]}`)
	res := &oauth.TryResult{Method: "GET", URL: "https://api.example.com/items", Status: 200, StatusLine: "HTTP/1.1 200 OK",
		Latency: 80 * time.Millisecond, ContentType: "application/json",
		Header: http.Header{"Content-Type": {"application/json"}, "Date": {"Thu, 01 Jan 2026 00:00:00 GMT"}}, Body: []byte(body.String())}
	m, _ = press(m, "L")
	if response {
		m.openResponse(name, res)
		m = step(m, tea.KeyMsg{Type: tea.KeyPgDown})
	}
	if (m.response != nil) != response || !m.logShown() || len(m.exlog.Exchanges(name)) != exchanges.DefaultKeep {
		b.Fatal("the response view and the log are not open as asked")
	}
	_ = m.View()
	return m
}

// BenchmarkUpdateTickByStatus is a tick with the list sorted by status and
// filtered to the expiring tokens: both depend on the time, so every tick
// orders the 1,000 rows again.
func BenchmarkUpdateTickByStatus(b *testing.B) {
	m := benchModel(b, 120, 40)
	m.list.SetOrder(order.ByStatus, order.ExpiringOnly)
	b.ReportAllocs()
	for b.Loop() {
		m = step(m, tickMsg{tag: m.tickTag})
	}
}

// BenchmarkView1000ByStatus renders a frame of the list sorted by status.
func BenchmarkView1000ByStatus(b *testing.B) {
	m := benchModel(b, 120, 40)
	m.list.SetOrder(order.ByStatus, order.All)
	_ = m.View()
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
