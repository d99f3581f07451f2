package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"

	"filippo.io/age"
)

// commit writes what changed from (old, loaded) to (idx, groups), as
// layout.go describes: nothing when nothing changed; one file in place
// when only it changed; else every changed file under a new name, then
// vault.age, then the old files removed. old is nil when there is no
// index yet (the migration): vault.age is always written then. On an
// error nothing the readers see has changed, except ErrNotDurable: the
// change is in place, but the directory fsync after it failed.
func (v *Vault) commit(old *index, loaded map[string][]Entry, idx *index, groups map[string][]Entry) error {
	var changed []string
	for f, es := range groups {
		if len(es) == 0 {
			continue
		}
		if prev, ok := loaded[f]; ok && reflect.DeepEqual(prev, es) {
			continue
		}
		changed = append(changed, f)
	}
	slices.Sort(changed)
	if sameIndex(old, idx) {
		switch len(changed) {
		case 0:
			return nil
		case 1:
			return notDurable(v.dir, changed[0], v.writeGroup(changed[0], groups[changed[0]]))
		}
	}
	renamed := make(map[string]string, len(changed))
	var written []string
	for _, f := range changed {
		name, err := newGroupName()
		if err == nil {
			err = v.writeGroup(name, groups[f])
		}
		if errors.Is(err, errSyncAfterRename) {
			written = append(written, name) // in place, but no index names it
		}
		if err != nil {
			v.remove(written)
			return err
		}
		written = append(written, name)
		renamed[f] = name
	}
	for i, r := range idx.Providers {
		if name, ok := renamed[r.File]; ok {
			idx.Providers[i].File = name
		}
	}
	if err := v.writeIndex(idx); err != nil {
		if errors.Is(err, errSyncAfterRename) {
			// vault.age in place names the files written: they stay. The
			// old ones stay too, as a crash could bring back the vault.age
			// that names them; the next open removes them.
			return notDurable(v.dir, vaultFile, err)
		}
		v.remove(written)
		return err
	}
	var gone []string
	for f := range loaded {
		if _, moved := renamed[f]; moved || len(groups[f]) == 0 {
			gone = append(gone, f)
		}
	}
	// Left over after a failure here, they are removed at the next open.
	v.remove(gone)
	v.letGo(idx) // what a read without the lock took of them meanwhile
	return nil
}

// notDurable turns an error after name was renamed into place into
// ErrNotDurable, saying the change was saved; other errors pass as they are.
func notDurable(dir, name string, err error) error {
	if !errors.Is(err, errSyncAfterRename) {
		return err
	}
	return refuseWith(ErrNotDurable, filepath.Join(dir, name), err, "the change was saved, but the directory could not be synced, so a crash could still undo it: check the disk, then save again")
}

// writeGroup replaces the provider file name with entries, reusing the
// histories this Vault last wrote that are unchanged.
func (v *Vault) writeGroup(name string, entries []Entry) error {
	prior := make(map[string]encodedHistory, len(entries))
	v.cmu.Lock()
	for _, e := range entries {
		if h, ok := v.hist[e.Provider.Name]; ok {
			prior[e.Provider.Name] = h
		}
	}
	v.cmu.Unlock()
	plain, hist, err := encodeGroupWith(entries, prior)
	if err != nil {
		return fmt.Errorf("save: %w", err)
	}
	data, err := v.writeSealed(name, plain)
	if err != nil {
		return err
	}
	kept := make([]Entry, len(entries))
	for i := range entries {
		kept[i] = cloneEntry(entries[i])
	}
	v.see(name, cached{raw: data, entries: kept})
	v.cmu.Lock()
	maps.Copy(v.hist, hist)
	v.cmu.Unlock()
	return nil
}

