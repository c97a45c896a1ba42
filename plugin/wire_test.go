package plugin

import "github.com/tidwall/gjson"

// metaPath is the gjson path of a _meta key (its dots escaped).
func metaPath(key string) string { return "_meta." + gjson.Escape(key) }
