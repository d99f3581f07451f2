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
		v.forget(f)
		_ = os.Remove(filepath.Join(v.dir, f))
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
