package ghltest

import (
	"sync"
	"time"
)

// ManualClock is a settable clock for [WithClock]: time stands still until
// Advance or Set moves it. It is safe for concurrent use.
//
//	clk := ghltest.NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
//	srv := ghltest.NewServer(ghltest.WithClock(clk.Now))
//	clk.Advance(10 * time.Second) // opens a new rate-limit window
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a clock reading t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}
