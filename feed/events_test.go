package feed_test

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
)

// A calendar-events feed reads its window (1 request) and diffs it; an
// event missing from the window is looked up (1 request): deleted ones are
// Deleted, rescheduled ones Updated, and aged-out ones are forgotten.
func TestCalendarEventsWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := e.srv.Store(e.loc.ID)
	put := func(id, title string, start time.Time) {
		st.Put("appointments", map[string]any{"id": id, "calendarId": "cal1", "title": title,
			"startTime": start.Format(time.RFC3339), "endTime": start.Add(30 * time.Minute).Format(time.RFC3339)})
	}
	put("ev-soon", "Soon", t0.Add(2*time.Hour))
	put("ev-later", "Later", t0.Add(48*time.Hour))
	put("ev-past", "Past", t0.Add(-2*time.Hour))
	put("ev-far", "Far", t0.Add(60*24*time.Hour)) // beyond the window
	st.Put("appointments", map[string]any{"id": "ev-other", "calendarId": "cal2", "title": "Other calendar",
		"startTime": t0.Add(time.Hour).Format(time.RFC3339), "endTime": t0.Add(2 * time.Hour).Format(time.RFC3339)})

	f, err := feed.New("events", feed.CalendarEvents(e.feedC, e.loc.ID, feed.CalendarEventsOptions{CalendarID: "cal1"}),
		feed.WithClock(e.clk.Now), feed.WithLogger(quiet))
	require.NoError(t, err)
	reqs := func() []string {
		var out []string
		for _, r := range e.srv.Requests() {
			out = append(out, r.Method+" "+r.Path)
		}
		e.srv.ResetRequests()
		return out
	}
	cs, err := collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"ev-soon": feed.Created, "ev-later": feed.Created, "ev-past": feed.Created}, kinds(cs))
	log := e.srv.Requests()
	require.Len(t, log, 1, "one request per cycle")
	q, err := url.ParseQuery(log[0].RawQuery)
	require.NoError(t, err)
	assert.Equal(t, "/calendars/events", log[0].Path)
	assert.Equal(t, e.loc.ID, q.Get("locationId"))
	assert.Equal(t, "cal1", q.Get("calendarId"))
	assert.Equal(t, strconv.FormatInt(t0.Add(-feed.DefaultEventsBack).UnixMilli(), 10), q.Get("startTime"))
	assert.Equal(t, strconv.FormatInt(t0.Add(feed.DefaultEventsAhead).UnixMilli(), 10), q.Get("endTime"))
	reqs()

	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Empty(t, cs)
	assert.Equal(t, []string{"GET /calendars/events"}, reqs(), "a quiet cycle is 1 request")

	// A day later: ev-past ages out; ev-soon is rescheduled beyond the
	// window, ev-later renamed, a new event booked, one deleted.
	e.clk.Advance(24*time.Hour + time.Minute)
	put("ev-soon", "Soon, moved", t0.Add(90*24*time.Hour))
	put("ev-later", "Later, renamed", t0.Add(48*time.Hour))
	put("ev-new", "New", t0.Add(26*time.Hour))
	put("ev-gone", "Gone", t0.Add(30*time.Hour))
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"ev-soon": feed.Updated, "ev-later": feed.Updated, "ev-new": feed.Created, "ev-gone": feed.Created}, kinds(cs))
	for _, c := range cs {
		if c.ID == "ev-soon" {
			assert.Equal(t, "Soon, moved", c.Record.Title, "the rescheduled event, as GetAppointment returned it")
		}
	}
	assert.ElementsMatch(t, []string{"GET /calendars/events", "GET /calendars/events/appointments/ev-past",
		"GET /calendars/events/appointments/ev-soon"}, reqs(), "a lookup for each event that left the window")

	require.True(t, st.Delete("appointments", "ev-gone"))
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"ev-gone": feed.Deleted}, kinds(cs))
	assert.Equal(t, []string{"GET /calendars/events", "GET /calendars/events/appointments/ev-gone"}, reqs())
	assert.Equal(t, 2, f.Stats().CheckpointEntries, "ev-later and ev-new: the window's events only")

	// The far event enters the window as time passes, Created then; the
	// others age out, forgotten without a Deleted.
	e.clk.Set(t0.Add(45 * 24 * time.Hour))
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"ev-far": feed.Created}, kinds(cs))
	assert.Len(t, reqs(), 3, "the list and a lookup for each of the 2 aged-out events")
}

// Lookups share the cycle's budget: a cycle that cannot look up every
// missing event keeps the rest for the next cycle, and deletes nothing it
// did not confirm.
func TestCalendarEventsLookupBudget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	st := e.srv.Store(e.loc.ID)
	for _, id := range []string{"a", "b", "c"} {
		st.Put("appointments", map[string]any{"id": id, "calendarId": "cal1", "title": id,
			"startTime": t0.Add(time.Hour).Format(time.RFC3339), "endTime": t0.Add(2 * time.Hour).Format(time.RFC3339)})
	}
	f, err := feed.New("events", feed.CalendarEvents(e.feedC, e.loc.ID, feed.CalendarEventsOptions{CalendarID: "cal1"}),
		feed.WithBudget(2), feed.WithClock(e.clk.Now), feed.WithLogger(quiet))
	require.NoError(t, err)
	cs, err := collect(t, f)
	require.NoError(t, err)
	require.Len(t, cs, 3)

	for _, id := range []string{"a", "b", "c"} {
		require.True(t, st.Delete("appointments", id))
	}
	var deleted []string
	for range 3 {
		cs, err := collect(t, f)
		if len(deleted) < 2 {
			require.ErrorIs(t, err, ghl.ErrBudgetSpent)
		} else {
			require.NoError(t, err)
		}
		for _, c := range cs {
			require.Equal(t, feed.Deleted, c.Kind)
			deleted = append(deleted, c.ID)
		}
		assert.LessOrEqual(t, f.Stats().LastRequests, 2)
	}
	assert.Equal(t, []string{"a", "b", "c"}, deleted, "one lookup per cycle after the list, in ID order, none lost")
	assert.Zero(t, f.Stats().CheckpointEntries)
}
