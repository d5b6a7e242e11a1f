package ghltest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// customFieldValue is a custom field as contact reads return it.
type customFieldValue struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
}

// contactDoc is a contact's wire shape (GetContectByIdSchema and
// CreateContactSchema of apps/contacts.json). Optional fields are omitted when
// unset, as HighLevel does.
type contactDoc struct {
	ID                 string             `json:"id"`
	LocationID         string             `json:"locationId"`
	Name               string             `json:"name,omitempty"`
	FirstName          string             `json:"firstName,omitempty"`
	LastName           string             `json:"lastName,omitempty"`
	FirstNameLowerCase string             `json:"firstNameLowerCase,omitempty"`
	LastNameLowerCase  string             `json:"lastNameLowerCase,omitempty"`
	FullNameLowerCase  string             `json:"fullNameLowerCase,omitempty"`
	Email              string             `json:"email,omitempty"`
	EmailLowerCase     string             `json:"emailLowerCase,omitempty"`
	Phone              string             `json:"phone,omitempty"`
	CompanyName        string             `json:"companyName,omitempty"`
	Gender             string             `json:"gender,omitempty"`
	Timezone           string             `json:"timezone,omitempty"`
	Dnd                bool               `json:"dnd"`
	DndSettings        map[string]any     `json:"dndSettings,omitempty"`
	InboundDndSettings map[string]any     `json:"inboundDndSettings,omitempty"`
	Type               string             `json:"type"`
	Source             string             `json:"source,omitempty"`
	AssignedTo         string             `json:"assignedTo,omitempty"`
	Address1           string             `json:"address1,omitempty"`
	City               string             `json:"city,omitempty"`
	State              string             `json:"state,omitempty"`
	Country            string             `json:"country,omitempty"`
	PostalCode         string             `json:"postalCode,omitempty"`
	Website            string             `json:"website,omitempty"`
	Tags               []string           `json:"tags"`
	DateOfBirth        string             `json:"dateOfBirth,omitempty"`
	DateAdded          string             `json:"dateAdded"`
	DateUpdated        string             `json:"dateUpdated"`
	CustomFields       []customFieldValue `json:"customFields"`
	BusinessID         string             `json:"businessId,omitempty"`
	Followers          []string           `json:"followers"`
	AttributionSource  map[string]any     `json:"attributionSource,omitempty"`
}

// contact is a stored contact with its cached JSON encoding.
type contact struct {
	doc       contactDoc
	ms        int64  // dateAdded in epoch ms, the sort key
	enc       []byte // marshal(doc); replaced (never mutated) on change
	emailKey  string // indexed email (lower case), "" if none
	phoneKey  string // indexed phone, "" if none
	campaigns []string
	workflows []string
	tasks     []*task
	notes     []*note
}

func (c *contact) encode() { c.enc = marshal(&c.doc) }

// less orders contacts by dateAdded, then ID.
func (c *contact) less(ms int64, id string) bool {
	return c.ms < ms || (c.ms == ms && c.doc.ID < id)
}

// insertContactLocked adds c to its location's sorted list and indexes.
func (loc *location) insert(c *contact) {
	i, _ := slices.BinarySearchFunc(loc.contacts, c, func(a, b *contact) int {
		if a.less(b.ms, b.doc.ID) {
			return -1
		}
		if b.less(a.ms, a.doc.ID) {
			return 1
		}
		return 0
	})
	loc.contacts = slices.Insert(loc.contacts, i, c)
	loc.index(c)
}

func (loc *location) remove(c *contact) {
	i := loc.position(c)
	if i >= 0 {
		loc.contacts = slices.Delete(loc.contacts, i, i+1)
	}
	loc.unindex(c)
}

// position returns c's index in the sorted list, or -1.
func (loc *location) position(c *contact) int {
	i, found := slices.BinarySearchFunc(loc.contacts, c, func(a, b *contact) int {
		if a.less(b.ms, b.doc.ID) {
			return -1
		}
		if b.less(a.ms, a.doc.ID) {
			return 1
		}
		return 0
	})
	if !found {
		return -1
	}
	return i
}

