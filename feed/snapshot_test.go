package feed_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
)

// A snapshot feed of contacts sees creations, updates and deletions.
func TestContactsSnapshotCreatedUpdatedDeleted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b, c := e.create(t, "Ada"), e.create(t, "Bob"), e.create(t, "Cy")
	f, err := feed.New("k", feed.ContactsSnapshot(e.feedC, e.loc.ID, &feed.ContactsOptions{PageLimit: 2}), feed.WithLogger(quiet))
	require.NoError(t, err)
	cs, err := collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{a: feed.Created, b: feed.Created, c: feed.Created}, kinds(cs))

	e.update(t, a, "Ada L.")
	e.remove(t, b)
	d := e.create(t, "Dee")
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{a: feed.Updated, b: feed.Deleted, d: feed.Created}, kinds(cs))
	for _, ch := range cs {
		if ch.Kind == feed.Deleted {
			assert.Nil(t, ch.Record)
		} else {
			assert.Equal(t, ch.ID, ch.Record.ID)
		}
	}
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Empty(t, cs)
	st := f.Stats()
	assert.Equal(t, 3, st.CheckpointEntries)
	assert.Equal(t, 2, st.LastRequests, "3 contacts in pages of 2")
	assert.Less(t, st.CheckpointBytes, 3*(1+20+8)+16, "ID and 8-byte hash per record")
}

// The per-source constructors of lists without paging: one request per
// cycle, and the diff on the IDs they extract.
func TestSnapshotConstructors(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{}
	c := client(t, "https://ghl.test", "tok", &http.Client{Transport: api})
	api.set("/users/", usersJSON([2]string{"u1", "Ann"}, [2]string{"u2", "Ben"}))
	api.set("/workflows/", `{"workflows":[{"id":"w1","name":"Welcome","status":"draft"}]}`)
	api.set("/calendars/", `{"calendars":[{"id":"c1","name":"Demo","locationId":"L"}]}`)

	users, err := feed.New("users/L", feed.Users(c, "L"), feed.WithLogger(quiet))
	require.NoError(t, err)
	wfs, err := feed.New("workflows/L", feed.Workflows(c, "L"), feed.WithLogger(quiet))
	require.NoError(t, err)
	cals, err := feed.New("calendars/L", feed.Calendars(c, "L", nil), feed.WithLogger(quiet))
	require.NoError(t, err)

	u, err := collect(t, users)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"u1": feed.Created, "u2": feed.Created}, kinds(u))
	w, err := collect(t, wfs)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"w1": feed.Created}, kinds(w))
	cl, err := collect(t, cals)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"c1": feed.Created}, kinds(cl))

	api.set("/users/", usersJSON([2]string{"u1", "Ann B."}, [2]string{"u3", "Cid"}))
	api.set("/workflows/", `{"workflows":[{"id":"w1","name":"Welcome","status":"published"}]}`)
	api.set("/calendars/", `{"calendars":[]}`)
	u, err = collect(t, users)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"u1": feed.Updated, "u2": feed.Deleted, "u3": feed.Created}, kinds(u))
	w, err = collect(t, wfs)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"w1": feed.Updated}, kinds(w))
	assert.Equal(t, "published", w[0].Record.Status)
	cl, err = collect(t, cals)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"c1": feed.Deleted}, kinds(cl))
	for _, f := range []interface{ Stats() feed.Stats }{users, wfs, cals} {
		assert.Equal(t, 1, f.Stats().LastRequests)
	}
	assert.Equal(t, 2, api.hits["/users/"])
}

// With ConfirmDeletes, an ID missing from one read is reported only when
// the next read misses it too; a record back in between is no change.
func TestSnapshotConfirmDeletes(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{}
	c := client(t, "https://ghl.test", "tok", &http.Client{Transport: api})
	src := feed.Users(c, "L")
	src.ConfirmDeletes = true
	f, err := feed.New("users/L", src, feed.WithLogger(quiet))
	require.NoError(t, err)
	api.set("/users/", usersJSON([2]string{"u1", "Ann"}, [2]string{"u2", "Ben"}))
	_, err = collect(t, f)
	require.NoError(t, err)
	api.set("/users/", usersJSON([2]string{"u1", "Ann"}))
	cs, err := collect(t, f)
	require.NoError(t, err)
	assert.Empty(t, cs, "missed once: not yet deleted")
	api.set("/users/", usersJSON([2]string{"u1", "Ann"}, [2]string{"u2", "Ben"}))
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Empty(t, cs, "back, unchanged")
	api.set("/users/", usersJSON([2]string{"u1", "Ann"}))
	_, err = collect(t, f)
	require.NoError(t, err)
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{"u2": feed.Deleted}, kinds(cs), "missed twice in a row")
}

