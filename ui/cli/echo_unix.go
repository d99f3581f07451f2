//go:build aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos

package cli

import "golang.org/x/sys/unix"

// echoOff stops the terminal on fd echoing what is typed, leaving the
// rest of its settings (line editing, signals) as they are.
func echoOff(fd int) error {
	t, err := unix.IoctlGetTermios(fd, ioctlReadTermios)
	if err != nil {
		return err
	}
	t.Lflag &^= unix.ECHO
	return unix.IoctlSetTermios(fd, ioctlWriteTermios, t)
}
