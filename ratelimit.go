package ghl

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate is the quota HighLevel reported on a response, from its
// X-RateLimit-* headers. A field is zero when its header was absent.
//
// Docs: https://marketplace.gohighlevel.com/docs/other/rate-limits
type Rate struct {
	// Max is the burst limit per interval (X-RateLimit-Max), 100 by default.
	Max int
	// Remaining is what is left of the burst limit (X-RateLimit-Remaining).
	Remaining int
	// Interval is the burst window (X-RateLimit-Interval-Milliseconds).
	Interval time.Duration
	// DailyLimit is the daily quota (X-RateLimit-Limit-Daily), 200,000 by default.
	DailyLimit int
	// DailyRemaining is what is left of the daily quota
	// (X-RateLimit-Daily-Remaining).
	DailyRemaining int
	// known records which headers were present.
	known uint8
}

const (
	knownRemaining uint8 = 1 << iota
	knownDailyRemaining
)

// HasDailyRemaining reports whether the response carried
// X-RateLimit-Daily-Remaining, so that a zero DailyRemaining means spent.
func (r Rate) HasDailyRemaining() bool { return r.known&knownDailyRemaining != 0 }

// parseRate reads the X-RateLimit-* headers.
func parseRate(h http.Header) Rate {
	var r Rate
	if v, ok := headerInt(h, "X-Ratelimit-Max"); ok {
		r.Max = v
	}
	if v, ok := headerInt(h, "X-Ratelimit-Remaining"); ok {
		r.Remaining = v
		r.known |= knownRemaining
	}
	if v, ok := headerInt(h, "X-Ratelimit-Interval-Milliseconds"); ok {
		// Capped at a day, so that no value can overflow a Duration.
		r.Interval = time.Duration(min(v, 86_400_000)) * time.Millisecond
	}
	if v, ok := headerInt(h, "X-Ratelimit-Limit-Daily"); ok {
		r.DailyLimit = v
	}
	if v, ok := headerInt(h, "X-Ratelimit-Daily-Remaining"); ok {
		r.DailyRemaining = v
		r.known |= knownDailyRemaining
	}
	return r
}

func headerInt(h http.Header, key string) (int, bool) {
	vs := h[key] // keys are canonical
	if len(vs) == 0 {
		return 0, false
	}
	n, err := strconv.Atoi(vs[0])
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// RateLimit configures the client-side limiter. HighLevel allows 100
// requests per 10 seconds and 200,000 a day, per app per location or
// company; the limiter keeps each bucket under the burst limit so that
// requests wait on the client instead of being refused with 429.
type RateLimit struct {
	// Requests per Interval is the sustained rate of one bucket.
	Requests int
	// Interval is the window Requests are spread over.
	Interval time.Duration
	// Burst is how many requests may go at once after a quiet spell.
	Burst int
	// Disabled turns the limiter off (the daily-quota guard stays on).
	Disabled bool
}

// DefaultRateLimit keeps any 10-second window at or under HighLevel's 100
// requests: 9 requests a second with a burst of 10 allows at most
// 10 + 9×10 = 100 in 10 s.
func DefaultRateLimit() RateLimit {
	return RateLimit{Requests: 90, Interval: 10 * time.Second, Burst: 10}
}

func (l RateLimit) validate() error {
	if l.Disabled {
		return nil
	}
	if l.Requests <= 0 || l.Interval <= 0 || l.Burst <= 0 {
		return errors.New("ghl: RateLimit: Requests, Interval and Burst must be positive (or set Disabled)")
	}
	return nil
}

// RateLimiter holds one token bucket per location or company, and the daily
// quota HighLevel last reported for each. One busy location never slows
// another. It is safe for concurrent use and may be shared by clients.
type RateLimiter struct {
	cfg RateLimit
	now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim *rate.Limiter // nil when disabled

	mu          sync.Mutex
	last        Rate
	dailyUntil  time.Time // the daily quota is spent until then
	hasObserved bool
	serverMax   int           // the burst limit the limiter was last fitted to
	serverEvery time.Duration // its interval
}

// NewRateLimiter returns a limiter with one bucket per key. A zero or
// invalid RateLimit falls back to [DefaultRateLimit].
func NewRateLimiter(l RateLimit) *RateLimiter {
	if l.validate() != nil || (!l.Disabled && l.Requests == 0) {
		l = DefaultRateLimit()
	}
	return &RateLimiter{cfg: l, now: time.Now, buckets: make(map[string]*bucket)}
}

func (rl *RateLimiter) bucket(key string) *bucket {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	b := rl.buckets[key]
	if b == nil {
		b = &bucket{}
		if !rl.cfg.Disabled {
			every := rl.cfg.Interval / time.Duration(rl.cfg.Requests)
			b.lim = rate.NewLimiter(rate.Every(every), rl.cfg.Burst)
		}
		rl.buckets[key] = b
	}
	return b
}

// Last returns the quota HighLevel last reported for key, and whether any
// response has been seen for it.
func (rl *RateLimiter) Last(key string) (Rate, bool) {
	b := rl.bucket(key)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last, b.hasObserved
}

// checkDaily returns a *RateLimitError when the daily quota of key is known
// to be spent, so the request is not sent.
func (rl *RateLimiter) checkDaily(b *bucket, op *operation) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dailyUntil.IsZero() {
		return nil
	}
	now := rl.now()
	if !now.Before(b.dailyUntil) {
		b.dailyUntil = time.Time{}
		return nil
	}
	return &RateLimitError{Operation: op.Name, Rate: b.last, Daily: true, RetryAfter: b.dailyUntil.Sub(now)}
}

// wait blocks until the bucket allows one more request, or ctx is done.
func (b *bucket) wait(ctx context.Context) error {
	if b.lim == nil {
		return nil
	}
	return b.lim.Wait(ctx)
}

// observe records the quota a response reported.
func (rl *RateLimiter) observe(b *bucket, r Rate) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last = r
	b.hasObserved = true
	if r.HasDailyRemaining() && r.DailyRemaining == 0 {
		b.dailyUntil = nextDailyReset(rl.now())
	}
	if b.lim != nil && r.Max > 0 && r.Interval > 0 && (r.Max != b.serverMax || r.Interval != b.serverEvery) {
		b.serverMax, b.serverEvery = r.Max, r.Interval
		limit, burst := rl.fit(r.Max, r.Interval)
		b.lim.SetLimit(limit)
		b.lim.SetBurst(burst)
	}
}

// fit returns the bucket settings for a server that allows limit requests
// per interval: the configured rate and burst, lowered when the server's limit
// is tighter (HighLevel sets limits per app, location or Private
// Integration, and X-RateLimit-Max always shows the one applied), so that no
// window of the server's interval ever holds more than limit.
func (rl *RateLimiter) fit(limit int, interval time.Duration) (rate.Limit, int) {
	cfgLimit := rate.Every(rl.cfg.Interval / time.Duration(rl.cfg.Requests))
	burst := min(rl.cfg.Burst, max(1, limit/10))
	sustained := limit - burst
	if sustained <= 0 {
		sustained, burst = 1, 1
	}
	serverLimit := rate.Every(interval / time.Duration(sustained))
	if serverLimit < cfgLimit {
		return serverLimit, burst
	}
	return cfgLimit, rl.cfg.Burst
}

// nextDailyReset estimates when a spent daily quota comes back. HighLevel
// does not document the reset time; the next midnight UTC is assumed.
func nextDailyReset(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}
