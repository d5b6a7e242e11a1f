package ghltest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

func (s *Server) registerContactRoutes() {
	s.handle("POST", "/contacts/search", s.searchContacts)
	s.handle("GET", "/contacts/search/duplicate", s.duplicateContact)
	s.handle("GET", "/contacts/business/{businessId}", s.contactsByBusiness)
	s.handle("POST", "/contacts/bulk/tags/update/{type}", s.bulkTags)
	s.handle("POST", "/contacts/bulk/business", s.bulkBusiness)
	s.handle("POST", "/contacts/upsert", s.upsertContact)
	s.handle("POST", "/contacts/", s.createContact)
	s.handle("GET", "/contacts/", s.listContacts)
	s.handle("GET", "/contacts/{contactId}", s.getContact)
	s.handle("PUT", "/contacts/{contactId}", s.updateContact)
	s.handle("DELETE", "/contacts/{contactId}", s.deleteContact)
	s.handle("GET", "/contacts/{contactId}/tasks", s.listTasks)
	s.handle("POST", "/contacts/{contactId}/tasks", s.createTask)
	s.handle("GET", "/contacts/{contactId}/tasks/{taskId}", s.getTask)
	s.handle("PUT", "/contacts/{contactId}/tasks/{taskId}", s.updateTask)
	s.handle("DELETE", "/contacts/{contactId}/tasks/{taskId}", s.deleteTask)
	s.handle("PUT", "/contacts/{contactId}/tasks/{taskId}/completed", s.completeTask)
	s.handle("GET", "/contacts/{contactId}/appointments", s.contactAppointments)
	s.handle("POST", "/contacts/{contactId}/tags", s.addTags)
	s.handle("DELETE", "/contacts/{contactId}/tags", s.removeTags)
	s.handle("GET", "/contacts/{contactId}/notes", s.listNotes)
	s.handle("POST", "/contacts/{contactId}/notes", s.createNote)
	s.handle("GET", "/contacts/{contactId}/notes/{id}", s.getNote)
	s.handle("PUT", "/contacts/{contactId}/notes/{id}", s.updateNote)
	s.handle("DELETE", "/contacts/{contactId}/notes/{id}", s.deleteNote)
	s.handle("POST", "/contacts/{contactId}/followers", s.addFollowers)
	s.handle("DELETE", "/contacts/{contactId}/followers", s.removeFollowers)
	s.handle("DELETE", "/contacts/{contactId}/campaigns/removeAll", s.removeAllCampaigns)
	s.handle("POST", "/contacts/{contactId}/campaigns/{campaignId}", s.addCampaign)
	s.handle("DELETE", "/contacts/{contactId}/campaigns/{campaignId}", s.removeCampaign)
	s.handle("POST", "/contacts/{contactId}/workflow/{workflowId}", s.addWorkflow)
	s.handle("DELETE", "/contacts/{contactId}/workflow/{workflowId}", s.removeWorkflow)
}

var succeded = []byte(`{"succeded":true}`)

// checkLocation answers 403 unless locationID is the token's location.
func (c *reqCtx) checkLocation(locationID string) bool {
	if locationID != c.p.locationID {
		c.forbiddenLocation()
		return false
	}
	return true
}

// requireString reads a required string field from a body map.
func requireString(m map[string]any, k string) (string, []string) {
	v, ok := m[k]
	if !ok || v == nil {
		return "", []string{k + " should not be empty", k + " must be a string"}
	}
	s, isStr := v.(string)
	if !isStr {
		return "", []string{k + " must be a string"}
	}
	if s == "" {
		return "", []string{k + " should not be empty"}
	}
	return s, nil
}

// contactLocked resolves the {contactId} parameter to a contact of the
// token's location, answering 404 otherwise. Callers hold s.mu.
func (c *reqCtx) contactLocked() (*location, *contact) {
	id := c.param("contactId")
	ct := c.s.st.contacts[id]
	if ct == nil || ct.doc.LocationID != c.p.locationID {
		c.notFound("Contact not found")
		return nil, nil
	}
	return c.s.st.locations[ct.doc.LocationID], ct
}

func wrap(key string, enc []byte) []byte {
	b := make([]byte, 0, len(enc)+len(key)+5)
	b = append(b, `{"`...)
	b = append(b, key...)
	b = append(b, `":`...)
	b = append(b, enc...)
	return append(b, '}')
}

