package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tokenscope/tokenscope/providers"
)

// TestKnownFileChangedIsReadAgain: a Vault that read a file knows it
// unchanged by its Lstat, but a file renamed over it is read again even
// when its size and time are the old file's, as is one another process
// saved, and one written in place, its time changed.
func TestKnownFileChangedIsReadAgain(t *testing.T) {
	v := faultVault(t)
	look := func() (*providers.Token, error) {
		_, tok, err := v.Lookup("prov0001")
		return tok, err
	}
	if tok, err := look(); err != nil || tok.RefreshToken != testToken(1, 1).RefreshToken {
		t.Fatalf("first look: %v, %v", tok, err)
	}
	files := groupFiles(t, v.Dir())
	if len(files) != 1 {
		t.Fatalf("provider files: %v", files)
	}
	path := filepath.Join(v.Dir(), files[0])
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}

	// A damaged copy renamed over the file, given the old one's size and
	// time: only the inode tells them apart.
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	replace := func(data []byte) {
		t.Helper()
		writeFile(t, path+".new", data)
		if err := os.Chtimes(path+".new", before.ModTime(), before.ModTime()); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".new", path); err != nil {
			t.Fatal(err)
		}
	}
	damaged := bytes.Clone(orig)
	damaged[len(damaged)-20] ^= 0xff
	replace(damaged)
	if _, err := look(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("after a damaged copy replaced the file: %v, want ErrCorrupt", err)
	}
	replace(orig)
	if tok, err := look(); err != nil || tok.RefreshToken != testToken(1, 1).RefreshToken {
		t.Fatalf("after the file was put back: %v, %v", tok, err)
	}

	// Another process saves.
	other, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Record("prov0001", testToken(1, 2), ev("refreshed")); err != nil {
		t.Fatal(err)
	}
	if tok, err := look(); err != nil || tok.RefreshToken != testToken(1, 2).RefreshToken {
		t.Fatalf("after another process's save: %v, %v, want its token", tok, err)
	}

	// The file damaged in place, its size kept and its time another.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-20] ^= 0xff
	writeFile(t, path, data)
	at := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
	if _, err := look(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("after the file was damaged in place: %v, want ErrCorrupt", err)
	}
}

// TestKnownFileRewrittenInPlaceTimeKept: a file written in place, its
// size kept and its modification time set back to what it was (a
// backup tool keeping times, touch -r), is not the file read before:
// its change time, which nobody can set, tells them apart.
func TestKnownFileRewrittenInPlaceTimeKept(t *testing.T) {
	v := faultVault(t)
	if _, _, err := v.Lookup("prov0001"); err != nil {
		t.Fatal(err)
	}
	files := groupFiles(t, v.Dir())
	if len(files) != 1 {
		t.Fatalf("provider files: %v", files)
	}
	path := filepath.Join(v.Dir(), files[0])
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)-20] ^= 0xff
	writeFile(t, path, data) // in place: the same inode
	if err := os.Chtimes(path, before.ModTime(), before.ModTime()); err != nil {
		t.Fatal(err)
	}
	if after, err := os.Stat(path); err != nil || !os.SameFile(before, after) || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		t.Fatalf("the file is not as it was but for its contents: %v", err)
	}
	if _, _, err := v.Lookup("prov0001"); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("after the file was damaged in place, its time kept: %v, want ErrCorrupt", err)
	}
}

// TestKnownFilesRemovedAreLetGo: a Vault that read a provider file
// another process's saves then removed (moving its providers to files
// of new names) does not keep it open, nor what it read of it: a
// long-running explorer would hold a descriptor, and the bytes, of
// every file ever removed under it.
func TestKnownFilesRemovedAreLetGo(t *testing.T) {
	v := vaultOf(t, 3)
	other, err := OpenIdentity(v.Dir(), v.id.String())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, _, err := v.Lookup("prov0000"); err != nil {
			t.Fatal(err)
		}
		// A provider added, then removed: the one file rewritten under a
		// new name each time, the old one removed.
		name := "extra" + itoa(i)
		if err := other.PutProvider(counterProvider(name)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := v.Lookup(name); err != nil {
			t.Fatal(err)
		}
		if err := other.RemoveProvider(name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.Load(); err != nil {
		t.Fatal(err)
	}
	onDisk := map[string]bool{vaultFile: true}
	for _, f := range groupFiles(t, v.Dir()) {
		onDisk[f] = true
	}
	v.kmu.Lock()
	for name := range v.known {
		if !onDisk[name] {
			t.Errorf("%s, removed, is still held open", name)
		}
	}
	v.kmu.Unlock()
	v.cmu.Lock()
	for name := range v.cache {
		if !onDisk[name] {
			t.Errorf("%s, removed, is still cached", name)
		}
	}
	v.cmu.Unlock()
}
