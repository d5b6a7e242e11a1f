package ghltest_test

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

// BenchmarkStoreMemory measures the live heap an emulator holds for a
// location of N seeded contacts: a full GC before creating the server (the
// baseline, in the same run) and after seeding, then the growth. It
// reports
//
//	live-MB      heap growth over the baseline, in MiB
//	B/contact    that growth divided by N
//
// N is 10,000, and also 100,000 with GHL_LARGE=1:
//
//	GHL_LARGE=1 go test -run '^$' -bench BenchmarkStoreMemory -benchtime 1x -count 3 ./ghltest/
func BenchmarkStoreMemory(b *testing.B) {
	sizes := []int{10_000}
	if os.Getenv("GHL_LARGE") == "1" {
		sizes = append(sizes, 100_000)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("contacts=%d", n), func(b *testing.B) {
			var grown uint64
			for b.Loop() {
				before := liveHeap()
				srv := ghltest.NewHandler(ghltest.WithRateLimit(0, 0, 0), ghltest.WithRequestLogLimit(0))
				loc := srv.CreateLocation("Memory")
				srv.SeedContacts(loc.ID, n)
				after := liveHeap()
				runtime.KeepAlive(srv)
				if after > before {
					grown = after - before
				}
			}
			b.ReportMetric(float64(grown)/(1<<20), "live-MB")
			b.ReportMetric(float64(grown)/float64(n), "B/contact")
		})
	}
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
