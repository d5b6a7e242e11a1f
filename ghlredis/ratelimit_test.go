package ghlredis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghlredis"
	"github.com/salesnexus/ghl-go/ghltest"
)

// Two limiters on one Redis (two replicas) share one budget: a burst of 1
// at 20 per second lets 21 Waits through in one second, whichever limiter
// they go through.
func TestRateLimiterSharedBudget(t *testing.T) {
	t.Parallel()
	p := prefix(t)
	cfg := ghl.RateLimit{Requests: 20, Interval: time.Second, Burst: 1}
	a := ghlredis.NewRateLimiter(newRedis(t), cfg, ghlredis.WithPrefix(p))
	b := ghlredis.NewRateLimiter(newRedis(t), cfg, ghlredis.WithPrefix(p))
	ctx := t.Context()
	start := time.Now()
	for i := range 21 {
		l := a
		if i%2 == 1 {
			l = b
		}
		require.NoError(t, l.Wait(ctx, "loc1"))
	}
	elapsed := time.Since(start)
	assert.GreaterOrEqual(t, elapsed, 990*time.Millisecond, "20 intervals of 50 ms")
	assert.Less(t, elapsed, 1500*time.Millisecond)
	require.NoError(t, a.Wait(ctx, "loc2"), "another key has its own budget")

	// A slot after the deadline is refused at once.
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	for range 3 {
		if err := a.Wait(short, "loc3"); err != nil {
			require.ErrorIs(t, err, context.DeadlineExceeded)
		}
	}
	require.NoError(t, a.Reset(ctx, "loc1"))
}

// Redis down: Wait fails with ErrUnavailable, and the client sends nothing.
func TestRateLimiterRedisDown(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Down")
	id := srv.SeedContacts(loc.ID, 1)[0]
	lim := ghlredis.NewRateLimiter(deadRedis(t), ghl.DefaultRateLimit())
	require.ErrorIs(t, lim.Wait(t.Context(), "loc1"), ghlredis.ErrUnavailable)
	c, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token), ghl.WithHTTPClient(srv.Client()), ghl.WithLimiter(lim))
	require.NoError(t, err)
	before := srv.Stats().Requests
	_, _, err = c.Contacts.Get(t.Context(), id)
	require.ErrorIs(t, err, ghlredis.ErrUnavailable)
	var re *ghl.RequestError
	require.ErrorAs(t, err, &re)
	assert.False(t, re.Sent)
	assert.Equal(t, before, srv.Stats().Requests)
}

// The fitting and the daily guard are shared: replica b applies the
// tighter limit replica a saw, and stops when a saw the daily quota spent.
func TestRateLimiterSharesFitAndDailyGuard(t *testing.T) {
	t.Parallel()
	const max, daily = 10, 25
	srv := ghltest.NewServer(ghltest.WithRateLimit(max, time.Second, daily), ghltest.WithRequestLogLimit(1000))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Fit")
	id := srv.SeedContacts(loc.ID, 1)[0]
	p := prefix(t)
	cfg := ghl.RateLimit{Requests: 99, Interval: time.Second, Burst: 1} // looser than the server's 10
	client := func() *ghl.Client {
		c, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token), ghl.WithHTTPClient(srv.Client()),
			ghl.WithLimiter(ghlredis.NewRateLimiter(newRedis(t), cfg, ghlredis.WithPrefix(p))), ghl.WithRetry(ghl.RetryPolicy{}))
		require.NoError(t, err)
		return c
	}
	a, b := client(), client()
	ctx := t.Context()
	_, _, err := a.Contacts.Get(ctx, id)
	require.NoError(t, err, "a learns the server's limit of 10 per second")
	for range daily - 2 {
		_, _, err := b.Contacts.Get(ctx, id)
		require.NoError(t, err, "b keeps to the fitted limit: no 429")
	}
	_, _, err = a.Contacts.Get(ctx, id)
	require.NoError(t, err, "the last of the daily quota: a sees Daily-Remaining 0")
	st := srv.Stats()
	assert.Zero(t, st.RateLimited)
	assert.EqualValues(t, daily, st.Requests)

	_, _, err = b.Contacts.Get(ctx, id)
	var rl *ghl.RateLimitError
	require.ErrorAs(t, err, &rl, "b is stopped by what a saw")
	assert.True(t, rl.Daily)
	assert.Equal(t, "Contacts.Get", rl.Operation)
	assert.Greater(t, rl.RetryAfter, time.Duration(0))
	assert.EqualValues(t, daily, srv.Stats().Requests, "not sent")
	_, _, err = b.Contacts.Get(ctx, id)
	require.True(t, errors.As(err, &rl) && rl.Daily, "then refused before waiting")

	var times []time.Time
	for _, r := range srv.Requests() {
		times = append(times, r.Time)
	}
	assert.LessOrEqual(t, maxInWindow(times, time.Second), max)
}

// maxInWindow is the most requests in any window of length d (sliding).
func maxInWindow(times []time.Time, d time.Duration) int {
	best, j := 0, 0
	for i := range times {
		for times[i].Sub(times[j]) >= d {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}
