package store

// A record (a token, an event, metadata) waits in a queue and is saved
// with the records that arrive with it, by file: the saving that
// state.go's Record and its siblings stand on.

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// record appends ev, scrubbed of the secrets of the entry and of also, to
// name's history, lets set change the entry, and answers with the entry as
// the store now holds it.
//
// Records that arrive together are saved together: each waits in
// v.queued, and whichever takes its file's lock first saves, in one
// change of the file, every record waiting for it, then hands each its
// answer. The answers of a refresh-all land a few at once, mostly in one
// file; one save for them costs what each of them would. Records of
// different files are saved at once (v.mu shared, one vault.lock for
// them), each file by one save at a time. A record returns only once its
// save is on disk.
func (v *Vault) record(name string, ev providers.Event, set func(*Entry), also ...*providers.Token) (Entry, error) {
	r := &queuedRecord{name: name, ev: ev, set: set, also: also, saved: make(chan struct{})}
	v.qmu.Lock()
	v.queued = append(v.queued, r)
	v.arrive(time.Now())
	v.qmu.Unlock()
	if v.isQueued(r) {
		v.mu.RLock()
		err := v.saveQueued(r, true)
		v.mu.RUnlock()
		if errors.Is(err, errExclusive) { // the layout moves first, alone
			v.mu.Lock()
			err = v.saveQueued(r, false)
			v.mu.Unlock()
		}
		if err != nil {
			v.answer([]*queuedRecord{r}, err)
		}
	}
	<-r.saved
	return r.entry, r.err
}

// queuedRecord is a record waiting to be saved, then its answer.
type queuedRecord struct {
	name string
	ev   providers.Event
	set  func(*Entry)
	also []*providers.Token

	// saved is closed once entry and err are its answer: saved, or failed.
	saved chan struct{}
	entry Entry
	err   error
}

// fileLock is held by the save of records of one provider file; users
// counts the saves holding or waiting for it, under v.qmu.
type fileLock struct {
	sync.Mutex
	users int
}

// lockFile takes the lock of the provider file f.
func (v *Vault) lockFile(f string) *fileLock {
	v.qmu.Lock()
	l := v.fileLocks[f]
	if l == nil {
		l = &fileLock{}
		v.fileLocks[f] = l
	}
	l.users++
	v.qmu.Unlock()
	l.Lock()
	return l
}

// unlockFile releases the lock of the provider file f, forgetting it
// when nobody else waits for it.
func (v *Vault) unlockFile(f string, l *fileLock) {
	l.Unlock()
	v.qmu.Lock()
	defer v.qmu.Unlock()
	if l.users--; l.users == 0 {
		delete(v.fileLocks, f)
	}
}

// isQueued reports whether r still waits for a save to take it.
func (v *Vault) isQueued(r *queuedRecord) bool {
	v.qmu.Lock()
	defer v.qmu.Unlock()
	return slices.Contains(v.queued, r)
}

// Records gather for a save while answers are landing together: when
// another record waits already or is being saved, or the last save, less
// than burstGap ago, took several, the next waits gatherFor for the
// answers close behind, then for as long as records keep arriving, until
// all of its file's providers are queued: a refresh-all answers a file's
// providers a few at a time, in about the order of the file, and saving
// them in one change rather than in several is most of what saving them
// costs. How long it waits follows the pace of the records (v.pace): a
// loaded machine answers more slowly, and the file's providers come
// further apart. A lone record (a refresh, a command, records made one
// after another) is saved at once.
const (
	burstGap   = 10 * time.Millisecond
	gatherFor  = 6 * time.Millisecond
	gatherPoll = 2 * time.Millisecond
)

// gatherQuiet is how long a gathering save waits for the next record of
// any file, at the pace p: several times p, within bounds.
func gatherQuiet(p time.Duration) time.Duration {
	return min(max(4*p, 6*time.Millisecond), 40*time.Millisecond)
}

// gatherMax is how long a gathering save waits in all, at the pace p:
// about how long a file's worth of records, and a few more, takes to
// arrive.
func gatherMax(p time.Duration) time.Duration {
	return min(max(2*groupSize*p, 24*time.Millisecond), 200*time.Millisecond)
}

// arrive notes that a record arrived at now: v.arrived counts them, and
// v.pace follows the time between them, forgetting pauses (idle, or a
// user's). The caller holds v.qmu.
func (v *Vault) arrive(now time.Time) {
	v.arrived++
	if gap := now.Sub(v.lastArrival); !v.lastArrival.IsZero() && gap < time.Second {
		v.pace = (7*v.pace + gap) / 8
	}
	v.lastArrival = now
}

