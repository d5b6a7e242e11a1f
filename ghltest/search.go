package ghltest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Search limits (POST /contacts/search).
const (
	maxPageLimit    = 500
	maxSearchWindow = 10000
	maxQueryLength  = 75
)

// filter is one parsed search filter or group of filters.
type filter struct {
	group    string // "AND" or "OR" for groups
	children []filter
	field    string
	op       string
	value    any
	want     []string // value as lower-case strings (phones normalized)
}

// sortKey is one parsed sort entry.
type sortKey struct {
	field string
	desc  bool
}

var searchOperators = []string{"eq", "not_eq", "contains", "not_contains", "exists", "not_exists", "range", "gt", "gte", "lt", "lte"}

var searchStringFields = map[string]func(*contactDoc) string{
	"id":                 func(d *contactDoc) string { return d.ID },
	"firstName":          func(d *contactDoc) string { return d.FirstName },
	"firstNameLowerCase": func(d *contactDoc) string { return d.FirstNameLowerCase },
	"lastName":           func(d *contactDoc) string { return d.LastName },
	"lastNameLowerCase":  func(d *contactDoc) string { return d.LastNameLowerCase },
	"fullNameLowerCase":  func(d *contactDoc) string { return d.FullNameLowerCase },
	"contactName":        func(d *contactDoc) string { return d.FullNameLowerCase },
	"email":              func(d *contactDoc) string { return d.EmailLowerCase },
	"phone":              func(d *contactDoc) string { return d.Phone },
	"companyName":        func(d *contactDoc) string { return d.CompanyName },
	"businessName":       func(d *contactDoc) string { return d.CompanyName },
	"address":            func(d *contactDoc) string { return d.Address1 },
	"address1":           func(d *contactDoc) string { return d.Address1 },
	"city":               func(d *contactDoc) string { return d.City },
	"state":              func(d *contactDoc) string { return d.State },
	"country":            func(d *contactDoc) string { return d.Country },
	"postalCode":         func(d *contactDoc) string { return d.PostalCode },
	"source":             func(d *contactDoc) string { return d.Source },
	"type":               func(d *contactDoc) string { return d.Type },
	"assignedTo":         func(d *contactDoc) string { return d.AssignedTo },
	"businessId":         func(d *contactDoc) string { return d.BusinessID },
	"timezone":           func(d *contactDoc) string { return d.Timezone },
	"website":            func(d *contactDoc) string { return d.Website },
	"gender":             func(d *contactDoc) string { return d.Gender },
}

var searchDateFields = map[string]func(*contact) int64{
	"dateAdded": func(c *contact) int64 { return c.ms },
	"dateUpdated": func(c *contact) int64 {
		t, _ := parseTimeLoose(c.doc.DateUpdated)
		return t.UnixMilli()
	},
	"dateOfBirth": func(c *contact) int64 {
		if c.doc.DateOfBirth == "" {
			return 0
		}
		t, _ := parseTimeLoose(c.doc.DateOfBirth)
		return t.UnixMilli()
	},
}

// searchSortFields maps sortable fields to a string or ms value.
var searchSortFields = map[string]bool{
	"dateAdded": true, "dateUpdated": true, "firstNameLowerCase": true, "lastNameLowerCase": true,
	"fullNameLowerCase": true, "contactName": true, "firstName": true, "lastName": true,
	"email": true, "companyName": true, "businessName": true,
}

