package ghltest

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The generic resource store. Every location and every company holds a set
// of tables, one per resource kind ("businesses", "users", "workflows",
// ...). A table keeps its records by ID and in creation order (the order
// every pager walks), an index from parent IDs to children for kinds that
// declare links, and each record's JSON encoding, rebuilt on every write so
// that reads copy bytes. Server.mu guards all of it.

// record is one stored resource: its JSON-shaped document (strings, bools,
// int64/float64, []any, map[string]any) and that document's encoding.
type record struct {
	seq uint64 // creation order, unique per server
	doc map[string]any
	enc []byte // marshal(doc), replaced on every change
}

func (r *record) id() string { s, _ := r.doc["id"].(string); return s }

// rtable holds the records of one kind in one scope.
type rtable struct {
	kind     *kind
	byID     map[string]*record
	order    []*record            // ascending seq
	children map[string][]*record // parent ID → records linking to it (ascending seq)
}

// scope is the set of tables of a location or a company.
type scope struct {
	tables map[string]*rtable
}

// tableLocked returns the table of kind name, creating it on first use.
func (sc *scope) tableLocked(name string) *rtable {
	if sc.tables == nil {
		sc.tables = map[string]*rtable{}
	}
	t := sc.tables[name]
	if t == nil {
		k := kinds[name]
		if k == nil {
			k = &kind{name: name}
		}
		t = &rtable{kind: k, byID: map[string]*record{}}
		sc.tables[name] = t
	}
	return t
}

// peek returns the table of kind name or nil, without creating it.
func (sc *scope) peek(name string) *rtable {
	if sc == nil {
		return nil
	}
	return sc.tables[name]
}

// get returns the record with this ID, or nil (on a nil table too).
func (t *rtable) get(id string) *record {
	if t == nil {
		return nil
	}
	return t.byID[id]
}

// all returns the records in creation order (nil for a nil table).
func (t *rtable) all() []*record {
	if t == nil {
		return nil
	}
	return t.order
}

// insert adds a new record (its seq the largest so far) or replaces the
// record of the same ID in place, keeping its position.
func (t *rtable) insert(r *record) {
	r.enc = marshal(r.doc)
	if old := t.byID[r.id()]; old != nil {
		r.seq = old.seq
		t.order[t.pos(old)] = r
		t.unlink(old)
	} else {
		t.order = append(t.order, r)
	}
	t.byID[r.id()] = r
	t.link(r)
}

// replace installs a new document for r (an edit) and re-encodes it.
func (t *rtable) replace(r *record, doc map[string]any) {
	t.unlink(r)
	r.doc = doc
	r.enc = marshal(doc)
	t.link(r)
}

// remove deletes r.
func (t *rtable) remove(r *record) {
	if i := t.pos(r); i >= 0 {
		t.order = slices.Delete(t.order, i, i+1)
	}
	delete(t.byID, r.id())
	t.unlink(r)
}

// pos returns r's index in order, or -1.
func (t *rtable) pos(r *record) int {
	i, ok := slices.BinarySearchFunc(t.order, r.seq, func(x *record, seq uint64) int {
		return compareSeq(x.seq, seq)
	})
	if !ok {
		return -1
	}
	return i
}

