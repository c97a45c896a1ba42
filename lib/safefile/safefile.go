// Package safefile reads files of outside origin (credential stores, the
// config file, an editor's config before init edits it) without ever
// blocking or exhausting memory: only regular files are read, and never
// more than a cap. A FIFO, a device such as /dev/zero, a socket or a
// directory in place of a file is refused at once.
package safefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrNotRegular means the path names something other than a regular file
// (a FIFO, a device, a socket, a directory).
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge means the file is larger than the cap given to [Read].
var ErrTooLarge = errors.New("file too large")

// Error is a refused read; it wraps [ErrNotRegular] or [ErrTooLarge].
type Error struct {
	Path string
	// Mode is the file's type when it is not a regular file.
	Mode os.FileMode
	// Max is the cap when the file is too large.
	Max int64
	Err error
}

func (e *Error) Error() string {
	if errors.Is(e.Err, ErrTooLarge) {
		return fmt.Sprintf("%s: larger than %d bytes", e.Path, e.Max)
	}
	return fmt.Sprintf("%s: %v (%s)", e.Path, e.Err, kindName(e.Mode))
}

func (e *Error) Unwrap() error { return e.Err }

func kindName(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeCharDevice != 0:
		return "character device"
	case m&os.ModeDevice != 0:
		return "device"
	case m.IsDir():
		return "directory"
	}
	return m.Type().String()
}

// Read returns the contents of the regular file at path, at most max bytes.
// It opens read-only and non-blocking (so a FIFO without a writer cannot
// hang the open), checks the opened descriptor with fstat (so a swap
// between a stat and the open is caught), and reads at most max+1 bytes.
// Errors from the open (fs.ErrNotExist, fs.ErrPermission) pass through
// unchanged so callers can classify them.
func Read(path string, max int64) ([]byte, error) {
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &Error{Path: path, Mode: st.Mode(), Err: ErrNotRegular}
	}
	if st.Size() > max {
		return nil, &Error{Path: path, Max: max, Err: ErrTooLarge}
	}
	// The size can change under us (a file being written): the cap holds
	// whatever stat said. The buffer is sized from stat once (io.ReadAll
	// would grow it from 512 bytes, copying a large file a dozen times);
	// the slack lets ReadFrom see EOF without growing it.
	buf := bytes.NewBuffer(make([]byte, 0, st.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, max+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if int64(len(data)) > max {
		return nil, &Error{Path: path, Max: max, Err: ErrTooLarge}
	}
	return data, nil
}
