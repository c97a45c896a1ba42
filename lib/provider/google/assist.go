package google

import (
	"cmp"
	"encoding/json"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/httpx"
)

// PathAssist is the Cloud Code loadCodeAssist path, below a Code Assist
// base such as https://cloudcode-pa.googleapis.com.
const PathAssist = "/v1internal:loadCodeAssist"

// Metadata is loadCodeAssist's ClientMetadata: what the calling tool
// says it is.
type Metadata struct {
	IDEType     string `json:"ideType"`
	Platform    string `json:"platform,omitempty"`
	PluginType  string `json:"pluginType,omitempty"`
	DuetProject string `json:"duetProject,omitempty"`
}

// AssistRequest is a loadCodeAssist request body.
type AssistRequest struct {
	// Project is the user's own project (GOOGLE_CLOUD_PROJECT), if any.
	Project  string   `json:"cloudaicompanionProject,omitempty"`
	Metadata Metadata `json:"metadata"`
}

// Body encodes r.
func (r AssistRequest) Body() []byte {
	b, _ := json.Marshal(r) // strings only: cannot fail
	return b
}

// Assist is what a loadCodeAssist answer tells: the account's project,
// the plan to show and, when there is no project, the tier it has.
type Assist struct {
	Project, Plan, Tier string
}

// ParseAssist reads a loadCodeAssist body (bare or wrapped in "response").
// cloudaicompanionProject is a string or an object with an id. The paid
// tier wins over the current one for the plan; an account without a
// project reports its tier (or the default allowed tier).
func ParseAssist(body []byte) (Assist, error) {
	if err := CheckBody(body); err != nil {
		return Assist{}, err
	}
	root := Unwrap(gjson.ParseBytes(body), "cloudaicompanionProject")
	if !root.IsObject() {
		return Assist{}, ErrShape
	}
	var a Assist
	switch cp := root.Get("cloudaicompanionProject"); {
	case cp.Type == gjson.String:
		a.Project = Str(cp)
	case cp.IsObject():
		a.Project = Str(cp.Get("id"))
	}
	for _, p := range []string{"paidTier.name", "paidTier.id", "currentTier.name", "currentTier.id"} {
		if s := Str(root.Get(p)); s != "" {
			a.Plan = s
			break
		}
	}
	a.Tier = a.Plan
	if a.Tier == "" {
		for _, t := range root.Get("allowedTiers").Array() {
			if t.Get("isDefault").Bool() {
				a.Tier = cmp.Or(Str(t.Get("name")), Str(t.Get("id")))
				break
			}
		}
	}
	a.Plan = httpx.Truncate(a.Plan, 80)
	a.Tier = httpx.Truncate(a.Tier, 80)
	return a, nil
}
