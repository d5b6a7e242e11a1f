package ghltest_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

// calEnv is an emulator whose clock reads Monday 2030-01-07 09:30 in
// Chicago (15:30 UTC), with a location in America/Chicago, a contact, and
// a calendar open Monday to Friday 9:00-12:00 with one-hour slots.
type calEnv struct {
	srv     *ghltest.Server
	clk     *ghltest.ManualClock
	loc     *ghltest.Location
	a       *api
	contact string
	cal     string
}

var calNow = time.Date(2030, 1, 7, 15, 30, 0, 0, time.UTC)

func newCalEnv(t *testing.T) *calEnv {
	t.Helper()
	clk := ghltest.NewManualClock(calNow)
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now), ghltest.WithRateLimit(0, 0, 0))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Clinic")
	newAPI(t, srv, srv.DefaultCompany().Token).do("PUT", "/locations/"+loc.ID, map[string]any{"companyId": srv.DefaultCompany().ID, "timezone": "America/Chicago"}).expect(t, 200)
	e := &calEnv{srv: srv, clk: clk, loc: loc, a: newAPI(t, srv, loc.Token)}
	e.a.version = "2021-04-15"
	e.contact = srv.AddContact(loc.ID, map[string]any{"firstName": "Jane", "lastName": "Roe"})
	r := e.a.do("POST", "/calendars/", map[string]any{
		"locationId": loc.ID, "name": "Consults", "slotDuration": 60, "slotInterval": 60,
		"openHours": []any{map[string]any{"daysOfTheWeek": []int{1, 2, 3, 4, 5},
			"hours": []any{map[string]any{"openHour": 9, "openMinute": 0, "closeHour": 12, "closeMinute": 0}}}},
	}).expect(t, 200)
	e.cal = r.obj(t, "calendar")["id"].(string)
	return e
}

func ms(t time.Time) string { return fmt.Sprint(t.UnixMilli()) }

// slots answers GET free-slots for from..to (extra: more query).
func (e *calEnv) slots(t *testing.T, from, to time.Time, extra string) result {
	t.Helper()
	return e.a.do("GET", "/calendars/"+e.cal+"/free-slots?startDate="+ms(from)+"&endDate="+ms(to)+extra, nil)
}

// daySlots returns the slots of one date from a free-slots answer.
func daySlots(t *testing.T, r result, date string) []string {
	t.Helper()
	r.expect(t, 200)
	d, ok := r.body[date].(map[string]any)
	if !ok {
		return nil
	}
	return strs(d["slots"])
}

func (e *calEnv) book(t *testing.T, start string, extra map[string]any) result {
	t.Helper()
	body := map[string]any{"calendarId": e.cal, "locationId": e.loc.ID, "contactId": e.contact, "startTime": start}
	for k, v := range extra {
		body[k] = v
	}
	return e.a.do("POST", "/calendars/events/appointments", body)
}

func (e *calEnv) events(t *testing.T, path string, from, to time.Time, filter string) []map[string]any {
	t.Helper()
	return e.a.do("GET", path+"?locationId="+e.loc.ID+"&startTime="+ms(from)+"&endTime="+ms(to)+filter, nil).expect(t, 200).list(t, "events")
}

