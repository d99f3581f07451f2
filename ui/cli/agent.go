package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/tokenscope/tokenscope/providers/display"
	"github.com/tokenscope/tokenscope/store"
	"github.com/tokenscope/tokenscope/ui/agent"
)

// defaultAgentLifetime is how long an agent runs unless told otherwise: a
// working day, as oidc-agent and most ssh-agent setups choose.
const defaultAgentLifetime = "8h"

// agentDoc is what tokenscope agent --help says.
const agentDoc = "Unlocks the store once and keeps its key in memory, serving the other tokenscope\n" +
	"commands of the same user over a unix socket in $XDG_RUNTIME_DIR/tokenscope (or\n" +
	"tokenscope-UID in the temporary directory), so that they need no passphrase and pay\n" +
	"no KDF. It runs in the foreground until its lifetime ends, tokenscope agent --stop,\n" +
	"Ctrl-C, SIGTERM or the hangup of its terminal, then removes its socket. Run it in a\n" +
	"terminal of its own, or type the passphrase, then Ctrl-Z and bg. The key unlocks as\n" +
	"for any command: TOKENSCOPE_IDENTITY, TOKENSCOPE_PASSPHRASE (for scripts; the\n" +
	"kernel keeps a process's first environment while it runs, so prefer the prompt), or\n" +
	"the prompt. Any process of the same user can get the key from the agent while it\n" +
	"runs, as it could from TOKENSCOPE_IDENTITY: stop it when you are done."

// cmdAgent is "tokenscope agent [--lifetime DURATION] | --status | --stop".
func (a *app) cmdAgent(ctx context.Context, cmd command, args []string) error {
	fs := newFlagSet(cmd.name)
	lifetime := fs.String("lifetime", defaultAgentLifetime, "how long the agent runs, a `DURATION` such as 8h or 30m")
	status := fs.Bool("status", false, "say whether an agent is running, for which store, until when (exit 1 when none)")
	stop := fs.Bool("stop", false, "stop the running agent")
	if _, err := a.parse(cmd, fs, args, 0, 0); err != nil {
		return err
	}
	life, err := time.ParseDuration(*lifetime)
	if err != nil || life < time.Second {
		return &usageError{cmd: cmd.name, msg: fmt.Sprintf("--lifetime %s is not a duration of a second or more, such as 8h or 30m", quote(*lifetime))}
	}
	if *status && *stop {
		return &usageError{cmd: cmd.name, msg: "--status and --stop cannot be used together"}
	}
	socket, err := agent.SocketPath(a.getenv)
	if err != nil {
		return err
	}
	switch {
	case *status:
		return a.agentStatus(ctx, socket)
	case *stop:
		return a.agentStop(ctx, socket)
	}
	return a.runAgent(ctx, socket, life)
}

// agentStatus is tokenscope agent --status.
func (a *app) agentStatus(ctx context.Context, socket string) error {
	st, err := agent.GetStatus(ctx, socket)
	if errors.Is(err, agent.ErrNoAgent) {
		return withHint(fmt.Errorf("no agent is running on %s", socket), "start one with tokenscope agent")
	}
	if err != nil {
		return err
	}
	a.printf("an agent (pid %d) holds the store in %s, on %s", st.PID, st.Dir, socket)
	a.printf("it stops at %s, %s", display.Time(st.Expires), display.Relative(time.Now(), st.Expires))
	return nil
}

// agentStop is tokenscope agent --stop. With no agent running there is
// nothing to do, which is not a failure: the user wanted none running.
func (a *app) agentStop(ctx context.Context, socket string) error {
	st, err := agent.Stop(ctx, socket)
	if errors.Is(err, agent.ErrNoAgent) {
		a.printf("no agent was running: nothing to do")
		return nil
	}
	if err != nil {
		return err
	}
	a.printf("stopped the agent (pid %d) of the store in %s", st.PID, st.Dir)
	return nil
}

// runAgent unlocks the store and serves it until the agent's end.
func (a *app) runAgent(ctx context.Context, socket string, life time.Duration) error {
	dir, err := a.storeDir()
	if err != nil {
		return err
	}
	if !store.Exists(dir) {
		return notInitialised(dir)
	}
	// Before asking for a passphrase: an agent already there makes it moot.
	if st, err := agent.GetStatus(ctx, socket); err == nil {
		return withHint(fmt.Errorf("an agent (pid %d) is already running on %s, for the store in %s", st.PID, socket, st.Dir),
			"use it, or stop it first with tokenscope agent --stop")
	}
	if err := agent.Harden(); err != nil {
		return fmt.Errorf("agent: protect its memory: %w", err)
	}
	id, err := a.agentIdentity(ctx, dir)
	if err != nil {
		return err
	}
	// The agent starts no program, and Harden has put /proc/PID/environ
	// out of reach of the user's other processes; the secret still leaves
	// the environment Go keeps, so that nothing read from it later (a
	// child, were one added) finds it for hours. The copy the kernel shows
	// as the initial environment cannot be wiped from here.
	for _, name := range []string{"TOKENSCOPE_IDENTITY", "TOKENSCOPE_PASSPHRASE"} {
		if a.getenv(name) != "" && a.hooks.unsetenv != nil {
			if err := a.hooks.unsetenv(name); err != nil {
				return fmt.Errorf("remove %s from the environment: %w", name, err)
			}
		}
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	srv, err := agent.Listen(ctx, agent.Config{Socket: socket, Dir: dir, Identity: id, Lifetime: life,
		Refused: func(uid int) { a.warnf("refused a connection from user %d", uid) }})
	if err != nil {
		switch {
		case errors.Is(err, agent.ErrUnsafe):
			return withHint(err, "the agent only uses a directory of your own that nobody else can enter")
		case errors.Is(err, agent.ErrRunning):
			return withHint(err, "use it, or stop it first with tokenscope agent --stop")
		}
		return err
	}
	a.printf("agent (pid %d) serving the store in %s on %s", os.Getpid(), dir, socket)
	a.printf("it stops at %s (%s), or with tokenscope agent --stop", display.Time(srv.Expires()), display.Relative(time.Now(), srv.Expires()))
	why, err := srv.Serve(ctx)
	a.printf("agent stopped: %s", why)
	return err
}
