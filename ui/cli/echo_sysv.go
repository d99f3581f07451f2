//go:build aix || linux || solaris || zos

package cli

import "golang.org/x/sys/unix"

// The requests that read and set a terminal's settings, as golang.org/x/term
// names them.
const (
	ioctlReadTermios  = unix.TCGETS
	ioctlWriteTermios = unix.TCSETS
)
