package ghl

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingLimiter is a Limiter that records what the client asks of it.
type recordingLimiter struct {
	mu       sync.Mutex
	waits    []string
	observed []Rate
	daily    time.Duration
	waitErr  error
}

func (l *recordingLimiter) Wait(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waits = append(l.waits, key)
	return l.waitErr
}

func (l *recordingLimiter) Observe(_ string, r Rate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.observed = append(l.observed, r)
}

func (l *recordingLimiter) DailySpent(string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.daily
}

// A Limiter given with WithLimiter takes the place of the in-memory buckets:
// one Wait per attempt for the call's key, every reported quota observed,
// and Last still reports it.
func TestWithLimiterIsUsedForEveryAttempt(t *testing.T) {
	t.Parallel()
	lim := &recordingLimiter{}
	c, mock := setupCore(t, WithLimiter(lim), WithRetry(RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond}))
	calls := 0
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", func(*http.Request) (*http.Response, error) {
		calls++
		if calls == 1 {
			return jsonResponse(500, `{"statusCode":500}`), nil
		}
		return jsonResponse(200, okThing, "X-RateLimit-Max", "50", "X-RateLimit-Interval-Milliseconds", "10000", "X-RateLimit-Daily-Remaining", "7"), nil
	})
	_, resp, err := c.getThing(t, "x")
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)
	key := tokenKey(coreToken)
	assert.Equal(t, []string{key, key}, lim.waits)
	require.Len(t, lim.observed, 2)
	assert.Equal(t, 50, lim.observed[1].Max)
	assert.Equal(t, 7, lim.observed[1].DailyRemaining)
	last, ok := c.limiter.Last(key)
	assert.True(t, ok)
	assert.Equal(t, 50, last.Max)
}

// A daily quota the shared limiter knows is spent refuses the call before
// anything is sent; a *RateLimitError from Wait names the operation and is
// not retried.
func TestWithLimiterDailyAndWaitErrors(t *testing.T) {
	t.Parallel()
	lim := &recordingLimiter{daily: time.Hour}
	c, mock := setupCore(t, WithLimiter(lim), WithRetry(DefaultRetryPolicy()))
	sent := 0
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", func(*http.Request) (*http.Response, error) {
		sent++
		return jsonResponse(200, okThing), nil
	})
	_, _, err := c.getThing(t, "x")
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.True(t, rl.Daily)
	assert.Equal(t, time.Hour, rl.RetryAfter)
	assert.Equal(t, "Things.Get", rl.Operation)
	assert.Zero(t, sent)
	assert.Empty(t, lim.waits, "refused before waiting")

	lim.daily = 0
	lim.waitErr = &RateLimitError{Daily: true, RetryAfter: time.Minute}
	_, _, err = c.getThing(t, "x")
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, "Things.Get", rl.Operation)
	assert.Zero(t, sent)
	assert.Len(t, lim.waits, 1, "not retried")

	unavailable := errors.New("limiter store down")
	lim.waitErr = unavailable
	_, _, err = c.getThing(t, "x")
	var re *RequestError
	require.ErrorAs(t, err, &re)
	assert.ErrorIs(t, err, unavailable)
	assert.False(t, re.Sent)
	assert.Zero(t, sent)
}

// The in-memory RateLimiter is itself a Limiter, and WithLimiter uses it
// as WithRateLimiter does.
func TestRateLimiterIsALimiter(t *testing.T) {
	t.Parallel()
	rl := NewRateLimiter(RateLimit{Requests: 10, Interval: time.Second, Burst: 1})
	var l Limiter = rl
	require.NoError(t, l.Wait(t.Context(), "k"))
	assert.Zero(t, l.DailySpent("k"))
	l.Observe("k", Rate{DailyRemaining: 0, known: knownDailyRemaining})
	assert.Greater(t, l.DailySpent("k"), time.Duration(0))
	assert.Same(t, rl, NewSharedRateLimiter(rl))
	_, err := NewClient(WithAccessToken("t"), WithLimiter(nil))
	assert.Error(t, err)
	_, err = NewClient(WithAccessToken("t"), WithLimiter((*RateLimiter)(nil)))
	assert.Error(t, err)
}

func TestRateLimitFit(t *testing.T) {
	t.Parallel()
	cfg := RateLimit{Requests: 99, Interval: time.Second, Burst: 1}
	assert.Equal(t, cfg, cfg.Fit(Rate{Max: 100, Interval: time.Second}), "looser server: the configured limit")
	assert.Equal(t, RateLimit{Requests: 49, Interval: time.Second, Burst: 1}, cfg.Fit(Rate{Max: 50, Interval: time.Second}))
	assert.Equal(t, cfg, cfg.Fit(Rate{}), "no headers")
	d := DefaultRateLimit()
	assert.Equal(t, RateLimit{Requests: 45, Interval: 10 * time.Second, Burst: 5}, d.Fit(Rate{Max: 50, Interval: 10 * time.Second}))
}
