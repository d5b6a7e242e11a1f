package ghl

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fixtures of testdata/witness have the shapes of answers recorded from
// the live API (see overrides.go, the Whys citing "(witness)"), with
// made-up values. They decode strictly: a field the models drop fails.

func witnessFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "witness", name))
	require.NoError(t, err)
	return b
}

func decodeWitness(t *testing.T, name string, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(witnessFixture(t, name)))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(v), name)
	assert.Empty(t, unparsedTimestamps(v), "%s: dates that did not parse", name)
}

// witnessClient answers every request with the fixture.
func witnessClient(t *testing.T, name string) *Client {
	t.Helper()
	client, mock := newContactsTestClient(t)
	mock.RegisterNoResponder(httpmock.NewBytesResponder(200, witnessFixture(t, name)))
	return client
}

func TestWitnessGetContact(t *testing.T) {
	t.Parallel()
	var root struct {
		Contact *Contact `json:"contact"`
		TraceID string   `json:"traceId"`
	}
	decodeWitness(t, "get_contact.json", &root)
	c := root.Contact
	require.NotNil(t, c)
	assert.Equal(t, "Priya", c.FirstNameRaw)
	assert.Equal(t, "Nair", c.LastNameRaw)
	assert.Equal(t, []AdditionalEmail{{Email: "priya@work.example.org"}}, c.AdditionalEmails)
	assert.Equal(t, []AdditionalPhone{{Phone: "+15550109900"}}, c.AdditionalPhones)
	require.NotNil(t, c.CreatedBy)
	assert.Equal(t, "WEB_USER", c.CreatedBy.Source)
	assert.Equal(t, "APP", c.CreatedBy.Channel)
	assert.Equal(t, "Sam Example", c.CreatedBy.SourceName)
	assert.True(t, c.CreatedBy.Timestamp.Equal(time.Date(2026, 2, 11, 8, 15, 30, 120e6, time.UTC)))
	require.NotNil(t, c.LastUpdatedBy)
	assert.Equal(t, "INTEGRATION", c.LastUpdatedBy.Source)
	assert.Equal(t, "app-7f3e9c-k2", c.LastUpdatedBy.SourceID)
	require.NotNil(t, c.DNDSettings)
	require.NotNil(t, c.DNDSettings.RCS)
	assert.Equal(t, "inactive", c.DNDSettings.RCS.Status)
	assert.Equal(t, "103", c.DNDSettings.SMS.Code)
	require.NotNil(t, c.InboundDNDSettings)
	require.NotNil(t, c.InboundDNDSettings.All)
	assert.Equal(t, "active", c.InboundDNDSettings.All.Status)
	require.NotNil(t, c.AttributionSource)
	assert.Equal(t, "CRM UI", c.AttributionSource.SessionSource)
	require.NotNil(t, c.ValidEmail)
	assert.True(t, *c.ValidEmail)
	assert.True(t, c.ValidEmailDate.Equal(time.Date(2026, 2, 11, 8, 16, 2, 500e6, time.UTC)))

	got, _, err := witnessClient(t, "get_contact.json").Contacts.Get(context.Background(), "Wt7qLm2Xc9RbPz4NvK1s")
	require.NoError(t, err)
	assert.Equal(t, c, got)
}

func TestWitnessCreateContactUnverifiedEmail(t *testing.T) {
	t.Parallel()
	var root struct {
		Contact *Contact `json:"contact"`
		TraceID string   `json:"traceId"`
	}
	decodeWitness(t, "create_contact.json", &root)
	c := root.Contact
	require.NotNil(t, c)
	assert.Nil(t, c.ValidEmail, "null is not verified, not false")
	assert.True(t, c.ValidEmailDate.IsZero())
	require.NotNil(t, c.LastUpdatedBy)
	assert.Equal(t, "OAUTH", c.LastUpdatedBy.Channel)
	assert.Nil(t, c.AdditionalEmails)
}

func TestWitnessListItemAttributions(t *testing.T) {
	t.Parallel()
	var c Contact
	decodeWitness(t, "list_item_contact.json", &c)
	assert.Equal(t, "lena fischer", c.ContactName)
	assert.Equal(t, "Lena", c.FirstNameRaw)
	assert.Equal(t, "Fischer", c.LastNameRaw)
	require.Len(t, c.Attributions, 1)
	a := c.Attributions[0]
	assert.Equal(t, "Paid search", a.UTMSessionSource)
	assert.True(t, a.IsLast)
	assert.Equal(t, "Fm7aSdFgHjKl1234Qwer", a.MediumID)
}

