package feed_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
	"github.com/salesnexus/ghl-go/ghltest"
)

// inProcess serves requests with the emulator's handler, without a
// network, so that a synctest bubble can run the client.
type inProcess struct{ h http.Handler }

func (p inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	if r.Body == nil {
		r = r.Clone(r.Context())
		r.Body = http.NoBody
	}
	p.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

// Run polls every interval plus jitter, backs off on errors, and returns as
// soon as ctx ends; the clock is synctest's, so nothing sleeps for real.
func TestRunScheduleBackoffAndCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := ghltest.NewHandler(ghltest.WithRateLimit(0, 0, 0))
		loc := srv.CreateLocation("Run")
		srv.SeedContacts(loc.ID, 3)
		c := client(t, "http://ghl.test", loc.Token, &http.Client{Transport: inProcess{srv}})
		f, err := feed.New("k", feed.Contacts(c, loc.ID, nil), feed.WithInterval(time.Minute), feed.WithJitter(0.1), feed.WithLogger(quiet))
		require.NoError(t, err)

		var at []time.Duration
		start := time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		delivered := 0
		go func() {
			done <- f.Run(ctx, func(context.Context, feed.Change[ghl.Contact]) error {
				delivered++
				return nil
			})
		}()
		searches := func() int {
			n := 0
			for _, r := range srv.Requests() {
				if r.Path == "/contacts/search" {
					n++
				}
			}
			return n
		}
		// Ten minutes: cycles are 60 to 66 s apart, the first within 6 s.
		for range 600 {
			time.Sleep(time.Second)
			synctest.Wait()
			if n := searches(); n > len(at) {
				at = append(at, time.Since(start))
			}
		}
		require.GreaterOrEqual(t, len(at), 9)
		require.LessOrEqual(t, len(at), 11)
		assert.Less(t, at[0], 7*time.Second)
		for i := 1; i < len(at); i++ {
			gap := at[i] - at[i-1]
			assert.GreaterOrEqual(t, gap, 59*time.Second, "gap %d", i)
			assert.LessOrEqual(t, gap, 67*time.Second, "gap %d", i)
		}
		assert.Equal(t, 3, delivered)

		// Failures back off: 2, 4, 8 minutes (plus jitter), not every minute.
		srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 500, PathPattern: "/contacts/search"})
		before := searches()
		time.Sleep(20 * time.Minute)
		synctest.Wait()
		failedCycles := f.Stats().Failed
		assert.GreaterOrEqual(t, failedCycles, 3)
		assert.LessOrEqual(t, failedCycles, 5, "backoff: far fewer than 20 cycles")
		assert.Equal(t, failedCycles, searches()-before, "one request per failed cycle (a search is a POST: a 500 is not retried)")

		// Cancel: Run returns at once, without waiting for its timer.
		cancelled := time.Now()
		cancel()
		synctest.Wait()
		select {
		case err := <-done:
			assert.True(t, errors.Is(err, context.Canceled))
		default:
			t.Fatal("Run did not return when ctx ended")
		}
		assert.Equal(t, cancelled, time.Now(), "no time passed")
	})
}

// Options out of range are refused by New.
func TestNewValidates(t *testing.T) {
	t.Parallel()
	src := feed.Users(nil, "L")
	for _, o := range []feed.Option{feed.WithInterval(30 * time.Second), feed.WithInterval(time.Hour), feed.WithJitter(2), feed.WithBudget(-1), feed.WithMaxBackoff(0), feed.WithStore(nil)} {
		_, err := feed.New("k", src, o)
		assert.Error(t, err)
	}
	_, err := feed.New("", src)
	assert.Error(t, err)
	f, err := feed.New("k", src, feed.WithInterval(15*time.Minute))
	require.NoError(t, err)
	assert.Equal(t, "k", f.Key())
	assert.Equal(t, "deleted", feed.Deleted.String())
}
