package ghl_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// soakFaults fail about 20% of all requests (the first firing fault of a
// kind other than latency decides; latency adds to any of them):
// 5xx, resets before and after the handler, 429s (with Retry-After: 0 and
// without), truncated bodies, and 1 ms of latency.
var soakFaults = []ghltest.Fault{
	{Kind: ghltest.FaultLatency, Delay: time.Millisecond, Rate: 0.05},
	{Kind: ghltest.FaultStatus, Status: 503, Rate: 0.03},
	{Kind: ghltest.FaultStatus, Status: 500, Rate: 0.02},
	{Kind: ghltest.FaultResetBefore, Rate: 0.04},
	{Kind: ghltest.FaultResetAfter, Rate: 0.04},
	{Kind: ghltest.FaultStatus, Status: 429, RetryAfter: "0", Rate: 0.02},
	{Kind: ghltest.FaultStatus, Status: 429, Rate: 0.02},
	{Kind: ghltest.FaultTruncate, Rate: 0.04},
}

// soakBurstEvery is how many synced contacts pass between two bursts of
// soakBurstLen 429s on every path, longer than the client's 3 retries, so
// some 429s reach the sync, which must retry them itself.
const (
	soakBurstEvery = 100
	soakBurstLen   = 5
)

// TestFaultSoak runs a sync against the emulator while it injects about 20%
// faults, then checks the result against the emulator's state. The sync
// lists every contact (resuming from its last contact after a failed page),
// reads each contact, its tasks and its notes, and writes one note per
// contact. A write that fails with ErrOutcomeUnknown is reconciled (the
// contact's notes are read again) before it is sent again; other failed
// writes are sent again at once, since they were certainly not applied.
//
// Checks: every contact synced exactly once and read (one delivered
// GET /contacts/{id} in the emulator's log) exactly once; exactly one sync
// note per contact; every write the emulator applied but whose answer was
// lost reported as ErrOutcomeUnknown, and every ErrOutcomeUnknown matched by
// an ambiguous request in the log; every error typed.
//
// Short form: 500 contacts. Full form: go test -run TestFaultSoak -soak -v .
// (10,000 contacts).
func TestFaultSoak(t *testing.T) {
	n := 500
	if soakLong() {
		n = 10_000
	}
	srv := ghltest.NewServer(ghltest.WithRateLimit(0, 0, 0), ghltest.WithRequestLogLimit(1<<22), ghltest.WithSeed(20260905))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Soak")
	ids := srv.SeedContacts(loc.ID, n)
	seedTasksAndNotes(srv, loc.ID, ids)
	seededNotes := make(map[string]int, n)
	for _, id := range ids {
		seededNotes[id] = len(srv.Notes(id))
	}

	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	client, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token),
		ghl.WithHTTPClient(&http.Client{Transport: tr}),
		ghl.WithRateLimit(ghl.RateLimit{Disabled: true}),
		ghl.WithRetry(ghl.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range soakFaults {
		srv.InjectFault(f)
	}
	// A bound on the whole run, so that a hang fails instead of stalling CI;
	// not a speed assertion.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	srv.ResetRequests()
	start := time.Now()
	s := &soakSync{c: client, loc: loc.ID, seen: make(map[string]int, n), burst: func() {
		srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 429, RetryAfter: "0", Times: soakBurstLen})
	}}
	s.run(ctx, 4)
	elapsed := time.Since(start)
	srv.ClearFaults()
	stats := srv.Stats()
	log := srv.Requests()

	// Every error typed.
	for _, err := range s.untyped {
		t.Errorf("untyped error reached the caller: %T %v", err, err)
	}
	for _, err := range s.gaveUp {
		t.Errorf("sync gave up: %v", err)
	}

	// Every contact synced exactly once, none missing.
	if len(s.seen) != n {
		t.Errorf("synced %d distinct contacts, want %d", len(s.seen), n)
	}
	for _, id := range ids {
		if s.seen[id] != 1 {
			t.Errorf("contact %s synced %d times", id, s.seen[id])
		}
	}

	// Read exactly once: one delivered GET /contacts/{id} per contact.
	delivered := func(r ghltest.RecordedRequest) bool {
		return r.Status >= 200 && r.Status < 300 && (r.Fault == "" || r.Fault == string(ghltest.FaultLatency))
	}
	reads := make(map[string]int, n)
	var applied, ambiguous int
	kinds := map[string]int{}
	for _, r := range log {
		kinds[r.Fault]++
		parts := strings.Split(strings.Trim(r.Path, "/"), "/")
		switch {
		case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "contacts" && parts[1] != "":
			if delivered(r) {
				reads[parts[1]]++
			}
		case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "notes":
			switch ghltest.FaultKind(r.Fault) {
			case ghltest.FaultResetAfter, ghltest.FaultTruncate:
				applied++ // the note was written but its answer lost
				ambiguous++
			case ghltest.FaultResetBefore:
				ambiguous++ // not written, but the client cannot know
			case ghltest.FaultStatus:
				if r.Status >= 500 {
					ambiguous++
				}
			}
		}
	}
	for _, id := range ids {
		if reads[id] != 1 {
			t.Errorf("contact %s read (delivered) %d times, want 1", id, reads[id])
		}
	}

	// Exactly one sync note per contact; seeded notes untouched.
	for _, id := range ids {
		notes := srv.Notes(id)
		mine := 0
		for _, note := range notes {
			if note["body"] == soakNote(id) {
				mine++
			}
		}
		if mine != 1 || len(notes) != seededNotes[id]+1 {
			t.Errorf("contact %s: %d sync notes (want 1), %d notes (want %d)", id, mine, len(notes), seededNotes[id]+1)
		}
	}

	// Ambiguous writes reported as such.
	if s.foundApplied != applied {
		t.Errorf("reconcile found %d applied writes; the emulator applied %d writes whose answer was lost", s.foundApplied, applied)
	}
	if s.unknown != ambiguous {
		t.Errorf("%d writes reported ErrOutcomeUnknown; the emulator's log has %d ambiguous note writes", s.unknown, ambiguous)
	}

	faulted := stats.FaultsInjected - int64(kinds[string(ghltest.FaultLatency)])
	t.Logf("soak: %d contacts in %v: %d requests, %d faulted (%.1f%%, latency-only %d); by kind %v",
		n, elapsed.Round(time.Millisecond), stats.Requests, faulted, 100*float64(faulted)/float64(stats.Requests),
		kinds[string(ghltest.FaultLatency)], kinds)
	t.Logf("soak: errors reaching the sync %d (by type %v); writes with unknown outcome %d: reconciled as applied %d, as not applied and re-sent %d; other failed writes re-sent %d; list resumed %d times",
		s.errs, s.byType, s.unknown, s.foundApplied, s.resentUnknown, s.resentCertain, s.resumes)
}

