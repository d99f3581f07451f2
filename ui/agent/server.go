package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// connTimeout bounds one client's whole exchange with the agent, so a
// client that connects and says nothing cannot hold a goroutine forever.
const connTimeout = 10 * time.Second

// Config is what an agent serves.
type Config struct {
	// Socket is the socket's path (SocketPath).
	Socket string
	// Dir is the store's directory and Identity the identity that opens
	// it. The agent hands the identity only to requests for this store.
	Dir, Identity string
	// Lifetime is how long the agent runs.
	Lifetime time.Duration
	// Refused, when set, is told about each connection refused for its
	// uid; it never sees a secret.
	Refused func(uid int)
}

// Server is a listening agent.
type Server struct {
	cfg     Config
	dirInfo fs.FileInfo
	expires time.Time
	ln      *net.UnixListener
	stop    chan struct{}
	once    sync.Once

	// uid is the only user served, and connTimeout bounds one exchange;
	// tests change them before Serve.
	uid         int
	connTimeout time.Duration

	mu    sync.Mutex
	conns map[*net.UnixConn]struct{} // open connections, cut at the end
	ended bool
}

// ErrRunning means another agent already answers on the socket.
var ErrRunning = errors.New("an agent is already running")

// Listen checks the socket's directory (creating it 0700 if missing),
// removes a stale socket no agent answers on, and listens. It refuses
// when another agent is running there.
func Listen(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Lifetime <= 0 {
		return nil, errors.New("the agent's lifetime must be positive")
	}
	di, err := os.Stat(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("the store's directory: %w", err)
	}
	if err := prepareDir(filepath.Dir(cfg.Socket)); err != nil {
		return nil, err
	}
	if err := clearStale(ctx, cfg.Socket); err != nil {
		return nil, err
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: cfg.Socket, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Socket, err)
	}
	// The directory is 0700 already: this is belt and braces, for a umask
	// that left the socket open to the group.
	if err := os.Chmod(cfg.Socket, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("chmod %s: %w", cfg.Socket, err)
	}
	return &Server{cfg: cfg, dirInfo: di, expires: time.Now().Add(cfg.Lifetime), ln: ln, stop: make(chan struct{}),
		uid: os.Geteuid(), connTimeout: connTimeout, conns: map[*net.UnixConn]struct{}{}}, nil
}

// clearStale removes the socket at path when no agent answers on it, and
// refuses when one does or when path is not a socket.
func clearStale(ctx context.Context, path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s is not a socket (%s): remove it", path, fi.Mode().Type())
	}
	r, err := call(ctx, path, Request{V: Version, Op: OpStatus})
	switch {
	case err == nil:
		return fmt.Errorf("%w on %s (pid %d, for the store in %s)", ErrRunning, path, r.PID, r.Dir)
	case !errors.Is(err, ErrNoAgent):
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove the stale socket: %w", err)
	}
	return nil
}

// Expires is when the agent's lifetime ends.
func (s *Server) Expires() time.Time { return s.expires }

// Why Serve returned.
const (
	EndLifetime  = "its lifetime ended"
	EndStopped   = "it was asked to stop"
	EndCancelled = "it was interrupted"
)

// Serve answers requests until the lifetime ends, a client asks the agent
// to stop, or ctx is done; then it closes the socket, which removes it,
// and says which of the three ended it.
func (s *Server) Serve(ctx context.Context) (string, error) {
	why := make(chan string, 1)
	go func() {
		why <- s.wait(ctx)
		s.ln.Close()
		s.cut()
	}()
	var wg sync.WaitGroup
	var err error
	for {
		c, aerr := s.ln.AcceptUnix()
		if aerr != nil {
			if errors.Is(aerr, net.ErrClosed) {
				break
			}
			if transient(aerr) {
				// Out of descriptors, or a client that gave up: wait
				// for the others to finish rather than end the agent.
				time.Sleep(50 * time.Millisecond)
				continue
			}
			err = fmt.Errorf("accept: %w", aerr)
			s.stopNow()
			break
		}
		if !s.track(c) {
			c.Close()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.untrack(c)
			s.handle(c)
		}()
	}
	wg.Wait()
	return <-why, err
}

