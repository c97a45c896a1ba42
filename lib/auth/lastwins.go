package auth

import (
	"bytes"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mystatus/mystatus/lib/quota"
)

// LastWins returns data (valid JSON, depth already bounded) with every
// duplicated object key kept once: at its first position, with its last
// value, which is what JavaScript's JSON.parse (OpenCode, the Antigravity
// plugin) and serde's maps (Antigravity-Manager) read. gjson returns the
// first value, so without this mystatus could use a credential the owning
// tool does not. A document without duplicates is returned unchanged.
func LastWins(data []byte) []byte {
	root := gjson.ParseBytes(data)
	if !hasDuplicate(root) {
		return data
	}
	var b bytes.Buffer
	b.Grow(len(data))
	writeLastWins(&b, root)
	return b.Bytes()
}

func hasDuplicate(r gjson.Result) bool {
	dup := false
	switch {
	case r.IsObject():
		seen := map[string]struct{}{}
		r.ForEach(func(k, v gjson.Result) bool {
			if _, ok := seen[k.Str]; ok {
				dup = true
				return false
			}
			seen[k.Str] = struct{}{}
			dup = hasDuplicate(v)
			return !dup
		})
	case r.IsArray():
		r.ForEach(func(_, v gjson.Result) bool {
			dup = hasDuplicate(v)
			return !dup
		})
	}
	return dup
}

func writeLastWins(b *bytes.Buffer, r gjson.Result) {
	switch {
	case r.IsObject():
		type member struct{ key, val gjson.Result }
		var members []member
		at := map[string]int{}
		r.ForEach(func(k, v gjson.Result) bool {
			if i, ok := at[k.Str]; ok {
				members[i].val = v
			} else {
				at[k.Str] = len(members)
				members = append(members, member{k, v})
			}
			return true
		})
		b.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(m.key.Raw)
			b.WriteByte(':')
			writeLastWins(b, m.val)
		}
		b.WriteByte('}')
	case r.IsArray():
		b.WriteByte('[')
		i := 0
		r.ForEach(func(_, v gjson.Result) bool {
			if i > 0 {
				b.WriteByte(',')
			}
			i++
			writeLastWins(b, v)
			return true
		})
		b.WriteByte(']')
	default:
		b.WriteString(r.Raw)
	}
}

// registerSecrets adds every string held under a credential-named key
// (key, apiKey, access, refresh, token, refreshToken, access_token,
// client_secret, password, ...) anywhere in r to the known secrets.
func registerSecrets(r gjson.Result, name string) {
	switch {
	case r.IsObject():
		r.ForEach(func(k, v gjson.Result) bool { registerSecrets(v, k.Str); return true })
	case r.IsArray():
		r.ForEach(func(_, v gjson.Result) bool { registerSecrets(v, name); return true })
	case r.Type == gjson.String && secretField(name):
		quota.RegisterSecret(r.Str)
	}
}

// separators are dropped from key names before matching them; built once
// (a Replacer builds its tables on first use, and every key of every
// credential file is matched).
var separators = strings.NewReplacer("_", "", "-", "")

// secretField reports whether a JSON key names a credential.
func secretField(name string) bool {
	n := separators.Replace(strings.ToLower(name))
	switch n {
	case "key", "access", "refresh":
		return true
	}
	for _, w := range []string{"url", "uri", "type", "expir", "scope"} {
		if strings.Contains(n, w) {
			return false // token_uri, tokenType, token_expiry: no secret
		}
	}
	for _, w := range []string{"token", "secret", "password", "apikey", "privatekey"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
