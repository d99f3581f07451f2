package cli

import (
	"context"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tokenscope/tokenscope/ui/agent"
)

// cmdWaitAgent waits for the agent a script started in the background to
// answer on its socket (XDG_RUNTIME_DIR is the script's own):
//
//	waitagent
//
// The wait is generous: a busy machine may take seconds to start a process.
func cmdWaitAgent(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: waitagent")
	}
	socket, err := agent.SocketPath(ts.Getenv)
	ts.Check(err)
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, err := agent.GetStatus(context.Background(), socket)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("no agent answered on %s within 60s: %v", socket, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