func TestCalendarGroups(t *testing.T) {
	e := newCalEnv(t)
	a := e.a
	r := a.do("POST", "/calendars/groups", map[string]any{"locationId": e.loc.ID, "name": "Team", "description": "All", "slug": "team"}).expect(t, 201)
	exactKeys(t, r.body, "group")
	g := r.obj(t, "group")
	exactKeys(t, g, "id", "locationId", "name", "description", "slug", "isActive")
	gid := g["id"].(string)
	if g["isActive"] != true || g["locationId"] != e.loc.ID {
		t.Errorf("group %v", g)
	}
	a.do("POST", "/calendars/groups", map[string]any{"locationId": e.loc.ID, "name": "B", "description": "B", "slug": "TEAM"}).errorBody(t, 400, "Slug is already in use")
	if m := a.do("POST", "/calendars/groups", map[string]any{"locationId": e.loc.ID}).messages(t); !slices.Contains(m, "slug should not be empty") {
		t.Errorf("messages %v", m)
	}
	for slug, want := range map[string]bool{"team": false, "other": true} {
		r = a.do("POST", "/calendars/groups/validate-slug", map[string]any{"locationId": e.loc.ID, "slug": slug}).expect(t, 200)
		if fmt.Sprint(r.body) != fmt.Sprint(map[string]any{"available": want}) {
			t.Errorf("validate %q: %s", slug, r.raw)
		}
	}
	// A calendar of the group; an unknown group answers 404.
	a.do("PUT", "/calendars/"+e.cal, map[string]any{"groupId": "nope"}).errorBody(t, 404, "Group not found")
	a.do("PUT", "/calendars/"+e.cal, map[string]any{"groupId": gid}).expect(t, 200)
	if l := a.do("GET", "/calendars/?locationId="+e.loc.ID+"&groupId="+gid, nil).expect(t, 200).list(t, "calendars"); len(l) != 1 {
		t.Errorf("group filter: %d calendars", len(l))
	}
	if l := a.do("GET", "/calendars/?locationId="+e.loc.ID+"&groupId=other", nil).expect(t, 200).list(t, "calendars"); len(l) != 0 {
		t.Errorf("other group: %d calendars", len(l))
	}

	r = a.do("PUT", "/calendars/groups/"+gid, map[string]any{"name": "Team 2", "description": "D", "slug": "team-2"}).expect(t, 200)
	if g := r.obj(t, "group"); g["name"] != "Team 2" || g["slug"] != "team-2" {
		t.Errorf("updated %v", g)
	}
	r = a.do("PUT", "/calendars/groups/"+gid+"/status", map[string]any{"isActive": false}).expect(t, 200)
	if string(r.raw) != `{"success":true}` {
		t.Errorf("status: %s", r.raw)
	}
	a.do("PUT", "/calendars/groups/"+gid+"/status", map[string]any{}).messages(t)
	l := a.do("GET", "/calendars/groups?locationId="+e.loc.ID, nil).expect(t, 200).list(t, "groups")
	if len(l) != 1 || l[0]["isActive"] != false || l[0]["slug"] != "team-2" {
		t.Errorf("groups %v", l)
	}
	r = a.do("DELETE", "/calendars/groups/"+gid, nil).expect(t, 200)
	if string(r.raw) != `{"success":true}` {
		t.Errorf("delete: %s", r.raw)
	}
	a.do("PUT", "/calendars/groups/"+gid+"/status", map[string]any{"isActive": true}).errorBody(t, 404, "Group not found")
	if c, _ := e.srv.Store(e.loc.ID).Get("calendars", e.cal); c["groupId"] != nil {
		t.Errorf("the calendar is still in the deleted group: %v", c["groupId"])
	}
}