// gather waits, holding the lock of file, for the records of file close
// behind the first (see gatherFor).
func (v *Vault) gather(idx *index, file string) {
	held := 0
	for _, r := range idx.Providers {
		if r.File == file {
			held++
		}
	}
	start := time.Now()
	time.Sleep(gatherFor)
	v.qmu.Lock()
	quiet, most := gatherQuiet(v.pace), gatherMax(v.pace)
	v.qmu.Unlock()
	n, arrived := v.queuedFor(idx, file)
	last := time.Now()
	for n < held && time.Since(last) < quiet && time.Since(start) < most {
		time.Sleep(gatherPoll)
		m, a := v.queuedFor(idx, file)
		if a != arrived {
			last = time.Now()
		}
		n, arrived = m, a
	}
}

// queuedFor counts the records waiting for a save of file, and returns
// how many records have arrived in all (v.arrived).
func (v *Vault) queuedFor(idx *index, file string) (n int, arrived uint64) {
	v.qmu.Lock()
	defer v.qmu.Unlock()
	for _, q := range v.queued {
		if idx.fileOf(q.name) == file {
			n++
		}
	}
	return n, v.arrived
}

// saveQueued saves r, unless another save took it, and every record
// queued for r's file, in one change, and answers them. The caller holds
// v.mu: shared, with shared, else alone. An error before any record was
// taken is returned, r unanswered: errExclusive, or the index could not
// be read.
func (v *Vault) saveQueued(r *queuedRecord, shared bool) error {
	var batch []*queuedRecord
	var held *fileLock
	var file string
	defer func() {
		if held != nil {
			v.unlockFile(file, held)
		}
	}()
	pick := func(idx *index) []string {
		file = idx.fileOf(r.name)
		if file != "" {
			held = v.lockFile(file)
		}
		v.qmu.Lock()
		taken := !slices.Contains(v.queued, r)
		company := len(v.queued) > 1 || v.saving > 0
		recent := v.lastBatch > 1 && time.Since(v.lastSave) < burstGap
		v.qmu.Unlock()
		if taken {
			return nil // saved by the save that held the lock before
		}
		if company || recent {
			if file != "" {
				v.gather(idx, file)
			} else {
				time.Sleep(gatherFor)
			}
		}
		v.qmu.Lock()
		defer v.qmu.Unlock()
		if !slices.Contains(v.queued, r) {
			return nil // saved by the save that held the lock before
		}
		kept := v.queued[:0]
		for _, q := range v.queued {
			if q == r || (file != "" && idx.fileOf(q.name) == file) {
				batch = append(batch, q)
			} else {
				kept = append(kept, q)
			}
		}
		clear(v.queued[len(kept):])
		v.queued = kept
		v.saving += len(batch)
		if file == "" {
			return nil
		}
		return []string{file}
	}
	err := v.changeAs(shared, pick, func(p *Payload) error {
		for _, q := range batch {
			i := p.Find(q.name)
			if i < 0 {
				return unknown(q.name)
			}
			e := &p.Providers[i]
			if q.ev != (providers.Event{}) {
				ev := q.ev
				ev.Detail = scrub(ev.Detail, secretsOf(e.Provider, append([]*providers.Token{e.Token}, q.also...)...))
				e.History = capHistory(append(e.History, ev))
			}
			q.set(e)
		}
		for _, q := range batch {
			q.entry = cloneEntry(p.Providers[p.Find(q.name)])
		}
		return nil
	})
	if len(batch) == 0 { // nothing taken: r was saved already, or no save began
		switch {
		case errors.Is(err, errExclusive):
			return err // r stays queued for the save made alone
		case err != nil && v.takeQueued(r):
			return err
		}
		return nil
	}
	v.qmu.Lock()
	v.lastSave, v.lastBatch = time.Now(), len(batch)
	v.saving -= len(batch)
	v.qmu.Unlock()
	v.answer(batch, err)
	return nil
}

// answer hands each record of batch its answer: err, or the entry its
// save set.
func (v *Vault) answer(batch []*queuedRecord, err error) {
	for _, q := range batch {
		if err != nil {
			q.entry, q.err = Entry{}, err
		}
		close(q.saved)
	}
}

// takeQueued removes r from the queue, reporting whether it was there:
// whether the caller, not a save, is to answer it.
func (v *Vault) takeQueued(r *queuedRecord) bool {
	v.qmu.Lock()
	defer v.qmu.Unlock()
	i := slices.Index(v.queued, r)
	if i >= 0 {
		v.queued = slices.Delete(v.queued, i, i+1)
	}
	return i >= 0
}
