package ghl

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pagesTestClient serves answers keyed by the request's raw query and
// records the queries in order.
func pagesTestClient(t *testing.T, method, path string, answers map[string]string) (*Client, *[]string) {
	t.Helper()
	client, mock := newContactsTestClient(t)
	var queries []string
	mock.RegisterResponder(method, "=~^https://ghl.test"+path, func(r *http.Request) (*http.Response, error) {
		queries = append(queries, r.URL.RawQuery)
		body, ok := answers[r.URL.RawQuery]
		if !ok {
			return httpmock.NewStringResponse(404, `{"statusCode":404,"message":"no such page: `+r.URL.RawQuery+`"}`), nil
		}
		return httpmock.NewStringResponse(200, body), nil
	})
	return client, &queries
}

func TestOffsetIterReadsEveryPageWithRequiredPagingParams(t *testing.T) {
	t.Parallel()
	post := func(id string) string { return `{"_id":"` + id + `","title":"T ` + id + `"}` }
	client, queries := pagesTestClient(t, "GET", "/blogs/posts/all", map[string]string{
		"blogId=b1&limit=2&locationId=loc&offset=0": `{"blogs":[` + post("p1") + `,` + post("p2") + `]}`,
		"blogId=b1&limit=2&locationId=loc&offset=2": `{"blogs":[` + post("p3") + `]}`,
	})
	var ids []string
	for p, err := range client.Blogs.ListPostsIter(t.Context(), "loc", "b1", &BlogsListPostsOptions{Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	assert.Equal(t, []string{"p1", "p2", "p3"}, ids)
	assert.Equal(t, []string{"blogId=b1&limit=2&locationId=loc&offset=0", "blogId=b1&limit=2&locationId=loc&offset=2"}, *queries,
		"offset 0 is sent, since the API requires it")
}

func TestCursorIterFollowsLastMessageID(t *testing.T) {
	t.Parallel()
	msg := func(id string) string { return `{"id":"` + id + `","body":"hi"}` }
	client, queries := pagesTestClient(t, "GET", "/conversations/c1/messages", map[string]string{
		"limit=2":                   `{"lastMessageId":"m2","nextPage":true,"messages":[` + msg("m1") + `,` + msg("m2") + `]}`,
		"lastMessageId=m2&limit=2":  `{"lastMessageId":"m4","nextPage":true,"messages":[` + msg("m3") + `,` + msg("m4") + `]}`,
		"lastMessageId=m4&limit=2":  `{"lastMessageId":"m5","nextPage":false,"messages":[` + msg("m5") + `]}`,
		"lastMessageId=m5&limit=2x": `unused`,
	})
	var ids []string
	for m, err := range client.Conversations.ListMessagesIter(t.Context(), "c1", &ConversationsListMessagesOptions{Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"m1", "m2", "m3", "m4", "m5"}, ids)
	assert.Len(t, *queries, 3, "nextPage false ends the walk")
}

func TestCursorIterStopsOnACursorCycle(t *testing.T) {
	t.Parallel()
	client, queries := pagesTestClient(t, "GET", "/conversations/messages/export", map[string]string{
		"locationId=loc":          `{"messages":[{"id":"a"}],"nextCursor":"X","total":3}`,
		"cursor=X&locationId=loc": `{"messages":[{"id":"b"}],"nextCursor":"Y","total":3}`,
		"cursor=Y&locationId=loc": `{"messages":[{"id":"c"}],"nextCursor":"X","total":3}`,
	})
	var ids []string
	var errs []error
	for m, err := range client.Conversations.ExportMessagesByLocationIter(t.Context(), "loc", nil) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, ids)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrCursorRepeated)
	assert.Len(t, *queries, 3, "the page of X is not read twice")
}

func TestMetaIterFollowsStartAfter(t *testing.T) {
	t.Parallel()
	opp := func(id string) string { return `{"id":"` + id + `","name":"Deal ` + id + `","monetaryValue":99.99}` }
	meta := func(after int64, id string, next bool) string {
		url := ""
		if next {
			url = fmt.Sprintf("https://ghl.test/opportunities/search?startAfter=%d&startAfterId=%s", after, id)
		}
		return fmt.Sprintf(`"meta":{"total":3,"startAfter":%d,"startAfterId":%q,"nextPageUrl":%q}`, after, id, url)
	}
	client, queries := pagesTestClient(t, "GET", "/opportunities/search", map[string]string{
		"limit=2&location_id=loc": `{"opportunities":[` + opp("o1") + `,` + opp("o2") + `],` + meta(1700000000002, "o2", true) + `}`,
		"limit=2&location_id=loc&startAfter=1700000000002&startAfterId=o2": `{"opportunities":[` + opp("o3") + `],` + meta(1700000000003, "o3", false) + `}`,
	})
	var ids []string
	var values []float64
	for o, err := range client.Opportunities.SearchIter(t.Context(), "loc", &OpportunitiesSearchOptions{Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, o.ID)
		values = append(values, o.MonetaryValue)
	}
	assert.Equal(t, []string{"o1", "o2", "o3"}, ids)
	assert.Equal(t, []float64{99.99, 99.99, 99.99}, values, "money decodes with its cents")
	assert.Len(t, *queries, 2)
	assert.True(t, strings.Contains((*queries)[1], "startAfter=1700000000002"))
}
