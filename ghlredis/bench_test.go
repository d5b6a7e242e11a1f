package ghlredis_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghlredis"
)

// The cost per call of the shared limiter against the in-memory one, in
// the same run: a Contacts.Get against a minimal local server, with the
// limit far above what the loop reaches so that only the limiter's own
// work is measured (one EVALSHA on the test Redis for the shared one).
//
//	go test -run '^$' -bench BenchmarkLimiterPerCall -count 4 ./ghlredis
func BenchmarkLimiterPerCall(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-RateLimit-Max", "1000000")
		w.Header().Set("X-RateLimit-Interval-Milliseconds", "1000")
		w.Write([]byte(`{"contact":{"id":"c1","locationId":"loc1"},"traceId":"t"}`))
	}))
	b.Cleanup(srv.Close)
	fast := ghl.RateLimit{Requests: 1_000_000, Interval: 1e9, Burst: 1000}
	for _, tc := range []struct {
		name string
		opt  ghl.Option
	}{
		{"memory", ghl.WithRateLimit(fast)},
		{"redis", ghl.WithLimiter(ghlredis.NewRateLimiter(newRedis(b), fast, ghlredis.WithPrefix(prefix(b))))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken("bench-token"), ghl.WithHTTPClient(srv.Client()), tc.opt)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for b.Loop() {
				if _, _, err := c.Contacts.Get(ctx, "c1"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The shared limiter's Wait alone: one round trip to Redis.
func BenchmarkRedisWait(b *testing.B) {
	l := ghlredis.NewRateLimiter(newRedis(b), ghl.RateLimit{Requests: 1_000_000, Interval: 1e9, Burst: 1000}, ghlredis.WithPrefix(prefix(b)))
	ctx := context.Background()
	for b.Loop() {
		if err := l.Wait(ctx, "loc1"); err != nil {
			b.Fatal(err)
		}
	}
}
