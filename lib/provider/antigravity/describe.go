package antigravity

import (
	"path/filepath"
	"strings"

	"github.com/mystatus/mystatus/lib/provider"
	"github.com/mystatus/mystatus/lib/provider/google"
)

var _ provider.Describer = (*Provider)(nil)

// managerVariant names Antigravity-Manager's store for specialised steps
// ("error.<kind>.steps.antigravity.manager").
const managerVariant = "manager"

// Describe tells the shared packages about Antigravity: the OpenCode
// plugin's accounts file, Antigravity-Manager's store, the Google token
// endpoint and the Cloud Code hosts.
func (p *Provider) Describe() provider.Description {
	files := []string{accountsFile}
	if dir := p.managerData(); dir != "" {
		files = append(files, filepath.Base(dir))
	}
	return provider.Description{
		ID:      ID,
		Aliases: []string{"google", "gemini"},
		Files:   files,
		Endpoints: []provider.Endpoint{
			{Setting: google.SettingOAuthURL, Default: google.DefaultOAuthURL, Paths: []string{google.PathToken}},
			{Setting: settingBases, Default: strings.Join(DefaultBases, ","), Paths: []string{pathAssist, pathModels, pathSummary}, List: true},
		},
		FixData:  map[string]any{"AntigravityPath": p.fixPath(), "ManagerDir": p.managerData()},
		Variants: []string{managerVariant},
		Variant: func(path string) string {
			if dir := p.managerData(); path != "" && dir != "" && within(path, dir) {
				return managerVariant
			}
			return ""
		},
	}
}

// fixPath is the accounts file the fix steps name: where the OpenCode
// Antigravity auth plugin writes it (under %APPDATA% on Windows).
func (p *Provider) fixPath() string {
	ps := p.d.Auth.Paths
	if ps.GOOS == "windows" && ps.AppData != "" {
		return filepath.Join(ps.AppData, "opencode", accountsFile)
	}
	return filepath.Join(ps.OpenCodeConfigDir(), accountsFile)
}

// within reports whether path is dir or lies under it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
