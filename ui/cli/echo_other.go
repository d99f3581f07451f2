//go:build !(aix || darwin || dragonfly || freebsd || linux || netbsd || openbsd || solaris || zos)

package cli

// echoOff does nothing here: term.ReadPassword turns the echo off itself
// (on Windows, the console's ENABLE_ECHO_INPUT).
func echoOff(int) error { return nil }
