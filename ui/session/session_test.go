package session

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/store"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func prov(name string) providers.Provider {
	return providers.Provider{Name: name, TokenURL: "https://auth.example/token", ClientID: "id"}
}

func tok(issued time.Time, life time.Duration) *providers.Token {
	return &providers.Token{AccessToken: "opaque", IssuedAt: issued, ExpiresAt: issued.Add(life)}
}

// withEntries is a session holding a provider of each name, with the
// tokens given by name.
func withEntries(names []string, toks map[string]*providers.Token) *Session {
	s := New()
	es := make([]providers.Entry, len(names))
	for i, n := range names {
		es[i] = providers.Entry{Provider: prov(n), Token: toks[n]}
	}
	s.Load(es)
	return s
}

func TestAnswersAreAddressedByNameAndNumber(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		answer func(seq uint64) (string, uint64)
		lands  bool
	}{
		{"the request under way", func(seq uint64) (string, uint64) { return "alpha", seq }, true},
		{"an older request", func(seq uint64) (string, uint64) { return "alpha", seq - 1 }, false},
		{"another provider's number", func(seq uint64) (string, uint64) { return "beta", seq }, false},
		{"a provider gone", func(seq uint64) (string, uint64) { return "gamma", seq }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := withEntries([]string{"alpha", "beta"}, nil)
			s.Begin(s.Get("beta"), OpFetch) // beta's number is older than alpha's
			a := s.Get("alpha")
			if !s.Begin(a, OpFetch) || s.Begin(a, OpRefresh) {
				t.Fatal("Begin: the first must start, the second (busy) must not")
			}
			name, seq := tc.answer(a.Pending)
			stored := &providers.Entry{Provider: prov(name), Token: tok(t0, time.Hour)}
			e, _ := s.Token(TokenAnswer{Name: name, Seq: seq, Op: OpFetch, Stored: stored}, t0)
			if landed := e != nil; landed != tc.lands {
				t.Fatalf("landed %v, want %v", landed, tc.lands)
			}
			if tc.lands && (a.Token != stored.Token || !a.Idle() || s.Busy() != 1) {
				t.Errorf("alpha after its answer: token %v, busy %v, session busy %d", a.Token, a.Busy, s.Busy())
			}
			if !tc.lands && (a.Token != nil || a.Busy != OpFetch) {
				t.Errorf("a stale answer changed alpha: token %v, busy %v", a.Token, a.Busy)
			}
			if e, _ := s.Token(TokenAnswer{Name: "alpha", Seq: a.Pending, Op: OpFetch}, t0); tc.lands && e != nil {
				t.Error("a second answer with the same number landed")
			}
		})
	}
}

func TestTokenShowsWhatTheStoreHolds(t *testing.T) {
	t.Parallel()
	s := withEntries([]string{"alpha"}, nil)
	a := s.Get("alpha")
	s.Begin(a, OpFetch)
	hist := make([]providers.Event, store.MaxHistory)
	stored := &providers.Entry{Provider: prov("alpha"), Token: tok(t0, time.Hour), History: hist}
	s.Token(TokenAnswer{Name: "alpha", Seq: a.Pending, Op: OpFetch, Stored: stored}, t0)
	if len(a.History) != store.MaxHistory || a.Token != stored.Token {
		t.Errorf("history %d, token %v: not the store's answer", len(a.History), a.Token)
	}
	if want := a.Span().RefreshAt(); want.IsZero() || !a.AutoAt.Equal(want) {
		t.Errorf("auto-refresh at %v, want %v", a.AutoAt, want)
	}
	// A failure without a store answer keeps the token and marks the entry.
	s.Begin(a, OpRefresh)
	s.Token(TokenAnswer{Name: "alpha", Seq: a.Pending, Op: OpRefresh, Err: errors.New("HTTP 503")}, t0)
	if !a.Failed || a.LastErr == nil || a.Token != stored.Token || a.AutoFails != 0 {
		t.Errorf("after a user's failed refresh: failed %v, err %v, fails %d", a.Failed, a.LastErr, a.AutoFails)
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fails int
		want  time.Duration
	}{
		{1, 5 * time.Second}, {2, 10 * time.Second}, {3, 20 * time.Second}, {6, 160 * time.Second},
		{7, BackoffCap}, {50, BackoffCap},
	} {
		if got := Backoff(tc.fails); got != tc.want {
			t.Errorf("Backoff(%d) = %v, want %v", tc.fails, got, tc.want)
		}
	}
}

