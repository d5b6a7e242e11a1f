package ghltest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Opportunities (apps/opportunities.json): pipelines with their stages and
// lost reasons, seeded per location on first use; opportunities in the
// generic store, with status, followers, upsert and the search of
// GET /opportunities/search (cursor meta) and POST /opportunities/search.

var pipelineKind = &kind{name: "pipelines", many: "pipelines", notFound: "Pipeline not found", located: true}

var lostReasonKind = &kind{name: "lostReasons", many: "lostReasons", notFound: "Lost reason not found", located: true, stamped: true}

var opportunityKind = &kind{
	name: "opportunities", one: "opportunity", many: "opportunities", notFound: "Opportunity not found",
	located: true, stamped: true,
	fields: parseFields("name:string pipelineId:string pipelineStageId:string status:string contactId:string " +
		"monetaryValue:number assignedTo:string source:string lostReasonId:string"),
}

func init() {
	opportunityKind.apply, opportunityKind.defaults = applyOpportunity, opportunityDefaults
	for _, k := range []*kind{pipelineKind, lostReasonKind, opportunityKind} {
		kinds[k.name] = k
	}
}

// opportunityStatuses are the statuses an opportunity can have; "all" (in
// the spec's enum) is only a search value.
var opportunityStatuses = []string{"open", "won", "lost", "abandoned"}

func statusMessage(name string) string {
	return name + " must be one of the following values: " + strings.Join(opportunityStatuses, ", ")
}

// seededPipelines are the pipelines every location starts with.
var seededPipelines = []struct {
	name   string
	stages []string
}{
	{"Sales Pipeline", []string{"New Lead", "Contacted", "Proposal Sent", "Negotiation", "Closed"}},
	{"Onboarding", []string{"Kickoff", "Setup", "Live"}},
}

var seededLostReasons = []string{"Too expensive", "Went with a competitor", "No response", "Not a fit"}

// seedOpportunityTablesLocked gives a location its pipelines and lost
// reasons the first time they are needed (a table made with Store.Put
// first is left alone, so tests can bring their own).
func (s *Server) seedOpportunityTablesLocked(locID string) {
	loc := s.st.locations[locID]
	if loc == nil {
		return
	}
	if loc.res.peek(pipelineKind.name) == nil {
		t := loc.res.tableLocked(pipelineKind.name)
		for _, p := range seededPipelines {
			stages := make([]any, len(p.stages))
			for i, name := range p.stages {
				stages[i] = map[string]any{"id": newUUID(s), "name": name, "position": int64(i),
					"showInFunnel": true, "showInPieChart": true}
			}
			d := map[string]any{"name": p.name, "stages": stages, "showInFunnel": true, "showInPieChart": true}
			s.defaultsLocked(pipelineKind, locID, d)
			t.insert(&record{seq: s.nextSeqLocked(), doc: d})
		}
	}
	if loc.res.peek(lostReasonKind.name) == nil {
		t := loc.res.tableLocked(lostReasonKind.name)
		for _, name := range seededLostReasons {
			d := map[string]any{"name": name}
			s.defaultsLocked(lostReasonKind, locID, d)
			t.insert(&record{seq: s.nextSeqLocked(), doc: d})
		}
	}
}

// seeding wraps a handler of a location-token operation so that the
// token's location has its pipelines and lost reasons first.
func (s *Server) seeding(h func(*reqCtx)) func(*reqCtx) {
	return func(c *reqCtx) {
		s.mu.Lock()
		s.seedOpportunityTablesLocked(c.p.locationID)
		s.mu.Unlock()
		h(c)
	}
}

// Pipelines returns copies of a location's pipelines (seeding the default
// ones, "Sales Pipeline" and "Onboarding", on first use), each with its
// stages {id, name, position, showInFunnel, showInPieChart}. It panics if
// the location is unknown.
func (s *Server) Pipelines(locationID string) []map[string]any {
	s.mu.Lock()
	s.mustLocationLocked(locationID)
	s.seedOpportunityTablesLocked(locationID)
	s.mu.Unlock()
	return s.Store(locationID).List(pipelineKind.name)
}

// AddOpportunity stores an opportunity in a location without HTTP and
// returns its ID. Missing fields get what a create gives: the first
// pipeline and its first stage, status "open", monetaryValue 0, no
// followers, timestamps from the server's clock. It panics if the
// location is unknown.
func (s *Server) AddOpportunity(locationID string, fields map[string]any) string {
	s.mu.Lock()
	s.mustLocationLocked(locationID)
	s.seedOpportunityTablesLocked(locationID)
	s.mu.Unlock()
	return s.Store(locationID).Put(opportunityKind.name, fields)
}