func TestWitnessSearchHit(t *testing.T) {
	t.Parallel()
	var root struct {
		Contacts []Contact `json:"contacts"`
		Total    int       `json:"total"`
		TraceID  string    `json:"traceId"`
	}
	decodeWitness(t, "search_page.json", &root)
	require.Len(t, root.Contacts, 1)
	c := root.Contacts[0]
	assert.Equal(t, "Harbour Bakery", c.BusinessName)
	assert.Equal(t, "Harbour Bakery Ltd", c.CompanyName)
	assert.Empty(t, c.Address, "null")
	assert.Empty(t, c.PhoneLabel, "null")
	assert.Nil(t, c.ValidEmail)
	assert.Equal(t, []ContactOpportunity{{
		ID: "Op9oRtUnItY1234XyZab", PipelineID: "Pp4iPeLiNe5678AbCdEf",
		PipelineStageID: "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", MonetaryValue: 2750.25, Status: "won",
	}}, c.Opportunities)
	assert.Equal(t, []AdditionalEmail{{Email: "orders@harbour.example"}, {Email: "ali@harbour.example"}}, c.AdditionalEmails)
	assert.Equal(t, []AdditionalPhone{{Phone: "+15550105678"}}, c.AdditionalPhones)
	require.NotNil(t, c.InboundDNDSettings, "{} is sent")
	assert.Nil(t, c.InboundDNDSettings.All)

	got, resp, err := witnessClient(t, "search_page.json").Contacts.Search(context.Background(), &ContactSearchRequest{LocationID: "Lc5HdY8wQp3MzT6uVb0R", PageLimit: 1})
	require.NoError(t, err)
	assert.Equal(t, root.Contacts, got)
	assert.Equal(t, 1, resp.Total)
}

func TestWitnessUpsertReadsEitherSpelling(t *testing.T) {
	t.Parallel()
	// The contact inside decodes strictly on its own (ContactUpsertResult
	// decodes itself, so the strict decoder does not reach inside it).
	var raw struct {
		New       bool            `json:"new"`
		Succeded  bool            `json:"succeded"`
		Succeeded bool            `json:"succeeded"`
		Contact   json.RawMessage `json:"contact"`
		TraceID   string          `json:"traceId"`
	}
	decodeWitness(t, "upsert_contact.json", &raw)
	dec := json.NewDecoder(bytes.NewReader(raw.Contact))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(new(Contact)))

	res, _, err := witnessClient(t, "upsert_contact.json").Contacts.Upsert(context.Background(), &ContactUpsertRequest{LocationID: "Lc5HdY8wQp3MzT6uVb0R"})
	require.NoError(t, err)
	assert.True(t, res.New)
	assert.True(t, res.Succeeded)
	assert.Equal(t, "5b4a3928-1706-4f5e-8d4c-3b2a19080706", res.TraceID)
	require.NotNil(t, res.Contact)
	assert.Equal(t, "Up5eRtQwAsZx1234PoIu", res.Contact.ID)
	require.NotNil(t, res.Contact.CreatedBy)
	assert.Equal(t, "INTEGRATION", res.Contact.CreatedBy.Source)

	for body, want := range map[string]bool{
		`{"new":false,"succeded":true}`:                    true,
		`{"new":false,"succeeded":true}`:                   true,
		`{"new":false,"succeded":false,"succeeded":true}`:  true,
		`{"new":false,"succeded":false,"succeeded":false}`: false,
	} {
		var r ContactUpsertResult
		require.NoError(t, json.Unmarshal([]byte(body), &r))
		assert.Equal(t, want, r.Succeeded, body)
	}
}