func parseFilters(v any, prefix string) ([]filter, []string) {
	list, ok := v.([]any)
	if !ok {
		return nil, []string{prefix + " must be an array"}
	}
	var out []filter
	var errs []string
	for i, item := range list {
		p := fmt.Sprintf("%s.%d", prefix, i)
		obj, ok := item.(map[string]any)
		if !ok {
			errs = append(errs, p+" must be an object")
			continue
		}
		if g, has := obj["group"]; has {
			gs, _ := g.(string)
			gs = strings.ToUpper(gs)
			if gs != "AND" && gs != "OR" {
				errs = append(errs, p+".group must be one of the following values: AND, OR")
				continue
			}
			kids, e := parseFilters(obj["filters"], p+".filters")
			errs = append(errs, e...)
			out = append(out, filter{group: gs, children: kids})
			continue
		}
		field, _ := obj["field"].(string)
		op, _ := obj["operator"].(string)
		f := filter{field: field, op: op, value: obj["value"], want: valueStrings(obj["value"])}
		if field == "phone" {
			for i, w := range f.want {
				f.want[i] = normalizePhone(w)
			}
		}
		_, isStr := searchStringFields[field]
		_, isDate := searchDateFields[field]
		known := isStr || isDate || field == "tags" || field == "followers" || field == "dnd" ||
			strings.HasPrefix(field, "customFields.") || strings.HasPrefix(field, "customField.")
		if !known {
			errs = append(errs, p+".field "+strconv.Quote(field)+" is not a supported filter field")
		}
		if !slices.Contains(searchOperators, op) {
			errs = append(errs, p+".operator must be one of the following values: "+strings.Join(searchOperators, ", "))
		}
		if (op == "range") && !isDate {
			errs = append(errs, p+".operator range is only supported on date fields")
		}
		if op == "range" {
			if _, ok := f.value.(map[string]any); !ok {
				errs = append(errs, p+".value must be an object with gt, gte, lt or lte")
			}
		}
		out = append(out, f)
	}
	return out, errs
}

// valueStrings returns the filter value as lower-case strings (a scalar or
// an array of scalars).
func valueStrings(v any) []string {
	switch x := v.(type) {
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, valueStrings(e)...)
		}
		return out
	case nil:
		return nil
	case string:
		return []string{strings.ToLower(x)}
	case json.Number:
		return []string{x.String()}
	default:
		return []string{strings.ToLower(fmt.Sprint(x))}
	}
}

// valueMs converts a date bound (ISO-8601 string or epoch ms) to ms.
func valueMs(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return int64(f), err == nil
	case float64:
		return int64(x), true
	case string:
		t, ok := parseTimeLoose(x)
		return t.UnixMilli(), ok
	}
	return 0, false
}

func (f *filter) match(c *contact) bool {
	if f.group != "" {
		if f.group == "OR" {
			for i := range f.children {
				if f.children[i].match(c) {
					return true
				}
			}
			return len(f.children) == 0
		}
		for i := range f.children {
			if !f.children[i].match(c) {
				return false
			}
		}
		return true
	}
	switch f.op {
	case "not_eq", "not_contains", "not_exists":
		g := *f
		g.op = strings.TrimPrefix(f.op, "not_")
		return !g.match(c)
	}
	d := &c.doc
	if get, ok := searchDateFields[f.field]; ok {
		ms := get(c)
		switch f.op {
		case "exists":
			return ms != 0
		case "range":
			b, _ := f.value.(map[string]any)
			for k, bv := range b {
				lim, ok := valueMs(bv)
				if !ok {
					return false
				}
				switch k {
				case "gt":
					if !(ms > lim) {
						return false
					}
				case "gte":
					if !(ms >= lim) {
						return false
					}
				case "lt":
					if !(ms < lim) {
						return false
					}
				case "lte":
					if !(ms <= lim) {
						return false
					}
				}
			}
			return true
		case "gt", "gte", "lt", "lte":
			lim, ok := valueMs(f.value)
			if !ok {
				return false
			}
			switch f.op {
			case "gt":
				return ms > lim
			case "gte":
				return ms >= lim
			case "lt":
				return ms < lim
			default:
				return ms <= lim
			}
		case "eq":
			lim, ok := valueMs(f.value)
			return ok && lim == ms
		}
		return false
	}
	var one [1]string
	var vals []string // the contact's values for the field
	isList := false   // tags/followers: contains tests membership
	switch {
	case f.field == "tags":
		vals, isList = d.Tags, true // stored lower case
	case f.field == "followers":
		vals, isList = d.Followers, true
	case f.field == "dnd":
		one[0] = strconv.FormatBool(d.Dnd)
		vals = one[:]
	case strings.HasPrefix(f.field, "customField"):
		_, id, _ := strings.Cut(f.field, ".")
		for _, cf := range d.CustomFields {
			if cf.ID == id {
				vals = valueStrings(cf.Value)
			}
		}
	default:
		if v := searchStringFields[f.field](d); v != "" {
			one[0] = v
			vals = one[:]
		}
	}
	switch f.op {
	case "exists":
		return len(vals) > 0
	case "eq":
		for _, v := range vals {
			for _, w := range f.want {
				if strings.EqualFold(v, w) {
					return true
				}
			}
		}
		return false
	case "contains":
		for _, v := range vals {
			if isList {
				for _, w := range f.want {
					if strings.EqualFold(v, w) {
						return true
					}
				}
				continue
			}
			lv := strings.ToLower(v)
			for _, w := range f.want {
				if strings.Contains(lv, w) {
					return true
				}
			}
		}
		return false
	}
	return false
}

