package main

import (
	"context"

	"github.com/mystatus/mystatus/lib/cli"
)

// serve runs the plugin host on stdin/stdout.
func serve(ctx context.Context, app *cli.App, args []string) int {
	return cli.ExitUsage
}
