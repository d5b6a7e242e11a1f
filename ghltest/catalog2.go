package ghltest

import (
	"hash/fnv"
	stdmaps "maps"
	"net/http"
	"slices"
	"strings"
)

// Associations and relations (apps/associations.json), blogs (blogs.json),
// snapshots (snapshots.json), custom fields v2 (custom-fields.json) and
// calendar schedules (the schedule operations of calendars.json). Field
// names, envelope keys and statuses are the specs'.

func init() {
	for _, k := range []*kind{associationKind, relationKind, blogSiteKind, blogAuthorKind, blogCategoryKind, blogPostKind,
		scheduleKind, fieldV2Kind, fieldFolderKind} {
		kinds[k.name] = k
	}
}

func (s *Server) registerCatalog2Routes() {
	s.registerAssociationRoutes()
	s.registerBlogRoutes()
	s.registerScheduleRoutes()
	s.registerCustomFieldV2Routes()
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

// Blogs. Each location has a seeded blog site, two authors and two
// categories (created on the first blog request, IDs derived from the
// location's); posts are created and edited through the API.

var (
	blogSiteKind     = &kind{name: "blogSites", notFound: "Blog not found", located: true}
	blogAuthorKind   = &kind{name: "blogAuthors", notFound: "Author not found", located: true}
	blogCategoryKind = &kind{name: "blogCategories", notFound: "Category not found", located: true}
	blogPostKind     = &kind{name: "blogPosts", notFound: "Blog post not found", located: true,
		fields: parseFields("title:string blogId:string imageUrl:string description:string rawHTML:string status:string " +
			"imageAltText:string categories:array tags:array author:string urlSlug:string canonicalLink:string publishedAt:string"),
		defaults: func(s *Server, d map[string]any) {
			setDefault(d, "archived", false)
			setDefault(d, "tags", []any{})
			setDefault(d, "categories", []any{})
			setDefault(d, "updatedAt", formatTime(s.now()))
		},
	}
)

// Answer keys: BlogPostResponseDto (posts), AuthorResponseDTO,
// CategoryResponseDTO and the blog sites' {_id,name}; IDs are "_id".
var (
	blogPostKeys     = strings.Fields("categories tags archived title description imageUrl status imageAltText urlSlug canonicalLink author publishedAt updatedAt")
	blogAuthorKeys   = strings.Fields("name locationId updatedAt canonicalLink")
	blogCategoryKeys = strings.Fields("label locationId updatedAt canonicalLink urlSlug")
	blogSiteKeys     = strings.Fields("name")
	blogStatuses     = []string{"DRAFT", "PUBLISHED", "SCHEDULED", "ARCHIVED"}
)

// derivedID is a 24-hex-digit ID derived from its parts (seeded records
// take no numbers from the server's generator).
func derivedID(parts ...string) string {
	h1, h2 := fnv.New64a(), fnv.New32a()
	for _, p := range parts {
		h1.Write([]byte(p + "\x00"))
		h2.Write([]byte(p + "\x00"))
	}
	const hexd = "0123456789abcdef"
	b := make([]byte, 0, 24)
	for v, n := h1.Sum64(), 0; n < 16; n, v = n+1, v>>4 {
		b = append(b, hexd[v&15])
	}
	for v, n := uint64(h2.Sum32()), 0; n < 8; n, v = n+1, v>>4 {
		b = append(b, hexd[v&15])
	}
	return string(b)
}

// seedBlogsLocked gives a location its blog site, authors and categories
// the first time (s.mu held for writing).
func (s *Server) seedBlogsLocked(locID string, sc *scope) {
	if sc.peek(blogSiteKind.name) != nil {
		return
	}
	now := formatTime(s.now())
	put := func(k *kind, doc map[string]any) {
		doc["locationId"] = locID
		sc.tableLocked(k.name).insert(&record{seq: s.nextSeqLocked(), doc: doc})
	}
	put(blogSiteKind, map[string]any{"id": derivedID(locID, "blog"), "name": "Blog"})
	for _, n := range []string{"Ada Writer", "Ben Editor"} {
		put(blogAuthorKind, map[string]any{"id": derivedID(locID, "author", n), "name": n, "updatedAt": now,
			"canonicalLink": "https://example.com/blog/author/" + strings.ReplaceAll(strings.ToLower(n), " ", "-")})
	}
	for _, n := range []string{"News", "Guides"} {
		slug := strings.ToLower(n)
		put(blogCategoryKind, map[string]any{"id": derivedID(locID, "category", n), "label": n, "urlSlug": slug,
			"updatedAt": now, "canonicalLink": "https://example.com/blog/category/" + slug})
	}
}

// blogScopeLocked checks the locationId query parameter and returns its
// seeded scope (s.mu held for writing).
func (c *reqCtx) blogScopeLocked(locID string) *scope {
	sc := c.scopeLocked(locID)
	if sc != nil {
		c.s.seedBlogsLocked(locID, sc)
	}
	return sc
}

func (s *Server) registerBlogRoutes() {
	s.handle("GET", "/blogs/site/all", s.blogList(blogSiteKind, "data", blogSiteKeys, skipLimit(20), "name"))
	s.handle("GET", "/blogs/authors", s.blogList(blogAuthorKind, "authors", blogAuthorKeys, offsetLimit(20), ""))
	s.handle("GET", "/blogs/categories", s.blogList(blogCategoryKind, "categories", blogCategoryKeys, offsetLimit(20), ""))
	s.handle("GET", "/blogs/posts/all", s.blogList(blogPostKind, "blogs", blogPostKeys, offsetLimit(20), "title"))
	s.handle("POST", "/blogs/posts", s.writeBlogPost)
	s.handle("PUT", "/blogs/posts/{postId}", s.writeBlogPost)
	s.handle("GET", "/blogs/posts/url-slug-exists", s.blogSlugExists)
}

// blogList answers {"<key>":[...]}: the location's records of k, paged,
// filtered by searchTerm (a substring of the search field) and, for
// posts, by blogId and status.
func (s *Server) blogList(k *kind, key string, keys []string, p pager, search string) func(*reqCtx) {
	return func(c *reqCtx) {
		if !c.validQuery() {
			return
		}
		q := c.q()
		locID := q.Get("locationId")
		if !c.checkLocation(locID) {
			return
		}
		term, blogID, status := q.Get("searchTerm"), q.Get("blogId"), q.Get("status")
		s.mu.Lock()
		defer s.mu.Unlock()
		sc := c.blogScopeLocked(locID)
		if sc == nil {
			return
		}
		var recs []*record
		for _, r := range sc.peek(k.name).all() {
			if (search == "" || term == "" || hasFold(stringField(r.doc, search), term)) &&
				(k != blogPostKind || (r.doc["blogId"] == blogID && (status == "" || r.doc["status"] == status))) {
				recs = append(recs, r)
			}
		}
		recs, ok := c.page(p, recs)
		if !ok {
			return
		}
		c.json(http.StatusOK, map[string]any{key: views(recs, keys, "_id")})
	}
}

// writeBlogPost is create (200 {"data":post}) and update (200
// {"updatedBlogPost":post}) of a post: the blog must exist, status be one
// of the spec's, and the URL slug not be another post's in the location.
func (s *Server) writeBlogPost(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	locID := stringField(m, "locationId")
	if !c.checkLocation(locID) {
		return
	}
	postID := c.param("postId")
	doc := map[string]any{}
	errs := applyFields(blogPostKind, doc, m)
	if st, isStr := m["status"].(string); isStr && !slices.Contains(blogStatuses, st) {
		errs = append(errs, "status must be one of the following values: "+strings.Join(blogStatuses, ", "))
	}
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.blogScopeLocked(locID)
	if sc == nil {
		return
	}
	t := sc.tableLocked(blogPostKind.name)
	var old *record
	if postID != "" {
		if old = t.get(postID); old == nil {
			c.notFound(blogPostKind.notFound)
			return
		}
	}
	if sc.peek(blogSiteKind.name).get(stringField(doc, "blogId")) == nil {
		c.notFound(blogSiteKind.notFound)
		return
	}
	if blogSlugTaken(t, stringField(doc, "urlSlug"), postID) {
		c.badRequest("Url slug already exists")
		return
	}
	doc["archived"] = doc["status"] == "ARCHIVED"
	if old == nil {
		s.defaultsLocked(blogPostKind, locID, doc)
		r := &record{seq: s.nextSeqLocked(), doc: doc}
		t.insert(r)
		c.rawJSON(http.StatusOK, wrap("data", marshal(view(r.doc, blogPostKeys, "_id"))))
		return
	}
	nd := cloneJSON(old.doc).(map[string]any)
	for k, v := range doc {
		nd[k] = v
	}
	nd["updatedAt"] = formatTime(s.now())
	t.replace(old, nd)
	c.rawJSON(http.StatusOK, wrap("updatedBlogPost", marshal(view(old.doc, blogPostKeys, "_id"))))
}

// blogSlugTaken reports whether a post other than except has the slug.
func blogSlugTaken(t *rtable, slug, except string) bool {
	for _, r := range t.all() {
		if r.id() != except && strings.EqualFold(stringField(r.doc, "urlSlug"), slug) {
			return true
		}
	}
	return false
}

// blogSlugExists answers {"exists":bool}: whether a post of the location
// other than postId has the urlSlug.
func (s *Server) blogSlugExists(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	q := c.q()
	locID := q.Get("locationId")
	if !c.checkLocation(locID) {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	c.json(http.StatusOK, map[string]any{"exists": blogSlugTaken(sc.peek(blogPostKind.name), q.Get("urlSlug"), q.Get("postId"))})
}

// Calendar schedules (the availability schedules of calendars.json).

var scheduleKind = &kind{
	name: "schedules", one: "schedule", many: "schedules", notFound: "Schedule not found", located: true,
	fields: parseFields("name:string rules:array timezone:string userId:string calendarIds:array"),
	apply: func(s *Server, _ string, d, _ map[string]any, create bool) []string {
		d["dateUpdated"] = formatTime(s.now())
		return nil
	},
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "rules", []any{})
		setDefault(d, "calendarIds", []any{})
		setDefault(d, "deleted", false)
		setDefault(d, "dateAdded", formatTime(s.now()))
		setDefault(d, "dateUpdated", d["dateAdded"])
	},
}

