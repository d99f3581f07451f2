package store

import (
	"os"
	"path/filepath"
)

// newPending is renameio's PendingFile for Windows, where renameio offers
// none: a temp file in dir, named like renameio's so an open removes it
// after a crash, fsynced and renamed over path (MoveFileEx replaces the
// target in one step on NTFS).
func newPending(dir, path string) (pending, error) {
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+"*")
	if err != nil {
		return nil, err
	}
	return &winPending{File: f, path: path}, nil
}

type winPending struct {
	*os.File
	path string
	done bool
}

func (p *winPending) CloseAtomicallyReplace() error {
	if err := p.Sync(); err != nil {
		return err
	}
	if err := p.Close(); err != nil {
		return err
	}
	if err := os.Rename(p.Name(), p.path); err != nil {
		return err
	}
	p.done = true
	return nil
}

func (p *winPending) Cleanup() error {
	if p.done {
		return nil
	}
	p.Close()
	return os.Remove(p.Name())
}
