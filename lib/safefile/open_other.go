//go:build !unix

package safefile

import "os"

// openNonBlocking: Windows named pipes live in their own namespace
// (\\.\pipe\), so a plain open of a path in the file system cannot block
// on one; the fstat check in Read still refuses devices.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY, 0)
}