func TestDue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		tok      *providers.Token
		at       time.Duration // the clock, from t0
		fails    int
		busy     bool
		held     bool
		due      bool
		schedule bool // a schedule is left after Due
	}{
		{"before the margin", tok(t0, 100*time.Second), 69 * time.Second, 0, false, false, false, true},
		{"at the margin", tok(t0, 100*time.Second), 70 * time.Second, 0, false, false, true, true},
		{"busy", tok(t0, 100*time.Second), 70 * time.Second, 0, true, false, false, true},
		{"held by the user", tok(t0, 100*time.Second), 70 * time.Second, 0, false, true, false, true},
		{"expired unwatched", tok(t0.Add(-time.Hour), time.Minute), 0, 0, false, false, false, false},
		{"expired while retrying", tok(t0, 10*time.Second), 70 * time.Second, 2, false, false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := withEntries([]string{"alpha"}, map[string]*providers.Token{"alpha": tc.tok})
			a := s.Get("alpha")
			a.AutoFails = tc.fails
			if a.AutoAt.IsZero() {
				t.Fatal("no schedule after the load")
			}
			if tc.busy {
				s.Begin(a, OpTry)
			}
			held := func(name string) bool { return tc.held && name == "alpha" }
			due := s.Due(t0.Add(tc.at), held)
			if got := len(due) == 1; got != tc.due {
				t.Errorf("due %v, want %v", got, tc.due)
			}
			if got := !a.AutoAt.IsZero(); got != tc.schedule {
				t.Errorf("schedule left %v, want %v", got, tc.schedule)
			}
		})
	}
}

func TestAutoRefreshFailureBacksOff(t *testing.T) {
	t.Parallel()
	s := withEntries([]string{"alpha"}, map[string]*providers.Token{"alpha": tok(t0, 100*time.Second)})
	a := s.Get("alpha")
	now := t0.Add(70 * time.Second)
	for i, want := range []time.Duration{5 * time.Second, 10 * time.Second, 20 * time.Second} {
		if due := s.Due(now, nil); len(due) != 1 {
			t.Fatalf("attempt %d not due at +%v", i+1, now.Sub(t0))
		}
		s.Begin(a, OpAutoRefresh)
		s.Token(TokenAnswer{Name: "alpha", Seq: a.Pending, Op: OpAutoRefresh, Err: errors.New("HTTP 503")}, now)
		if a.AutoFails != i+1 || !a.AutoAt.Equal(now.Add(want)) {
			t.Fatalf("after failure %d: %d fails, next in %v; want %v", i+1, a.AutoFails, a.AutoAt.Sub(now), want)
		}
		now = a.AutoAt
	}
	// Dropped by the store meanwhile: nothing left to retry.
	s.Begin(a, OpAutoRefresh)
	s.Token(TokenAnswer{Name: "alpha", Seq: a.Pending, Op: OpAutoRefresh,
		Stored: &providers.Entry{Provider: prov("alpha")}, Err: errors.New("no token held")}, now)
	if !a.AutoAt.IsZero() {
		t.Errorf("a retry is scheduled for a provider without a token")
	}
}

func TestTally(t *testing.T) {
	t.Parallel()
	names := []string{"a", "b", "c", "d", "e", "f", "g"}
	for _, tc := range []struct {
		name   string
		failed []string
		want   string
		bad    bool
	}{
		{"all well", nil, "refreshed 7 providers", false},
		{"one failed", []string{"c"}, "refreshed 6 of 7; failed: c (see the detail)", true},
		{"four failed", []string{"a", "b", "c", "d"}, "refreshed 3 of 7; 4 failed, marked ✗ in the list", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := withEntries(names, map[string]*providers.Token{"a": tok(t0, time.Hour)})
			started := s.StartBulk("refresh", func(*Entry) bool { return true })
			if len(started) != len(names) || started[0].Busy != OpRefresh || started[1].Busy != OpFetch {
				t.Fatalf("started %d; a %v, b %v", len(started), started[0].Busy, started[1].Busy)
			}
			fail := map[string]bool{}
			for _, n := range tc.failed {
				fail[n] = true
			}
			for i, e := range started {
				var err error
				if fail[e.Provider.Name] {
					err = errors.New("HTTP 401")
				}
				if _, inBulk := s.Token(TokenAnswer{Name: e.Provider.Name, Seq: e.Pending, Op: e.Busy, Err: err}, t0); !inBulk {
					t.Fatal("an answer of the run is not counted in it")
				}
				tally, ok := s.TallyChanged()
				if !ok {
					t.Fatal("the tally did not change")
				}
				text, bad := tally.Text()
				if i == 2 && text != "refreshing: 3 done, 4 to go…" {
					t.Errorf("halfway: %q", text)
				}
				if i == len(started)-1 && (text != tc.want || bad != tc.bad) {
					t.Errorf("summary %q (failed %v), want %q (%v)", text, bad, tc.want, tc.bad)
				}
			}
			if _, ok := s.TallyChanged(); ok || s.Tally().Pending != 0 {
				t.Error("the run is not forgotten once reported")
			}
		})
	}
}

