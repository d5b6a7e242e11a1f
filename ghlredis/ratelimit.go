package ghlredis

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	ghl "github.com/salesnexus/ghl-go"
)

// gcra decides one request in one round trip, atomically on the slot of
// one key: it refuses while the daily-quota key exists, reads the limit
// fitted to HighLevel's headers (else the configured one), and reserves
// the next slot of a GCRA (the theoretical arrival time, in microseconds
// of Redis's clock, so every replica shares one clock). A slot is reserved
// only if its delay fits ARGV[3] (the caller's deadline; -1 for none).
//
//	KEYS: tat, fit, daily  ARGV: emission interval (µs), burst, max wait (µs)
//	returns {1, delay µs} reserved, {0, delay µs} beyond the deadline,
//	        {2, ms} daily quota spent for that long
var gcra = redis.NewScript(`
local dttl = redis.call('PTTL', KEYS[3])
if dttl > 0 then return {2, dttl} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local em = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local f = redis.call('HMGET', KEYS[2], 'em', 'burst')
if f[1] and f[2] then
  em = tonumber(f[1])
  burst = tonumber(f[2])
end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local delay = tat - (burst - 1) * em - now
if delay < 0 then delay = 0 end
local maxwait = tonumber(ARGV[3])
if maxwait >= 0 and delay > maxwait then return {0, delay} end
local ntat = math.ceil(tat + em)
redis.call('SET', KEYS[1], string.format('%.0f', ntat), 'PX', math.floor((ntat - now) / 1000) + 1000)
return {1, delay}
`)

// RateLimiter is a [ghl.Limiter] whose budgets are in Redis: one per
// location or company (the client's rate-limit key) across every replica,
// as a GCRA (a token bucket of the configured rate and burst) decided
// atomically by a Lua script in one round trip per attempt. Give it to
// clients with [ghl.WithLimiter].
//
// It fits a key's limit to a tighter X-RateLimit-Max the way the in-memory
// limiter does ([ghl.RateLimit.Fit]) and stores the fitted limit in Redis,
// so every replica applies it; and a spent daily quota
// (X-RateLimit-Daily-Remaining: 0) seen by one replica stops them all
// until the next midnight UTC (HighLevel does not document the reset).
//
// Waiters reserve their slot in Redis and sleep until it comes, so many
// waiters cost one round trip each, served in order. A waiter whose ctx
// ends gives its slot up unused (the budget is under-used, never
// exceeded). When Redis cannot be reached, Wait fails with an [*Error]
// matching [ErrUnavailable] and the call is not sent.
type RateLimiter struct {
	rdb       redis.UniversalClient
	opt       options
	cfg       ghl.RateLimit
	em, burst string // the configured limit, as the script's arguments

	keys sync.Map // key → *limitKeys

	mu     sync.Mutex
	daily  map[string]time.Time // key → spent until
	fitted map[string]ghl.Rate  // key → the Max and Interval last stored
}

type limitKeys struct{ k []string }

var _ ghl.Limiter = (*RateLimiter)(nil)

// NewRateLimiter returns a shared limiter on rdb applying l to every key
// (a zero or invalid l means [ghl.DefaultRateLimit]; Disabled keeps only
// the shared daily guard). Every replica must use the same l. It applies
// WithPrefix.
func NewRateLimiter(rdb redis.UniversalClient, l ghl.RateLimit, opts ...Option) *RateLimiter {
	if !l.Disabled && (l.Requests <= 0 || l.Interval <= 0 || l.Burst <= 0) {
		l = ghl.DefaultRateLimit()
	}
	rl := &RateLimiter{rdb: rdb, opt: newOptions(opts), cfg: l,
		daily: map[string]time.Time{}, fitted: map[string]ghl.Rate{}}
	rl.em, rl.burst = emission(l)
	return rl
}

// emission is l as the script's emission interval (µs) and burst.
func emission(l ghl.RateLimit) (string, string) {
	if l.Disabled {
		return "0", "1"
	}
	em := float64(l.Interval.Nanoseconds()) / float64(l.Requests) / 1000
	return strconv.FormatFloat(em, 'f', 3, 64), strconv.Itoa(l.Burst)
}