// transient tells the accept errors that pass from those that end the
// agent.
func transient(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EINTR)
}

// track records an open connection, unless the agent is ending.
func (s *Server) track(c *net.UnixConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c *net.UnixConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// setDeadline bounds c's exchange by connTimeout, or ends it now when
// the agent is ending; under the lock, so that cut is never undone.
func (s *Server) setDeadline(c *net.UnixConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := time.Now().Add(s.connTimeout)
	if s.ended {
		d = time.Now()
	}
	_ = c.SetDeadline(d)
}

// cut ends every open exchange at once: a client that connected and says
// nothing does not keep the agent, and the identity, alive past its end.
func (s *Server) cut() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended = true
	for c := range s.conns {
		_ = c.SetDeadline(time.Now())
	}
}

// lifetimeCheck is how often the agent looks at the wall clock.
const lifetimeCheck = time.Minute

// wait returns when the agent must end, and why. The lifetime is kept by
// the wall clock, looked at every lifetimeCheck: Go's timers follow the
// monotonic clock, which stands still while the machine sleeps, and an
// 8-hour agent on a laptop closed overnight must not wake up still
// serving.
func (s *Server) wait(ctx context.Context) string {
	end := s.expires.Round(0) // no monotonic reading: compared by the wall clock
	for {
		left := time.Until(end)
		if left <= 0 {
			return EndLifetime
		}
		timer := time.NewTimer(min(left, lifetimeCheck))
		select {
		case <-timer.C:
		case <-s.stop:
			timer.Stop()
			return EndStopped
		case <-ctx.Done():
			timer.Stop()
			return EndCancelled
		}
	}
}

func (s *Server) stopNow() { s.once.Do(func() { close(s.stop) }) }

// handle answers one connection: one request, one reply.
func (s *Server) handle(c *net.UnixConn) {
	defer c.Close()
	uid, err := peerUID(c)
	if err != nil || uid != s.uid {
		if err == nil && s.cfg.Refused != nil {
			s.cfg.Refused(uid)
		}
		return // nothing at all for a stranger
	}
	s.setDeadline(c)
	line, err := readLine(c)
	var rep Reply
	var req Request
	if err == nil {
		req, err = DecodeRequest(line)
	}
	if err != nil {
		rep = Reply{V: Version, Error: err.Error()}
	} else {
		rep = s.answer(req)
	}
	data, _ := json.Marshal(rep)
	_, _ = c.Write(append(data, '\n'))
	if err == nil && req.Op == OpStop {
		s.stopNow()
	}
}

// answer is the reply to a well-formed request.
func (s *Server) answer(req Request) Reply {
	rep := Reply{V: Version, Dir: s.cfg.Dir, PID: os.Getpid(), Expires: s.expires}
	if req.Op == OpIdentity {
		// The same directory by identity, not by spelling: a symlinked
		// TOKENSCOPE_HOME is the same store.
		if fi, err := os.Stat(req.Dir); err == nil && os.SameFile(fi, s.dirInfo) {
			rep.Identity = s.cfg.Identity
		}
	}
	return rep
}

// readLine reads one line of at most maxLine bytes, without its newline.
func readLine(c io.Reader) ([]byte, error) {
	br := bufio.NewReaderSize(c, 4096)
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > maxLine {
			return nil, errors.New("line too long")
		}
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return nil, fmt.Errorf("read: %w", err)
		}
	}
}

// Harden makes the calling process harder for other processes of the
// same user to read: on Linux it is no longer dumpable (no core file, no
// ptrace without privilege). Call it before the identity is in memory.
func Harden() error { return harden() }