// duplicateError answers HighLevel's 400 for a duplicate contact.
func (c *reqCtx) duplicateError(dup *contact, field string) {
	name := strings.TrimSpace(dup.doc.FirstName + " " + dup.doc.LastName)
	c.json(http.StatusBadRequest, errBody{
		StatusCode: http.StatusBadRequest,
		Message:    "This location does not allow duplicated contacts.",
		Meta:       map[string]string{"contactName": name, "contactId": dup.doc.ID, "matchingField": field},
		TraceID:    c.traceID,
	})
}

func (s *Server) createContact(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	locID, errs := requireString(m, "locationId")
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	if !c.checkLocation(locID) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.st.locations[locID]
	var d contactDoc
	if errs := s.applyContact(loc, &d, m, modeCreate); errs != nil {
		c.unprocessable(errs...)
		return
	}
	if !loc.allowDuplicates {
		if dup, field := loc.duplicateOf(&d, nil); dup != nil {
			c.duplicateError(dup, field)
			return
		}
	}
	ct := s.newContactLocked(loc, d, s.now())
	s.emit("ContactCreate", loc.id, ct.enc)
	c.rawJSON(http.StatusCreated, wrap("contact", ct.enc))
}

func (s *Server) getContact(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ct := c.contactLocked(); ct != nil {
		c.rawJSON(http.StatusOK, wrap("contact", ct.enc))
	}
}

func (s *Server) updateContact(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, ct := c.contactLocked()
	if ct == nil {
		return
	}
	d := cloneDoc(ct.doc)
	if errs := s.applyContact(loc, &d, m, modeUpdate); errs != nil {
		c.unprocessable(errs...)
		return
	}
	if !loc.allowDuplicates {
		if dup, field := loc.duplicateOf(&d, ct); dup != nil {
			c.duplicateError(dup, field)
			return
		}
	}
	s.replaceDocLocked(loc, ct, d, s.now())
	b := append([]byte(`{"succeded":true,"contact":`), ct.enc...)
	c.rawJSON(http.StatusOK, append(b, '}'))
}

func (s *Server) deleteContact(c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, ct := c.contactLocked()
	if ct == nil {
		return
	}
	s.deleteContactLocked(loc, ct)
	s.emit("ContactDelete", loc.id, ct.enc)
	c.rawJSON(http.StatusOK, succeded)
}

func (s *Server) upsertContact(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	locID, errs := requireString(m, "locationId")
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	if !c.checkLocation(locID) {
		return
	}
	createNew := false
	if v, ok := m["createNewIfDuplicateAllowed"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			c.unprocessable("createNewIfDuplicateAllowed must be a boolean value")
			return
		}
		createNew = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.st.locations[locID]
	var probe contactDoc
	if errs := s.applyContact(loc, &probe, m, modeUpsert); errs != nil {
		c.unprocessable(errs...)
		return
	}
	var match *contact
	if !(loc.allowDuplicates && createNew) {
		if probe.Email != "" {
			match = loc.findByEmail(probe.Email)
		}
		if match == nil && probe.Phone != "" {
			match = loc.findByPhone(probe.Phone)
		}
	}
	now := s.now()
	var ct *contact
	if match == nil {
		ct = s.newContactLocked(loc, probe, now)
		s.emit("ContactCreate", loc.id, ct.enc)
	} else {
		d := cloneDoc(match.doc)
		s.applyContact(loc, &d, m, modeUpsert)
		if !loc.allowDuplicates {
			// Keep the matched contact's own value for a field that would
			// duplicate another contact ("ignore the second field").
			if dup, field := loc.duplicateOf(&d, match); dup != nil {
				if field == "email" {
					d.Email, d.EmailLowerCase = match.doc.Email, match.doc.EmailLowerCase
				}
				if dup2, f2 := loc.duplicateOf(&d, match); dup2 != nil && f2 == "phone" {
					d.Phone = match.doc.Phone
				}
			}
		}
		s.replaceDocLocked(loc, match, d, now)
		ct = match
	}
	b := append([]byte(`{"new":`), strconv.FormatBool(match == nil)...)
	b = append(b, `,"contact":`...)
	b = append(b, ct.enc...)
	b = append(b, `,"traceId":"`...)
	b = append(b, c.traceID...)
	c.rawJSON(http.StatusOK, append(b, `"}`...))
}

