package feed_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
)

// The tasks and notes of every contact, under a budget of 5 requests a
// cycle: a pass over 6 contacts takes 3 cycles, each stopping after the
// last contact it finished and the next going on from there; every task
// and note is delivered once, one added to a contact already visited comes
// with the next pass, and a deletion is reported when a pass ends.
func TestContactActivitiesUnderBudget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	due := ghl.Timestamp{Time: t0.Add(48 * time.Hour)}
	var contacts, tasks []string
	for i := range 6 {
		id := e.create(t, "C"+string(rune('a'+i)))
		contacts = append(contacts, id)
		tk, _, err := e.writer.Contacts.CreateTask(ctx, id, &ghl.TaskCreateRequest{Title: "task " + id, DueDate: due})
		require.NoError(t, err)
		tasks = append(tasks, tk.ID)
		_, _, err = e.writer.Contacts.CreateNote(ctx, id, &ghl.NoteCreateRequest{Body: "note " + id})
		require.NoError(t, err)
		e.clk.Advance(time.Millisecond)
	}
	store := new(feed.MemoryStore)
	f, err := feed.New("activities", feed.ContactActivities(e.feedC, e.loc.ID, &feed.ContactsOptions{PageLimit: 4}),
		feed.WithBudget(5), feed.WithStore(store), feed.WithClock(e.clk.Now), feed.WithLogger(quiet))
	require.NoError(t, err)

	seen := map[string]int{}
	var perCycle []int
	cycle := func() []feed.Change[feed.Activity] {
		t.Helper()
		e.srv.ResetRequests()
		cs, err := collect(t, f)
		if err != nil {
			require.ErrorIs(t, err, ghl.ErrBudgetSpent)
		}
		n := 0
		for _, r := range e.srv.Requests() {
			require.True(t, r.Path == "/contacts/search" || strings.HasSuffix(r.Path, "/tasks") || strings.HasSuffix(r.Path, "/notes"), r.Path)
			require.Equal(t, http.MethodPost == r.Method, r.Path == "/contacts/search")
			n++
		}
		assert.LessOrEqual(t, n, 5, "never more than the budget")
		assert.Equal(t, n, f.Stats().LastRequests)
		perCycle = append(perCycle, len(cs))
		for _, c := range cs {
			seen[c.Kind.String()+" "+c.ID]++
		}
		return cs
	}
	for range 3 {
		cycle()
	}
	assert.Equal(t, []int{4, 4, 4}, perCycle, "two contacts (a task and a note each) per cycle")
	assert.Len(t, seen, 12)
	for k, n := range seen {
		assert.Equal(t, 1, n, k)
		assert.True(t, strings.HasPrefix(k, "created "), k)
	}
	assert.Equal(t, t0.Add(6*time.Millisecond), f.Stats().CaughtUp, "the pass began at the first cycle")

	// A note for the first contact (visited already) and a deleted task:
	// the next pass finds the note first and reports the deletion last.
	e.clk.Advance(time.Minute)
	nt, _, err := e.writer.Contacts.CreateNote(ctx, contacts[0], &ghl.NoteCreateRequest{Body: "late note"})
	require.NoError(t, err)
	_, _, err = e.writer.Contacts.DeleteTask(ctx, contacts[3], tasks[3])
	require.NoError(t, err)
	first := cycle()
	require.Len(t, first, 1)
	assert.Equal(t, "note/"+nt.ID, first[0].ID)
	assert.Equal(t, "late note", first[0].Record.Note.Body)
	assert.Equal(t, contacts[0], first[0].Record.ContactID)
	assert.Empty(t, cycle())
	last := cycle()
	require.Len(t, last, 1)
	assert.Equal(t, feed.Change[feed.Activity]{Kind: feed.Deleted, ID: "task/" + tasks[3]}, last[0])
	assert.Equal(t, 12, f.Stats().CheckpointEntries)
	assert.Equal(t, 6, f.Stats().Cycles)
	assert.Equal(t, 4, f.Stats().Partial, "two cycles of each pass cut short")
}
