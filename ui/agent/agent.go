// Package agent keeps an unlocked store's identity in memory and hands it
// to the user's other tokenscope processes over a unix socket, in the
// manner of ssh-agent and oidc-agent, so that a script pays the passphrase
// KDF (about 1.7 s) once instead of on every command.
//
// The socket is agent.sock in a directory of its own,
// $XDG_RUNTIME_DIR/tokenscope, or tokenscope-UID under os.TempDir() when
// XDG_RUNTIME_DIR is unset (a login without systemd, macOS). Either way the
// directory must be a real directory owned by the user and closed to group
// and others (0700), and is refused otherwise: in a shared /tmp another
// user could have created it first to watch or replace the socket. The
// socket itself is 0600, and both ends check the other's uid with
// SO_PEERCRED (LOCAL_PEERCRED on the BSDs): a peer of another uid is
// refused even where the file permissions would let it in.
//
// What the agent hands out is the identity itself (AGE-SECRET-KEY-1…), to
// processes of the same uid only, for the store it was unlocked for; the
// CLI then opens the store with it, as TOKENSCOPE_IDENTITY does, and every
// command works through the agent, the explorer included. The stronger
// design, an agent that does the token work itself and hands out only
// access tokens, would keep the key from a compromised process of the
// same user for longer than the agent runs; it was not chosen because
// every command that changes the store would still need the passphrase,
// and because a process running as the user can already read the agent's
// memory (where ptrace is allowed) or wait for the passphrase to be typed.
// The agent marks itself not dumpable (no core dumps, no ptrace by the
// same uid without privilege), never writes the identity anywhere and
// never puts it in an error.
//
// The protocol is one JSON object per line each way, one request per
// connection, with a version number: a request {"v":1,"op":"identity",
// "dir":DIR}, {"v":1,"op":"status"} or {"v":1,"op":"stop"}, and a Reply.
package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Version is the protocol version both ends speak.
const Version = 1

// The operations a Request asks for.
const (
	OpIdentity = "identity" // the identity, when Dir is the agent's store
	OpStatus   = "status"   // the agent's store, pid and expiry
	OpStop     = "stop"     // end the agent now
)

// maxLine bounds a request or reply line; an identity is 74 bytes and a
// directory at most PATH_MAX.
const maxLine = 16 << 10

// Request is what a client sends, as one JSON line.
type Request struct {
	V   int    `json:"v"`
	Op  string `json:"op"`
	Dir string `json:"dir,omitempty"`
}

// Reply is the agent's answer, as one JSON line. Error is set when the
// request was refused; it never holds a secret.
type Reply struct {
	V        int       `json:"v"`
	Error    string    `json:"error,omitempty"`
	Identity string    `json:"identity,omitempty"`
	Dir      string    `json:"dir,omitempty"`
	PID      int       `json:"pid,omitempty"`
	Expires  time.Time `json:"expires,omitzero"`
}

// ErrNoAgent means no agent answers on the socket: there is none, or its
// socket is stale (the agent was killed). Callers fall through to the next
// way of unlocking.
var ErrNoAgent = errors.New("no agent is running")

// ErrOtherStore means the agent holds the identity of another store.
var ErrOtherStore = errors.New("the agent holds another store")

// ErrUnsafe means the socket's directory is not the user's own private
// directory, and was not used.
var ErrUnsafe = errors.New("unsafe agent directory")

// SocketPath is where the agent's socket lives for this user:
// $XDG_RUNTIME_DIR/tokenscope/agent.sock, else
// os.TempDir()/tokenscope-UID/agent.sock. Nothing is created or checked.
func SocketPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_RUNTIME_DIR"); d != "" {
		if !filepath.IsAbs(d) {
			return "", fmt.Errorf("XDG_RUNTIME_DIR is %q, not an absolute path", d)
		}
		return filepath.Join(d, "tokenscope", "agent.sock"), nil
	}
	tmp := getenv("TMPDIR")
	if tmp == "" || !filepath.IsAbs(tmp) {
		tmp = os.TempDir()
	}
	return filepath.Join(tmp, "tokenscope-"+strconv.Itoa(os.Geteuid()), "agent.sock"), nil
}

// DecodeRequest parses one request line, refusing unknown fields, other
// versions and unknown operations.
func DecodeRequest(line []byte) (Request, error) {
	var r Request
	if err := strictDecode(line, &r); err != nil {
		return Request{}, fmt.Errorf("bad request: %w", err)
	}
	if r.V != Version {
		return Request{}, fmt.Errorf("protocol version %d, this agent speaks %d", r.V, Version)
	}
	switch r.Op {
	case OpIdentity:
		if !filepath.IsAbs(r.Dir) {
			return Request{}, errors.New("bad request: identity needs an absolute dir")
		}
	case OpStatus, OpStop:
	default:
		return Request{}, fmt.Errorf("unknown operation %q", r.Op)
	}
	return r, nil
}

// DecodeReply parses one reply line. A reply of another version is
// refused: the agent is from another build of tokenscope.
func DecodeReply(line []byte) (Reply, error) {
	var r Reply
	if err := strictDecode(line, &r); err != nil {
		return Reply{}, fmt.Errorf("bad reply from the agent: %w", err)
	}
	if r.V != Version {
		return Reply{}, fmt.Errorf("the agent speaks protocol version %d, this tokenscope %d: stop it (tokenscope agent --stop) and start it again", r.V, Version)
	}
	return r, nil
}

func strictDecode(line []byte, v any) error {
	if len(line) > maxLine {
		return errors.New("line too long")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New("not a JSON object of the protocol") // the line may hold an identity: not quoted
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}
