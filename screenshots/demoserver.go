//go:build ignore

// demoserver runs the demo server for the command-line screenshot that
// make.sh takes (the CLI has no --demo: it works on a real store):
//
//	go run screenshots/demoserver.go DIR COMMAND [ARG...]
//
// It starts the server that tokenscope --demo uses, writes its providers to
// DIR/demo.toml as tokenscope export writes them (and its browser-login
// providers to DIR/login.toml), and runs COMMAND with
// DEMO_URL and the variables that file names for its secrets in its
// environment (so that tokenscope import demo.toml brings them in; the
// demo's secrets are never written to disk). The server stops when
// COMMAND exits, with COMMAND's exit status.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/tokenscope/tokenscope/providers/config"
	"github.com/tokenscope/tokenscope/providers/demo"
)

func main() {
	code, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "demoserver: error: %v\n", err)
	}
	os.Exit(code)
}

func run(args []string) (int, error) {
	if len(args) < 2 {
		return 2, errors.New("usage: demoserver DIR COMMAND [ARG...]")
	}
	// An hour, so that no token expires while the commands run.
	srv, err := demo.Start(demo.Options{Lifetime: time.Hour})
	if err != nil {
		return 1, err
	}
	defer srv.Close()
	ps := srv.Providers()
	var buf bytes.Buffer
	if err := config.Write(&buf, ps); err != nil {
		return 1, fmt.Errorf("write the providers: %w", err)
	}
	if err := os.WriteFile(filepath.Join(args[0], "demo.toml"), buf.Bytes(), 0o600); err != nil {
		return 1, fmt.Errorf("write the providers: %w", err)
	}
	// The providers a person signs in to in a browser (tokenscope login).
	buf.Reset()
	if err := config.Write(&buf, srv.LoginProviders()); err != nil {
		return 1, fmt.Errorf("write the providers: %w", err)
	}
	if err := os.WriteFile(filepath.Join(args[0], "login.toml"), buf.Bytes(), 0o600); err != nil {
		return 1, fmt.Errorf("write the providers: %w", err)
	}
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "DEMO_URL="+srv.URL())
	for _, v := range config.SecretVars(ps) {
		cmd.Env = append(cmd.Env, v.Name+"="+v.Value.Reveal())
	}
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return 1, fmt.Errorf("run %s: %w", args[1], err)
	}
	return 0, nil
}
