package ghl_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// These tests run CalendarsService against the ghltest emulator, whose
// shapes come from the calendars spec (and the live answers it records),
// not from the SDK: groups and calendars round trips, booking an
// appointment and seeing it in the events lists, the contact's
// appointments and the free slots, block slots, notes, resources and
// notifications.

// calendarEnv is an emulator whose clock reads Monday 2030-01-07 09:30 in
// Chicago, with a location in America/Chicago, a contact and a calendar
// open Monday to Friday 9:00-12:00 with one-hour slots.
type calendarEnv struct {
	srv     *ghltest.Server
	loc     *ghltest.Location
	c       *ghl.Client
	contact string
	cal     *ghl.Calendar
}

func newCalendarEnv(t *testing.T) *calendarEnv {
	t.Helper()
	clk := ghltest.NewManualClock(time.Date(2030, 1, 7, 15, 30, 0, 0, time.UTC))
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Clinic")
	co := srv.DefaultCompany()
	ctx := t.Context()
	_, _, err := emulatorClient(t, srv, co.Token).Locations.Update(ctx, loc.ID, &ghl.LocationUpdateRequest{CompanyID: co.ID, Timezone: ghl.Ptr("America/Chicago")})
	require.NoError(t, err)
	c := emulatorClient(t, srv, loc.Token)
	cal, _, err := c.Calendars.Create(ctx, &ghl.CalendarCreateRequest{
		LocationID: loc.ID, Name: "Consults", SlotDuration: ghl.Ptr(60.0), SlotInterval: ghl.Ptr(60.0),
		OpenHours: ghl.OpenHours{{DaysOfTheWeek: []float64{1, 2, 3, 4, 5}, Hours: []ghl.Hour{{OpenHour: 9, CloseHour: 12}}}},
	})
	require.NoError(t, err)
	contact := srv.AddContact(loc.ID, map[string]any{"firstName": "Jane", "lastName": "Roe"})
	return &calendarEnv{srv: srv, loc: loc, c: c, contact: contact, cal: cal}
}

func TestCalendarGroupsAndCalendarsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCalendarEnv(t)
	c, ctx := e.c, t.Context()

	g, resp, err := c.Calendars.CreateGroup(ctx, &ghl.GroupCreateRequest{LocationID: e.loc.ID, Name: "Team", Description: "All", Slug: "team"})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	require.NotEmpty(t, g.ID)
	assert.True(t, g.IsActive)
	slug, _, err := c.Calendars.ValidateGroupsSlug(ctx, &ghl.GroupSlugPostBodyValidateRequest{LocationID: e.loc.ID, Slug: "team"})
	require.NoError(t, err)
	assert.False(t, slug.Available)
	slug, _, err = c.Calendars.ValidateGroupsSlug(ctx, &ghl.GroupSlugPostBodyValidateRequest{LocationID: e.loc.ID, Slug: "free"})
	require.NoError(t, err)
	assert.True(t, slug.Available)

	g2, _, err := c.Calendars.UpdateGroup(ctx, g.ID, &ghl.GroupUpdateRequest{Name: "Team 2", Description: "D", Slug: "team-2"})
	require.NoError(t, err)
	assert.Equal(t, "team-2", g2.Slug)
	ok, _, err := c.Calendars.DisableGroup(ctx, g.ID, &ghl.GroupStatusUpdateParamsRequest{IsActive: false})
	require.NoError(t, err)
	assert.True(t, ok.Success)
	groups, _, err := c.Calendars.ListGroups(ctx, e.loc.ID)
	require.NoError(t, err)
	require.Len(t, groups, 1)
	assert.False(t, groups[0].IsActive)

	// The calendar: as created, updated, listed by group, deleted.
	got, _, err := c.Calendars.Get(ctx, e.cal.ID)
	require.NoError(t, err)
	assert.Equal(t, "Consults", got.Name)
	assert.Equal(t, 60.0, got.SlotDuration)
	require.Len(t, got.OpenHours, 1)
	assert.Equal(t, []float64{1, 2, 3, 4, 5}, got.OpenHours[0].DaysOfTheWeek)
	upd, _, err := c.Calendars.Update(ctx, e.cal.ID, &ghl.CalendarUpdateRequest{GroupID: ghl.Ptr(g.ID), Description: ghl.Ptr("Thirty")})
	require.NoError(t, err)
	assert.Equal(t, g.ID, upd.GroupID)
	assert.Equal(t, "Thirty", upd.Description)
	assert.Len(t, upd.OpenHours, 1, "an update keeps the open hours")
	inGroup, _, err := c.Calendars.List(ctx, e.loc.ID, &ghl.CalendarsListOptions{GroupID: g.ID})
	require.NoError(t, err)
	require.Len(t, inGroup, 1)
	assert.Equal(t, e.cal.ID, inGroup[0].ID)

	del, _, err := c.Calendars.Delete(ctx, e.cal.ID)
	require.NoError(t, err)
	assert.True(t, del.Success)
	_, _, err = c.Calendars.Get(ctx, e.cal.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	gdel, _, err := c.Calendars.DeleteGroup(ctx, g.ID)
	require.NoError(t, err)
	assert.True(t, gdel.Success)
	_, _, err = c.Calendars.UpdateGroup(ctx, g.ID, &ghl.GroupUpdateRequest{Name: "x", Description: "x", Slug: "x"})
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}

func TestAppointmentsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCalendarEnv(t)
	c, ctx := e.c, t.Context()
	chicago, err := time.LoadLocation("America/Chicago")
	require.NoError(t, err)
	mon := time.Date(2030, 1, 7, 0, 0, 0, 0, chicago)
	week := mon.AddDate(0, 0, 7)
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	monday := func() []string {
		t.Helper()
		slots, _, err := c.Calendars.FreeSlots(ctx, e.cal.ID, mon.UnixMilli(), week.UnixMilli(), nil)
		require.NoError(t, err)
		return slots["2030-01-07"].Slots
	}
	// 9:00 has passed: the clock reads 9:30.
	assert.Equal(t, []string{"2030-01-07T10:00:00-06:00", "2030-01-07T11:00:00-06:00"}, monday())

	ten := time.Date(2030, 1, 7, 10, 0, 0, 0, chicago)
	booked, _, err := c.Calendars.CreateAppointment(ctx, &ghl.AppointmentCreateRequest{
		CalendarID: e.cal.ID, LocationID: e.loc.ID, ContactID: e.contact, StartTime: ghl.Timestamp{Time: ten},
		AssignedUserID: ghl.Ptr("u1"), Title: ghl.Ptr("Consult"),
	})
	require.NoError(t, err)
	require.NotEmpty(t, booked.ID)
	assert.True(t, booked.StartTime.Equal(ten))
	assert.True(t, booked.EndTime.Equal(ten.Add(time.Hour)), "the calendar's slot duration")
	assert.Equal(t, ghl.AppointmentSchemaAppointmentStatusConfirmed, booked.AppointmentStatus)
	assert.Equal(t, []string{"2030-01-07T11:00:00-06:00"}, monday(), "the booked slot is gone")
	_, _, err = c.Calendars.CreateAppointment(ctx, &ghl.AppointmentCreateRequest{
		CalendarID: e.cal.ID, LocationID: e.loc.ID, ContactID: e.contact, StartTime: ghl.Timestamp{Time: ten}})
	var apiErr *ghl.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)

	ev, _, err := c.Calendars.GetAppointment(ctx, booked.ID)
	require.NoError(t, err)
	assert.Equal(t, "Consult", ev.Title)
	assert.Equal(t, "confirmed", ev.AppoinmentStatus)
	assert.Equal(t, []string{"u1"}, ev.Users)
	require.NotNil(t, ev.CreatedBy)
	assert.Equal(t, "third_party", ev.CreatedBy.Source)

	events, _, err := c.Calendars.ListEvents(ctx, e.loc.ID, ms(mon), ms(week), &ghl.CalendarsListEventsOptions{CalendarID: e.cal.ID})
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Equal(t, booked.ID, events[0].ID)
	var seen []string
	for ev, err := range c.Calendars.ListEventsIter(ctx, e.loc.ID, mon.AddDate(0, 0, -14), mon.AddDate(0, 0, 14), &ghl.CalendarsListEventsOptions{UserID: "u1"}) {
		require.NoError(t, err)
		seen = append(seen, ev.ID)
	}
	assert.Equal(t, []string{booked.ID}, seen, "once, though windows around it are read")
	appts, _, err := c.Contacts.ListAppointments(ctx, e.contact)
	require.NoError(t, err)
	require.Len(t, appts, 1)
	assert.Equal(t, booked.ID, appts[0].ID)
	assert.True(t, appts[0].StartTime.Equal(ten))

	// Move it to 11:00; then delete it.
	eleven := ten.Add(time.Hour)
	moved, _, err := c.Calendars.UpdateAppointment(ctx, booked.ID, &ghl.AppointmentEditRequest{StartTime: ghl.Timestamp{Time: eleven}})
	require.NoError(t, err)
	assert.True(t, moved.StartTime.Equal(eleven))
	assert.Equal(t, []string{"2030-01-07T10:00:00-06:00"}, monday())
	gone, _, err := c.Calendars.DeleteEvent(ctx, booked.ID)
	require.NoError(t, err)
	assert.True(t, gone.Succeeded)
	_, _, err = c.Calendars.GetAppointment(ctx, booked.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	events, _, err = c.Calendars.ListEvents(ctx, e.loc.ID, ms(mon), ms(week), &ghl.CalendarsListEventsOptions{CalendarID: e.cal.ID})
	require.NoError(t, err)
	assert.Empty(t, events)
	assert.Len(t, monday(), 2)

	// A block slot takes 10:00 out of the free slots.
	block, resp, err := c.Calendars.CreateBlockSlot(ctx, &ghl.BlockSlotCreateRequest{CalendarID: e.cal.ID, LocationID: e.loc.ID,
		Title: ghl.Ptr("Lunch"), StartTime: ghl.Timestamp{Time: ten}, EndTime: ghl.Timestamp{Time: ten.Add(30 * time.Minute)}})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "Lunch", block.Title)
	assert.Equal(t, []string{"2030-01-07T11:00:00-06:00"}, monday())
	blocked, _, err := c.Calendars.ListBlockedSlots(ctx, e.loc.ID, ms(mon), ms(week), &ghl.CalendarsListBlockedSlotsOptions{CalendarID: e.cal.ID})
	require.NoError(t, err)
	require.Len(t, blocked, 1)
	assert.Equal(t, block.ID, blocked[0].ID)
	_, _, err = c.Calendars.UpdateBlockSlot(ctx, block.ID, &ghl.BlockSlotEditRequest{CalendarID: e.cal.ID, LocationID: e.loc.ID,
		StartTime: ghl.Timestamp{Time: eleven}, EndTime: ghl.Timestamp{Time: eleven.Add(time.Hour)}})
	require.NoError(t, err)
	assert.Equal(t, []string{"2030-01-07T10:00:00-06:00"}, monday())

	// Free slots in another zone, and the 31-day limit.
	utc, _, err := c.Calendars.FreeSlots(ctx, e.cal.ID, mon.UnixMilli(), week.UnixMilli(), &ghl.CalendarsFreeSlotsOptions{Timezone: "UTC"})
	require.NoError(t, err)
	assert.Equal(t, []string{"2030-01-07T16:00:00Z"}, utc["2030-01-07"].Slots)
	_, _, err = c.Calendars.FreeSlots(ctx, e.cal.ID, mon.UnixMilli(), mon.AddDate(0, 0, 40).UnixMilli(), nil)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Contains(t, apiErr.Error(), "Date range cannot be more than 31 days")
}

func TestAppointmentNotesOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCalendarEnv(t)
	c, ctx := e.c, t.Context()
	appt := e.srv.AddAppointment(e.loc.ID, e.contact, map[string]any{"calendarId": e.cal.ID})

	var ids []string
	for _, body := range []string{"one", "two", "three"} {
		n, resp, err := c.Calendars.CreateAppointmentNote(ctx, appt, &ghl.NotesRequest{Body: body})
		require.NoError(t, err)
		assert.Equal(t, 201, resp.StatusCode)
		assert.Equal(t, e.contact, n.ContactID)
		ids = append(ids, n.ID)
	}
	page, _, err := c.Calendars.ListAppointmentNotes(ctx, appt, &ghl.CalendarsListAppointmentNotesOptions{Limit: 2})
	require.NoError(t, err)
	assert.Len(t, page, 2)
	var all []string
	for n, err := range c.Calendars.ListAppointmentNotesIter(ctx, appt, &ghl.CalendarsListAppointmentNotesOptions{Limit: 2}) {
		require.NoError(t, err)
		all = append(all, n.Body)
	}
	assert.Equal(t, []string{"one", "two", "three"}, all)
	upd, _, err := c.Calendars.UpdateAppointmentNote(ctx, appt, ids[1], &ghl.NotesRequest{Body: "deux"})
	require.NoError(t, err)
	assert.Equal(t, "deux", upd.Body)
	del, _, err := c.Calendars.DeleteAppointmentNote(ctx, appt, ids[0])
	require.NoError(t, err)
	assert.True(t, del.Success)
	_, _, err = c.Calendars.UpdateAppointmentNote(ctx, appt, ids[0], &ghl.NotesRequest{Body: "x"})
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	_, _, err = c.Calendars.ListAppointmentNotes(ctx, "nope", nil)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}

func TestCalendarResourcesOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCalendarEnv(t)
	c, ctx := e.c, t.Context()

	room, resp, err := c.Calendars.CreateResource(ctx, string(ghl.ResourceTypeRooms), &ghl.CalendarResourceCreateRequest{
		LocationID: e.loc.ID, Name: "Room A", Description: "Big", Quantity: 1, Capacity: 8, CalendarIDs: []string{e.cal.ID}})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, ghl.ResourceTypeRooms, room.ResourceType)
	assert.True(t, room.IsActive)
	// The spec gives a resource no ID field: the emulator's answers carry
	// "id", which the SDK's type leaves out, so read it from the store.
	stored := e.srv.Store(e.loc.ID).List("calendarResources")
	require.Len(t, stored, 1)
	id := stored[0]["id"].(string)

	rooms, _, err := c.Calendars.ListResources(ctx, "rooms", e.loc.ID, nil)
	require.NoError(t, err)
	require.Len(t, rooms, 1)
	assert.Equal(t, []string{e.cal.ID}, rooms[0].CalendarIDs)
	equipments, _, err := c.Calendars.ListResources(ctx, "equipments", e.loc.ID, nil)
	require.NoError(t, err)
	assert.Empty(t, equipments)
	got, _, err := c.Calendars.GetResource(ctx, "rooms", id)
	require.NoError(t, err)
	assert.Equal(t, "Room A", got.Name)
	upd, _, err := c.Calendars.UpdateResource(ctx, "rooms", id, &ghl.CalendarResourceUpdateRequest{Capacity: ghl.Ptr(10.0)})
	require.NoError(t, err)
	assert.Equal(t, 10.0, upd.Capacity)
	del, _, err := c.Calendars.DeleteResource(ctx, "rooms", id)
	require.NoError(t, err)
	assert.True(t, del.Success)
	_, _, err = c.Calendars.GetResource(ctx, "rooms", id)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}

func TestCalendarNotificationsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCalendarEnv(t)
	c, ctx := e.c, t.Context()

	created, _, err := c.Calendars.CreateEventNotification(ctx, e.cal.ID, []ghl.CalendarNotificationCreateRequest{
		{ReceiverType: ghl.ReceiverTypeContact, Channel: ghl.CalendarNotificationChannelEmail, NotificationType: ghl.NotificationTypeBooked, Subject: ghl.Ptr("Booked")},
		{ReceiverType: ghl.ReceiverTypeAssignedUser, Channel: ghl.CalendarNotificationChannelSMS, NotificationType: ghl.NotificationTypeReminder},
	})
	require.NoError(t, err)
	require.Len(t, created, 2)
	id := created[0].ID
	require.NotEmpty(t, id)
	assert.True(t, created[0].IsActive)

	list, _, err := c.Calendars.ListEventNotifications(ctx, e.cal.ID, nil)
	require.NoError(t, err)
	assert.Len(t, list, 2)
	var n int
	for _, err := range c.Calendars.ListEventNotificationsIter(ctx, e.cal.ID, &ghl.CalendarsListEventNotificationsOptions{Limit: 1}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2, n)
	found, _, err := c.Calendars.FindEventNotification(ctx, e.cal.ID, id)
	require.NoError(t, err)
	assert.Equal(t, "Booked", found.Subject)
	msg, _, err := c.Calendars.UpdateEventNotification(ctx, e.cal.ID, id, &ghl.CalendarNotificationsUpdateRequest{Subject: ghl.Ptr("Confirmed")})
	require.NoError(t, err)
	assert.NotEmpty(t, msg)
	found, _, err = c.Calendars.FindEventNotification(ctx, e.cal.ID, id)
	require.NoError(t, err)
	assert.Equal(t, "Confirmed", found.Subject)
	_, _, err = c.Calendars.DeleteEventNotification(ctx, e.cal.ID, id)
	require.NoError(t, err)
	_, _, err = c.Calendars.FindEventNotification(ctx, e.cal.ID, id)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}