func TestCalendarsCRUD(t *testing.T) {
	e := newCalEnv(t)
	a := e.a
	r := a.do("GET", "/calendars/"+e.cal, nil).expect(t, 200)
	exactKeys(t, r.body, "calendar")
	c := r.obj(t, "calendar")
	for k, want := range map[string]any{"name": "Consults", "locationId": e.loc.ID, "isActive": true, "slotDuration": float64(60),
		"slotDurationUnit": "mins", "appoinmentPerSlot": float64(1), "autoConfirm": true, "slug": "consults", "eventType": "RoundRobin_OptimizeForAvailability"} {
		if c[k] != want {
			t.Errorf("%s = %v, want %v", k, c[k], want)
		}
	}
	if oh := c["openHours"].([]any); len(oh) != 1 || fmt.Sprint(oh[0].(map[string]any)["daysOfTheWeek"]) != "[1 2 3 4 5]" {
		t.Errorf("openHours %v", c["openHours"])
	}
	av := []any{map[string]any{"date": "2030-01-08T00:00:00.000Z", "hours": []any{map[string]any{"openHour": 14, "openMinute": 0, "closeHour": 15, "closeMinute": 0}}}}
	r = a.do("PUT", "/calendars/"+e.cal, map[string]any{"name": "Consults 2", "availabilities": av}).expect(t, 200)
	c = r.obj(t, "calendar")
	if c["name"] != "Consults 2" || len(c["openHours"].([]any)) != 1 || fmt.Sprint(c["availabilities"]) != fmt.Sprint(av) {
		t.Errorf("update: %s", r.raw)
	}
	if m := a.do("PUT", "/calendars/"+e.cal, map[string]any{"calendarType": "x", "slotDurationUnit": "days",
		"openHours": []any{map[string]any{"daysOfTheWeek": []int{1}, "hours": []any{map[string]any{"openHour": 25}}}}}).messages(t); len(m) != 6 ||
		m[0] != "calendarType must be one of the following values: round_robin, event, class_booking, collective, service_booking, personal" {
		t.Errorf("messages %q", m)
	}
	a.do("POST", "/calendars/", map[string]any{"locationId": e.loc.ID}).messages(t)
	a.do("POST", "/calendars/", map[string]any{"locationId": "other", "name": "x"}).errorBody(t, 403, "The token does not have access to this location")
	a.do("POST", "/calendars/", map[string]any{"locationId": e.loc.ID, "name": "Second"}).expect(t, 200)
	if l := a.do("GET", "/calendars/?locationId="+e.loc.ID, nil).expect(t, 200).list(t, "calendars"); len(l) != 2 || l[0]["id"] != e.cal {
		t.Errorf("list %v", l)
	}
	r = a.do("DELETE", "/calendars/"+e.cal, nil).expect(t, 200)
	if string(r.raw) != `{"success":true}` {
		t.Errorf("delete: %s", r.raw)
	}
	a.do("GET", "/calendars/"+e.cal, nil).errorBody(t, 404, "Calendar not found")
	a.do("GET", "/calendars/"+e.cal+"/free-slots?startDate=1&endDate=2", nil).errorBody(t, 404, "Calendar not found")
}

func TestFreeSlots(t *testing.T) {
	e := newCalEnv(t)
	mon := time.Date(2030, 1, 7, 0, 0, 0, 0, time.UTC)
	r := e.slots(t, mon, mon.Add(7*24*time.Hour), "").expect(t, 200)
	// Monday 9:00 Chicago has passed (the clock reads 9:30); the weekend is closed.
	if got := daySlots(t, r, "2030-01-07"); !slices.Equal(got, []string{"2030-01-07T10:00:00-06:00", "2030-01-07T11:00:00-06:00"}) {
		t.Errorf("Monday %v", got)
	}
	if got := daySlots(t, r, "2030-01-08"); len(got) != 3 || got[0] != "2030-01-08T09:00:00-06:00" {
		t.Errorf("Tuesday %v", got)
	}
	for _, d := range []string{"2030-01-05", "2030-01-06", "2030-01-12"} {
		if _, ok := r.body[d]; ok {
			t.Errorf("closed %s has slots", d)
		}
	}
	if tid, _ := r.body["traceId"].(string); len(tid) != 36 || len(r.body) != 6 {
		t.Errorf("keys %v", keys(r.body))
	}
	// Other time zones; the clock moves on.
	r = e.slots(t, mon, mon.Add(24*time.Hour), "&timezone=UTC")
	if got := daySlots(t, r, "2030-01-07"); !slices.Equal(got, []string{"2030-01-07T16:00:00Z", "2030-01-07T17:00:00Z"}) {
		t.Errorf("UTC %v", got)
	}
	e.clk.Advance(time.Hour)
	if got := daySlots(t, e.slots(t, mon, mon.Add(24*time.Hour), ""), "2030-01-07"); len(got) != 1 {
		t.Errorf("after an hour %v", got)
	}
	// A dated availability replaces the weekday's hours.
	av := []any{map[string]any{"date": "2030-01-08", "hours": []any{map[string]any{"openHour": 14, "openMinute": 30, "closeHour": 16, "closeMinute": 0}}}}
	e.a.do("PUT", "/calendars/"+e.cal, map[string]any{"availabilities": av, "slotDuration": 30, "slotInterval": 45}).expect(t, 200)
	tue := mon.Add(24 * time.Hour)
	if got := daySlots(t, e.slots(t, tue, tue.Add(24*time.Hour), ""), "2030-01-08"); !slices.Equal(got, []string{"2030-01-08T14:30:00-06:00", "2030-01-08T15:15:00-06:00"}) {
		t.Errorf("availability %v", got)
	}
	// Errors.
	e.slots(t, mon, mon.Add(32*24*time.Hour), "").errorBody(t, 400, "Date range cannot be more than 31 days")
	e.slots(t, mon, mon.Add(24*time.Hour), "&timezone=Mars/Olympus").errorBody(t, 400, "Invalid timezone: Mars/Olympus")
	if m := e.a.do("GET", "/calendars/"+e.cal+"/free-slots?startDate=x&endDate=1", nil).messages(t); m[0] != "startDate must be a number conforming to the specified constraints" {
		t.Errorf("messages %v", m)
	}
}

