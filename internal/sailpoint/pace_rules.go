package sailpoint

import (
	"slices"
	"sort"
	"time"
)

// The rules of pacing, on what a process (windowLimiter.local) or the
// machine (the ledger) knows of one budget: the starts of the last spans,
// the block of the last 429, and the rate the tenant's 429s taught.
//
// The ledger shares a budget between the processes of one machine; the
// tenant's 429s are the only word of the others: runners on other
// machines, HCP Terraform agents, the UI, scripts using the same client.
// A 429 lowers the rate this budget takes, and requests that come through
// raise it again: additive increase, multiplicative decrease, as the AWS
// SDKs' adaptive retry mode does. As there, the decrease is from what the
// tenant was found to admit rather than from the rate configured, and by
// the same factor (0.7): a 429 means the tenant's window is full, so the
// starts this budget made in the span before the throttled request are
// what the tenant gave it, and the rate falls to 0.7 of that (one less at
// least; never below a twentieth of rate_limit). Only the first 429 of a
// round lowers the rate: one to a request sent after the rate was last
// lowered. The 429s of requests already in flight say nothing new, except
// that a request counted as admitted was not: one less each.
//
// What the tenant admits in the window of a first 429 depends on who
// started first, so a budget can fall far below its share while another
// takes most of the window and finishes soon after. The increase finds out
// by probing: a span after the rate was lowered, one request may go beyond
// the rate, one at a time. A probe that comes through raises the rate by
// one, and the next probe may go at once; a probe throttled costs one 429
// and stops the probing for a span. A budget far below its share so climbs
// back one request per round trip, and one at its share pays one 429 a
// span. Measured with a tenant scaled to 100 requests per 2 s and four
// clients of 100 reads: an increase of one per window of answers (TCP's)
// took 3.8x the limit's floor, the late starters climbing from 5; probes
// whose step doubled while they came through, 1.4x to 1.9x, and 44 to 55
// 429s from their overshoots; these rules 1.05x to 1.21x and 28 to 46
// 429s, most of them in the first round (the requests in flight when the
// window filled), and the same (1.06x to 1.21x, 21 to 44) when the rate
// fell to the share itself rather than 0.7 of it. pace.go has the figures
// of make bench.
//
// A 429 blocks every start until its Retry-After has passed. When the
// request sent after a block ended is throttled again, the tenant's
// Retry-After was too short (a tenant that always says 1 s): the next
// block is twice the last, up to a window. An answer that comes through
// to a request sent after a block ended clears it.

// decrease is the factor a rate falls by from what the tenant admitted.
const decrease = 0.7

// pace is what the rules are applied with: the configured rate (n starts
// per span), the span and the tenant's window.
type pace struct {
	n      int
	span   time.Duration
	window time.Duration
}

// minRate is the lowest rate a budget falls to.
func (p pace) minRate() float64 { return float64(max(1, p.n/20)) }

// allowed is how many starts the budget takes per span: n, or the rate the
// 429s taught when it is lower.
func (st *ledgerState) allowed(n int) int {
	if st.rate <= 0 || st.rate >= float64(n) {
		return n
	}
	return max(1, int(st.rate))
}

// earliest is the earliest start at or after now that keeps the rule: no
// more than allowed starts within any span, none before a 429's block
// ends, and none before a start already recorded, so the starts stay in
// order. probe is true when the start is a probe beyond the rate. Starts
// older than two spans are dropped first: the rule needs one span, and a
// 429's lesson the span before its request.
func (st *ledgerState) earliest(now time.Time, p pace) (at time.Time, probe bool) {
	cut := now.Add(-2 * p.span).UnixNano()
	i := 0
	for i < len(st.starts) && st.starts[i] <= cut {
		i++
	}
	st.starts = append(st.starts[:0], st.starts[i:]...) // in place: the buffer is reused
	if st.probe != 0 && st.probe < now.Add(-p.span).UnixNano() {
		st.probe = 0 // its answer never came (no answer at all, or a process gone)
	}
	next := max(now.UnixNano(), st.blocked)
	if k := len(st.starts); k > 0 {
		next = max(next, st.starts[k-1])
		if r := st.allowed(p.n); k >= r {
			if paced := st.starts[k-r] + int64(p.span); paced > next {
				canProbe := st.rate > 0 && st.probe == 0
				switch {
				case canProbe && now.UnixNano() >= st.quiet:
					probe = true
				case canProbe && st.quiet < paced:
					next = max(next, st.quiet) // ask again when probing may resume
				default:
					next = paced
				}
			}
		}
	}
	return time.Unix(0, next), probe
}

