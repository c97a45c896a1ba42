package httpx

import (
	"net/url"
	"strings"

	"github.com/mystatus/mystatus/lib/quota"
)

// JoinURL appends an endpoint path to a base URL. A trailing "/" on the
// base is ignored. A base that is not absolute http(s), already ends with
// the endpoint path, or repeats a segment (such as "/v1/v1") is a
// configuration error naming the variable that set it.
func JoinURL(base, path, source string) (string, error) {
	bad := func(id string, data map[string]any) error {
		return (&quota.Error{Kind: quota.KindBadConfig, Field: source, URL: base}).With(id, data)
	}
	b := strings.TrimRight(strings.TrimSpace(base), "/")
	u, err := url.Parse(b)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", bad("detail.url.not_absolute", nil)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", bad("detail.url.query", nil)
	}
	p := strings.TrimRight(u.Path, "/")
	if path != "" && strings.HasSuffix(p, strings.TrimRight(path, "/")) {
		return "", bad("detail.url.ends_with_path", map[string]any{"Path": path})
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i := 1; i < len(segs); i++ {
		if segs[i] != "" && segs[i] == segs[i-1] {
			return "", bad("detail.url.doubled", map[string]any{"Segment": segs[i]})
		}
	}
	// Also catch a doubled segment across the join, e.g. base ".../v1"
	// with path "/v1/...".
	ps := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) > 0 && len(ps) > 0 && segs[len(segs)-1] != "" && segs[len(segs)-1] == ps[0] {
		return "", bad("detail.url.would_double", map[string]any{"Segment": ps[0]})
	}
	return b + path, nil
}