// A read that fails part way delivers what it read and reports no deletion.
func TestSnapshotFailedReadDeletesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for range 5 {
		e.create(t, "x")
	}
	f, err := feed.New("k", feed.ContactsSnapshot(e.feedC, e.loc.ID, &feed.ContactsOptions{PageLimit: 2}), feed.WithLogger(quiet), feed.WithBudget(2))
	require.NoError(t, err)
	cs, err := collect(t, f)
	require.ErrorIs(t, err, ghl.ErrBudgetSpent)
	assert.Len(t, cs, 4)
	for _, c := range cs {
		assert.Equal(t, feed.Created, c.Kind)
	}
}

// A restart from a file checkpoint delivers again only what was not
// acknowledged; the files are private.
func TestFileCheckpointRestart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dir := filepath.Join(t.TempDir(), "ckpt")
	open := func() *feed.Feed[ghl.Contact] {
		store, err := feed.NewFileStore(dir)
		require.NoError(t, err)
		f, err := feed.New("contacts/"+e.loc.ID, feed.Contacts(e.feedC, e.loc.ID, nil), feed.WithStore(store), feed.WithClock(e.clk.Now), feed.WithLogger(quiet))
		require.NoError(t, err)
		return f
	}
	a, b := e.create(t, "Ada"), e.create(t, "Bob")
	cs, err := collect(t, open())
	require.NoError(t, err)
	require.Len(t, cs, 2)

	e.clk.Advance(time.Second)
	e.update(t, a, "Ada 2")
	c := e.create(t, "Cy")
	// A process that takes one change and dies before acknowledging.
	for ch, err := range open().Poll(context.Background()) {
		require.NoError(t, err)
		assert.Equal(t, a, ch.ID)
		break
	}
	// The restarted process gets both changes again, not the first cycle's.
	cs, err = collect(t, open())
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{a: feed.Updated, c: feed.Created}, kinds(cs))
	assert.NotContains(t, kinds(cs), b)
	cs, err = collect(t, open())
	require.NoError(t, err)
	assert.Empty(t, cs)

	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, files, 1, "no temporary file left behind")
	fi, err = files[0].Info()
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	assert.Equal(t, "contacts%2F"+e.loc.ID+".ckpt", files[0].Name())
}

// A handler error leaves the checkpoint as it was: the next cycle delivers
// the same changes.
func TestHandlerErrorKeepsCheckpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	store := new(feed.MemoryStore)
	f, err := feed.New("k", feed.Contacts(e.feedC, e.loc.ID, nil), feed.WithStore(store), feed.WithClock(e.clk.Now), feed.WithLogger(quiet))
	require.NoError(t, err)
	e.create(t, "Ada")
	require.NoError(t, f.Cycle(context.Background(), func(context.Context, feed.Change[ghl.Contact]) error { return nil }))
	before, err := store.Load(context.Background(), "k")
	require.NoError(t, err)

	e.clk.Advance(time.Second)
	e.create(t, "Bob")
	e.create(t, "Cy")
	boom := errors.New("sink down")
	var first []string
	err = f.Cycle(context.Background(), func(_ context.Context, c feed.Change[ghl.Contact]) error {
		first = append(first, c.ID)
		if len(first) == 2 {
			return boom
		}
		return nil
	})
	require.ErrorIs(t, err, boom)
	after, err := store.Load(context.Background(), "k")
	require.NoError(t, err)
	assert.Equal(t, before, after, "checkpoint untouched")
	assert.Equal(t, 1, f.Stats().Failed)

	var again []string
	require.NoError(t, f.Cycle(context.Background(), func(_ context.Context, c feed.Change[ghl.Contact]) error {
		again = append(again, c.ID)
		return nil
	}))
	assert.Equal(t, first, again, "the same changes, in order")
}

// A cycle that stops after delivering a new record (a crash before the
// acknowledgement) has saved that record's ID first: when the record is
// deleted before the next cycle, the next cycle reports it Deleted rather
// than leaving the consumer with a record that no longer exists; one that
// is still there is delivered again as Created.
func TestSnapshotUnacknowledgedCreatedThenDeleted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.create(t, "Ada")
	store := new(feed.MemoryStore)
	f, err := feed.New("k", feed.ContactsSnapshot(e.feedC, e.loc.ID, nil), feed.WithStore(store), feed.WithLogger(quiet))
	require.NoError(t, err)
	cs, err := collect(t, f)
	require.NoError(t, err)
	require.Len(t, cs, 1)

	b, c := e.create(t, "Bob"), e.create(t, "Cy")
	var first feed.Change[ghl.Contact]
	for ch, err := range f.Poll(context.Background()) {
		require.NoError(t, err)
		first = ch
		break // the consumer dies with the first new record in hand
	}
	require.Equal(t, feed.Created, first.Kind)
	gone, kept := b, c
	if first.ID == c {
		gone, kept = c, b
	}
	e.remove(t, gone)

	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{gone: feed.Deleted, kept: feed.Created}, kinds(cs))
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Empty(t, cs, "acknowledged: nothing pending any more")
	assert.Equal(t, 2, f.Stats().CheckpointEntries, "Ada and the kept one")
}
