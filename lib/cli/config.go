package cli

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mystatus/mystatus/lib/auth"
)

// ConfigPath is where the optional configuration file lives:
// $XDG_CONFIG_HOME/mystatus/config.json (default ~/.config/mystatus).
func ConfigPath(p auth.Paths, getenv func(string) string) string {
	if v := getenv("MYSTATUS_CONFIG"); v != "" {
		return v
	}
	return filepath.Join(p.XDGConfig, "mystatus", "config.json")
}

// loadConfig reads the flat JSON configuration file. Values may be strings,
// numbers or booleans; they are kept as strings. A missing file is empty.
func loadConfig(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, &configError{"cli.config.file", map[string]any{"Path": path, "Error": err.Error()}}
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, &configError{"cli.config.file", map[string]any{"Path": path, "Error": err.Error()}}
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		switch x := v.(type) {
		case string:
			out[k] = x
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
