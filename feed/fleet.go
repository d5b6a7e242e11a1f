package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// DefaultConcurrency is the number of locations a [Fleet] polls at once
// unless [FleetOptions].Concurrency says otherwise.
const DefaultConcurrency = 8

// LocationHandler accepts one change of one location of a [Fleet]. Like
// [Handler], an error leaves that location's cycle unacknowledged.
type LocationHandler[T any] func(ctx context.Context, locationID string, c Change[T]) error

// FleetOptions configures a [Fleet]; the zero value (or nil) is usable.
type FleetOptions struct {
	// Concurrency caps the cycles running at once across the fleet
	// (default [DefaultConcurrency]); the others wait their turn.
	Concurrency int
	// Spread is the span over which [Fleet.Run] starts the locations'
	// first cycles (default: the feeds' interval): location i of n starts
	// in the i-th of n equal slots, at a random point of its first half,
	// so that no two locations poll in the same second while the slots are
	// wider than two seconds, and every later cycle keeps that phase.
	Spread time.Duration
	// Locations filters the agency's locations; IsInstalled is forced to
	// true (only installed locations can get a token).
	Locations ghl.InstalledLocationsParams
	// ClientOptions are passed to [ghl.Agency.ClientForLocation].
	ClientOptions []ghl.Option
}

// Fleet runs one feed definition for every location an agency's app is
// installed on ([ghl.Agency.AllInstalledLocations]): each location gets its
// own client ([ghl.Agency.ClientForLocation], so its own rate-limit bucket),
// its own [Feed] and its own checkpoint, under name + "/" + locationID.
//
//	fl, err := feed.NewFleet(agency, "contacts", func(loc string, c *ghl.Client) feed.Source[ghl.Contact] {
//		return feed.Contacts(c, loc, nil)
//	}, &feed.FleetOptions{Concurrency: 4}, feed.WithStore(store))
//	err = fl.Run(ctx, func(ctx context.Context, loc string, ch feed.Change[ghl.Contact]) error { ... })
//
// A Fleet is safe for concurrent use; the feeds' options ([WithStore],
// [WithInterval], [WithBudget], ...) apply to every location.
type Fleet[T any] struct {
	agency *ghl.Agency
	name   string
	source func(locationID string, c *ghl.Client) Source[T]
	fo     FleetOptions
	opts   []Option
	gate   chan struct{}
	log    *slog.Logger
	every  time.Duration

	mu    sync.Mutex
	feeds map[string]*Feed[T]
	order []string
}

