package ghltest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Appointment notes, calendar resources (rooms and equipments) and
// calendar notifications of apps/calendars.json.

var appointmentNoteKind = &kind{
	name: "appointmentNotes", notFound: "Note not found", located: true,
	links: func(d map[string]any) []string { return []string{stringField(d, "appointmentId")} },
}

// noteKeys are GetNoteSchema's: a note's answer leaves out its appointmentId.
var noteKeys = strings.Fields("id body userId dateAdded contactId createdBy")

var resourceTypes = []string{"equipments", "rooms"}

var calendarResourceKind = &kind{
	name: "calendarResources", notFound: "Resource not found", located: true,
	fields: parseFields("name:string description:string quantity:number outOfService:number capacity:number " +
		"calendarIds:array isActive:boolean"),
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "isActive", true)
		setDefault(d, "calendarIds", []any{})
	},
}

// CalendarResourceByIdResponseDTO (create, get, list) and
// CalendarResourceResponseDTO (update) keys, plus the id the spec omits.
var (
	resourceKeys        = strings.Fields("id locationId name resourceType isActive description quantity outOfService capacity calendarIds")
	resourceUpdatedKeys = strings.Fields("id locationId name resourceType isActive description quantity outOfService capacity")
)

var calendarNotificationKind = &kind{
	name: "calendarNotifications", notFound: "Notification not found", located: true,
	fields: parseFields("receiverType:string channel:string notificationType:string isActive:boolean " +
		"templateId:string body:string subject:string afterTime:array beforeTime:array additionalEmailIds:array " +
		"additionalPhoneNumbers:array additionalWhatsappNumbers:array selectedUsers:array fromAddress:string " +
		"fromName:string fromNumber:string deleted:boolean"),
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "isActive", true)
		setDefault(d, "deleted", false)
	},
}

var notificationEnums = map[string][]string{
	"receiverType":     {"contact", "guest", "assignedUser", "emails", "phoneNumbers", "business"},
	"channel":          {"email", "inApp", "sms", "whatsapp"},
	"notificationType": {"booked", "confirmation", "cancellation", "reminder", "followup", "reschedule"},
}

// notificationKeys are CalendarNotificationResponseDTO's; the record's id
// is answered as "_id".
var notificationKeys = strings.Fields("_id receiverType additionalEmailIds additionalPhoneNumbers channel " +
	"notificationType isActive additionalWhatsappNumbers templateId body subject afterTime beforeTime selectedUsers deleted")

func renderNotification(d map[string]any) map[string]any {
	m := projectKeys(d, notificationKeys)
	m["_id"] = d["id"]
	return m
}

func (s *Server) registerCalendarExtraRoutes() {
	const notes = "/calendars/appointments/{appointmentId}/notes"
	s.handle("GET", notes, s.listAppointmentNotes)
	s.handle("POST", notes, s.writeAppointmentNote)
	s.handle("PUT", notes+"/{noteId}", s.writeAppointmentNote)
	s.handle("DELETE", notes+"/{noteId}", s.deleteAppointmentNote)

	const res = "/calendars/resources/{resourceType}"
	s.handle("GET", res, s.listResources)
	s.handle("POST", res, s.createResource)
	s.handle("GET", res+"/{id}", s.resourceH(false))
	s.handle("PUT", res+"/{id}", s.updateResource)
	s.handle("DELETE", res+"/{id}", s.resourceH(true))

	const nots = "/calendars/{calendarId}/notifications"
	s.handle("GET", nots, s.listNotifications)
	s.handle("POST", nots, s.createNotifications)
	s.handle("GET", nots+"/{notificationId}", s.notificationH(http.MethodGet))
	s.handle("PUT", nots+"/{notificationId}", s.notificationH(http.MethodPut))
	s.handle("DELETE", nots+"/{notificationId}", s.notificationH(http.MethodDelete))
}

// Notes.

// appointmentLocked resolves {appointmentId} to an appointment of the
// token's location, answering 404 otherwise.
func (c *reqCtx) appointmentLocked() (*scope, *record) {
	sc := c.scopeLocked(c.p.locationID)
	if sc == nil {
		return nil, nil
	}
	r := sc.peek(appointmentKind.name).get(c.param("appointmentId"))
	if r == nil {
		c.notFound(appointmentKind.notFound)
		return nil, nil
	}
	return sc, r
}

// noteLocked resolves {noteId} to a note of the appointment.
func (c *reqCtx) apptNoteLocked(sc *scope, appt *record) (*rtable, *record) {
	t := sc.peek(appointmentNoteKind.name)
	n := t.get(c.param("noteId"))
	if n == nil || stringField(n.doc, "appointmentId") != appt.id() {
		c.notFound(appointmentNoteKind.notFound)
		return nil, nil
	}
	return t, n
}

func (s *Server) listAppointmentNotes(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	sc, appt := c.appointmentLocked()
	if appt == nil {
		return
	}
	recs := sc.peek(appointmentNoteKind.name).childrenOf(appt.id())
	start, end, ok := offsetLimit(10).window(c, recs)
	if !ok {
		return
	}
	page := make([]any, 0, end-start)
	for _, r := range recs[start:end] {
		page = append(page, projectKeys(r.doc, noteKeys))
	}
	c.json(http.StatusOK, map[string]any{"notes": page, "hasMore": end < len(recs)})
}