func TestAppointmentsAndEvents(t *testing.T) {
	e := newCalEnv(t)
	a := e.a
	mon := time.Date(2030, 1, 7, 0, 0, 0, 0, time.UTC)
	week := mon.Add(7 * 24 * time.Hour)

	r := e.book(t, "2030-01-07T16:00:00Z", map[string]any{"assignedUserId": "u1", "address": "Room 1"}).expect(t, 200)
	exactKeys(t, r.body, "id", "calendarId", "locationId", "contactId", "startTime", "endTime", "title", "appointmentStatus", "assignedUserId", "address", "isRecurring")
	id := r.body["id"].(string)
	if r.body["startTime"] != "2030-01-07T10:00:00-06:00" || r.body["endTime"] != "2030-01-07T11:00:00-06:00" ||
		r.body["title"] != "Jane Roe" || r.body["appointmentStatus"] != "confirmed" || r.body["isRecurring"] != false {
		t.Errorf("created %s", r.raw)
	}
	if got := daySlots(t, e.slots(t, mon, week, ""), "2030-01-07"); !slices.Equal(got, []string{"2030-01-07T11:00:00-06:00"}) {
		t.Errorf("after booking: %v", got)
	}
	// The slot is taken, past or closed.
	for _, start := range []string{"2030-01-07T10:00:00-06:00", "2030-01-07T09:00:00-06:00", "2030-01-12T10:00:00-06:00"} {
		e.book(t, start, nil).errorBody(t, 400, "The slot you have selected is no longer available")
	}
	e.book(t, "2030-01-12T10:00:00-06:00", map[string]any{"ignoreFreeSlotValidation": true}).expect(t, 200)
	e.book(t, "2030-01-08T10:00:00-06:00", map[string]any{"contactId": "nobody"}).errorBody(t, 404, "Contact not found")
	e.book(t, "2030-01-08T10:00:00-06:00", map[string]any{"calendarId": "nocal"}).errorBody(t, 404, "Calendar not found")
	if m := e.book(t, "soon", map[string]any{"appointmentStatus": "maybe"}).messages(t); len(m) != 2 {
		t.Errorf("messages %v", m)
	}

	r = a.do("GET", "/calendars/events/appointments/"+id, nil).expect(t, 200)
	exactKeys(t, r.body, "appointment", "traceId")
	ap := r.obj(t, "appointment")
	hasKeys(t, ap, "id", "title", "calendarId", "locationId", "contactId", "groupId", "appointmentStatus", "appoinmentStatus",
		"assignedUserId", "users", "notes", "startTime", "endTime", "dateAdded", "dateUpdated", "createdBy", "deleted", "isRecurring", "assignedResources")
	if ap["appoinmentStatus"] != "confirmed" || ap["deleted"] != false || fmt.Sprint(ap["users"]) != "[u1]" ||
		ap["createdBy"].(map[string]any)["source"] != "third_party" || ap["dateAdded"] != "2030-01-07T15:30:00.000Z" {
		t.Errorf("appointment %v", ap)
	}

	// Events: by calendar, user or group, in the window.
	if l := e.events(t, "/calendars/events", mon, week, "&calendarId="+e.cal); len(l) != 2 || l[0]["id"] != id {
		t.Errorf("by calendar %v", l)
	}
	if l := e.events(t, "/calendars/events", mon, week, "&userId=u1"); len(l) != 1 {
		t.Errorf("by user %v", l)
	}
	if l := e.events(t, "/calendars/events", mon, week, "&userId=u2"); len(l) != 0 {
		t.Errorf("other user %v", l)
	}
	at := time.Date(2030, 1, 7, 16, 30, 0, 0, time.UTC)
	if l := e.events(t, "/calendars/events", at, at.Add(time.Minute), "&calendarId="+e.cal); len(l) != 1 {
		t.Errorf("overlapping window %v", l)
	}
	if l := e.events(t, "/calendars/events", at.Add(time.Hour), at.Add(2*time.Hour), "&calendarId="+e.cal); len(l) != 0 {
		t.Errorf("window after %v", l)
	}
	a.do("GET", "/calendars/events?locationId="+e.loc.ID+"&startTime=1&endTime=2", nil).messages(t)
	a.do("GET", "/calendars/events?locationId=other&startTime=1&endTime=2&userId=u", nil).errorBody(t, 403, "The token does not have access to this location")
	r = a.do("GET", "/contacts/"+e.contact+"/appointments", nil).expect(t, 200)
	if l := r.list(t, "events"); len(l) != 2 || l[0]["id"] != id {
		t.Errorf("contact appointments %s", r.raw)
	}

	// Move it to 11:00: 10:00 is free again. Cancelling frees the slot.
	r = a.do("PUT", "/calendars/events/appointments/"+id, map[string]any{"startTime": "2030-01-07T11:00:00-06:00", "title": "Moved"}).expect(t, 200)
	if r.body["endTime"] != "2030-01-07T12:00:00-06:00" || r.body["title"] != "Moved" {
		t.Errorf("moved %s", r.raw)
	}
	if got := daySlots(t, e.slots(t, mon, week, ""), "2030-01-07"); !slices.Equal(got, []string{"2030-01-07T10:00:00-06:00"}) {
		t.Errorf("after the move: %v", got)
	}
	a.do("PUT", "/calendars/events/appointments/"+id, map[string]any{"appointmentStatus": "cancelled"}).expect(t, 200)
	if got := daySlots(t, e.slots(t, mon, week, ""), "2030-01-07"); len(got) != 2 {
		t.Errorf("after cancelling: %v", got)
	}
	a.do("PUT", "/calendars/events/appointments/nope", map[string]any{}).errorBody(t, 404, "Appointment not found")

	r = a.do("DELETE", "/calendars/events/"+id, map[string]any{}).expect(t, 201)
	if string(r.raw) != `{"succeeded":true}` {
		t.Errorf("delete %s", r.raw)
	}
	a.do("GET", "/calendars/events/appointments/"+id, nil).errorBody(t, 404, "Appointment not found")
	a.do("DELETE", "/calendars/events/"+id, nil).errorBody(t, 404, "Event not found")
	if l := e.events(t, "/calendars/events", mon, week, "&calendarId="+e.cal); len(l) != 1 || l[0]["id"] == id {
		t.Errorf("after delete %v", l)
	}
	// Deleting the contact deletes its appointments.
	newAPI(t, e.srv, e.loc.Token).do("DELETE", "/contacts/"+e.contact, nil).expect(t, 200)
	if l := e.events(t, "/calendars/events", mon, week, "&calendarId="+e.cal); len(l) != 0 {
		t.Errorf("after deleting the contact %v", l)
	}
}