func (loc *location) index(c *contact) {
	c.emailKey = strings.ToLower(strings.TrimSpace(c.doc.Email))
	c.phoneKey = c.doc.Phone
	if c.emailKey != "" {
		loc.byEmail[c.emailKey] = append(loc.byEmail[c.emailKey], c)
	}
	if c.phoneKey != "" {
		loc.byPhone[c.phoneKey] = append(loc.byPhone[c.phoneKey], c)
	}
}

func (loc *location) unindex(c *contact) {
	drop := func(m map[string][]*contact, k string) {
		if k == "" {
			return
		}
		l := slices.DeleteFunc(m[k], func(x *contact) bool { return x == c })
		if len(l) == 0 {
			delete(m, k)
		} else {
			m[k] = l
		}
	}
	drop(loc.byEmail, c.emailKey)
	drop(loc.byPhone, c.phoneKey)
}

// reindex refreshes the email/phone indexes after an edit.
func (loc *location) reindex(c *contact) {
	loc.unindex(c)
	loc.index(c)
}

// findByEmail returns the oldest contact with this email (any case), or nil.
func (loc *location) findByEmail(email string) *contact {
	if l := loc.byEmail[strings.ToLower(strings.TrimSpace(email))]; len(l) > 0 {
		return l[0]
	}
	return nil
}

// findByPhone returns the oldest contact with this (normalized) phone.
func (loc *location) findByPhone(phone string) *contact {
	if l := loc.byPhone[normalizePhone(phone)]; len(l) > 0 {
		return l[0]
	}
	return nil
}

// normalizePhone turns "+1 888-888-8888" into "+18888888888": it keeps the
// digits, and adds "+1" to 10-digit numbers and "+" to others. (How
// HighLevel normalizes phones is not documented; the spec shows
// "+1 888-888-8888" in and "+18832327657" out.)
func normalizePhone(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	var digits strings.Builder
	for _, r := range p {
		if r >= '0' && r <= '9' {
			digits.WriteRune(r)
		}
	}
	d := digits.String()
	if d == "" {
		return p
	}
	if strings.HasPrefix(p, "+") {
		return "+" + d
	}
	if len(d) == 10 {
		return "+1" + d
	}
	return "+" + d
}

// normalizeTag lower-cases and trims a tag, as HighLevel stores tags.
func normalizeTag(t string) string { return strings.ToLower(strings.TrimSpace(t)) }

// fieldMode selects which input fields applyContact accepts.
type fieldMode int

const (
	modeCreate fieldMode = iota
	modeUpdate
	modeUpsert
	modeSeed // Server.AddContact: also id, type, businessId, followers, dates...
)

var contactStringFields = []string{
	"firstName", "lastName", "name", "email", "phone", "companyName", "gender", "timezone",
	"source", "assignedTo", "address1", "city", "state", "country", "postalCode", "website",
}

var seedStringFields = []string{"type", "businessId", "dateAdded", "dateUpdated"}

var dndChannels = []string{"Call", "Email", "SMS", "WhatsApp", "GMB", "FB"}

