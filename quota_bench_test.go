package ghl_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// Quota use of a long sync. GHL allows 100 requests per 10 s per location;
// here the emulator allows 100 per 1 s (the same limit, ten times faster),
// and the client's limiter is scaled the same way. A sync lists every
// contact (GET /contacts/, 100 per page), then fetches each contact's tasks
// and notes with 4 workers. Reported per run:
//
//	quota-%       served requests / (100 per s × wall time of the sync)
//	server-429s   429s the emulator's limiter sent (Stats.RateLimited)
//	caller-429s   429s that reached the caller (errors.Is ErrRateLimited)
//	errors        every error that reached the caller
//	max-sliding   most requests served in any 1 s window (sliding), from the
//	              emulator's request log; the emulator counts fixed windows
//	              that open at the first request, which never see more
//	window-fill-% served requests / capacity of the emulator's fixed
//	              windows, the last (partial) window left out
//	windows       how many fixed windows the emulator opened
//
// Reproduce: go test -run '^$' -bench BenchmarkQuotaSync -benchtime 1x -count 3 .
// (-large syncs 1,000 contacts instead of 200.)
func BenchmarkQuotaSync(b *testing.B) {
	const (
		max      = 100
		interval = time.Second
	)
	contacts := 200
	if largeRun() {
		contacts = 1000
	}
	for _, tc := range []struct {
		name  string
		limit ghl.RateLimit
	}{
		// Burst + Requests per interval = 1 + 99 = 100: never more than the
		// server's 100 in any window, and 99% of it sustained.
		{"limit=99per1s-burst1", ghl.RateLimit{Requests: 99, Interval: interval, Burst: 1}},
		// DefaultRateLimit (90 per 10 s, burst 10) scaled to the 1 s window.
		{"limit=default-scaled", ghl.RateLimit{Requests: 90, Interval: interval, Burst: 10}},
		// No client limiter: the server's 429s are retried (Retry policy
		// default: 3 retries, waits of half to one X-RateLimit interval).
		{"limit=off", ghl.RateLimit{Disabled: true}},
	} {
		b.Run(tc.name+"/contacts="+fmtInt(contacts), func(b *testing.B) {
			srv := ghltest.NewServer(ghltest.WithRateLimit(max, interval, ghltest.DefaultRateLimitDaily),
				ghltest.WithRequestLogLimit(1<<20))
			b.Cleanup(srv.Close)
			loc := srv.CreateLocation("Quota")
			ids := srv.SeedContacts(loc.ID, contacts)
			seedTasksAndNotes(srv, loc.ID, ids)
			client, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token),
				ghl.WithHTTPClient(srv.Client()), ghl.WithRateLimit(tc.limit))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var wall time.Duration
			var res syncResult
			srv.ResetRequests()
			before := srv.Stats()
			for b.Loop() {
				start := time.Now()
				r := quotaSync(ctx, client, loc.ID, 4)
				wall += time.Since(start)
				res.add(r)
				// Without a client limiter some 429s reach the caller (that is
				// what the row measures); the walk itself must be complete.
				if r.contacts+r.failed != contacts || (!tc.limit.Disabled && r.errors > 0) {
					b.Fatalf("synced %d contacts (%d failed), want %d (errors: %d, first: %v)", r.contacts, r.failed, contacts, r.errors, r.firstErr)
				}
			}
			st := srv.Stats()
			served := st.Requests - before.Requests - (st.RateLimited - before.RateLimited)
			var times []time.Time
			for _, r := range srv.Requests() {
				if r.Status != 429 {
					times = append(times, r.Time)
				}
			}
			fill, windows := fixedWindowFill(srv.Requests(), interval, max)
			b.ReportMetric(100*float64(served)/(float64(max)*wall.Seconds()/interval.Seconds()), "quota-%")
			b.ReportMetric(float64(st.RateLimited-before.RateLimited), "server-429s")
			b.ReportMetric(float64(res.caller429), "caller-429s")
			b.ReportMetric(float64(res.errors), "errors")
			b.ReportMetric(float64(res.failed), "contacts-failed")
			b.ReportMetric(float64(served), "requests")
			b.ReportMetric(float64(maxInWindow(times, interval)), "max-sliding")
			b.ReportMetric(fill, "window-fill-%")
			b.ReportMetric(float64(windows), "windows")
		})
	}
}

type syncResult struct {
	contacts, failed, errors, caller429 int
	firstErr                            error
}

func (r *syncResult) add(o syncResult) {
	r.contacts += o.contacts
	r.failed += o.failed
	r.errors += o.errors
	r.caller429 += o.caller429
	if r.firstErr == nil {
		r.firstErr = o.firstErr
	}
}

// quotaSync lists every contact of the location, then reads each one's tasks
// and notes with the given number of workers.
func quotaSync(ctx context.Context, c *ghl.Client, locID string, workers int) syncResult {
	var (
		mu           sync.Mutex
		res          syncResult
		done, failed atomic.Int64
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		res.errors++
		if errors.Is(err, ghl.ErrRateLimited) {
			res.caller429++
		}
		if res.firstErr == nil {
			res.firstErr = err
		}
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for id := range work {
				ok := true
				if _, _, err := c.Contacts.ListTasks(ctx, id); err != nil {
					fail(err)
					ok = false
				}
				if _, _, err := c.Contacts.ListNotes(ctx, id); err != nil {
					fail(err)
					ok = false
				}
				if ok {
					done.Add(1)
				} else {
					failed.Add(1)
				}
			}
		})
	}
	for ct, err := range c.Contacts.ListIter(ctx, locID, &ghl.ContactListOptions{Limit: 100}) {
		if err != nil {
			fail(err)
			break
		}
		work <- ct.ID
	}
	close(work)
	wg.Wait()
	res.contacts, res.failed = int(done.Load()), int(failed.Load())
	return res
}

// fixedWindowFill replays the emulator's fixed windows (a window opens at the
// first request at or after the previous one's start + interval) over its
// request log, and returns the share of capacity (max per window) that
// served requests used in every window but the last, which a finite run
// leaves partial, and the number of windows.
func fixedWindowFill(log []ghltest.RecordedRequest, interval time.Duration, max int) (float64, int) {
	var (
		start  time.Time
		counts []int
	)
	for _, r := range log {
		if len(counts) == 0 || !r.Time.Before(start.Add(interval)) {
			start = r.Time
			counts = append(counts, 0)
		}
		if r.Status != 429 {
			counts[len(counts)-1]++
		}
	}
	if len(counts) < 2 {
		return 0, len(counts)
	}
	served := 0
	for _, n := range counts[:len(counts)-1] {
		served += n
	}
	return 100 * float64(served) / float64(max*(len(counts)-1)), len(counts)
}
