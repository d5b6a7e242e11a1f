package ghltest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

// benchWrite measures PUT /contacts/{id} in process (ServeHTTP, no
// network), the write path the webhook hooks sit on. setup runs on the
// server first.
func benchWrite(b *testing.B, setup func(*ghltest.Server)) {
	srv := ghltest.NewHandler(ghltest.WithRateLimit(0, 0, 0), ghltest.WithRequestLogLimit(1))
	b.Cleanup(srv.Close)
	loc := srv.CreateLocation("Bench")
	ids := srv.SeedContacts(loc.ID, 1000)
	setup(srv)
	bodies := []string{`{"city":"Bench City","tags":["bench"]}`, `{"city":"Other City","tags":["other"]}`}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		req := httptest.NewRequest("PUT", "/contacts/"+ids[i%len(ids)], strings.NewReader(bodies[i/len(ids)%2]))
		req.Header.Set("Authorization", "Bearer "+loc.Token)
		req.Header.Set("Version", "2021-07-28")
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkWrite_UpdateContact is the baseline: no webhook registered.
func BenchmarkWrite_UpdateContact(b *testing.B) { benchWrite(b, func(*ghltest.Server) {}) }
