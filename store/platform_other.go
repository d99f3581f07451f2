//go:build !linux

package store

import "os"

// openNoFollow opens path for reading; readSafe's Lstat and the check on
// the open descriptor stand in for O_NOFOLLOW here.
func openNoFollow(path string) (*os.File, error) { return os.Open(path) }

// holder cannot name the process holding the lock on this system.
func holder(string) string { return "another process" }
