package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// env is the app on the emulator, served by httptest.
type env struct {
	app *app
	emu *ghltest.Server
	web *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	a, emu, err := setup(config{})
	require.NoError(t, err)
	require.NotNil(t, emu, "no token: the app runs on the embedded emulator")
	web := httptest.NewServer(a.routes())
	t.Cleanup(func() { web.Close(); emu.Close() })
	return &env{app: a, emu: emu, web: web}
}

// postJSON posts body to path and decodes the JSON answer.
func (e *env) postJSON(t *testing.T, path, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(e.web.URL+path, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// postForm posts an HTML form to path and returns the page.
func (e *env) postForm(t *testing.T, path string, form url.Values) (int, string) {
	t.Helper()
	resp, err := http.PostForm(e.web.URL+path, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	return resp.StatusCode, string(b)
}

func (e *env) contacts() []map[string]any { return e.emu.Contacts(e.app.locationID) }

const annJSON = `{"firstName":"Ann","lastName":"Lee","email":"Ann.Lee@Example.com","phone":"+1 555 555 0100","message":"Need a quote"}`

func TestJSONLeadCreatesContactTagAndTask(t *testing.T) {
	e := newEnv(t)
	status, res := e.postJSON(t, "/api/leads", annJSON)
	require.Equal(t, http.StatusOK, status, res)
	assert.Equal(t, true, res["created"])

	cs := e.contacts()
	require.Len(t, cs, 1)
	c := cs[0]
	assert.Equal(t, res["contactId"], c["id"])
	assert.Equal(t, "ann.lee@example.com", c["email"])
	assert.Equal(t, "+15555550100", c["phone"])
	assert.Equal(t, []any{"web lead"}, c["tags"])

	tasks := e.emu.Tasks(c["id"].(string))
	require.Len(t, tasks, 1)
	assert.Equal(t, res["taskId"], tasks[0]["id"])
	assert.Equal(t, "Follow up on web lead", tasks[0]["title"])
	assert.Equal(t, e.app.assignTo, tasks[0]["assignedTo"], "assigned to the seeded user")
	assert.NotEmpty(t, e.app.assignTo)
	assert.Contains(t, tasks[0]["body"], "Need a quote")

	slots, _ := res["slots"].([]any)
	assert.Len(t, slots, maxSlots, "the seeded calendar offers its next free slots")
	assert.NotEmpty(t, res["bookToken"])

	// The same lead again (by phone only) updates the same contact and
	// reuses its open task.
	status, res = e.postJSON(t, "/api/leads", `{"firstName":"Ann","phone":"+15555550100"}`)
	require.Equal(t, http.StatusOK, status, res)
	assert.Equal(t, false, res["created"])
	assert.Len(t, e.contacts(), 1)
	assert.Len(t, e.emu.Tasks(c["id"].(string)), 1)
}

func TestSameLeadPostedTwiceAtOnce(t *testing.T) {
	e := newEnv(t)
	const n = 4
	var wg sync.WaitGroup
	start := make(chan struct{})
	statuses := make([]int, n)
	for i := range n {
		wg.Go(func() {
			<-start
			resp, err := http.Post(e.web.URL+"/api/leads", "application/json", strings.NewReader(annJSON))
			if assert.NoError(t, err) {
				statuses[i] = resp.StatusCode
				resp.Body.Close()
			}
		})
	}
	close(start)
	wg.Wait()
	for _, s := range statuses {
		assert.Equal(t, http.StatusOK, s)
	}
	cs := e.contacts()
	require.Len(t, cs, 1, "one contact, however many submissions raced")
	assert.Len(t, e.emu.Tasks(cs[0]["id"].(string)), 1, "and one follow-up task")
}

func TestBadInputIs400NamingTheField(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ body, field, msg string }{
		{`{"firstName":"Ann","email":"ann@"}`, "email", "email address does not look right"},
		{`{"firstName":"Ann"}`, "email", "Enter an email address or a phone number"},
		{`{"email":"ann@example.com","phone":"12ab"}`, "phone", "phone number does not look right"},
		{`{"email":"ann@example.com","firstName":"` + strings.Repeat("a", 101) + `"}`, "firstName", "too long"},
		{`not json`, "", "must be a JSON object"}, // no field: the body as a whole
	} {
		status, res := e.postJSON(t, "/api/leads", tc.body)
		assert.Equal(t, http.StatusBadRequest, status, tc.body)
		field, _ := res["field"].(string) // absent when no one field is at fault
		assert.Equal(t, tc.field, field, tc.body)
		assert.Contains(t, res["error"], tc.msg, tc.body)
	}

	// The HTML form shows the message at the field and keeps (escaped) input.
	status, page := e.postForm(t, "/leads", url.Values{"firstName": {`<script>alert(1)</script>`}, "email": {"nope"}})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, page, `aria-invalid="true" aria-describedby="email-err"`)
	assert.Contains(t, page, "That email address does not look right")
	assert.Contains(t, page, `value="&lt;script&gt;alert(1)&lt;/script&gt;"`)
	assert.NotContains(t, page, "<script>")
	assert.Empty(t, e.contacts(), "nothing reached HighLevel")
}

func TestBookFreeSlot(t *testing.T) {
	e := newEnv(t)
	// The thank-you page offers the slots with a signed booking form.
	status, page := e.postForm(t, "/leads", url.Values{"firstName": {"Bo"}, "email": {"bo@example.com"}})
	require.Equal(t, http.StatusOK, status, page)
	assert.Contains(t, page, "Thank you, Bo!")
	assert.Contains(t, page, `<form id="book" method="post" action="/book">`)

	_, res := e.postJSON(t, "/api/leads", `{"firstName":"Bo","email":"bo@example.com"}`)
	contactID, token := res["contactId"].(string), res["bookToken"].(string)
	slot := res["slots"].([]any)[1].(string)
	form := url.Values{"contactId": {contactID}, "bookToken": {token}, "slot": {slot}}

	status, page = e.postForm(t, "/book", form)
	require.Equal(t, http.StatusOK, status, page)
	assert.Contains(t, page, "You are booked")

	appts, _, err := e.app.client.Contacts.ListAppointments(t.Context(), contactID)
	require.NoError(t, err)
	require.Len(t, appts, 1)
	want, _ := time.Parse(time.RFC3339, slot)
	assert.True(t, appts[0].StartTime.Equal(want), "%v", appts[0].StartTime)
	assert.Equal(t, e.app.calendarID, appts[0].CalendarID)

	// A second click books nothing more; the slot is no longer offered.
	status, _ = e.postForm(t, "/book", form)
	assert.Equal(t, http.StatusOK, status)
	appts, _, err = e.app.client.Contacts.ListAppointments(t.Context(), contactID)
	require.NoError(t, err)
	assert.Len(t, appts, 1)
	_, res = e.postJSON(t, "/api/leads", `{"email":"bo@example.com"}`)
	assert.NotContains(t, res["slots"], slot)

	// JSON booking; a forged token or a bad slot is a 400 naming the field.
	status, out := e.postJSON(t, "/api/book", `{"contactId":"`+contactID+`","bookToken":"`+token+`","slot":"`+res["slots"].([]any)[0].(string)+`"}`)
	assert.Equal(t, http.StatusOK, status, out)
	assert.NotEmpty(t, out["appointmentId"])
	status, out = e.postJSON(t, "/api/book", `{"contactId":"someone-else","bookToken":"`+token+`","slot":"`+slot+`"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "bookToken", out["field"])
	status, out = e.postJSON(t, "/api/book", `{"contactId":"`+contactID+`","bookToken":"`+token+`","slot":"tomorrow"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "slot", out["field"])
}

// TestLostConnectionAfterUpsert: the emulator applies the upsert, then
// resets the connection. The SDK reports ErrOutcomeUnknown; the app looks
// the contact up and carries on instead of creating it again.
func TestLostConnectionAfterUpsert(t *testing.T) {
	e := newEnv(t)
	e.emu.InjectFault(ghltest.Fault{Kind: ghltest.FaultResetAfter, Method: "POST", PathPattern: "/contacts/upsert", Times: 1})
	status, res := e.postJSON(t, "/api/leads", annJSON)
	require.Equal(t, http.StatusOK, status, res)

	cs := e.contacts()
	require.Len(t, cs, 1, "found, not duplicated")
	assert.Equal(t, res["contactId"], cs[0]["id"])
	assert.Equal(t, []any{"web lead"}, cs[0]["tags"])
	assert.Len(t, e.emu.Tasks(cs[0]["id"].(string)), 1)

	var upserts, lookups int
	for _, r := range e.emu.Requests() {
		switch {
		case r.Method == "POST" && r.Path == "/contacts/upsert":
			upserts++
			assert.Equal(t, "reset_after", r.Fault)
		case r.Method == "GET" && r.Path == "/contacts/search/duplicate":
			lookups++
		}
	}
	assert.Equal(t, 1, upserts, "the upsert was not sent again")
	assert.Equal(t, 1, lookups)
}

// TestHighLevelErrorsAreFriendly: HighLevel's errors become a helpful page
// or JSON message, with no SDK error text, stack trace or token.
func TestHighLevelErrorsAreFriendly(t *testing.T) {
	e := newEnv(t)
	token := e.emu.Locations()[0].Token
	form := url.Values{"email": {"cy@example.com"}}

	e.emu.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 503, PathPattern: "/contacts/upsert", Times: 2})
	status, page := e.postForm(t, "/leads", form)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Contains(t, page, "We could not reach our CRM. Please submit again in a moment")
	assert.Contains(t, page, "Reference: ")

	e.emu.RevokeToken(token)
	status, page = e.postForm(t, "/leads", form)
	assert.Equal(t, http.StatusBadGateway, status)
	assert.Contains(t, page, "not connected to our CRM correctly")
	for _, leak := range []string{token, "ghl:", "goroutine", "Bearer", "/contacts/"} {
		assert.NotContains(t, page, leak)
	}
	assert.Empty(t, e.contacts())

	// The JSON API says the same, and a rate limit (which the SDK waits out
	// and retries first) asks to come back later.
	status, out := e.postJSON(t, "/api/leads", `{"email":"cy@example.com"}`)
	assert.Equal(t, http.StatusBadGateway, status)
	assert.Contains(t, out["error"], "not connected to our CRM correctly")
	status, msg, _, _ := friendly(&ghl.RateLimitError{Operation: "Contacts.Upsert", RetryAfter: time.Minute})
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Contains(t, msg, "try again in a minute")
}

