package store

// A file of the vault directory that has not changed since this Vault
// read it is known by one Lstat, not read again: the explorer looks a
// provider up before each of its requests, and a refresh-all would read
// vault.age and the provider's file a thousand times.

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// known is a file as this Vault last read it, held open. While it is
// open no other file can be given its inode, and every save replaces a
// file by renaming a new one over it: a path whose Lstat shows the same
// device and inode, size, mode, modification and change time still holds
// data. A file written in place (a backup copied over it) changes its
// change time, even when its modification time is set back.
type known struct {
	f    *os.File
	fi   fs.FileInfo
	data []byte
}

// readKnown is readSafe(v.dir, name, nil): the same checks, the same
// errors, the file's bytes; when the file is the one this Vault last
// read, those bytes. Nobody may change what it returns.
func (v *Vault) readKnown(name string) ([]byte, error) {
	if !holdFiles {
		return readSafe(v.dir, name, nil)
	}
	path := filepath.Join(v.dir, name)
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		v.dropKnown(name)
	}
	if err != nil {
		return nil, err
	}
	if err := checkFile(path, fi); err != nil {
		return nil, err
	}
	v.kmu.Lock()
	k, ok := v.known[name]
	v.kmu.Unlock()
	if ok && sameVersion(k.fi, fi) {
		return k.data, nil
	}
	data, f, fi, err := readOpen(v.dir, name, nil)
	if err != nil {
		return nil, err
	}
	v.kmu.Lock()
	old := v.known[name]
	v.known[name] = known{f: f, fi: fi, data: data}
	v.kmu.Unlock()
	if old.f != nil {
		old.f.Close()
	}
	return data, nil
}

// dropKnown closes and forgets what this Vault read of the file name: it is
// removed.
func (v *Vault) dropKnown(name string) {
	v.kmu.Lock()
	k := v.known[name]
	delete(v.known, name)
	v.kmu.Unlock()
	if k.f != nil {
		k.f.Close()
	}
}

// letGo forgets what this Vault read of the provider files idx does not
// name, and closes them: files a save removed (another process's, or one
// of this Vault's that a read without the lock crossed), which no read
// asks for again. A process that runs for long would otherwise hold a
// descriptor, and the bytes, of every file ever removed under it.
func (v *Vault) letGo(idx *index) {
	named := map[string]bool{}
	for _, f := range idx.files() {
		named[f] = true
	}
	gone := func(name string) bool { return isGroupName(name) && !named[name] }
	v.cmu.Lock()
	for name := range v.cache {
		if gone(name) {
			delete(v.cache, name)
		}
	}
	v.cmu.Unlock()
	var closing []*os.File
	v.kmu.Lock()
	for name, k := range v.known {
		if gone(name) {
			delete(v.known, name)
			closing = append(closing, k.f)
		}
	}
	v.kmu.Unlock()
	for _, f := range closing {
		f.Close()
	}
}

// sameVersion reports whether a and b describe the same version of one
// file: the same file (device and inode), size, mode, modification time
// and change time (where the system has one).
func sameVersion(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.Mode() == b.Mode() && a.ModTime().Equal(b.ModTime()) && sameChange(a, b)
}
