package sailpoint

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// The shared ledger: the recent request starts of one tenant, client and
// API version, in a file every provider process on the machine reads and
// writes under one lock, so a plan followed by an apply, or two workspaces
// run at once, share the tenant's budget instead of each starting with an
// empty window.
//
// The file holds times only (unix nanoseconds, little endian) behind a
// header; its name is a hash of what keys the tenant's limit, so neither
// holds a secret:
//
//	0  "SPRL"                      magic
//	4  uint16 version (1), uint16 0
//	8  int64 blocked until         0 or the end of a 429's Retry-After
//	16 uint32 count
//	20 uint32 CRC-32C of bytes 0-19 and the starts
//	24 int64 x count               starts, ascending
//
// One lock file (ledgerLockName) guards every ledger of the folder: a
// reservation holds it for a few microseconds, and pruning under the same
// lock can never race a process that is about to write the file it removes.
const (
	ledgerMagic      = "SPRL"
	ledgerVersion    = 1
	ledgerHeaderSize = 24
	ledgerSuffix     = ".ledger"
	ledgerLockName   = "ledgers.lock"
	// A ledger holds the requests of one window and the reservations of
	// requests waiting for a slot: a few hundred entries. A file past this
	// is not one this client wrote.
	maxLedgerEntries = 1 << 16
	// ledgerLockWait bounds the wait for the lock, held by another process
	// for microseconds at a time; past it the folder counts as unusable.
	ledgerLockWait = time.Second
	// ledgerPruneAge: a ledger untouched for this long holds no time that
	// still matters (one window, a Retry-After of at most RetryWaitMax), so
	// removing it loses nothing; one hour keeps a tenant's file in place
	// across the runs of a pipeline.
	ledgerPruneAge = time.Hour
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errLockedOut: another process held the ledger lock too long.
var errLockedOut = fmt.Errorf("another process held the ledger lock for more than %s", ledgerLockWait)

// DefaultLedgerDir is where ledgers are kept when Config.LedgerDir is
// empty: the user's cache folder.
func DefaultLedgerDir() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cache, "terraform-provider-sailpoint", "rate-limit"), nil
}

// ledgerName is the file name of the ledger of one tenant's budget: ISC
// counts requests per client and API version. With an access token the
// client is unknown, so the token (hashed, like everything here) stands for
// it. The window is part of the key because entries are read against it.
func ledgerName(baseURL, clientID, accessToken, apiVersion string, window time.Duration) string {
	identity := "client\x00" + clientID
	if accessToken != "" {
		identity = "token\x00" + accessToken
	}
	h := sha256.New()
	for _, part := range []string{"terraform-provider-sailpoint rate-limit ledger 1", normalizeBaseURL(baseURL), identity, apiVersion, window.String()} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16]) + ledgerSuffix
}

// normalizeBaseURL makes https://ACME.api.identitynow.com/ and
// https://acme.api.identitynow.com one tenant.
func normalizeBaseURL(raw string) string {
	raw = strings.TrimRight(raw, "/")
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	return u.String()
}

// ledgerState is a ledger's content.
type ledgerState struct {
	blocked int64   // unix nanoseconds; 0 for none
	starts  []int64 // unix nanoseconds, ascending
}

// ledger is one process's handle on a shared ledger. It is not safe for
// concurrent use: the limiter that owns it serializes the calls.
type ledger struct {
	dir  string
	path string
	lock *flock.Flock
	// err is why the ledger cannot be used at all (no cache folder).
	err error
	// pruned is set once the folder has been made and pruned.
	pruned bool
	// Buffers reused from one update to the next.
	buf    []byte
	starts []int64
}

// defaultLedgerDir is DefaultLedgerDir; the package's tests point it at a
// temporary folder, so no test writes to the user's cache.
var defaultLedgerDir = DefaultLedgerDir

