package ghltest

import (
	"net/http"
	"slices"
	"strings"
)

// Kinds of the generic store and the operations on them. Field names,
// envelope keys and statuses are those of the specs (apps/businesses.json,
// users.json, workflows.json, campaigns.json, locations.json), including
// their spellings ("buiseness", "succeded").

var businessKind = &kind{
	name: "businesses", one: "business", many: "businesses", notFound: "Business not found",
	located: true, stamped: true,
	fields: parseFields("name:string phone:string email:string website:string address:string city:string " +
		"description:string state:string postalCode:string country:string"),
	newID:    func(s *Server) string { return newObjectID(s.rng, s.now()) },
	onDelete: detachContacts,
}

// detachContacts empties the businessId of a deleted business's contacts.
func detachContacts(s *Server, locationID string, r *record) {
	loc := s.st.locations[locationID]
	if loc == nil {
		return
	}
	now := s.now()
	for _, ct := range loc.contacts {
		if ct.doc.BusinessID == r.id() {
			d := cloneDoc(ct.doc)
			d.BusinessID = ""
			s.replaceDocLocked(loc, ct, d, now)
		}
	}
}

var workflowKind = &kind{
	name: "workflows", many: "workflows", notFound: "Workflow not found", located: true, stamped: true,
	newID: func(s *Server) string { return newUUID(s) },
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "name", "Workflow")
		setDefault(d, "status", "draft")
		setDefault(d, "version", int64(1))
	},
}

var campaignKind = &kind{
	name: "campaigns", many: "campaigns", notFound: "Campaign not found", located: true,
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "name", "Campaign")
		setDefault(d, "status", "published")
	},
}

var customFieldKind = &kind{
	name: "customFields", one: "customField", many: "customFields", notFound: "Custom field not found",
	located: true,
	fields:  parseFields("name:string placeholder:string position:number model:string"),
	apply: func(s *Server, locID string, d, body map[string]any, create bool) []string {
		var errs []string
		if m, ok := d["model"]; ok && m != "contact" && m != "opportunity" {
			errs = append(errs, "model must be one of the following values: contact, opportunity")
		}
		if v, ok := body["isMultipleFile"]; ok {
			if b, isBool := v.(bool); isBool {
				d["isMultiFileAllowed"] = b
			} else {
				errs = append(errs, typeMessage("isMultipleFile", "boolean"))
			}
		}
		if v, ok := body["maxNumberOfFiles"]; ok {
			if hasType(v, "number") {
				d["maxFileLimit"] = jsonValue(v)
			} else {
				errs = append(errs, typeMessage("maxNumberOfFiles", "number"))
			}
		}
		if create {
			d["dataType"] = body["dataType"]
		}
		return errs
	},
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "model", "contact")
		setDefault(d, "position", int64(0))
		name, _ := d["name"].(string)
		model, _ := d["model"].(string)
		setDefault(d, "fieldKey", model+"."+snakeKey(name))
		if model == "contact" {
			if loc := s.st.locations[stringField(d, "locationId")]; loc != nil {
				key, _ := d["fieldKey"].(string)
				loc.cfKeys[strings.TrimPrefix(key, "contact.")] = stringField(d, "id")
			}
		}
	},
}

var customValueKind = &kind{
	name: "customValues", one: "customValue", many: "customValues", notFound: "Custom value not found",
	located: true,
	fields:  parseFields("name:string value:string"),
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "fieldKey", "{{ custom_values."+snakeKey(stringField(d, "name"))+" }}")
	},
}

var tagKind = &kind{
	name: "tags", one: "tag", many: "tags", notFound: "Tag not found", located: true,
	fields: parseFields("name:string"),
}

