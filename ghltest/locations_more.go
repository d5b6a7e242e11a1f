package ghltest

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// The rest of a location (apps/locations.json): recurring tasks (whose
// create makes the first task of each contact), the search of the
// location's contact tasks, email and SMS templates, time zones, and file
// uploads to custom fields.

var recurringTaskKind = &kind{
	name: "recurringTasks", one: "recurringTask", notFound: "Recurring task not found", located: true, stamped: true,
	fields: parseFields("title:string description:string contactIds:array owners:array rruleOptions:object ignoreTaskCreation:boolean"),
	apply: func(s *Server, locID string, d, body map[string]any, create bool) []string {
		var errs []string
		if ro, ok := d["rruleOptions"].(map[string]any); ok {
			it := stringField(ro, "intervalType")
			if !slices.Contains([]string{"yearly", "monthly", "weekly", "daily", "hourly"}, it) {
				errs = append(errs, "rruleOptions.intervalType must be one of the following values: yearly, monthly, weekly, daily, hourly")
			}
			if v, ok := ro["startDate"]; ok {
				if _, ok := parseISO(stringField(ro, "startDate")); !ok || !hasType(v, "string") {
					errs = append(errs, "rruleOptions.startDate must be a valid ISO 8601 date string")
				}
			}
		}
		for _, id := range stringsOf(d["contactIds"]) {
			if ct := s.st.contacts[id]; ct == nil || ct.doc.LocationID != locID {
				errs = append(errs, "contact "+id+" not found")
			}
		}
		owners := stringsOf(d["owners"])
		if len(owners) > 0 {
			d["assignedTo"] = owners[0]
		}
		if ids := stringsOf(d["contactIds"]); len(ids) > 0 {
			d["contactId"] = ids[0]
		}
		if !create { // it only matters when the task is created
			delete(d, "ignoreTaskCreation")
		}
		return errs
	},
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "deleted", false)
		setDefault(d, "description", "")
		ignore, _ := d["ignoreTaskCreation"].(bool)
		delete(d, "ignoreTaskCreation")
		n := int64(0)
		if !ignore {
			n = s.firstTasksLocked(d)
		}
		setDefault(d, "totalOccurrence", n)
	},
}

// firstTasksLocked creates the first occurrence of a recurring task for
// each of its contacts (due dueAfterSeconds after the rule's start, or
// now) and returns how many it made.
func (s *Server) firstTasksLocked(d map[string]any) int64 {
	ro, _ := d["rruleOptions"].(map[string]any)
	due := s.now()
	if t, ok := parseISO(stringField(ro, "startDate")); ok {
		due = t
	}
	if secs, ok := jsonValue(ro["dueAfterSeconds"]).(int64); ok {
		due = due.Add(time.Duration(secs) * time.Second)
	}
	var n int64
	for _, id := range stringsOf(d["contactIds"]) {
		ct := s.st.contacts[id]
		if ct == nil {
			continue
		}
		t := &task{ID: newID(s.rng), Title: stringField(d, "title"), Body: stringField(d, "description"),
			AssignedTo: stringField(d, "assignedTo"), DueDate: formatTime(due), ContactID: id}
		s.st.tasks[t.ID] = t
		ct.tasks = append(ct.tasks, t)
		n++
	}
	return n
}

var templateKind = &kind{
	name: "templates", many: "templates", notFound: "Template not found", located: true,
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "name", "Template")
		setDefault(d, "type", "sms")
		setDefault(d, "dateAdded", formatTime(s.now()))
		setDefault(d, "originId", d["locationId"])
		if d["type"] == "email" {
			setDefault(d, "template", map[string]any{"subject": "", "html": "", "attachments": []any{}})
		} else {
			setDefault(d, "template", map[string]any{"body": "", "attachments": []any{}})
			setDefault(d, "urlAttachments", []any{})
		}
	},
}

func init() {
	for _, k := range []*kind{recurringTaskKind, templateKind} {
		kinds[k.name] = k
	}
}

// timeZones is the emulator's list of IANA time zones (GET
// /locations/{id}/timezones).
var timeZones = []string{"Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Phoenix",
	"America/Denver", "America/Chicago", "America/New_York", "America/Halifax", "America/Sao_Paulo",
	"America/Mexico_City", "America/Bogota", "America/Toronto", "America/Vancouver", "Atlantic/Reykjavik",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
	"Europe/Rome", "Europe/Amsterdam", "Europe/Athens", "Europe/Istanbul", "Europe/Moscow", "Africa/Cairo",
	"Africa/Johannesburg", "Africa/Lagos", "Asia/Dubai", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka",
	"Asia/Bangkok", "Asia/Singapore", "Asia/Shanghai", "Asia/Manila", "Asia/Tokyo", "Asia/Seoul",
	"Australia/Perth", "Australia/Sydney", "Pacific/Auckland", "UTC"}

