package ghl

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Free slots answer a map keyed by date, with HighLevel's traceId beside
// the dates: the dates decode, the traceId is left out.
func TestFreeSlotsKeyedByDate(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	mock.RegisterResponder("GET", "https://ghl.test/calendars/cal1/free-slots?endDate=1730246400000&startDate=1730073600000&timezone=America%2FChicago",
		httpmock.NewStringResponder(200, `{"2024-10-28":{"slots":["2024-10-28T10:00:00-05:00","2024-10-28T11:00:00-05:00"]},
			"2024-10-29":{"slots":[]},"traceId":"9f2c"}`))
	slots, resp, err := client.Calendars.FreeSlots(t.Context(), "cal1", 1730073600000, 1730246400000,
		&CalendarsFreeSlotsOptions{Timezone: "America/Chicago"})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, map[string]Slots{
		"2024-10-28": {Slots: []string{"2024-10-28T10:00:00-05:00", "2024-10-28T11:00:00-05:00"}},
		"2024-10-29": {Slots: []string{}},
	}, slots)

	// An entry of the wrong shape is a typed error naming it.
	mock.RegisterResponder("GET", "=~^https://ghl.test/calendars/cal2/free-slots",
		httpmock.NewStringResponder(200, `{"2024-10-28":{"slots":"soon"}}`))
	_, _, err = client.Calendars.FreeSlots(t.Context(), "cal2", 1, 2, nil)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "Calendars.FreeSlots", de.Operation)
	assert.Contains(t, err.Error(), `"2024-10-28"`)
}

// A call recording is audio, not JSON: the bytes, their type and file name.
func TestRecordingIsAFile(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	wav := []byte("RIFF\x24\x00\x00\x00WAVEfmt ")
	mock.RegisterResponder("GET", "https://ghl.test/conversations/messages/m1/locations/loc/recording", func(*http.Request) (*http.Response, error) {
		r := httpmock.NewBytesResponse(200, wav)
		r.Header.Set("Content-Type", "audio/x-wav")
		r.Header.Set("Content-Disposition", "attachment; filename=audio.wav")
		return r, nil
	})
	f, _, err := client.Conversations.GetMessageRecording(t.Context(), "m1", "loc")
	require.NoError(t, err)
	assert.Equal(t, wav, f.Data)
	assert.Equal(t, "audio/x-wav", f.ContentType)
	assert.Equal(t, "audio.wav", f.Filename)
}

// An array answer decodes as a slice; null is no result, never a nil slice
// with a nil error.
func TestArrayAnswer(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	mock.RegisterResponder("GET", "=~^https://ghl.test/calendars/resources/rooms",
		httpmock.NewStringResponder(200, `[{"locationId":"loc","name":"Room 1"},{"locationId":"loc","name":"Room 2"}]`))
	got, _, err := client.Calendars.ListResources(t.Context(), "rooms", "loc", nil)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "Room 2", got[1].Name)

	mock.RegisterResponder("GET", "=~^https://ghl.test/calendars/resources/equipments", httpmock.NewStringResponder(200, `null`))
	got, _, err = client.Calendars.ListResources(t.Context(), "equipments", "loc", nil)
	assert.Nil(t, got)
	assert.ErrorIs(t, err, ErrEmptyResponse)
}

// Calendar events have no cursor: the range is read window by window, an
// event spanning two windows is yielded once, empty windows are passed.
func TestListEventsIterWalksWindows(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w := EventsWindow.Milliseconds()
	f := from.UnixMilli()
	q := func(a, b int64) string {
		return fmt.Sprintf("calendarId=cal1&endTime=%d&locationId=loc&startTime=%d", b, a)
	}
	answers := map[string]string{
		q(f, f+w):            `{"events":[{"id":"e1"},{"id":"e2"}]}`,
		q(f+w, f+2*w):        `{"events":[{"id":"e2"}]}`, // e2 spans the boundary
		q(f+2*w, f+3*w):      `{"events":[]}`,
		q(f+3*w, f+3*w+1000): `{"events":[{"id":"e3"}]}`,
	}
	var asked []string
	mock.RegisterResponder("GET", "=~^https://ghl.test/calendars/events", func(r *http.Request) (*http.Response, error) {
		asked = append(asked, r.URL.RawQuery)
		body, ok := answers[r.URL.RawQuery]
		if !ok {
			return httpmock.NewStringResponse(400, `{"statusCode":400,"message":"unexpected window `+r.URL.RawQuery+`"}`), nil
		}
		return httpmock.NewStringResponse(200, body), nil
	})
	var ids []string
	to := time.UnixMilli(f + 3*w + 1000)
	for ev, err := range client.Calendars.ListEventsIter(t.Context(), "loc", from, to, &CalendarsListEventsOptions{CalendarID: "cal1"}) {
		require.NoError(t, err)
		ids = append(ids, ev.ID)
	}
	assert.Equal(t, []string{"e1", "e2", "e3"}, ids)
	assert.Len(t, asked, 4, "one request per window, the last one cut at to")

	for _, err := range client.Calendars.ListEventsIter(t.Context(), "loc", to, from, nil) {
		assert.ErrorIs(t, err, ErrInvalidArgument)
	}
}
