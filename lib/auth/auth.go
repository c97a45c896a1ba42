// Package auth locates and reads the credential files other tools keep on
// disk. Files are opened read-only and never written. A missing file means
// "not configured"; an unreadable or malformed one is a classified
// *quota.Error for the platforms that depend on it only.
package auth

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/tidwall/gjson"
	"golang.org/x/sync/singleflight"

	"github.com/mystatus/mystatus/lib/jsonval"
	"github.com/mystatus/mystatus/lib/quota"
	"github.com/mystatus/mystatus/lib/safefile"
)

// Paths holds the directories credential files are looked up in. Build it
// with [PathsFromEnv]; tests build it by hand.
type Paths struct {
	Home      string // $HOME or %USERPROFILE%
	XDGData   string // $XDG_DATA_HOME, default ~/.local/share
	XDGConfig string // $XDG_CONFIG_HOME, default ~/.config
	AppData   string // %APPDATA% (Windows only)
	GOOS      string
}

// PathsFromEnv resolves the paths from environment variables.
func PathsFromEnv(getenv func(string) string) Paths {
	p := Paths{GOOS: runtime.GOOS}
	p.Home = getenv("HOME")
	if p.Home == "" {
		p.Home = getenv("USERPROFILE")
	}
	p.XDGData = getenv("XDG_DATA_HOME")
	if p.XDGData == "" || !filepath.IsAbs(p.XDGData) {
		p.XDGData = filepath.Join(p.Home, ".local", "share")
	}
	p.XDGConfig = getenv("XDG_CONFIG_HOME")
	if p.XDGConfig == "" || !filepath.IsAbs(p.XDGConfig) {
		p.XDGConfig = filepath.Join(p.Home, ".config")
	}
	p.AppData = getenv("APPDATA")
	if p.AppData == "" && p.GOOS == "windows" {
		p.AppData = filepath.Join(p.Home, "AppData", "Roaming")
	}
	return p
}

// OpenCodeAuth is the path of OpenCode's auth.json.
func (p Paths) OpenCodeAuth() string { return filepath.Join(p.XDGData, "opencode", "auth.json") }

// OpenCodeConfigDir is OpenCode's configuration directory.
func (p Paths) OpenCodeConfigDir() string { return filepath.Join(p.XDGConfig, "opencode") }

// File is a read credential file.
type File struct {
	Path    string
	Data    []byte
	ModTime time.Time
	Mode    fs.FileMode

	// text is Data as a string, set by the store, which never changes
	// Data: gjson.GetBytes copies every value it returns, in case the
	// bytes change, and the host queries the same file on every call.
	text string
}

// Get returns the gjson value at path (paths are code constants).
func (f *File) Get(path string) gjson.Result {
	if f.text != "" || len(f.Data) == 0 {
		return gjson.Get(f.text, path)
	}
	return gjson.GetBytes(f.Data, path)
}

// Store reads credential files, remembering each by path, size and mtime
// so an unchanged file is not re-read (the plugin host lives long).
// It is safe for concurrent use.
type Store struct {
	Paths Paths
	mu    sync.Mutex
	cache map[string]*cached
	group singleflight.Group
}

// NewStore returns a store over paths.
func NewStore(p Paths) *Store { return &Store{Paths: p, cache: map[string]*cached{}} }

// ErrMissing is returned (wrapped in a *quota.Error of kind file_missing)
// when a file does not exist.
var ErrMissing = fs.ErrNotExist

// MaxFile is the largest credential file read (16 MiB: a real one is a few
// KiB, an Antigravity-Manager store with hundreds of accounts a few MiB).
const MaxFile = 16 << 20

// The causes of a file_unreadable error, in its Code, so the catalogs can
// headline each for what it is.
const (
	CodePermission = "permission_denied" // the mode denies this user
	CodeNotRegular = "not_regular"       // a FIFO, a device, a socket, a directory
	CodeTooLarge   = "too_large"         // over MaxFile
)