// record adds a start, in order: after the last one, but for a process's
// own record of a start the ledger gave after it was replaced.
func (st *ledgerState) record(at time.Time) {
	if len(st.starts) >= maxLedgerEntries {
		st.starts = st.starts[1:] // never reached by a tenant's budget; bounds the file
	}
	s := at.UnixNano()
	i := len(st.starts)
	for i > 0 && st.starts[i-1] > s {
		i--
	}
	st.starts = slices.Insert(st.starts, i, s)
}

// reserve records the earliest start that keeps the rule when it is due
// now (ok), and returns it either way.
func (st *ledgerState) reserve(now time.Time, p pace) (s slot, ok bool) {
	at, probe := st.earliest(now, p)
	if at.After(now) {
		return slot{at: at}, false
	}
	st.record(at)
	if probe {
		st.probe = at.UnixNano()
	}
	return slot{at: at, probe: probe}, true
}

// count is the number of starts in [from, to).
func (st *ledgerState) count(from, to int64) int {
	lo := sort.Search(len(st.starts), func(i int) bool { return st.starts[i] >= from })
	hi := sort.Search(len(st.starts), func(i int) bool { return st.starts[i] >= to })
	return hi - lo
}

// throttled learns a 429 to a request that started at start, answered
// now: retryAfter is its Retry-After (ok false when it had none that can
// be read).
func (st *ledgerState) throttled(start slot, now time.Time, retryAfter time.Duration, ok bool, p pace) {
	s := start.at.UnixNano()
	rate := float64(p.n)
	if st.rate > 0 && st.rate < rate {
		rate = st.rate
	}
	switch {
	case start.probe:
		if st.probe == s {
			st.probe = 0
		}
		// The window is full at this rate: it stands.
		st.quiet = now.Add(p.span).UnixNano()
	case s > st.lowered:
		// The starts of the span up to this one, but itself (some may
		// share its time).
		admitted := max(0, st.count(s-int64(p.span), s+1)-1)
		st.rate = max(p.minRate(), min(rate-1, decrease*float64(admitted)))
		st.measured, st.lowered = s, now.UnixNano()
		st.probe, st.quiet = 0, now.Add(p.span).UnixNano()
	case s < st.measured && s >= st.measured-int64(p.span):
		st.rate = max(p.minRate(), rate-1)
	}
	// The block: as the tenant asked, or longer when the block before
	// proved too short. Without a Retry-After, a tenth of a window.
	base := p.window / 10
	d := retryAfter
	if !ok {
		d = base
	}
	if st.blocked != 0 && s >= st.blocked {
		d = max(d, min(max(2*time.Duration(st.blockLen), base), p.window))
	}
	if until := now.Add(d).UnixNano(); until > st.blocked {
		st.blocked, st.blockLen = until, int64(d)
	}
}

// admitted learns an answer other than 429 to a request that started at
// start, and reports whether it changed anything: a block it was sent
// after proved long enough; a probe came through, and the rate rises.
func (st *ledgerState) admitted(start slot, p pace) bool {
	s := start.at.UnixNano()
	changed := false
	if st.blocked != 0 && s >= st.blocked {
		st.blocked, st.blockLen = 0, 0
		changed = true
	}
	if start.probe && st.rate > 0 {
		if st.probe == s {
			st.probe = 0
		}
		if st.rate++; st.rate >= float64(p.n) {
			st.rate = 0 // back to rate_limit
		}
		changed = true
	}
	return changed
}

// adopt takes what the machine's ledger learned into this process's own
// record, which keeps its own starts.
func (st *ledgerState) adopt(shared *ledgerState) {
	st.blocked, st.blockLen = shared.blocked, shared.blockLen
	st.rate, st.measured, st.lowered = shared.rate, shared.measured, shared.lowered
	st.probe, st.quiet = shared.probe, shared.quiet
}
