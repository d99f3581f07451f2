//go:build !linux && !darwin && !freebsd

package agent

import (
	"errors"
	"net"
)

// peerUID fails: without a peer credential the agent cannot tell the
// user's processes from anyone else's, so it serves nobody.
func peerUID(*net.UnixConn) (int, error) {
	return 0, errors.New("the agent needs Linux, macOS or FreeBSD: this system cannot say who is connecting")
}

func harden() error { return nil }