// NewFleet returns a fleet of feeds named name (the checkpoint key prefix)
// over agency's installed locations; source builds a location's source
// from its ID and client. fo may be nil. The options are validated here,
// as [New] does.
func NewFleet[T any](agency *ghl.Agency, name string, source func(locationID string, c *ghl.Client) Source[T], fo *FleetOptions, opts ...Option) (*Fleet[T], error) {
	if agency == nil {
		return nil, errors.New("feed.NewFleet: agency is nil")
	}
	if name == "" {
		return nil, errors.New("feed.NewFleet: name is empty")
	}
	if source == nil {
		return nil, errors.New("feed.NewFleet: source is nil")
	}
	var o FleetOptions
	if fo != nil {
		o = *fo
	}
	if o.Concurrency < 0 || o.Spread < 0 {
		return nil, errors.New("feed.NewFleet: Concurrency and Spread must not be negative")
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	yes := true
	o.Locations.IsInstalled = &yes
	cfg := config{interval: DefaultInterval, logger: slog.Default()}
	for _, opt := range opts {
		opt(&cfg)
	}
	if len(cfg.errs) > 0 {
		return nil, fmt.Errorf("feed.NewFleet: %w", errors.Join(cfg.errs...))
	}
	if o.Spread == 0 {
		o.Spread = cfg.interval
	}
	fl := &Fleet[T]{agency: agency, name: name, source: source, fo: o, gate: make(chan struct{}, o.Concurrency),
		log: cfg.logger, every: cfg.interval, feeds: map[string]*Feed[T]{}}
	// Every location's feed shares the fleet's store unless one was given.
	if cfg.store == nil {
		fl.opts = append([]Option{WithStore(new(MemoryStore))}, opts...)
	} else {
		fl.opts = opts
	}
	return fl, nil
}

// Refresh lists the agency's installed locations and makes a feed for each
// one the fleet does not have yet; it returns the IDs of the fleet's
// locations in the order they were found. A location whose client cannot
// be had (its token refused) is logged, left out and tried again by the
// next Refresh; Refresh returns that error only when no location is left.
func (fl *Fleet[T]) Refresh(ctx context.Context) ([]string, error) {
	var errs []error
	for loc, err := range fl.agency.AllInstalledLocations(ctx, fl.fo.Locations) {
		if err != nil {
			return fl.Locations(), fmt.Errorf("feed fleet %s: listing locations: %w", fl.name, err)
		}
		if !loc.IsInstalled {
			continue
		}
		fl.mu.Lock()
		_, have := fl.feeds[loc.ID]
		fl.mu.Unlock()
		if have {
			continue
		}
		c, err := fl.agency.ClientForLocation(ctx, loc.ID, fl.fo.ClientOptions...)
		if err != nil {
			if ctx.Err() != nil {
				return fl.Locations(), ctx.Err()
			}
			fl.log.WarnContext(ctx, "feed fleet: no client for location", slog.String("fleet", fl.name),
				slog.String("location", loc.ID), slog.String("error", err.Error()))
			errs = append(errs, fmt.Errorf("location %s: %w", loc.ID, err))
			continue
		}
		f, err := New(fl.name+"/"+loc.ID, fl.source(loc.ID, c), fl.opts...)
		if err != nil {
			return fl.Locations(), fmt.Errorf("feed fleet %s: location %s: %w", fl.name, loc.ID, err)
		}
		f.gate = fl.gate
		fl.mu.Lock()
		if _, have := fl.feeds[loc.ID]; !have {
			fl.feeds[loc.ID] = f
			fl.order = append(fl.order, loc.ID)
		}
		fl.mu.Unlock()
	}
	ids := fl.Locations()
	if len(ids) == 0 && len(errs) > 0 {
		return nil, fmt.Errorf("feed fleet %s: %w", fl.name, errors.Join(errs...))
	}
	return ids, nil
}

// Locations returns the IDs of the fleet's locations, in the order found.
func (fl *Fleet[T]) Locations() []string {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return append([]string(nil), fl.order...)
}

// Feed returns the feed of locationID, nil before a Refresh found it.
func (fl *Fleet[T]) Feed(locationID string) *Feed[T] {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return fl.feeds[locationID]
}

// Stats returns every location's [Stats], by location ID.
func (fl *Fleet[T]) Stats() map[string]Stats {
	fl.mu.Lock()
	feeds := make(map[string]*Feed[T], len(fl.feeds))
	for id, f := range fl.feeds {
		feeds[id] = f
	}
	fl.mu.Unlock()
	out := make(map[string]Stats, len(feeds))
	for id, f := range feeds {
		out[id] = f.Stats()
	}
	return out
}

// Cycle refreshes the locations, then runs one cycle of every location's
// feed, at most Concurrency at once, each location's changes passed to h in
// order. It returns when every cycle ended, with their errors joined.
func (fl *Fleet[T]) Cycle(ctx context.Context, h LocationHandler[T]) error {
	if h == nil {
		return errors.New("feed.Fleet.Cycle: handler is nil")
	}
	ids, err := fl.Refresh(ctx)
	if err != nil && len(ids) == 0 {
		return err
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		f := fl.Feed(id)
		wg.Go(func() {
			select {
			case fl.gate <- struct{}{}:
			case <-ctx.Done():
				errs[i] = fmt.Errorf("feed %s: %w", f.Key(), ctx.Err())
				return
			}
			defer func() { <-fl.gate }()
			errs[i] = f.Cycle(ctx, locationHandler(id, h))
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Run refreshes the locations and runs every location's feed on its
// schedule ([Feed.Run]) until ctx ends, then returns ctx's error once
// every feed stopped. First cycles are spread over [FleetOptions].Spread;
// at most Concurrency cycles run at once. Locations installed later are
// picked up by a Refresh every interval. Run returns before ctx ends only
// when the first listing fails or finds no location it can poll.
func (fl *Fleet[T]) Run(ctx context.Context, h LocationHandler[T]) error {
	if h == nil {
		return errors.New("feed.Fleet.Run: handler is nil")
	}
	ids, err := fl.Refresh(ctx)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	started := map[string]bool{}
	start := func(ids []string, slots int) {
		for i, id := range ids {
			if started[id] {
				continue
			}
			started[id] = true
			f := fl.Feed(id)
			first := time.Duration((float64(i) + rand.Float64()/2) * float64(fl.fo.Spread) / float64(max(slots, 1)))
			wg.Go(func() { _ = f.run(ctx, locationHandler(id, h), first) })
		}
	}
	start(ids, len(ids))
	for {
		if err := sleep(ctx, fl.every); err != nil {
			break
		}
		ids, err := fl.Refresh(ctx)
		if err != nil {
			fl.log.WarnContext(ctx, "feed fleet: refresh failed", slog.String("fleet", fl.name), slog.String("error", err.Error()))
		}
		var fresh []string
		for _, id := range ids {
			if !started[id] {
				fresh = append(fresh, id)
			}
		}
		sort.Strings(fresh)
		start(fresh, len(fresh))
	}
	wg.Wait()
	return ctx.Err()
}

func locationHandler[T any](id string, h LocationHandler[T]) Handler[T] {
	return func(ctx context.Context, c Change[T]) error { return h(ctx, id, c) }
}
