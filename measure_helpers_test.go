package ghl_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// Long forms of the measurement suite (see BENCHMARKS.md and RELIABILITY.md).
// They are flags of this package only, so pass them with the package path:
//
//	go test -run TestFaultSoak -soak .
//	go test -run '^$' -bench BenchmarkIterMemory -benchtime 1x -large .
var (
	soakFlag  = flag.Bool("soak", false, "run the fault soak on 10,000 contacts instead of 500 (or set GHL_SOAK=1)")
	largeFlag = flag.Bool("large", false, "benchmarks: 100,000 contacts for BenchmarkIterMemory, 1,000 for BenchmarkQuotaSync (or set GHL_LARGE=1)")
)

func soakLong() bool      { return *soakFlag || os.Getenv("GHL_SOAK") == "1" }
func largeRun() bool      { return *largeFlag || os.Getenv("GHL_LARGE") == "1" }
func fmtInt(n int) string { return fmt.Sprintf("%d", n) }

// seedTasksAndNotes gives contact i (i mod 3) tasks and ((i+1) mod 3) notes,
// so a sync reads a realistic mix of empty and non-empty lists.
func seedTasksAndNotes(srv *ghltest.Server, locID string, ids []string) {
	for i, id := range ids {
		for k := range i % 3 {
			srv.AddTask(locID, id, map[string]any{"title": fmt.Sprintf("Task %d", k)})
		}
		for k := range (i + 1) % 3 {
			srv.AddNote(locID, id, map[string]any{"body": fmt.Sprintf("Seeded note %d", k)})
		}
	}
}

// typedError reports whether err is one of the SDK's typed errors, as the
// README promises for every error a method returns.
func typedError(err error) bool {
	var (
		ae *ghl.APIError
		rl *ghl.RateLimitError
		re *ghl.RequestError
		ar *ghl.ArgError
		de *ghl.DecodeError
	)
	return errors.As(err, &ae) || errors.As(err, &rl) || errors.As(err, &re) || errors.As(err, &ar) || errors.As(err, &de)
}

// maxInWindow returns the largest number of times falling in any half-open
// window [t, t+w): the quota a sliding-window server would count.
func maxInWindow(times []time.Time, w time.Duration) int {
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	best, lo := 0, 0
	for hi := range times {
		for times[hi].Sub(times[lo]) >= w {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// TestMaxInWindow checks the sliding-window count used by the quota report.
func TestMaxInWindow(t *testing.T) {
	t0 := time.Unix(0, 0)
	at := func(ms ...int) []time.Time {
		var ts []time.Time
		for _, m := range ms {
			ts = append(ts, t0.Add(time.Duration(m)*time.Millisecond))
		}
		return ts
	}
	for _, tc := range []struct {
		ms   []int
		want int
	}{
		{nil, 0},
		{[]int{0}, 1},
		{[]int{0, 999, 1000}, 2},
		{[]int{1000, 0, 500, 1499, 1500}, 3},
		{[]int{0, 1, 2, 3}, 4},
	} {
		if got := maxInWindow(at(tc.ms...), time.Second); got != tc.want {
			t.Errorf("maxInWindow(%v) = %d, want %d", tc.ms, got, tc.want)
		}
	}
}
