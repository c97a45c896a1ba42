package cli

import (
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mystatus/mystatus/i18n"
	"github.com/mystatus/mystatus/lib/auth"
	"github.com/mystatus/mystatus/lib/explain"
	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/safefile"
)

// ConfigPath is where the optional configuration file lives:
// $XDG_CONFIG_HOME/mystatus/config.json (default ~/.config/mystatus).
func ConfigPath(p auth.Paths, getenv func(string) string) string {
	if v := getenv("MYSTATUS_CONFIG"); v != "" {
		return v
	}
	return filepath.Join(p.XDGConfig, "mystatus", "config.json")
}

// maxConfig caps the configuration file: a real one is a few hundred bytes.
const maxConfig = 1 << 20

// loadConfig reads the flat JSON configuration file. Values may be strings,
// numbers or booleans; they are kept as strings. A missing file is empty.
// Only a regular file of at most 1 MiB is read, without ever blocking (a
// FIFO or /dev/zero in its place is refused), and its nesting depth is
// bounded before it is parsed. Values of secret-named keys (a client
// secret) are registered so they are masked wherever echoed.
func loadConfig(path string) (map[string]string, error) {
	data, err := safefile.Read(path, maxConfig)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	var se *safefile.Error
	switch {
	case errors.Is(err, safefile.ErrTooLarge):
		return nil, &configError{"cli.config.large", map[string]any{"Path": path, "Max": "1 MiB"}}
	case errors.As(err, &se) && errors.Is(err, safefile.ErrNotRegular):
		return nil, &configError{"cli.config.special", map[string]any{"Path": path, "Error": err.Error()}}
	case err != nil:
		return nil, &configError{"cli.config.file", map[string]any{"Path": path, "Error": err.Error()}}
	}
	if err := jsonval.CheckDepth(data, jsonval.MaxDepth); err != nil {
		return nil, &configError{"cli.config.file", map[string]any{"Path": path, "Error": err.Error()}}
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		// Our words ("line 3, column 7: not valid JSON"), localized, rather
		// than encoding/json's English.
		why := any(err.Error())
		if qe := quota.AsError(auth.Malformed(path, data)); qe.DetailID != "" {
			why = qe.DetailMsg()
		}
		return nil, &configError{"cli.config.file", map[string]any{"Path": path, "Error": why}}
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch x := v.(type) {
		case string:
			out[k] = x
			if low := strings.ToLower(k); strings.Contains(low, "secret") || strings.Contains(low, "token") || strings.Contains(low, "password") {
				quota.RegisterSecret(x)
			}
		case float64:
			out[k] = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			out[k] = strconv.FormatBool(x)
		default:
			return nil, &configError{"cli.config.value", map[string]any{"Path": path, "Key": k}}
		}
	}
	return out, nil
}

// configError is a configuration mistake, explained by a catalog message.
type configError struct {
	id   string
	data map[string]any
}

func (e *configError) Error() string { return e.id }

// text localizes the error; a detail that is a catalog message (a JSON
// syntax position) is localized too.
func (e *configError) text(loc *i18n.Localizer) string {
	data := make(map[string]any, len(e.data))
	for k, v := range e.data {
		if m, ok := v.(quota.Msg); ok {
			v = explain.Detail(loc, m)
		}
		data[k] = v
	}
	return loc.T(e.id, data)
}
