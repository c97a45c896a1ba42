package antigravity

import (
	"cmp"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/httpx"
	"github.com/mystatus/mystatus/lib/provider/google"
	"github.com/mystatus/mystatus/lib/quota"
)

// Account sources, recorded on quota.Account.Source.
const (
	sourceOpenCode = "opencode"
	sourceManager  = "antigravity-manager"
)

// accountsFile is the OpenCode Antigravity auth plugin's file name.
const accountsFile = "antigravity-accounts.json"

// reparseDelay is how long to wait before re-reading an Antigravity-Manager
// file that failed to parse: the app rewrites some files in place.
const reparseDelay = 50 * time.Millisecond

// tokenSkew is how long before its expiry an access token stops being used.
const tokenSkew = google.TokenSkew

// cred is what Fetch needs for one account (Target.Data). It holds
// secrets and never reaches output.
type cred struct {
	email   string
	refresh string
	access  string
	expiry  time.Time
	project string // "" until loadCodeAssist resolves it
	// clientKey is Antigravity-Manager's token.oauth_client_key: the OAuth
	// client that minted the refresh token ("" for Antigravity's).
	clientKey string
	source    string
	path      string // the credential file, for the steps of an error about it
	facts     []quota.Fact
}

// accessValid reports whether the stored access token can be used as is.
func (c *cred) accessValid(now time.Time) bool {
	return c.access != "" && c.expiry.After(now.Add(tokenSkew))
}

// ocPaths lists every documented antigravity-accounts.json location, in
// probing order, without duplicates.
func (p *Provider) ocPaths() []string {
	ps := p.d.Auth.Paths
	var out []string
	for _, dir := range []string{ps.XDGConfig, ps.XDGData, ps.AppData} {
		if dir == "" {
			continue
		}
		path := filepath.Join(dir, "opencode", accountsFile)
		if !slices.Contains(out, path) {
			out = append(out, path)
		}
	}
	return out
}

// amDir is Antigravity-Manager's per-account directory ("" when unknown).
func (p *Provider) amDir() string {
	if d := p.managerData(); d != "" {
		return filepath.Join(d, "accounts")
	}
	return ""
}

// managerData is Antigravity-Manager's data directory: $ABV_DATA_DIR when
// set (as Antigravity-Manager itself reads it), else ~/.antigravity_tools;
// "" without a home.
func (p *Provider) managerData() string {
	if g := p.d.Settings.Getenv; g != nil {
		if v := strings.TrimSpace(g("ABV_DATA_DIR")); v != "" {
			return v
		}
	}
	if p.d.Auth.Paths.Home == "" {
		return ""
	}
	return filepath.Join(p.d.Auth.Paths.Home, ".antigravity_tools")
}

// amFiles lists the account files of dir, skipping the app's temporary
// and corrupt-backup debris. A missing directory has no files.
func amFiles(dir string) ([]string, error) {
	if dir == "" {
		return nil, nil
	}
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &quota.Error{Kind: quota.KindFileUnreadable, Path: dir, Err: err}
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".json") || strings.Contains(n, ".tmp.") || strings.Contains(n, ".corrupt-") {
			continue
		}
		out = append(out, filepath.Join(dir, n))
	}
	return out, nil
}

// candidate is a discovered target with its preference when the same
// e-mail appears in several places.
type candidate struct {
	email string // lower-cased; "" for entries without one
	t     quota.Target
	rank  int
}