var userKind = &kind{
	name: "users", many: "users", notFound: "User not found",
	fields: parseFields("firstName:string lastName:string email:string phone:string permissions:object " +
		"scopes:array platformLanguage:string"),
	links: func(d map[string]any) []string {
		roles, _ := d["roles"].(map[string]any)
		return stringsOf(roles["locationIds"])
	},
	apply: func(s *Server, _ string, d, body map[string]any, create bool) []string {
		var errs []string
		roles, _ := d["roles"].(map[string]any)
		if roles == nil {
			roles = map[string]any{"restrictSubAccount": false}
		}
		for _, f := range parseFields("type:string role:string locationIds:array") {
			if v, ok := body[f.name]; ok && v != nil {
				if !hasType(v, f.typ) {
					errs = append(errs, typeMessage(f.name, f.typ))
					continue
				}
				roles[f.name] = jsonValue(v)
			}
		}
		if v, ok := body["password"]; ok && !hasType(v, "string") {
			errs = append(errs, typeMessage("password", "string"))
		}
		d["roles"] = roles
		d["name"] = strings.TrimSpace(stringField(d, "firstName") + " " + stringField(d, "lastName"))
		return errs
	},
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "extension", "")
		setDefault(d, "deleted", false)
		setDefault(d, "roles", map[string]any{"type": "account", "role": "user", "locationIds": []any{}, "restrictSubAccount": false})
		setDefault(d, "name", strings.TrimSpace(stringField(d, "firstName")+" "+stringField(d, "lastName")))
	},
}

var kinds = indexKinds(businessKind, workflowKind, campaignKind, customFieldKind, customValueKind, tagKind, userKind)

func setDefault(d map[string]any, k string, v any) {
	if _, ok := d[k]; !ok {
		d[k] = v
	}
}

func stringField(d map[string]any, k string) string { s, _ := d[k].(string); return s }

