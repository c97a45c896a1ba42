//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openNonBlocking opens with O_NONBLOCK: opening a FIFO for reading would
// otherwise wait for a writer forever. Regular files ignore the flag.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