func TestTallyCountsProvidersGoneOrEdited(t *testing.T) {
	t.Parallel()
	s := withEntries([]string{"a", "b", "c"}, map[string]*providers.Token{"b": tok(t0, time.Hour)})
	started := s.StartBulk("fetch", func(*Entry) bool { return true })
	s.Drop("a")
	b := s.Get("b")
	// An edit the store answers without b's token: b's answer is for the
	// provider it was before.
	s.Saved(SaveAnswer{Old: "b", Stored: providers.Entry{Provider: prov("b")}})
	if e, _ := s.Token(TokenAnswer{Name: "b", Seq: b.Pending, Op: OpRefresh,
		Stored: &providers.Entry{Provider: prov("b"), Token: tok(t0, time.Hour)}}, t0); e != nil || b.Token != nil {
		t.Error("an answer for b before the edit landed")
	}
	c := started[2]
	s.Token(TokenAnswer{Name: "c", Seq: c.Pending, Op: OpFetch}, t0)
	tally, _ := s.TallyChanged()
	if text, bad := tally.Text(); text != "fetched 1 of 3; failed: a, b (see the detail)" || !bad {
		t.Errorf("summary %q", text)
	}
	if s.Busy() != 0 {
		t.Errorf("busy %d after every answer", s.Busy())
	}
}

func TestCopiesInFlight(t *testing.T) {
	t.Parallel()
	s := withEntries([]string{"alpha"}, map[string]*providers.Token{"alpha": tok(t0, time.Hour)})
	s.StartCopy("alpha", "the token of alpha")
	a := s.Get("alpha")
	if !s.Working() || a.Copying != 1 || a.BusyText() != "copying" {
		t.Fatalf("while copying: working %v, copying %d, %q", s.Working(), a.Copying, a.BusyText())
	}
	if e := s.CopyDone("something else"); e != nil || a.Copying != 1 {
		t.Error("an unknown copy ended alpha's")
	}
	if e := s.CopyDone("the token of alpha"); e != a || a.Copying != 0 || s.Working() {
		t.Errorf("after the copy: entry %v, copying %d, working %v", e, a.Copying, s.Working())
	}
	s.StartCopy("alpha", "the token of alpha")
	s.Drop("alpha")
	if e := s.CopyDone("the token of alpha"); e != nil {
		t.Error("a copy of a provider gone returned its entry")
	}
}

func TestDrainReportsChanges(t *testing.T) {
	t.Parallel()
	s := withEntries([]string{"a", "b"}, nil)
	if _, reshaped := s.Drain(); !reshaped {
		t.Error("a load does not reshape")
	}
	s.Begin(s.Get("b"), OpFetch)
	s.StartCopy("b", "x")
	changed, reshaped := s.Drain()
	if reshaped || len(changed) != 1 || changed[0] != s.Get("b") {
		t.Errorf("changed %v, reshaped %v; want b once", changed, reshaped)
	}
	if changed, _ := s.Drain(); len(changed) != 0 {
		t.Error("a second drain reports changes again")
	}
}

func TestClipboardFailureIsNotedOnce(t *testing.T) {
	t.Parallel()
	s := New()
	if !s.ClipboardFailed() {
		t.Fatal("the first failure of the system clipboard is not the first")
	}
	for range 3 {
		if s.ClipboardFailed() {
			t.Fatal("a later failure of the system clipboard is taken as the first")
		}
	}
}

// TestRenewExpired: Due leaves a token expired when the session saw it to
// the user, unless RenewExpired picked it; a token renewed is scheduled as
// any other.
func TestRenewExpired(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	now := t0.Add(2 * time.Hour)
	tok := func(life time.Duration) *providers.Token {
		return &providers.Token{AccessToken: "x", IssuedAt: t0, ExpiresAt: t0.Add(life)}
	}
	s := New()
	s.Load([]providers.Entry{{Provider: providers.Provider{Name: "old"}, Token: tok(time.Hour)},
		{Provider: providers.Provider{Name: "new"}, Token: tok(3 * time.Hour)}})
	s.Get("old").AutoAt = now // as setToken scheduled it
	if due := s.Due(now, nil); len(due) != 0 {
		t.Fatalf("an expired token is due without RenewExpired: %d", len(due))
	}
	if n := s.RenewExpired(now); n != 1 {
		t.Fatalf("RenewExpired picked %d tokens, want 1", n)
	}
	due := s.Due(now, nil)
	if len(due) != 1 || due[0].Provider.Name != "old" {
		t.Fatalf("due after RenewExpired: %v", due)
	}
}