func (s *Server) registerScheduleRoutes() {
	k, one := scheduleKind, envelope{"", "schedule"}
	success := func(*record) []byte { return []byte(`{"success":true}`) }
	s.crud("/calendars/schedules", "/calendars/schedules/{id}", op{},
		op{k: k, in: inBodyLocation, status: http.StatusCreated, env: one},
		op{k: k, in: inTokenLocation, env: one},
		op{k: k, in: inTokenLocation, env: one},
		op{k: k, in: inTokenLocation, deleted: success})
	s.handle("GET", "/calendars/schedules/search", s.listH(op{k: k, in: inQueryLocation, pager: skipLimit(100),
		filter: func(c *reqCtx) func(map[string]any) bool {
			user, cal := c.q().Get("userId"), c.q().Get("calendarId")
			return func(d map[string]any) bool {
				return d["userId"] == user && (cal == "" || slices.Contains(stringsOf(d["calendarIds"]), cal))
			}
		}}))
	s.handle("PUT", "/calendars/schedules/{id}/associations/{calendarId}", s.scheduleCalendar(true))
	s.handle("DELETE", "/calendars/schedules/{id}/associations/{calendarId}", s.scheduleCalendar(false))
}

// scheduleCalendar adds a calendar of the location to a schedule, or
// removes it; both answer {"success":true}.
func (s *Server) scheduleCalendar(add bool) func(*reqCtx) {
	return func(c *reqCtx) {
		s.mu.Lock()
		defer s.mu.Unlock()
		sc := c.scopeLocked(c.p.locationID)
		if sc == nil {
			return
		}
		t := sc.peek(scheduleKind.name)
		r := t.get(c.param("id"))
		if r == nil {
			c.notFound(scheduleKind.notFound)
			return
		}
		cal := c.param("calendarId")
		if sc.peek(calendarKind.name).get(cal) == nil {
			c.notFound(calendarKind.notFound)
			return
		}
		ids := slices.DeleteFunc(slices.Clone(stringsOf(r.doc["calendarIds"])), func(x string) bool { return x == cal })
		if add {
			ids = append(ids, cal)
		}
		doc := cloneJSON(r.doc).(map[string]any)
		list := make([]any, len(ids))
		for i, id := range ids {
			list[i] = id
		}
		doc["calendarIds"] = list
		doc["dateUpdated"] = formatTime(s.now())
		t.replace(r, doc)
		c.rawJSON(http.StatusOK, []byte(`{"success":true}`))
	}
}

