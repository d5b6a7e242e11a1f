package ghl

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// contactsRecorder answers each request with page(n) (n counts from 0) and
// records the queries and bodies it was sent.
type contactsRecorder struct {
	mu      sync.Mutex
	queries []url.Values
	bodies  []map[string]any
}

func (r *contactsRecorder) serve(t *testing.T, mock *httpmock.MockTransport, page func(n int) (int, string)) {
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		r.mu.Lock()
		n := len(r.queries)
		r.queries = append(r.queries, req.URL.Query())
		var body map[string]any
		if req.Body != nil {
			b, err := io.ReadAll(req.Body)
			require.NoError(t, err)
			if len(b) > 0 {
				require.NoError(t, json.Unmarshal(b, &body))
			}
		}
		r.bodies = append(r.bodies, body)
		r.mu.Unlock()
		status, text := page(n)
		resp := httpmock.NewStringResponse(status, text)
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	})
}

// contactJSON is a contact as list endpoints send it; id is c<n>, and it was
// added n seconds after 2024-01-01.
func contactJSON(n int, extra string) string {
	added := time.Date(2024, 1, 1, 0, 0, n, 0, time.UTC).Format(time.RFC3339)
	return fmt.Sprintf(`{"id":"c%d","locationId":"loc","dateAdded":%q%s}`, n, added, extra)
}

func contactsJSON(from, count int, extra func(n int) string) string {
	items := make([]string, count)
	for i := range items {
		e := ""
		if extra != nil {
			e = extra(from + i)
		}
		items[i] = contactJSON(from+i, e)
	}
	return "[" + strings.Join(items, ",") + "]"
}

func ids(t *testing.T, seq func(func(*Contact, error) bool)) ([]string, []error) {
	t.Helper()
	var got []string
	var errs []error
	for c, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, c.ID)
	}
	return got, errs
}

func TestContactsListIterPages(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	var rec contactsRecorder
	rec.serve(t, mock, func(n int) (int, string) {
		switch n {
		case 0: // meta gives the cursors
			return 200, `{"contacts":` + contactsJSON(0, 2, nil) + `,"count":5,
				"meta":{"total":5,"startAfter":1700000000000,"startAfterId":"c1","nextPageUrl":"https://x/next"}}`
		case 1: // no meta: the cursors come from the last contact
			return 200, `{"contacts":` + contactsJSON(2, 2, nil) + `,"count":5}`
		default: // a short page ends the walk
			return 200, `{"contacts":` + contactsJSON(4, 1, nil) + `,"count":5}`
		}
	})
	seq := client.Contacts.ListIter(context.Background(), "loc", &ContactListOptions{Limit: 2, Query: "jo"})
	assert.Zero(t, mock.GetTotalCallCount(), "iterators are lazy")
	got, errs := ids(t, seq)
	require.Empty(t, errs)
	assert.Equal(t, []string{"c0", "c1", "c2", "c3", "c4"}, got)
	require.Len(t, rec.queries, 3)
	assert.Equal(t, url.Values{"locationId": {"loc"}, "limit": {"2"}, "query": {"jo"}}, rec.queries[0])
	assert.Equal(t, "1700000000000", rec.queries[1].Get("startAfter"))
	assert.Equal(t, "c1", rec.queries[1].Get("startAfterId"))
	c3 := time.Date(2024, 1, 1, 0, 0, 3, 0, time.UTC).UnixMilli()
	assert.Equal(t, fmt.Sprint(c3), rec.queries[2].Get("startAfter"))
	assert.Equal(t, "c3", rec.queries[2].Get("startAfterId"))
	assert.Equal(t, "jo", rec.queries[2].Get("query"), "options are kept on every page")
}

func TestContactsListIterStopsOnEmptyNextPageURL(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	var rec contactsRecorder
	rec.serve(t, mock, func(int) (int, string) {
		return 200, `{"contacts":` + contactsJSON(0, 2, nil) + `,"count":2,"meta":{"total":2,"startAfter":1,"startAfterId":"c1"}}`
	})
	got, errs := ids(t, client.Contacts.ListIter(context.Background(), "loc", &ContactListOptions{Limit: 2}))
	require.Empty(t, errs)
	assert.Len(t, got, 2)
	assert.Equal(t, 1, mock.GetTotalCallCount())
}