func soakNote(contactID string) string { return "synced " + contactID }

// soakSync is the sync under test: what a careful caller of the SDK writes.
type soakSync struct {
	c     *ghl.Client
	loc   string
	burst func()

	mu                           sync.Mutex
	seen                         map[string]int
	synced, errs, resumes        int
	unknown, foundApplied        int
	resentUnknown, resentCertain int
	byType                       map[string]int
	untyped, gaveUp              []error
}

// maxAttempts bounds the sync's own retries of one step (on top of the
// SDK's); with 20% faults, 8 failures in a row are a bug, not bad luck.
const maxAttempts = 8

func (s *soakSync) record(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs++
	if s.byType == nil {
		s.byType = map[string]int{}
	}
	var (
		ae *ghl.APIError
		rl *ghl.RateLimitError
		re *ghl.RequestError
		ar *ghl.ArgError
		de *ghl.DecodeError
	)
	switch {
	case errors.As(err, &rl):
		s.byType["RateLimitError"]++
	case errors.As(err, &ae):
		s.byType[fmt.Sprintf("APIError %d", ae.StatusCode)]++
	case errors.As(err, &re):
		s.byType["RequestError"]++
	case errors.As(err, &ar):
		s.byType["ArgError"]++
	case errors.As(err, &de):
		s.byType["DecodeError"]++
	}
	if !typedError(err) {
		s.untyped = append(s.untyped, err)
	}
}

