package cli

import (
	"fmt"
	"runtime/debug"
)

// BuildInfo is the version, commit and build date. main sets them with
// -ldflags; when it does not (go install …@latest), they come from the
// module and VCS build information.
type BuildInfo struct {
	Version, Commit, Date string
}

// Resolve fills empty fields from the binary's build information.
func (b BuildInfo) Resolve() BuildInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if b.Version == "" || b.Version == "dev" {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			b.Version = v
		}
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.Commit == "" {
				b.Commit = s.Value
				if len(b.Commit) > 12 {
					b.Commit = b.Commit[:12]
				}
			}
		case "vcs.time":
			if b.Date == "" {
				b.Date = s.Value
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}

func (b BuildInfo) String() string {
	s := "mystatus " + b.Version
	if b.Commit != "" {
		s += fmt.Sprintf(" (commit %s", b.Commit)
		if b.Date != "" {
			s += ", built " + b.Date
		}
		s += ")"
	} else if b.Date != "" {
		s += " (built " + b.Date + ")"
	}
	return s
}
