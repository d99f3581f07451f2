// Package session is the explorer's state of the providers, in plain Go:
// the entries as the store last answered, the request numbers that make a
// late answer stale, the bulk tally of a fetch-all or refresh-all, the
// auto-refresh schedule with its backoff, and the copies in flight. It
// knows nothing of Bubble Tea: the explorer starts the requests and hands
// their answers here, addressed by provider name and request number.
package session

import (
	"errors"
	"time"

	"github.com/tokenscope/tokenscope/providers"
	"github.com/tokenscope/tokenscope/providers/oauth"
)

// ErrGone and ErrEdited are the outcomes counted in a bulk run for a
// provider deleted, or changed by an edit, while its answer was on its way.
var (
	ErrGone   = errors.New("deleted meanwhile")
	ErrEdited = errors.New("edited meanwhile")
)

// Session holds every provider's entry and what is under way.
type Session struct {
	entries []*Entry
	byName  map[string]*Entry
	seq     uint64 // the last request number handed out
	busy    int    // entries with an action under way
	copies  []pendingCopy
	// clipFailed: the system clipboard failed once already this session.
	clipFailed bool
	tally      Tally
	tallyUp    bool // the tally changed since TallyChanged last said so

	rev      uint64   // bumped on every change of any entry
	dirty    []*Entry // entries changed since Drain
	reshaped bool     // entries added or dropped since Drain
}

// New returns an empty session.
func New() *Session { return &Session{byName: map[string]*Entry{}} }

// Load replaces every entry with the store's.
func (s *Session) Load(es []providers.Entry) {
	s.entries = make([]*Entry, 0, len(es))
	s.byName = make(map[string]*Entry, len(es))
	for _, se := range es {
		e := newEntry(se)
		s.entries = append(s.entries, e)
		s.byName[e.Provider.Name] = e
	}
	s.reshape()
}

// Histories gives the entries loaded without a history (the store's
// LoadProviders) the histories the store read after: an entry that has
// taken a store answer since keeps that answer's, which is newer. A
// failure at the end of a history marks the entry failed, as Load does.
func (s *Session) Histories(h map[string][]providers.Event) {
	for _, e := range s.entries {
		if !e.historyDue {
			continue
		}
		e.historyDue = false
		e.History = h[e.Provider.Name]
		if n := len(e.History); n > 0 && e.History[n-1].Kind == providers.EventFailed {
			e.Failed = true
		}
		s.changed(e)
	}
}

// Entries are the entries in the store's order; the caller must not
// change the slice.
func (s *Session) Entries() []*Entry { return s.entries }

// Get is the named provider's entry, or nil.
func (s *Session) Get(name string) *Entry { return s.byName[name] }

// Has reports whether the named provider is in the session.
func (s *Session) Has(name string) bool { _, ok := s.byName[name]; return ok }

// Len is how many providers there are.
func (s *Session) Len() int { return len(s.entries) }

// Busy is how many entries have an action under way.
func (s *Session) Busy() int { return s.busy }

// Working reports whether anything is under way: an action or a copy.
func (s *Session) Working() bool { return s.busy > 0 || len(s.copies) > 0 }

// Rev changes whenever any entry changes.
func (s *Session) Rev() uint64 { return s.rev }

// Drain returns the entries changed since the last Drain, and whether
// entries were added or dropped (then every row is to be drawn again).
// The slice is valid until the session next changes.
func (s *Session) Drain() (changed []*Entry, reshaped bool) {
	changed, reshaped = s.dirty, s.reshaped
	for _, e := range changed {
		e.dirty = false
	}
	s.dirty, s.reshaped = s.dirty[:0], false
	return changed, reshaped
}

func (s *Session) changed(e *Entry) {
	s.rev++
	if !e.dirty {
		e.dirty = true
		s.dirty = append(s.dirty, e)
	}
}

