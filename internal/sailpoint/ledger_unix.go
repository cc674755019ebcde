//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package sailpoint

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// unixFolder is the ledger folder as an open directory: checked once, when
// opened, and from then on every file is reached through its descriptor,
// so renaming or replacing the path afterwards changes nothing.
//
// gofrs/flock, which the ledger used first, opens its lock file by path,
// following symlinks; here the lock is flock(2) on a file opened through
// the folder, the same lock gofrs/flock takes, so the two agree.
type unixFolder struct {
	dir      *os.File
	lockFile *os.File // the lock file, opened on first use
}

// openLedgerFolder makes dir (0700) if it is missing, and opens it for
// use: not through a symlink, and only if this user owns it and no one
// else may write to it. Another user who could write to the folder could
// replace a ledger with a symlink to a file of this user, or plant ledgers.
func openLedgerFolder(dir string) (ledgerFolder, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	f := os.NewFile(uintptr(fd), dir)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		_ = f.Close()
		return nil, &os.PathError{Op: "stat", Path: dir, Err: err}
	}
	switch uid := os.Geteuid(); {
	case int(st.Uid) != uid:
		_ = f.Close()
		return nil, fmt.Errorf("the ledger folder %s belongs to user %d, not to this user (%d)", dir, st.Uid, uid)
	case st.Mode&0o022 != 0:
		_ = f.Close()
		return nil, fmt.Errorf("the ledger folder %s may be written by other users (mode %04o)", dir, st.Mode&0o7777)
	}
	return &unixFolder{dir: f}, nil
}

// openAt opens name in the folder, creating it 0600, never through a
// symlink, and keeps it only if it is a regular file of this user with no
// other name (a hard link to another file is refused too).
func (u *unixFolder) openAt(name string) (*os.File, error) {
	path := filepath.Join(u.dir.Name(), name)
	fd, err := unix.Openat(int(u.dir.Fd()), name, unix.O_RDWR|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0o600)
	if err != nil {
		if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.EMLINK) {
			err = fmt.Errorf("a symlink: %w", err)
		}
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		_ = f.Close()
		return nil, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || int(st.Uid) != os.Geteuid() || st.Nlink != 1 {
		_ = f.Close()
		return nil, fmt.Errorf("%s is not a regular file of this user with one name", path)
	}
	return f, nil
}

func (u *unixFolder) lock(ctx context.Context) error {
	if u.lockFile == nil {
		f, err := u.openAt(ledgerLockName)
		if err != nil {
			return err
		}
		u.lockFile = f
	}
	try := func() (bool, error) {
		err := unix.Flock(int(u.lockFile.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if errors.Is(err, unix.EWOULDBLOCK) || errors.Is(err, unix.EINTR) {
			return false, nil
		}
		return err == nil, err
	}
	if ok, err := try(); ok || err != nil {
		return err
	}
	wait := time.NewTimer(ledgerLockWait)
	defer wait.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wait.C:
			return errLockedOut
		case <-tick.C:
			if ok, err := try(); ok || err != nil {
				return err
			}
		}
	}
}

func (u *unixFolder) unlock() { _ = unix.Flock(int(u.lockFile.Fd()), unix.LOCK_UN) }

func (u *unixFolder) open(name string) (*os.File, error) { return u.openAt(name) }

func (u *unixFolder) prune(own string, before time.Time) {
	entries, err := u.dir.ReadDir(-1)
	// ReadDir leaves the descriptor at the end of the folder: rewind it
	// for the next time.
	_, _ = u.dir.Seek(0, 0)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if name == own || !isLedgerName(name) {
			continue
		}
		var st unix.Stat_t
		if unix.Fstatat(int(u.dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
			continue
		}
		if time.Unix(st.Mtim.Unix()).Before(before) {
			_ = unix.Unlinkat(int(u.dir.Fd()), name, 0)
		}
	}
}