// writeAppointmentNote creates (POST, 201) or edits (PUT, 200) a note:
// {"note": GetNoteSchema}.
func (s *Server) writeAppointmentNote(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	var errs []string
	if utf8.RuneCountInString(stringField(m, "body")) > 5000 {
		errs = append(errs, "body must be shorter than or equal to 5000 characters")
	}
	if v, ok := m["userId"]; ok && !hasType(v, "string") {
		errs = append(errs, typeMessage("userId", "string"))
	}
	if len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, appt := c.appointmentLocked()
	if appt == nil {
		return
	}
	user := stringField(m, "userId")
	if c.param("noteId") == "" {
		if user == "" {
			user = c.p.userID
		}
		doc := map[string]any{"id": newID(s.rng), "body": m["body"], "userId": user,
			"dateAdded": formatTime(s.now()), "contactId": appt.doc["contactId"],
			"createdBy": map[string]any{"id": user}, "appointmentId": appt.id()}
		r := &record{seq: s.nextSeqLocked(), doc: doc}
		sc.tableLocked(appointmentNoteKind.name).insert(r)
		c.json(http.StatusCreated, map[string]any{"note": projectKeys(doc, noteKeys)})
		return
	}
	t, n := c.apptNoteLocked(sc, appt)
	if n == nil {
		return
	}
	doc := cloneJSON(n.doc).(map[string]any)
	doc["body"] = m["body"]
	if user != "" {
		doc["userId"] = user
	}
	t.replace(n, doc)
	c.json(http.StatusOK, map[string]any{"note": projectKeys(doc, noteKeys)})
}

func (s *Server) deleteAppointmentNote(c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sc, appt := c.appointmentLocked()
	if appt == nil {
		return
	}
	if t, n := c.apptNoteLocked(sc, appt); n != nil {
		t.remove(n)
		c.rawJSON(http.StatusOK, []byte(`{"success":true}`))
	}
}

// Resources.

// resourceType checks the {resourceType} path parameter (422).
func (c *reqCtx) resourceType() (string, bool) {
	rt := c.param("resourceType")
	if !slices.Contains(resourceTypes, rt) {
		c.unprocessable(enumMessage("resourceType", resourceTypes))
		return "", false
	}
	return rt, true
}

func (s *Server) listResources(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	rt, ok := c.resourceType()
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
	var recs []*record
	for _, r := range sc.peek(calendarResourceKind.name).all() {
		if r.doc["resourceType"] == rt {
			recs = append(recs, r)
		}
	}
	start, end, ok := skipLimit(20).window(c, recs)
	if !ok {
		return
	}
	c.rawJSON(http.StatusOK, arrayJSON(recs[start:end]))
}

// arrayJSON builds a top-level JSON array of the records' encodings.
func arrayJSON(recs []*record) []byte {
	b := []byte{'['}
	for i, r := range recs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, r.enc...)
	}
	return append(b, ']')
}

func (s *Server) createResource(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	rt, ok := c.resourceType()
	if !ok {
		return
	}
	locID, ok := c.scopeID(inBodyLocation, m)
	if !ok {
		return
	}
	doc := map[string]any{"resourceType": rt}
	if errs := applyFields(calendarResourceKind, doc, m); len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	s.defaultsLocked(calendarResourceKind, locID, doc)
	r := &record{seq: s.nextSeqLocked(), doc: projectKeys(doc, resourceKeys)}
	sc.tableLocked(calendarResourceKind.name).insert(r)
	c.rawJSON(http.StatusCreated, r.enc)
}

// resourceLocked resolves {resourceType}/{id} to a resource of the token's
// location, answering 404 otherwise.
func (c *reqCtx) resourceLocked() (*rtable, *record) {
	rt, ok := c.resourceType()
	if !ok {
		return nil, nil
	}
	sc := c.scopeLocked(c.p.locationID)
	if sc == nil {
		return nil, nil
	}
	t := sc.peek(calendarResourceKind.name)
	r := t.get(c.param("id"))
	if r == nil || r.doc["resourceType"] != rt {
		c.notFound(calendarResourceKind.notFound)
		return nil, nil
	}
	return t, r
}

// resourceH answers GET (the resource) or DELETE ({"success":true}).
func (s *Server) resourceH(del bool) func(*reqCtx) {
	return func(c *reqCtx) {
		s.mu.Lock()
		defer s.mu.Unlock()
		t, r := c.resourceLocked()
		if r == nil {
			return
		}
		if !del {
			c.rawJSON(http.StatusOK, r.enc)
			return
		}
		t.remove(r)
		c.rawJSON(http.StatusOK, []byte(`{"success":true}`))
	}
}

