//go:build unix

package store

import (
	"io/fs"
	"os"
	"syscall"
)

// openNoFollow opens path for reading, failing on a symlink (ELOOP) and
// without blocking on a FIFO swapped in after the Lstat check.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
}

// fileOwner is the uid that owns the file fi describes.
func fileOwner(fi fs.FileInfo) (uid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}

// holdFiles says a file held open can still be replaced by a rename
// (readKnown).
const holdFiles = true
