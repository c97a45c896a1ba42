package auth

import (
	"time"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/quota"
)

// Entry is one provider entry of OpenCode's auth.json. Unknown fields are
// ignored; Raw keeps the whole entry for platform-specific fields.
type Entry struct {
	Type      string // "oauth" or "api"
	Key       string // API key ("api")
	Access    string // access token ("oauth")
	Refresh   string // refresh token ("oauth")
	Expires   time.Time
	AccountID string
	Raw       gjson.Result
}

// Expired reports whether the entry carries an expiry in the past.
func (e Entry) Expired(now time.Time) bool { return !e.Expires.IsZero() && e.Expires.Before(now) }

// OpenCode reads the auth.json entry named key. It returns
// quota.ErrNotConfigured when the file or the key is absent, and a
// *quota.Error when the file cannot be read or parsed.
func (s *Store) OpenCode(key string) (Entry, string, error) {
	path := s.Paths.OpenCodeAuth()
	f, err := s.Read(path)
	if err != nil {
		if IsMissing(err) {
			return Entry{}, path, quota.ErrNotConfigured
		}
		return Entry{}, path, err
	}
	if !f.Get("@this").IsObject() {
		return Entry{}, path, (&quota.Error{Kind: quota.KindFileMalformed, Path: path}).With("detail.json.top_not_object", nil)
	}
	r := f.Get(gjson.Escape(key))
	if !r.Exists() || r.Type == gjson.Null {
		return Entry{}, path, quota.ErrNotConfigured
	}
	if !r.IsObject() {
		return Entry{}, path, (&quota.Error{Kind: quota.KindFieldMissing, Path: path, Field: key}).With("detail.json.not_object", nil)
	}
	e := Entry{
		Type:      r.Get("type").String(),
		Key:       r.Get("key").String(),
		Access:    r.Get("access").String(),
		Refresh:   r.Get("refresh").String(),
		AccountID: r.Get("accountId").String(),
		Raw:       r,
	}
	if ex := r.Get("expires"); ex.Type == gjson.Number && ex.Int() > 0 {
		e.Expires = MillisOrSeconds(ex.Int())
	}
	return e, path, nil
}

// MillisOrSeconds reads an epoch value that may be seconds or milliseconds.
func MillisOrSeconds(v int64) time.Time {
	if v >= 1e11 { // 1e11 s is the year 5138: anything larger is milliseconds
		return time.UnixMilli(v)
	}
	return time.Unix(v, 0)
}

// OpenCodeSource describes the auth.json entry key as a credential
// source: the entry name, language-neutral, beside the file path.
func (p Paths) OpenCodeSource(key string) quota.Source {
	return quota.Source{Path: p.OpenCodeAuth(), What: `"` + key + `"`}
}