func (s *Session) reshape() {
	s.rev++
	s.reshaped = true
	for _, e := range s.dirty {
		e.dirty = false
	}
	s.dirty = s.dirty[:0]
}

// Begin marks e busy with o under a new request number, and reports false
// (doing nothing) when e is nil or busy already.
func (s *Session) Begin(e *Entry, o Op) bool {
	if e == nil || e.Busy != OpNone {
		return false
	}
	s.seq++
	e.Pending, e.Busy = s.seq, o
	s.busy++
	s.changed(e)
	return true
}

// Finish marks the named entry idle again and returns it; it reports
// false for a stale answer: one whose request number is not the one under
// way, or for a provider an edit changed meanwhile.
func (s *Session) Finish(name string, seq uint64) (*Entry, bool) {
	e := s.byName[name]
	if e == nil || e.Busy == OpNone || e.Pending != seq {
		return nil, false
	}
	e.Busy, e.Pending = OpNone, 0
	s.busy--
	s.changed(e)
	if e.stale {
		e.stale = false
		s.bulkDone(e, ErrEdited, providers.Discovery{})
		return nil, false
	}
	return e, true
}

// Drop forgets the named entry; an answer still on its way for it is
// dropped when it comes, as no entry has its request number.
func (s *Session) Drop(name string) {
	e := s.byName[name]
	if e == nil {
		return
	}
	if e.Busy != OpNone {
		s.busy--
	}
	s.bulkDone(e, ErrGone, providers.Discovery{})
	delete(s.byName, name)
	for i, x := range s.entries {
		if x == e {
			s.entries = append(s.entries[:i:i], s.entries[i+1:]...)
			break
		}
	}
	s.reshape()
}

// TokenAnswer is the end of a fetch, refresh or logout.
type TokenAnswer struct {
	Name string
	Seq  uint64
	Op   Op
	// Stored is the entry as the store holds it after the action, nil
	// when nothing was recorded.
	Stored *providers.Entry
	Err    error
	// Picked is the client_auth picked from the issuer's metadata when
	// the action fetched that metadata on the way, zero otherwise: a bulk
	// run's tally names the picks, as a single answer's status does.
	Picked providers.Discovery
}

// Token applies a token answer at now. It returns the entry, nil for a
// stale answer; inBulk is true when the answer belongs to a bulk run, whose
// tally (TallyChanged) reports it instead of the answer itself.
func (s *Session) Token(a TokenAnswer, now time.Time) (e *Entry, inBulk bool) {
	e, ok := s.Finish(a.Name, a.Seq)
	if !ok {
		return nil, false
	}
	if a.Stored != nil {
		e.follow(*a.Stored)
	}
	if a.Err != nil {
		e.LastErr, e.LastErrAt, e.Failed = a.Err, now, true
		if a.Op == OpAutoRefresh && e.HasToken() {
			// Without a token (dropped by the store meanwhile) there is
			// nothing left to refresh.
			e.AutoFails++
			e.AutoAt = now.Add(Backoff(e.AutoFails))
		}
	} else {
		e.LastErr, e.Failed, e.AutoFails = nil, false, 0
	}
	inBulk = e.inBulk
	s.bulkDone(e, a.Err, a.Picked)
	return e, inBulk
}

// TryDone applies a try request's answer at now; it returns nil for a
// stale one.
func (s *Session) TryDone(name string, seq uint64, res *oauth.TryResult, err error, now time.Time) *Entry {
	e, ok := s.Finish(name, seq)
	if !ok {
		return nil
	}
	e.Try, e.TryErr, e.TryAt = res, err, now
	return e
}

// SaveAnswer is the end of an add or an edit.
type SaveAnswer struct {
	// Old is the provider's name before an edit, "" when added.
	Old string
	// Seq is the save's request number, 0 when the entry was busy with
	// something else as the save began.
	Seq uint64
	// Stored is the entry as the store holds it after the save.
	Stored providers.Entry
	Err    error
}

