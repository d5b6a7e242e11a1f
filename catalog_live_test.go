package ghl

// What the live API answers where the spec says otherwise (the witness
// payloads of the project showed each): the SDK decodes the live shape.
// The bodies are written for these tests, with the live shapes.

import (
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLiveAppointmentIsUnderAppointment(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	mock.RegisterResponder("GET", "https://ghl.test/calendars/events/appointments/ev1", httpmock.NewStringResponder(200, `{
		"appointment": {"id": "ev1", "calendarId": "cal1", "locationId": "loc1", "contactId": "c1", "title": "Intro call",
			"appointmentStatus": "cancelled", "appoinmentStatus": "cancelled", "deleted": true, "isRecurring": false,
			"startTime": "2026-08-01T12:00:00+02:00", "endTime": "2026-08-01T12:30:00+02:00",
			"createdBy": {"source": "third_party", "userId": null}, "appointmentMeta": {"slotType": "custom"}},
		"traceId": "t-1"}`))
	ev, _, err := client.Calendars.GetAppointment(t.Context(), "ev1")
	require.NoError(t, err)
	assert.Equal(t, "ev1", ev.ID)
	assert.True(t, ev.Deleted, "a deleted appointment must not look live")
	assert.Equal(t, "cancelled", ev.AppoinmentStatus)
	require.NotNil(t, ev.CreatedBy)
	assert.Equal(t, "third_party", ev.CreatedBy.Source)
	assert.Equal(t, "custom", ev.AppointmentMeta.SlotType)
	assert.Equal(t, 2026, ev.StartTime.Year())
}

func TestLiveCalendarOpenHoursObject(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	mock.RegisterResponder("GET", "https://ghl.test/calendars/cal1", httpmock.NewStringResponder(200,
		`{"calendar": {"id": "cal1", "locationId": "loc1", "name": "Demo", "openHours": {}, "appointmentPerSlot": 2, "appoinmentPerSlot": 2}, "traceId": "t"}`))
	cal, _, err := client.Calendars.Get(t.Context(), "cal1")
	require.NoError(t, err)
	assert.Empty(t, cal.OpenHours)
	assert.Equal(t, 2, cal.AppointmentPerSlot)

	mock.RegisterResponder("GET", "https://ghl.test/calendars/cal2", httpmock.NewStringResponder(200,
		`{"calendar": {"id": "cal2", "locationId": "loc1", "name": "Demo", "openHours": [{"daysOfTheWeek": [1, 2], "hours": [{"openHour": 9, "openMinute": 0, "closeHour": 17, "closeMinute": 0}]}]}}`))
	cal, _, err = client.Calendars.Get(t.Context(), "cal2")
	require.NoError(t, err)
	require.Len(t, cal.OpenHours, 1)
	assert.Len(t, cal.OpenHours[0].DaysOfTheWeek, 2)
}

func TestLivePipelineStagesAreObjects(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	mock.RegisterResponder("GET", "https://ghl.test/opportunities/pipelines?locationId=loc1", httpmock.NewStringResponder(200, `{
		"pipelines": [{"id": "p1", "name": "Sales", "locationId": "loc1", "showInFunnel": true, "showInPieChart": true,
			"dateAdded": "2026-07-01T10:00:00.000Z", "useOpportunityProbability": false,
			"stages": [{"id": "s1", "name": "New", "position": 0, "showInFunnel": true, "showInPieChart": true, "stageWinProbability": 12.5}]}],
		"traceId": "t"}`))
	ps, _, err := client.Opportunities.ListPipelines(t.Context(), "loc1")
	require.NoError(t, err)
	require.Len(t, ps, 1)
	require.Len(t, ps[0].Stages, 1)
	assert.Equal(t, "New", ps[0].Stages[0].Name)
	assert.Equal(t, 12.5, ps[0].Stages[0].StageWinProbability)
	assert.Equal(t, 2026, ps[0].DateAdded.Year())
}

func TestLiveUserScopesAreAList(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	mock.RegisterResponder("GET", "https://ghl.test/users/u1", httpmock.NewStringResponder(200,
		`{"id": "u1", "name": "Ann Lee", "email": "ann@example.com", "scopes": ["contacts.write", "calendars.readonly"], "totpEnabled": true, "deleted": false}`))
	u, _, err := client.Users.Get(t.Context(), "u1")
	require.NoError(t, err)
	assert.Equal(t, []string{"contacts.write", "calendars.readonly"}, u.Scopes)
	assert.True(t, u.TotpEnabled)
}

func TestLiveMessagesNestedAndFlat(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	mock.RegisterResponder("GET", "https://ghl.test/conversations/messages/m1", httpmock.NewStringResponder(200,
		`{"message": {"id": "m1", "body": "Hello", "direction": "inbound", "conversationId": "cv1"}, "traceId": "t"}`))
	m, _, err := client.Conversations.GetMessage(t.Context(), "m1")
	require.NoError(t, err)
	assert.Equal(t, "Hello", m.Body)

	pages := map[string]string{
		// The live API nests the page under "messages"...
		"limit=2": `{"messages": {"lastMessageId": "m2", "nextPage": true, "messages": [{"id": "m1"}, {"id": "m2"}]}, "traceId": "t"}`,
		// ...the spec shows it flat; both read alike.
		"lastMessageId=m2&limit=2": `{"lastMessageId": "m3", "nextPage": false, "messages": [{"id": "m3"}]}`,
	}
	mock.RegisterResponder("GET", "=~^https://ghl.test/conversations/cv1/messages", func(r *http.Request) (*http.Response, error) {
		return httpmock.NewStringResponse(200, pages[r.URL.RawQuery]), nil
	})
	page, _, err := client.Conversations.ListMessages(t.Context(), "cv1", &ConversationsListMessagesOptions{Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, "m2", page.LastMessageID)
	assert.True(t, page.NextPage)
	assert.Equal(t, "t", page.TraceID)
	var ids []string
	for m, err := range client.Conversations.ListMessagesIter(t.Context(), "cv1", &ConversationsListMessagesOptions{Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{"m1", "m2", "m3"}, ids)
}
