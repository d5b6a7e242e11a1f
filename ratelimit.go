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

// Fit returns the limit to apply to a server that reported r: l as it is,
// or lowered when the burst limit r reports (X-RateLimit-Max per
// X-RateLimit-Interval-Milliseconds) is tighter, so that no window of the
// server's interval ever holds more than r.Max requests. HighLevel sets
// limits per app, location or Private Integration, and X-RateLimit-Max
// always shows the one applied. A disabled l, or an r without both headers,
// returns l. [RateLimiter] fits its buckets this way; a shared [Limiter]
// should too.
func (l RateLimit) Fit(r Rate) RateLimit {
	if l.Disabled || l.Requests <= 0 || r.Max <= 0 || r.Interval <= 0 {
		return l
	}
	cfgLimit := rate.Every(l.Interval / time.Duration(l.Requests))
	burst := min(l.Burst, max(1, r.Max/10))
	sustained := r.Max - burst
	if sustained <= 0 {
		sustained, burst = 1, 1
	}
	if rate.Every(r.Interval/time.Duration(sustained)) < cfgLimit {
		return RateLimit{Requests: sustained, Interval: r.Interval, Burst: burst}
	}
	return l
}

// Limiter is what the client's rate limiting goes through, one budget per
// key (a location or company ID, or a hash of a static token). The default
// is the in-memory [*RateLimiter]; a limiter shared by several processes
// (such as the ghlredis package's) replaces it with [WithLimiter], so that
// replicas of one connector stay within one quota together.
//
// The client calls DailySpent before the first attempt of a call and
// before every retry, Wait before every attempt, and Observe after every
// response. An implementation must be safe for concurrent use.
type Limiter interface {
	// Wait blocks until key's budget allows one more request, or ctx is
	// done. An error stops the call: the client returns it wrapped in a
	// *RequestError (a *RateLimitError is returned as it is, for a daily
	// quota the limiter knows is spent), and does not retry.
	Wait(ctx context.Context, key string) error
	// Observe records the quota HighLevel reported on a response for key:
	// the limiter should lower its rate to a tighter X-RateLimit-Max (see
	// [RateLimit.Fit]) and remember a spent daily quota
	// (X-RateLimit-Daily-Remaining: 0) until it comes back. It is called on
	// the response path and must return quickly; a shared implementation
	// bounds its own I/O and treats it as best effort.
	Observe(key string, r Rate)
	// DailySpent reports how long key's daily quota is still known to be
	// spent, or 0 when it is not: the call is then refused with a
	// *RateLimitError (Daily) without being sent. It must not block; a
	// shared implementation answers from what it last learned.
	DailySpent(key string) time.Duration
}

// RateLimiter holds one token bucket per location or company, and the daily
// quota HighLevel last reported for each. One busy location never slows
// another. It is safe for concurrent use and may be shared by clients.
// It is the default [Limiter].
type RateLimiter struct {
	cfg RateLimit
	now func() time.Time
	// shared, when not nil, holds the budgets instead of the buckets'
	// token buckets (see WithLimiter); the buckets then only record the
	// quota last reported, for Last.
	shared Limiter

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	lim *rate.Limiter // nil when disabled or shared

	shared Limiter // the RateLimiter's, when it has one
	key    string  // the bucket's key, for shared

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
		b = &bucket{shared: rl.shared, key: key}
		if rl.shared == nil && !rl.cfg.Disabled {
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
	if b.shared != nil {
		if d := b.shared.DailySpent(b.key); d > 0 {
			last, _ := rl.Last(b.key)
			return &RateLimitError{Operation: op.Name, Rate: last, Daily: true, RetryAfter: d}
		}
		return nil
	}
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
	if b.shared != nil {
		return b.sharedWait(ctx)
	}
	if b.lim == nil {
		return nil
	}
	return b.lim.Wait(ctx)
}

// sharedWait waits on the shared limiter, naming the operation in a
// *RateLimitError it returns.
func (b *bucket) sharedWait(ctx context.Context) error {
	err := b.shared.Wait(ctx, b.key)
	var rl *RateLimitError
	if err != nil && errors.As(err, &rl) && rl.Operation == "" {
		if st := stateFrom(ctx); st != nil {
			rl.Operation = st.op.Name
		}
	}
	return err
}

// observe records the quota a response reported.
func (rl *RateLimiter) observe(b *bucket, r Rate) {
	if b.shared != nil {
		b.mu.Lock()
		b.last, b.hasObserved = r, true
		b.mu.Unlock()
		b.shared.Observe(b.key, r)
		return
	}
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
	f := rl.cfg.Fit(Rate{Max: limit, Interval: interval})
	return rate.Every(f.Interval / time.Duration(f.Requests)), f.Burst
}

// Wait blocks until key's bucket allows one more request, or ctx is done
// ([Limiter]).
func (rl *RateLimiter) Wait(ctx context.Context, key string) error {
	return rl.bucket(key).wait(ctx)
}

// Observe records the quota a response for key reported, fitting key's
// bucket to a tighter server limit ([Limiter]).
func (rl *RateLimiter) Observe(key string, r Rate) { rl.observe(rl.bucket(key), r) }

// DailySpent reports how long key's daily quota is still known to be
// spent, or 0 ([Limiter]).
func (rl *RateLimiter) DailySpent(key string) time.Duration {
	var rle *RateLimitError
	if errors.As(rl.checkDaily(rl.bucket(key), &operation{}), &rle) {
		return rle.RetryAfter
	}
	return 0
}

// NewSharedRateLimiter returns a *RateLimiter whose budgets are held by l
// (a limiter shared by several processes), for [WithRateLimiter]; it still
// records the quota last reported per key for [RateLimiter.Last].
// [WithLimiter] does the same in one step.
func NewSharedRateLimiter(l Limiter) *RateLimiter {
	if rl, ok := l.(*RateLimiter); ok {
		return rl
	}
	return &RateLimiter{cfg: DefaultRateLimit(), now: time.Now, shared: l, buckets: make(map[string]*bucket)}
}

// nextDailyReset estimates when a spent daily quota comes back. HighLevel
// does not document the reset time; the next midnight UTC is assumed.
func nextDailyReset(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}
