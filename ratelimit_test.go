package ghl

import (
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

func TestParseRate(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("X-RateLimit-Max", "100")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Interval-Milliseconds", "10000")
	h.Set("X-RateLimit-Limit-Daily", "200000")
	h.Set("X-RateLimit-Daily-Remaining", "199850")
	r := parseRate(h)
	assert.Equal(t, 100, r.Max)
	assert.Equal(t, 0, r.Remaining)
	assert.Equal(t, 10*time.Second, r.Interval)
	assert.Equal(t, 200000, r.DailyLimit)
	assert.Equal(t, 199850, r.DailyRemaining)
	assert.True(t, r.HasDailyRemaining())

	empty := parseRate(http.Header{"X-Ratelimit-Daily-Remaining": {"junk"}})
	assert.False(t, empty.HasDailyRemaining(), "an unparsable header is treated as absent")
	assert.Equal(t, Rate{}, empty)
}

func TestResponseCarriesRate(t *testing.T) {
	t.Parallel()
	c, mock := setupCore(t)
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", status(200, okThing,
		"X-RateLimit-Max", "100", "X-RateLimit-Remaining", "42", "X-RateLimit-Daily-Remaining", "1000"))
	_, resp, err := c.getThing(t, "x")
	require.NoError(t, err)
	assert.Equal(t, 100, resp.Rate.Max)
	assert.Equal(t, 42, resp.Rate.Remaining)
	assert.Equal(t, 1000, resp.Rate.DailyRemaining)
}

func TestLimiterPacesRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, WithRateLimit(RateLimit{Requests: 10, Interval: time.Second, Burst: 2}))
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", status(200, okThing))
		start := time.Now()
		for range 12 {
			_, _, err := c.getThing(t, "x")
			require.NoError(t, err)
		}
		// 2 go at once, the other 10 at 100 ms intervals.
		assert.Equal(t, time.Second, time.Since(start))
	})
}

func TestDefaultRateLimitStaysUnderGHLBurst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, WithRateLimit(DefaultRateLimit()))
		var mu sync.Mutex
		var sent []time.Time
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", func(*http.Request) (*http.Response, error) {
			mu.Lock()
			sent = append(sent, time.Now())
			mu.Unlock()
			return jsonResponse(200, okThing), nil
		})
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 40 {
					_, _, err := c.getThing(t, "x")
					assert.NoError(t, err)
				}
			})
		}
		wg.Wait()
		require.Len(t, sent, 320)
		// No 10-second window holds more than HighLevel's 100 requests.
		for i := range sent {
			j := i
			for j < len(sent) && sent[j].Sub(sent[i]) < 10*time.Second {
				j++
			}
			assert.LessOrEqual(t, j-i, 100, "window starting at request %d", i)
		}
	})
}

func TestLimiterBucketsAreIndependent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		shared := NewRateLimiter(RateLimit{Requests: 1, Interval: time.Minute, Burst: 1})
		a, mockA := setupCore(t, WithRateLimiter(shared), WithAccessToken("token-location-a"))
		b, mockB := setupCore(t, WithRateLimiter(shared), WithAccessToken("token-location-b"))
		a2, mockA2 := setupCore(t, WithRateLimiter(shared), WithAccessToken("token-location-a"))
		for _, m := range []*httpmock.MockTransport{mockA, mockB, mockA2} {
			m.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", status(200, okThing))
		}
		start := time.Now()
		_, _, err := a.getThing(t, "x")
		require.NoError(t, err)
		_, _, err = b.getThing(t, "x")
		require.NoError(t, err)
		assert.Equal(t, time.Duration(0), time.Since(start), "location B does not wait for location A")
		_, _, err = a2.getThing(t, "x")
		require.NoError(t, err)
		assert.Equal(t, time.Minute, time.Since(start), "a second client of location A shares its bucket")
	})
}