// snakeKey turns a field name into its key: "Pin Code" → "pin_code".
func snakeKey(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// newUUID returns a version-4 UUID from the seeded generator (workflow IDs).
func newUUID(s *Server) string {
	const hexd = "0123456789abcdef"
	b := []byte("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx")
	for i, ch := range b {
		switch ch {
		case 'x':
			b[i] = hexd[s.rng.IntN(16)]
		case 'y':
			b[i] = hexd[8+s.rng.IntN(4)]
		}
	}
	return string(b)
}

// checkCompany answers 403 unless companyID is the token's company.
func (c *reqCtx) checkCompany(companyID string) bool {
	if companyID != c.p.companyID {
		c.fail(http.StatusForbidden, "The token does not have access to this company", "")
		return false
	}
	return true
}

func bodyCompany(c *reqCtx, m map[string]any) bool {
	id, _ := m["companyId"].(string)
	return c.checkCompany(id)
}

func (s *Server) registerCatalogRoutes() {
	b := businessKind
	s.crud("/businesses/", "/businesses/{businessId}",
		op{k: b, in: inQueryLocation, pager: skipLimit(100)},
		op{k: b, in: inBodyLocation, status: http.StatusCreated, env: envelope{`"success":true,`, "buiseness"}},
		op{k: b, in: inTokenLocation, env: envelope{"", "business"}},
		op{k: b, in: inTokenLocation, env: envelope{`"success":true,`, "buiseness"}},
		op{k: b, in: inTokenLocation, deleted: func(*record) []byte { return []byte(`{"success":true}`) }})

	s.handle("GET", "/workflows/", s.listH(op{k: workflowKind, in: inQueryLocation}))
	s.handle("GET", "/campaigns/", s.listH(op{k: campaignKind, in: inQueryLocation, filter: func(c *reqCtx) func(map[string]any) bool {
		st := c.q().Get("status")
		return func(d map[string]any) bool { return st == "" || d["status"] == st }
	}}))

	for _, k := range []*kind{customFieldKind, customValueKind, tagKind} {
		created, item := http.StatusCreated, "/{id}"
		if k == tagKind {
			created, item = http.StatusOK, "/{tagId}" // the spec's 200 for create-tag
		}
		one := envelope{"", k.one}
		list := op{k: k, in: inPathLocation}
		if k == customFieldKind {
			list.filter = func(c *reqCtx) func(map[string]any) bool {
				m := c.q().Get("model")
				return func(d map[string]any) bool { return m == "" || m == "all" || d["model"] == m }
			}
		}
		coll := "/locations/{locationId}/" + k.name
		s.crud(coll, coll+item, list,
			op{k: k, in: inPathLocation, status: created, env: one},
			op{k: k, in: inPathLocation, env: one},
			op{k: k, in: inPathLocation, env: one},
			op{k: k, in: inPathLocation})
	}

	u := userKind
	s.crud("/users/", "/users/{userId}",
		op{k: u, in: inTokenCompany,
			check:  func(c *reqCtx, _ map[string]any) bool { return c.checkLocation(c.q().Get("locationId")) },
			source: func(c *reqCtx, t *rtable) []*record { return t.childrenOf(c.q().Get("locationId")) }},
		op{k: u, in: inTokenCompany, status: http.StatusCreated, check: bodyCompany},
		op{k: u, in: inTokenCompany},
		op{k: u, in: inTokenCompany},
		op{k: u, in: inTokenCompany, deleted: func(r *record) []byte {
			return marshal(map[string]any{"succeded": true, "message": "Queued deleting user with e-mail " +
				stringField(r.doc, "email") + " and name " + stringField(r.doc, "name") + ". Will take effect in a few minutes."})
		}})
	s.handle("GET", "/users/search", s.listH(op{k: u, in: inTokenCompany, pager: skipLimit(25), count: "count",
		check:  func(c *reqCtx, _ map[string]any) bool { return c.checkCompany(c.q().Get("companyId")) },
		filter: userFilter}))
	s.handle("POST", "/users/search/filter-by-email", s.filterUsersByEmail)

	s.registerLocationRoutes()
	s.registerOpportunityRoutes()
	s.registerConversationRoutes()
	s.registerCalendarRoutes()
	s.registerCatalog2Routes()
	s.registerSnapshotRoutes()
	s.registerConversationsMoreRoutes()
	s.registerLocationsMoreRoutes()
}

// userFilter is the search of GET /users/search: query (a substring of the
// name or email), locationId, type, role and ids (comma-separated).
func userFilter(c *reqCtx) func(map[string]any) bool {
	q := c.q()
	query, loc, typ, role := q.Get("query"), q.Get("locationId"), q.Get("type"), q.Get("role")
	var ids []string
	if v := q.Get("ids"); v != "" {
		ids = strings.Split(v, ",")
	}
	return func(d map[string]any) bool {
		roles, _ := d["roles"].(map[string]any)
		return (query == "" || hasFold(stringField(d, "name"), query) || hasFold(stringField(d, "email"), query)) &&
			(loc == "" || slices.Contains(stringsOf(roles["locationIds"]), loc)) &&
			(typ == "" || roles["type"] == typ) && (role == "" || roles["role"] == role) &&
			(ids == nil || slices.Contains(ids, stringField(d, "id")))
	}
}

// filterUsersByEmail is POST /users/search/filter-by-email: the company's
// users whose email is one of emails (comma-separated, any case), paged by
// the body's skip and limit.
func (s *Server) filterUsersByEmail(c *reqCtx) {
	m, ok := c.validBody()
	if !ok || !bodyCompany(c, m) {
		return
	}
	want := map[string]bool{}
	for _, e := range strings.Split(stringField(m, "emails"), ",") {
		want[strings.ToLower(strings.TrimSpace(e))] = true
	}
	// skip and limit are body fields here; page them as the query would be.
	q := c.q()
	for _, k := range []string{"skip", "limit"} {
		if v, ok := m[k].(string); ok {
			q.Set(k, v)
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var recs []*record
	for _, r := range s.st.companies[c.p.companyID].res.peek("users").all() {
		if want[strings.ToLower(stringField(r.doc, "email"))] {
			recs = append(recs, r)
		}
	}
	c.listAnswer(op{k: userKind, pager: skipLimit(25), count: "count"}, recs)
}
