//go:build unix

package provider

import (
	"os"
	"syscall"
)

// openNoWait opens a file for reading without waiting for a writer: a FIFO
// opens at once, and is then refused for what it is.
func openNoWait(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