// Entries loaded without their histories take the ones read after, a
// failure at the end marking the entry failed, unless a store answer came
// first: its history is newer.
func TestHistoriesAfterLoad(t *testing.T) {
	t.Parallel()
	s := withEntries([]string{"alpha", "beta", "gamma"}, nil)
	b := s.Get("beta")
	s.Begin(b, OpFetch)
	newer := []providers.Event{{At: t0, Kind: providers.EventIssued}}
	s.Token(TokenAnswer{Name: "beta", Seq: b.Pending, Op: OpFetch,
		Stored: &providers.Entry{Provider: prov("beta"), Token: tok(t0, time.Hour), History: newer}}, t0)
	s.Drain()
	old := []providers.Event{{At: t0.Add(-time.Hour), Kind: providers.EventFailed, Detail: "HTTP 401"}}
	s.Histories(map[string][]providers.Event{"alpha": old, "beta": old})
	a := s.Get("alpha")
	if len(a.History) != 1 || !a.Failed {
		t.Errorf("alpha: history %v, failed %v: want the failure read after the load", a.History, a.Failed)
	}
	if len(b.History) != 1 || b.History[0].Kind != providers.EventIssued || b.Failed {
		t.Errorf("beta: history %v, failed %v: want the store's later answer kept", b.History, b.Failed)
	}
	if changed, _ := s.Drain(); len(changed) != 2 {
		t.Errorf("%d entries changed, want alpha and gamma", len(changed))
	}
	s.Histories(map[string][]providers.Event{"alpha": nil})
	if len(a.History) != 1 {
		t.Error("a second reading replaced the history again")
	}
}

// TestTallyNamesThePicks: the run's summary says once which client_auth
// the issuers' metadata picked on the way, failed answers' picks too,
// without a word while the run goes; answers that picked none add none.
func TestTallyNamesThePicks(t *testing.T) {
	basic := providers.Discovery{ClientAuth: providers.AuthBasic, Method: "client_secret_basic",
		Methods: []string{"client_secret_basic", "none"}}
	body := providers.Discovery{ClientAuth: providers.AuthBody, Method: "client_secret_post"}
	none := providers.Discovery{ClientAuth: providers.AuthNone, Method: "none"}
	names := []string{"a", "b", "c", "d", "e"}
	for _, tc := range []struct {
		name   string
		picks  map[string]providers.Discovery
		failed string
		want   string
	}{
		{"none picked", nil, "", "fetched tokens for 5 providers"},
		{"one", map[string]providers.Discovery{"b": basic}, "",
			"fetched tokens for 5 providers · client_auth from the issuer: b basic"},
		{"one that failed", map[string]providers.Discovery{"c": body}, "c",
			"fetched 4 of 5; failed: c (see the detail) · client_auth from the issuer: c body"},
		{"a few", map[string]providers.Discovery{"a": basic, "c": body, "e": none}, "",
			"fetched tokens for 5 providers · client_auth from the issuer: a basic, c body, e none"},
		{"many", map[string]providers.Discovery{"a": basic, "b": basic, "c": body, "e": none}, "",
			"fetched tokens for 5 providers · client_auth from the issuer for 4 providers (see each one's detail)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := withEntries(names, nil)
			started := s.StartBulk("fetch", func(*Entry) bool { return true })
			var text string
			for i, e := range started {
				var err error
				if e.Provider.Name == tc.failed {
					err = errors.New("HTTP 401")
				}
				n := e.Provider.Name
				s.Token(TokenAnswer{Name: n, Seq: e.Pending, Op: e.Busy, Err: err, Picked: tc.picks[n]}, t0)
				tally, _ := s.TallyChanged()
				text, _ = tally.Text()
				if i < len(started)-1 && strings.Contains(text, "client_auth") {
					t.Errorf("while the run goes: %q", text)
				}
			}
			if text != tc.want {
				t.Errorf("summary\n%q, want\n%q", text, tc.want)
			}
		})
	}
}
