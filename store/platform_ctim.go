//go:build linux || openbsd || dragonfly || solaris || aix

package store

import (
	"io/fs"
	"syscall"
)

// sameChange reports whether a and b, of one file, have the same change
// time (st_ctim): any write, chmod or chown sets it, and nobody can set
// it back.
func sameChange(a, b fs.FileInfo) bool {
	sa, ok := a.Sys().(*syscall.Stat_t)
	sb, okb := b.Sys().(*syscall.Stat_t)
	return ok && okb && sa.Ctim == sb.Ctim
}
