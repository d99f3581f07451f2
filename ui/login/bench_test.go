package login

import (
	"testing"
	"time"
)

// BenchmarkViewDevice is the pane redrawn on every tick and key, its QR
// code shown.
func BenchmarkViewDevice(b *testing.B) {
	m := New("tv", Device, &Styles{})
	m.SetDevice("ABCD-EFGH", "http://127.0.0.1:40000/device", "http://127.0.0.1:40000/device?user_code=ABCD-EFGH", t0.Add(10*time.Minute))
	m.SetNow(t0)
	m.SetSize(70, 40)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkViewBrowser is the browser pane with a long URL.
func BenchmarkViewBrowser(b *testing.B) {
	m := New("app", Browser, &Styles{})
	m.SetAuthorization("http://127.0.0.1:40000/oauth2/authorize?response_type=code&client_id=tokenscope-demo-public&redirect_uri=http%3A%2F%2F127.0.0.1%3A44444%2Fcallback&scope=demo.read&state=SSSSSSSSSSSSSSSSSSSSSSSSSS&code_challenge=CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC&code_challenge_method=S256", t0.Add(5*time.Minute))
	m.SetNow(t0)
	m.SetSize(78, 15)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
