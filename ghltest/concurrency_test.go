package ghltest_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

// TestConcurrentMixed hammers one location from several goroutines (run it
// with -race) and checks that the state adds up.
func TestConcurrentMixed(t *testing.T) {
	srv := ghltest.NewServer(ghltest.WithRateLimit(0, 0, 0))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	ids := srv.SeedContacts(loc.ID, 50)
	const workers, perWorker = 6, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := &api{t: t, base: srv.URL, token: loc.Token, version: "2021-07-28", hc: srv.Client()}
			for i := 0; i < perWorker; i++ {
				id := ids[(w*perWorker+i)%len(ids)]
				var st int
				switch i % 5 {
				case 0:
					st = a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "email": fmt.Sprintf("w%d-%d@x.com", w, i)}).status
				case 1:
					st = a.do("PUT", "/contacts/"+id, map[string]any{"city": fmt.Sprint("c", w)}).status
				case 2:
					st = a.do("POST", "/contacts/"+id+"/tags", map[string]any{"tags": []string{fmt.Sprint("w", w)}}).status
				case 3:
					st = a.do("POST", "/contacts/search", map[string]any{"locationId": loc.ID, "pageLimit": 20, "filters": []any{map[string]any{"field": "tags", "operator": "contains", "value": "w1"}}}).status
				case 4:
					st = a.do("POST", "/contacts/"+id+"/notes", map[string]any{"body": "n"}).status
				}
				if st >= 300 {
					errs <- fmt.Errorf("worker %d op %d: status %d", w, i, st)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := len(srv.Contacts(loc.ID)), 50+workers*perWorker/5; got != want {
		t.Errorf("%d contacts, want %d", got, want)
	}
	notes := 0
	for _, id := range ids {
		notes += len(srv.Notes(id))
	}
	if notes != workers*perWorker/5 {
		t.Errorf("%d notes, want %d", notes, workers*perWorker/5)
	}
	if st := srv.Stats(); st.Requests != workers*perWorker {
		t.Errorf("Stats.Requests = %d", st.Requests)
	}
}
