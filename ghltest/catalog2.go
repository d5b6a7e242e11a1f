package ghltest

import (
	"net/http"
	"slices"
	"strings"
)

// Associations and relations (apps/associations.json), blogs (blogs.json),
// snapshots (snapshots.json), custom fields v2 (custom-fields.json) and
// calendar schedules (the schedule operations of calendars.json). Field
// names, envelope keys and statuses are the specs'.

func init() {
	for _, k := range []*kind{associationKind, relationKind} {
		kinds[k.name] = k
	}
}

func (s *Server) registerCatalog2Routes() {
	s.registerAssociationRoutes()
}

// view projects a document onto a schema's keys, answering its "id" as
// idKey when that is not "id" (e.g. "_id").
func view(d map[string]any, keys []string, idKey string) map[string]any {
	m := projectKeys(d, keys)
	if idKey != "id" {
		m[idKey] = d["id"]
	}
	return m
}

// page cuts recs with the pager, answering 422 for a malformed parameter.
func (c *reqCtx) page(p pager, recs []*record) ([]*record, bool) {
	start, end, ok := p.window(c, recs)
	if !ok {
		return nil, false
	}
	return recs[start:end], true
}

// views projects records for a list answer.
func views(recs []*record, keys []string, idKey string) []any {
	out := make([]any, 0, len(recs))
	for _, r := range recs {
		out = append(out, view(r.doc, keys, idKey))
	}
	return out
}

// Associations.

var associationKind = &kind{
	name: "associations", notFound: "Association not found", located: true,
	// The spec types labels and object keys as untyped objects; its
	// examples are strings, so any JSON value is kept.
	fields: parseFields("key:string firstObjectLabel:any firstObjectKey:any secondObjectLabel:any secondObjectKey:any"),
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "associationType", "USER_DEFINED")
	},
	onDelete: func(s *Server, locID string, r *record) {
		loc := s.st.locations[locID]
		if loc == nil {
			return
		}
		t := loc.res.peek(relationKind.name)
		for _, rel := range slices.Clone(t.childrenOf(r.id())) {
			t.remove(rel)
		}
	},
}

// relationKind links to its association (deleting one deletes them).
var relationKind = &kind{
	name: "relations", notFound: "Relation not found", located: true,
	links: func(d map[string]any) []string { return []string{stringField(d, "associationId")} },
}

// associationKeys are GetPostSuccessfulResponse's, the answer of every
// association and relation operation but delete-association.
var associationKeys = strings.Fields("locationId id key firstObjectLabel firstObjectKey secondObjectLabel secondObjectKey associationType")

// relationView answers a relation in the association schema: its own id
// and location, its association's key, labels, object keys and type.
func relationView(sc *scope, rel *record) []byte {
	m := map[string]any{}
	if a := sc.peek(associationKind.name).get(stringField(rel.doc, "associationId")); a != nil {
		m = projectKeys(a.doc, associationKeys)
	}
	m["id"], m["locationId"] = rel.doc["id"], rel.doc["locationId"]
	return marshal(m)
}

func (s *Server) registerAssociationRoutes() {
	a := associationKind
	s.handle("POST", "/associations/", s.createAssociation)
	s.handle("GET", "/associations/", s.findAssociations)
	s.handle("GET", "/associations/key/{key_name}", s.associationBy(func(c *reqCtx, d map[string]any) bool {
		return d["key"] == c.param("key_name")
	}))
	s.handle("GET", "/associations/objectKey/{objectKey}", s.associationBy(func(c *reqCtx, d map[string]any) bool {
		k := c.param("objectKey")
		return d["firstObjectKey"] == k || d["secondObjectKey"] == k
	}))
	s.handle("GET", "/associations/{associationId}", s.getH(op{k: a, in: inTokenLocation, status: http.StatusOK}))
	s.handle("PUT", "/associations/{associationId}", s.updateAssociation)
	s.handle("DELETE", "/associations/{associationId}", s.deleteH(op{k: a, in: inTokenLocation, status: http.StatusOK,
		deleted: func(r *record) []byte {
			return marshal(map[string]any{"deleted": true, "id": r.id(), "message": "Association deleted successfully"})
		}}))
	s.handle("POST", "/associations/relations", s.createRelation)
	s.handle("GET", "/associations/relations/{recordId}", s.relationsByRecord)
	s.handle("DELETE", "/associations/relations/{relationId}", s.deleteRelation)
}

// validAssociationBody is validBody with the spec's untyped objects
// (labels and object keys) accepting any value: its examples are strings.
func (c *reqCtx) validAssociationBody() (map[string]any, bool) {
	if !c.validQuery() {
		return nil, false
	}
	m, ok := c.decodeBody()
	if !ok {
		return nil, false
	}
	fs := slices.Clone(c.rt.body)
	for i, f := range fs {
		if f.typ == "object" {
			fs[i].typ = "any"
		}
	}
	if errs := bodyErrors(m, fs); errs != nil {
		c.unprocessable(errs...)
		return nil, false
	}
	return m, true
}