// newLedger names the ledger of a budget in dir ("" for
// DefaultLedgerDir). It touches no file: that waits for the first request.
func newLedger(dir, name string) *ledger {
	if dir == "" {
		var err error
		if dir, err = defaultLedgerDir(); err != nil {
			return &ledger{err: fmt.Errorf("no user cache folder for the shared ledger: %w", err)}
		}
	}
	return &ledger{
		dir:  dir,
		path: filepath.Join(dir, name),
		lock: flock.New(filepath.Join(dir, ledgerLockName), flock.SetPermissions(0o600)),
	}
}

// update runs fn on the ledger's content under the lock, and writes the
// result when fn reports a change. now is the caller's clock, for dropping
// what has left the window and telling a clock set back; bound says how far
// ahead of now a time may lie, given the count of entries. A corrupt ledger
// is started anew: corrupt says why, and is not an error.
func (l *ledger) update(ctx context.Context, now time.Time, bound func(entries int) time.Duration, fn func(*ledgerState) bool) (corrupt, err error) {
	if l.err != nil {
		return nil, l.err
	}
	if !l.pruned {
		if err := os.MkdirAll(l.dir, 0o700); err != nil {
			return nil, err
		}
	}
	if err := l.acquire(ctx); err != nil {
		return nil, err
	}
	defer func() { _ = l.lock.Unlock() }()
	if !l.pruned {
		l.pruned = true
		l.prune(time.Now()) // file times are wall-clock times, whatever clock paces
	}
	f, err := os.OpenFile(l.path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // written with WriteAt: nothing waits for Close
	data, err := l.read(f)
	if err != nil {
		return nil, err
	}
	st, corrupt := decodeLedger(data, l.starts[:0], now, bound)
	changed := fn(&st)
	l.starts = st.starts
	if !changed && corrupt == nil {
		return nil, nil
	}
	size := len(data)
	l.buf = encodeLedger(l.buf[:0], st) // data is l.buf: read its size first
	if _, err := f.WriteAt(l.buf, 0); err != nil {
		return corrupt, err
	}
	if size > len(l.buf) {
		return corrupt, f.Truncate(int64(len(l.buf)))
	}
	return corrupt, nil
}

// acquire takes the folder's lock, waiting at most ledgerLockWait; the
// caller's cancellation ends the wait at once.
func (l *ledger) acquire(ctx context.Context) error {
	if ok, err := l.lock.TryLock(); ok || err != nil {
		return err
	}
	wait, cancel := context.WithTimeout(ctx, ledgerLockWait)
	defer cancel()
	ok, err := l.lock.TryLockContext(wait, time.Millisecond)
	switch {
	case ok:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		return errLockedOut
	case err == nil:
		return errLockedOut
	}
	return err
}

// read returns the file's content in l's buffer, in one read when the
// buffer is larger than the file (kept so from one update to the next); a
// file larger than any ledger is read only far enough to tell.
func (l *ledger) read(f *os.File) ([]byte, error) {
	const limit = ledgerHeaderSize + 8*maxLedgerEntries
	buf := l.buf[:0]
	for {
		if cap(buf)-len(buf) < 512 {
			buf = slices.Grow(buf, max(1024, cap(buf)))
		}
		n, err := f.ReadAt(buf[len(buf):cap(buf)], int64(len(buf)))
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) || len(buf) > limit {
			l.buf = buf
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// prune removes the ledgers of the folder nobody has written for
// ledgerPruneAge (tests start tenants on random ports; tenants come and
// go). It runs under the lock, once per client, and never fails a request.
func (l *ledger) prune(now time.Time) {
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		return
	}
	own := filepath.Base(l.path)
	for _, e := range entries {
		name := e.Name()
		if name == own || !isLedgerName(name) {
			continue
		}
		if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > ledgerPruneAge {
			_ = os.Remove(filepath.Join(l.dir, name))
		}
	}
}

// isLedgerName matches the names ledgerName makes, so pruning never
// removes another file someone put in the folder.
func isLedgerName(name string) bool {
	hash, ok := strings.CutSuffix(name, ledgerSuffix)
	if !ok || len(hash) != 32 {
		return false
	}
	_, err := hex.DecodeString(hash)
	return err == nil
}

// decodeLedger reads a ledger's content. An empty file is an empty ledger;
// anything else that is not a whole ledger (cut short, another format, a
// bad checksum, starts out of order), or whose times lie further ahead than
// its entries can explain (the clock was set back), is corrupt: the error
// says why, and the state returned is empty, so the ledger starts anew.
func decodeLedger(data []byte, starts []int64, now time.Time, bound func(entries int) time.Duration) (ledgerState, error) {
	empty := ledgerState{starts: starts[:0]}
	if len(data) == 0 {
		return empty, nil
	}
	if len(data) < ledgerHeaderSize || string(data[:4]) != ledgerMagic {
		return empty, errors.New("not a ledger")
	}
	if v := binary.LittleEndian.Uint16(data[4:]); v != ledgerVersion {
		return empty, fmt.Errorf("ledger version %d", v)
	}
	count := int(binary.LittleEndian.Uint32(data[16:]))
	if count > maxLedgerEntries || len(data) != ledgerHeaderSize+8*count {
		return empty, errors.New("ledger cut short or too long")
	}
	sum := crc32.Update(crc32.Checksum(data[:20], castagnoli), castagnoli, data[ledgerHeaderSize:])
	if sum != binary.LittleEndian.Uint32(data[20:]) {
		return empty, errors.New("ledger checksum mismatch")
	}
	st := ledgerState{blocked: int64(binary.LittleEndian.Uint64(data[8:])), starts: starts[:0]}
	limit := now.Add(bound(count)).UnixNano()
	for i := range count {
		s := int64(binary.LittleEndian.Uint64(data[ledgerHeaderSize+8*i:]))
		if i > 0 && s < st.starts[i-1] {
			return empty, errors.New("ledger starts out of order")
		}
		st.starts = append(st.starts, s)
	}
	if count > 0 && st.starts[count-1] > limit || st.blocked > limit {
		return empty, errors.New("ledger times lie ahead of the clock")
	}
	return st, nil
}

// encodeLedger appends st's content to buf.
func encodeLedger(buf []byte, st ledgerState) []byte {
	buf = append(buf, ledgerMagic...)
	buf = binary.LittleEndian.AppendUint16(buf, ledgerVersion)
	buf = binary.LittleEndian.AppendUint16(buf, 0)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(st.blocked))
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(st.starts)))
	buf = binary.LittleEndian.AppendUint32(buf, 0) // the checksum, below
	for _, s := range st.starts {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(s))
	}
	sum := crc32.Update(crc32.Checksum(buf[:20], castagnoli), castagnoli, buf[ledgerHeaderSize:])
	binary.LittleEndian.PutUint32(buf[20:], sum)
	return buf
}

// reserve records the earliest start at or after earliest that keeps the
// ledger's rule, no more than n starts within any span, and returns it.
// Starts that left the window are dropped: the ledger keeps one window.
func (st *ledgerState) reserve(now, earliest time.Time, n int, span time.Duration) time.Time {
	cut := now.Add(-span).UnixNano()
	i := 0
	for i < len(st.starts) && st.starts[i] <= cut {
		i++
	}
	st.starts = append(st.starts[:0], st.starts[i:]...) // in place: the buffer is reused
	if st.blocked <= now.UnixNano() {
		st.blocked = 0
	}
	at := max(earliest.UnixNano(), st.blocked)
	if k := len(st.starts); k > 0 {
		// Never before a start already reserved: the starts stay in order
		// even when the clock was set back a little.
		at = max(at, st.starts[k-1])
		if k >= n {
			at = max(at, st.starts[k-n]+int64(span))
		}
	}
	if len(st.starts) >= maxLedgerEntries {
		st.starts = st.starts[1:] // never reached by a tenant's budget; bounds the file
	}
	st.starts = append(st.starts, at)
	return time.Unix(0, at)
}
