package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
)

// errMoved says a provider file the index named is gone and the index
// changed since: a commit replaced both. The reader starts again.
var errMoved = errors.New("the store changed while it was read")

// readIndex returns the index as vault.age holds it now, decrypting only
// when its bytes changed since this Vault last saw them. A vault of the
// old layout (schema version 1) is migrated first, under the lock: taken
// here unless the caller holds it (locked). The caller holds v.mu and
// must not change the result.
func (v *Vault) readIndex(locked bool) (*index, error) {
	return v.readIndexAt(locked, false)
}

// errExclusive stops a save made alongside others (shared) that finds a
// vault of the old layout: moving it must be the only save under way, so
// the save starts again alone.
var errExclusive = errors.New("the vault must be moved to the new layout first")

// readIndexAt is readIndex; shared says the caller holds vault.lock
// together with other saves of this Vault (lockedShared), which must not
// move the layout: it returns errExclusive instead.
func (v *Vault) readIndexAt(locked, shared bool) (*index, error) {
	data, err := v.readVault()
	if err != nil {
		return nil, err
	}
	if c, ok := v.seen(vaultFile); ok && c.idx != nil && bytes.Equal(c.raw, data) {
		return c.idx, nil
	}
	path := filepath.Join(v.dir, vaultFile)
	text, err := unseal(path, data, v.id)
	if err != nil {
		return nil, err
	}
	idx, legacy, err := decodeIndex(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if legacy != nil {
		if shared {
			return nil, errExclusive
		}
		if !locked {
			err := v.locked(func() error { _, err := v.readIndex(true); return err })
			if readOnlyErr(err) {
				return v.serveLegacy(path, data, legacy, err)
			}
			if err != nil {
				return nil, err
			}
			return v.readIndex(false)
		}
		// ErrNotDurable: the new layout is in place, which is all a read
		// needs; a crash that undid it would leave the old one to move again.
		if err := v.migrate(legacy); err != nil && !errors.Is(err, ErrNotDurable) {
			return nil, fmt.Errorf("%s: move to the new layout: %w", path, err)
		}
		return v.readIndex(true)
	}
	v.cmu.Lock()
	v.readOnly, v.legacy = nil, nil
	v.cache[vaultFile] = cached{raw: data, idx: idx}
	v.cmu.Unlock()
	v.letGo(idx)
	return idx, nil
}

// readOnlyErr reports whether err says the directory cannot be written:
// a read-only file system, or a directory or lock file we may not write.
func readOnlyErr(err error) bool {
	return errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission)
}

