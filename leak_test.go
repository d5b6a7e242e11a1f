package ghl_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// roundTripFunc is an in-memory transport.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// hourlyRetry makes every retry wait an hour, so a call that returns early
// can only have been stopped by its context.
var hourlyRetry = ghl.RetryPolicy{MaxRetries: 3, MinWait: time.Hour, MaxWait: time.Hour}

// checkCancelled asserts what a caller sees when it cancels during the wait.
func checkCancelled(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	var re *ghl.RequestError
	if !errors.As(err, &re) {
		t.Fatalf("error %T %v, want *ghl.RequestError", err, err)
	}
	if re.Attempts != 1 {
		t.Errorf("%d attempts, want 1 (the retry was never sent)", re.Attempts)
	}
}

// TestCancelDuringRetryWait cancels a call while it waits an hour to retry a
// 503, on a fake clock (testing/synctest) with an in-memory transport: the
// call must return with no fake time passing at all, and leave no goroutine.
func TestCancelDuringRetryWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var sent atomic.Int32
		hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			sent.Add(1)
			return &http.Response{StatusCode: 503, Header: http.Header{"Content-Type": {"application/json"}},
				Body:    io.NopCloser(strings.NewReader(`{"statusCode":503,"message":"Service Unavailable"}`)),
				Request: r}, nil
		})}
		c, err := ghl.NewClient(ghl.WithBaseURL("https://ghl.invalid"), ghl.WithAccessToken("t"),
			ghl.WithHTTPClient(hc), ghl.WithRetry(hourlyRetry))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() {
			_, _, err := c.Contacts.Get(ctx, "abc")
			done <- err
		}()
		synctest.Wait() // the call is now blocked in its retry wait
		if sent.Load() != 1 {
			t.Fatalf("%d requests sent before the wait, want 1", sent.Load())
		}
		start := time.Now()
		cancel()
		err = <-done
		if waited := time.Since(start); waited != 0 {
			t.Errorf("returned %v (fake time) after the cancel, want 0", waited)
		}
		checkCancelled(t, err)
	})
	// synctest.Test has waited for every goroutine of the bubble; goleak
	// checks that nothing outside it was started either.
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
}

// TestCancelDuringRetryWaitOnEmulator does the same over loopback against
// the emulator (real clock, real connections). The cancel-to-return latency
// is logged and checked only against a generous bound (5 s, against a
// retry wait of an hour). With the emulator closed and the client's idle
// connections closed, no goroutine may be left. It is not parallel, so that
// goleak sees only its own goroutines (paused parallel tests are ignored).
func TestCancelDuringRetryWaitOnEmulator(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	srv := ghltest.NewServer()
	loc := srv.CreateLocation("Cancel")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "C", "email": "c@x.example"})
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 503, Method: http.MethodGet})

	tr := http.DefaultTransport.(*http.Transport).Clone()
	answered := make(chan struct{}, 1)
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := tr.RoundTrip(r)
		select {
		case answered <- struct{}{}:
		default:
		}
		return resp, err
	})}
	c, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token),
		ghl.WithHTTPClient(hc), ghl.WithRetry(hourlyRetry))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	type result struct {
		err error
		at  time.Time
	}
	done := make(chan result)
	go func() {
		_, _, err := c.Contacts.Get(ctx, id)
		done <- result{err, time.Now()}
	}()
	<-answered // the 503 is back; the call is about to wait, or waiting
	start := time.Now()
	cancel()
	res := <-done
	latency := res.at.Sub(start)
	t.Logf("cancel to return: %v", latency)
	if latency > 5*time.Second {
		t.Errorf("returned %v after the cancel; the retry wait was not interrupted", latency)
	}
	checkCancelled(t, res.err)
	if got := len(srv.Requests()); got != 1 {
		t.Errorf("the emulator received %d requests, want 1", got)
	}

	srv.Close()
	tr.CloseIdleConnections()
	goleak.VerifyNone(t, ignore)
}