func TestDailyQuotaFailsFast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t)
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", status(200, okThing,
			"X-RateLimit-Limit-Daily", "200000", "X-RateLimit-Daily-Remaining", "0"))
		_, _, err := c.getThing(t, "x")
		require.NoError(t, err, "the call that spends the last request succeeds")

		_, _, err = c.getThing(t, "x")
		var rl *RateLimitError
		require.ErrorAs(t, err, &rl)
		assert.True(t, rl.Daily)
		assert.Nil(t, rl.API, "nothing was sent")
		assert.Equal(t, "Things.Get", rl.Operation)
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Equal(t, 1, mock.GetTotalCallCount())
		assert.Equal(t, time.Until(nextDailyReset(time.Now())), rl.RetryAfter)
		assert.Contains(t, err.Error(), "daily request quota spent, not sent")

		// After the reset, requests go out again.
		time.Sleep(rl.RetryAfter)
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", status(200, okThing,
			"X-RateLimit-Daily-Remaining", "200000"))
		_, _, err = c.getThing(t, "x")
		require.NoError(t, err)
		assert.Equal(t, 2, mock.GetTotalCallCount())
	})
}

func TestServer429IsRateLimitError(t *testing.T) {
	t.Parallel()
	c, mock := setupCore(t)
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", status(429,
		`{"statusCode":429,"message":"Too Many Requests"}`,
		"X-RateLimit-Interval-Milliseconds", "10000", "X-RateLimit-Remaining", "0"))
	_, _, err := c.getThing(t, "x")
	var rl *RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.False(t, rl.Daily)
	assert.Equal(t, 10*time.Second, rl.RetryAfter)
	require.NotNil(t, rl.API)
	assert.Equal(t, "Too Many Requests", rl.API.Message)
	var ae *APIError
	assert.ErrorAs(t, err, &ae, "the 429 answer is reachable with errors.As")
	assert.ErrorIs(t, err, ErrRateLimited)
}

func TestRateLimitValidation(t *testing.T) {
	t.Parallel()
	for _, l := range []RateLimit{{}, {Requests: 1, Interval: time.Second}, {Requests: -1, Interval: time.Second, Burst: 1}} {
		_, err := NewClient(WithRateLimit(l))
		assert.Error(t, err, "%+v", l)
	}
	_, err := NewClient(WithRateLimit(RateLimit{Disabled: true}))
	assert.NoError(t, err)
}

func TestLimiterFitsTighterServerLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, mock := setupCore(t, WithRateLimit(DefaultRateLimit()))
		var sent []time.Time
		// A sandbox-style limit: 25 requests per 10 s.
		mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", func(*http.Request) (*http.Response, error) {
			sent = append(sent, time.Now())
			return jsonResponse(200, okThing, "X-RateLimit-Max", "25", "X-RateLimit-Interval-Milliseconds", "10000"), nil
		})
		for range 60 {
			_, _, err := c.getThing(t, "x")
			require.NoError(t, err)
		}
		// The first response taught the limiter the tighter limit; from
		// then on no 10 s window holds more than 25.
		for i := 1; i < len(sent); i++ {
			j := i
			for j < len(sent) && sent[j].Sub(sent[i]) < 10*time.Second {
				j++
			}
			assert.LessOrEqual(t, j-i, 25, "window starting at request %d", i)
		}
		// And it does not go slower than it must: 60 requests in about
		// 60/2.3 s, not the 60/0.1 s of one request per window.
		assert.Less(t, sent[len(sent)-1].Sub(sent[0]), 30*time.Second)
	})
}

func TestLimiterKeepsConfiguredRateUnderLooserServerLimit(t *testing.T) {
	t.Parallel()
	rl := NewRateLimiter(RateLimit{Requests: 90, Interval: 10 * time.Second, Burst: 10})
	limit, burst := rl.fit(1000, 10*time.Second)
	assert.Equal(t, rate.Every(10*time.Second/90), limit)
	assert.Equal(t, 10, burst)
	limit, burst = rl.fit(25, 10*time.Second)
	assert.Equal(t, rate.Every(10*time.Second/23), limit)
	assert.Equal(t, 2, burst)
	limit, burst = rl.fit(1, time.Second)
	assert.Equal(t, rate.Every(time.Second), limit)
	assert.Equal(t, 1, burst)
}
