package cli

import (
	"context"
	"errors"
)

// startDemo points the app at built-in fake platforms.
func (a *App) startDemo(ctx context.Context) (func(), error) {
	return nil, errors.New("demo not available yet")
}
