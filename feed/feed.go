package feed

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// Kind says what happened to a record.
type Kind uint8

// The kinds of change.
const (
	// Created is a record the feed had not delivered before and that was
	// created since the feed's previous cycle (every record, on the first
	// cycle of a feed without a checkpoint).
	Created Kind = iota + 1
	// Updated is a record delivered before whose content changed (snapshot)
	// or whose version moved (watermark).
	Updated
	// Deleted is a record delivered before that a complete read no longer
	// finds. Only snapshot feeds report it.
	Deleted
)

// String returns "created", "updated" or "deleted".
func (k Kind) String() string {
	switch k {
	case Created:
		return "created"
	case Updated:
		return "updated"
	case Deleted:
		return "deleted"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Change is one record that changed, as a feed delivers it.
type Change[T any] struct {
	Kind Kind
	// ID is the record's ID.
	ID string
	// Record is the record as the read returned it; nil for Deleted.
	Record *T
	// Version is the record's version (its dateUpdated) for watermark
	// feeds; the zero time for snapshot feeds.
	Version time.Time
}

// Handler accepts one change. An error leaves the cycle unacknowledged:
// its checkpoint is not saved and its changes are delivered again by the
// next cycle.
type Handler[T any] func(ctx context.Context, c Change[T]) error

// Source is a strategy reading one list or search: a [*Watermark] or a
// [*Snapshot], usually from a constructor such as [Contacts] or [Users].
// Its methods are unexported: only this package's strategies implement it.
type Source[T any] interface {
	// SourceName names the source in logs, such as "contacts".
	SourceName() string
	poll(ctx context.Context, p *pollCtx[T]) (pollResult, error)
}

// pollCtx is what a strategy gets for one cycle.
type pollCtx[T any] struct {
	state []byte    // the checkpoint, nil for a new feed
	start time.Time // the cycle's start, on the feed's clock
	// emit delivers a change; false means the consumer stopped (the
	// strategy returns at once and nothing is saved).
	emit func(Change[T]) bool
	// persist saves a checkpoint before the changes it covers are
	// delivered (a snapshot's new IDs); the cycle's final save replaces it.
	persist func(state []byte) error
}

// pollResult is what a strategy read.
type pollResult struct {
	state    []byte    // the checkpoint to save once acknowledged; nil: none
	entries  int       // records the checkpoint remembers
	caughtUp time.Time // every change before this time is delivered
	newest   time.Time // the newest version delivered (watermark)
	partial  bool      // the read was cut short
}

// Defaults of a feed's schedule.
const (
	DefaultInterval   = 5 * time.Minute
	MinInterval       = time.Minute
	MaxInterval       = 15 * time.Minute
	DefaultJitter     = 0.1
	DefaultMaxBackoff = time.Hour
)

type config struct {
	store      CheckpointStore
	interval   time.Duration
	jitter     float64
	budget     int
	maxBackoff time.Duration
	logger     *slog.Logger
	now        func() time.Time
	errs       []error
}

// Option configures a [Feed].
type Option func(*config)

// WithStore keeps checkpoints in s (default: a new [MemoryStore], which does
// not survive the process: use a [FileStore] or a shared store in
// production).
func WithStore(s CheckpointStore) Option {
	return func(c *config) {
		if s == nil {
			c.errs = append(c.errs, errors.New("WithStore: store is nil"))
			return
		}
		c.store = s
	}
}

// WithInterval sets the time between the cycles of [Feed.Run], from
// [MinInterval] (1 minute) to [MaxInterval] (15 minutes), default
// [DefaultInterval]; jitter is added to it.
func WithInterval(d time.Duration) Option {
	return func(c *config) {
		if d < MinInterval || d > MaxInterval {
			c.errs = append(c.errs, fmt.Errorf("WithInterval: %v is outside %v..%v", d, MinInterval, MaxInterval))
			return
		}
		c.interval = d
	}
}

// WithJitter adds a random share of up to j (0 to 1, default
// [DefaultJitter]) of each wait to it, and delays the first cycle of Run
// by up to j of the interval, so that feeds started together (one per
// location) do not poll in the same second.
func WithJitter(j float64) Option {
	return func(c *config) {
		if j < 0 || j > 1 {
			c.errs = append(c.errs, fmt.Errorf("WithJitter: %v is outside 0..1", j))
			return
		}
		c.jitter = j
	}
}

// WithBudget caps the requests one cycle may send (every attempt, retries
// included, through the client's rate limiter; see [ghl.RequestBudget]);
// 0, the default, is no cap. A cycle that reaches the cap ends with an
// error matching [ghl.ErrBudgetSpent]: a watermark feed keeps the progress
// of what it delivered and goes on from there next cycle; a snapshot feed
// keeps the records it read but reports deletions only after a complete
// read, so give it at least the pages of one full read.
func WithBudget(requests int) Option {
	return func(c *config) {
		if requests < 0 {
			c.errs = append(c.errs, fmt.Errorf("WithBudget: %d is negative", requests))
			return
		}
		c.budget = requests
	}
}

// WithMaxBackoff caps the wait after failed cycles (default
// [DefaultMaxBackoff]): the k-th failure in a row waits the interval times
// 2^k, at most this, and at least what a 429's Retry-After asks.
func WithMaxBackoff(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.errs = append(c.errs, fmt.Errorf("WithMaxBackoff: %v is not positive", d))
			return
		}
		c.maxBackoff = d
	}
}