func (s *Server) updateResource(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	if v, ok := m["locationId"].(string); ok && !c.checkLocation(v) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, r := c.resourceLocked()
	if r == nil {
		return
	}
	doc := cloneJSON(r.doc).(map[string]any)
	if errs := applyFields(calendarResourceKind, doc, m); len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	t.replace(r, doc)
	c.json(http.StatusOK, projectKeys(doc, resourceUpdatedKeys))
}

// Notifications.

// calendarOfPathLocked resolves {calendarId} to a calendar of the token's
// location, answering 404 otherwise.
func (c *reqCtx) calendarOfPathLocked() *scope {
	sc := c.scopeLocked(c.p.locationID)
	if sc == nil {
		return nil
	}
	if sc.peek(calendarKind.name).get(c.param("calendarId")) == nil {
		c.notFound(calendarKind.notFound)
		return nil
	}
	return sc
}

// notificationErrors checks a notification's enumerations; prefix names
// the item of a create's array ("0.").
func notificationErrors(prefix string, m map[string]any) []string {
	var errs []string
	for _, k := range []string{"receiverType", "channel", "notificationType"} {
		if v, ok := m[k].(string); ok && !slices.Contains(notificationEnums[k], v) {
			errs = append(errs, prefix+enumMessage(k, notificationEnums[k]))
		}
	}
	return errs
}

func (s *Server) createNotifications(c *reqCtx) {
	b := bytes.TrimSpace(c.body)
	var items []map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if len(b) == 0 || b[0] != '[' || dec.Decode(&items) != nil {
		c.badRequest("Request body must be a JSON array of notifications")
		return
	}
	var errs []string
	docs := make([]map[string]any, len(items))
	for i, it := range items {
		at := strconv.Itoa(i) + "."
		for _, k := range []string{"receiverType", "channel", "notificationType"} {
			if v, ok := it[k]; !ok || v == nil || v == "" {
				errs = append(errs, at+k+" should not be empty")
			}
		}
		errs = append(errs, notificationErrors(at, it)...)
		docs[i] = map[string]any{}
		for _, e := range applyFields(calendarNotificationKind, docs[i], it) {
			errs = append(errs, at+e)
		}
	}
	if len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.calendarOfPathLocked()
	if sc == nil {
		return
	}
	t := sc.tableLocked(calendarNotificationKind.name)
	out := make([]any, len(docs))
	for i, d := range docs {
		d["calendarId"] = c.param("calendarId")
		s.defaultsLocked(calendarNotificationKind, c.p.locationID, d)
		t.insert(&record{seq: s.nextSeqLocked(), doc: d})
		out[i] = renderNotification(d)
	}
	c.json(http.StatusOK, out)
}

// listNotifications answers a calendar's notifications as a top-level
// array, filtered by isActive and deleted (deleted ones only when asked
// for), paged by skip and limit.
func (s *Server) listNotifications(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	q := c.q()
	active, deleted := q.Get("isActive"), q.Get("deleted")
	if deleted == "" {
		deleted = "false"
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	sc := c.calendarOfPathLocked()
	if sc == nil {
		return
	}
	var recs []*record
	for _, r := range sc.peek(calendarNotificationKind.name).all() {
		d := r.doc
		if stringField(d, "calendarId") != c.param("calendarId") ||
			active != "" && boolString(d["isActive"]) != active || boolString(d["deleted"]) != deleted {
			continue
		}
		recs = append(recs, r)
	}
	start, end, ok := skipLimit(100).window(c, recs)
	if !ok {
		return
	}
	out := make([]any, 0, end-start)
	for _, r := range recs[start:end] {
		out = append(out, renderNotification(r.doc))
	}
	c.json(http.StatusOK, out)
}

func boolString(v any) string {
	if b, _ := v.(bool); b {
		return "true"
	}
	return "false"
}

// notificationH answers GET (the notification), PUT and DELETE
// ({"message": ...}) of /calendars/{calendarId}/notifications/{notificationId}.
func (s *Server) notificationH(method string) func(*reqCtx) {
	return func(c *reqCtx) {
		var m map[string]any
		if method == http.MethodPut {
			var ok bool
			if m, ok = c.validBody(); !ok {
				return
			}
			if errs := notificationErrors("", m); len(errs) > 0 {
				c.unprocessable(errs...)
				return
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		sc := c.calendarOfPathLocked()
		if sc == nil {
			return
		}
		t := sc.peek(calendarNotificationKind.name)
		r := t.get(c.param("notificationId"))
		if r == nil || stringField(r.doc, "calendarId") != c.param("calendarId") {
			c.notFound(calendarNotificationKind.notFound)
			return
		}
		switch method {
		case http.MethodGet:
			c.json(http.StatusOK, renderNotification(r.doc))
		case http.MethodPut:
			doc := cloneJSON(r.doc).(map[string]any)
			if errs := applyFields(calendarNotificationKind, doc, m); len(errs) > 0 {
				c.unprocessable(errs...)
				return
			}
			t.replace(r, doc)
			c.json(http.StatusOK, map[string]any{"message": "Notification updated successfully"})
		default:
			t.remove(r)
			c.json(http.StatusOK, map[string]any{"message": "Notification deleted successfully"})
		}
	}
}