func (s *Server) createAssociation(c *reqCtx) {
	m, ok := c.validAssociationBody()
	if !ok {
		return
	}
	doc := map[string]any{}
	if errs := applyFields(associationKind, doc, m); errs != nil {
		c.unprocessable(errs...)
		return
	}
	for _, k := range []string{"firstObjectKey", "secondObjectKey"} {
		if _, isStr := doc[k].(string); !isStr {
			c.unprocessable(k + " must be a string")
			return
		}
	}
	locID := stringField(m, "locationId")
	if !c.checkLocation(locID) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	for _, r := range sc.peek(associationKind.name).all() {
		if r.doc["key"] == doc["key"] {
			c.badRequest("Association with key " + stringField(doc, "key") + " already exists")
			return
		}
	}
	s.defaultsLocked(associationKind, locID, doc)
	r := &record{seq: s.nextSeqLocked(), doc: doc}
	sc.tableLocked(associationKind.name).insert(r)
	c.rawJSON(http.StatusCreated, r.enc)
}

// findAssociations pages the location's associations by skip and limit.
// The spec answers one association (GetPostSuccessfulResponse), not a
// list: the emulator answers the page's first, and 404 for an empty page.
func (s *Server) findAssociations(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	locID := c.q().Get("locationId")
	if !c.checkLocation(locID) {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	recs, ok := c.page(skipLimit(100), sc.peek(associationKind.name).all())
	if !ok {
		return
	}
	if len(recs) == 0 {
		c.notFound(associationKind.notFound)
		return
	}
	c.rawJSON(http.StatusOK, recs[0].enc)
}

// associationBy answers the first association of the location (the
// locationId query parameter, else the token's) that match accepts.
func (s *Server) associationBy(match func(*reqCtx, map[string]any) bool) func(*reqCtx) {
	return func(c *reqCtx) {
		if !c.validQuery() {
			return
		}
		locID := c.q().Get("locationId")
		if locID == "" {
			locID = c.p.locationID
		}
		if !c.checkLocation(locID) {
			return
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		sc := c.scopeLocked(locID)
		if sc == nil {
			return
		}
		for _, r := range sc.peek(associationKind.name).all() {
			if match(c, r.doc) {
				c.rawJSON(http.StatusOK, r.enc)
				return
			}
		}
		c.notFound(associationKind.notFound)
	}
}

// updateAssociation changes an association's labels (nothing else).
func (s *Server) updateAssociation(c *reqCtx) {
	m, ok := c.validAssociationBody()
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, _, r := c.recordLocked(op{k: associationKind, in: inTokenLocation}, m)
	if r == nil {
		return
	}
	doc := cloneJSON(r.doc).(map[string]any)
	for _, k := range []string{"firstObjectLabel", "secondObjectLabel"} {
		doc[k] = jsonValue(m[k])
	}
	t.replace(r, doc)
	c.rawJSON(http.StatusOK, r.enc)
}

func (s *Server) createRelation(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	locID := stringField(m, "locationId")
	if !c.checkLocation(locID) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	if sc.peek(associationKind.name).get(stringField(m, "associationId")) == nil {
		c.notFound(associationKind.notFound)
		return
	}
	doc := map[string]any{}
	for _, k := range []string{"associationId", "firstRecordId", "secondRecordId"} {
		doc[k] = stringField(m, k)
	}
	for _, r := range sc.peek(relationKind.name).childrenOf(stringField(m, "associationId")) {
		if r.doc["firstRecordId"] == doc["firstRecordId"] && r.doc["secondRecordId"] == doc["secondRecordId"] {
			c.badRequest("Relation already exists")
			return
		}
	}
	s.defaultsLocked(relationKind, locID, doc)
	r := &record{seq: s.nextSeqLocked(), doc: doc}
	sc.tableLocked(relationKind.name).insert(r)
	c.rawJSON(http.StatusCreated, relationView(sc, r))
}

// relationsByRecord pages the relations of a record (either side), of the
// associationIds given, by skip and limit. Like find-associations it
// answers the page's first (the spec's single object), 404 for none.
func (s *Server) relationsByRecord(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	locID := c.q().Get("locationId")
	if !c.checkLocation(locID) {
		return
	}
	id, assocs := c.param("recordId"), c.qArray("associationIds")
	s.mu.RLock()
	defer s.mu.RUnlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	var recs []*record
	for _, r := range sc.peek(relationKind.name).all() {
		if (r.doc["firstRecordId"] == id || r.doc["secondRecordId"] == id) &&
			(len(assocs) == 0 || slices.Contains(assocs, stringField(r.doc, "associationId"))) {
			recs = append(recs, r)
		}
	}
	recs, ok := c.page(skipLimit(100), recs)
	if !ok {
		return
	}
	if len(recs) == 0 {
		c.notFound(relationKind.notFound)
		return
	}
	c.rawJSON(http.StatusOK, relationView(sc, recs[0]))
}

func (s *Server) deleteRelation(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	locID := c.q().Get("locationId")
	if !c.checkLocation(locID) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	t := sc.peek(relationKind.name)
	r := t.get(c.param("relationId"))
	if r == nil {
		c.notFound(relationKind.notFound)
		return
	}
	enc := relationView(sc, r)
	s.deleteRecordLocked(t, locID, r)
	c.rawJSON(http.StatusOK, enc)
}
