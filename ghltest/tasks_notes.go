package ghltest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// task is a contact task (TaskSchema of apps/contacts.json).
type task struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Body       string `json:"body,omitempty"`
	AssignedTo string `json:"assignedTo,omitempty"`
	DueDate    string `json:"dueDate"`
	Completed  bool   `json:"completed"`
	ContactID  string `json:"contactId"`
}

// note is a contact note (GetNoteSchema of apps/contacts.json).
type note struct {
	ID        string `json:"id"`
	Body      string `json:"body"`
	UserID    string `json:"userId,omitempty"`
	DateAdded string `json:"dateAdded"`
	ContactID string `json:"contactId"`
	Title     string `json:"title,omitempty"`
	Color     string `json:"color,omitempty"`
	Pinned    bool   `json:"pinned"`
}

// applyTask validates m (CreateTaskParams or UpdateTaskBody) into t.
func applyTask(t *task, m map[string]any, create bool) []string {
	var errs []string
	if v, ok := m["title"]; ok {
		if s, isStr := v.(string); isStr && (s != "" || !create) {
			t.Title = s
		} else if !isStr {
			errs = append(errs, "title must be a string")
		} else {
			errs = append(errs, "title should not be empty")
		}
	} else if create {
		errs = append(errs, "title should not be empty", "title must be a string")
	}
	for _, k := range []string{"body", "assignedTo"} {
		if v, ok := m[k]; ok && v != nil {
			s, isStr := v.(string)
			if !isStr {
				errs = append(errs, k+" must be a string")
				continue
			}
			if k == "body" {
				t.Body = s
			} else {
				t.AssignedTo = s
			}
		}
	}
	if v, ok := m["dueDate"]; ok {
		s, _ := v.(string)
		if tm, okT := parseISO(s); okT {
			t.DueDate = formatTime(tm)
		} else {
			errs = append(errs, "dueDate must be a valid ISO 8601 date string")
		}
	} else if create {
		errs = append(errs, "dueDate should not be empty", "dueDate must be a valid ISO 8601 date string")
	}
	if v, ok := m["completed"]; ok {
		if b, isBool := v.(bool); isBool {
			t.Completed = b
		} else {
			errs = append(errs, "completed must be a boolean value")
		}
	} else if create {
		errs = append(errs, "completed must be a boolean value")
	}
	return errs
}

// parseISO accepts ISO-8601 date-times and dates (not epoch numbers).
func parseISO(s string) (time.Time, bool) {
	if strings.TrimSpace(s) == "" || !strings.Contains(s, "-") {
		return time.Time{}, false
	}
	return parseTimeLoose(s)
}

// applyNote validates m (NotesDTO or UpdateNoteDTO) into n.
func applyNote(n *note, m map[string]any, create bool) []string {
	var errs []string
	if v, ok := m["body"]; ok {
		s, isStr := v.(string)
		switch {
		case !isStr:
			errs = append(errs, "body must be a string")
		case s == "" && create:
			errs = append(errs, "body should not be empty")
		default:
			n.Body = s
		}
	} else if create {
		errs = append(errs, "body should not be empty", "body must be a string")
	}
	for _, k := range []string{"userId", "title", "color"} {
		if v, ok := m[k]; ok && v != nil {
			s, isStr := v.(string)
			if !isStr {
				errs = append(errs, k+" must be a string")
				continue
			}
			switch k {
			case "userId":
				n.UserID = s
			case "title":
				n.Title = s
			case "color":
				n.Color = s
			}
		}
	}
	if v, ok := m["pinned"]; ok && v != nil {
		if b, isBool := v.(bool); isBool {
			n.Pinned = b
		} else {
			errs = append(errs, "pinned must be a boolean value")
		}
	}
	return errs
}

func (s *Server) mustContactLocked(locationID, contactID string) *contact {
	s.mustLocationLocked(locationID)
	c := s.st.contacts[contactID]
	if c == nil || c.doc.LocationID != locationID {
		panic(fmt.Sprintf("ghltest: no contact %q in location %q", contactID, locationID))
	}
	return c
}

// AddTask stores a task for a contact directly and returns its ID. fields
// are CreateTaskParams fields (title, body, dueDate, completed, assignedTo);
// missing title and dueDate get defaults. It panics if the contact is not in
// the location or a field is invalid.
func (s *Server) AddTask(locationID, contactID string, fields map[string]any) string {
	m := normalizeInput(fields)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.mustContactLocked(locationID, contactID)
	if _, ok := m["title"]; !ok {
		m["title"] = "Follow up"
	}
	if _, ok := m["dueDate"]; !ok {
		m["dueDate"] = formatTime(s.now().Add(24 * time.Hour))
	}
	if _, ok := m["completed"]; !ok {
		m["completed"] = false
	}
	t := &task{ContactID: contactID}
	if errs := applyTask(t, m, true); len(errs) > 0 {
		panic("ghltest: AddTask: " + strings.Join(errs, ", "))
	}
	t.ID = newID(s.rng)
	if id, ok := m["id"].(string); ok && id != "" {
		t.ID = id
	}
	s.st.tasks[t.ID] = t
	c.tasks = append(c.tasks, t)
	return t.ID
}

