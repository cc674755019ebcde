//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package sailpoint

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// pathFolder is the ledger folder where there is no openat (Windows): the
// folder and each file are checked by path before use, which is what the
// platform allows; creating a symlink there takes a privilege a user
// usually lacks.
type pathFolder struct {
	dir   string
	flock *flock.Flock
}

// openLedgerFolder makes dir if it is missing and uses it only if it is a
// folder, not a symlink.
func openLedgerFolder(dir string) (ledgerFolder, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("the ledger folder %s is not a folder (a symlink?)", dir)
	}
	return &pathFolder{dir: dir, flock: flock.New(filepath.Join(dir, ledgerLockName), flock.SetPermissions(0o600))}, nil
}

func (p *pathFolder) lock(ctx context.Context) error {
	if err := p.regular(ledgerLockName); err != nil {
		return err
	}
	if ok, err := p.flock.TryLock(); ok || err != nil {
		return err
	}
	wait, cancel := context.WithTimeout(ctx, ledgerLockWait)
	defer cancel()
	ok, err := p.flock.TryLockContext(wait, time.Millisecond)
	switch {
	case ok:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case err == nil, errors.Is(err, context.DeadlineExceeded):
		return errLockedOut
	}
	return err
}

func (p *pathFolder) unlock() { _ = p.flock.Unlock() }

// regular refuses name when it exists and is not a regular file.
func (p *pathFolder) regular(name string) error {
	info, err := os.Lstat(filepath.Join(p.dir, name))
	if err == nil && !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", filepath.Join(p.dir, name))
	}
	return nil
}

func (p *pathFolder) open(name string) (*os.File, error) {
	if err := p.regular(name); err != nil {
		return nil, err
	}
	return os.OpenFile(filepath.Join(p.dir, name), os.O_RDWR|os.O_CREATE, 0o600)
}

func (p *pathFolder) prune(own string, before time.Time) {
	entries, err := os.ReadDir(p.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if name == own || !isLedgerName(name) {
			continue
		}
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.ModTime().Before(before) {
			_ = os.Remove(filepath.Join(p.dir, name))
		}
	}
}
