package feed_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
)

// The contacts watermark reports new contacts as Created, changed ones as
// Updated, and nothing when nothing changed, in one request.
func TestContactsWatermarkCreatedUpdated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := e.create(t, "Ada"), e.create(t, "Bob")
	f, err := feed.New("contacts/"+e.loc.ID, feed.Contacts(e.feedC, e.loc.ID, nil), feed.WithClock(e.clk.Now), feed.WithLogger(quiet))
	require.NoError(t, err)

	cs, err := collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{a: feed.Created, b: feed.Created}, kinds(cs))

	e.clk.Advance(time.Second)
	e.update(t, a, "Ada L.")
	c := e.create(t, "Cy")
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{a: feed.Updated, c: feed.Created}, kinds(cs))
	assert.Equal(t, "Ada L.", cs[0].Record.FirstName, "oldest version first, typed record")
	assert.Equal(t, t0.Add(time.Second), cs[0].Version)

	before := e.searches()
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Empty(t, cs, "the overlap re-read delivers nothing twice")
	assert.Equal(t, 1, e.searches()-before, "a quiet cycle is one request")
	st := f.Stats()
	assert.Equal(t, 1, st.LastRequests)
	assert.Equal(t, 3, st.Cycles)
	assert.Equal(t, 4, st.Delivered)
	assert.Equal(t, 3, st.Created)
	assert.Equal(t, t0.Add(time.Second), st.Newest)

	// The request: dateUpdated >= watermark - overlap, sorted by dateUpdated.
	reqs := e.srv.Requests()
	var body struct {
		Filters []ghl.ContactSearchFilter `json:"filters"`
		Sort    []ghl.ContactSearchSort   `json:"sort"`
	}
	require.NoError(t, json.Unmarshal(reqs[len(reqs)-1].Body, &body))
	require.Len(t, body.Filters, 1)
	assert.Equal(t, "dateUpdated", body.Filters[0].Field)
	assert.Equal(t, "range", body.Filters[0].Operator)
	assert.Equal(t, map[string]any{"gte": t0.Add(time.Second - feed.DefaultOverlap).Format("2006-01-02T15:04:05.000Z")}, body.Filters[0].Value)
	assert.Equal(t, []ghl.ContactSearchSort{{Field: "dateUpdated", Direction: "asc"}}, body.Sort)
}

// Records that share the watermark's millisecond, written after a cycle
// read it, are delivered by the next cycle, once; a second update within
// the same millisecond is told apart by its content.
func TestWatermarkSameMillisecond(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.create(t, "Ada")
	f, err := feed.New("k", feed.Contacts(e.feedC, e.loc.ID, nil), feed.WithClock(e.clk.Now), feed.WithLogger(quiet))
	require.NoError(t, err)
	cs, err := collect(t, f)
	require.NoError(t, err)
	require.Len(t, cs, 1)

	// The clock has not moved: both writes carry the watermark's millisecond.
	b := e.create(t, "Bob")
	e.update(t, a, "Ada L.")
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{a: feed.Updated, b: feed.Created}, kinds(cs))
	for _, c := range cs {
		assert.Equal(t, t0, c.Version, "same millisecond as the watermark")
	}

	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Empty(t, cs, "nothing twice")
}

// Records written while a cycle pages are delivered exactly once across
// cycles, each in its newest version.
func TestWatermarkWritesWhilePaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var ids []string
	for i := range 9 {
		ids = append(ids, e.create(t, "C"+string(rune('a'+i))))
		e.clk.Advance(time.Millisecond)
	}
	f, err := feed.New("k", feed.Contacts(e.feedC, e.loc.ID, &feed.ContactsOptions{PageLimit: 2}),
		feed.WithClock(e.clk.Now), feed.WithLogger(quiet))
	require.NoError(t, err)

	type ver struct {
		id string
		v  time.Time
		n  string
	}
	seen := map[ver]int{}
	var created string
	wrote := false
	for c, err := range f.Poll(context.Background()) {
		require.NoError(t, err)
		seen[ver{c.ID, c.Version, c.Record.FirstName}]++
		if !wrote {
			wrote = true // while the first page is handled
			e.clk.Advance(time.Millisecond)
			e.update(t, ids[0], "read already")
			e.update(t, ids[7], "not read yet")
			created = e.create(t, "new while paging")
		}
	}
	for c, err := range f.Poll(context.Background()) {
		require.NoError(t, err)
		seen[ver{c.ID, c.Version, c.Record.FirstName}]++
	}
	for v, n := range seen {
		assert.Equal(t, 1, n, "delivered once: %v", v)
	}
	// Every contact's current state was delivered.
	for _, m := range e.srv.Contacts(e.loc.ID) {
		id := m["id"].(string)
		ts, _ := time.Parse(time.RFC3339Nano, m["dateUpdated"].(string))
		assert.Contains(t, seen, ver{id, ts, m["firstName"].(string)}, "current version of %s", id)
	}
	ids = append(ids, created)
	delivered := map[string]bool{}
	for v := range seen {
		delivered[v.id] = true
	}
	assert.Len(t, delivered, len(ids), "every contact, the one created while paging too")
}

// A budget caps the requests of a cycle; a watermark cut short keeps its
// progress and goes on from there, delivering everything once.
func TestWatermarkBudget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range 20 {
		e.create(t, "C"+string(rune('a'+i)))
		e.clk.Advance(time.Millisecond)
	}
	e.clk.Advance(time.Hour) // the contacts are old: a catch-up
	f, err := feed.New("k", feed.Contacts(e.feedC, e.loc.ID, &feed.ContactsOptions{PageLimit: 5}),
		feed.WithBudget(2), feed.WithClock(e.clk.Now), feed.WithLogger(quiet))
	require.NoError(t, err)

	got := map[string]int{}
	var perCycle, requests []int
	for range 4 {
		before := e.searches()
		cs, err := collect(t, f)
		if err != nil {
			require.ErrorIs(t, err, ghl.ErrBudgetSpent)
		}
		for _, c := range cs {
			got[c.ID]++
		}
		perCycle = append(perCycle, len(cs))
		requests = append(requests, e.searches()-before)
		assert.Equal(t, e.searches()-before, f.Stats().LastRequests, "Stats counts what the server saw")
	}
	assert.Equal(t, []int{2, 2, 1, 1}, requests, "never more than the budget")
	assert.Equal(t, []int{10, 9, 1, 0}, perCycle)
	assert.Len(t, got, 20)
	for id, n := range got {
		assert.Equal(t, 1, n, id)
	}
	st := f.Stats()
	assert.Equal(t, 2, st.Partial)
	assert.Equal(t, 6, st.Requests)
}
