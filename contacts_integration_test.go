package ghl_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// These tests run the Contacts service against the ghltest emulator, which
// follows the official specs independently of the SDK's models: a wrong
// field name or path in the SDK fails here.

func emulatorClient(t *testing.T, srv *ghltest.Server, token string, opts ...ghl.Option) *ghl.Client {
	t.Helper()
	base := []ghl.Option{ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(token),
		ghl.WithRetry(ghl.RetryPolicy{MaxRetries: 3, MinWait: time.Millisecond, MaxWait: 50 * time.Millisecond}),
		ghl.WithRateLimit(ghl.RateLimit{Disabled: true}),
		// records the calls for the catalog coverage check (coverage_integration_test.go)
		ghl.WithHTTPClient(&http.Client{Transport: recordingTransport{http.DefaultTransport}})}
	c, err := ghl.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c
}

func TestContactsRoundTripOnEmulator(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Round Trip")
	c := emulatorClient(t, srv, loc.Token)
	ctx := t.Context()

	// Create, get, update.
	created, resp, err := c.Contacts.Create(ctx, &ghl.ContactCreateRequest{
		LocationID: loc.ID, FirstName: ghl.Ptr("Rosan"), LastName: ghl.Ptr("Deo"),
		Email: ghl.Ptr("rosan@deos.com"), Phone: ghl.Ptr("+18888888888"), Tags: []string{"lead"},
	})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	require.NotEmpty(t, created.ID)
	assert.Equal(t, loc.ID, created.LocationID)
	assert.False(t, created.DateAdded.IsZero(), "dateAdded decodes as a Timestamp")

	got, _, err := c.Contacts.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, "Rosan", got.FirstName)
	assert.Equal(t, "rosan@deos.com", got.Email)
	assert.Equal(t, []string{"lead"}, got.Tags)

	updated, _, err := c.Contacts.Update(ctx, created.ID, &ghl.ContactUpdateRequest{City: ghl.Ptr("Dolomite")})
	require.NoError(t, err)
	assert.Equal(t, "Dolomite", updated.City)
	state, ok := srv.Contact(loc.ID, created.ID)
	require.True(t, ok)
	assert.Equal(t, "Dolomite", state["city"])

	// Upsert matches by email; duplicate search finds by email or phone.
	up, _, err := c.Contacts.Upsert(ctx, &ghl.ContactUpsertRequest{LocationID: loc.ID, Email: ghl.Ptr("rosan@deos.com"), LastName: ghl.Ptr("Doe")})
	require.NoError(t, err)
	assert.False(t, up.New)
	assert.Equal(t, created.ID, up.Contact.ID)
	dup, _, err := c.Contacts.FindDuplicate(ctx, loc.ID, &ghl.DuplicateSearchOptions{Number: "+18888888888"})
	require.NoError(t, err)
	require.NotNil(t, dup)
	require.NotNil(t, dup.Contact)
	assert.Equal(t, created.ID, dup.Contact.ID)
	none, _, err := c.Contacts.FindDuplicate(ctx, loc.ID, &ghl.DuplicateSearchOptions{Email: "nobody@example.com"})
	require.NoError(t, err)
	assert.Nil(t, none.Contact)

	// Tags, single and bulk.
	tags, _, err := c.Contacts.AddTags(ctx, created.ID, &ghl.ContactTagsRequest{Tags: []string{"vip", "q4"}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"lead", "vip", "q4"}, tags.Tags)
	tags, _, err = c.Contacts.RemoveTags(ctx, created.ID, &ghl.ContactTagsRequest{Tags: []string{"q4"}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"lead", "vip"}, tags.Tags)
	_, _, err = c.Contacts.BulkUpdateTags(ctx, ghl.BulkTagAdd, &ghl.BulkTagsRequest{LocationID: loc.ID, Contacts: []string{created.ID}, Tags: []string{"bulk"}})
	require.NoError(t, err)
	got, _, err = c.Contacts.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Contains(t, got.Tags, "bulk")

	// Tasks through their life.
	task, _, err := c.Contacts.CreateTask(ctx, created.ID, &ghl.TaskCreateRequest{Title: "Call", DueDate: ghl.Timestamp{Time: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}})
	require.NoError(t, err)
	assert.Equal(t, "Call", task.Title)
	assert.True(t, task.DueDate.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)))
	task, _, err = c.Contacts.UpdateTask(ctx, created.ID, task.ID, &ghl.TaskUpdateRequest{Title: ghl.Ptr("Call back")})
	require.NoError(t, err)
	assert.Equal(t, "Call back", task.Title)
	task, _, err = c.Contacts.CompleteTask(ctx, created.ID, task.ID, &ghl.TaskCompletedRequest{Completed: true})
	require.NoError(t, err)
	assert.True(t, task.Completed)
	one, _, err := c.Contacts.GetTask(ctx, created.ID, task.ID)
	require.NoError(t, err)
	assert.Equal(t, task.ID, one.ID)
	tasks, _, err := c.Contacts.ListTasks(ctx, created.ID)
	require.NoError(t, err)
	assert.Len(t, tasks, 1)
	done, _, err := c.Contacts.DeleteTask(ctx, created.ID, task.ID)
	require.NoError(t, err)
	assert.True(t, done.Succeeded)
	assert.Empty(t, srv.Tasks(created.ID))

	// Notes.
	note, _, err := c.Contacts.CreateNote(ctx, created.ID, &ghl.NoteCreateRequest{Body: "first"})
	require.NoError(t, err)
	note, _, err = c.Contacts.UpdateNote(ctx, created.ID, note.ID, &ghl.NoteUpdateRequest{Body: ghl.Ptr("first, edited")})
	require.NoError(t, err)
	assert.Equal(t, "first, edited", note.Body)
	gotNote, _, err := c.Contacts.GetNote(ctx, created.ID, note.ID)
	require.NoError(t, err)
	assert.Equal(t, "first, edited", gotNote.Body)
	notes, _, err := c.Contacts.ListNotes(ctx, created.ID)
	require.NoError(t, err)
	assert.Len(t, notes, 1)
	done, _, err = c.Contacts.DeleteNote(ctx, created.ID, note.ID)
	require.NoError(t, err)
	assert.True(t, done.Succeeded)
	assert.Empty(t, srv.Notes(created.ID))

	// Campaigns, workflows, followers. Enrolment refers to existing ones.
	for kind, id := range map[string]string{"campaigns": "camp1", "workflows": "wf1"} {
		srv.Store(loc.ID).Put(kind, map[string]any{"id": id})
	}
	srv.Store(loc.ID).Put("campaigns", map[string]any{"id": "camp2"})
	done, _, err = c.Contacts.AddToCampaign(ctx, created.ID, "camp1")
	require.NoError(t, err)
	assert.True(t, done.Succeeded)
	assert.Equal(t, []string{"camp1"}, srv.Campaigns(created.ID))
	done, _, err = c.Contacts.RemoveFromCampaign(ctx, created.ID, "camp1")
	require.NoError(t, err)
	assert.True(t, done.Succeeded)
	_, _, err = c.Contacts.AddToCampaign(ctx, created.ID, "camp2")
	require.NoError(t, err)
	_, _, err = c.Contacts.RemoveFromAllCampaigns(ctx, created.ID)
	require.NoError(t, err)
	assert.Empty(t, srv.Campaigns(created.ID))
	_, _, err = c.Contacts.AddToWorkflow(ctx, created.ID, "wf1", &ghl.ContactWorkflowRequest{})
	require.NoError(t, err)
	assert.Equal(t, []string{"wf1"}, srv.Workflows(created.ID))
	_, _, err = c.Contacts.RemoveFromWorkflow(ctx, created.ID, "wf1", &ghl.ContactWorkflowRequest{})
	require.NoError(t, err)
	assert.Empty(t, srv.Workflows(created.ID))
	fol, _, err := c.Contacts.AddFollowers(ctx, created.ID, &ghl.ContactFollowersRequest{Followers: []string{"user1", "user2"}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"user1", "user2"}, fol.Followers)
	fol, _, err = c.Contacts.RemoveFollowers(ctx, created.ID, &ghl.ContactFollowersRequest{Followers: []string{"user1"}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"user2"}, fol.Followers)

	// Business links and appointments.
	biz := srv.AddBusiness(loc.ID, "Acme")
	_, _, err = c.Contacts.BulkUpdateBusiness(ctx, &ghl.BulkBusinessRequest{LocationID: loc.ID, IDs: []string{created.ID}, BusinessID: ghl.Ptr(biz)})
	require.NoError(t, err)
	byBiz, resp, err := c.Contacts.ListByBusiness(ctx, biz, loc.ID, nil)
	require.NoError(t, err)
	require.Len(t, byBiz, 1)
	assert.Equal(t, created.ID, byBiz[0].ID)
	assert.Equal(t, 1, resp.Total)
	srv.AddAppointment(loc.ID, created.ID, map[string]any{"title": "Demo", "startTime": "2030-01-02T10:00:00Z", "endTime": "2030-01-02T10:30:00Z"})
	appts, _, err := c.Contacts.ListAppointments(ctx, created.ID)
	require.NoError(t, err)
	require.Len(t, appts, 1)
	assert.Equal(t, "Demo", appts[0].Title)
	assert.True(t, appts[0].StartTime.Equal(time.Date(2030, 1, 2, 10, 0, 0, 0, time.UTC)))

	// Delete, then it is gone.
	done, _, err = c.Contacts.Delete(ctx, created.ID)
	require.NoError(t, err)
	assert.True(t, done.Succeeded)
	_, _, err = c.Contacts.Get(ctx, created.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	// Every request carried the Version its operation declares.
	reqs := srv.Requests()
	require.NotEmpty(t, reqs)
	for _, r := range reqs {
		assert.Equal(t, "2021-07-28", r.Version, "%s %s", r.Method, r.Path)
		assert.Equal(t, "Bearer [redacted]", r.Header.Get("Authorization"))
		assert.Equal(t, ghltest.Fingerprint(loc.Token), r.TokenFingerprint, "the location's token was sent")
	}
}

