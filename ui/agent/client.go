package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// callTimeout bounds a client's exchange with an agent that accepted the
// connection but does not answer (stopped with SIGSTOP, swapping): the
// command then goes on without it. A stale socket with no agent behind it
// fails at once (ECONNREFUSED) and costs nothing. Ten seconds, as the
// agent gives a client: an answer from memory that a busy machine delays
// is still an answer.
const callTimeout = 10 * time.Second

// Identity asks the agent on socket for the identity of the store in dir.
// It returns ErrNoAgent when no agent answers, ErrOtherStore when the
// agent holds another store, and an error wrapping ErrUnsafe when the
// socket's directory is not the user's own.
func Identity(ctx context.Context, socket, dir string) (string, error) {
	r, err := call(ctx, socket, Request{V: Version, Op: OpIdentity, Dir: dir})
	if err != nil {
		return "", err
	}
	if r.Identity == "" {
		return "", fmt.Errorf("%w (%s)", ErrOtherStore, r.Dir)
	}
	return r.Identity, nil
}

// Status is what a running agent says about itself.
type Status struct {
	Dir     string    // the store it holds
	PID     int       // its process
	Expires time.Time // when its lifetime ends
}

// GetStatus asks the agent on socket about itself: ErrNoAgent when none
// answers.
func GetStatus(ctx context.Context, socket string) (Status, error) {
	r, err := call(ctx, socket, Request{V: Version, Op: OpStatus})
	if err != nil {
		return Status{}, err
	}
	return Status{Dir: r.Dir, PID: r.PID, Expires: r.Expires}, nil
}

// Stop asks the agent on socket to end now, and returns what it was:
// ErrNoAgent when none answers.
func Stop(ctx context.Context, socket string) (Status, error) {
	r, err := call(ctx, socket, Request{V: Version, Op: OpStop})
	if err != nil {
		return Status{}, err
	}
	return Status{Dir: r.Dir, PID: r.PID, Expires: r.Expires}, nil
}

// call sends one request and reads its reply.
func call(ctx context.Context, socket string, req Request) (Reply, error) {
	if err := checkDir(filepath.Dir(socket)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Reply{}, ErrNoAgent
		}
		return Reply{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, fs.ErrNotExist) {
			return Reply{}, ErrNoAgent
		}
		return Reply{}, fmt.Errorf("connect to the agent: %w", err)
	}
	defer c.Close()
	uc := c.(*net.UnixConn)
	// The agent must be ours too: a socket another user managed to put in
	// our directory could hand us an identity of theirs.
	if uid, err := peerUID(uc); err != nil || uid != os.Geteuid() {
		if err != nil {
			return Reply{}, fmt.Errorf("the agent's socket: %w", err)
		}
		return Reply{}, fmt.Errorf("%w: the process on %s runs as user %d, not as you (%d)", ErrUnsafe, socket, uid, os.Geteuid())
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	data, err := json.Marshal(req)
	if err != nil {
		return Reply{}, err
	}
	if _, err := c.Write(append(data, '\n')); err != nil {
		return Reply{}, fmt.Errorf("talk to the agent: %w", err)
	}
	line, err := readLine(c)
	if err != nil {
		if ctx.Err() != nil {
			return Reply{}, fmt.Errorf("the agent on %s did not answer within %s", socket, callTimeout)
		}
		return Reply{}, fmt.Errorf("talk to the agent: %w", err)
	}
	r, err := DecodeReply(line)
	if err != nil {
		return Reply{}, err
	}
	if r.Error != "" {
		return Reply{}, fmt.Errorf("the agent refused: %s", r.Error)
	}
	return r, nil
}