// Custom fields v2 (/custom-fields/): fields and folders by object key.
// Deleting a folder deletes its fields.

var fieldV2Updatable = parseFields("name:string description:string placeholder:string showInForms:boolean " +
	"options:array acceptedFormats:string maxFileLimit:number")

var fieldV2Kind = &kind{
	name: "customFieldsV2", notFound: "Custom field not found", located: true,
	fields: append(parseFields("dataType:string fieldKey:string objectKey:string allowCustomOption:boolean parentId:string"),
		fieldV2Updatable...),
	links: func(d map[string]any) []string { return []string{stringField(d, "parentId")} },
	defaults: func(s *Server, d map[string]any) {
		setDefault(d, "showInForms", false)
		setDefault(d, "dateAdded", formatTime(s.now()))
		setDefault(d, "dateUpdated", d["dateAdded"])
	},
}

var fieldFolderKind = &kind{
	name: "customFieldFolders", notFound: "Folder not found", located: true,
	fields: parseFields("objectKey:string name:string"),
	onDelete: func(s *Server, locID string, r *record) {
		if loc := s.st.locations[locID]; loc != nil {
			t := loc.res.peek(fieldV2Kind.name)
			for _, f := range slices.Clone(t.childrenOf(r.id())) {
				t.remove(f)
			}
		}
	},
}