func compareSeq(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (t *rtable) link(r *record) {
	if t.kind.links == nil {
		return
	}
	for _, p := range t.kind.links(r.doc) {
		if t.children == nil {
			t.children = map[string][]*record{}
		}
		l := t.children[p]
		i, _ := slices.BinarySearchFunc(l, r.seq, func(x *record, seq uint64) int { return compareSeq(x.seq, seq) })
		t.children[p] = slices.Insert(l, i, r)
	}
}

func (t *rtable) unlink(r *record) {
	if t.kind.links == nil {
		return
	}
	for _, p := range t.kind.links(r.doc) {
		l := slices.DeleteFunc(t.children[p], func(x *record) bool { return x == r })
		if len(l) == 0 {
			delete(t.children, p)
		} else {
			t.children[p] = l
		}
	}
}

// childrenOf returns the records that link to parent, in creation order.
func (t *rtable) childrenOf(parent string) []*record {
	if t == nil {
		return nil
	}
	return t.children[parent]
}

// after returns the index just past the record with this ID (a cursor), or
// len(order) if there is none.
func after(recs []*record, id string) int {
	for i, r := range recs {
		if r.id() == id {
			return i + 1
		}
	}
	return len(recs)
}

// A pager cuts a page out of a list, reading the scheme's query parameters.
// HighLevel's specs use skip+limit and offset+limit (numeric strings),
// page+limit (1-based pages), startAfterId (and startAfter) and cursor (the
// ID of the previous page's last item).
type pager struct {
	scheme       pageScheme
	from, size   string // query parameter names, e.g. "skip" and "limit"
	defSize, max int    // default page size; max 0: unbounded
}

type pageScheme int

const (
	pageSkip  pageScheme = iota // from: items to skip
	pageIndex                   // from: 1-based page number
	pageAfter                   // from: ID of the item the page starts after
)

func skipLimit(def int) pager   { return pager{pageSkip, "skip", "limit", def, 0} }
func offsetLimit(def int) pager { return pager{pageSkip, "offset", "limit", def, 0} }
func pageLimit(def int) pager   { return pager{pageIndex, "page", "limit", def, 0} }
func cursorLimit(param string, def int) pager {
	return pager{pageAfter, param, "limit", def, 0}
}

// window reads the pager's parameters and returns the bounds of the page
// of recs. It answers 422 and returns false for a malformed parameter.
func (p pager) window(c *reqCtx, recs []*record) (start, end int, ok bool) {
	size, ok := c.stringParamInt(p.size, p.defSize)
	if !ok {
		return 0, 0, false
	}
	if p.max > 0 && size > p.max {
		c.unprocessable(p.size + " must not be greater than " + strconv.Itoa(p.max))
		return 0, 0, false
	}
	switch p.scheme {
	case pageSkip:
		if start, ok = c.stringParamInt(p.from, 0); !ok {
			return 0, 0, false
		}
	case pageIndex:
		page, ok := c.stringParamInt(p.from, 1)
		if !ok {
			return 0, 0, false
		}
		start = max(page-1, 0) * size
	case pageAfter:
		if id := c.q().Get(p.from); id != "" {
			start = after(recs, id)
		}
	}
	start = min(start, len(recs))
	return start, min(start+size, len(recs)), true
}

// listJSON builds {"<key>":[encodings...]<rest>} from records.
func listJSON(key string, recs []*record, rest string) []byte {
	n := len(key) + len(rest) + 8
	for _, r := range recs {
		n += len(r.enc) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, `{"`...)
	b = append(b, key...)
	b = append(b, `":[`...)
	for i, r := range recs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, r.enc...)
	}
	b = append(b, ']')
	b = append(b, rest...)
	return append(b, '}')
}

// Store gives tests generic access to the resources of one location or
// company, by kind and ID. Records are JSON-shaped maps with the spec's
// field names, as the API returns them. Get it with [Server.Store].
type Store struct {
	s  *Server
	id string
}

// Store returns the generic store of a location, or of a company (users
// live in their company's store). The ID is resolved on each call, so the
// store of a location created later works too; calls on an unknown ID find
// nothing, and Put panics.
func (s *Server) Store(id string) *Store { return &Store{s: s, id: id} }

func (s *Server) scopeLocked(id string) *scope {
	if loc := s.st.locations[id]; loc != nil {
		return &loc.res
	}
	if co := s.st.companies[id]; co != nil {
		return &co.res
	}
	return nil
}