func parseSort(v any) ([]sortKey, []string) {
	list, ok := v.([]any)
	if !ok {
		return nil, []string{"sort must be an array"}
	}
	var out []sortKey
	var errs []string
	for i, item := range list {
		obj, _ := item.(map[string]any)
		field, _ := obj["field"].(string)
		dir, _ := obj["direction"].(string)
		if !searchSortFields[field] {
			errs = append(errs, fmt.Sprintf("sort.%d.field %q is not a supported sort field", i, field))
		}
		dir = strings.ToLower(dir)
		if dir != "" && dir != "asc" && dir != "desc" {
			errs = append(errs, fmt.Sprintf("sort.%d.direction must be one of the following values: asc, desc", i))
		}
		out = append(out, sortKey{field: field, desc: dir == "desc"})
	}
	return out, errs
}

// sortValue is a contact's value for a sort key: ms for dates, else a
// lower-case string.
func sortValue(c *contact, field string) any {
	if get, ok := searchDateFields[field]; ok {
		return get(c)
	}
	return strings.ToLower(searchStringFields[field](&c.doc))
}

func compareValues(a, b any) int {
	switch x := a.(type) {
	case int64:
		y, ok := b.(int64)
		if !ok {
			return -1
		}
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		y, ok := b.(string)
		if !ok {
			return 1
		}
		return strings.Compare(x, y)
	}
	return 0
}

// compareContacts orders by the sort keys, then by ID in the direction of
// the last key.
func compareContacts(keys []sortKey, a, b *contact) int {
	for _, k := range keys {
		if c := compareValues(sortValue(a, k.field), sortValue(b, k.field)); c != 0 {
			if k.desc {
				return -c
			}
			return c
		}
	}
	c := strings.Compare(a.doc.ID, b.doc.ID)
	if len(keys) > 0 && keys[len(keys)-1].desc {
		return -c
	}
	return c
}

// afterCursor reports whether c sorts strictly after the searchAfter tuple.
func afterCursor(keys []sortKey, c *contact, cursor []any) bool {
	for i, k := range keys {
		cv := sortValue(c, k.field)
		var want any
		switch x := cursor[i].(type) {
		case json.Number:
			if n, err := x.Int64(); err == nil {
				want = n
			} else {
				f, _ := x.Float64()
				want = int64(f)
			}
		case string:
			if _, isMs := cv.(int64); isMs {
				ms, _ := valueMs(x)
				want = ms
			} else {
				want = strings.ToLower(x)
			}
		default:
			want = x
		}
		cmp := compareValues(cv, want)
		if k.desc {
			cmp = -cmp
		}
		if cmp != 0 {
			return cmp > 0
		}
	}
	id, _ := cursor[len(keys)].(string)
	cmp := strings.Compare(c.doc.ID, id)
	if keys[len(keys)-1].desc {
		cmp = -cmp
	}
	return cmp > 0
}

