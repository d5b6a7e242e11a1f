package ghltest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // free slots are computed in IANA time zones on any system
)

// Calendars (apps/calendars.json): groups, calendars, appointments, block
// slots, the events lists and free slots. They live in the generic store
// of their location: "calendarGroups", "calendars", "appointments" and
// "blockedSlots" (and, in calendars_notes.go, "appointmentNotes",
// "calendarResources" and "calendarNotifications").
//
// Appointment and block slot times are kept as RFC 3339 strings in the
// location's time zone (its "timezone", UTC when it has none), as
// HighLevel answers them ("2023-09-25T16:00:00+05:30").

var calendarGroupKind = &kind{
	name: "calendarGroups", one: "group", many: "groups", notFound: "Group not found", located: true,
	fields:   parseFields("name:string description:string slug:string isActive:boolean"),
	defaults: func(s *Server, d map[string]any) { setDefault(d, "isActive", true) },
	onDelete: func(s *Server, locID string, r *record) {
		// The group's calendars leave it.
		t := s.scopeLocked(locID).peek("calendars")
		for _, cal := range t.all() {
			if stringField(cal.doc, "groupId") == r.id() {
				d := cloneJSON(cal.doc).(map[string]any)
				delete(d, "groupId")
				t.replace(cal, d)
			}
		}
	},
}

// calendarEnums are the enumerations of CalendarCreateDTO and
// CalendarUpdateDTO checked on create and update.
var calendarEnums = map[string][]string{
	"eventType":             {"RoundRobin_OptimizeForAvailability", "RoundRobin_OptimizeForEqualDistribution"},
	"calendarType":          {"round_robin", "event", "class_booking", "collective", "service_booking", "personal"},
	"widgetType":            {"default", "classic"},
	"slotDurationUnit":      {"mins", "hours"},
	"slotIntervalUnit":      {"mins", "hours"},
	"slotBufferUnit":        {"mins", "hours"},
	"preBufferUnit":         {"mins", "hours"},
	"allowBookingAfterUnit": {"hours", "days", "weeks", "months"},
	"allowBookingForUnit":   {"days", "weeks", "months"},
	"formSubmitType":        {"RedirectURL", "ThankYouMessage"},
	"guestType":             {"count_only", "collect_detail"},
}

var calendarKind = &kind{
	name: "calendars", one: "calendar", many: "calendars", notFound: "Calendar not found", located: true,
	fields: parseFields("isActive:boolean notifications:array groupId:string teamMembers:array eventType:string " +
		"name:string description:string slug:string widgetSlug:string calendarType:string widgetType:string " +
		"eventTitle:string eventColor:string meetingLocation:string locationConfigurations:array " +
		"slotDuration:number slotDurationUnit:string slotInterval:number slotIntervalUnit:string " +
		"slotBuffer:number slotBufferUnit:string preBuffer:number preBufferUnit:string " +
		"appoinmentPerSlot:number appoinmentPerDay:number allowBookingAfter:number allowBookingAfterUnit:string " +
		"allowBookingFor:number allowBookingForUnit:string openHours:array enableRecurring:boolean recurring:object " +
		"formId:string stickyContact:boolean isLivePaymentMode:boolean autoConfirm:boolean " +
		"shouldSendAlertEmailsToAssignedMember:boolean alertEmail:string googleInvitationEmails:boolean " +
		"allowReschedule:boolean allowCancellation:boolean shouldAssignContactToTeamMember:boolean " +
		"shouldSkipAssigningContactForExisting:boolean notes:string pixelId:string formSubmitType:string " +
		"formSubmitRedirectURL:string formSubmitThanksMessage:string availabilityType:number availabilities:array " +
		"guestType:string consentLabel:string calendarCoverImage:string lookBusyConfig:object"),
	apply: func(s *Server, _ string, d, body map[string]any, create bool) []string {
		var errs []string
		for _, k := range slices.Sorted(mapKeys(calendarEnums)) {
			if v, ok := body[k].(string); ok && !slices.Contains(calendarEnums[k], v) {
				errs = append(errs, enumMessage(k, calendarEnums[k]))
			}
		}
		if v, ok := body["availabilityType"]; ok && v != nil && hasType(v, "number") {
			if n := numField(d, "availabilityType"); n != 0 && n != 1 {
				errs = append(errs, "availabilityType must be one of the following values: 0, 1")
			}
		}
		errs = append(errs, hoursErrors("openHours", d["openHours"], "daysOfTheWeek")...)
		errs = append(errs, hoursErrors("availabilities", d["availabilities"], "date")...)
		for _, k := range []string{"slotDuration", "slotInterval", "appoinmentPerSlot"} {
			if v, ok := body[k]; ok && hasType(v, "number") && numField(d, k) <= 0 {
				errs = append(errs, k+" must be a positive number")
			}
		}
		return errs
	},
	defaults: func(s *Server, d map[string]any) {
		for k, v := range map[string]any{
			"isActive": true, "eventType": "RoundRobin_OptimizeForAvailability", "widgetType": "classic",
			"eventTitle": "{{contact.name}}", "eventColor": "#039be5", "slotDuration": int64(30),
			"slotDurationUnit": "mins", "slotInterval": int64(30), "slotIntervalUnit": "mins",
			"appoinmentPerSlot": int64(1), "enableRecurring": false, "autoConfirm": true,
			"googleInvitationEmails": false, "allowReschedule": true, "allowCancellation": true,
			"formSubmitType": "ThankYouMessage", "openHours": []any{}, "availabilities": []any{},
			"teamMembers": []any{}, "notifications": []any{}, "description": "",
		} {
			setDefault(d, k, v)
		}
		setDefault(d, "slug", strings.ReplaceAll(snakeKey(stringField(d, "name")), "_", "-"))
		setDefault(d, "widgetSlug", d["slug"])
	},
}