// serveLegacy keeps a vault of the old layout that cannot be moved to the
// new one (a read-only mount, a restored backup) readable: its payload,
// laid out in memory under names no file has ("+0", …), is what reads
// see, and every save is refused with v.readOnly, which says why. The
// caller holds v.mu.
func (v *Vault) serveLegacy(path string, data []byte, legacy *Payload, cause error) (*index, error) {
	if err := legacy.prepare(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	idx, groups, err := plan(&index{Version: SchemaVersion}, nil, legacy, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v.cmu.Lock()
	defer v.cmu.Unlock()
	v.readOnly = refuseWith(ErrReadOnly, path, cause, "is of the old one-file layout and cannot be moved to the new one here, so the vault is read-only: copy the directory somewhere writable to change it")
	v.legacy = groups
	v.cache[vaultFile] = cached{raw: data, idx: idx}
	return idx, nil
}

// readGroups reads the named provider files of idx, decrypting those that
// changed since this Vault last saw them, several at once. Each must hold
// exactly the providers idx says it does. With histories the entries hold
// them; without, they may not (decodeGroupHead). The caller holds v.mu
// and must not change the result.
func (v *Vault) readGroups(idx *index, files []string, locked, histories bool) (map[string][]Entry, error) {
	out := make(map[string][]Entry, len(files))
	type job struct {
		file    string
		data    []byte
		was     []byte // the bytes cached when the file was read
		text    string // the plaintext, when known
		entries []Entry
		err     error
	}
	var jobs []*job
	for _, f := range files {
		v.cmu.Lock()
		es, ok := v.legacy[f]
		v.cmu.Unlock()
		if ok {
			out[f] = es
			continue
		}
		data, err := v.readGroupFile(idx, f, locked)
		if err != nil {
			return nil, err
		}
		c, ok := v.seen(f)
		if ok && c.entries != nil && (c.text == "" || !histories) && bytes.Equal(c.raw, data) {
			out[f] = c.entries
			continue
		}
		jobs = append(jobs, &job{file: f, data: data, was: c.raw, text: c.text})
		if !bytes.Equal(c.raw, data) {
			jobs[len(jobs)-1].text = ""
		}
	}
	decode := func(j *job) {
		path := filepath.Join(v.dir, j.file)
		if j.text == "" {
			text, err := unseal(path, j.data, v.id)
			if err != nil {
				j.err = err
				return
			}
			j.text = text
		}
		var err error
		if histories {
			j.entries, err = decodeGroup(j.text)
			j.text = ""
		} else {
			j.entries, err = decodeGroupHead(j.text)
		}
		if err != nil {
			j.err = fmt.Errorf("%s: %w", path, err)
			return
		}
		if !idx.holds(j.file, j.entries) {
			j.err = refuse(ErrCorrupt, path, "does not hold the providers %s lists for it: replaced or restored apart from it", vaultFile)
		}
	}
	// Decryption (an X25519 exchange per file) is the cost of reading many
	// files: spread it over the processors. idx.find fills its map on first
	// use: fill it here, before it is shared.
	idx.find("")
	if len(jobs) == 1 {
		decode(jobs[0]) // a command's one provider: no goroutine to start
	} else {
		var wg sync.WaitGroup
		work := make(chan *job)
		for range min(len(jobs), runtime.GOMAXPROCS(0)) {
			wg.Go(func() {
				for j := range work {
					decode(j)
				}
			})
		}
		for _, j := range jobs {
			work <- j
		}
		close(work)
		wg.Wait()
	}
	for _, j := range jobs {
		if j.err != nil {
			if !locked && v.indexChanged(idx) {
				return nil, errMoved
			}
			return nil, j.err
		}
		v.seeIf(j.file, j.was, cached{raw: j.data, entries: j.entries, text: j.text})
		out[j.file] = j.entries
	}
	return out, nil
}

// indexChanged reports whether vault.age is no longer used, the index a
// reader went by: on disk it is something else, or this Vault has seen a
// newer one since (a save of its own wrote it, then removed the files
// used named, before the reader opened them).
func (v *Vault) indexChanged(used *index) bool {
	data, err := v.readVault()
	c, _ := v.seen(vaultFile)
	return err != nil || c.idx != used || !bytes.Equal(data, c.raw)
}

// seen is what this Vault last saw of the file name.
func (v *Vault) seen(name string) (cached, bool) {
	v.cmu.Lock()
	defer v.cmu.Unlock()
	c, ok := v.cache[name]
	return c, ok
}

// see keeps c as what this Vault last saw of the file name.
func (v *Vault) see(name string, c cached) {
	v.cmu.Lock()
	defer v.cmu.Unlock()
	v.cache[name] = c
}

// seeIf is see unless what this Vault saw of the file is no longer was: a
// save wrote it meanwhile, and what it keeps is newer, and whole.
func (v *Vault) seeIf(name string, was []byte, c cached) {
	v.cmu.Lock()
	defer v.cmu.Unlock()
	if bytes.Equal(v.cache[name].raw, was) {
		v.cache[name] = c
	}
}

// forget drops what this Vault saw of the file name.
func (v *Vault) forget(name string) {
	v.cmu.Lock()
	delete(v.cache, name)
	v.cmu.Unlock()
	v.dropKnown(name)
}

// readOnlyErr is v.readOnly, read under v.cmu.
func (v *Vault) readOnlyErr() error {
	v.cmu.Lock()
	defer v.cmu.Unlock()
	return v.readOnly
}

// snapshot reads the index and the files pick chooses, without the lock
// (reading).
func (v *Vault) snapshot(pick func(*index) []string, histories bool) (idx *index, loaded map[string][]Entry, err error) {
	err = v.reading(func(i *index, locked bool) (err error) {
		idx = i
		loaded, err = v.readGroups(i, pick(i), locked, histories)
		return err
	})
	return idx, loaded, err
}

// reading calls read with the index as vault.age holds it now, without the
// lock. When a commit moves files meanwhile (read returns errMoved) it
// starts again; after a few tries it reads holding the lock, which no
// commit can cross.
func (v *Vault) reading(read func(idx *index, locked bool) error) error {
	for range 4 {
		idx, err := v.readIndex(false)
		if err != nil {
			return err
		}
		if err := read(idx, false); !errors.Is(err, errMoved) {
			return err
		}
	}
	return v.locked(func() error {
		idx, err := v.readIndex(true)
		if err != nil {
			return err
		}
		return read(idx, true)
	})
}

// readGroupFile reads the provider file f that idx names. A file missing is
// errMoved to a reader without the lock whose index is no longer the one
// in use (a commit replaced it, then removed f), and damage otherwise.
func (v *Vault) readGroupFile(idx *index, f string, locked bool) ([]byte, error) {
	data, err := v.readKnown(f)
	if errors.Is(err, fs.ErrNotExist) {
		if !locked && v.indexChanged(idx) {
			return nil, errMoved
		}
		return nil, refuse(ErrCorrupt, filepath.Join(v.dir, f), "is missing: restore it from a backup")
	}
	return data, err
}

// readEntry reads the named provider of idx, without its history, as
// readGroups would read it from the file holding it; ok is false when idx
// has no such provider. Unless this Vault decoded the file already, only
// the start of the file is decrypted, up to the histories, and only that
// provider is decoded, the others' names read (readGroupHead) to check
// the file holds what idx says, as readGroups checks it. A file it cannot
// take apart so, readGroups reads. The caller must not change the result.
func (v *Vault) readEntry(idx *index, name string, locked bool) (e Entry, ok bool, err error) {
	f := idx.fileOf(name)
	if f == "" {
		return Entry{}, false, nil
	}
	v.cmu.Lock()
	_, legacy := v.legacy[f]
	v.cmu.Unlock()
	if c, _ := v.seen(f); c.entries == nil && !legacy {
		data, err := v.readGroupFile(idx, f, locked)
		if err != nil {
			return Entry{}, false, err
		}
		h := c.head
		if h == nil || !bytes.Equal(c.raw, data) || !idx.holdsNames(f, h.names) {
			h = nil
			if r, err := unsealStart(filepath.Join(v.dir, f), data, v.id); err == nil {
				if head, ok := readGroupHead(r); ok && idx.holdsNames(f, head.names) {
					h = &head
					v.seeIf(f, c.raw, cached{raw: data, head: h})
				}
			}
		}
		if h != nil {
			if e, ok := h.entry(name); ok {
				return e, true, nil
			}
		}
	}
	loaded, err := v.readGroups(idx, []string{f}, locked, false)
	if err != nil {
		return Entry{}, false, err
	}
	for _, e := range loaded[f] {
		if e.Provider.Name == name {
			return e, true, nil
		}
	}
	return Entry{}, false, nil
}
