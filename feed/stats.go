package feed

import (
	"context"
	"errors"
	"log/slog"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// Stats describes a feed's work since it was made.
type Stats struct {
	// Key is the feed's checkpoint key.
	Key string
	// Cycles counts the cycles run; Acknowledged those whose checkpoint
	// was saved after the consumer accepted every change; Failed those
	// that ended with an error (read, handler or store); Partial those
	// cut short by the budget.
	Cycles, Acknowledged, Failed, Partial int
	// Delivered counts the changes the consumer accepted, by kind in
	// Created, Updated and Deleted. A change delivered again after an
	// unacknowledged cycle counts again.
	Delivered, Created, Updated, Deleted int
	// Requests counts the requests the feed's cycles sent (every attempt);
	// LastRequests those of the last cycle.
	Requests, LastRequests int
	// LastCycle is when the last cycle started; LastDuration how long it
	// took; LastError its error, nil when it succeeded.
	LastCycle    time.Time
	LastDuration time.Duration
	LastError    error
	// CaughtUp is the time up to which every change has been delivered and
	// acknowledged: the start of the last complete read, or for a
	// watermark cut short the version it reached. Lag is the time from
	// CaughtUp to the moment Stats was called: how far behind the newest
	// change the consumer may be.
	CaughtUp time.Time
	Lag      time.Duration
	// Newest is the version of the newest change a watermark feed
	// delivered.
	Newest time.Time
	// CheckpointBytes is the size of the last checkpoint written, and
	// CheckpointEntries the records it remembers: (ID, version) pairs
	// within the overlap for a watermark, (ID, 8-byte hash) pairs for a
	// snapshot.
	CheckpointBytes, CheckpointEntries int
}

// Stats returns the feed's figures.
func (f *Feed[T]) Stats() Stats {
	f.mu.Lock()
	s := f.stats
	f.mu.Unlock()
	if !s.CaughtUp.IsZero() {
		s.Lag = max(f.cfg.now().Sub(s.CaughtUp), 0)
	}
	return s
}

// cycleInfo is what one cycle did, for Stats and the log.
type cycleInfo struct {
	start      time.Time
	delivered  [4]int // by Kind
	requests   int
	res        pollResult
	err        error
	saved      bool
	saveFailed bool
	unacked    bool
}

// finish records a cycle in the stats and logs it.
func (f *Feed[T]) finish(ctx context.Context, c *cycleInfo) {
	d := f.cfg.now().Sub(c.start)
	n := c.delivered[Created] + c.delivered[Updated] + c.delivered[Deleted]
	budgetCut := errors.Is(c.err, ghl.ErrBudgetSpent)
	f.mu.Lock()
	s := &f.stats
	s.Cycles++
	s.Delivered += n
	s.Created += c.delivered[Created]
	s.Updated += c.delivered[Updated]
	s.Deleted += c.delivered[Deleted]
	s.Requests += c.requests
	s.LastRequests = c.requests
	s.LastCycle, s.LastDuration, s.LastError = c.start, d, c.err
	switch {
	case budgetCut && !c.saveFailed:
		s.Partial++
	case c.err != nil:
		s.Failed++
	}
	if c.saved {
		if !budgetCut {
			s.Acknowledged++
		}
		s.CheckpointBytes, s.CheckpointEntries = len(c.res.state), c.res.entries
		if c.res.caughtUp.After(s.CaughtUp) {
			s.CaughtUp = c.res.caughtUp
		}
		if c.res.newest.After(s.Newest) {
			s.Newest = c.res.newest
		}
	}
	caught := s.CaughtUp
	f.mu.Unlock()

	log := f.cfg.logger
	level := slog.LevelDebug
	switch {
	case c.err != nil && !budgetCut:
		level = slog.LevelWarn
	case n > 0 || budgetCut:
		level = slog.LevelInfo
	}
	if !log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("feed", f.key), slog.String("source", f.src.SourceName()),
		slog.Int("created", c.delivered[Created]), slog.Int("updated", c.delivered[Updated]),
		slog.Int("deleted", c.delivered[Deleted]), slog.Int("requests", c.requests),
		slog.Duration("duration", d), slog.Bool("acknowledged", c.saved && !c.unacked),
	}
	if c.saved {
		attrs = append(attrs, slog.Int("checkpoint_bytes", len(c.res.state)))
	}
	if !caught.IsZero() {
		attrs = append(attrs, slog.Duration("lag", max(f.cfg.now().Sub(caught), 0)))
	}
	if c.err != nil {
		attrs = append(attrs, slog.String("error", c.err.Error()))
	}
	log.LogAttrs(ctx, level, "feed cycle", attrs...)
}
