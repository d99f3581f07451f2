package jwt

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, claims string) *JWT {
	t.Helper()
	j, err := Parse(token(`{"alg":"RS256"}`, claims, "s"))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestExpiryForms(t *testing.T) {
	base := time.Unix(1700000000, 0)
	tests := []struct {
		claims string
		want   time.Time
		ok     bool
	}{
		{`{"exp":1700000000}`, base, true},
		{`{"exp":1700000000.25}`, base.Add(250 * time.Millisecond), true},
		{`{"exp":"1700000000"}`, base, true},
		{`{"exp":" 1700000000.5 "}`, base.Add(500 * time.Millisecond), true},
		{`{"exp":1.7e9}`, base, true},
		{`{"sub":"x"}`, time.Time{}, false},
		{`{"exp":"soon"}`, time.Time{}, false},
		{`{"exp":true}`, time.Time{}, false},
		{`{"exp":null}`, time.Time{}, false},
		{`{"exp":[1]}`, time.Time{}, false},
		{`{"exp":1e300}`, time.Time{}, false},
		{`{"exp":"NaN"}`, time.Time{}, false},
		{`{"exp":"Inf"}`, time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := mustParse(t, tt.claims).Expiry()
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("%s: Expiry = %v, %v; want %v, %v", tt.claims, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := (*JWT)(nil).Expiry(); ok {
		t.Error("nil JWT has an expiry")
	}
}

func TestTimesInFixedOrder(t *testing.T) {
	j := mustParse(t, `{"auth_time":4,"nbf":3,"sub":"x","iat":"2","exp":1,"other_time":9}`)
	want := []TimeClaim{
		{"exp", time.Unix(1, 0)}, {"iat", time.Unix(2, 0)}, {"nbf", time.Unix(3, 0)}, {"auth_time", time.Unix(4, 0)},
	}
	if got := j.Times(); !reflect.DeepEqual(got, want) {
		t.Errorf("Times = %v, want %v", got, want)
	}
	if got := mustParse(t, `{"iat":5,"nbf":"x"}`).Times(); len(got) != 1 || got[0].Claim != "iat" {
		t.Errorf("Times = %v, want only iat", got)
	}
}

func codes(ws []Warning) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.Code)
	}
	return out
}

func TestCheck(t *testing.T) {
	now := time.Unix(1700000000, 0)
	at := func(d time.Duration) time.Time { return now.Add(d) }
	tests := []struct {
		name      string
		claims    string
		expiresAt time.Time
		want      []string
		msg       string // in the first warning
	}{
		{"fresh", `{"exp":1700000600,"iat":1700000000,"nbf":1700000000}`, time.Time{}, []string{}, ""},
		{"no times", `{"sub":"x"}`, at(time.Hour), []string{}, ""},
		{"expired", `{"exp":1699999748}`, time.Time{}, []string{WarnExpired}, "expired 4m 12s ago"},
		{"expires this second", `{"exp":1700000000}`, time.Time{}, []string{WarnExpired}, "expired now"},
		{"nbf within leeway", `{"nbf":1700000020}`, time.Time{}, []string{}, ""},
		{"nbf ahead", `{"nbf":1700000300}`, time.Time{}, []string{WarnNotYetValid}, "not yet valid: becomes valid in 5m"},
		{"expires_in agrees", `{"exp":1700000600}`, at(10*time.Minute + 59*time.Second), []string{}, ""},
		{"expires_in exactly 60s off", `{"exp":1700000600}`, at(9 * time.Minute), []string{}, ""},
		{"expires_in later", `{"exp":1700000600}`, at(time.Hour), []string{WarnExpiryMismatch}, "50m apart"},
		{"expires_in earlier", `{"exp":1700003600}`, at(time.Minute), []string{WarnExpiryMismatch}, "59m apart"},
		{"expires_in without exp", `{"iat":1700000000}`, at(time.Hour), []string{}, ""},
		{"exp in milliseconds", `{"exp":1700000600000}`, time.Time{}, []string{WarnBadTimeClaim}, "milliseconds instead of seconds"},
		{"negative exp", `{"exp":-100000000000}`, time.Time{}, []string{WarnBadTimeClaim}, "exp is before 1970, out of range"},
		{"exp of -1", `{"exp":-1}`, time.Time{}, []string{WarnBadTimeClaim}, "exp is before 1970"},
		{"iat after 9999", `{"iat":253402300800}`, time.Time{}, []string{WarnBadTimeClaim}, "iat is after the year 9999"},
		{"nbf as a negative string", `{"nbf":"-5"}`, time.Time{}, []string{WarnBadTimeClaim}, "nbf is not a NumericDate"},
		{"exp at the end of 9999", `{"exp":253402300799}`, time.Time{}, []string{}, ""},
		{"bad exp", `{"exp":"tomorrow"}`, at(time.Hour), []string{WarnBadTimeClaim}, "exp is not a NumericDate"},
		{"expired and mismatched", `{"exp":1699990000,"nbf":1700009000}`, at(time.Hour),
			[]string{WarnExpired, WarnNotYetValid, WarnExpiryMismatch}, "expired 2h 46m ago"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := mustParse(t, tt.claims).Check(now, tt.expiresAt)
			if got := codes(ws); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Check codes = %v, want %v (%v)", got, tt.want, ws)
			}
			if tt.msg != "" && !strings.Contains(ws[0].Msg, tt.msg) {
				t.Errorf("Msg = %q, want it to contain %q", ws[0].Msg, tt.msg)
			}
		})
	}
}

