package ghl_test

import (
	"context"
	"iter"
	"runtime"
	"testing"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// BenchmarkIterMemory walks every seeded contact of a location through the
// pagination iterators (100 per page) and samples the live heap (after a
// full GC) every memSampleEvery contacts. It reports the largest growth of
// the live heap over the baseline taken after seeding (the emulator runs in
// the same process, so its state is in the baseline and its per-request
// garbage is collected before each sample):
//
//	peak-live-KB   largest live-heap growth seen during the walk, in KiB
//	live-B/contact that growth divided by the number of contacts; flat
//	               memory means this falls tenfold from 10,000 to 100,000
//
// Reproduce: go test -run '^$' -bench BenchmarkIterMemory -benchtime 1x .
// (10,000 contacts), with -large for 10,000 and 100,000.
func BenchmarkIterMemory(b *testing.B) {
	sizes := []int{10_000}
	if largeRun() {
		sizes = append(sizes, 100_000)
	}
	for _, n := range sizes {
		b.Run("contacts="+fmtInt(n), func(b *testing.B) {
			srv := ghltest.NewServer(ghltest.WithRateLimit(0, 0, 0), ghltest.WithRequestLogLimit(0))
			b.Cleanup(srv.Close)
			loc := srv.CreateLocation("Memory")
			srv.SeedContacts(loc.ID, n)
			client, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token),
				ghl.WithHTTPClient(srv.Client()), ghl.WithRateLimit(ghl.RateLimit{Disabled: true}))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for _, it := range []struct {
				name string
				seq  func() iter.Seq2[*ghl.Contact, error]
			}{
				{"SearchIter", func() iter.Seq2[*ghl.Contact, error] {
					return client.Contacts.SearchIter(ctx, &ghl.ContactSearchRequest{LocationID: loc.ID, PageLimit: 100})
				}},
				{"ListIter", func() iter.Seq2[*ghl.Contact, error] {
					return client.Contacts.ListIter(ctx, loc.ID, &ghl.ContactListOptions{Limit: 100})
				}},
			} {
				b.Run(it.name, func(b *testing.B) {
					peak := walkMeasured(b, it.seq, n)
					b.ReportMetric(float64(peak)/1024, "peak-live-KB")
					b.ReportMetric(float64(peak)/float64(n), "live-B/contact")
				})
			}
		})
	}
}

// memSampleEvery is how many contacts pass between two heap samples.
const memSampleEvery = 2_000

// walkMeasured ranges over seq() once per benchmark iteration and returns the
// largest live-heap growth (bytes) over the heap before the first walk.
func walkMeasured(b *testing.B, seq func() iter.Seq2[*ghl.Contact, error], want int) uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak uint64
	sample := func() {
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
			peak = ms.HeapAlloc - base
		}
		b.StartTimer()
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for c, err := range seq() {
			if err != nil {
				b.Fatal(err)
			}
			if c.ID == "" {
				b.Fatal("contact without an ID")
			}
			if n++; n%memSampleEvery == 0 {
				sample()
			}
		}
		if n != want {
			b.Fatalf("walked %d contacts, want %d", n, want)
		}
	}
	return peak
}
