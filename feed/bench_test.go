package feed_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
	"github.com/salesnexus/ghl-go/ghltest"
)

// BenchmarkCycle measures what one cycle of each strategy costs on the
// emulator for 1,000 and 100,000 contacts (seeded through the emulator's
// store, not over HTTP): requests/cycle (every attempt the cycle's budget
// counted, as Stats reports it), checkpoint-B (the checkpoint it saved)
// and changes/cycle. "first" is a feed's first cycle over the whole
// history, "quiet" a cycle with nothing changed, "100-changed" one after
// 100 contacts were updated; the watermark's quiet and 100-changed feeds
// start from now (ContactsOptions.Start), as a new feed on a live
// location would.
//
// A full read of 100,000 contacts takes the emulator about 20 s (each
// search sorts every contact), so the 100,000-contact cases that need one
// (every snapshot cycle, the watermark's first) run only with
// GHL_FEED_BENCH_100K=1:
//
//	GHL_FEED_BENCH_100K=1 go test -run '^$' -bench BenchmarkCycle -benchtime 1x ./feed
func BenchmarkCycle(b *testing.B) {
	big := os.Getenv("GHL_FEED_BENCH_100K") == "1"
	for _, n := range []int{1000, 100000} {
		for _, strat := range []string{"watermark", "snapshot"} {
			for _, phase := range []string{"first", "quiet", "100-changed"} {
				if n > 1000 && !big && (strat == "snapshot" || phase == "first") {
					continue
				}
				b.Run(fmt.Sprintf("%s/%s/%d", strat, phase, n), func(b *testing.B) {
					benchCycle(b, strat, phase, n)
				})
			}
		}
	}
	b.Run("activities/quiet/1000", func(b *testing.B) { benchActivities(b, 1000) })
}

// benchEnv is an emulator with n seeded contacts and a feed client.
func benchEnv(b *testing.B, n int) (*ghltest.Server, *ghltest.ManualClock, *ghltest.Location, *ghl.Client, []string) {
	b.Helper()
	clk := ghltest.NewManualClock(t0)
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now), ghltest.WithRateLimit(0, 0, 0), ghltest.WithRequestLogLimit(0))
	b.Cleanup(srv.Close)
	loc := srv.CreateLocation("Bench")
	ids := srv.SeedContacts(loc.ID, n)
	c, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token), ghl.WithRateLimit(ghl.RateLimit{Disabled: true}))
	if err != nil {
		b.Fatal(err)
	}
	return srv, clk, loc, c, ids
}

func benchCycle(b *testing.B, strat, phase string, n int) {
	_, clk, loc, c, ids := benchEnv(b, n)
	writer, err := ghl.NewClient(ghl.WithBaseURL(c.BaseURL()), ghl.WithAccessToken(loc.Token), ghl.WithRateLimit(ghl.RateLimit{Disabled: true}))
	if err != nil {
		b.Fatal(err)
	}
	clk.Advance(time.Hour) // the seeded history is old: a first cycle catches up
	var opts *feed.ContactsOptions
	if phase != "first" {
		opts = &feed.ContactsOptions{Start: clk.Now()}
	}
	var src feed.Source[ghl.Contact] = feed.Contacts(c, loc.ID, opts)
	if strat == "snapshot" {
		src = feed.ContactsSnapshot(c, loc.ID, nil)
	}
	run := func(f *feed.Feed[ghl.Contact]) (changes int) {
		for _, err := range f.Poll(context.Background()) {
			if err != nil {
				b.Fatal(err)
			}
			changes++
		}
		return changes
	}
	var requests, bytes, changes int
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		f, err := feed.New("bench", src, feed.WithClock(clk.Now), feed.WithLogger(quiet))
		if err != nil {
			b.Fatal(err)
		}
		if phase != "first" {
			run(f)
			clk.Advance(5 * time.Minute)
		}
		if phase == "100-changed" {
			for k := range 100 {
				name := fmt.Sprintf("u%d-%d", i, k)
				if _, _, err := writer.Contacts.Update(context.Background(), ids[(i*100+k)%n], &ghl.ContactUpdateRequest{FirstName: &name}); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StartTimer()
		changes = run(f)
		st := f.Stats()
		requests, bytes = st.LastRequests, st.CheckpointBytes
	}
	b.ReportMetric(float64(requests), "requests/cycle")
	b.ReportMetric(float64(bytes), "checkpoint-B")
	b.ReportMetric(float64(changes), "changes/cycle")
}

// benchActivities: a quiet pass of ContactActivities over n contacts with
// a task and a note each, without a budget.
func benchActivities(b *testing.B, n int) {
	_, clk, loc, c, ids := benchEnv(b, n)
	for _, id := range ids {
		if _, _, err := c.Contacts.CreateTask(context.Background(), id, &ghl.TaskCreateRequest{Title: "t", DueDate: ghl.Timestamp{Time: t0}}); err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.Contacts.CreateNote(context.Background(), id, &ghl.NoteCreateRequest{Body: "n"}); err != nil {
			b.Fatal(err)
		}
	}
	f, err := feed.New("bench", feed.ContactActivities(c, loc.ID, nil), feed.WithClock(clk.Now), feed.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Cycle(context.Background(), func(context.Context, feed.Change[feed.Activity]) error { return nil }); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := f.Cycle(context.Background(), func(context.Context, feed.Change[feed.Activity]) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	st := f.Stats()
	b.ReportMetric(float64(st.LastRequests), "requests/cycle")
	b.ReportMetric(float64(st.CheckpointBytes), "checkpoint-B")
}