func TestContactsListIterEarlyBreakErrorAndRepeatedCursor(t *testing.T) {
	t.Parallel()
	full := func(int) (int, string) {
		return 200, `{"contacts":` + contactsJSON(0, 2, nil) + `,"meta":{"startAfter":5,"startAfterId":"same","nextPageUrl":"x"}}`
	}
	t.Run("break", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		var rec contactsRecorder
		rec.serve(t, mock, full)
		for range client.Contacts.ListIter(context.Background(), "loc", &ContactListOptions{Limit: 2}) {
			break
		}
		assert.Equal(t, 1, mock.GetTotalCallCount())
	})
	t.Run("repeated cursor", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		var rec contactsRecorder
		rec.serve(t, mock, full)
		got, errs := ids(t, client.Contacts.ListIter(context.Background(), "loc", &ContactListOptions{Limit: 2}))
		require.Len(t, errs, 1, "a repeated cursor ends the walk with an error, never silently")
		var pe *PageError
		require.ErrorAs(t, errs[0], &pe)
		assert.ErrorIs(t, errs[0], ErrCursorRepeated)
		assert.Equal(t, "Contacts.List", pe.Operation)
		assert.Len(t, got, 4, "the second page repeats the cursor, so the walk ends")
		assert.Equal(t, 2, mock.GetTotalCallCount())
	})
	t.Run("error mid-stream", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		var rec contactsRecorder
		rec.serve(t, mock, func(n int) (int, string) {
			if n == 1 {
				return 500, `{"statusCode":500,"message":"boom"}`
			}
			return 200, `{"contacts":` + contactsJSON(0, 2, nil) + `}`
		})
		got, errs := ids(t, client.Contacts.ListIter(context.Background(), "loc", &ContactListOptions{Limit: 2}))
		assert.Equal(t, []string{"c0", "c1"}, got)
		require.Len(t, errs, 1, "an error is yielded once")
		assert.ErrorIs(t, errs[0], ErrServer)
		assert.Equal(t, 2, mock.GetTotalCallCount())
	})
	t.Run("missing location", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		_, errs := ids(t, client.Contacts.ListIter(context.Background(), "", nil))
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrInvalidArgument)
		assert.Zero(t, mock.GetTotalCallCount())
	})
}

func TestContactsSearchIterPages(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	var rec contactsRecorder
	rec.serve(t, mock, func(n int) (int, string) {
		return 200, `{"contacts":` + contactsJSON(2*n, min(2, 5-2*n), nil) + `,"total":5}`
	})
	req := &ContactSearchRequest{LocationID: "loc", PageLimit: 2, Query: "jo",
		Filters: []ContactSearchFilter{{Field: "tags", Operator: "contains", Value: "vip"}}}
	orig := *req
	got, errs := ids(t, client.Contacts.SearchIter(context.Background(), req))
	require.Empty(t, errs)
	assert.Equal(t, []string{"c0", "c1", "c2", "c3", "c4"}, got)
	require.Len(t, rec.bodies, 3)
	for i, b := range rec.bodies {
		assert.EqualValues(t, i+1, b["page"])
		assert.EqualValues(t, 2, b["pageLimit"])
		assert.Equal(t, "loc", b["locationId"])
		assert.NotNil(t, b["filters"])
		assert.NotContains(t, b, "searchAfter")
	}
	assert.Equal(t, orig, *req, "the caller's request is not modified")
}

func TestContactsSearchIterStopsAtTotal(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	var rec contactsRecorder
	rec.serve(t, mock, func(n int) (int, string) {
		return 200, `{"contacts":` + contactsJSON(2*n, 2, nil) + `,"total":4}`
	})
	got, errs := ids(t, client.Contacts.SearchIter(context.Background(), &ContactSearchRequest{LocationID: "loc", PageLimit: 2}))
	require.Empty(t, errs)
	assert.Len(t, got, 4)
	assert.Equal(t, 2, mock.GetTotalCallCount(), "page 2 reaches the total")
}

