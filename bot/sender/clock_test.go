package sender_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// clockStart is where every fake clock of these tests starts.
var clockStart = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)

// hangGuard bounds, in real time, how long a test waits for something that
// happens at once when the sender is right; it only catches a hang.
const hangGuard = 5 * time.Second

// fakeClock is virtual time shared by a sender (Options.Now and Sleep) and
// the emulator (which stamps each request with it), so that pacing is
// checked in exact virtual time on any machine.
//
// By default Sleep moves the clock on at once by its duration (one sleeper
// at a time gives exact times; concurrent sleeps add up, so the clock then
// only runs ahead). After hold, Sleep blocks until the test moves the clock
// past its end (advanceTo) or lets it run again (release).
type fakeClock struct {
	mu       sync.Mutex
	now      time.Time
	held     bool
	sleeps   []time.Duration
	sleepers []*sleeper
}

// sleeper is a Sleep blocked on a held clock.
type sleeper struct {
	until time.Time
	wake  chan struct{}
}

func newFakeClock() *fakeClock { return &fakeClock{now: clockStart} }

// Now returns the virtual time.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d and lets d of virtual time pass, at once or (held) when
// the test moves the clock; ctx's error if ctx ends first.
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	if !c.held {
		c.now = c.now.Add(d)
		c.mu.Unlock()
		return ctx.Err()
	}
	sl := &sleeper{until: c.now.Add(d), wake: make(chan struct{})}
	c.sleepers = append(c.sleepers, sl)
	c.mu.Unlock()
	select {
	case <-sl.wake:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		c.sleepers = slices.DeleteFunc(c.sleepers, func(o *sleeper) bool { return o == sl })
		c.mu.Unlock()
		return ctx.Err()
	}
}

// sleepCount returns how many times Sleep was called.
func (c *fakeClock) sleepCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sleeps)
}

// hold makes later Sleeps block until the test moves the clock.
func (c *fakeClock) hold() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.held = true
}

// release lets the clock run again: blocked sleepers wake, the clock
// standing at the latest of their ends, and later Sleeps pass at once.
func (c *fakeClock) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.held = false
	for _, sl := range c.sleepers {
		if sl.until.After(c.now) {
			c.now = sl.until
		}
		close(sl.wake)
	}
	c.sleepers = nil
}

// advanceTo moves a held clock to t and wakes the sleepers whose end has
// come.
func (c *fakeClock) advanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t
	}
	c.sleepers = slices.DeleteFunc(c.sleepers, func(sl *sleeper) bool {
		if sl.until.After(c.now) {
			return false
		}
		close(sl.wake)
		return true
	})
}

// awaitSleepers waits until exactly n Sleeps are blocked on the held clock
// and returns their ends, earliest first. More than n fails at once.
func (c *fakeClock) awaitSleepers(tb testing.TB, n int) []time.Time {
	tb.Helper()
	guard := time.Now().Add(hangGuard)
	for {
		c.mu.Lock()
		ends := make([]time.Time, len(c.sleepers))
		for i, sl := range c.sleepers {
			ends[i] = sl.until
		}
		c.mu.Unlock()
		slices.SortFunc(ends, time.Time.Compare)
		switch {
		case len(ends) == n:
			return ends
		case len(ends) > n:
			tb.Fatalf("%d waits on the clock (ending %v), want %d", len(ends), ends, n)
		case time.Now().After(guard):
			tb.Fatalf("%d waits on the clock (ending %v), want %d", len(ends), ends, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// eventually waits (real time, bounded by hangGuard) until cond holds and
// fails with what otherwise.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	guard := time.Now().Add(hangGuard)
	for !cond() {
		if time.Now().After(guard) {
			tb.Fatalf("still not %s after %v", what, hangGuard)
		}
		time.Sleep(time.Millisecond)
	}
}

// at is the virtual time d after clockStart.
func at(d time.Duration) time.Time { return clockStart.Add(d) }

// near reports whether got is within a millisecond of want (the rate
// limiter rounds its delays to whole nanoseconds).
func near(got, want time.Time) bool {
	d := got.Sub(want)
	return d > -time.Millisecond && d < time.Millisecond
}
