package ghltest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

// BenchmarkWrite_UpdateContactWebhook is BenchmarkWrite_UpdateContact with
// a registered receiver: each write queues a ContactUpdate and a
// ContactTagUpdate. The timer covers the writes only; the queue is drained
// after.
func BenchmarkWrite_UpdateContactWebhook(b *testing.B) {
	sink := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	b.Cleanup(sink.Close)
	var srv *ghltest.Server
	benchWrite(b, func(s *ghltest.Server) { srv = s; s.RegisterWebhook(sink.URL) })
	b.StopTimer()
	if err := srv.FlushWebhooks(context.Background()); err != nil {
		b.Fatal(err)
	}
}
