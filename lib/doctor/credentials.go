package doctor

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/quota"
)

// readers maps every credential source of every platform to the
// platforms reading it, in platform order.
func readers(infos []quota.Info) map[string][]quota.PlatformID {
	out := map[string][]quota.PlatformID{}
	for _, info := range infos {
		for _, s := range info.Sources {
			if !slices.Contains(out[s.Path], info.ID) {
				out[s.Path] = append(out[s.Path], info.ID)
			}
		}
	}
	return out
}

// credentials checks, platform by platform, each source not checked yet,
// then lets the platform diagnose what its credentials hold; last it warns
// when nothing is configured.
func (r *run) credentials(ctx context.Context) {
	var infos []quota.Info
	configured := false
	for _, p := range r.opts.Providers {
		info := p.Info()
		infos = append(infos, info)
		configured = configured || info.Configured
	}
	by := readers(infos)
	for i, p := range r.opts.Providers {
		for _, s := range infos[i].Sources {
			if _, done := r.files[s.Path]; done {
				continue
			}
			var only quota.PlatformID // a shared source belongs to no one platform
			if ids := by[s.Path]; len(ids) == 1 {
				only = ids[0]
			}
			r.source(s.Path, only)
		}
		if d, ok := p.(provider.Diagnoser); ok {
			d.Diagnose(ctx, &checkup{r: r, p: p.ID()})
		}
	}
	if !configured {
		r.findings = append(r.findings, Finding{Severity: Warn, Check: CheckPlatforms,
			Title:   r.t("doctor.none.title", nil),
			Meaning: r.t("doctor.none.meaning", nil),
			Steps:   explain.Lines(r.t("doctor.none.steps", r.pathData())),
		})
	}
}

// pathData names the files every platform's fix steps point at, and the
// platforms OpenCode's login writes (AuthPlatforms, localized names).
func (r *run) pathData() map[string]any {
	d := explain.FixData(r.descriptions)
	d["AuthPath"] = r.opts.Deps.Auth.Paths.OpenCodeAuth()
	var names []string
	for _, desc := range r.descriptions {
		if len(desc.AuthKeys) > 0 {
			names = append(names, explain.PlatformName(r.opts.Loc, desc.ID))
		}
	}
	d["AuthPlatforms"] = strings.Join(names, r.t("list.separator", nil))
	return d
}

// source checks one credential source. A directory is left to its
// platform's Diagnose: only the platform knows which of its files count.
func (r *run) source(path string, p quota.PlatformID) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		r.files[path] = nil
		return
	}
	r.file(path, p)
}

// file checks that path exists, is readable and valid JSON, and is not
// readable by other users. It returns the file when its content is worth
// checking further, and remembers the answer for [checkup.File].
func (r *run) file(path string, p quota.PlatformID) *auth.File {
	f, err := r.opts.Deps.Auth.Read(path)
	switch {
	case auth.IsMissing(err):
		r.ok(CheckFile, p, "", path, r.t("doctor.file.absent", map[string]any{"Path": path}))
		f = nil
	case err != nil:
		r.problem(Error, CheckFile, p, "", err)
		f = nil
	default:
		r.ok(CheckFile, p, "", path, r.t("doctor.file.ok", map[string]any{"Path": path}))
		r.permissions(f, p)
	}
	r.files[path] = f
	return f
}

// permissions warns about a credential file other users can read.
func (r *run) permissions(f *auth.File, p quota.PlatformID) {
	if r.opts.Deps.Auth.Paths.GOOS == "windows" || f.Mode.Perm()&0o077 == 0 {
		return
	}
	data := map[string]any{"Path": f.Path, "Mode": fmt.Sprintf("%04o", f.Mode.Perm())}
	r.findings = append(r.findings, Finding{Severity: Warn, Check: CheckPermissions, Platform: p, Path: f.Path,
		Title:   r.t("doctor.perm.title", data),
		Meaning: r.t("doctor.perm.meaning", data),
		Steps:   explain.Lines(r.t("doctor.perm.steps", data)),
	})
}

// checkup is what one platform's Diagnose sees of the run: every finding
// it records is about that platform.
type checkup struct {
	r *run
	p quota.PlatformID
}

var _ provider.Checkup = (*checkup)(nil)

// File returns the file at path as the source checks read it. A path the
// platform found itself (a file of a directory source) gets the same
// checks now: exists, readable, JSON, permissions.
func (c *checkup) File(path string) *auth.File {
	if f, done := c.r.files[path]; done {
		return f
	}
	return c.r.file(path, c.p)
}

func (c *checkup) OK(check, account, path, title string) { c.r.ok(check, c.p, account, path, title) }

func (c *checkup) Problem(sev provider.Severity, check, account string, err error) {
	c.r.problem(sev, check, c.p, account, err)
}

func (c *checkup) Reported(k quota.Kind, path string) bool { return c.r.seen(k, path) }

func (c *checkup) T(id string, data map[string]any) string { return c.r.t(id, data) }

func (c *checkup) When(t time.Time) string { return explain.DateTime(c.r.opts.Loc, t, c.r.now()) }

func (c *checkup) In(d time.Duration) string { return explain.Duration(c.r.opts.Loc, d) }

func (c *checkup) Now() time.Time { return c.r.now() }

func (c *checkup) Deps() provider.Deps { return c.r.opts.Deps }
