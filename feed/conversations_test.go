package feed_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/salesnexus/ghl-go/feed"
	"github.com/salesnexus/ghl-go/ghltest"
)

// TestConversationsSnapshot: 250 conversations, three to a millisecond, so
// that page boundaries (100 a page) fall inside a millisecond. The first
// cycle delivers each once; a new message makes one Updated, a delete one
// Deleted, and a quiet cycle nothing. The request pattern is the search,
// newest first, each page starting again at the boundary's millisecond.
func TestConversationsSnapshot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var ids []string
	for i := range 250 {
		if i%3 == 0 {
			e.clk.Advance(time.Millisecond)
		}
		ct := e.srv.AddContact(e.loc.ID, map[string]any{"firstName": fmt.Sprintf("c%03d", i)})
		cv := e.srv.AddConversation(e.loc.ID, ct)
		e.srv.AddMessage(e.loc.ID, cv, ghltest.MessageSeed{Body: "hi"})
		ids = append(ids, cv)
	}
	f, err := feed.New("conv", feed.Conversations(e.feedC, e.loc.ID), feed.WithLogger(quiet))
	require.NoError(t, err)
	e.srv.ResetRequests()
	cs, err := collect(t, f)
	require.NoError(t, err)
	require.Len(t, cs, 250, "each conversation once, none lost at a page boundary")
	for _, id := range ids {
		assert.Equal(t, feed.Created, kinds(cs)[id])
	}
	assert.True(t, cs[0].Record.LastMessageDate.Valid(), "lastMessageDate decodes")
	assert.True(t, cs[0].Record.DateUpdated.Valid(), "dateUpdated decodes")
	assert.NotEmpty(t, cs[0].Record.Sort, "the search cursor decodes")
	var searches []string
	for _, r := range e.srv.Requests() {
		if strings.HasPrefix(r.Path, "/conversations/search") {
			searches = append(searches, r.RawQuery)
		}
	}
	require.Len(t, searches, 3, "250 conversations in pages of 100")
	assert.Contains(t, searches[0], "sort=desc")
	assert.Contains(t, searches[0], "sortBy=last_message_date")
	assert.Contains(t, searches[0], "limit=100")
	assert.NotContains(t, searches[0], "startAfterDate")
	assert.Contains(t, searches[1], "startAfterDate=")

	e.clk.Advance(time.Second)
	e.srv.AddMessage(e.loc.ID, ids[10], ghltest.MessageSeed{Body: "again"})
	_, _, err = e.writer.Conversations.Delete(t.Context(), ids[20])
	require.NoError(t, err)
	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Equal(t, map[string]feed.Kind{ids[10]: feed.Updated, ids[20]: feed.Deleted}, kinds(cs))

	cs, err = collect(t, f)
	require.NoError(t, err)
	assert.Empty(t, cs)
}