func (l *RateLimiter) keysOf(key string) []string {
	if v, ok := l.keys.Load(key); ok {
		return v.(*limitKeys).k
	}
	k := []string{l.opt.hashKey(key, ":tat"), l.opt.hashKey(key, ":fit"), l.opt.hashKey(key, ":daily")}
	l.keys.Store(key, &limitKeys{k: k})
	return k
}

// Wait reserves the next slot of key's shared budget and sleeps until it
// comes, or until ctx is done. It returns a *ghl.RateLimitError (Daily)
// when a replica saw the daily quota spent, an error matching
// context.DeadlineExceeded at once when the slot would come after ctx's
// deadline, and an [*Error] matching [ErrUnavailable] when Redis cannot be
// reached.
func (l *RateLimiter) Wait(ctx context.Context, key string) error {
	maxWait := int64(-1)
	if dl, ok := ctx.Deadline(); ok {
		maxWait = max(time.Until(dl).Microseconds(), 0)
	}
	res, err := gcra.Run(ctx, l.rdb, l.keysOf(key), l.em, l.burst, maxWait).Int64Slice()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return wrap("RateLimiter.Wait", key, err)
	}
	if len(res) != 2 {
		return wrap("RateLimiter.Wait", key, fmt.Errorf("unexpected script answer %v", res))
	}
	switch res[0] {
	case 2:
		d := time.Duration(res[1]) * time.Millisecond
		l.mu.Lock()
		l.daily[key] = time.Now().Add(d)
		l.mu.Unlock()
		return &ghl.RateLimitError{Daily: true, RetryAfter: d}
	case 0:
		return fmt.Errorf("ghlredis: rate limit slot in %s is after the context deadline: %w",
			time.Duration(res[1])*time.Microsecond, context.DeadlineExceeded)
	}
	delay := time.Duration(res[1]) * time.Microsecond
	if delay <= 0 {
		return nil
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Observe stores in Redis what every replica must apply: the limit fitted
// to a tighter X-RateLimit-Max (only when the headers change), and a spent
// daily quota. It is best effort, bounded to half a second: a failure is
// tried again on the next response.
func (l *RateLimiter) Observe(key string, r ghl.Rate) {
	spent := r.HasDailyRemaining() && r.DailyRemaining == 0
	refit := false
	if r.Max > 0 && r.Interval > 0 {
		l.mu.Lock()
		last, ok := l.fitted[key]
		refit = !ok || last.Max != r.Max || last.Interval != r.Interval
		l.mu.Unlock()
	}
	if !spent && !refit {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	k := l.keysOf(key)
	if spent {
		until := nextDailyReset(time.Now())
		if l.rdb.Set(ctx, k[2], "1", time.Until(until)).Err() == nil {
			l.mu.Lock()
			l.daily[key] = until
			l.mu.Unlock()
		}
	}
	if refit {
		em, burst := emission(l.cfg.Fit(r))
		if l.rdb.HSet(ctx, k[1], "em", em, "burst", burst).Err() == nil {
			l.mu.Lock()
			l.fitted[key] = ghl.Rate{Max: r.Max, Interval: r.Interval}
			l.mu.Unlock()
		}
	}
}

// DailySpent reports how long key's daily quota is known to be spent, from
// what this process last learned (Observe, or a Wait that Redis refused);
// Wait itself checks the shared state.
func (l *RateLimiter) DailySpent(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	until, ok := l.daily[key]
	if !ok {
		return 0
	}
	d := time.Until(until)
	if d <= 0 {
		delete(l.daily, key)
		return 0
	}
	return d
}

// Reset forgets key's budget, fitted limit and spent daily quota, in Redis
// and in this process (for tests, or after HighLevel raised a limit).
func (l *RateLimiter) Reset(ctx context.Context, key string) error {
	l.mu.Lock()
	delete(l.daily, key)
	delete(l.fitted, key)
	l.mu.Unlock()
	return wrap("RateLimiter.Reset", key, l.rdb.Del(ctx, l.keysOf(key)...).Err())
}

// nextDailyReset estimates when a spent daily quota comes back: the next
// midnight UTC, as package ghl assumes.
func nextDailyReset(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
}
