//go:build darwin || freebsd || netbsd

package store

import (
	"io/fs"
	"syscall"
)

// sameChange reports whether a and b, of one file, have the same change
// time (st_ctimespec): any write, chmod or chown sets it, and nobody can
// set it back.
func sameChange(a, b fs.FileInfo) bool {
	sa, ok := a.Sys().(*syscall.Stat_t)
	sb, okb := b.Sys().(*syscall.Stat_t)
	return ok && okb && sa.Ctimespec == sb.Ctimespec
}
