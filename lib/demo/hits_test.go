package demo

import "maps"

// Test support: what the fake server saw.

// Hits returns how many requests each route received, keyed by the
// platform's mount and the route pattern its handler matched
// ("/<id> GET /path"); requests that matched no route are counted under
// [Unmatched].
func (e *Env) Hits() map[string]int {
	e.srv.mu.Lock()
	defer e.srv.mu.Unlock()
	return maps.Clone(e.srv.count)
}

// Mounts lists where the platforms' handlers are served ("/<id>").
func (e *Env) Mounts() []string { return e.srv.mounts }
