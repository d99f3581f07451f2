// Command tokenscope is a terminal OAuth 2.0 credential explorer: it gets,
// caches, decodes and debugs the tokens of the providers it knows, from
// the command line or in its explorer.
package main

import (
	"os"

	"github.com/tokenscope/tokenscope/ui/cli"
)

// version is the release version, set at link time:
//
//	go build -ldflags "-X main.version=v1.2.3"
//
// Empty means the module version from the build information.
var version string

func main() {
	os.Exit(cli.MainVersion(version, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