// TestReadOnlyWithToken runs the real-API path against the emulator: with a
// token and no -write, a lead is looked up, and nothing but GETs is sent.
func TestReadOnlyWithToken(t *testing.T) {
	emu, loc, cal, _ := startEmulator()
	defer emu.Close()
	emu.AddContact(loc.ID, map[string]any{"firstName": "Di", "email": "di@example.com"})
	_, _, err := setup(config{token: loc.Token})
	assert.EqualError(t, err, "GHL_LOCATION_ID must be set with GHL_ACCESS_TOKEN")
	a, none, err := setup(config{token: loc.Token, locationID: loc.ID, baseURL: emu.URL, calendarID: cal})
	require.NoError(t, err)
	assert.Nil(t, none)
	e := &env{app: a, emu: emu, web: httptest.NewServer(a.routes())}
	defer e.web.Close()

	status, res := e.postJSON(t, "/api/leads", `{"email":"di@example.com"}`)
	require.Equal(t, http.StatusOK, status, res)
	assert.Equal(t, true, res["readOnly"])
	assert.NotEmpty(t, res["contactId"])
	assert.NotEmpty(t, res["slots"])
	status, page := e.postForm(t, "/leads", url.Values{"email": {"new@example.com"}})
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, page, "This demo is read-only")

	_, err = a.book(t.Context(), res["contactId"].(string), time.Now())
	assert.ErrorIs(t, err, errReadOnly)
	for _, r := range emu.Requests() {
		assert.Equal(t, "GET", r.Method, "%s %s", r.Method, r.Path)
	}
	assert.Len(t, emu.Contacts(loc.ID), 1)
}
