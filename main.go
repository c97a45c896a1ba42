// Command mystatus reports how much of each AI coding plan you have left.
// See README.md; `mystatus --help` lists the commands and flags.
package main

import (
	"context"
	"log"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/mystatus/mystatus/lib/cli"
)

// Set with -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var version, commit, date string

func main() { os.Exit(run()) }

func run() int {
	// stdout belongs to the report or, in serve mode, to the protocol:
	// stray log output goes to stderr.
	log.SetOutput(os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Keep the real stdout for the report or the protocol, and point
	// os.Stdout at stderr so a stray print cannot corrupt a JSON-RPC stream.
	out := os.Stdout
	os.Stdout = os.Stderr
	return cli.Main(ctx, cli.Env{
		Args:       os.Args[1:],
		Stdin:      os.Stdin,
		Stdout:     out,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		IsTerminal: term.IsTerminal(int(out.Fd())),
		Version:    cli.BuildInfo{Version: version, Commit: commit, Date: date}.Resolve(),
	})
}