func TestBlockSlots(t *testing.T) {
	e := newCalEnv(t)
	a := e.a
	tue := time.Date(2030, 1, 8, 0, 0, 0, 0, time.UTC)
	body := map[string]any{"calendarId": e.cal, "locationId": e.loc.ID, "title": "Lunch",
		"startTime": "2030-01-08T10:00:00-06:00", "endTime": "2030-01-08T10:30:00-06:00"}
	r := a.do("POST", "/calendars/events/block-slots", body).expect(t, 201)
	exactKeys(t, r.body, "id", "locationId", "title", "startTime", "endTime", "calendarId")
	id := r.body["id"].(string)
	if got := daySlots(t, e.slots(t, tue, tue.Add(24*time.Hour), ""), "2030-01-08"); !slices.Equal(got, []string{"2030-01-08T09:00:00-06:00", "2030-01-08T11:00:00-06:00"}) {
		t.Errorf("blocked: %v", got)
	}
	if l := e.events(t, "/calendars/blocked-slots", tue, tue.Add(24*time.Hour), "&calendarId="+e.cal); len(l) != 1 || l[0]["title"] != "Lunch" {
		t.Errorf("blocked slots %v", l)
	}
	if l := e.events(t, "/calendars/events", tue, tue.Add(24*time.Hour), "&calendarId="+e.cal); len(l) != 0 {
		t.Errorf("a block slot is no appointment: %v", l)
	}
	body["startTime"], body["endTime"] = "2030-01-08T11:00:00-06:00", "2030-01-08T12:00:00-06:00"
	r = a.do("PUT", "/calendars/events/block-slots/"+id, body).expect(t, 201)
	if r.body["startTime"] != "2030-01-08T11:00:00-06:00" {
		t.Errorf("edited %s", r.raw)
	}
	if got := daySlots(t, e.slots(t, tue, tue.Add(24*time.Hour), ""), "2030-01-08"); len(got) != 2 || got[1] != "2030-01-08T10:00:00-06:00" {
		t.Errorf("moved block: %v", got)
	}
	a.do("PUT", "/calendars/events/block-slots/nope", body).errorBody(t, 404, "Event not found")
	if m := a.do("POST", "/calendars/events/block-slots", map[string]any{"calendarId": e.cal, "locationId": e.loc.ID}).messages(t); len(m) != 4 {
		t.Errorf("messages %v", m)
	}
	a.do("DELETE", "/calendars/events/"+id, nil).expect(t, 201)
	if got := daySlots(t, e.slots(t, tue, tue.Add(24*time.Hour), ""), "2030-01-08"); len(got) != 3 {
		t.Errorf("unblocked: %v", got)
	}
}

