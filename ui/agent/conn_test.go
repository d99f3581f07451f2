package agent

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// TestBadRequests: whatever a client sends, the agent answers with an
// error and no identity, and goes on serving.
func TestBadRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	serve(t, f.config(time.Hour))
	for _, line := range []string{
		`{"v":2,"op":"identity","dir":"` + f.store + `"}`,
		`{"v":1,"op":"identity","dir":"relative"}`,
		`{"v":1,"op":"identity","dir":"` + f.store + `","extra":1}`,
		`{"v":1,"op":"give-me-everything"}`,
		`not json`,
		strings.Repeat("x", maxLine+10),
	} {
		c, err := net.Dial("unix", f.socket)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := c.Write([]byte(line + "\n")); err != nil {
			t.Fatal(err)
		}
		reply, err := readLine(c)
		c.Close()
		if err != nil {
			t.Fatalf("%.40s: %v", line, err)
		}
		r, err := DecodeReply(reply)
		if err != nil || r.Error == "" || r.Identity != "" {
			t.Errorf("%.40s: reply %+v, %v; want an error and no identity", line, r, err)
		}
	}
	if id, err := Identity(context.Background(), f.socket, f.store); err != nil || id != testIdentity {
		t.Errorf("after the bad requests: %q, %v", id, err)
	}
}

// TestRefusesOtherUID: a connection from a uid the agent does not serve
// gets nothing at all, and is reported.
func TestRefusesOtherUID(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	refused := make(chan int, 1)
	cfg := f.config(time.Hour)
	cfg.Refused = func(uid int) { refused <- uid }
	serve(t, cfg, func(s *Server) { s.uid = os.Geteuid() + 1 })
	id, err := Identity(context.Background(), f.socket, f.store)
	if err == nil || id != "" || errors.Is(err, ErrNoAgent) {
		t.Fatalf("Identity from a refused uid = %q, %v; want a failed exchange", id, err)
	}
	select {
	case uid := <-refused:
		if uid != os.Geteuid() {
			t.Errorf("Refused(%d), want Refused(%d)", uid, os.Geteuid())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Refused was not called")
	}
}

// TestSilentClient: a client that connects and says nothing neither
// blocks the others nor outlives the exchange timeout. The two are
// checked on two agents: one whose timeout is far off, so the exchange
// beside the silent client has all the time a busy machine needs, and one
// whose timeout is short, with a generous wait for it to cut.
func TestSilentClient(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	serve(t, f.config(time.Hour), func(s *Server) { s.connTimeout = time.Hour })
	silent, err := net.Dial("unix", f.socket)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if id, err := Identity(context.Background(), f.socket, f.store); err != nil || id != testIdentity {
		t.Fatalf("Identity beside a silent client = %q, %v", id, err)
	}

	g := newFixture(t)
	serve(t, g.config(time.Hour), func(s *Server) { s.connTimeout = 2 * time.Second })
	cut, err := net.Dial("unix", g.socket)
	if err != nil {
		t.Fatal(err)
	}
	defer cut.Close()
	// The agent hangs up on it: EOF, long before the test's own deadline.
	_ = cut.SetReadDeadline(time.Now().Add(30 * time.Second))
	if n, err := cut.Read(make([]byte, 1)); n != 0 || !errors.Is(err, io.EOF) {
		t.Errorf("the silent client read %d bytes, %v; want EOF", n, err)
	}
}

// TestEndCutsSilentClient: the agent ends on --stop even while a client
// that says nothing holds a connection whose timeout is far off.
func TestEndCutsSilentClient(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, ended := serve(t, f.config(time.Hour), func(s *Server) { s.connTimeout = time.Hour })
	silent, err := net.Dial("unix", f.socket)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	// Make sure the agent holds the connection before it is told to stop.
	if _, err := GetStatus(context.Background(), f.socket); err != nil {
		t.Fatal(err)
	}
	if _, err := Stop(context.Background(), f.socket); err != nil {
		t.Fatal(err)
	}
	if why := waitEnd(t, ended); why != EndStopped {
		t.Errorf("ended because %q, want %q", why, EndStopped)
	}
}