// WithLogger logs each cycle to l (default [slog.Default]): Info for a
// cycle that delivered changes, Warn for a failed one, Debug otherwise.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithClock replaces time.Now for the feed's notion of now: when a cycle
// starts (the time a complete read is caught up to) and [Stats.Lag]. Pass
// the API's clock (in tests, the emulator's) when it is not the local one.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// Feed polls one source and delivers its changes, at least once, remembering
// in a checkpoint where it is. Use [Feed.Poll] to range over the changes of
// one cycle, [Feed.Cycle] for one cycle with a handler and [Feed.Run] to
// poll on a schedule. Cycles of one Feed never overlap; a Feed is safe for
// concurrent use.
type Feed[T any] struct {
	key string
	src Source[T]
	cfg config
	sem chan struct{}
	// gate, when set (by a Fleet), is held by Run around each cycle, to
	// bound the cycles running at once across feeds.
	gate chan struct{}

	mu    sync.Mutex
	stats Stats
}

// New returns a feed of src whose checkpoint is kept under key, such as
// "contacts/" + locationID: two feeds with one key and one store share a
// checkpoint, so give every source and location its own.
func New[T any](key string, src Source[T], opts ...Option) (*Feed[T], error) {
	if key == "" {
		return nil, errors.New("feed.New: key is empty")
	}
	if src == nil {
		return nil, errors.New("feed.New: source is nil")
	}
	cfg := config{interval: DefaultInterval, jitter: DefaultJitter, maxBackoff: DefaultMaxBackoff, now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.errs) > 0 {
		return nil, fmt.Errorf("feed.New: %w", errors.Join(cfg.errs...))
	}
	if cfg.store == nil {
		cfg.store = new(MemoryStore)
	}
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	return &Feed[T]{key: key, src: src, cfg: cfg, sem: make(chan struct{}, 1), stats: Stats{Key: key}}, nil
}

// Key returns the feed's checkpoint key.
func (f *Feed[T]) Key() string { return f.key }

// Poll runs one cycle as an iterator: it loads the checkpoint, reads the
// source (its requests go through the source's client, within the budget)
// and yields each change as it is read. Ranging to the end of the loop
// acknowledges the cycle: the checkpoint is saved, and a failure to save it
// is yielded as a final error. Breaking out of the loop acknowledges
// nothing: the next cycle delivers the same changes again (at-least-once).
//
// An error is yielded at most once, last, with a zero Change. When the read
// failed or ran out of budget part way, the changes yielded before are
// still acknowledged and their progress saved before the error is yielded,
// so nothing read is lost and nothing unread is skipped.
func (f *Feed[T]) Poll(ctx context.Context) iter.Seq2[Change[T], error] {
	return func(yield func(Change[T], error) bool) {
		select {
		case f.sem <- struct{}{}:
		case <-ctx.Done():
			yield(Change[T]{}, fmt.Errorf("feed %s: %w", f.key, ctx.Err()))
			return
		}
		defer func() { <-f.sem }()
		if err := f.cycle(ctx, yield); err != nil {
			yield(Change[T]{}, err)
		}
	}
}

// errUnacknowledged marks a cycle the consumer stopped.
var errUnacknowledged = errors.New("not acknowledged: the consumer stopped")

