package ghltest_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

// benchEnv is an emulator with 1000 seeded contacts, no rate limit, and a
// client whose pool fits b.RunParallel.
type benchEnv struct {
	srv *ghltest.Server
	loc *ghltest.Location
	ids []string
	hc  *http.Client
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	srv := ghltest.NewServer(ghltest.WithRateLimit(0, 0, 0))
	b.Cleanup(srv.Close)
	loc := srv.CreateLocation("Bench")
	ids := srv.SeedContacts(loc.ID, 1000)
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}
	b.Cleanup(tr.CloseIdleConnections)
	return &benchEnv{srv: srv, loc: loc, ids: ids, hc: &http.Client{Transport: tr}}
}

func (e *benchEnv) call(b *testing.B, method, path string, body []byte, want int) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.loc.Token)
	req.Header.Set("Version", "2021-07-28")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		b.Fatalf("%s %s: status %d, want %d", method, path, resp.StatusCode, want)
	}
}

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkServer_GetContact measures GET /contacts/{id} over loopback.
func BenchmarkServer_GetContact(b *testing.B) {
	e := newBenchEnv(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(rand.Uint64(), 1))
		for pb.Next() {
			e.call(b, "GET", "/contacts/"+e.ids[r.IntN(len(e.ids))], nil, 200)
		}
	})
	reportRate(b)
}

// BenchmarkServer_Mixed measures a read-heavy mix: 60% get contact, 15% list
// (GET /contacts/, 20 per page), 10% search (pageLimit 20, a tag filter),
// 10% update contact, 5% create contact.
func BenchmarkServer_Mixed(b *testing.B) {
	e := newBenchEnv(b)
	var seq atomic.Int64
	listPath := "/contacts/?locationId=" + e.loc.ID + "&limit=20"
	search := []byte(`{"locationId":"` + e.loc.ID + `","pageLimit":20,"filters":[{"field":"tags","operator":"contains","value":"vip"}]}`)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		r := rand.New(rand.NewPCG(rand.Uint64(), 2))
		for pb.Next() {
			id := e.ids[r.IntN(len(e.ids))]
			switch n := r.IntN(100); {
			case n < 60:
				e.call(b, "GET", "/contacts/"+id, nil, 200)
			case n < 75:
				e.call(b, "GET", listPath, nil, 200)
			case n < 85:
				e.call(b, "POST", "/contacts/search", search, 200)
			case n < 95:
				e.call(b, "PUT", "/contacts/"+id, []byte(`{"city":"Bench City","tags":["bench"]}`), 200)
			default:
				body := fmt.Sprintf(`{"locationId":%q,"firstName":"Bench","email":"bench%d@example.com"}`, e.loc.ID, seq.Add(1))
				e.call(b, "POST", "/contacts/", []byte(body), 201)
			}
		}
	})
	reportRate(b)
}

// BenchmarkServer_CreateContact measures POST /contacts/.
func BenchmarkServer_CreateContact(b *testing.B) {
	e := newBenchEnv(b)
	var seq atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := fmt.Sprintf(`{"locationId":%q,"firstName":"Bench","email":"c%d@example.com","tags":["a","b"]}`, e.loc.ID, seq.Add(1))
			e.call(b, "POST", "/contacts/", []byte(body), 201)
		}
	})
	reportRate(b)
}