func (s *soakSync) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gaveUp = append(s.gaveUp, err)
}

// read runs one read until it succeeds, up to maxAttempts.
func (s *soakSync) read(what string, f func() error) bool {
	var err error
	for range maxAttempts {
		if err = f(); err == nil {
			return true
		}
		s.record(err)
	}
	s.fail(fmt.Errorf("%s: %w", what, err))
	return false
}

func (s *soakSync) run(ctx context.Context, workers int) {
	work := make(chan ghl.Contact)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ct := range work {
				s.syncContact(ctx, ct)
			}
		})
	}
	s.list(ctx, work)
	close(work)
	wg.Wait()
}

// list pages through every contact; after a failed page it starts a new
// walk after the last contact it saw, so no contact is sent twice.
func (s *soakSync) list(ctx context.Context, work chan<- ghl.Contact) {
	opts := &ghl.ContactListOptions{Limit: 100}
	failures := 0
	for {
		failed := false
		for ct, err := range s.c.Contacts.ListIter(ctx, s.loc, opts) {
			if err != nil {
				s.record(err)
				failed = true
				break
			}
			failures = 0
			opts = &ghl.ContactListOptions{Limit: 100, StartAfter: ct.DateAdded.UnixMilli(), StartAfterID: ct.ID}
			work <- *ct
		}
		if !failed {
			return
		}
		if failures++; failures >= maxAttempts {
			s.fail(errors.New("listing contacts failed too often in a row"))
			return
		}
		s.mu.Lock()
		s.resumes++
		s.mu.Unlock()
	}
}

func (s *soakSync) syncContact(ctx context.Context, ct ghl.Contact) {
	s.mu.Lock()
	s.seen[ct.ID]++
	s.synced++
	burst := s.synced%soakBurstEvery == 0
	s.mu.Unlock()
	if burst {
		s.burst()
	}
	c := s.c.Contacts
	ok := s.read("get "+ct.ID, func() error {
		got, _, err := c.Get(ctx, ct.ID)
		if err == nil && got.ID != ct.ID {
			return fmt.Errorf("got contact %q, want %q", got.ID, ct.ID)
		}
		return err
	})
	ok = ok && s.read("tasks "+ct.ID, func() error { _, _, err := c.ListTasks(ctx, ct.ID); return err })
	ok = ok && s.read("notes "+ct.ID, func() error { _, _, err := c.ListNotes(ctx, ct.ID); return err })
	if ok {
		s.writeNote(ctx, ct.ID)
	}
}

// writeNote writes the contact's sync note exactly once.
func (s *soakSync) writeNote(ctx context.Context, id string) {
	c := s.c.Contacts
	body := soakNote(id)
	for range maxAttempts {
		_, _, err := c.CreateNote(ctx, id, &ghl.NoteCreateRequest{Body: body})
		if err == nil {
			return
		}
		s.record(err)
		var de *ghl.DecodeError
		switch {
		case errors.As(err, &de):
			return // a 2xx answer: the note was written
		case errors.Is(err, ghl.ErrOutcomeUnknown):
			// The note may have been written: look before sending it again.
			var found bool
			if !s.read("reconcile "+id, func() error {
				notes, _, err := c.ListNotes(ctx, id)
				found = false
				for _, n := range notes {
					found = found || n.Body == body
				}
				return err
			}) {
				return
			}
			s.mu.Lock()
			s.unknown++
			if found {
				s.foundApplied++
			} else {
				s.resentUnknown++
			}
			s.mu.Unlock()
			if found {
				return
			}
		default:
			// Refused before it was applied (a 429, a connection that never
			// opened): send it again.
			s.mu.Lock()
			s.resentCertain++
			s.mu.Unlock()
		}
	}
	s.fail(fmt.Errorf("note for %s: too many failures", id))
}
