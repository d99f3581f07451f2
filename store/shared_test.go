package store

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// twoFiles is a vault of two provider files, prov0000… in the first and
// prov0016… in the second.
func twoFiles(t *testing.T) *Vault {
	t.Helper()
	v := newTestVault(t)
	big := bigPayload(2 * groupSize)
	if err := v.Update(func(p *Payload) error { *p = *big; return nil }); err != nil {
		t.Fatal(err)
	}
	idx, err := v.readIndex(false)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := idx.fileOf("prov0000"), idx.fileOf(fmt.Sprintf("prov%04d", groupSize)); a == b {
		t.Fatalf("prov0000 and prov%04d are both in %s", groupSize, a)
	}
	return v
}

// Records of two provider files are saved at once: each save, its file
// renamed into place, waits for the other's to be there too, which it
// could not if saves took turns.
func TestRecordsOfTwoFilesSaveAtOnce(t *testing.T) {
	v := twoFiles(t)
	var mu sync.Mutex
	arrived := map[string]bool{}
	both := make(chan struct{})
	v.afterRename = func(name string) error {
		mu.Lock()
		arrived[name] = true
		if len(arrived) == 2 {
			close(both)
		}
		mu.Unlock()
		select {
		case <-both:
			return nil
		case <-time.After(time.Minute):
			return fmt.Errorf("%s: no other file saved alongside it", name)
		}
	}
	errs := make(chan error, 2)
	for _, i := range []int{0, groupSize} {
		go func() {
			_, err := v.Record(fmt.Sprintf("prov%04d", i), testToken(i, 1), ev("refreshed"))
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	other, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, groupSize} {
		name := fmt.Sprintf("prov%04d", i)
		if _, tok, err := other.Lookup(name); err != nil || tok.RefreshToken != testToken(i, 1).RefreshToken {
			t.Errorf("%s on disk: %v, not the token recorded", name, err)
		}
	}
}

// A record answers only once its file is durable: not while the save
// that took it waits to sync the directory after the rename.
func TestRecordAnsweredWhenDurable(t *testing.T) {
	v := twoFiles(t)
	entered, release := make(chan string, 1), make(chan struct{})
	v.afterRename = func(name string) error {
		entered <- name
		<-release
		return nil
	}
	answered := make(chan error, 1)
	go func() {
		_, err := v.Record("prov0001", testToken(1, 7), ev("refreshed"))
		answered <- err
	}()
	<-entered
	select {
	case err := <-answered:
		t.Fatalf("answered (%v) before the directory was synced", err)
	default:
	}
	close(release)
	if err := <-answered; err != nil {
		t.Fatal(err)
	}
	other, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, tok, err := other.Lookup("prov0001"); err != nil || tok.RefreshToken != testToken(1, 7).RefreshToken {
		t.Errorf("prov0001 on disk: %v, not the token recorded", err)
	}
}
