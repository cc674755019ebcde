package sailpoint

import (
	"math"
	"slices"
	"time"
)

// The schedule of a wait: when to read a running task again, from what the
// waiter knows of it. It is pure (every decision takes the time as an
// argument) and table-tested on a fake clock.
//
// The rule: each source of knowledge gives a window of ages (time since the
// task started) in which the task should end. Earlier runs of the same
// kind on the same source give the window from the shortest to the
// longest of them; percentComplete, once it has risen between two reads,
// gives the age at which it would reach 100 at the rate it rose, give or
// take what whole percents hide. Inside the window the reads are spread
// evenly, at most densePause apart, the first one step after its start and
// the last at its end. Before the window each pause covers three quarters
// of the way to that first read: sparse while the end is far, and a task
// that ends early is still seen soon. Past the window the pauses double
// from densePause (the task outran its prediction). Progress is evidence
// about this run, so its window comes first; the history's serves while
// progress has not risen, or after progress's window passed. Knowing
// neither, the pauses are the backoff of a waiter without a schedule
// (doubling from MinInterval). Every pause lies within the waiter's
// bounds, the cap (MaxInterval, poll_interval) included: with MinInterval
// equal to MaxInterval it is a fixed interval.

// densePause is the longest pause between reads inside the predicted
// window: the end is seen about a second late on average. Shorter, the
// mean lag falls and the reads grow as the window is wide; the figures of
// README's poll benchmark are measured with this value.
const densePause = 2500 * time.Millisecond

// approachShare is how much of the way to the window's first read a pause
// before the window covers: a task that ends before its window (earlier
// than every run before it) is seen within a third of the time it was
// early, and the window is reached in few reads.
const approachShare = 0.75

// maxHistoryRuns is how many of the latest earlier runs the history
// window is built from: recent enough to be alike, enough to span them.
const maxHistoryRuns = 5

// schedule decides the pauses of one wait.
type schedule struct {
	minI, maxI time.Duration
	// started is when the task started by this machine's clock, as far as
	// the waiter can tell: the first read, or earlier when the task's own
	// timestamps (modified less launched, both the tenant's clock) say it
	// had been running longer.
	started  time.Time
	anchored bool // started has taken the task's own timestamps into account

	history  *window // from earlier runs; nil without them
	progress *window // from percentComplete's rise; nil until it rose
	// base is the first reading of the current rise of percentComplete,
	// last the reading at which it last rose.
	base, last *reading

	overdue int // pauses since the task outran every window
	pauses  int // pauses so far
}

// window is a span of the task's ages in which it should end.
type window struct{ lo, hi time.Duration }

// reading is percentComplete at an age of the task.
type reading struct {
	age     time.Duration
	percent float64
}

func newSchedule(minI, maxI time.Duration) *schedule {
	return &schedule{minI: minI, maxI: maxI}
}

// dense is the pause inside a window, within the waiter's bounds.
func (s *schedule) dense() time.Duration { return min(max(densePause, s.minI), s.maxI) }

// age is how long the task has run at now.
func (s *schedule) age(now time.Time) time.Duration {
	if s.started.IsZero() {
		return 0
	}
	return max(now.Sub(s.started), 0)
}

// observe takes in a read, at now, that found the task running.
func (s *schedule) observe(now time.Time, ts *TaskStatus) {
	if s.started.IsZero() {
		s.started = now
	}
	if !s.anchored && ts != nil {
		if ran, ok := serverAge(ts); ok {
			s.anchored = true
			if at := now.Add(-ran); at.Before(s.started) {
				s.started = at
			}
		}
	}
	p, ok := percentComplete(ts)
	if !ok {
		return
	}
	r := &reading{age: s.age(now), percent: p}
	switch {
	case s.base == nil || p < s.last.percent:
		// The first reading, or progress went back (a new phase counting
		// from its own start): what rose before says nothing now.
		s.base, s.last, s.progress = r, r, nil
	case p > s.last.percent:
		s.last = r
		s.progress = progressWindow(s.base, r)
	}
	// Unchanged: the window made at the last rise stands; if the task
	// stalls past it, the pauses back off.
}