func TestContactsAreScopedToTheTokensLocation(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	a, b := srv.CreateLocation("A"), srv.CreateLocation("B")
	id := srv.AddContact(a.ID, map[string]any{"firstName": "Only", "email": "only@a.example"})
	cb := emulatorClient(t, srv, b.Token)
	_, _, err := cb.Contacts.Get(t.Context(), id)
	var ae *ghl.APIError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, []int{403, 404}, ae.StatusCode)
	_, _, err = cb.Contacts.Create(t.Context(), &ghl.ContactCreateRequest{LocationID: a.ID, FirstName: ghl.Ptr("x")})
	assert.ErrorIs(t, err, ghl.ErrForbidden)
}

func TestContactsPaginationOnEmulator(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Many")
	const n = 3000
	seeded := srv.SeedContacts(loc.ID, n)
	require.Len(t, seeded, n)
	c := emulatorClient(t, srv, loc.Token)
	want := make(map[string]bool, n)
	for _, id := range seeded {
		want[id] = true
	}

	walk := func(name string, seq func(yield func(*ghl.Contact, error) bool)) {
		seen := make(map[string]bool, n)
		for ct, err := range seq {
			require.NoError(t, err, name)
			assert.False(t, seen[ct.ID], "%s: %s seen twice", name, ct.ID)
			seen[ct.ID] = true
		}
		assert.Equal(t, want, seen, name)
	}

	srv.ResetRequests()
	walk("List", c.Contacts.ListIter(t.Context(), loc.ID, &ghl.ContactListOptions{Limit: 100}))
	assert.Len(t, srv.Requests(), n/100, "one request per full page, none after the last")

	srv.ResetRequests()
	walk("Search", c.Contacts.SearchIter(t.Context(), &ghl.ContactSearchRequest{LocationID: loc.ID, PageLimit: 500}))
	assert.LessOrEqual(t, len(srv.Requests()), n/500+1)

	// Early break fetches no more pages.
	srv.ResetRequests()
	count := 0
	for _, err := range c.Contacts.SearchIter(t.Context(), &ghl.ContactSearchRequest{LocationID: loc.ID, PageLimit: 100}) {
		require.NoError(t, err)
		if count++; count == 150 {
			break
		}
	}
	assert.Len(t, srv.Requests(), 2)
}