// AddNote stores a note for a contact directly and returns its ID. fields
// are NotesDTO fields (body, userId, title, color, pinned) plus optional id
// and dateAdded; a missing body gets a default. It panics if the contact is
// not in the location or a field is invalid.
func (s *Server) AddNote(locationID, contactID string, fields map[string]any) string {
	m := normalizeInput(fields)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.mustContactLocked(locationID, contactID)
	if _, ok := m["body"]; !ok {
		m["body"] = "Note"
	}
	n := &note{ContactID: contactID, DateAdded: formatTime(s.now())}
	if errs := applyNote(n, m, true); len(errs) > 0 {
		panic("ghltest: AddNote: " + strings.Join(errs, ", "))
	}
	if da, ok := m["dateAdded"].(string); ok {
		if t, ok := parseTimeLoose(da); ok {
			n.DateAdded = formatTime(t)
		}
	}
	n.ID = newID(s.rng)
	if id, ok := m["id"].(string); ok && id != "" {
		n.ID = id
	}
	s.st.notes[n.ID] = n
	c.notes = append(c.notes, n)
	return n.ID
}

// AddAppointment stores an appointment for a contact and returns its ID.
// fields use GetEventSchema names (calendarId, title, status,
// appointmentStatus, startTime, endTime, assignedUserId, notes, address,
// users, ...); id, locationId, contactId, dateAdded and dateUpdated are
// filled in, and missing calendarId, title, status, appointmentStatus,
// startTime (now + 1 day) and endTime (+30 minutes) get defaults. It is
// stored as POST /calendars/events/appointments would store it, without
// checking the calendar or its free slots, so GET
// /contacts/{contactId}/appointments, GET /calendars/events and GET
// /calendars/events/appointments/{eventId} answer it. It panics if the
// contact is not in the location.
func (s *Server) AddAppointment(locationID, contactID string, fields map[string]any) string {
	m := normalizeInput(fields)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustContactLocked(locationID, contactID)
	ev := make(map[string]any, len(m)+16)
	for k, v := range m {
		ev[k] = jsonValue(v)
	}
	now := s.now()
	start := now.Add(24 * time.Hour).Truncate(time.Hour)
	defaults := map[string]any{
		"id":                newID(s.rng),
		"calendarId":        newID(s.rng),
		"title":             "Appointment",
		"status":            "booked",
		"appointmentStatus": "confirmed",
		"startTime":         formatTime(start),
		"endTime":           formatTime(start.Add(30 * time.Minute)),
		"dateAdded":         formatTime(now),
		"dateUpdated":       formatTime(now),
		"users":             []any{},
		"assignedResources": []any{},
		"groupId":           "",
		"notes":             "",
		"deleted":           false,
		"createdBy":         map[string]any{"source": "third_party", "userId": ""},
	}
	for k, v := range defaults {
		if _, ok := ev[k]; !ok {
			ev[k] = v
		}
	}
	ev["locationId"] = locationID
	ev["contactId"] = contactID
	setDefault(ev, "appoinmentStatus", ev["appointmentStatus"])
	setDefault(ev, "isRecurring", stringField(ev, "rrule") != "")
	r := &record{seq: s.nextSeqLocked(), doc: ev}
	s.st.locations[locationID].res.tableLocked(appointmentKind.name).insert(r)
	return r.id()
}

// Tasks returns JSON-shaped copies of a contact's tasks, in creation order.
func (s *Server) Tasks(contactID string) []map[string]any {
	s.mu.RLock()
	var b []byte
	if c := s.st.contacts[contactID]; c != nil {
		b = marshal(c.tasks)
	}
	s.mu.RUnlock()
	return toMaps(b)
}

// Notes returns JSON-shaped copies of a contact's notes, in creation order.
func (s *Server) Notes(contactID string) []map[string]any {
	s.mu.RLock()
	var b []byte
	if c := s.st.contacts[contactID]; c != nil {
		b = marshal(c.notes)
	}
	s.mu.RUnlock()
	return toMaps(b)
}

// Appointments returns JSON-shaped copies of a contact's appointments, by
// start time.
func (s *Server) Appointments(contactID string) []map[string]any {
	s.mu.RLock()
	var b []byte
	if c := s.st.contacts[contactID]; c != nil {
		b = listJSON("events", s.contactEventsLocked(c.doc.LocationID, c.doc.ID), "")
		b = b[len(`{"events":`) : len(b)-1]
	}
	s.mu.RUnlock()
	return toMaps(b)
}

func toMaps(b []byte) []map[string]any {
	out := []map[string]any{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil || out == nil {
			return []map[string]any{}
		}
	}
	return out
}

// notesNewestFirst returns a contact's notes ordered by dateAdded descending
// (ties: newest created first).
func notesNewestFirst(c *contact) []*note {
	out := make([]*note, 0, len(c.notes)) // [] when empty, as HighLevel sends it
	out = append(out, c.notes...)
	slices.Reverse(out)
	slices.SortStableFunc(out, func(a, b *note) int { return strings.Compare(b.DateAdded, a.DateAdded) })
	return out
}