// cycle runs one cycle; it returns the error to yield last.
func (f *Feed[T]) cycle(ctx context.Context, yield func(Change[T], error) bool) error {
	start := f.cfg.now()
	info := cycleInfo{start: start}
	defer func() { f.finish(ctx, &info) }()

	state, err := f.cfg.store.Load(ctx, f.key)
	if err != nil {
		info.err = fmt.Errorf("feed %s: loading the checkpoint: %w", f.key, err)
		return info.err
	}
	budget := ghl.NewRequestBudget(f.cfg.budget)
	stopped := false
	p := &pollCtx[T]{state: state, start: start, emit: func(c Change[T]) bool {
		if !yield(c, nil) {
			stopped = true
			return false
		}
		info.delivered[c.Kind]++
		return true
	}, persist: func(state []byte) error {
		if err := f.cfg.store.Save(ctx, f.key, state); err != nil {
			return fmt.Errorf("saving the checkpoint: %w", err)
		}
		return nil
	}}
	res, srcErr := f.src.poll(ghl.ContextWithBudget(ctx, budget), p)
	info.requests = budget.Used()
	info.res = res
	if stopped {
		info.err = errUnacknowledged
		info.unacked = true
		return nil
	}
	if srcErr != nil {
		srcErr = fmt.Errorf("feed %s: %w", f.key, srcErr)
	}
	if res.state != nil {
		if err := f.cfg.store.Save(ctx, f.key, res.state); err != nil {
			info.err = errors.Join(srcErr, fmt.Errorf("feed %s: saving the checkpoint: %w", f.key, err))
			info.saveFailed = true
			return info.err
		}
		info.saved = true
	}
	info.err = srcErr
	return srcErr
}

// Cycle runs one cycle with h: every change of the cycle is passed to h in
// order, and the checkpoint is saved once h accepted them all. When h fails,
// Cycle returns its error at once, leaving the checkpoint where it was.
// Cycle returns an error matching [ghl.ErrBudgetSpent] when the budget cut
// the cycle short (its progress is saved).
func (f *Feed[T]) Cycle(ctx context.Context, h Handler[T]) error {
	if h == nil {
		return errors.New("feed.Cycle: handler is nil")
	}
	for c, err := range f.Poll(ctx) {
		if err != nil {
			return err
		}
		if err := h(ctx, c); err != nil {
			return fmt.Errorf("feed %s: handler, on %s %s: %w", f.key, c.Kind, c.ID, err)
		}
	}
	return nil
}

// Run polls until ctx ends, then returns ctx's error. Each cycle is
// [Feed.Cycle] with h; cycles are an interval apart ([WithInterval]) plus
// jitter, and the first starts after a random part of the jitter. A failed
// cycle (the read, h or the store) is logged and retried with exponential
// backoff ([WithMaxBackoff]); a cycle cut short by the budget is not a
// failure. Run never returns before ctx ends, except for a nil h.
func (f *Feed[T]) Run(ctx context.Context, h Handler[T]) error {
	if h == nil {
		return errors.New("feed.Run: handler is nil")
	}
	return f.run(ctx, h, time.Duration(rand.Float64()*f.cfg.jitter*float64(f.cfg.interval)))
}

// run is Run with the wait before the first cycle.
func (f *Feed[T]) run(ctx context.Context, h Handler[T], wait time.Duration) error {
	failures := 0
	for {
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		err := f.gatedCycle(ctx, h)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil || errors.Is(err, ghl.ErrBudgetSpent) {
			failures = 0
			wait = f.jittered(f.cfg.interval)
			continue
		}
		failures++
		wait = f.backoff(failures, err)
	}
}

// gatedCycle is Cycle, holding the fleet's gate when there is one.
func (f *Feed[T]) gatedCycle(ctx context.Context, h Handler[T]) error {
	if f.gate != nil {
		select {
		case f.gate <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		defer func() { <-f.gate }()
	}
	return f.Cycle(ctx, h)
}

// jittered adds up to the jitter share of d to d.
func (f *Feed[T]) jittered(d time.Duration) time.Duration {
	return d + time.Duration(rand.Float64()*f.cfg.jitter*float64(d))
}

// backoff is the wait after the n-th failed cycle in a row.
func (f *Feed[T]) backoff(n int, err error) time.Duration {
	d := f.cfg.interval
	for i := 0; i < n && d < f.cfg.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, f.cfg.maxBackoff)
	var rl *ghl.RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter > d {
		d = rl.RetryAfter
	}
	return f.jittered(d)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