// Read returns the file at path, validated as JSON. Errors are
// *quota.Error of kind file_missing, file_unreadable or file_malformed.
//
// Only a regular file is read, at most [MaxFile] bytes, through
// [safefile.Read]: a FIFO, /dev/zero or a socket in its place is refused
// at once instead of blocking or filling memory. Its nesting depth is
// checked with [jsonval.CheckDepth] before gjson validates it. Duplicate
// object keys are resolved last-wins, as OpenCode's JSON.parse (and the
// other tools writing these files) read them; gjson alone would return the
// first. Every key and token in the file is registered with
// [quota.RegisterSecret].
func (s *Store) Read(path string) (*File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fileErr(path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fileErr(path, &safefile.Error{Path: path, Mode: st.Mode(), Err: safefile.ErrNotRegular})
	}
	s.mu.Lock()
	c, ok := s.cache[path]
	s.mu.Unlock()
	if !ok || !c.current(st) {
		// The platforms of one report start together and most read
		// auth.json: one of them reads and checks it, the others wait for
		// that answer instead of each reading the file again.
		v, _, _ := s.group.Do(path, func() (any, error) {
			// A flight that ended between this caller's look at the
			// cache and its Do has left its answer there.
			s.mu.Lock()
			prev, ok := s.cache[path]
			s.mu.Unlock()
			if ok && prev.current(st) {
				return prev, nil
			}
			c := &cached{mod: st.ModTime(), size: st.Size()}
			c.file, c.err = read(path, st)
			// A failure is remembered only when it is the content's (a
			// chmod that fixes a permission leaves mtime and size as
			// they were).
			if c.err == nil || quota.KindOf(c.err) == quota.KindFileMalformed {
				s.mu.Lock()
				if s.cache == nil {
					s.cache = map[string]*cached{}
				}
				s.cache[path] = c
				s.mu.Unlock()
			}
			return c, nil
		})
		c = v.(*cached)
	}
	if qe, ok := c.err.(*quota.Error); ok {
		// Each caller gets its own copy: a platform may add to its error.
		cp := *qe
		return nil, &cp
	}
	return c.file, c.err
}

// cached is the outcome of reading one file, a malformed one included (a
// 10 MiB file of "[" is not checked again by every platform), with the
// mtime and size it was read at.
type cached struct {
	file *File
	err  error
	mod  time.Time
	size int64
}

// current reports whether c was read from the file as st describes it.
func (c *cached) current(st fs.FileInfo) bool {
	return c.mod.Equal(st.ModTime()) && c.size == st.Size()
}

// readFile is safefile.Read; the tests count the reads through it.
var readFile = safefile.Read

// read reads and validates the file at path; st is its stat.
func read(path string, st fs.FileInfo) (*File, error) {
	data, err := readFile(path, MaxFile)
	if err != nil {
		return nil, fileErr(path, err)
	}
	if err := jsonval.CheckDepth(data, jsonval.MaxDepth); err != nil {
		return nil, jsonval.DepthDetail(&quota.Error{Kind: quota.KindFileMalformed, Path: path, Detail: err.Error(), Err: err})
	}
	if !gjson.ValidBytes(data) {
		return nil, Malformed(path, data)
	}
	// Shadowed duplicates are secrets too: register before resolving them.
	registerSecrets(gjson.ParseBytes(data), "")
	data = LastWins(data)
	return &File{Path: path, Data: data, ModTime: st.ModTime(), Mode: st.Mode(), text: string(data)}, nil
}

func fileErr(path string, err error) error {
	var se *safefile.Error
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &quota.Error{Kind: quota.KindFileMissing, Path: path, Err: err}
	case errors.Is(err, safefile.ErrTooLarge):
		return (&quota.Error{Kind: quota.KindFileUnreadable, Code: CodeTooLarge, Path: path,
			Err: err}).With("detail.file.too_large", map[string]any{"MiB": MaxFile >> 20})
	case errors.As(err, &se) && errors.Is(err, safefile.ErrNotRegular):
		return (&quota.Error{Kind: quota.KindFileUnreadable, Code: CodeNotRegular, Path: path,
			Err: err}).With("detail.file.not_regular", map[string]any{"Type": quota.M("detail.filetype."+typeName(se.Mode), nil)})
	case errors.Is(err, fs.ErrPermission):
		return (&quota.Error{Kind: quota.KindFileUnreadable, Code: CodePermission, Path: path, Err: err}).With("detail.file.permission", nil)
	}
	return &quota.Error{Kind: quota.KindFileUnreadable, Path: path, Detail: err.Error(), Err: err}
}

// typeName names a file type (catalog "detail.filetype.<name>", in the
// words of `ls -l` and file(1)).
func typeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "char_device"
	case m&fs.ModeDevice != 0:
		return "block_device"
	case m.IsDir():
		return "directory"
	}
	return "special"
}

// Malformed builds the file_malformed error for data read from path,
// locating the first syntax error by line and column when possible.
func Malformed(path string, data []byte) error {
	e := &quota.Error{Kind: quota.KindFileMalformed, Path: path}
	if len(data) == 0 {
		return e.With("detail.file.empty", nil)
	}
	e.With("detail.json.invalid", nil)
	if line, col, ok := syntaxPos(data); ok {
		// Localized as the config editor's "line N, column M: what".
		e.DetailID, e.DetailData = "setup.why.at", map[string]any{"Line": line, "Col": col, "What": quota.M("detail.json.invalid", nil)}
		e.Detail = "not valid JSON near line " + itoa(line) + ", column " + itoa(col)
	}
	return e
}

// IsMissing reports whether err means the file does not exist.
func IsMissing(err error) bool { return quota.KindOf(err) == quota.KindFileMissing }