var appointmentKind = &kind{
	name: "appointments", notFound: "Appointment not found", located: true,
	onDelete: func(s *Server, locID string, r *record) {
		t := s.scopeLocked(locID).peek("appointmentNotes")
		for _, n := range slices.Clone(t.childrenOf(r.id())) {
			t.remove(n)
		}
	},
}

var blockedSlotKind = &kind{name: "blockedSlots", notFound: "Event not found", located: true}

func init() {
	for _, k := range []*kind{calendarGroupKind, calendarKind, appointmentKind, blockedSlotKind,
		appointmentNoteKind, calendarResourceKind, calendarNotificationKind} {
		kinds[k.name] = k
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// enumMessage is class-validator's message for a value outside an enum.
func enumMessage(name string, values []string) string {
	return name + " must be one of the following values: " + strings.Join(values, ", ")
}

// numField reads a JSON number of a document (0 when absent).
func numField(d map[string]any, k string) float64 {
	switch n := d[k].(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return 0
}

// hoursErrors checks openHours (key: daysOfTheWeek, an array) or
// availabilities (key: date, a string): each item an object with the key
// and hours, a list of {openHour, openMinute, closeHour, closeMinute}.
func hoursErrors(field string, v any, key string) []string {
	list, _ := v.([]any)
	var errs []string
	for i, it := range list {
		at := field + "." + strconv.Itoa(i) + "."
		m, ok := it.(map[string]any)
		if !ok {
			errs = append(errs, field+" must be an array of objects")
			continue
		}
		if key == "date" {
			if s, ok := m[key].(string); !ok || s == "" {
				errs = append(errs, at+"date must be a valid ISO 8601 date string")
			}
		} else if _, ok := m[key].([]any); !ok {
			errs = append(errs, at+key+" must be an array")
		}
		hours, ok := m["hours"].([]any)
		if !ok {
			errs = append(errs, at+"hours must be an array")
			continue
		}
		for j, h := range hours {
			hm, _ := h.(map[string]any)
			for _, f := range []string{"openHour", "openMinute", "closeHour", "closeMinute"} {
				limit := 23.0
				if strings.HasSuffix(f, "Minute") {
					limit = 59
				}
				if _, isNum := hm[f].(int64); !isNum || numField(hm, f) < 0 || numField(hm, f) > limit {
					errs = append(errs, at+"hours."+strconv.Itoa(j)+"."+f+" must be an integer from 0 to "+strconv.Itoa(int(limit)))
				}
			}
		}
	}
	return errs
}

// projectKeys returns the keys of d that are in keys.
func projectKeys(d map[string]any, keys []string) map[string]any {
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		if v, ok := d[k]; ok {
			out[k] = v
		}
	}
	return out
}

// Answer keys: AppointmentSchemaResponse (create and edit appointment) and
// BlockedSlotSuccessfulResponseDto (create and edit block slot).
var (
	appointmentAnswerKeys = strings.Fields("calendarId locationId contactId startTime endTime title " +
		"meetingLocationType appointmentStatus assignedUserId address isRecurring rrule id")
	blockedSlotAnswerKeys = strings.Fields("id locationId title startTime endTime calendarId assignedUserId")
)

func (s *Server) registerCalendarRoutes() {
	g := calendarGroupKind
	s.handle("GET", "/calendars/groups", s.listH(op{k: g, in: inQueryLocation}))
	s.handle("POST", "/calendars/groups", s.createGroup)
	s.handle("POST", "/calendars/groups/validate-slug", s.validateGroupSlug)
	s.handle("PUT", "/calendars/groups/{groupId}", s.updateGroup)
	s.handle("DELETE", "/calendars/groups/{groupId}", s.deleteH(op{k: g, in: inTokenLocation, status: http.StatusOK,
		deleted: func(*record) []byte { return []byte(`{"success":true}`) }}))
	s.handle("PUT", "/calendars/groups/{groupId}/status", s.groupStatus)

	cal := calendarKind
	s.crud("/calendars/", "/calendars/{calendarId}",
		op{k: cal, in: inQueryLocation, filter: func(c *reqCtx) func(map[string]any) bool {
			gid := c.q().Get("groupId")
			return func(d map[string]any) bool { return gid == "" || d["groupId"] == gid }
		}},
		op{k: cal, in: inBodyLocation, env: envelope{"", "calendar"}, check: checkCalendarGroup},
		op{k: cal, in: inTokenLocation, env: envelope{"", "calendar"}},
		op{k: cal, in: inTokenLocation, env: envelope{"", "calendar"}, check: checkCalendarGroup},
		op{k: cal, in: inTokenLocation, deleted: func(*record) []byte { return []byte(`{"success":true}`) }})
	s.handle("GET", "/calendars/{calendarId}/free-slots", s.freeSlots)

	s.handle("POST", "/calendars/events/appointments", s.createAppointment)
	s.handle("GET", "/calendars/events/appointments/{eventId}", s.getAppointment)
	s.handle("PUT", "/calendars/events/appointments/{eventId}", s.updateAppointment)
	s.handle("DELETE", "/calendars/events/{eventId}", s.deleteEvent)
	s.handle("GET", "/calendars/events", s.listEvents(appointmentKind))
	s.handle("POST", "/calendars/events/block-slots", s.blockSlot)
	s.handle("PUT", "/calendars/events/block-slots/{eventId}", s.blockSlot)
	s.handle("GET", "/calendars/blocked-slots", s.listEvents(blockedSlotKind))

	s.registerCalendarExtraRoutes()
}

// Groups.

// slugTakenLocked reports whether a group of the location other than self
// has this slug (any case).
func slugTakenLocked(sc *scope, slug, self string) bool {
	for _, r := range sc.peek("calendarGroups").all() {
		if r.id() != self && strings.EqualFold(stringField(r.doc, "slug"), slug) {
			return true
		}
	}
	return false
}

const slugTaken = "Slug is already in use"

func (s *Server) createGroup(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	id, ok := c.scopeID(inBodyLocation, m)
	if !ok {
		return
	}
	doc := map[string]any{}
	if errs := applyFields(calendarGroupKind, doc, m); len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.scopeLocked(id)
	if sc == nil {
		return
	}
	if slugTakenLocked(sc, stringField(doc, "slug"), "") {
		c.badRequest(slugTaken)
		return
	}
	s.defaultsLocked(calendarGroupKind, id, doc)
	r := &record{seq: s.nextSeqLocked(), doc: doc}
	sc.tableLocked(calendarGroupKind.name).insert(r)
	c.rawJSON(http.StatusCreated, wrap("group", r.enc))
}

func (s *Server) updateGroup(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, _, r := c.recordLocked(op{k: calendarGroupKind, in: inTokenLocation}, m)
	if r == nil {
		return
	}
	doc := cloneJSON(r.doc).(map[string]any)
	delete(m, "isActive") // GroupUpdateDTO has no isActive: the status operation sets it
	if errs := applyFields(calendarGroupKind, doc, m); len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	if slugTakenLocked(c.s.scopeLocked(c.p.locationID), stringField(doc, "slug"), r.id()) {
		c.badRequest(slugTaken)
		return
	}
	t.replace(r, doc)
	c.rawJSON(http.StatusOK, wrap("group", r.enc))
}

func (s *Server) groupStatus(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, _, r := c.recordLocked(op{k: calendarGroupKind, in: inTokenLocation}, m)
	if r == nil {
		return
	}
	doc := cloneJSON(r.doc).(map[string]any)
	doc["isActive"] = m["isActive"]
	t.replace(r, doc)
	c.rawJSON(http.StatusOK, []byte(`{"success":true}`))
}

func (s *Server) validateGroupSlug(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	id, ok := c.scopeID(inBodyLocation, m)
	if !ok {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if sc := c.scopeLocked(id); sc != nil {
		c.json(http.StatusOK, map[string]any{"available": !slugTakenLocked(sc, stringField(m, "slug"), "")})
	}
}

// checkCalendarGroup answers 404 for a groupId that is no group of the
// token's location.
func checkCalendarGroup(c *reqCtx, body map[string]any) bool {
	gid, ok := body["groupId"].(string)
	if !ok || gid == "" {
		return true
	}
	c.s.mu.RLock()
	sc := c.s.scopeLocked(c.p.locationID)
	found := sc != nil && sc.peek("calendarGroups").get(gid) != nil
	c.s.mu.RUnlock()
	if !found {
		c.notFound(calendarGroupKind.notFound)
	}
	return found
}

// Free slots.

// timeSpan is a half-open time interval.
type timeSpan struct{ start, end time.Time }

func (a timeSpan) overlaps(b timeSpan) bool { return a.start.Before(b.end) && b.start.Before(a.end) }

// eventSpan reads the startTime and endTime of an appointment or block slot.
func eventSpan(d map[string]any) (timeSpan, bool) {
	st, ok1 := parseTimeLoose(stringField(d, "startTime"))
	en, ok2 := parseTimeLoose(stringField(d, "endTime"))
	return timeSpan{st, en}, ok1 && ok2
}

// unitDuration converts n mins or hours (the calendar's units) to a duration.
func unitDuration(n float64, unit string) time.Duration {
	if unit == "hours" {
		return time.Duration(n * float64(time.Hour))
	}
	return time.Duration(n * float64(time.Minute))
}

// slotDuration is the calendar's slot duration (30 minutes by default).
func slotDuration(cal map[string]any) time.Duration {
	d := unitDuration(numField(cal, "slotDuration"), stringField(cal, "slotDurationUnit"))
	if d <= 0 {
		d = 30 * time.Minute
	}
	return d
}

// locationTZLocked is the location's time zone (UTC if it has none or an
// unknown one).
func (s *Server) locationTZLocked(locID string) *time.Location {
	if loc := s.st.locations[locID]; loc != nil {
		if tz, err := time.LoadLocation(stringField(loc.doc, "timezone")); err == nil {
			return tz
		}
	}
	return time.UTC
}

// dayRanges returns the open ranges of a calendar document, in minutes from
// midnight, for each weekday (0 is Sunday) and for each date of its
// availabilities (which replace the weekday's hours on that date).
func dayRanges(cal map[string]any) (byDay map[int][][2]int, byDate map[string][][2]int) {
	byDay, byDate = map[int][][2]int{}, map[string][][2]int{}
	ranges := func(v any) [][2]int {
		var out [][2]int
		hours, _ := v.([]any)
		for _, h := range hours {
			hm, _ := h.(map[string]any)
			open := int(numField(hm, "openHour"))*60 + int(numField(hm, "openMinute"))
			closing := int(numField(hm, "closeHour"))*60 + int(numField(hm, "closeMinute"))
			if closing <= open {
				closing = 24 * 60 // a close of 0:00 is midnight
			}
			out = append(out, [2]int{open, closing})
		}
		return out
	}
	oh, _ := cal["openHours"].([]any)
	for _, it := range oh {
		m, _ := it.(map[string]any)
		days, _ := m["daysOfTheWeek"].([]any)
		for _, d := range days {
			n, ok := jsonInt(d)
			if ok {
				byDay[n] = append(byDay[n], ranges(m["hours"])...)
			}
		}
	}
	av, _ := cal["availabilities"].([]any)
	for _, it := range av {
		m, _ := it.(map[string]any)
		if del, _ := m["deleted"].(bool); del {
			continue
		}
		if date := stringField(m, "date"); len(date) >= 10 {
			byDate[date[:10]] = append(byDate[date[:10]], ranges(m["hours"])...)
		}
	}
	return byDay, byDate
}

func jsonInt(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		return int(n), true
	case float64:
		return int(n), n == float64(int(n))
	}
	return 0, false
}

// busyLocked returns the booked spans of a calendar (appointments that are
// not cancelled, except skip) and its blocked spans.
func busyLocked(sc *scope, calID, skip string) (booked, blocked []timeSpan) {
	for _, r := range sc.peek("appointments").all() {
		if r.id() == skip || stringField(r.doc, "calendarId") != calID {
			continue
		}
		if st := stringField(r.doc, "appointmentStatus"); st == "cancelled" || st == "invalid" {
			continue
		}
		if sp, ok := eventSpan(r.doc); ok {
			booked = append(booked, sp)
		}
	}
	for _, r := range sc.peek("blockedSlots").all() {
		if stringField(r.doc, "calendarId") != calID {
			continue
		}
		if sp, ok := eventSpan(r.doc); ok {
			blocked = append(blocked, sp)
		}
	}
	return booked, blocked
}

// freeSlotsLocked computes a calendar's free slot starts from from to to
// (inclusive), in order, from its hours in tz (the location's time zone):
// every slotInterval from each open time, whose slot (slotDuration long)
// ends by the close time, starts no earlier than now, and overlaps fewer
// booked appointments than appoinmentPerSlot and no blocked slot. skip is
// an appointment to disregard (one being moved).
func (s *Server) freeSlotsLocked(sc *scope, cal map[string]any, tz *time.Location, from, to time.Time, skip string) []time.Time {
	dur := slotDuration(cal)
	step := unitDuration(numField(cal, "slotInterval"), stringField(cal, "slotIntervalUnit"))
	if step <= 0 {
		step = dur
	}
	perSlot := int(numField(cal, "appoinmentPerSlot"))
	if perSlot < 1 {
		perSlot = 1
	}
	byDay, byDate := dayRanges(cal)
	booked, blocked := busyLocked(sc, stringField(cal, "id"), skip)
	now := s.now()
	var out []time.Time
	first := from.In(tz)
	day := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, tz)
	for !day.After(to) {
		y, mo, d := day.Date()
		date := day.Format(time.DateOnly)
		ranges, ok := byDate[date]
		if !ok {
			ranges = byDay[int(day.Weekday())]
		}
		for _, rg := range ranges {
			closing := time.Date(y, mo, d, 0, rg[1], 0, 0, tz)
			for at := time.Date(y, mo, d, 0, rg[0], 0, 0, tz); !at.Add(dur).After(closing); at = at.Add(step) {
				if at.Before(from) || at.After(to) || at.Before(now) {
					continue
				}
				slot := timeSpan{at, at.Add(dur)}
				n := 0
				for _, b := range booked {
					if b.overlaps(slot) {
						n++
					}
				}
				free := n < perSlot
				for _, b := range blocked {
					free = free && !b.overlaps(slot)
				}
				if free {
					out = append(out, at)
				}
			}
		}
		day = time.Date(y, mo, d+1, 0, 0, 0, 0, tz)
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.Compact(out)
}

// maxSlotRange is GHL's limit on the range of one free-slots request.
const maxSlotRange = 31 * 24 * time.Hour

// epochParam parses a query parameter in epoch milliseconds (422 otherwise).
func (c *reqCtx) epochParam(name string) (time.Time, bool) {
	v := c.q().Get(name)
	ms, err := strconv.ParseFloat(v, 64)
	if err != nil {
		c.unprocessable(name + " must be a number conforming to the specified constraints")
		return time.Time{}, false
	}
	return time.UnixMilli(int64(ms)), true
}

// zoneParam is the timezone query parameter, or def (400 for an unknown one).
func (c *reqCtx) zoneParam(def *time.Location) (*time.Location, bool) {
	name := c.q().Get("timezone")
	if name == "" {
		return def, true
	}
	tz, err := time.LoadLocation(name)
	if err != nil {
		c.badRequest("Invalid timezone: " + name)
		return nil, false
	}
	return tz, true
}

func (s *Server) freeSlots(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	from, ok := c.epochParam("startDate")
	if !ok {
		return
	}
	to, ok := c.epochParam("endDate")
	if !ok {
		return
	}
	if to.Before(from) {
		c.badRequest("End date must be after start date")
		return
	}
	if to.Sub(from) > maxSlotRange {
		c.badRequest("Date range cannot be more than 31 days")
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, locID, cal := c.recordLocked(op{k: calendarKind, in: inTokenLocation}, nil)
	if cal == nil {
		return
	}
	locTZ := s.locationTZLocked(locID)
	tz, ok := c.zoneParam(locTZ)
	if !ok {
		return
	}
	// Slots come from the hours in the location's zone; they are answered
	// in the requested one, under their date there.
	byDate := map[string][]string{}
	for _, at := range s.freeSlotsLocked(c.s.scopeLocked(locID), cal.doc, locTZ, from, to, "") {
		at = at.In(tz)
		d := at.Format(time.DateOnly)
		byDate[d] = append(byDate[d], at.Format(time.RFC3339))
	}
	out := make(map[string]any, len(byDate)+1)
	for d, l := range byDate {
		out[d] = map[string]any{"slots": l}
	}
	out["traceId"] = c.traceID
	c.json(http.StatusOK, out)
}

// Appointments.

var appointmentStatuses = []string{"new", "confirmed", "cancelled", "showed", "noshow", "invalid"}
var meetingLocationTypes = []string{"custom", "zoom", "gmeet", "phone", "address", "ms_teams", "google"}

// appointmentFields are the fields of AppointmentCreateSchema and
// AppointmentEditSchema kept on the appointment as sent.
var appointmentFields = parseFields("title:string meetingLocationType:string meetingLocationId:string " +
	"overrideLocationConfig:boolean appointmentStatus:string assignedUserId:string description:string " +
	"address:string rrule:string calendarId:string startTime:string endTime:string")

// Flags of the request that steer validation but are not kept.
var appointmentFlags = parseFields("ignoreDateRange:boolean toNotify:boolean ignoreFreeSlotValidation:boolean")

// applyAppointmentLocked validates body into doc (an appointment of the
// location locID) and derives its times, group, users and status. It
// answers and returns false on an error.
func (c *reqCtx) applyAppointmentLocked(sc *scope, locID string, doc, body map[string]any, create bool) bool {
	old, hadSpan := eventSpan(doc)
	k := kind{fields: appointmentFields}
	errs := applyFields(&k, doc, body)
	errs = append(errs, applyFields(&kind{fields: appointmentFlags}, map[string]any{}, body)...)
	if v, ok := body["appointmentStatus"].(string); ok && !slices.Contains(appointmentStatuses, v) {
		errs = append(errs, enumMessage("appointmentStatus", appointmentStatuses))
	}
	if v, ok := body["meetingLocationType"].(string); ok && !slices.Contains(meetingLocationTypes, v) {
		errs = append(errs, enumMessage("meetingLocationType", meetingLocationTypes))
	}
	start, okStart := parseTimeLoose(stringField(doc, "startTime"))
	if _, sent := body["startTime"]; sent && !okStart {
		errs = append(errs, "startTime must be a valid ISO 8601 date string")
	}
	var end time.Time
	if v, ok := body["endTime"].(string); ok {
		var okEnd bool
		if end, okEnd = parseTimeLoose(v); !okEnd {
			errs = append(errs, "endTime must be a valid ISO 8601 date string")
		}
	}
	if len(errs) > 0 {
		c.unprocessable(errs...)
		return false
	}
	cal := sc.peek("calendars").get(stringField(doc, "calendarId"))
	if cal == nil {
		c.notFound(calendarKind.notFound)
		return false
	}
	if create {
		ct := c.s.st.contacts[stringField(doc, "contactId")]
		if ct == nil || ct.doc.LocationID != locID {
			c.notFound("Contact not found")
			return false
		}
		if _, ok := doc["title"]; !ok {
			name := strings.TrimSpace(ct.doc.FirstName + " " + ct.doc.LastName)
			if name == "" {
				name = "Appointment"
			}
			doc["title"] = name
		}
		status := "new"
		if b, _ := cal.doc["autoConfirm"].(bool); b {
			status = "confirmed"
		}
		setDefault(doc, "appointmentStatus", status)
	}
	if end.IsZero() {
		if hadSpan && !create {
			end = start.Add(old.end.Sub(old.start)) // a move keeps the length
		} else {
			end = start.Add(slotDuration(cal.doc))
		}
	}
	if !end.After(start) {
		c.unprocessable("endTime must be after startTime")
		return false
	}
	tz := c.s.locationTZLocked(locID)
	doc["startTime"] = start.In(tz).Format(time.RFC3339)
	doc["endTime"] = end.In(tz).Format(time.RFC3339)
	if g := stringField(cal.doc, "groupId"); g != "" {
		doc["groupId"] = g
	} else {
		doc["groupId"] = ""
	}
	users := []any{}
	if u := stringField(doc, "assignedUserId"); u != "" {
		users = append(users, u)
	}
	doc["users"] = users
	doc["appoinmentStatus"] = doc["appointmentStatus"]
	doc["isRecurring"] = stringField(doc, "rrule") != ""
	ignore, _ := body["ignoreFreeSlotValidation"].(bool)
	_, moved := body["startTime"]
	_, stretched := body["endTime"]
	_, recal := body["calendarId"]
	if !ignore && (create || moved || stretched || recal) && doc["appointmentStatus"] != "cancelled" {
		if len(c.s.freeSlotsLocked(sc, cal.doc, tz, start, start, stringField(doc, "id"))) == 0 {
			c.badRequest("The slot you have selected is no longer available")
			return false
		}
	}
	return true
}

func (s *Server) createAppointment(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	locID, ok := c.scopeID(inBodyLocation, m)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	now := formatTime(s.now())
	doc := map[string]any{
		"id": newID(s.rng), "locationId": locID, "contactId": m["contactId"],
		"notes": "", "assignedResources": []any{}, "deleted": false,
		"createdBy":   map[string]any{"source": "third_party", "userId": c.p.userID},
		"dateAdded":   now,
		"dateUpdated": now,
	}
	if !c.applyAppointmentLocked(sc, locID, doc, m, true) {
		return
	}
	r := &record{seq: s.nextSeqLocked(), doc: doc}
	sc.tableLocked(appointmentKind.name).insert(r)
	s.emitNested("AppointmentCreate", locID, "appointment", r.enc)
	c.json(http.StatusOK, projectKeys(doc, appointmentAnswerKeys))
}

func (s *Server) getAppointment(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, _, r := c.recordLocked(op{k: appointmentKind, in: inTokenLocation}, nil); r != nil {
		b := wrap("appointment", r.enc)
		b = append(b[:len(b)-1], `,"traceId":"`+c.traceID+`"}`...)
		c.rawJSON(http.StatusOK, b)
	}
}

func (s *Server) updateAppointment(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, locID, r := c.recordLocked(op{k: appointmentKind, in: inTokenLocation}, m)
	if r == nil {
		return
	}
	doc := cloneJSON(r.doc).(map[string]any)
	if !c.applyAppointmentLocked(s.scopeLocked(locID), locID, doc, m, false) {
		return
	}
	doc["dateUpdated"] = formatTime(s.now())
	t.replace(r, doc)
	s.emitNested("AppointmentUpdate", locID, "appointment", r.enc)
	c.json(http.StatusOK, projectKeys(doc, appointmentAnswerKeys))
}

// deleteEvent removes an appointment (and its notes) or a block slot.
func (s *Server) deleteEvent(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.scopeLocked(c.p.locationID)
	if sc == nil {
		return
	}
	id := c.lastParam()
	for _, k := range []*kind{appointmentKind, blockedSlotKind} {
		if t := sc.peek(k.name); t.get(id) != nil {
			if k == appointmentKind {
				s.emitNested("AppointmentDelete", c.p.locationID, "appointment", t.get(id).enc)
			}
			s.deleteRecordLocked(t, c.p.locationID, t.get(id))
			c.rawJSON(http.StatusCreated, []byte(`{"succeeded":true}`))
			return
		}
	}
	c.notFound("Event not found")
}

// listEvents answers GET /calendars/events (appointments) and GET
// /calendars/blocked-slots: the events of a calendar, user (assigned or
// among users) or group that overlap startTime..endTime (epoch ms), by
// start time.
func (s *Server) listEvents(k *kind) func(*reqCtx) {
	return func(c *reqCtx) {
		if !c.validQuery() {
			return
		}
		q := c.q()
		calID, userID, groupID := q.Get("calendarId"), q.Get("userId"), q.Get("groupId")
		if calID == "" && userID == "" && groupID == "" {
			c.unprocessable("Either of calendarId, userId or groupId is required")
			return
		}
		from, ok := c.epochParam("startTime")
		if !ok {
			return
		}
		to, ok := c.epochParam("endTime")
		if !ok {
			return
		}
		locID, ok := c.scopeID(inQueryLocation, nil)
		if !ok {
			return
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		sc := c.scopeLocked(locID)
		if sc == nil {
			return
		}
		window := timeSpan{from, to}
		var recs []*record
		for _, r := range sc.peek(k.name).all() {
			d := r.doc
			sp, ok := eventSpan(d)
			if !ok || !sp.overlaps(window) ||
				calID != "" && stringField(d, "calendarId") != calID ||
				groupID != "" && stringField(d, "groupId") != groupID ||
				userID != "" && stringField(d, "assignedUserId") != userID && !slices.Contains(stringsOf(d["users"]), userID) {
				continue
			}
			recs = append(recs, r)
		}
		sortByStart(recs)
		c.rawJSON(http.StatusOK, listJSON("events", recs, ""))
	}
}

// sortByStart orders events by start time, then creation.
func sortByStart(recs []*record) {
	slices.SortStableFunc(recs, func(a, b *record) int {
		sa, _ := eventSpan(a.doc)
		sb, _ := eventSpan(b.doc)
		return sa.start.Compare(sb.start)
	})
}

// contactEventsLocked returns the appointments of a contact by start time
// (GET /contacts/{contactId}/appointments).
func (s *Server) contactEventsLocked(locID, contactID string) []*record {
	var out []*record
	for _, r := range s.scopeLocked(locID).peek("appointments").all() {
		if stringField(r.doc, "contactId") == contactID {
			out = append(out, r)
		}
	}
	sortByStart(out)
	return out
}

// blockSlot is POST /calendars/events/block-slots and PUT
// /calendars/events/block-slots/{eventId}: a span of a calendar taken out
// of its free slots. Both answer 201, as the spec says.
func (s *Server) blockSlot(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	locID, ok := c.scopeID(inBodyLocation, m)
	if !ok {
		return
	}
	create := c.lastParam() == ""
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	t := sc.tableLocked(blockedSlotKind.name)
	var r *record
	doc := map[string]any{}
	if !create {
		if r = t.get(c.lastParam()); r == nil {
			c.notFound(blockedSlotKind.notFound)
			return
		}
		doc = cloneJSON(r.doc).(map[string]any)
	}
	fields := kind{fields: parseFields("title:string calendarId:string assignedUserId:string startTime:string endTime:string")}
	errs := applyFields(&fields, doc, m)
	var sp timeSpan
	for i, f := range []string{"startTime", "endTime"} {
		v, ok := doc[f].(string)
		if !ok {
			errs = missing(errs, f, "string")
			continue
		}
		tm, ok := parseTimeLoose(v)
		if !ok {
			errs = append(errs, f+" must be a valid ISO 8601 date string")
		}
		if i == 0 {
			sp.start = tm
		} else {
			sp.end = tm
		}
	}
	if len(errs) == 0 && !sp.end.After(sp.start) {
		errs = append(errs, "endTime must be after startTime")
	}
	if len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	cal := sc.peek("calendars").get(stringField(doc, "calendarId"))
	if cal == nil {
		c.notFound(calendarKind.notFound)
		return
	}
	tz := s.locationTZLocked(locID)
	doc["startTime"] = sp.start.In(tz).Format(time.RFC3339)
	doc["endTime"] = sp.end.In(tz).Format(time.RFC3339)
	doc["groupId"] = stringField(cal.doc, "groupId")
	setDefault(doc, "title", "")
	now := formatTime(s.now())
	doc["dateUpdated"] = now
	if create {
		doc["id"] = newID(s.rng)
		doc["locationId"] = locID
		doc["dateAdded"] = now
		doc["deleted"] = false
		doc["createdBy"] = map[string]any{"source": "third_party", "userId": c.p.userID}
		r = &record{seq: s.nextSeqLocked(), doc: doc}
		t.insert(r)
	} else {
		t.replace(r, doc)
	}
	c.json(http.StatusCreated, projectKeys(doc, blockedSlotAnswerKeys))
}