// applyContact validates the input fields in m and applies them to d. It
// returns class-validator-style messages for invalid fields (d may then be
// partly modified, so callers work on a copy). Unknown fields are ignored.
func (s *Server) applyContact(loc *location, d *contactDoc, m map[string]any, mode fieldMode) []string {
	var errs []string
	set := map[string]string{}
	strs := contactStringFields
	if mode == modeSeed {
		strs = append(slices.Clip(strs), seedStringFields...)
	}
	for _, k := range strs {
		v, ok := m[k]
		if !ok {
			continue
		}
		switch x := v.(type) {
		case nil:
			set[k] = ""
		case string:
			set[k] = strings.TrimSpace(x)
		default:
			errs = append(errs, k+" must be a string")
		}
	}
	if e, ok := set["email"]; ok && e != "" && !looksLikeEmail(e) {
		errs = append(errs, "email must be an email")
	}
	for _, k := range []string{"dnd"} {
		if v, ok := m[k]; ok {
			if b, isBool := v.(bool); isBool {
				d.Dnd = b
			} else {
				errs = append(errs, k+" must be a boolean value")
			}
		}
	}
	if v, ok := m["dndSettings"]; ok && v != nil {
		obj, isObj := v.(map[string]any)
		if !isObj {
			errs = append(errs, "nested property dndSettings must be either object or array")
		} else {
			for _, ch := range dndChannels {
				if sv, ok := obj[ch]; ok {
					so, _ := sv.(map[string]any)
					st, _ := so["status"].(string)
					if st != "active" && st != "inactive" && st != "permanent" {
						errs = append(errs, "dndSettings."+ch+".status must be one of the following values: active, inactive, permanent")
					}
				}
			}
			if d.DndSettings == nil {
				d.DndSettings = map[string]any{}
			}
			for k, cv := range obj {
				d.DndSettings[k] = cv
			}
		}
	}
	if v, ok := m["inboundDndSettings"]; ok && v != nil {
		if obj, isObj := v.(map[string]any); isObj {
			d.InboundDndSettings = obj
		} else {
			errs = append(errs, "nested property inboundDndSettings must be either object or array")
		}
	}
	if v, ok := m["tags"]; ok {
		tags, msg := stringList(v, "tags")
		if msg != "" {
			errs = append(errs, msg)
		} else {
			d.Tags = addTags(nil, tags)
		}
	}
	if v, ok := m["customFields"]; ok && v != nil {
		list, isList := v.([]any)
		if !isList {
			errs = append(errs, "customFields must be an array")
		} else {
			for i, item := range list {
				obj, _ := item.(map[string]any)
				id, _ := obj["id"].(string)
				key, _ := obj["key"].(string)
				if obj == nil || (id == "" && key == "") {
					errs = append(errs, fmt.Sprintf("customFields.%d.id should not be empty", i))
					continue
				}
				key = strings.TrimPrefix(key, "contact.")
				if id == "" {
					id = loc.cfKeys[key]
					if id == "" {
						id = newID(s.rng)
						loc.cfKeys[key] = id
					}
				} else if key != "" {
					loc.cfKeys[key] = id
				}
				val, has := obj["field_value"]
				if !has && mode == modeSeed {
					val = obj["value"]
				}
				d.CustomFields = setCustomField(d.CustomFields, id, jsonValue(val))
			}
		}
	}
	if v, ok := m["dateOfBirth"]; ok {
		switch x := v.(type) {
		case nil:
			d.DateOfBirth = ""
		case string:
			if dob, ok := parseDateOfBirth(x); ok {
				d.DateOfBirth = dob
			} else {
				errs = append(errs, "dateOfBirth must be a valid date (YYYY-MM-DD, YYYY/MM/DD, MM-DD-YYYY or MM/DD/YYYY)")
			}
		case json.Number:
			ms, err := x.Int64()
			if err != nil {
				errs = append(errs, "dateOfBirth must be a valid date")
			} else {
				d.DateOfBirth = formatTime(time.UnixMilli(ms))
			}
		default:
			errs = append(errs, "dateOfBirth must be a valid date")
		}
	}
	if mode == modeSeed {
		if v, ok := m["followers"]; ok {
			f, msg := stringList(v, "followers")
			if msg != "" {
				errs = append(errs, msg)
			} else {
				d.Followers = f
			}
		}
		if v, ok := m["attributionSource"].(map[string]any); ok {
			d.AttributionSource = v
		}
		if v, ok := m["id"].(string); ok && v != "" {
			d.ID = v
		}
	}
	if len(errs) > 0 {
		return errs
	}
	for k, v := range set {
		switch k {
		case "firstName":
			d.FirstName = v
		case "lastName":
			d.LastName = v
		case "name":
			d.Name = v
		case "email":
			d.Email = v
		case "phone":
			d.Phone = normalizePhone(v)
		case "companyName":
			d.CompanyName = v
		case "gender":
			d.Gender = v
		case "timezone":
			d.Timezone = v
		case "source":
			d.Source = v
		case "assignedTo":
			d.AssignedTo = v
		case "address1":
			d.Address1 = v
		case "city":
			d.City = v
		case "state":
			d.State = v
		case "country":
			d.Country = v
		case "postalCode":
			d.PostalCode = v
		case "website":
			d.Website = v
		case "type":
			d.Type = v
		case "businessId":
			d.BusinessID = v
		case "dateAdded", "dateUpdated":
			if t, ok := parseTimeLoose(v); ok {
				if k == "dateAdded" {
					d.DateAdded = formatTime(t)
				} else {
					d.DateUpdated = formatTime(t)
				}
			}
		}
	}
	_, hasFirst := set["firstName"]
	_, hasLast := set["lastName"]
	if n, ok := set["name"]; ok && !hasFirst && !hasLast && n != "" {
		first, last, _ := strings.Cut(n, " ")
		d.FirstName, d.LastName = first, strings.TrimSpace(last)
	}
	if hasFirst || hasLast {
		if _, ok := set["name"]; !ok {
			d.Name = strings.TrimSpace(d.FirstName + " " + d.LastName)
		}
	}
	d.FirstNameLowerCase = strings.ToLower(d.FirstName)
	d.LastNameLowerCase = strings.ToLower(d.LastName)
	d.FullNameLowerCase = strings.ToLower(strings.TrimSpace(d.FirstName + " " + d.LastName))
	if d.FullNameLowerCase == "" {
		d.FullNameLowerCase = strings.ToLower(d.Name)
	}
	d.EmailLowerCase = strings.ToLower(d.Email)
	return nil
}