// Get returns a copy of the record of kind with this ID.
func (st *Store) Get(kind, id string) (map[string]any, bool) {
	st.s.mu.RLock()
	var enc []byte
	if sc := st.s.scopeLocked(st.id); sc != nil {
		if r := sc.peek(kind).get(id); r != nil {
			enc = r.enc
		}
	}
	st.s.mu.RUnlock()
	if enc == nil {
		return nil, false
	}
	return toMap(enc), true
}

// List returns copies of every record of kind, in creation order.
func (st *Store) List(kind string) []map[string]any {
	st.s.mu.RLock()
	var encs [][]byte
	if sc := st.s.scopeLocked(st.id); sc != nil {
		for _, r := range sc.peek(kind).all() {
			encs = append(encs, r.enc)
		}
	}
	st.s.mu.RUnlock()
	out := make([]map[string]any, len(encs))
	for i, e := range encs {
		out[i] = toMap(e)
	}
	return out
}

// Kinds returns the kinds that have records, sorted.
func (st *Store) Kinds() []string {
	st.s.mu.RLock()
	defer st.s.mu.RUnlock()
	var out []string
	if sc := st.s.scopeLocked(st.id); sc != nil {
		for k, t := range sc.tables {
			if len(t.order) > 0 {
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Put stores a record of kind (any kind: the known ones get the defaults
// their create operation would give, such as an ID of HighLevel's shape,
// locationId and timestamps) and returns its ID. A record whose "id" is
// taken replaces that record. Values must be JSON-compatible. Known kinds
// are "businesses", "workflows", "campaigns", "customFields",
// "customValues" and "tags" (in a location's store) and "users" (in a
// company's store). It panics if the ID is no location or company.
func (st *Store) Put(kind string, rec map[string]any) string {
	m := normalizeInput(rec)
	for k, v := range m {
		m[k] = jsonValue(v)
	}
	s := st.s
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.scopeLocked(st.id)
	if sc == nil {
		panic(fmt.Sprintf("ghltest: Store(%q).Put: no such location or company", st.id))
	}
	t := sc.tableLocked(kind)
	s.defaultsLocked(t.kind, st.id, m)
	r := &record{seq: s.nextSeqLocked(), doc: m}
	t.insert(r)
	return r.id()
}

// Delete removes the record of kind with this ID, with the effects the
// API's delete has (deleting a business detaches its contacts). It reports
// whether the record existed.
func (st *Store) Delete(kind, id string) bool {
	s := st.s
	s.mu.Lock()
	defer s.mu.Unlock()
	sc := s.scopeLocked(st.id)
	t := sc.peek(kind)
	r := t.get(id)
	if r == nil {
		return false
	}
	s.deleteRecordLocked(t, st.id, r)
	return true
}

func (s *Server) nextSeqLocked() uint64 {
	s.st.seq++
	return s.st.seq
}

// defaultsLocked fills what a create would: the ID, the scope's locationId
// for location kinds, and the kind's own defaults.
func (s *Server) defaultsLocked(k *kind, scopeID string, m map[string]any) {
	if id, _ := m["id"].(string); id == "" {
		if k.newID != nil {
			m["id"] = k.newID(s)
		} else {
			m["id"] = newID(s.rng)
		}
	}
	if k.located {
		m["locationId"] = scopeID
	}
	if k.stamped {
		now := formatTime(s.now())
		if _, ok := m["createdAt"]; !ok {
			m["createdAt"] = now
		}
		if _, ok := m["updatedAt"]; !ok {
			m["updatedAt"] = m["createdAt"]
		}
	}
	if k.defaults != nil {
		k.defaults(s, m)
	}
}

func (s *Server) deleteRecordLocked(t *rtable, scopeID string, r *record) {
	t.remove(r)
	if t.kind.onDelete != nil {
		t.kind.onDelete(s, scopeID, r)
	}
}

// stringsOf returns the strings of a JSON array value.
func stringsOf(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// hasFold reports whether s contains sub, ignoring case.
func hasFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