func pipelineStage(p map[string]any, stageID string) bool {
	for _, st := range asList(p["stages"]) {
		if m, _ := st.(map[string]any); m != nil && m["id"] == stageID {
			return true
		}
	}
	return false
}

func firstStage(p map[string]any) string {
	if l := asList(p["stages"]); len(l) > 0 {
		if m, _ := l[0].(map[string]any); m != nil {
			return stringField(m, "id")
		}
	}
	return ""
}

func asList(v any) []any { l, _ := v.([]any); return l }

// contactSummary is the "contact" an opportunity embeds, as at its last write.
func (s *Server) contactSummary(locID, id string) map[string]any {
	ct := s.st.contacts[id]
	if ct == nil || ct.doc.LocationID != locID {
		return nil
	}
	tags := make([]any, len(ct.doc.Tags))
	for i, t := range ct.doc.Tags {
		tags[i] = t
	}
	name := ct.doc.Name
	if name == "" {
		name = strings.TrimSpace(ct.doc.FirstName + " " + ct.doc.LastName)
	}
	return map[string]any{"id": id, "name": name, "companyName": ct.doc.CompanyName,
		"email": ct.doc.Email, "phone": ct.doc.Phone, "tags": tags}
}

// applyOpportunity validates and derives an opportunity's fields after a
// create, update or upsert copied the request's: the pipeline and stage
// must be the location's, the status one of opportunityStatuses, the
// contact the location's; it stamps status and stage changes.
func applyOpportunity(s *Server, locID string, d, body map[string]any, create bool) []string {
	s.seedOpportunityTablesLocked(locID)
	var old map[string]any
	if loc := s.st.locations[locID]; loc != nil && !create {
		if r := loc.res.peek(opportunityKind.name).get(stringField(d, "id")); r != nil {
			old = r.doc
		}
	}
	var errs []string
	if st, ok := d["status"].(string); ok && !slices.Contains(opportunityStatuses, st) {
		errs = append(errs, statusMessage("status"))
	}
	if v, ok := body["customFields"]; ok && v != nil {
		cf, e := opportunityCustomFields(v)
		errs = append(errs, e...)
		if e == nil {
			d["customFields"] = cf
		}
	}
	var p map[string]any
	if pid := stringField(d, "pipelineId"); pid != "" {
		if r := s.st.locations[locID].res.peek(pipelineKind.name).get(pid); r != nil {
			p = r.doc
		} else {
			errs = append(errs, "Pipeline not found")
		}
	}
	if p != nil {
		stage := stringField(d, "pipelineStageId")
		_, sent := body["pipelineStageId"]
		switch {
		case stage == "":
			d["pipelineStageId"] = firstStage(p)
		case !pipelineStage(p, stage) && sent:
			errs = append(errs, "pipelineStageId is not a stage of the pipeline")
		case !pipelineStage(p, stage):
			d["pipelineStageId"] = firstStage(p) // moved to another pipeline
		}
	}
	if cid := stringField(d, "contactId"); cid != "" {
		if ct := s.contactSummary(locID, cid); ct != nil {
			d["contact"] = ct
		} else {
			errs = append(errs, "Contact not found")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	if old != nil {
		now := formatTime(s.now())
		if old["status"] != d["status"] {
			d["lastStatusChangeAt"] = now
		}
		if old["pipelineStageId"] != d["pipelineStageId"] {
			d["lastStageChangeAt"] = now
		}
		d["lastActionDate"] = now
	}
	return nil
}

// opportunityCustomFields turns the request's [{id, key, field_value}]
// into the answer's [{id, fieldValue}].
func opportunityCustomFields(v any) ([]any, []string) {
	l, ok := v.([]any)
	if !ok {
		return nil, []string{typeMessage("customFields", "array")}
	}
	out := make([]any, 0, len(l))
	for _, e := range l {
		m, _ := e.(map[string]any)
		id := stringField(m, "id")
		if id == "" {
			id = stringField(m, "key")
		}
		if id == "" {
			return nil, []string{"customFields.id should not be empty"}
		}
		val := m["field_value"]
		if val == nil {
			val = m["fieldValue"]
		}
		out = append(out, map[string]any{"id": id, "fieldValue": jsonValue(val)})
	}
	return out, nil
}

func opportunityDefaults(s *Server, d map[string]any) {
	locID := stringField(d, "locationId")
	if _, ok := d["pipelineId"]; !ok {
		if loc := s.st.locations[locID]; loc != nil {
			s.seedOpportunityTablesLocked(locID)
			if ps := loc.res.peek(pipelineKind.name).all(); len(ps) > 0 {
				d["pipelineId"] = ps[0].id()
				setDefault(d, "pipelineStageId", firstStage(ps[0].doc))
			}
		}
	}
	setDefault(d, "name", "")
	setDefault(d, "status", "open")
	setDefault(d, "monetaryValue", int64(0))
	setDefault(d, "source", "")
	setDefault(d, "followers", []any{})
	setDefault(d, "customFields", []any{})
	setDefault(d, "lastStatusChangeAt", d["createdAt"])
	setDefault(d, "lastStageChangeAt", d["createdAt"])
	setDefault(d, "lastActionDate", d["createdAt"])
	setDefault(d, "indexVersion", "1")
	if _, ok := d["contact"]; !ok {
		if ct := s.contactSummary(locID, stringField(d, "contactId")); ct != nil {
			d["contact"] = ct
		}
	}
}

func (s *Server) registerOpportunityRoutes() {
	o := opportunityKind
	s.crud("/opportunities/", "/opportunities/{id}",
		op{},
		op{k: o, in: inBodyLocation, status: http.StatusCreated, env: envelope{"", "opportunity"}},
		op{k: o, in: inTokenLocation, env: envelope{"", "opportunity"}},
		op{k: o, in: inTokenLocation, env: envelope{"", "opportunity"}},
		op{k: o, in: inTokenLocation})
	s.handle("PUT", "/opportunities/{id}/status", s.opportunityStatus)
	s.handle("POST", "/opportunities/{id}/followers", s.opportunityFollowers(true))
	s.handle("DELETE", "/opportunities/{id}/followers", s.opportunityFollowers(false))
	s.handle("POST", "/opportunities/upsert", s.upsertOpportunity)
	s.handle("GET", "/opportunities/search", s.searchOpportunities)
	s.handle("POST", "/opportunities/search", s.searchOpportunitiesAdvanced)
	s.handle("GET", "/opportunities/pipelines", s.seeding(s.listH(op{k: pipelineKind, in: inQueryLocation})))
	s.handle("GET", "/opportunities/lost-reason", s.seeding(s.listH(op{k: lostReasonKind, in: inQueryLocation,
		pager: skipLimit(100), count: "total", filter: lostReasonFilter})))
}

// lostReasonFilter is the search of GET /opportunities/lost-reason: name
// (exact, any case), query (a substring of the name) and deleted (default
// false: deleted reasons are hidden).
func lostReasonFilter(c *reqCtx) func(map[string]any) bool {
	q := c.q()
	name, query, deleted := q.Get("name"), q.Get("query"), q.Get("deleted") == "true"
	return func(d map[string]any) bool {
		isDeleted, _ := d["deleted"].(bool)
		return (name == "" || strings.EqualFold(stringField(d, "name"), name)) &&
			(query == "" || hasFold(stringField(d, "name"), query)) && isDeleted == deleted
	}
}

// opportunityLocked finds the opportunity the path names (404 otherwise).
func (c *reqCtx) opportunityLocked() (*rtable, *record) {
	t, _, r := c.recordLocked(op{k: opportunityKind, in: inTokenLocation}, nil)
	return t, r
}

// opportunityStatus is PUT /opportunities/{id}/status: {status,
// lostReasonId} → {"succeded":true}.
func (s *Server) opportunityStatus(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	st, _ := m["status"].(string)
	var errs []string
	if !slices.Contains(opportunityStatuses, st) {
		errs = append(errs, statusMessage("status"))
	}
	reason, hasReason := m["lostReasonId"]
	if hasReason && reason != nil && !hasType(reason, "string") {
		errs = append(errs, typeMessage("lostReasonId", "string"))
	}
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, r := c.opportunityLocked()
	if r == nil {
		return
	}
	doc := cloneJSON(r.doc).(map[string]any)
	now := formatTime(s.now())
	if doc["status"] != st {
		doc["status"] = st
		doc["lastStatusChangeAt"] = now
	}
	if id, _ := reason.(string); id != "" {
		doc["lostReasonId"] = id
	}
	doc["lastActionDate"] = now
	doc["updatedAt"] = now
	t.replace(r, doc)
	s.emit("OpportunityStatusUpdate", c.p.locationID, r.enc)
	c.rawJSON(http.StatusOK, succeded)
}

// opportunityFollowers is POST (add) and DELETE (remove; with the query
// isRemoveAllFollowers=true, all) /opportunities/{id}/followers. They
// answer the followers after the change and those added or removed.
func (s *Server) opportunityFollowers(add bool) func(*reqCtx) {
	return func(c *reqCtx) {
		m, ok := c.validBody()
		if !ok {
			return
		}
		ids, msg := stringList(m["followers"], "followers")
		if msg != "" {
			c.unprocessable(msg)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		t, r := c.opportunityLocked()
		if r == nil {
			return
		}
		doc := cloneJSON(r.doc).(map[string]any)
		have := stringsOf(doc["followers"])
		var changed []string
		if add {
			have, changed = addFollowers(have, ids)
		} else {
			if c.q().Get("isRemoveAllFollowers") == "true" {
				ids = have
			}
			have, changed = removeFollowers(have, ids)
		}
		doc["followers"] = anyList(have)
		doc["updatedAt"] = formatTime(s.now())
		t.replace(r, doc)
		s.emitRecord(recUpdate, opportunityKind, c.p.locationID, nil, r)
		if add {
			c.json(http.StatusCreated, map[string]any{"followers": anyList(have), "followersAdded": anyList(changed)})
			return
		}
		c.json(http.StatusOK, map[string]any{"followers": anyList(have), "followersRemoved": anyList(changed)})
	}
}

func addFollowers(have, ids []string) (out, added []string) {
	out = slices.Clone(have)
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
			added = append(added, id)
		}
	}
	return out, added
}

func removeFollowers(have, ids []string) (out, removed []string) {
	for _, id := range have {
		if slices.Contains(ids, id) {
			removed = append(removed, id)
		} else {
			out = append(out, id)
		}
	}
	return out, removed
}

func anyList(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

// upsertOpportunity is POST /opportunities/upsert. It updates the
// opportunity named by id (404 if there is none), else the first one of
// the location with the same pipelineId and contactId (contactId is not
// in the spec's UpsertOpportunityDto, but is what the API matches on),
// else creates one. followers are added or removed as followersActionType
// says, after all are dropped if isRemoveAllFollowers. It answers
// {"opportunity":{...},"new":bool}.
func (s *Server) upsertOpportunity(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	locID, _ := m["locationId"].(string)
	if !c.checkLocation(locID) {
		return
	}
	ids, msg := stringList(m["followers"], "followers")
	var errs []string
	if msg != "" {
		errs = append(errs, msg)
	}
	action, _ := m["followersActionType"].(string)
	if action != "add" && action != "remove" {
		errs = append(errs, "followersActionType must be one of the following values: add, remove")
	}
	removeAll, _ := m["isRemoveAllFollowers"].(bool)
	body := maps(m)
	if v, ok := body["monetaryValue"]; ok && v != nil && !hasType(v, "number") {
		errs = append(errs, typeMessage("monetaryValue", "number"))
	}
	if cid, ok := body["contactId"]; ok && cid != nil && !hasType(cid, "string") {
		errs = append(errs, typeMessage("contactId", "string"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	s.seedOpportunityTablesLocked(locID)
	t := sc.tableLocked(opportunityKind.name)
	var r *record
	if id := stringField(m, "id"); id != "" {
		if r = t.get(id); r == nil {
			c.notFound(opportunityKind.notFound)
			return
		}
	} else if cid := stringField(m, "contactId"); cid != "" {
		for _, x := range t.all() {
			if x.doc["contactId"] == cid && x.doc["pipelineId"] == m["pipelineId"] {
				r = x
				break
			}
		}
	}
	create := r == nil
	doc, old := map[string]any{}, map[string]any(nil)
	if !create {
		doc, old = cloneJSON(r.doc).(map[string]any), r.doc
	}
	errs = append(errs, applyFields(opportunityKind, doc, body)...)
	if len(errs) == 0 {
		errs = applyOpportunity(s, locID, doc, body, create)
	}
	if len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	have := stringsOf(doc["followers"])
	if removeAll {
		have = nil
	}
	if action == "add" {
		have, _ = addFollowers(have, ids)
	} else {
		have, _ = removeFollowers(have, ids)
	}
	doc["followers"] = anyList(have)
	if create {
		s.defaultsLocked(opportunityKind, locID, doc)
		r = &record{seq: s.nextSeqLocked(), doc: doc}
		t.insert(r)
	} else {
		doc["updatedAt"] = formatTime(s.now())
		t.replace(r, doc)
	}
	s.emitRecord(upsertOp(create), opportunityKind, locID, old, r)
	c.rawJSON(http.StatusOK, envelope{`"new":` + strconv.FormatBool(create) + `,`, "opportunity"}.wrap(r.enc))
}

// maps returns the upsert body without the fields that are not the
// opportunity's own.
func maps(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch k {
		case "id", "locationId", "followers", "isRemoveAllFollowers", "followersActionType":
		default:
			out[k] = v
		}
	}
	return out
}

// createdMs is the epoch ms of a record's createdAt.
func createdMs(r *record) int64 {
	t, _ := parseTimeLoose(stringField(r.doc, "createdAt"))
	return t.UnixMilli()
}

// opportunityMatch is the filter of the searches: pipeline_id,
// pipeline_stage_id, contact_id, status ("all" or none: any), assigned_to,
// id and q (a substring of the name or of the contact's name, email,
// phone or company name, any case).
func opportunityMatch(pipeline, stage, contact, status, assigned, id, q string) func(map[string]any) bool {
	return func(d map[string]any) bool {
		if (pipeline != "" && d["pipelineId"] != pipeline) || (stage != "" && d["pipelineStageId"] != stage) ||
			(contact != "" && d["contactId"] != contact) || (status != "" && status != "all" && d["status"] != status) ||
			(assigned != "" && d["assignedTo"] != assigned) || (id != "" && d["id"] != id) {
			return false
		}
		if q == "" || hasFold(stringField(d, "name"), q) {
			return true
		}
		ct, _ := d["contact"].(map[string]any)
		for _, k := range []string{"name", "email", "phone", "companyName"} {
			if hasFold(stringField(ct, k), q) {
				return true
			}
		}
		return false
	}
}

// sortedOpportunities returns the location's opportunities that keep
// passes, by createdAt (then creation order), oldest first or, with desc,
// newest first.
func sortedOpportunities(t *rtable, keep func(map[string]any) bool, desc bool) []*record {
	var recs []*record
	for _, r := range t.all() {
		if keep(r.doc) {
			recs = append(recs, r)
		}
	}
	slices.SortStableFunc(recs, func(a, b *record) int {
		x, y := createdMs(a), createdMs(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return compareSeq(a.seq, b.seq)
	})
	if desc {
		slices.Reverse(recs)
	}
	return recs
}

// Search limits (GET /opportunities/search).
const (
	opportunityPageDefault = 20
	opportunityPageMax     = 100
)

// searchOpportunities is GET /opportunities/search. Results are ordered by
// createdAt, newest first (order=added_asc: oldest first), and paged by
// limit (default 20, max 100) with either the cursor startAfterId (plus
// startAfter, the epoch ms of the previous page's last createdAt) or
// page. It answers {"opportunities":[...],"meta":{"total",
// "nextPageUrl","startAfterId","startAfter","currentPage","nextPage",
// "prevPage"},"aggregations":{}}; nextPageUrl and nextPage are null on
// the last page.
func (s *Server) searchOpportunities(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	q := c.q()
	locID := q.Get("location_id")
	if !c.checkLocation(locID) {
		return
	}
	limit, ok := c.stringParamInt("limit", opportunityPageDefault)
	if !ok {
		return
	}
	if limit > opportunityPageMax {
		c.unprocessable("limit must not be greater than " + strconv.Itoa(opportunityPageMax))
		return
	}
	if limit == 0 {
		limit = opportunityPageDefault
	}
	page, ok := c.stringParamInt("page", 1)
	if !ok {
		return
	}
	page = max(page, 1)
	if st := q.Get("status"); st != "" && st != "all" && !slices.Contains(opportunityStatuses, st) {
		c.unprocessable("status must be one of the following values: open, won, lost, abandoned, all")
		return
	}
	order := q.Get("order")
	if order != "" && order != "added_asc" && order != "added_desc" {
		c.unprocessable("order must be one of the following values: added_asc, added_desc")
		return
	}
	keep := opportunityMatch(q.Get("pipeline_id"), q.Get("pipeline_stage_id"), q.Get("contact_id"),
		q.Get("status"), q.Get("assigned_to"), q.Get("id"), q.Get("q"))
	s.mu.RLock()
	defer s.mu.RUnlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	desc := order != "added_asc"
	recs := sortedOpportunities(sc.peek(opportunityKind.name), keep, desc)
	start := (page - 1) * limit
	if id, after := q.Get("startAfterId"), q.Get("startAfter"); id != "" || after != "" {
		start = cursorStart(recs, id, after, desc)
		page = start/limit + 1
	}
	start = min(start, len(recs))
	end := min(start+limit, len(recs))
	meta := map[string]any{"total": len(recs), "currentPage": page, "nextPageUrl": nil, "nextPage": nil,
		"prevPage": nil, "startAfterId": nil, "startAfter": nil}
	if page > 1 {
		meta["prevPage"] = page - 1
	}
	if end > start {
		last := recs[end-1]
		meta["startAfterId"] = last.id()
		meta["startAfter"] = createdMs(last)
		if end < len(recs) {
			next := url.Values{}
			for k, v := range q {
				next[k] = v
			}
			next.Set("startAfterId", last.id())
			next.Set("startAfter", strconv.FormatInt(createdMs(last), 10))
			next.Set("page", strconv.Itoa(page+1))
			meta["nextPage"] = page + 1
			meta["nextPageUrl"] = "http://" + c.r.Host + "/opportunities/search?" + next.Encode()
		}
	}
	c.rawJSON(http.StatusOK, listJSON(opportunityKind.many, recs[start:end], `,"meta":`+string(marshal(meta))+`,"aggregations":{}`))
}

// cursorStart is the index just past the cursor: the record with ID id
// if it is in recs, else the first record past epoch ms after.
func cursorStart(recs []*record, id, after string, desc bool) int {
	if id != "" {
		for i, r := range recs {
			if r.id() == id {
				return i + 1
			}
		}
	}
	ms, err := strconv.ParseInt(after, 10, 64)
	if err != nil {
		return len(recs)
	}
	for i, r := range recs {
		if x := createdMs(r); (desc && x < ms) || (!desc && x > ms) {
			return i
		}
	}
	return len(recs)
}

// searchOpportunitiesAdvanced is POST /opportunities/search: {locationId,
// query, limit, page, searchAfter, additionalDetails} plus the optional
// filters [{field, operator:"eq", value}] on pipeline_id,
// pipeline_stage_id, contact_id, status, assigned_to and id. Results are
// ordered as GET's (newest first) and paged by page, or by searchAfter
// [createdAt ms, id] of the previous page's last item; it answers
// {"opportunities":[...],"total":N,"aggregations":{}}.
func (s *Server) searchOpportunitiesAdvanced(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	locID, _ := m["locationId"].(string)
	if !c.checkLocation(locID) {
		return
	}
	limit, page := numberField(m, "limit"), numberField(m, "page")
	if limit <= 0 {
		limit = opportunityPageDefault
	}
	if limit > opportunityPageMax*5 {
		c.unprocessable("limit must not be greater than " + strconv.Itoa(opportunityPageMax*5))
		return
	}
	f := map[string]string{}
	for _, e := range asList(m["filters"]) {
		fm, _ := e.(map[string]any)
		field, val := stringField(fm, "field"), stringField(fm, "value")
		switch field {
		case "pipeline_id", "pipeline_stage_id", "contact_id", "status", "assigned_to", "id":
			f[field] = val
		default:
			c.unprocessable("filters.field " + strconv.Quote(field) + " is not a supported filter field")
			return
		}
	}
	keep := opportunityMatch(f["pipeline_id"], f["pipeline_stage_id"], f["contact_id"], f["status"],
		f["assigned_to"], f["id"], stringField(m, "query"))
	s.mu.RLock()
	defer s.mu.RUnlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	recs := sortedOpportunities(sc.peek(opportunityKind.name), keep, true)
	start := (max(page, 1) - 1) * limit
	if sa := stringsOf(m["searchAfter"]); len(sa) == 2 {
		start = cursorStart(recs, sa[1], sa[0], true)
	}
	start = min(start, len(recs))
	end := min(start+limit, len(recs))
	c.rawJSON(http.StatusOK, listJSON(opportunityKind.many, recs[start:end], `,"total":`+strconv.Itoa(len(recs))+`,"aggregations":{}`))
}

// numberField reads an integer body field (0 if absent or not a number).
func numberField(m map[string]any, k string) int {
	switch v := jsonValue(m[k]).(type) {
	case int64:
		return int(v)
	case float64:
		return int(v)
	}
	return 0
}