func TestWitnessActionResult(t *testing.T) {
	t.Parallel()
	var raw struct {
		Succeded  bool   `json:"succeded"`
		Succeeded bool   `json:"succeeded"`
		TraceID   string `json:"traceId"`
	}
	decodeWitness(t, "action_both_spellings.json", &raw) // the whole shape is known

	client := witnessClient(t, "action_both_spellings.json")
	ctx := context.Background()
	calls := map[string]func() (*ContactActionResult, *Response, error){
		"Delete":        func() (*ContactActionResult, *Response, error) { return client.Contacts.Delete(ctx, "c") },
		"DeleteTask":    func() (*ContactActionResult, *Response, error) { return client.Contacts.DeleteTask(ctx, "c", "t") },
		"DeleteNote":    func() (*ContactActionResult, *Response, error) { return client.Contacts.DeleteNote(ctx, "c", "n") },
		"AddToCampaign": func() (*ContactActionResult, *Response, error) { return client.Contacts.AddToCampaign(ctx, "c", "k") },
		"RemoveFromCampaign": func() (*ContactActionResult, *Response, error) {
			return client.Contacts.RemoveFromCampaign(ctx, "c", "k")
		},
		"RemoveFromAllCampaigns": func() (*ContactActionResult, *Response, error) {
			return client.Contacts.RemoveFromAllCampaigns(ctx, "c")
		},
		"AddToWorkflow": func() (*ContactActionResult, *Response, error) {
			return client.Contacts.AddToWorkflow(ctx, "c", "w", nil)
		},
		"RemoveFromWorkflow": func() (*ContactActionResult, *Response, error) {
			return client.Contacts.RemoveFromWorkflow(ctx, "c", "w", nil)
		},
	}
	for name, call := range calls {
		res, _, err := call()
		require.NoError(t, err, name)
		assert.Equal(t, &ContactActionResult{Succeeded: true, TraceID: "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"}, res, name)
	}

	for body, want := range map[string]bool{
		`{"succeded":true}`:                    true,
		`{"succeeded":true}`:                   true,
		`{"succeded":false,"succeeded":true}`:  true,
		`{"succeded":true,"succeeded":false}`:  true,
		`{"succeded":false}`:                   false,
		`{"succeded":false,"succeeded":false}`: false,
	} {
		var r ContactActionResult
		require.NoError(t, json.Unmarshal([]byte(body), &r), body)
		assert.Equal(t, want, r.Succeeded, body)
	}
	var r ContactActionResult
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"traceId":"x"}`), &r), ErrEmptyResponse, "neither spelling is no answer")
}

func TestWitnessFindDuplicate(t *testing.T) {
	t.Parallel()
	var want DuplicateContactResult
	decodeWitness(t, "find_duplicate.json", &want)
	assert.Equal(t, "email", want.MatchingField)
	assert.Equal(t, "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b", want.TraceID)
	require.NotNil(t, want.Contact)
	assert.Equal(t, "Dp1iCaTeQwErTy567890", want.Contact.ID)

	got, _, err := witnessClient(t, "find_duplicate.json").Contacts.FindDuplicate(context.Background(), "Lc5HdY8wQp3MzT6uVb0R", &DuplicateSearchOptions{Email: "dup.check@example.com"})
	require.NoError(t, err)
	assert.Equal(t, &want, got)

	found, _, err := witnessClient(t, "find_duplicate.json").Contacts.Find(context.Background(), ContactQuery{LocationID: "Lc5HdY8wQp3MzT6uVb0R", Email: "dup.check@example.com"})
	require.NoError(t, err)
	assert.Equal(t, want.Contact, found)
}

func TestWitnessTags(t *testing.T) {
	t.Parallel()
	var added, removed ContactTagsResult
	decodeWitness(t, "add_tags.json", &added)
	decodeWitness(t, "remove_tags.json", &removed)
	assert.Equal(t, []string{"newsletter"}, added.TagsAdded)
	assert.Equal(t, []string{"cold"}, removed.TagsRemoved)

	got, _, err := witnessClient(t, "add_tags.json").Contacts.AddTags(context.Background(), "c", &ContactTagsRequest{Tags: []string{"vip", "newsletter"}})
	require.NoError(t, err)
	assert.Equal(t, &ContactTagsResult{Tags: []string{"vip", "newsletter"}, TagsAdded: []string{"newsletter"}, TraceID: "4d5e6f70-8192-4a3b-bc4d-5e6f70819203"}, got)
	got, _, err = witnessClient(t, "remove_tags.json").Contacts.RemoveTags(context.Background(), "c", &ContactTagsRequest{Tags: []string{"cold", "stale"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"cold"}, got.TagsRemoved)
	assert.Equal(t, "6f708192-a3b4-4c5d-9e6f-708192a3b4c5", got.TraceID)
}

func TestWitnessDeletedAppointment(t *testing.T) {
	t.Parallel()
	var root struct {
		Appointment *Appointment `json:"appointment"`
		TraceID     string       `json:"traceId"`
	}
	decodeWitness(t, "deleted_appointment.json", &root)
	a := root.Appointment
	require.NotNil(t, a)
	assert.True(t, a.Deleted, "a deleted appointment must not look live")
	assert.True(t, a.IsRecurring)
	assert.Equal(t, &AppointmentMeta{SlotType: "default"}, a.AppointmentMeta)
	assert.Equal(t, &AppointmentCreatedBy{Source: "booking_widget"}, a.CreatedBy)
	assert.True(t, a.StartTime.Equal(time.Date(2026, 5, 10, 10, 0, 0, 0, time.UTC)))
}

func TestWitnessNotes(t *testing.T) {
	t.Parallel()
	var root struct {
		Notes   []Note `json:"notes"`
		TraceID string `json:"traceId"`
	}
	decodeWitness(t, "list_notes.json", &root)
	require.Len(t, root.Notes, 2)
	assert.Equal(t, "Asked for a quote", root.Notes[0].BodyText)
	assert.True(t, root.Notes[0].Pinned)
	assert.NotNil(t, root.Notes[0].Relations, "[] is kept")
	assert.Empty(t, root.Notes[0].Relations)
	assert.Equal(t, "65a1b2c3d4e5f60718293a4b", root.Notes[1].BusinessID)

	got, _, err := witnessClient(t, "list_notes.json").Contacts.ListNotes(context.Background(), "Wt7qLm2Xc9RbPz4NvK1s")
	require.NoError(t, err)
	assert.Equal(t, root.Notes, got)
}