func (s *Server) registerLocationsMoreRoutes() {
	k := recurringTaskKind
	env := envelope{"", k.one}
	s.crud("/locations/{locationId}/recurring-tasks", "/locations/{locationId}/recurring-tasks/{id}",
		op{}, op{k: k, in: inPathLocation, status: http.StatusCreated, env: env},
		op{k: k, in: inPathLocation, env: env}, op{k: k, in: inPathLocation, env: env},
		op{k: k, in: inPathLocation, deleted: func(r *record) []byte {
			return marshal(map[string]any{"id": r.id(), "success": true})
		}})
	s.crud("/locations/{locationId}/templates", "/locations/{locationId}/templates/{id}",
		op{k: templateKind, in: inPathLocation, pager: skipLimit(25), count: "totalCount", filter: templateFilter},
		op{}, op{}, op{}, op{k: templateKind, in: inPathLocation, deleted: func(*record) []byte { return []byte(`{"success":true}`) }})
	s.handle("POST", "/locations/{locationId}/tasks/search", s.searchTasks)
	s.handle("GET", "/locations/{locationId}/timezones", s.listTimeZones)
	s.handle("POST", "/locations/{locationId}/customFields/upload", s.uploadCustomFieldFiles)
}

// templateFilter is the query of GET /locations/{id}/templates: originId
// (required), type (sms or email) and deleted (default false).
func templateFilter(c *reqCtx) func(map[string]any) bool {
	q := c.q()
	origin, typ, deleted := q.Get("originId"), q.Get("type"), q.Get("deleted") == "true"
	return func(d map[string]any) bool {
		isDeleted, _ := d["deleted"].(bool)
		return d["originId"] == origin && (typ == "" || d["type"] == typ) && isDeleted == deleted
	}
}

// searchTasks is POST /locations/{locationId}/tasks/search: the tasks of
// the location's contacts, filtered by contactId (a list), completed,
// assignedTo (a list), query (a substring of the title or body) and
// businessId (the contact's business), paged by skip and limit (default
// 25) → {"tasks":[...]}, in the contacts' order then the tasks'.
func (s *Server) searchTasks(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	var errs []string
	for _, f := range parseFields("contactId:array completed:boolean assignedTo:array query:string limit:number skip:number businessId:string") {
		if v, sent := m[f.name]; sent && v != nil && !hasType(v, f.typ) {
			errs = append(errs, typeMessage(f.name, f.typ))
		}
	}
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	limit, skip := 25, 0
	if v, ok := jsonValue(m["limit"]).(int64); ok {
		limit = int(v)
	}
	if v, ok := jsonValue(m["skip"]).(int64); ok {
		skip = int(v)
	}
	contacts, owners := stringsOf(m["contactId"]), stringsOf(m["assignedTo"])
	done, byDone := m["completed"].(bool)
	query, business := stringField(m, "query"), stringField(m, "businessId")
	s.mu.RLock()
	defer s.mu.RUnlock()
	loc := c.locationAccessLocked()
	if loc == nil {
		return
	}
	var out []any
	for _, ct := range loc.contacts {
		if (len(contacts) > 0 && !slices.Contains(contacts, ct.doc.ID)) || (business != "" && ct.doc.BusinessID != business) {
			continue
		}
		for _, t := range ct.tasks {
			if (len(owners) == 0 || slices.Contains(owners, t.AssignedTo)) && (!byDone || t.Completed == done) &&
				(query == "" || hasFold(t.Title, query) || hasFold(t.Body, query)) {
				out = append(out, t)
			}
		}
	}
	skip = min(max(skip, 0), len(out))
	out = out[skip:min(skip+max(limit, 0), len(out))]
	if out == nil {
		out = []any{}
	}
	c.json(http.StatusOK, map[string]any{"tasks": out})
}

// listTimeZones is GET /locations/{locationId}/timezones → {"timeZones":[...]}.
func (s *Server) listTimeZones(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if c.locationAccessLocked() == nil {
		return
	}
	c.json(http.StatusOK, map[string]any{"timeZones": timeZones})
}

// uploadCustomFieldFiles is POST /locations/{locationId}/customFields/
// upload (multipart): files for a file custom field of a record (id: a
// contact, opportunity or custom field ID), at most maxFiles of them →
// {uploadedFiles: {name: url}, meta: [{fieldname, originalname, encoding,
// mimetype, size, url}]}.
func (s *Server) uploadCustomFieldFiles(c *reqCtx) {
	fields, files, ok := c.multipartBody()
	if !ok {
		return
	}
	if len(files) == 0 {
		c.badRequest("No files to upload")
		return
	}
	if v := stringField(fields, "maxFiles"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			c.unprocessable("maxFiles must be a number string")
			return
		}
		if len(files) > n {
			c.badRequest("Too many files: at most " + v)
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := c.locationAccessLocked()
	if loc == nil {
		return
	}
	owner := cmp(stringField(fields, "id"), "unassigned")
	up := map[string]any{}
	meta := make([]any, 0, len(files))
	for _, f := range files {
		url := s.storeUploadLocked(loc, "custom-field/"+owner, f, map[string]any{"ownerId": owner})
		up[f.filename] = url
		meta = append(meta, map[string]any{"fieldname": f.filename, "originalname": f.filename, "encoding": "7bit",
			"mimetype": f.contentType, "size": len(f.data), "url": url})
	}
	c.json(http.StatusOK, map[string]any{"uploadedFiles": up, "meta": meta})
}