// Discover lists the accounts of both stores, one target per e-mail,
// sorted by e-mail. It does not touch the network.
func (p *Provider) Discover(ctx context.Context) ([]quota.Target, error) {
	oc, ocBad, ocFound := p.openCode()
	am, amBad, amFound := p.manager(ctx, p.d.Clock())
	found := cmp.Or(ocFound, amFound)
	if found == "" {
		return nil, quota.ErrNotConfigured
	}
	out := merge(append(oc, am...))
	fileErrs := append(ocBad, amBad...)
	// An unusable file is the platform's failure only when there is
	// nothing else to show.
	if len(out) == 0 && len(fileErrs) > 0 {
		return nil, fileErrs[0].Err
	}
	out = append(out, fileErrs...)
	if len(out) == 0 {
		return nil, &quota.Error{Kind: quota.KindNoAccounts, Path: found}
	}
	slices.SortStableFunc(out, func(a, b quota.Target) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out, nil
}

// openCode reads every antigravity-accounts.json: the accounts, the files
// that could not be used, and the first file that exists.
func (p *Provider) openCode() (cands []candidate, bad []quota.Target, found string) {
	for _, path := range p.ocPaths() {
		f, err := p.d.Auth.Read(path)
		if auth.IsMissing(err) {
			continue
		}
		found = cmp.Or(found, path)
		if err == nil {
			var accts []ocAccount
			if accts, err = parseAccountsFile(f.Data); err == nil {
				for _, a := range accts {
					cands = append(cands, ocCandidate(path, a))
				}
				continue
			}
			err = &quota.Error{Kind: quota.KindFileMalformed, Path: path, Field: "accounts"}
		}
		bad = append(bad, fileTarget(path, err))
	}
	return cands, bad, found
}

// manager reads Antigravity-Manager's account files. A file that fails to
// parse is read again once after a pause (the app rewrites some files in
// place) and then reported as that account's error.
func (p *Provider) manager(ctx context.Context, now time.Time) (cands []candidate, bad []quota.Target, found string) {
	dir := p.amDir()
	files, err := amFiles(dir)
	if err != nil {
		return nil, []quota.Target{fileTarget(dir, err)}, dir
	}
	if len(files) == 0 {
		return nil, nil, ""
	}
	accts := make([]*amAccount, len(files))
	errs := make([]error, len(files))
	retry := false
	for i, path := range files {
		accts[i], errs[i] = p.readAM(path)
		retry = retry || quota.KindOf(errs[i]) == quota.KindFileMalformed
	}
	if retry {
		// One pause for all broken files, then one more parse each.
		p.pause(ctx)
		for i, path := range files {
			if ctx.Err() == nil && quota.KindOf(errs[i]) == quota.KindFileMalformed {
				accts[i], errs[i] = p.readAM(path)
			}
		}
	}
	for i, path := range files {
		if errs[i] != nil {
			cands = append(cands, candidate{t: fileTarget(path, errs[i])})
			continue
		}
		cands = append(cands, amCandidate(path, accts[i], now))
	}
	return cands, nil, files[0]
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// readAM reads and parses one Antigravity-Manager account file; a file
// that is not an account object is reported as malformed.
func (p *Provider) readAM(path string) (*amAccount, error) {
	f, err := p.d.Auth.Read(path)
	if err != nil {
		return nil, err
	}
	a, err := parseAMAccount(f.Data)
	if err != nil {
		return nil, &quota.Error{Kind: quota.KindFileMalformed, Path: path}
	}
	return a, nil
}

// merge keeps one candidate per e-mail, the best ranked (first on ties),
// and every candidate without an e-mail.
func merge(cands []candidate) []quota.Target {
	best := map[string]int{}
	var keep []candidate
	for _, c := range cands {
		if c.email == "" {
			keep = append(keep, c)
			continue
		}
		if i, ok := best[c.email]; ok {
			if c.rank > keep[i].rank {
				keep[i] = c
			}
			continue
		}
		best[c.email] = len(keep)
		keep = append(keep, c)
	}
	out := make([]quota.Target, len(keep))
	for i, c := range keep {
		out[i] = c.t
	}
	return out
}

// rank orders duplicates of one e-mail: a usable entry first, then one
// with a valid stored access token, then Antigravity-Manager's.
func rank(t quota.Target, c *cred, now time.Time) int {
	r := 0
	if t.Err == nil {
		r += 4
	}
	if c.accessValid(now) {
		r += 2
	}
	if c.source == sourceManager {
		r++
	}
	return r
}

// fileTarget reports a credential file that could not be used; the error
// carries the full path.
func fileTarget(path string, err error) quota.Target {
	return quota.Target{Key: "antigravity:file:" + path, Name: filepath.Base(path), Err: err}
}

func ocCandidate(path string, a ocAccount) candidate {
	if a.Email == "" {
		field := "accounts[" + strconv.Itoa(a.Index) + "].email"
		return candidate{t: quota.Target{
			Key:  "antigravity:file:" + path + "#" + field,
			Name: "accounts[" + strconv.Itoa(a.Index) + "]",
			Err:  &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: field},
		}}
	}
	c := &cred{email: a.Email, refresh: a.Refresh, project: a.Project, source: sourceOpenCode, path: path}
	t := quota.Target{Key: "antigravity:" + strings.ToLower(a.Email), Name: a.Email, Data: c}
	// An account without a project id is resolved by Fetch.
	if a.Refresh == "" {
		t.Err = &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: "refreshToken"}
	}
	return candidate{email: strings.ToLower(a.Email), t: t, rank: rank(t, c, time.Time{})}
}

func amCandidate(path string, a *amAccount, now time.Time) candidate {
	if a.Email == "" {
		return candidate{t: fileTarget(path, &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: "email"})}
	}
	c := &cred{
		email:     a.Email,
		refresh:   a.Refresh,
		access:    a.Access,
		expiry:    a.Expiry,
		project:   a.Project,
		clientKey: a.ClientKey,
		source:    sourceManager,
		path:      path,
	}
	if a.ProxyDisabled {
		data := map[string]any{}
		if a.ProxyReason != "" {
			data["Reason"] = httpx.Truncate(a.ProxyReason, httpx.DetailLen)
		}
		if !a.ProxyAt.IsZero() {
			data["Since"] = a.ProxyAt
		}
		c.facts = []quota.Fact{{ID: FactProxyDisabled, Data: data}}
	}
	t := quota.Target{Key: "antigravity:" + strings.ToLower(a.Email), Name: a.Email, Data: c}
	switch {
	case a.Disabled:
		e := &quota.Error{Kind: quota.KindAccountDisabled, Path: path,
			Reason: httpx.Truncate(a.DisabledReason, httpx.DetailLen), Since: a.DisabledAt}
		if strings.HasPrefix(a.DisabledReason, "invalid_grant") {
			e.Code = "invalid_grant"
		}
		t.Err = e
	case a.ValidationBlocked && (a.ValidationUntil.IsZero() || a.ValidationUntil.After(now)):
		t.Err = &quota.Error{Kind: quota.KindVerification, Path: path, Link: a.ValidationURL,
			Reason: httpx.Truncate(a.ValidationReason, httpx.DetailLen)}
	case a.Refresh == "" && !c.accessValid(now):
		t.Err = &quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: "token.refresh_token"}
	}
	return candidate{email: strings.ToLower(a.Email), t: t, rank: rank(t, c, now)}
}