// writeIndex replaces vault.age with idx.
func (v *Vault) writeIndex(idx *index) error {
	plain, err := encodeJSON(idx)
	if err != nil {
		return fmt.Errorf("save: %w", err)
	}
	data, err := v.writeSealed(vaultFile, plain)
	if err != nil {
		return err
	}
	c := *idx
	c.Providers = slices.Clone(idx.Providers)
	c.byName = nil
	c.find("") // before the index is shared
	v.see(vaultFile, cached{raw: data, idx: &c})
	return nil
}

// writeSealed encrypts plain to the vault's recipient and atomically
// replaces dir/name with it, refusing a file over MaxFileSize: every
// later read would refuse it, and the store must never write what it
// cannot open again. It returns the file's bytes.
func (v *Vault) writeSealed(name string, plain []byte) ([]byte, error) {
	var ct bytes.Buffer
	err := writeAtomicFunc(v.dir, name, v.wrapWriter, v.afterRename, func(w io.Writer) error {
		aw, err := age.Encrypt(&limitWriter{w: io.MultiWriter(&ct, w), left: MaxFileSize}, v.rcp)
		if err == nil {
			_, err = aw.Write(plain)
		}
		if err == nil {
			err = aw.Close()
		}
		if err != nil {
			return fmt.Errorf("encrypt: %w", err)
		}
		return nil
	})
	if errors.Is(err, errOverLimit) {
		return nil, refuse(ErrTooLarge, filepath.Join(v.dir, name),
			"this change would make it larger than the %d MiB that can be read back: nothing was saved, the vault is as it was", MaxFileSize>>20)
	}
	if err != nil {
		return nil, fmt.Errorf("save: %w", err)
	}
	return ct.Bytes(), nil
}

// remove deletes provider files no index names any more, and forgets
// them. Failures are left to the next open's clean-up.
func (v *Vault) remove(files []string) {
	for _, f := range files {
		// Removed first: a read without the lock that finds it gone
		// after it is forgotten cannot keep it again.
		_ = os.Remove(filepath.Join(v.dir, f))
		v.forget(f)
	}
	if len(files) > 0 {
		_ = syncDir(v.dir)
	}
}

// migrate rewrites a vault of schema version 1 (the whole payload in
// vault.age) in the current layout. The caller holds the lock. The
// provider files are written first and vault.age replaced last, so until
// the layout is complete the old vault.age is what every reader sees; a
// crash leaves provider files no index names, removed at the next open.
func (v *Vault) migrate(p *Payload) error {
	if err := p.prepare(); err != nil {
		return err
	}
	empty := &index{Version: SchemaVersion}
	idx, groups, err := plan(empty, nil, p, true)
	if err != nil {
		return err
	}
	return v.commit(nil, nil, idx, groups)
}

// Update applies fn to the current payload and saves the result: it takes
// vault.lock (waiting up to the lock timeout), re-reads the store so a
// change another process saved meanwhile is kept, applies fn, and writes
// what fn changed (layout.go says how; every file is a 0600 temp file,
// fsynced, renamed over the old one, the directory fsynced), then
// unlocks. If fn returns an error nothing is written and that error is
// returned. Update reads every provider: a change to one provider is
// cheaper through the methods that name it (Record, PutProvider, …).
func (v *Vault) Update(fn func(*Payload) error) error {
	return v.change(nil, fn)
}

// change is a locked read-modify-write of the providers in the files pick
// chooses (all of them when pick is nil), the settings and the order.
func (v *Vault) change(pick func(*index) []string, fn func(*Payload) error) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.changeHeld(pick, fn)
}

// changeHeld is change for a caller that holds v.mu.
func (v *Vault) changeHeld(pick func(*index) []string, fn func(*Payload) error) error {
	return v.changeAs(false, pick, fn)
}