func TestContactsSearchFiltersOnEmulator(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Filters")
	srv.AddContact(loc.ID, map[string]any{"firstName": "Tagged", "email": "t@x.example", "tags": []string{"vip"}})
	srv.AddContact(loc.ID, map[string]any{"firstName": "Plain", "email": "p@x.example"})
	c := emulatorClient(t, srv, loc.Token)
	got, resp, err := c.Contacts.Search(t.Context(), &ghl.ContactSearchRequest{
		LocationID: loc.ID, PageLimit: 10,
		Filters: []ghl.ContactSearchFilter{{Field: "tags", Operator: "contains", Value: "vip"}},
	})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "Tagged", got[0].FirstName)
	assert.Equal(t, 1, resp.Total)

	_, _, err = c.Contacts.Search(t.Context(), &ghl.ContactSearchRequest{LocationID: loc.ID})
	assert.ErrorIs(t, err, ghl.ErrInvalidArgument, "pageLimit is required and checked before sending")
}

func TestRetriesAgainstInjectedFaults(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Faults")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "F", "email": "f@x.example"})
	c := emulatorClient(t, srv, loc.Token)
	ctx := t.Context()

	// A GET survives two 503s.
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 503, Method: "GET", PathPattern: "/contacts/*", Times: 2})
	got, resp, err := c.Contacts.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "F", got.FirstName)
	assert.Equal(t, 3, resp.Attempts)

	// A GET survives a truncated body.
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultTruncate, Method: "GET", PathPattern: "/contacts/*", Times: 1})
	_, resp, err = c.Contacts.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)

	// A POST refused with 429 is sent again and applied once.
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 429, Method: "POST", PathPattern: "/contacts/*/notes", Times: 1, RetryAfter: "0"})
	_, resp, err = c.Contacts.CreateNote(ctx, id, &ghl.NoteCreateRequest{Body: "after 429"})
	require.NoError(t, err)
	assert.Equal(t, 2, resp.Attempts)
	assert.Len(t, srv.Notes(id), 1)

	// A POST whose connection is reset after the handler ran is not sent
	// again, and the caller is told the write may have happened (it did).
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultResetAfter, Method: "POST", PathPattern: "/contacts/*/notes", Times: 1})
	_, _, err = c.Contacts.CreateNote(ctx, id, &ghl.NoteCreateRequest{Body: "maybe"})
	assert.ErrorIs(t, err, ghl.ErrOutcomeUnknown)
	var re *ghl.RequestError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 1, re.Attempts)
	assert.Len(t, srv.Notes(id), 2, "the write was applied once, never twice")

	// A POST that got a 500 is not sent again either.
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 500, Method: "POST", PathPattern: "/contacts/*/notes", Times: 1})
	_, _, err = c.Contacts.CreateNote(ctx, id, &ghl.NoteCreateRequest{Body: "500"})
	assert.ErrorIs(t, err, ghl.ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ghl.ErrServer)
	assert.Len(t, srv.Notes(id), 2)
}

