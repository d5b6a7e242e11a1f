package ghltest

import (
	"net/http"
	"strconv"
)

// kind declares a resource kind of the generic store: how its records are
// identified, validated and answered. Plain CRUD of a kind is a kind plus
// an op per operation (see catalog.go), not a handler of its own.
type kind struct {
	name      string // table name, e.g. "businesses"
	one, many string // the spec's envelope keys for one record and a list
	notFound  string // message of the 404 for an unknown ID
	located   bool   // records carry the locationId of their location
	stamped   bool   // createdAt set on create, updatedAt on every write
	// fields are the optional request fields (name:type, the spec's
	// request schema) copied into the document as sent; required ones
	// are checked from the route table first. Other fields are ignored.
	fields []field
	newID  func(*Server) string // default: a 20-character HighLevel ID
	// links returns the parent IDs a record links to (indexed for
	// childrenOf), e.g. a user's locationIds.
	links func(doc map[string]any) []string
	// defaults fills a new record's derived fields (create and Store.Put).
	defaults func(s *Server, doc map[string]any)
	// apply validates and derives fields of a create or an update after
	// fields were copied; it returns 422 messages.
	apply func(s *Server, scopeID string, doc, body map[string]any, create bool) []string
	// onDelete runs after a record is removed (API or Store.Delete).
	onDelete func(s *Server, scopeID string, r *record)
}

func indexKinds(ks ...*kind) map[string]*kind {
	m := make(map[string]*kind, len(ks))
	for _, k := range ks {
		m[k.name] = k
	}
	return m
}

// where says which scope an operation's records live in.
type where int

const (
	inQueryLocation where = iota // the locationId query parameter (the token's location)
	inBodyLocation               // the body's locationId (the token's location)
	inPathLocation               // the {locationId} path parameter (the token's location)
	inTokenLocation              // the token's location (operations by ID)
	inTokenCompany               // the token's company
)

// envelope wraps a record's encoding: {<pre>"<key>":<record>}, or the bare
// record when key is "".
type envelope struct{ pre, key string }

func (e envelope) wrap(enc []byte) []byte {
	if e.key == "" {
		return enc
	}
	b := make([]byte, 0, len(enc)+len(e.pre)+len(e.key)+6)
	b = append(b, '{')
	b = append(b, e.pre...)
	b = append(b, '"')
	b = append(b, e.key...)
	b = append(b, `":`...)
	b = append(b, enc...)
	return append(b, '}')
}

// op is the behaviour of one operation on a kind.
type op struct {
	k      *kind
	in     where
	status int      // success status (the spec's 2xx)
	env    envelope // answer of create, get and update
	// check runs before the state is touched (e.g. a companyId must be
	// the token's); it answers and returns false to stop.
	check func(c *reqCtx, body map[string]any) bool
	// list: the pager, the key of the total count ("" for none), the
	// records to list (default: all) and a filter built from the query.
	pager  pager
	count  string
	source func(c *reqCtx, t *rtable) []*record
	filter func(c *reqCtx) func(doc map[string]any) bool
	// deleted answers a delete (default {"succeded":true}).
	deleted func(r *record) []byte
}

// scopeID resolves where an operation's records live, answering 403 for a
// location that is not the token's.
func (c *reqCtx) scopeID(in where, body map[string]any) (string, bool) {
	var id string
	switch in {
	case inQueryLocation:
		id = c.q().Get("locationId")
	case inBodyLocation:
		id, _ = body["locationId"].(string)
	case inPathLocation:
		id = c.param("locationId")
	case inTokenLocation:
		return c.p.locationID, true
	case inTokenCompany:
		return c.p.companyID, true
	}
	return id, c.checkLocation(id)
}

// scopeLocked returns the scope of id, answering 404 if it is gone (a
// deleted location whose token still works).
func (c *reqCtx) scopeLocked(id string) *scope {
	sc := c.s.scopeLocked(id)
	if sc == nil {
		c.notFound("Location not found")
	}
	return sc
}

// lastParam is the value of the route's last path parameter (the ID).
func (c *reqCtx) lastParam() string {
	if n := len(c.params); n >= 2 {
		return c.params[n-1]
	}
	return ""
}

// validQuery checks the route's required query parameters (422).
func (c *reqCtx) validQuery() bool {
	if errs := queryErrors(c, c.rt.query); errs != nil {
		c.unprocessable(errs...)
		return false
	}
	return true
}

// validBody decodes the JSON body and checks the route's required query
// parameters and body fields (400, 422).
func (c *reqCtx) validBody() (map[string]any, bool) {
	if !c.validQuery() {
		return nil, false
	}
	m, ok := c.decodeBody()
	if !ok {
		return nil, false
	}
	if errs := bodyErrors(m, c.rt.body); errs != nil {
		c.unprocessable(errs...)
		return nil, false
	}
	return m, true
}

// applyFields copies the kind's declared fields present in body into doc,
// type-checked (null removes a field).
func applyFields(k *kind, doc, body map[string]any) []string {
	var errs []string
	for _, f := range k.fields {
		v, ok := body[f.name]
		if !ok {
			continue
		}
		if v == nil {
			delete(doc, f.name)
			continue
		}
		if !hasType(v, f.typ) {
			errs = append(errs, typeMessage(f.name, f.typ))
			continue
		}
		doc[f.name] = jsonValue(v)
	}
	return errs
}