func TestCheckIssued(t *testing.T) {
	at := time.Unix(1700000000, 0) // when the answer arrived, by our clock
	tests := []struct {
		name   string
		claims string
		skew   time.Duration
		codes  []string
		says   []string // in the messages, in order
	}{
		{"good", `{"exp":1700003600,"nbf":1700000000}`, 0, nil, nil},
		{"already expired", `{"exp":1699999700}`, 0, []string{WarnIssuedExpired},
			[]string{"the server issued the token already expired: exp ", " is 5m before the answer arrived\n"}},
		{"expired the moment it came", `{"exp":1700000000}`, 0, []string{WarnIssuedExpired}, []string{" is 0s before"}},
		{"not yet valid", `{"exp":1700007200,"nbf":1700003600}`, 0, []string{WarnIssuedNotYetValid},
			[]string{"the server issued the token not yet valid: nbf ", " is 1h after the answer arrived\n"}},
		{"nbf within leeway", `{"nbf":1700000020}`, 0, nil, nil},
		{"both", `{"exp":1699990000,"nbf":1700003600}`, 0, []string{WarnIssuedExpired, WarnIssuedNotYetValid},
			[]string{" is 2h 46m before", " is 1h after"}},
		// Our clock is an hour ahead of the server's: by the server's clock
		// the token is good for the hour it was meant to be.
		{"expired by our clock only", `{"exp":1699999800,"nbf":1699996400}`, -time.Hour, nil, nil},
		// Our clock is an hour behind: the nbf that looks an hour away by
		// ours is now for the server.
		{"not yet valid by our clock only", `{"exp":1700007200,"nbf":1700003600}`, time.Hour, nil, nil},
		{"expired by the server's clock", `{"exp":1700000300}`, 10 * time.Minute, []string{WarnIssuedExpired},
			[]string{" is 5m before the answer arrived, by the server's clock\n"}},
		{"no time claims", `{"sub":"x"}`, 0, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := mustParse(t, tt.claims).CheckIssued(at, tt.skew)
			var codes []string
			var text strings.Builder
			for _, w := range ws {
				codes = append(codes, w.Code)
				text.WriteString(w.Msg + "\n")
			}
			if !reflect.DeepEqual(codes, tt.codes) {
				t.Fatalf("codes = %v, want %v (%q)", codes, tt.codes, text.String())
			}
			rest := text.String()
			for _, want := range tt.says {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("warnings %q do not say %q (in order)", text.String(), want)
				}
				rest = rest[i+len(want):]
			}
		})
	}
	if ws := (*JWT)(nil).CheckIssued(at, 0); ws != nil {
		t.Errorf("nil JWT: %v", ws)
	}
	if ws := mustParse(t, `{"exp":1}`).CheckIssued(time.Time{}, 0); ws != nil {
		t.Errorf("unknown arrival: %v", ws)
	}
}