var (
	fieldV2DataTypes = strings.Fields("TEXT LARGE_TEXT NUMERICAL PHONE MONETORY CHECKBOX SINGLE_OPTIONS " +
		"MULTIPLE_OPTIONS DATE TEXTBOX_LIST FILE_UPLOAD RADIO EMAIL")
	fieldV2Formats = strings.Fields(".pdf .docx .doc .jpg .jpeg .png .gif .csv .xlsx .xls all")
)

// enumErrors checks string fields of body against their allowed values.
func enumErrors(body map[string]any, enums map[string][]string) []string {
	var errs []string
	for _, k := range slices.Sorted(stdmaps.Keys(enums)) {
		if v, ok := body[k].(string); ok && !slices.Contains(enums[k], v) {
			errs = append(errs, k+" must be one of the following values: "+strings.Join(enums[k], ", "))
		}
	}
	return errs
}

func (s *Server) registerCustomFieldV2Routes() {
	f, one := fieldV2Kind, envelope{"", "field"}
	s.handle("POST", "/custom-fields/", s.writeFieldV2)
	s.handle("PUT", "/custom-fields/{id}", s.writeFieldV2)
	s.handle("GET", "/custom-fields/{id}", s.getH(op{k: f, in: inTokenLocation, status: http.StatusOK, env: one}))
	s.handle("DELETE", "/custom-fields/{id}", s.deleteH(op{k: f, in: inTokenLocation, status: http.StatusOK,
		deleted: func(r *record) []byte {
			return marshal(map[string]any{"succeded": true, "id": r.id(), "key": r.doc["fieldKey"]})
		}}))
	s.handle("GET", "/custom-fields/object-key/{objectKey}", s.fieldsByObjectKey)
	s.handle("POST", "/custom-fields/folder", s.writeFieldFolder)
	s.handle("PUT", "/custom-fields/folder/{id}", s.writeFieldFolder)
	s.handle("DELETE", "/custom-fields/folder/{id}", s.deleteFieldFolder)
}

