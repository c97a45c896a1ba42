package demo

import "maps"

// Test support: what the fake server saw.

// Hits returns how many requests each route received, by route pattern;
// requests that matched no route are counted under [Unmatched].
func (e *Env) Hits() map[string]int {
	e.srv.mu.Lock()
	defer e.srv.mu.Unlock()
	return maps.Clone(e.srv.count)
}

// Routes lists the route patterns the fake server answers.
func (e *Env) Routes() []string { return e.srv.routes }
