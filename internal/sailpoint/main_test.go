package sailpoint

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps the shared ledgers of every client the tests build, with
// or without a LedgerDir, out of the user's cache folder.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sailpoint-test-ledgers-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "a folder for the tests' rate-limit ledgers:", err)
		os.Exit(1)
	}
	defaultLedgerDir = func() (string, error) { return dir, nil }
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