// changeAs is changeHeld; with shared the caller holds v.mu shared,
// alongside other saves of files pick does not choose, and the change
// must leave the index as it is: it takes vault.lock with them
// (lockedShared), and a change that would alter the index is refused.
func (v *Vault) changeAs(shared bool, pick func(*index) []string, fn func(*Payload) error) error {
	if v.readOnlyErr() != nil {
		// Read again: another process may have moved the vault since.
		if _, err := v.readIndex(false); err != nil {
			return err
		}
		if err := v.readOnlyErr(); err != nil {
			return err
		}
	}
	lock := v.locked
	if shared {
		lock = v.lockedShared
	}
	return lock(func() error {
		idx, err := v.readIndexAt(true, shared)
		if err != nil {
			return err
		}
		var files []string
		if pick != nil {
			files = pick(idx)
		} else {
			files = idx.files() // a pass over every provider: only when all are read
		}
		loaded, err := v.readGroups(idx, files, true, true)
		if err != nil {
			return err
		}
		if shared {
			return v.commitEntries(idx, loaded, fn)
		}
		p := payloadOf(idx, loaded)
		if err := fn(p); err != nil {
			return err
		}
		if err := p.prepare(); err != nil {
			return fmt.Errorf("save: %w", err)
		}
		next, groups, err := plan(idx, loaded, p, pick == nil)
		if err != nil {
			return err
		}
		return v.commit(idx, loaded, next, groups)
	})
}

// commitEntries is the rest of a shared change: fn changes the providers
// of the one file read, each file's in its order, and nothing else; the
// index is kept as it is, without a pass over every provider.
func (v *Vault) commitEntries(idx *index, loaded map[string][]Entry, fn func(*Payload) error) error {
	if len(loaded) > 1 { // commit would name new files in the index
		return errors.New("save: several files changed alongside other saves")
	}
	p := &Payload{Version: SchemaVersion, Theme: idx.Theme, Settings: idx.Settings, Providers: []Entry{}}
	var names []string
	for _, f := range slices.Sorted(maps.Keys(loaded)) {
		for _, e := range loaded[f] {
			p.Providers = append(p.Providers, cloneEntry(e))
			names = append(names, e.Provider.Name)
		}
	}
	if err := fn(p); err != nil {
		return err
	}
	if err := p.prepare(); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	if p.Theme != idx.Theme || p.Settings != idx.Settings || len(p.Providers) != len(names) {
		return errors.New("save: a change of the index was made alongside other saves")
	}
	groups := make(map[string][]Entry, len(loaded))
	for _, f := range slices.Sorted(maps.Keys(loaded)) {
		n := len(loaded[f])
		for i, e := range p.Providers[:n] {
			if e.Provider.Name != loaded[f][i].Provider.Name {
				return errors.New("save: a change of the index was made alongside other saves")
			}
		}
		groups[f], p.Providers = p.Providers[:n], p.Providers[n:]
	}
	return v.commit(idx, loaded, idx, groups)
}

// locked runs fn holding vault.lock.
func (v *Vault) locked(fn func() error) (err error) {
	if v.lockHook != nil {
		if err := v.lockHook(); err != nil {
			return err
		}
	}
	fl, err := lockDir(v.dir, v.lockTimeout)
	if err != nil {
		return err
	}
	defer unlock(fl, &err)
	return fn()
}

// lockedShared runs fn holding vault.lock together with the other callers
// of lockedShared: the first takes it, waiting as locked does, and the
// last releases it. Callers hold v.mu shared, so no caller of locked in
// this process holds it meanwhile except a reader's (snapshot), which
// waits on the lock as another process would.
func (v *Vault) lockedShared(fn func() error) (err error) {
	if v.lockHook != nil {
		if err := v.lockHook(); err != nil {
			return err
		}
	}
	v.share.Lock()
	if v.share.users == 0 {
		fl, err := lockDir(v.dir, v.lockTimeout)
		if err != nil {
			v.share.Unlock()
			return err
		}
		v.share.fl = fl
	}
	v.share.users++
	v.share.Unlock()
	defer func() {
		v.share.Lock()
		defer v.share.Unlock()
		if v.share.users--; v.share.users == 0 {
			unlock(v.share.fl, &err)
			v.share.fl = nil
		}
	}()
	return fn()
}