// progressWindow is where percentComplete, rising from base to last at
// the rate it did, reaches 100: give or take the time one percent takes
// at each end, and the share of the remaining time the whole percents of
// the rise leave uncertain.
func progressWindow(base, last *reading) *window {
	if last.percent >= 100 {
		return &window{lo: last.age, hi: last.age}
	}
	rise := last.percent - base.percent
	span := (last.age - base.age).Seconds()
	if rise <= 0 || span <= 0 {
		return nil
	}
	rate := rise / span // percent per second
	remaining := (100 - last.percent) / rate
	spread := 1 / rate
	end := last.age.Seconds() + remaining
	return &window{lo: seconds(max(end-spread, last.age.Seconds())), hi: seconds(end + spread)}
}

// setHistory takes in how long earlier runs of the same kind took, the
// latest first. Runs more than twice as long or half as short as their
// median are left out: one odd run does not stretch the window.
func (s *schedule) setHistory(runs []time.Duration) {
	var kept []time.Duration
	for _, d := range runs {
		if d > 0 {
			kept = append(kept, d)
		}
		if len(kept) == maxHistoryRuns {
			break
		}
	}
	if len(kept) == 0 {
		return
	}
	slices.Sort(kept)
	median := kept[len(kept)/2]
	w := window{lo: -1}
	for _, d := range kept {
		if d < median/2 || d > 2*median {
			continue
		}
		if w.lo < 0 {
			w.lo = d
		}
		w.hi = d
	}
	s.history = &w
}

// step is the pause inside the window: at most dense, the window divided
// evenly.
func (w *window) step(dense time.Duration) time.Duration {
	width := w.hi - w.lo
	if width <= 0 {
		return dense
	}
	n := (width + dense - 1) / dense
	return width / n
}

// target is the window the task's end is looked for in at age: progress
// first, then the history; nil when every window has passed, or there is
// none.
func (s *schedule) target(age time.Duration) *window {
	for _, w := range []*window{s.progress, s.history} {
		if w != nil && age <= w.hi {
			return w
		}
	}
	return nil
}

// next is the pause after a read at now, before jitter.
func (s *schedule) next(now time.Time) time.Duration {
	age := s.age(now)
	dense := s.dense()
	var d time.Duration
	switch w := s.target(age); {
	case w == nil && s.progress == nil && s.history == nil:
		// Nothing known: the backoff of a waiter without a schedule.
		d = doubling(s.minI, s.maxI, s.pauses)
	case w == nil:
		// Past every window: back off again, from the dense pause.
		d = dense << min(s.overdue, 20)
		s.overdue++
	default:
		// Reads spread evenly over the window, none at its start (the task
		// is not expected to have ended by then) and the last at its end.
		s.overdue = 0
		step := w.step(dense)
		first := min(w.lo+step, w.hi)
		if gap := first - age; gap > 2*dense {
			d = time.Duration(float64(gap) * approachShare)
		} else if gap > 0 {
			d = gap
		} else {
			d = step
		}
	}
	s.pauses++
	return min(max(d, s.minI), s.maxI)
}

// doubling is the n-th pause (from 0) of a wait that knows nothing of the
// task: minI doubling up to maxI.
func doubling(minI, maxI time.Duration, n int) time.Duration {
	d := minI
	for range n {
		if d >= maxI/2 {
			return maxI
		}
		d *= 2
	}
	return min(d, maxI)
}

// serverAge is how long the task had run when the tenant last modified
// it, by the tenant's own clock (modified less launched, or created when
// it was not launched yet), so the two clocks are never compared.
func serverAge(ts *TaskStatus) (time.Duration, bool) {
	modified, ok := ts.ModifiedAt()
	if !ok {
		return 0, false
	}
	start, ok := ts.LaunchedAt()
	if !ok {
		return 0, false
	}
	if d := modified.Sub(start); d >= 0 {
		return d, true
	}
	return 0, false
}

// percentComplete is the task's percentComplete when it is a number from
// 0 to 100.
func percentComplete(ts *TaskStatus) (float64, bool) {
	if ts == nil || ts.PercentComplete == nil {
		return 0, false
	}
	p, err := ts.PercentComplete.Float64()
	if err != nil || math.IsNaN(p) || p < 0 || p > 100 {
		return 0, false
	}
	return p, true
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