// stringList checks that v is an array of strings.
func stringList(v any, field string) ([]string, string) {
	list, ok := v.([]any)
	if !ok {
		return nil, field + " must be an array"
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			return nil, "each value in " + field + " must be a string"
		}
		out = append(out, s)
	}
	return out, ""
}

// addTags merges tags (normalized, without duplicates) into have.
func addTags(have, tags []string) []string {
	out := slices.Clone(have)
	if out == nil {
		out = []string{}
	}
	for _, t := range tags {
		t = normalizeTag(t)
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func setCustomField(list []customFieldValue, id string, val any) []customFieldValue {
	out := slices.Clone(list)
	for i := range out {
		if out[i].ID == id {
			out[i].Value = val
			return out
		}
	}
	return append(out, customFieldValue{ID: id, Value: val})
}

// jsonValue converts json.Number values to float64/int64 so they encode as
// plain numbers and compare predictably.
func jsonValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	}
	return v
}

func looksLikeEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(e, " \t") &&
		!strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".") && !strings.Contains(domain, "@")
}

// cloneDoc deep-copies the mutable parts of a contact document.
func cloneDoc(d contactDoc) contactDoc {
	d.Tags = slices.Clone(d.Tags)
	d.CustomFields = slices.Clone(d.CustomFields)
	d.Followers = slices.Clone(d.Followers)
	if d.DndSettings != nil {
		m := make(map[string]any, len(d.DndSettings))
		for k, v := range d.DndSettings {
			m[k] = v
		}
		d.DndSettings = m
	}
	return d
}

// newContactLocked stores a new contact built from doc in loc.
func (s *Server) newContactLocked(loc *location, d contactDoc, now time.Time) *contact {
	if d.ID == "" {
		d.ID = newID(s.rng)
	}
	d.LocationID = loc.id
	if d.Type == "" {
		d.Type = "lead"
	}
	if d.Tags == nil {
		d.Tags = []string{}
	}
	if d.CustomFields == nil {
		d.CustomFields = []customFieldValue{}
	}
	if d.Followers == nil {
		d.Followers = []string{}
	}
	added := now
	if t, ok := parseTimeLoose(d.DateAdded); ok {
		added = t
	}
	d.DateAdded = formatTime(added)
	if d.DateUpdated == "" {
		d.DateUpdated = d.DateAdded
	}
	c := &contact{doc: d, ms: added.UnixMilli()}
	c.encode()
	s.st.contacts[d.ID] = c
	delete(s.st.deleted, d.ID)
	loc.insert(c)
	return c
}

// replaceDocLocked installs an edited document for c and re-encodes it.
func (s *Server) replaceDocLocked(loc *location, c *contact, d contactDoc, now time.Time) {
	d.DateUpdated = formatTime(now)
	ch := s.contactEvents(&c.doc, &d) // webhooks (deliveries.go)
	c.doc = d
	loc.reindex(c)
	c.encode()
	s.emitContactChange(ch, c)
}

// deleteContactLocked removes c and everything attached to it.
func (s *Server) deleteContactLocked(loc *location, c *contact) {
	loc.remove(c)
	delete(s.st.contacts, c.doc.ID)
	s.st.deleted[c.doc.ID] = true
	for _, t := range c.tasks {
		delete(s.st.tasks, t.ID)
	}
	for _, n := range c.notes {
		delete(s.st.notes, n.ID)
	}
	appts := loc.res.peek(appointmentKind.name)
	for _, r := range s.contactEventsLocked(loc.id, c.doc.ID) {
		s.deleteRecordLocked(appts, loc.id, r)
	}
}