// writeFieldV2 creates (201) or updates (200) a field: {"field":{...}}. A
// new field needs a folder (parentId) of its objectKey and a fieldKey not
// taken in the location; an update changes only the spec's updatable
// fields.
func (s *Server) writeFieldV2(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	locID := stringField(m, "locationId")
	if !c.checkLocation(locID) {
		return
	}
	id := c.param("id")
	k := fieldV2Kind
	if id != "" {
		k = &kind{fields: fieldV2Updatable}
	}
	doc := map[string]any{}
	errs := applyFields(k, doc, m)
	enums := map[string][]string{"acceptedFormats": fieldV2Formats}
	if id == "" {
		enums["dataType"] = fieldV2DataTypes
	}
	if errs = append(errs, enumErrors(m, enums)...); errs != nil {
		c.unprocessable(errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	t := sc.tableLocked(fieldV2Kind.name)
	if id != "" {
		r := t.get(id)
		if r == nil {
			c.notFound(fieldV2Kind.notFound)
			return
		}
		nd := cloneJSON(r.doc).(map[string]any)
		for k, v := range doc {
			nd[k] = v
		}
		nd["dateUpdated"] = formatTime(s.now())
		t.replace(r, nd)
		c.rawJSON(http.StatusOK, wrap("field", r.enc))
		return
	}
	folder := sc.peek(fieldFolderKind.name).get(stringField(doc, "parentId"))
	if folder == nil || folder.doc["objectKey"] != doc["objectKey"] {
		c.notFound(fieldFolderKind.notFound)
		return
	}
	for _, r := range t.all() {
		if r.doc["fieldKey"] == doc["fieldKey"] {
			c.badRequest("Field key " + stringField(doc, "fieldKey") + " already exists")
			return
		}
	}
	s.defaultsLocked(fieldV2Kind, locID, doc)
	r := &record{seq: s.nextSeqLocked(), doc: doc}
	t.insert(r)
	c.rawJSON(http.StatusCreated, wrap("field", r.enc))
}

// fieldsByObjectKey answers {"fields":[...],"folders":[...]} of an object
// key in the location, in creation order.
func (s *Server) fieldsByObjectKey(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	locID := c.q().Get("locationId")
	if !c.checkLocation(locID) {
		return
	}
	key := c.param("objectKey")
	s.mu.RLock()
	defer s.mu.RUnlock()
	sc := c.scopeLocked(locID)
	if sc == nil {
		return
	}
	of := func(k *kind) []byte {
		var recs []*record
		for _, r := range sc.peek(k.name).all() {
			if r.doc["objectKey"] == key {
				recs = append(recs, r)
			}
		}
		b := listJSON("x", recs, "")
		return b[5 : len(b)-1] // the bare array
	}
	b := append([]byte(`{"fields":`), of(fieldV2Kind)...)
	b = append(append(b, `,"folders":`...), of(fieldFolderKind)...)
	c.rawJSON(http.StatusOK, append(b, '}'))
}

// writeFieldFolder creates (201) or renames (200) a folder; both answer
// the bare folder {id,objectKey,locationId,name}.
func (s *Server) writeFieldFolder(c *reqCtx) {
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
	t := sc.tableLocked(fieldFolderKind.name)
	if id := c.param("id"); id != "" {
		r := t.get(id)
		if r == nil {
			c.notFound(fieldFolderKind.notFound)
			return
		}
		nd := cloneJSON(r.doc).(map[string]any)
		nd["name"] = m["name"]
		t.replace(r, nd)
		c.rawJSON(http.StatusOK, r.enc)
		return
	}
	doc := map[string]any{"objectKey": m["objectKey"], "name": m["name"]}
	s.defaultsLocked(fieldFolderKind, locID, doc)
	r := &record{seq: s.nextSeqLocked(), doc: doc}
	t.insert(r)
	c.rawJSON(http.StatusCreated, r.enc)
}

// deleteFieldFolder deletes a folder and its fields: {"succeded":true,
// "id":...,"key":<objectKey>}.
func (s *Server) deleteFieldFolder(c *reqCtx) {
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
	t := sc.peek(fieldFolderKind.name)
	r := t.get(c.param("id"))
	if r == nil {
		c.notFound(fieldFolderKind.notFound)
		return
	}
	s.deleteRecordLocked(t, locID, r)
	c.json(http.StatusOK, map[string]any{"succeded": true, "id": r.id(), "key": r.doc["objectKey"]})
}