func TestAppointmentNotes(t *testing.T) {
	e := newCalEnv(t)
	a := e.a
	id := e.book(t, "2030-01-08T10:00:00-06:00", nil).expect(t, 200).body["id"].(string)
	base := "/calendars/appointments/" + id + "/notes"
	var nids []string
	for i := range 3 {
		r := a.do("POST", base, map[string]any{"body": fmt.Sprint("note ", i), "userId": "u1"}).expect(t, 201)
		exactKeys(t, r.body, "note")
		n := r.obj(t, "note")
		exactKeys(t, n, "id", "body", "userId", "dateAdded", "contactId", "createdBy")
		if n["contactId"] != e.contact {
			t.Errorf("note %v", n)
		}
		nids = append(nids, n["id"].(string))
	}
	r := a.do("GET", base+"?limit=2&offset=0", nil).expect(t, 200)
	exactKeys(t, r.body, "notes", "hasMore")
	if l := r.list(t, "notes"); len(l) != 2 || r.body["hasMore"] != true || l[0]["id"] != nids[0] {
		t.Errorf("page 1 %s", r.raw)
	}
	r = a.do("GET", base+"?limit=2&offset=2", nil).expect(t, 200)
	if l := r.list(t, "notes"); len(l) != 1 || r.body["hasMore"] != false {
		t.Errorf("page 2 %s", r.raw)
	}
	a.do("GET", base+"?limit=2", nil).messages(t)
	r = a.do("PUT", base+"/"+nids[1], map[string]any{"body": "edited"}).expect(t, 200)
	if r.obj(t, "note")["body"] != "edited" {
		t.Errorf("edited %s", r.raw)
	}
	if m := a.do("POST", base, map[string]any{"body": strings.Repeat("x", 5001)}).messages(t); m[0] != "body must be shorter than or equal to 5000 characters" {
		t.Errorf("messages %v", m)
	}
	r = a.do("DELETE", base+"/"+nids[0], nil).expect(t, 200)
	if string(r.raw) != `{"success":true}` {
		t.Errorf("delete %s", r.raw)
	}
	a.do("DELETE", base+"/"+nids[0], nil).errorBody(t, 404, "Note not found")
	a.do("GET", "/calendars/appointments/nope/notes?limit=1&offset=0", nil).errorBody(t, 404, "Appointment not found")
	// Deleting the appointment deletes its notes.
	a.do("DELETE", "/calendars/events/"+id, nil).expect(t, 201)
	if n := e.srv.Store(e.loc.ID).List("appointmentNotes"); len(n) != 0 {
		t.Errorf("notes left: %v", n)
	}
}

