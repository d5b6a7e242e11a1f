package ghltest

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rateLimiter keeps fixed-window burst counters and UTC-calendar-day daily
// counters per resource key ("location:<id>" or "company:<id>").
type rateLimiter struct {
	mu       sync.Mutex
	max      int
	interval time.Duration
	daily    int
	buckets  map[string]*bucket
}

type bucket struct {
	winStart time.Time
	count    int
	day      int64
	dayCount int
}

// rlState is what the X-RateLimit-* headers of one response report.
type rlState struct {
	max, remaining        int
	intervalMs            int64
	daily, dailyRemaining int
}

func (l *rateLimiter) init(max int, interval time.Duration, daily int) {
	l.max, l.interval, l.daily = max, interval, daily
	l.buckets = map[string]*bucket{}
}

func utcDay(t time.Time) int64 { return t.Unix() / 86400 }

// take counts one request against key at now. It reports false, without
// counting, when the burst or the daily limit is already spent.
func (l *rateLimiter) take(key string, now time.Time) (rlState, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{}
		l.buckets[key] = b
	}
	if b.winStart.IsZero() || now.Sub(b.winStart) >= l.interval || now.Before(b.winStart) {
		b.winStart, b.count = now, 0
	}
	if d := utcDay(now); d != b.day {
		b.day, b.dayCount = d, 0
	}
	ok := (l.max <= 0 || b.count < l.max) && (l.daily <= 0 || b.dayCount < l.daily)
	if ok {
		b.count++
		b.dayCount++
	}
	return l.stateLocked(b), ok
}

// peek reports the state of key without counting ("" gives full limits).
func (l *rateLimiter) peek(key string) rlState {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{}
	}
	return l.stateLocked(b)
}

func (l *rateLimiter) stateLocked(b *bucket) rlState {
	return rlState{
		max:            l.max,
		remaining:      max(l.max-b.count, 0),
		intervalMs:     l.interval.Milliseconds(),
		daily:          l.daily,
		dailyRemaining: max(l.daily-b.dayCount, 0),
	}
}

// set writes the X-RateLimit-* headers. A disabled limit (<= 0) omits its
// headers.
func (st rlState) set(h http.Header) {
	if st.max > 0 {
		h["X-Ratelimit-Max"] = []string{strconv.Itoa(st.max)}
		h["X-Ratelimit-Remaining"] = []string{strconv.Itoa(st.remaining)}
		h["X-Ratelimit-Interval-Milliseconds"] = []string{strconv.FormatInt(st.intervalMs, 10)}
	}
	if st.daily > 0 {
		h["X-Ratelimit-Limit-Daily"] = []string{strconv.Itoa(st.daily)}
		h["X-Ratelimit-Daily-Remaining"] = []string{strconv.Itoa(st.dailyRemaining)}
	}
}