func (s *Server) searchContacts(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok {
		return
	}
	var errs []string
	locID, e := requireString(m, "locationId")
	errs = append(errs, e...)
	pageLimit := 0
	if v, ok := m["pageLimit"]; !ok || v == nil {
		errs = append(errs, "pageLimit must not be greater than 500", "pageLimit must not be less than 1", "pageLimit must be a number conforming to the specified constraints")
	} else if n, ok := intValue(v); !ok {
		errs = append(errs, "pageLimit must be a number conforming to the specified constraints")
	} else if n > maxPageLimit {
		errs = append(errs, "pageLimit must not be greater than 500")
	} else if n < 1 {
		errs = append(errs, "pageLimit must not be less than 1")
	} else {
		pageLimit = n
	}
	page := 1
	if v, ok := m["page"]; ok && v != nil {
		if n, ok := intValue(v); !ok || n < 1 {
			errs = append(errs, "page must not be less than 1")
		} else {
			page = n
		}
	}
	var cursor []any
	if v, ok := m["searchAfter"]; ok && v != nil {
		l, isList := v.([]any)
		if !isList {
			errs = append(errs, "searchAfter must be an array")
		} else if len(l) > 0 {
			cursor = l
		}
	}
	query := ""
	if v, ok := m["query"]; ok && v != nil {
		q, isStr := v.(string)
		switch {
		case !isStr:
			errs = append(errs, "query must be a string")
		case len(q) > maxQueryLength:
			errs = append(errs, "query must be shorter than or equal to 75 characters")
		}
		query = q
	}
	var filters []filter
	if v, ok := m["filters"]; ok && v != nil {
		f, e := parseFilters(v, "filters")
		filters = f
		errs = append(errs, e...)
	}
	keys := []sortKey{{field: "dateAdded", desc: true}}
	if v, ok := m["sort"]; ok && v != nil {
		k, e := parseSort(v)
		errs = append(errs, e...)
		if len(k) > 0 {
			keys = k
		}
	}
	if cursor != nil {
		if len(cursor) != len(keys)+1 {
			errs = append(errs, fmt.Sprintf("searchAfter must have %d values (one per sort field, then the contact id)", len(keys)+1))
		} else if _, ok := cursor[len(keys)].(string); !ok {
			errs = append(errs, "the last searchAfter value must be a contact id")
		}
		if page > 1 {
			errs = append(errs, "page must not be used together with searchAfter")
		}
	}
	if len(errs) > 0 {
		c.unprocessable(errs...)
		return
	}
	if !c.checkLocation(locID) {
		return
	}
	if cursor == nil && page*pageLimit > maxSearchWindow {
		c.badRequest(fmt.Sprintf("Result window is too large: page * pageLimit must be less than or equal to %d; use searchAfter to page deeper", maxSearchWindow))
		return
	}

	s.mu.RLock()
	loc := s.st.locations[locID]
	var hits []*contact
	for _, ct := range loc.contacts {
		if !matchesQuery(ct, query) {
			continue
		}
		ok := true
		for i := range filters {
			if !filters[i].match(ct) {
				ok = false
				break
			}
		}
		if ok {
			hits = append(hits, ct)
		}
	}
	total := len(hits)
	switch {
	case len(keys) == 1 && keys[0].field == "dateAdded" && keys[0].desc:
		slices.Reverse(hits) // the location list is already ascending
	case len(keys) == 1 && keys[0].field == "dateAdded":
	default:
		slices.SortStableFunc(hits, func(a, b *contact) int { return compareContacts(keys, a, b) })
	}
	start := 0
	if cursor != nil {
		start, _ = slices.BinarySearchFunc(hits, cursor, func(ct *contact, cur []any) int {
			if afterCursor(keys, ct, cur) {
				return 1
			}
			return -1
		})
	} else {
		start = min((page-1)*pageLimit, len(hits))
	}
	end := min(start+pageLimit, len(hits))
	b := make([]byte, 0, 1024*(end-start)+64)
	b = append(b, `{"contacts":[`...)
	for i, ct := range hits[start:end] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, ct.enc[:len(ct.enc)-1]...)
		b = append(b, `,"searchAfter":[`...)
		for _, k := range keys {
			switch v := sortValue(ct, k.field).(type) {
			case int64:
				b = strconv.AppendInt(b, v, 10)
			case string:
				b = append(b, marshal(v)...)
			}
			b = append(b, ',')
		}
		b = append(b, marshal(ct.doc.ID)...)
		b = append(b, "]}"...)
	}
	s.mu.RUnlock()
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	c.rawJSON(http.StatusOK, append(b, '}'))
}

// intValue reads an integer JSON number (strings are rejected, as
// HighLevel's validation does).
func intValue(v any) (int, bool) {
	if x, ok := v.(json.Number); ok {
		n, err := x.Int64()
		return int(n), err == nil
	}
	return 0, false
}