func TestCalendarResources(t *testing.T) {
	e := newCalEnv(t)
	a := e.a
	body := map[string]any{"locationId": e.loc.ID, "name": "Room A", "description": "Big", "quantity": 1, "outOfService": 0, "capacity": 8, "calendarIds": []string{e.cal}}
	r := a.do("POST", "/calendars/resources/rooms", body).expect(t, 201)
	exactKeys(t, r.body, "id", "locationId", "name", "resourceType", "isActive", "description", "quantity", "outOfService", "capacity", "calendarIds")
	id := r.body["id"].(string)
	if r.body["resourceType"] != "rooms" || r.body["isActive"] != true {
		t.Errorf("created %s", r.raw)
	}
	body["name"] = "Projector"
	a.do("POST", "/calendars/resources/equipments", body).expect(t, 201)
	a.do("POST", "/calendars/resources/cars", body).messages(t)
	list := func(q string) []any {
		r := a.do("GET", "/calendars/resources/rooms?locationId="+e.loc.ID+q, nil).expect(t, 200)
		var l []any
		if err := json.Unmarshal(r.raw, &l); err != nil {
			t.Fatalf("not an array: %s", r.raw)
		}
		return l
	}
	if l := list("&limit=20&skip=0"); len(l) != 1 || l[0].(map[string]any)["name"] != "Room A" {
		t.Errorf("rooms %v", l)
	}
	if l := list("&limit=20&skip=1"); len(l) != 0 {
		t.Errorf("skipped %v", l)
	}
	a.do("GET", "/calendars/resources/rooms?locationId="+e.loc.ID, nil).messages(t)
	r = a.do("GET", "/calendars/resources/rooms/"+id, nil).expect(t, 200)
	if r.body["name"] != "Room A" {
		t.Errorf("get %s", r.raw)
	}
	a.do("GET", "/calendars/resources/equipments/"+id, nil).errorBody(t, 404, "Resource not found")
	r = a.do("PUT", "/calendars/resources/rooms/"+id, map[string]any{"capacity": 10, "isActive": false}).expect(t, 200)
	exactKeys(t, r.body, "id", "locationId", "name", "resourceType", "isActive", "description", "quantity", "outOfService", "capacity")
	if r.body["capacity"] != float64(10) || r.body["isActive"] != false {
		t.Errorf("updated %s", r.raw)
	}
	r = a.do("DELETE", "/calendars/resources/rooms/"+id, nil).expect(t, 200)
	if string(r.raw) != `{"success":true}` {
		t.Errorf("delete %s", r.raw)
	}
	a.do("GET", "/calendars/resources/rooms/"+id, nil).errorBody(t, 404, "Resource not found")
}