func TestContactsSearchIterSwitchesToSearchAfter(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	var rec contactsRecorder
	withCursor := func(n int) string { return fmt.Sprintf(`,"searchAfter":[%d,"c%d"]`, 1000+n, n) }
	rec.serve(t, mock, func(n int) (int, string) {
		if n == 2 {
			return 200, `{"contacts":` + contactsJSON(4, 1, withCursor) + `}`
		}
		return 200, `{"contacts":` + contactsJSON(2*n, 2, withCursor) + `}`
	})
	req := &ContactSearchRequest{LocationID: "loc", PageLimit: 2}
	got, errs := ids(t, client.Contacts.SearchIter(context.Background(), req))
	require.Empty(t, errs)
	assert.Equal(t, []string{"c0", "c1", "c2", "c3", "c4"}, got)
	require.Len(t, rec.bodies, 3)
	assert.EqualValues(t, 1, rec.bodies[0]["page"])
	assert.NotContains(t, rec.bodies[0], "searchAfter")
	assert.NotContains(t, rec.bodies[1], "page", "page is left out with searchAfter")
	assert.Equal(t, []any{1001.0, "c1"}, rec.bodies[1]["searchAfter"])
	assert.Equal(t, []any{1003.0, "c3"}, rec.bodies[2]["searchAfter"])
	assert.Nil(t, req.SearchAfter, "the caller's request is not modified")
}

func TestContactsSearchIterEarlyBreakErrorAndRepeatedCursor(t *testing.T) {
	t.Parallel()
	same := func(int) string { return `,"searchAfter":[1,"x"]` }
	t.Run("break", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		var rec contactsRecorder
		rec.serve(t, mock, func(n int) (int, string) { return 200, `{"contacts":` + contactsJSON(0, 2, nil) + `}` })
		n := 0
		for _, err := range client.Contacts.SearchIter(context.Background(), &ContactSearchRequest{LocationID: "loc", PageLimit: 2}) {
			require.NoError(t, err)
			if n++; n == 3 {
				break
			}
		}
		assert.Equal(t, 2, mock.GetTotalCallCount())
	})
	t.Run("repeated cursor", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		var rec contactsRecorder
		rec.serve(t, mock, func(n int) (int, string) { return 200, `{"contacts":` + contactsJSON(0, 2, same) + `}` })
		got, errs := ids(t, client.Contacts.SearchIter(context.Background(), &ContactSearchRequest{LocationID: "loc", PageLimit: 2}))
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrCursorRepeated)
		assert.Len(t, got, 4)
		assert.Equal(t, 2, mock.GetTotalCallCount())
	})
	t.Run("error mid-stream", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		var rec contactsRecorder
		rec.serve(t, mock, func(n int) (int, string) {
			if n == 1 {
				return 422, `{"statusCode":422,"message":["pageLimit must not be greater than 500"]}`
			}
			return 200, `{"contacts":` + contactsJSON(0, 2, nil) + `}`
		})
		got, errs := ids(t, client.Contacts.SearchIter(context.Background(), &ContactSearchRequest{LocationID: "loc", PageLimit: 2}))
		assert.Len(t, got, 2)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrValidation)
	})
	t.Run("invalid request", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		for _, req := range []*ContactSearchRequest{nil, {LocationID: "loc", PageLimit: 501}} {
			_, errs := ids(t, client.Contacts.SearchIter(context.Background(), req))
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], ErrInvalidArgument)
		}
		assert.Zero(t, mock.GetTotalCallCount())
	})
}