// writeContactList builds {"contacts":[...], <rest>} from cached encodings.
func contactList(encs [][]byte, rest string) []byte {
	n := len(rest) + 16
	for _, e := range encs {
		n += len(e) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"contacts":[`...)
	for i, e := range encs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	b = append(b, ']')
	b = append(b, rest...)
	return append(b, '}')
}

// matchesQuery is the free-text match of GET /contacts/ and search: a
// case-insensitive substring of the name, email, phone or company name.
func matchesQuery(ct *contact, q string) bool {
	if q == "" {
		return true
	}
	q = strings.ToLower(q)
	d := &ct.doc
	if strings.Contains(d.FullNameLowerCase, q) || strings.Contains(d.EmailLowerCase, q) ||
		strings.Contains(strings.ToLower(d.CompanyName), q) || strings.Contains(strings.ToLower(d.Name), q) {
		return true
	}
	if d.Phone != "" {
		if strings.Contains(d.Phone, q) {
			return true
		}
		if nq := normalizePhone(q); len(nq) > 4 && strings.Contains(d.Phone, strings.TrimPrefix(nq, "+")) {
			return true
		}
	}
	return false
}

// maxID sorts after every HighLevel ID ('~' > 'z').
const maxID = "~"

func (s *Server) listContacts(c *reqCtx) {
	q := c.q()
	locID := q.Get("locationId")
	if locID == "" {
		c.unprocessable("locationId should not be empty", "locationId must be a string")
		return
	}
	if !c.checkLocation(locID) {
		return
	}
	limit := 20
	if v := q.Get("limit"); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil || n != float64(int(n)):
			c.unprocessable("limit must be a number conforming to the specified constraints")
			return
		case n > 100:
			c.unprocessable("limit must not be greater than 100")
			return
		case n < 1:
			c.unprocessable("limit must not be less than 1")
			return
		}
		limit = int(n)
	}
	var afterMs int64 = -1 << 62
	afterID := ""
	hasCursor := false
	if v := q.Get("startAfter"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			c.unprocessable("startAfter must be a number conforming to the specified constraints")
			return
		}
		afterMs, afterID, hasCursor = n, maxID, true
	}
	query := q.Get("query")

	s.mu.RLock()
	loc := s.st.locations[locID]
	if v := q.Get("startAfterId"); v != "" {
		hasCursor = true
		afterID = v
		if afterMs == -1<<62 {
			if ct := s.st.contacts[v]; ct != nil && ct.doc.LocationID == locID {
				afterMs = ct.ms
			}
		}
	}
	all := loc.contacts
	if query != "" {
		all = nil
		for _, ct := range loc.contacts {
			if matchesQuery(ct, query) {
				all = append(all, ct)
			}
		}
	}
	start := 0
	if hasCursor {
		start, _ = slices.BinarySearchFunc(all, struct {
			ms int64
			id string
		}{afterMs, afterID}, func(a *contact, k struct {
			ms int64
			id string
		}) int {
			if a.ms < k.ms || (a.ms == k.ms && a.doc.ID <= k.id) {
				return -1
			}
			return 1
		})
	}
	end := min(start+limit, len(all))
	page := all[start:end]
	encs := make([][]byte, len(page))
	for i, ct := range page {
		encs[i] = ct.enc
	}
	total := len(all)
	var last *contact
	if len(page) > 0 {
		last = page[len(page)-1]
	}
	more := end < len(all)
	s.mu.RUnlock()

	type meta struct {
		Total        int     `json:"total"`
		NextPageURL  *string `json:"nextPageUrl"`
		StartAfterID *string `json:"startAfterId"`
		StartAfter   *int64  `json:"startAfter"`
		CurrentPage  int     `json:"currentPage"`
		NextPage     *int    `json:"nextPage"`
		PrevPage     *int    `json:"prevPage"`
	}
	cur := start/limit + 1
	mt := meta{Total: total, CurrentPage: cur}
	if cur > 1 {
		p := cur - 1
		mt.PrevPage = &p
	}
	if last != nil {
		id, ms := last.doc.ID, last.ms
		mt.StartAfterID, mt.StartAfter = &id, &ms
	}
	if more && last != nil {
		np := cur + 1
		mt.NextPage = &np
		v := url.Values{}
		v.Set("locationId", locID)
		v.Set("startAfter", strconv.FormatInt(last.ms, 10))
		v.Set("startAfterId", last.doc.ID)
		if q.Get("limit") != "" {
			v.Set("limit", strconv.Itoa(limit))
		}
		if query != "" {
			v.Set("query", query)
		}
		scheme := "http"
		if c.r.TLS != nil {
			scheme = "https"
		}
		u := scheme + "://" + c.r.Host + "/contacts/?" + v.Encode()
		mt.NextPageURL = &u
	}
	rest := `,"count":` + strconv.Itoa(total) + `,"meta":` + string(marshal(mt))
	c.rawJSON(http.StatusOK, contactList(encs, rest))
}

func (s *Server) duplicateContact(c *reqCtx) {
	q := c.q()
	locID := q.Get("locationId")
	if locID == "" {
		c.unprocessable("locationId should not be empty", "locationId must be a string")
		return
	}
	if !c.checkLocation(locID) {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	loc := s.st.locations[locID]
	var match *contact
	if e := q.Get("email"); e != "" {
		match = loc.findByEmail(e)
	}
	if match == nil {
		if n := q.Get("number"); n != "" {
			match = loc.findByPhone(n)
		}
	}
	if match == nil {
		c.rawJSON(http.StatusOK, []byte(`{"contact":null}`))
		return
	}
	c.rawJSON(http.StatusOK, wrap("contact", match.enc))
}

// stringParamInt parses a numeric-string query parameter (skip, limit).
func (c *reqCtx) stringParamInt(name string, def int) (int, bool) {
	v := c.q().Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		c.unprocessable(name + " must be a number string")
		return 0, false
	}
	return n, true
}

func (s *Server) contactsByBusiness(c *reqCtx) {
	q := c.q()
	locID := q.Get("locationId")
	if locID == "" {
		c.unprocessable("locationId should not be empty", "locationId must be a string")
		return
	}
	if !c.checkLocation(locID) {
		return
	}
	limit, ok := c.stringParamInt("limit", 25)
	if !ok {
		return
	}
	skip, ok := c.stringParamInt("skip", 0)
	if !ok {
		return
	}
	bid := c.param("businessId")
	query := q.Get("query")
	s.mu.RLock()
	loc := s.st.locations[locID]
	var encs [][]byte
	total := 0
	for _, ct := range loc.contacts {
		if ct.doc.BusinessID != bid || !matchesQuery(ct, query) {
			continue
		}
		if total >= skip && len(encs) < limit {
			encs = append(encs, ct.enc)
		}
		total++
	}
	s.mu.RUnlock()
	c.rawJSON(http.StatusOK, contactList(encs, `,"count":`+strconv.Itoa(total)))
}

func (s *Server) bulkTags(c *reqCtx) {
	typ := c.param("type")
	if typ != "add" && typ != "remove" {
		c.unprocessable("type must be one of the following values: add, remove")
		return
	}
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	var errs []string
	ids, msg := stringList(m["contacts"], "contacts")
	if msg != "" {
		errs = append(errs, msg)
	}
	tags, msg := stringList(m["tags"], "tags")
	if msg != "" {
		errs = append(errs, msg)
	}
	locID, e := requireString(m, "locationId")
	errs = append(errs, e...)
	removeAll := false
	if v, ok := m["removeAllTags"]; ok && v != nil {
		b, isBool := v.(bool)
		if !isBool {
			errs = append(errs, "removeAllTags must be a boolean value")
		}
		removeAll = b
	}
	if len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	if !c.checkLocation(locID) {
		return
	}
	type result struct {
		ContactID   string    `json:"contactId"`
		Message     string    `json:"message"`
		Type        string    `json:"type"`
		OldTags     *[]string `json:"oldTags,omitempty"`
		TagsAdded   *[]string `json:"tagsAdded,omitempty"`
		TagsRemoved *[]string `json:"tagsRemoved,omitempty"`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.st.locations[locID]
	now := s.now()
	results := make([]result, 0, len(ids))
	errCount := 0
	for _, id := range ids {
		ct := s.st.contacts[id]
		var fail string
		switch {
		case !isGHLID(id):
			fail = "contact id is not a valid firebase id"
		case s.st.deleted[id]:
			fail = "contact is deleted"
		case ct == nil:
			fail = "contact not found"
		case ct.doc.LocationID != locID:
			fail = "contact does not belong to location"
		}
		if fail != "" {
			errCount++
			results = append(results, result{ContactID: id, Message: fail, Type: "error"})
			continue
		}
		old := slices.Clone(ct.doc.Tags)
		added, removed := []string{}, []string{}
		d := cloneDoc(ct.doc)
		if typ == "add" {
			d.Tags = addTags(d.Tags, tags)
			added = append(added, d.Tags[len(old):]...)
		} else {
			drop := map[string]bool{}
			for _, t := range tags {
				drop[normalizeTag(t)] = true
			}
			d.Tags = slices.DeleteFunc(d.Tags, func(t string) bool {
				if removeAll || drop[t] {
					removed = append(removed, t)
					return true
				}
				return false
			})
		}
		s.replaceDocLocked(loc, ct, d, now)
		results = append(results, result{ContactID: id, Message: "Tags updated", Type: "success", OldTags: &old, TagsAdded: &added, TagsRemoved: &removed})
	}
	c.json(http.StatusCreated, map[string]any{"succeded": true, "errorCount": errCount, "responses": results})
}

func (s *Server) bulkBusiness(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	var errs []string
	locID, e := requireString(m, "locationId")
	errs = append(errs, e...)
	ids, msg := stringList(m["ids"], "ids")
	if msg != "" {
		errs = append(errs, msg)
	} else if len(ids) == 0 {
		errs = append(errs, "ids should not be empty")
	}
	bv, present := m["businessId"]
	bid, isStr := bv.(string)
	if !present || (bv != nil && !isStr) {
		errs = append(errs, "businessId must be a string")
	}
	if len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	if !c.checkLocation(locID) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if bv != nil {
		if s.st.locations[locID].res.peek("businesses").get(bid) == nil {
			c.badRequest("Business not found")
			return
		}
	}
	loc := s.st.locations[locID]
	now := s.now()
	updated := []string{}
	for _, id := range ids {
		ct := s.st.contacts[id]
		if ct == nil || ct.doc.LocationID != locID {
			continue
		}
		d := cloneDoc(ct.doc)
		d.BusinessID = bid
		s.replaceDocLocked(loc, ct, d, now)
		updated = append(updated, id)
	}
	c.json(http.StatusOK, map[string]any{"success": true, "ids": updated})
}

// tagsBody reads the required {"tags": [...]} body.
func (c *reqCtx) listBody(field string) ([]string, bool) {
	m, ok := c.decodeBody()
	if !ok {
		return nil, false
	}
	v, present := m[field]
	if !present || v == nil {
		c.unprocessable(field+" should not be empty", field+" must be an array")
		return nil, false
	}
	l, msg := stringList(v, field)
	if msg != "" {
		c.unprocessable(msg)
		return nil, false
	}
	return l, true
}

func (s *Server) addTags(c *reqCtx) {
	tags, ok := c.listBody("tags")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, ct := c.contactLocked()
	if ct == nil {
		return
	}
	d := cloneDoc(ct.doc)
	d.Tags = addTags(d.Tags, tags)
	s.replaceDocLocked(loc, ct, d, s.now())
	c.json(http.StatusCreated, map[string]any{"tags": d.Tags})
}

func (s *Server) removeTags(c *reqCtx) {
	tags, ok := c.listBody("tags")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, ct := c.contactLocked()
	if ct == nil {
		return
	}
	drop := map[string]bool{}
	for _, t := range tags {
		drop[normalizeTag(t)] = true
	}
	d := cloneDoc(ct.doc)
	d.Tags = slices.DeleteFunc(d.Tags, func(t string) bool { return drop[t] })
	s.replaceDocLocked(loc, ct, d, s.now())
	c.json(http.StatusOK, map[string]any{"tags": d.Tags})
}

func (s *Server) addFollowers(c *reqCtx) {
	fs, ok := c.listBody("followers")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, ct := c.contactLocked()
	if ct == nil {
		return
	}
	d := cloneDoc(ct.doc)
	added := []string{}
	for _, f := range fs {
		if f != "" && !slices.Contains(d.Followers, f) {
			d.Followers = append(d.Followers, f)
			added = append(added, f)
		}
	}
	s.replaceDocLocked(loc, ct, d, s.now())
	c.json(http.StatusCreated, map[string]any{"followers": d.Followers, "followersAdded": added})
}

func (s *Server) removeFollowers(c *reqCtx) {
	fs, ok := c.listBody("followers")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, ct := c.contactLocked()
	if ct == nil {
		return
	}
	d := cloneDoc(ct.doc)
	removed := []string{}
	d.Followers = slices.DeleteFunc(d.Followers, func(f string) bool {
		if slices.Contains(fs, f) {
			removed = append(removed, f)
			return true
		}
		return false
	})
	s.replaceDocLocked(loc, ct, d, s.now())
	c.json(http.StatusOK, map[string]any{"followers": d.Followers, "followersRemoved": removed})
}

func (s *Server) addCampaign(c *reqCtx) {
	if _, ok := c.decodeBody(); !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if loc, ct := c.contactLocked(); ct != nil && c.enrolmentLocked(loc, campaignKind) {
		if id := c.param("campaignId"); !slices.Contains(ct.campaigns, id) {
			ct.campaigns = append(ct.campaigns, id)
		}
		c.rawJSON(http.StatusCreated, succeded)
	}
}

func (s *Server) removeCampaign(c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if loc, ct := c.contactLocked(); ct != nil && c.enrolmentLocked(loc, campaignKind) {
		id := c.param("campaignId")
		ct.campaigns = slices.DeleteFunc(ct.campaigns, func(x string) bool { return x == id })
		c.rawJSON(http.StatusOK, succeded)
	}
}

func (s *Server) removeAllCampaigns(c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ct := c.contactLocked(); ct != nil {
		ct.campaigns = nil
		c.rawJSON(http.StatusOK, succeded)
	}
}

// enrolmentLocked answers 404 unless the campaign or workflow the path
// names (the route's last parameter) exists in the contact's location.
func (c *reqCtx) enrolmentLocked(loc *location, k *kind) bool {
	if loc.res.peek(k.name).get(c.lastParam()) == nil {
		c.notFound(k.notFound)
		return false
	}
	return true
}

func (c *reqCtx) workflowBody() bool {
	m, ok := c.decodeBody()
	if !ok {
		return false
	}
	if v, ok := m["eventStartTime"]; ok && v != nil {
		s, _ := v.(string)
		if _, okT := parseISO(s); !okT {
			c.unprocessable("eventStartTime must be a valid ISO 8601 date string")
			return false
		}
	}
	return true
}

func (s *Server) addWorkflow(c *reqCtx) {
	if !c.workflowBody() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if loc, ct := c.contactLocked(); ct != nil && c.enrolmentLocked(loc, workflowKind) {
		if id := c.param("workflowId"); !slices.Contains(ct.workflows, id) {
			ct.workflows = append(ct.workflows, id)
		}
		c.rawJSON(http.StatusOK, succeded)
	}
}

func (s *Server) removeWorkflow(c *reqCtx) {
	if !c.workflowBody() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if loc, ct := c.contactLocked(); ct != nil && c.enrolmentLocked(loc, workflowKind) {
		id := c.param("workflowId")
		ct.workflows = slices.DeleteFunc(ct.workflows, func(x string) bool { return x == id })
		c.rawJSON(http.StatusOK, succeded)
	}
}

func (s *Server) contactAppointments(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ct := c.contactLocked(); ct != nil {
		c.rawJSON(http.StatusOK, listJSON("events", s.contactEventsLocked(ct.doc.LocationID, ct.doc.ID), ""))
	}
}

// Tasks.

func (c *reqCtx) taskLocked(ct *contact) *task {
	id := c.param("taskId")
	for _, t := range ct.tasks {
		if t.ID == id {
			return t
		}
	}
	c.notFound("Task not found")
	return nil
}

func (s *Server) listTasks(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ct := c.contactLocked(); ct != nil {
		ts := ct.tasks
		if ts == nil {
			ts = []*task{}
		}
		c.json(http.StatusOK, map[string]any{"tasks": ts})
	}
}

func (s *Server) createTask(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ct := c.contactLocked()
	if ct == nil {
		return
	}
	t := &task{ContactID: ct.doc.ID}
	if errs := applyTask(t, m, true); errs != nil {
		c.unprocessable(errs...)
		return
	}
	t.ID = newID(s.rng)
	s.st.tasks[t.ID] = t
	ct.tasks = append(ct.tasks, t)
	s.emitValue("TaskCreate", ct.doc.LocationID, t)
	c.json(http.StatusCreated, map[string]any{"task": t})
}

func (s *Server) getTask(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ct := c.contactLocked(); ct != nil {
		if t := c.taskLocked(ct); t != nil {
			c.json(http.StatusOK, map[string]any{"task": t})
		}
	}
}

func (s *Server) updateTask(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ct := c.contactLocked()
	if ct == nil {
		return
	}
	t := c.taskLocked(ct)
	if t == nil {
		return
	}
	nt := *t
	if errs := applyTask(&nt, m, false); errs != nil {
		c.unprocessable(errs...)
		return
	}
	*t = nt
	s.emitValue("TaskUpdate", ct.doc.LocationID, t)
	c.json(http.StatusOK, map[string]any{"task": t})
}

func (s *Server) completeTask(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	b, isBool := m["completed"].(bool)
	if !isBool {
		c.unprocessable("completed must be a boolean value")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ct := c.contactLocked()
	if ct == nil {
		return
	}
	if t := c.taskLocked(ct); t != nil {
		t.Completed = b
		s.emitValue(taskEvent(b), ct.doc.LocationID, t)
		c.json(http.StatusOK, map[string]any{"task": t})
	}
}

func (s *Server) deleteTask(c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ct := c.contactLocked()
	if ct == nil {
		return
	}
	if t := c.taskLocked(ct); t != nil {
		ct.tasks = slices.DeleteFunc(ct.tasks, func(x *task) bool { return x == t })
		delete(s.st.tasks, t.ID)
		s.emitValue("TaskDelete", ct.doc.LocationID, t)
		c.rawJSON(http.StatusOK, succeded)
	}
}

// Notes.

func (c *reqCtx) noteLocked(ct *contact) *note {
	id := c.param("id")
	for _, n := range ct.notes {
		if n.ID == id {
			return n
		}
	}
	c.notFound("Note not found")
	return nil
}

func (s *Server) listNotes(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ct := c.contactLocked(); ct != nil {
		c.json(http.StatusOK, map[string]any{"notes": notesNewestFirst(ct)})
	}
}

func (s *Server) createNote(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ct := c.contactLocked()
	if ct == nil {
		return
	}
	n := &note{ContactID: ct.doc.ID, DateAdded: formatTime(s.now())}
	if errs := applyNote(n, m, true); errs != nil {
		c.unprocessable(errs...)
		return
	}
	n.ID = newID(s.rng)
	s.st.notes[n.ID] = n
	ct.notes = append(ct.notes, n)
	s.emitValue("NoteCreate", ct.doc.LocationID, n)
	c.json(http.StatusCreated, map[string]any{"note": n})
}

func (s *Server) getNote(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ct := c.contactLocked(); ct != nil {
		if n := c.noteLocked(ct); n != nil {
			c.json(http.StatusOK, map[string]any{"note": n})
		}
	}
}

func (s *Server) updateNote(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ct := c.contactLocked()
	if ct == nil {
		return
	}
	n := c.noteLocked(ct)
	if n == nil {
		return
	}
	nn := *n
	if errs := applyNote(&nn, m, false); errs != nil {
		c.unprocessable(errs...)
		return
	}
	*n = nn
	s.emitValue("NoteUpdate", ct.doc.LocationID, n)
	c.json(http.StatusOK, map[string]any{"note": n})
}

func (s *Server) deleteNote(c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ct := c.contactLocked()
	if ct == nil {
		return
	}
	if n := c.noteLocked(ct); n != nil {
		ct.notes = slices.DeleteFunc(ct.notes, func(x *note) bool { return x == n })
		delete(s.st.notes, n.ID)
		s.emitValue("NoteDelete", ct.doc.LocationID, n)
		c.rawJSON(http.StatusOK, succeded)
	}
}