func TestServerRateLimitIsAbsorbed(t *testing.T) {
	t.Parallel()
	// 20 requests per 200 ms on the server; 60 concurrent GETs from a client
	// whose own limiter is off: the 429s are retried, none reaches the caller.
	srv := ghltest.NewServer(ghltest.WithRateLimit(20, 200*time.Millisecond, 0))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Busy")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "B", "email": "b@x.example"})
	c := emulatorClient(t, srv, loc.Token, ghl.WithRetry(ghl.RetryPolicy{MaxRetries: 10, MinWait: 10 * time.Millisecond, MaxWait: time.Second}))
	var wg sync.WaitGroup
	errs := make(chan error, 60)
	for range 60 {
		wg.Go(func() {
			_, _, err := c.Contacts.Get(t.Context(), id)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Positive(t, srv.Stats().RateLimited, "the server did refuse some")
}

func TestClientLimiterPreventsServer429s(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer(ghltest.WithRateLimit(20, 200*time.Millisecond, 0))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Paced")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "P", "email": "p@x.example"})
	// 15 per 200 ms with a burst of 1 keeps any window at or under 16, leaving
	// room for network jitter under the server's 20.
	c := emulatorClient(t, srv, loc.Token, ghl.WithRateLimit(ghl.RateLimit{Requests: 15, Interval: 200 * time.Millisecond, Burst: 1}))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 15 {
				_, _, err := c.Contacts.Get(t.Context(), id)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	assert.Zero(t, srv.Stats().RateLimited)
}

func TestDailyQuotaAgainstEmulator(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer(ghltest.WithRateLimit(0, 0, 3))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Daily")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "D", "email": "d@x.example"})
	c := emulatorClient(t, srv, loc.Token)
	for i := range 3 {
		_, resp, err := c.Contacts.Get(t.Context(), id)
		require.NoError(t, err, "request %d", i)
		assert.Equal(t, 3, resp.Rate.DailyLimit)
		assert.Equal(t, 2-i, resp.Rate.DailyRemaining)
	}
	before := srv.Stats().Requests
	_, _, err := c.Contacts.Get(t.Context(), id)
	var rl *ghl.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.True(t, rl.Daily)
	assert.Equal(t, before, srv.Stats().Requests, "a certain refusal is not sent")
}

func TestContextCancelStopsIteration(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Cancel")
	srv.SeedContacts(loc.ID, 50)
	c := emulatorClient(t, srv, loc.Token)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	n := 0
	var last error
	for _, err := range c.Contacts.ListIter(ctx, loc.ID, &ghl.ContactListOptions{Limit: 10}) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 10 {
			cancel()
		}
	}
	assert.True(t, errors.Is(last, context.Canceled), "got %v", last)
	assert.Equal(t, 10, n)
}