// cloneJSON deep-copies a JSON-shaped value.
func cloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = cloneJSON(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = cloneJSON(e)
		}
		return l
	}
	return v
}

func (s *Server) listH(o op) func(*reqCtx) {
	return func(c *reqCtx) {
		if !c.validQuery() {
			return
		}
		if o.check != nil && !o.check(c, nil) {
			return
		}
		id, ok := c.scopeID(o.in, nil)
		if !ok {
			return
		}
		var keep func(map[string]any) bool
		if o.filter != nil {
			keep = o.filter(c)
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		sc := c.scopeLocked(id)
		if sc == nil {
			return
		}
		t := sc.peek(o.k.name)
		recs := t.all()
		if o.source != nil {
			recs = o.source(c, t)
		}
		if keep != nil {
			var kept []*record
			for _, r := range recs {
				if keep(r.doc) {
					kept = append(kept, r)
				}
			}
			recs = kept
		}
		c.listAnswer(o, recs)
	}
}

// listAnswer pages recs and answers {"<many>":[...]} (plus the count).
func (c *reqCtx) listAnswer(o op, recs []*record) {
	page := recs
	if o.pager.size != "" {
		start, end, ok := o.pager.window(c, recs)
		if !ok {
			return
		}
		page = recs[start:end]
	}
	rest := ""
	if o.count != "" {
		rest = `,"` + o.count + `":` + strconv.Itoa(len(recs))
	}
	c.rawJSON(http.StatusOK, listJSON(o.k.many, page, rest))
}

func (s *Server) createH(o op) func(*reqCtx) {
	return func(c *reqCtx) {
		m, ok := c.validBody()
		if !ok {
			return
		}
		doc := map[string]any{}
		errs := applyFields(o.k, doc, m)
		if o.check != nil && !o.check(c, m) {
			return
		}
		id, ok := c.scopeID(o.in, m)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		sc := c.scopeLocked(id)
		if sc == nil {
			return
		}
		if o.k.apply != nil {
			errs = append(errs, o.k.apply(s, id, doc, m, true)...)
		}
		if len(errs) > 0 {
			c.unprocessable(errs...)
			return
		}
		s.defaultsLocked(o.k, id, doc)
		r := &record{seq: s.nextSeqLocked(), doc: doc}
		sc.tableLocked(o.k.name).insert(r)
		s.emitRecord(recCreate, o.k, id, nil, r)
		c.rawJSON(o.status, o.env.wrap(r.enc))
	}
}

// recordLocked finds the record the path names, answering 404 otherwise.
func (c *reqCtx) recordLocked(o op, body map[string]any) (*rtable, string, *record) {
	id, ok := c.scopeID(o.in, body)
	if !ok {
		return nil, "", nil
	}
	sc := c.scopeLocked(id)
	if sc == nil {
		return nil, "", nil
	}
	t := sc.peek(o.k.name)
	r := t.get(c.lastParam())
	if r == nil {
		c.notFound(o.k.notFound)
		return nil, "", nil
	}
	return t, id, r
}

func (s *Server) getH(o op) func(*reqCtx) {
	return func(c *reqCtx) {
		if !c.validQuery() {
			return
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		if _, _, r := c.recordLocked(o, nil); r != nil {
			c.rawJSON(o.status, o.env.wrap(r.enc))
		}
	}
}

func (s *Server) updateH(o op) func(*reqCtx) {
	return func(c *reqCtx) {
		m, ok := c.validBody()
		if !ok {
			return
		}
		if o.check != nil && !o.check(c, m) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		t, id, r := c.recordLocked(o, m)
		if r == nil {
			return
		}
		doc := cloneJSON(r.doc).(map[string]any)
		errs := applyFields(o.k, doc, m)
		if o.k.apply != nil {
			errs = append(errs, o.k.apply(s, id, doc, m, false)...)
		}
		if len(errs) > 0 {
			c.unprocessable(errs...)
			return
		}
		if o.k.stamped {
			doc["updatedAt"] = formatTime(s.now())
		}
		old := r.doc
		t.replace(r, doc)
		s.emitRecord(recUpdate, o.k, id, old, r)
		c.rawJSON(o.status, o.env.wrap(r.enc))
	}
}

func (s *Server) deleteH(o op) func(*reqCtx) {
	return func(c *reqCtx) {
		if !c.validQuery() {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		t, id, r := c.recordLocked(o, nil)
		if r == nil {
			return
		}
		s.deleteRecordLocked(t, id, r)
		s.emitRecord(recDelete, o.k, id, nil, r)
		if o.deleted != nil {
			c.rawJSON(o.status, o.deleted(r))
			return
		}
		c.rawJSON(o.status, succeded)
	}
}

// crud registers the list, create, get, update and delete operations of a
// kind whose paths are a collection and collection/{id} ("" skips one).
func (s *Server) crud(collection, item string, list, create, get, update, del op) {
	for _, h := range []struct {
		method, path string
		o            op
		mk           func(op) func(*reqCtx)
	}{
		{"GET", collection, list, s.listH},
		{"POST", collection, create, s.createH},
		{"GET", item, get, s.getH},
		{"PUT", item, update, s.updateH},
		{"DELETE", item, del, s.deleteH},
	} {
		if h.o.k != nil {
			if h.o.status == 0 {
				h.o.status = http.StatusOK
			}
			s.handle(h.method, h.path, h.mk(h.o))
		}
	}
}
