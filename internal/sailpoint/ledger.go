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
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
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
//	4  uint16 version (2), uint16 0
//	8  int64 written               the writer's clock when it wrote
//	16 int64 blocked until         0 or the end of the last 429's block
//	24 int64 block length          of that block, in nanoseconds
//	32 float64 rate                starts per span the 429s taught; 0: none
//	40 int64 measured              the start of the request whose 429 set it
//	48 int64 lowered               when it was set
//	56 int64 probe                 the start of the probe under way; 0: none
//	64 int64 quiet                 no probe before this
//	72 uint32 count
//	76 uint32 CRC-32C of bytes 0-75 and the starts
//	80 int64 x count               starts, ascending
//
// One lock file (ledgerLockName) guards every ledger of the folder: a
// reservation holds it for a few microseconds, and pruning under the same
// lock can never race a process that is about to write the file it removes.
//
// The folder is another user's to plant or share only if the ledger lets
// it: it is opened once, and used only if this user owns it and no one
// else may write to it; its files are opened through it, never through a
// symlink, created 0600 (the folder 0700), and must be this user's regular
// files (ledger_unix.go). What a ledger says is trusted only as far as a
// client could have written it: no start or block further ahead than one
// window and the longest Retry-After honoured; a ledger written by a clock
// ahead of this one (the clock was set back) has its times moved back by
// the difference, so a step back costs no wait.
const (
	ledgerMagic      = "SPRL"
	ledgerVersion    = 2
	ledgerHeaderSize = 80
	ledgerSumAt      = ledgerHeaderSize - 4
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
	// clockSkew is how far ahead of the reader's clock a ledger may have
	// been written without counting as written before the clock was set
	// back: the clock is read under the lock, after the last writer let go.
	clockSkew = 100 * time.Millisecond
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
// it. The window is part of the key because entries are read against it,
// and the format's version because a provider of another version reads
// another format: each keeps its own file rather than replace the other's.
func ledgerName(baseURL, clientID, accessToken, apiVersion string, window time.Duration) string {
	identity := "client\x00" + clientID
	if accessToken != "" {
		identity = "token\x00" + accessToken
	}
	h := sha256.New()
	for _, part := range []string{"terraform-provider-sailpoint rate-limit ledger 2", normalizeBaseURL(baseURL), identity, apiVersion, window.String()} {
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

// ledgerState is a ledger's content (pace_rules.go says what each part
// means to pacing). Times are unix nanoseconds.
type ledgerState struct {
	written  int64   // of the last write
	blocked  int64   // the end of the last 429's block; 0 once a request sent after it came through
	blockLen int64   // that block's length
	rate     float64 // starts per span the 429s taught; 0 for none (rate_limit)
	measured int64   // the start of the request whose 429 last lowered rate
	lowered  int64   // when it was lowered
	probe    int64   // the start of the probe under way; 0 for none
	quiet    int64   // no probe before this
	starts   []int64 // ascending
}

// words are the header's times and counts, in the file's order (rate's
// bits in its place).
func (st *ledgerState) words() []*int64 {
	return []*int64{&st.written, &st.blocked, &st.blockLen, nil, &st.measured, &st.lowered, &st.probe, &st.quiet}
}

// ledger is one process's handle on a shared ledger. It is not safe for
// concurrent use: the limiter that owns it serializes the calls.
type ledger struct {
	dir  string
	name string
	path string // dir and name, for messages and tests
	// folder is the checked folder, opened on first use.
	folder ledgerFolder
	// err is why the ledger cannot be used at all (no cache folder).
	err error
	// pruned is set once the folder has been pruned.
	pruned bool
	// Buffers reused from one update to the next.
	buf    []byte
	starts []int64
}

// ledgerFolder is the folder of the ledgers, opened once and checked (see
// openLedgerFolder in ledger_unix.go): its lock and files are reached
// through it.
type ledgerFolder interface {
	// lock takes the folder's lock, waiting at most ledgerLockWait; the
	// caller's cancellation ends the wait at once.
	lock(ctx context.Context) error
	unlock()
	// open opens or creates (0600) the ledger name for reading and
	// writing: never through a symlink, and only a regular file of this
	// user.
	open(name string) (*os.File, error)
	// prune removes the ledgers other than own untouched since before.
	prune(own string, before time.Time)
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
	return &ledger{dir: dir, name: name, path: filepath.Join(dir, name)}
}

// update runs fn on the ledger's content under the lock, with the clock
// read under the lock, and writes the result when fn reports a change.
// bound is how far ahead of the clock a time in the ledger may lie. A
// corrupt ledger is started anew: corrupt says why, and is not an error.
func (l *ledger) update(ctx context.Context, clock func() time.Time, bound time.Duration, fn func(st *ledgerState, now time.Time) bool) (corrupt, err error) {
	if l.err != nil {
		return nil, l.err
	}
	if l.folder == nil {
		folder, err := openLedgerFolder(l.dir)
		if err != nil {
			return nil, err
		}
		l.folder = folder
	}
	if err := l.folder.lock(ctx); err != nil {
		return nil, err
	}
	defer l.folder.unlock()
	now := clock()
	if !l.pruned {
		l.pruned = true
		// File times are wall-clock times, whatever clock paces.
		l.folder.prune(l.name, time.Now().Add(-ledgerPruneAge))
	}
	f, err := l.folder.open(l.name)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // written with WriteAt: nothing waits for Close
	data, err := l.read(f)
	if err != nil {
		return nil, err
	}
	st, moved, corrupt := decodeLedger(data, l.starts[:0], now, bound)
	changed := fn(&st, now)
	l.starts = st.starts
	if !changed && !moved && corrupt == nil {
		return nil, nil
	}
	st.written = now.UnixNano()
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
// bad checksum, starts out of order), or holds a time further ahead of now
// than bound, is corrupt: the error says why, and the state returned is
// empty, so the ledger starts anew. A ledger written when the clock was
// ahead of now (it was set back since) has every time moved back by the
// difference: moved is true, and the ledger should be written.
func decodeLedger(data []byte, starts []int64, now time.Time, bound time.Duration) (st ledgerState, moved bool, corrupt error) {
	empty := ledgerState{starts: starts[:0]}
	if len(data) == 0 {
		return empty, false, nil
	}
	if len(data) < ledgerHeaderSize || string(data[:4]) != ledgerMagic {
		return empty, false, errors.New("not a ledger")
	}
	if v := binary.LittleEndian.Uint16(data[4:]); v != ledgerVersion {
		return empty, false, fmt.Errorf("ledger version %d", v)
	}
	count := int(binary.LittleEndian.Uint32(data[ledgerSumAt-4:]))
	if count > maxLedgerEntries || len(data) != ledgerHeaderSize+8*count {
		return empty, false, errors.New("ledger cut short or too long")
	}
	sum := crc32.Update(crc32.Checksum(data[:ledgerSumAt], castagnoli), castagnoli, data[ledgerHeaderSize:])
	if sum != binary.LittleEndian.Uint32(data[ledgerSumAt:]) {
		return empty, false, errors.New("ledger checksum mismatch")
	}
	st = ledgerState{starts: starts[:0]}
	for i, w := range st.words() {
		v := binary.LittleEndian.Uint64(data[8+8*i:])
		if w == nil {
			st.rate = math.Float64frombits(v)
			continue
		}
		*w = int64(v)
	}
	for i := range count {
		s := int64(binary.LittleEndian.Uint64(data[ledgerHeaderSize+8*i:]))
		if i > 0 && s < st.starts[i-1] {
			return empty, false, errors.New("ledger starts out of order")
		}
		st.starts = append(st.starts, s)
	}
	moved = st.moveBack(now)
	if !st.within(now, bound) {
		return empty, false, fmt.Errorf("ledger times lie more than %s ahead of the clock", bound)
	}
	return st, moved, nil
}

// moveBack moves every time of st back by how far st was written ahead of
// now, when that is more than clockSkew: the clock was set back since, and
// the times were written by the clock before. It reports whether it did.
func (st *ledgerState) moveBack(now time.Time) bool {
	d := st.written - now.UnixNano()
	if d <= int64(clockSkew) || st.written == 0 {
		return false
	}
	st.written -= d
	for _, t := range []*int64{&st.blocked, &st.measured, &st.lowered, &st.probe, &st.quiet} {
		if *t != 0 {
			*t -= d
		}
	}
	for i := range st.starts {
		st.starts[i] -= d
	}
	return true
}

// within reports whether no time of st lies more than bound ahead of now,
// no block is longer than bound, and the rate is one a client could have
// learned.
func (st *ledgerState) within(now time.Time, bound time.Duration) bool {
	limit := now.Add(bound).UnixNano()
	return st.blocked <= limit && st.measured <= limit && st.lowered <= limit && st.probe <= limit && st.quiet <= limit &&
		st.blockLen >= 0 && st.blockLen <= int64(bound) &&
		(st.rate == 0 || st.rate >= 1 && st.rate <= maxLedgerEntries) &&
		(len(st.starts) == 0 || st.starts[len(st.starts)-1] <= limit)
}

// encodeLedger appends st's content to buf.
func encodeLedger(buf []byte, st ledgerState) []byte {
	buf = append(buf, ledgerMagic...)
	buf = binary.LittleEndian.AppendUint16(buf, ledgerVersion)
	buf = binary.LittleEndian.AppendUint16(buf, 0)
	for _, w := range st.words() {
		if w == nil {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(st.rate))
			continue
		}
		buf = binary.LittleEndian.AppendUint64(buf, uint64(*w))
	}
	buf = binary.LittleEndian.AppendUint32(buf, uint32(len(st.starts)))
	buf = binary.LittleEndian.AppendUint32(buf, 0) // the checksum, below
	for _, s := range st.starts {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(s))
	}
	sum := crc32.Update(crc32.Checksum(buf[:ledgerSumAt], castagnoli), castagnoli, buf[ledgerHeaderSize:])
	binary.LittleEndian.PutUint32(buf[ledgerSumAt:], sum)
	return buf
}