func TestContactsListByBusinessIter(t *testing.T) {
	t.Parallel()
	t.Run("short page", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		var rec contactsRecorder
		rec.serve(t, mock, func(n int) (int, string) {
			return 200, `{"contacts":` + contactsJSON(2*n, min(2, 5-2*n), nil) + `,"count":0}`
		})
		got, errs := ids(t, client.Contacts.ListByBusinessIter(context.Background(), "biz", "loc", &ContactsByBusinessOptions{Limit: 2}))
		require.Empty(t, errs)
		assert.Equal(t, []string{"c0", "c1", "c2", "c3", "c4"}, got)
		require.Len(t, rec.queries, 3)
		assert.Equal(t, "", rec.queries[0].Get("skip"))
		assert.Equal(t, "2", rec.queries[1].Get("skip"))
		assert.Equal(t, "4", rec.queries[2].Get("skip"))
		assert.Equal(t, "loc", rec.queries[2].Get("locationId"))
	})
	t.Run("count reached", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		var rec contactsRecorder
		rec.serve(t, mock, func(n int) (int, string) {
			return 200, `{"contacts":` + contactsJSON(2*n, 2, nil) + `,"count":4}`
		})
		got, errs := ids(t, client.Contacts.ListByBusinessIter(context.Background(), "biz", "loc", &ContactsByBusinessOptions{Limit: 2}))
		require.Empty(t, errs)
		assert.Len(t, got, 4)
		assert.Equal(t, 2, mock.GetTotalCallCount())
	})
	t.Run("break and error", func(t *testing.T) {
		t.Parallel()
		client, mock := newContactsTestClient(t)
		var rec contactsRecorder
		rec.serve(t, mock, func(n int) (int, string) {
			if n == 1 {
				return 404, `{"statusCode":404,"message":"Business not found"}`
			}
			return 200, `{"contacts":` + contactsJSON(0, 25, nil) + `}`
		})
		seq := client.Contacts.ListByBusinessIter(context.Background(), "biz", "loc", nil)
		for range seq {
			break
		}
		assert.Equal(t, 1, mock.GetTotalCallCount())
		// Ranging again starts over; the server now fails its second page.
		got, errs := ids(t, seq)
		assert.Len(t, got, 0)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrNotFound)
		assert.Equal(t, 2, mock.GetTotalCallCount())

		client, mock = newContactsTestClient(t)
		var rec2 contactsRecorder
		rec2.serve(t, mock, func(n int) (int, string) {
			if n == 1 {
				return 404, `{"statusCode":404,"message":"Business not found"}`
			}
			return 200, `{"contacts":` + contactsJSON(0, 25, nil) + `}`
		})
		got, errs = ids(t, client.Contacts.ListByBusinessIter(context.Background(), "biz", "loc", nil))
		assert.Len(t, got, 25, "the default page size is 25")
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], ErrNotFound)
		assert.Equal(t, 2, mock.GetTotalCallCount())
	})
}

func TestContactsPathIDsAreEscaped(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	var path string
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		path = req.URL.EscapedPath()
		return httpmock.NewStringResponse(200, `{"note":{"id":"n"}}`), nil
	})
	_, _, err := client.Contacts.GetNote(context.Background(), "a b/c", "n?1")
	require.NoError(t, err)
	assert.Equal(t, "/contacts/a%20b%2Fc/notes/n%3F1", path)
}

func TestContactsWorkflowNilBodySendsEmptyObject(t *testing.T) {
	t.Parallel()
	for _, remove := range []bool{false, true} {
		client, mock := newContactsTestClient(t)
		var body string
		mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(req.Body)
			body = string(b)
			return httpmock.NewStringResponse(200, `{"succeded":true}`), nil
		})
		var res *ContactActionResult
		var err error
		if remove {
			res, _, err = client.Contacts.RemoveFromWorkflow(context.Background(), "c", "w", nil)
		} else {
			res, _, err = client.Contacts.AddToWorkflow(context.Background(), "c", "w", nil)
		}
		require.NoError(t, err)
		assert.True(t, res.Succeeded)
		assert.JSONEq(t, `{}`, body)
	}
}

func TestContactsSearchValidatesRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		arg string
		req ContactSearchRequest
	}{
		{"locationId", ContactSearchRequest{PageLimit: 10}},
		{"pageLimit", ContactSearchRequest{LocationID: "loc"}},
		{"pageLimit", ContactSearchRequest{LocationID: "loc", PageLimit: 501}},
		{"page", ContactSearchRequest{LocationID: "loc", PageLimit: 10, Page: -1}},
		{"query", ContactSearchRequest{LocationID: "loc", PageLimit: 10, Query: strings.Repeat("é", 76)}},
	} {
		client, mock := newContactsTestClient(t)
		_, _, err := client.Contacts.Search(context.Background(), &tc.req)
		var argErr *ArgError
		require.ErrorAs(t, err, &argErr)
		assert.Equal(t, tc.arg, argErr.Arg)
		assert.Zero(t, mock.GetTotalCallCount())
	}
	// 75 characters (of two bytes each) and 500 per page are allowed.
	client, mock := newContactsTestClient(t)
	mock.RegisterNoResponder(httpmock.NewStringResponder(200, `{"contacts":[],"total":0}`))
	_, _, err := client.Contacts.Search(context.Background(),
		&ContactSearchRequest{LocationID: "loc", PageLimit: 500, Query: strings.Repeat("é", 75)})
	require.NoError(t, err)
}

