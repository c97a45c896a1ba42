package cli

import (
	"context"

	"github.com/mystatus/mystatus/lib/demo"
	"github.com/mystatus/mystatus/lib/provider/all"
	"github.com/mystatus/mystatus/lib/report"
)

// startDemo points the app at built-in fake platforms: a loopback server
// and a temporary HOME of fake credentials. The real environment and
// config file are ignored, so the demo can neither reach a real platform
// nor read the user's files; a.Paths stays the user's, so fix steps name
// the user's real files rather than the temporary ones. The returned func
// stops the demo and removes its files.
func (a *App) startDemo(ctx context.Context) (func(), error) {
	env, err := demo.Start(ctx, a.Env.Now())
	if err != nil {
		return nil, err
	}
	a.Deps = env.Deps(a.Deps)
	a.Settings = a.Deps.Settings
	a.Service = &report.Service{
		Providers:   all.Providers(a.Deps),
		Timeout:     a.Service.Timeout,
		MaxInFlight: a.Service.MaxInFlight,
		Now:         a.Service.Now,
		Demo:        true,
	}
	return env.Close, nil
}