// Saved applies the end of an add or an edit and returns the entry as the
// store now holds it (nil after a failure); added is true for a provider
// new to the session. A save is never stale: the store holds what it
// wrote, so the session follows whatever came since. When the store
// dropped the token (the edit changed the provider's wire identity), an
// answer still under way is for the old provider and is dropped.
func (s *Session) Saved(a SaveAnswer) (e *Entry, added bool) {
	if a.Seq != 0 {
		s.Finish(a.Old, a.Seq)
	}
	if a.Err != nil {
		if e := s.byName[a.Old]; e != nil {
			s.changed(e)
		}
		return nil, false
	}
	name := a.Stored.Provider.Name
	if a.Old != name {
		s.Drop(a.Old)
	}
	if e = s.byName[name]; e != nil {
		if e.HasToken() && a.Stored.Token == nil {
			e.stale = e.Busy != OpNone
		}
		e.follow(a.Stored)
		s.changed(e)
		return e, false
	}
	e = newEntry(a.Stored)
	s.entries = append(s.entries, e)
	s.byName[name] = e
	s.reshape()
	return e, true
}

// Removed applies the end of a delete: the entry goes unless err says it
// could not. It returns nil for a stale answer.
func (s *Session) Removed(name string, seq uint64, err error) *Entry {
	e, ok := s.Finish(name, seq)
	if !ok {
		return nil
	}
	if err == nil {
		s.Drop(name)
	}
	return e
}

// StartSignature gives e's current token a signature check under a new
// request number, which it returns (0: none needed).
func (s *Session) StartSignature(e *Entry) uint64 {
	if e == nil || !e.NeedsSignature() {
		return 0
	}
	s.seq++
	e.SigSeq = s.seq
	return e.SigSeq
}

// SignatureDone keeps a signature check on the token it was made for;
// retry marks a JWKS that could not be fetched, worth checking again.
func (s *Session) SignatureDone(name string, seq uint64, token providers.Secret, sig Signature, retry bool) {
	e := s.byName[name]
	if e == nil || e.SigSeq != seq {
		return
	}
	e.SigSeq = 0
	e.Sig, e.SigFor, e.SigRetry = sig, token, retry
	s.changed(e)
}

// Shown notes that e is now the one shown; a signature check that could
// not fetch its JWKS is made again.
func (s *Session) Shown(e *Entry) {
	if e != nil && e.SigRetry {
		e.SigFor, e.SigRetry = "", false
	}
}

// StartBulk begins, for every idle entry that want picks, a refresh when it
// holds a token and else a fetch, and counts their answers as one run
// named by verb ("fetch" or "refresh"). It returns the entries begun; the
// caller sends their requests.
func (s *Session) StartBulk(verb string, want func(*Entry) bool) []*Entry {
	var started []*Entry
	for _, e := range s.entries {
		if e.Busy != OpNone || !want(e) {
			continue
		}
		o := OpFetch
		if e.HasToken() {
			o = OpRefresh
		}
		s.Begin(e, o)
		e.inBulk = true
		started = append(started, e)
	}
	if len(started) > 0 || verb != "fetch" {
		s.tally.add(len(started), verb)
	}
	return started
}

// Tally is the bulk run under way, or the last one.
func (s *Session) Tally() Tally { return s.tally }

// TallyChanged returns the tally when an answer changed it since the last
// call; a run that is done is forgotten once reported.
func (s *Session) TallyChanged() (Tally, bool) {
	if !s.tallyUp {
		return Tally{}, false
	}
	t := s.tally
	s.tallyUp = false
	if t.Done() {
		s.tally = Tally{}
	}
	return t, true
}

// bulkDone counts e's answer in the bulk run when it is part of one, with
// the client_auth picked for it on the way.
func (s *Session) bulkDone(e *Entry, err error, picked providers.Discovery) {
	if !e.inBulk {
		return
	}
	e.inBulk = false
	s.tally.done(e.Provider.Name, err, picked)
	s.tallyUp = true
}