// duplicateOf returns the existing contact whose email or phone d would
// duplicate (ignoring self), and the matching field. For an edit (self not
// nil) only changed values are checked, so contacts that became duplicates
// while the location allowed them can still be edited.
func (loc *location) duplicateOf(d *contactDoc, self *contact) (*contact, string) {
	if d.Email != "" && (self == nil || !strings.EqualFold(d.Email, self.doc.Email)) {
		for _, c := range loc.byEmail[strings.ToLower(d.Email)] {
			if c != self {
				return c, "email"
			}
		}
	}
	if d.Phone != "" && (self == nil || d.Phone != self.doc.Phone) {
		for _, c := range loc.byPhone[d.Phone] {
			if c != self {
				return c, "phone"
			}
		}
	}
	return nil, ""
}

// AddContact stores a contact in a location directly (no HTTP, no rate
// limit, no duplicate check) and returns its ID. fields use HighLevel's JSON
// field names with JSON-compatible values (string, bool, float64/int,
// []any or []string, map[string]any). Besides the create fields
// (firstName, lastName, name, email, phone, tags, customFields with
// {id|key, field_value}, dateOfBirth, dnd, dndSettings, address1, city,
// state, country, postalCode, website, source, assignedTo, companyName,
// timezone, gender) it accepts id, type, businessId, followers,
// attributionSource, dateAdded and dateUpdated (ISO-8601 or epoch ms). It
// panics if the location is unknown or a field is invalid.
func (s *Server) AddContact(locationID string, fields map[string]any) string {
	m := normalizeInput(fields)
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.mustLocationLocked(locationID)
	var d contactDoc
	if errs := s.applyContact(loc, &d, m, modeSeed); len(errs) > 0 {
		panic("ghltest: AddContact: " + strings.Join(errs, ", "))
	}
	if d.ID != "" {
		if _, dup := s.st.contacts[d.ID]; dup {
			panic(fmt.Sprintf("ghltest: AddContact: contact %q already exists", d.ID))
		}
	}
	return s.newContactLocked(loc, d, s.now()).doc.ID
}

// normalizeInput round-trips Go values through JSON so that helpers accept
// []string, int, time.Time... exactly as the HTTP API would see them.
func normalizeInput(fields map[string]any) map[string]any {
	b, err := json.Marshal(fields)
	if err != nil {
		panic("ghltest: fields are not JSON-compatible: " + err.Error())
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	m := map[string]any{}
	if err := dec.Decode(&m); err != nil {
		panic("ghltest: " + err.Error())
	}
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// toMap decodes a JSON document into a map (numbers become float64).
func toMap(b []byte) map[string]any {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic("ghltest: " + err.Error())
	}
	return m
}

// Contact returns a JSON-shaped copy of a contact (as GET /contacts/{id}
// returns it under "contact") if it exists in the location.
func (s *Server) Contact(locationID, id string) (map[string]any, bool) {
	s.mu.RLock()
	c := s.st.contacts[id]
	var enc []byte
	if c != nil && c.doc.LocationID == locationID {
		enc = c.enc
	}
	s.mu.RUnlock()
	if enc == nil {
		return nil, false
	}
	return toMap(enc), true
}

// Contacts returns JSON-shaped copies of a location's contacts, ordered by
// dateAdded then ID.
func (s *Server) Contacts(locationID string) []map[string]any {
	s.mu.RLock()
	loc := s.st.locations[locationID]
	var encs [][]byte
	if loc != nil {
		for _, c := range loc.contacts {
			encs = append(encs, c.enc)
		}
	}
	s.mu.RUnlock()
	out := make([]map[string]any, len(encs))
	for i, e := range encs {
		out[i] = toMap(e)
	}
	return out
}

// Campaigns returns the campaign IDs a contact was added to.
func (s *Server) Campaigns(contactID string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if c := s.st.contacts[contactID]; c != nil {
		return slices.Clone(c.campaigns)
	}
	return nil
}

// Workflows returns the workflow IDs a contact was added to.
func (s *Server) Workflows(contactID string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if c := s.st.contacts[contactID]; c != nil {
		return slices.Clone(c.workflows)
	}
	return nil
}