func TestCalendarNotifications(t *testing.T) {
	e := newCalEnv(t)
	a := e.a
	base := "/calendars/" + e.cal + "/notifications"
	r := a.do("POST", base, []any{
		map[string]any{"receiverType": "contact", "channel": "email", "notificationType": "booked", "subject": "Booked"},
		map[string]any{"receiverType": "assignedUser", "channel": "sms", "notificationType": "reminder", "isActive": false},
	}).expect(t, 200)
	var created []map[string]any
	if err := json.Unmarshal(r.raw, &created); err != nil || len(created) != 2 {
		t.Fatalf("created %s", r.raw)
	}
	exactKeys(t, created[0], "_id", "receiverType", "channel", "notificationType", "isActive", "subject", "deleted")
	id := created[0]["_id"].(string)
	a.do("POST", base, map[string]any{"receiverType": "contact"}).errorBody(t, 400, "Request body must be a JSON array of notifications")
	if m := a.do("POST", base, []any{map[string]any{"receiverType": "x", "channel": "email"}}).messages(t); len(m) != 2 || m[0] != "0.notificationType should not be empty" {
		t.Errorf("messages %v", m)
	}
	a.do("POST", "/calendars/nocal/notifications", []any{created[0]}).errorBody(t, 404, "Calendar not found")
	listed := func(q string) []map[string]any {
		var l []map[string]any
		if err := json.Unmarshal(a.do("GET", base+q, nil).expect(t, 200).raw, &l); err != nil {
			t.Fatal(err)
		}
		return l
	}
	if l := listed(""); len(l) != 2 {
		t.Errorf("all %v", l)
	}
	if l := listed("?isActive=false"); len(l) != 1 || l[0]["channel"] != "sms" {
		t.Errorf("inactive %v", l)
	}
	if l := listed("?limit=1&skip=1"); len(l) != 1 || l[0]["channel"] != "sms" {
		t.Errorf("page %v", l)
	}
	r = a.do("GET", base+"/"+id, nil).expect(t, 200)
	if r.body["_id"] != id || r.body["subject"] != "Booked" {
		t.Errorf("find %s", r.raw)
	}
	r = a.do("PUT", base+"/"+id, map[string]any{"subject": "Confirmed", "deleted": true}).expect(t, 200)
	exactKeys(t, r.body, "message")
	if l := listed(""); len(l) != 1 {
		t.Errorf("a deleted one is listed: %v", l)
	}
	if l := listed("?deleted=true"); len(l) != 1 || l[0]["subject"] != "Confirmed" {
		t.Errorf("deleted ones %v", l)
	}
	a.do("PUT", base+"/"+id, map[string]any{"channel": "fax"}).messages(t)
	a.do("DELETE", base+"/"+id, nil).expect(t, 200)
	a.do("GET", base+"/"+id, nil).errorBody(t, 404, "Notification not found")
}

// TestAddAppointmentInStore checks that seeded appointments are those of
// the calendar operations.
func TestAddAppointmentInStore(t *testing.T) {
	e := newCalEnv(t)
	id := e.srv.AddAppointment(e.loc.ID, e.contact, map[string]any{"calendarId": e.cal, "startTime": "2030-01-09T16:00:00Z", "endTime": "2030-01-09T17:00:00Z"})
	r := e.a.do("GET", "/calendars/events/appointments/"+id, nil).expect(t, 200)
	if ap := r.obj(t, "appointment"); ap["appoinmentStatus"] != "confirmed" || ap["contactId"] != e.contact {
		t.Errorf("appointment %v", ap)
	}
	wed := time.Date(2030, 1, 9, 0, 0, 0, 0, time.UTC)
	if got := daySlots(t, e.slots(t, wed, wed.Add(24*time.Hour), ""), "2030-01-09"); slices.Contains(got, "2030-01-09T10:00:00-06:00") {
		t.Errorf("the seeded appointment's slot is free: %v", got)
	}
	if l := e.srv.Appointments(e.contact); len(l) != 1 || l[0]["id"] != id {
		t.Errorf("Appointments %v", l)
	}
}