func TestContactsBulkUpdateTagsChecksAction(t *testing.T) {
	t.Parallel()
	req := &BulkTagsRequest{Contacts: []string{"c"}, Tags: []string{"t"}, LocationID: "loc", RemoveAllTags: Ptr(true)}
	for _, tc := range []struct {
		action BulkTagAction
		arg    string
	}{
		{"replace", "type"},
		{BulkTagAdd, "removeAllTags"},
	} {
		client, mock := newContactsTestClient(t)
		_, _, err := client.Contacts.BulkUpdateTags(context.Background(), tc.action, req)
		var argErr *ArgError
		require.ErrorAs(t, err, &argErr)
		assert.Equal(t, tc.arg, argErr.Arg)
		assert.Zero(t, mock.GetTotalCallCount())
	}
	client, mock := newContactsTestClient(t)
	mock.RegisterNoResponder(httpmock.NewStringResponder(201, `{"succeded":true,"errorCount":0,"responses":[]}`))
	res, _, err := client.Contacts.BulkUpdateTags(context.Background(), BulkTagRemove, req)
	require.NoError(t, err)
	assert.True(t, res.Succeeded)
}

func TestContactsBulkUpdateBusinessSendsNullToDetach(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	var body string
	mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
		return httpmock.NewStringResponse(200, `{"success":true,"ids":["c"]}`), nil
	})
	_, _, err := client.Contacts.BulkUpdateBusiness(context.Background(), &BulkBusinessRequest{LocationID: "loc", IDs: []string{"c"}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"locationId":"loc","ids":["c"],"businessId":null}`, body)
}

func TestContactsUpdateClearsTagsOnlyWithEmptySlice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		tags []string
		want string
	}{
		{nil, `{"firstName":"Jo"}`},
		{[]string{}, `{"firstName":"Jo","tags":[]}`},
	} {
		client, mock := newContactsTestClient(t)
		var body string
		mock.RegisterNoResponder(func(req *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(req.Body)
			body = string(b)
			return httpmock.NewStringResponse(200, `{"succeded":true,"contact":{"id":"c"}}`), nil
		})
		_, _, err := client.Contacts.Update(context.Background(), "c", &ContactUpdateRequest{FirstName: Ptr("Jo"), Tags: tc.tags})
		require.NoError(t, err)
		assert.JSONEq(t, tc.want, body)
	}
}

func TestContactsFindDuplicateNoMatch(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	mock.RegisterNoResponder(httpmock.NewStringResponder(200, `{"contact":null}`))
	res, _, err := client.Contacts.FindDuplicate(context.Background(), "loc", &DuplicateSearchOptions{Email: "a@b.c"})
	require.NoError(t, err)
	require.NotNil(t, res)
	assert.Nil(t, res.Contact)
}

// TestContactsOperationsMatchCatalog checks that every method's
// //meta:operation line, its operation var and testdata/operations.csv agree.
func TestContactsOperationsMatchCatalog(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("contacts.go")
	require.NoError(t, err)
	f, err := os.Open(filepath.Join("testdata", "operations.csv"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"service", "method", "operationId", "httpMethod", "path", "version", "scopes", "pagination"}, rows[0])

	metaRE := regexp.MustCompile(`(?m)^//meta:operation (\S+) (\S+)\nfunc \(s \*ContactsService\) (\w+)\(`)
	meta := map[string]string{}
	for _, m := range metaRE.FindAllStringSubmatch(string(src), -1) {
		meta[m[3]] = m[1] + " " + m[2]
	}
	opRE := regexp.MustCompile(`op(\w+)\s+= &operation\{Name: "Contacts\.(\w+)", ID: "([^"]+)", Method: "(\w+)", Path: "([^"]+)", Version: "([^"]+)"\}`)
	ops := map[string][]string{}
	for _, m := range opRE.FindAllStringSubmatch(string(src), -1) {
		assert.Equal(t, "Contacts"+m[2], m[1])
		ops[m[2]] = m[3:]
	}
	n := 0
	for _, row := range rows[1:] {
		if row[0] != "Contacts" {
			continue
		}
		n++
		method := row[1]
		assert.Equal(t, row[3]+" "+row[4], meta[method], method)
		assert.Equal(t, []string{row[2], row[3], row[4], row[5]}, ops[method], method)
		assert.NotEmpty(t, row[6], "%s has scopes", method)
	}
	assert.Equal(t, 32, n)
	assert.Len(t, meta, 32)
	assert.Len(t, ops, 32)
}
