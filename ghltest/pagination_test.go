package ghltest_test

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

func TestSeedContactsDeterministic(t *testing.T) {
	s1, s2 := ghltest.NewHandler(ghltest.WithSeed(7)), ghltest.NewHandler(ghltest.WithSeed(7))
	l1, l2 := s1.CreateLocation("A"), s2.CreateLocation("A")
	ids1, ids2 := s1.SeedContacts(l1.ID, 300), s2.SeedContacts(l2.ID, 300)
	if !slices.Equal(ids1, ids2) {
		t.Fatal("same seed, different IDs")
	}
	cs := s1.Contacts(l1.ID)
	emails, phones := map[string]bool{}, map[string]bool{}
	prev := ""
	for i, c := range cs {
		if c["id"] != ids1[i] {
			t.Fatalf("contact %d out of order", i)
		}
		e, p, d := c["email"].(string), c["phone"].(string), c["dateAdded"].(string)
		if emails[e] || phones[p] {
			t.Fatalf("duplicate email %q or phone %q", e, p)
		}
		emails[e], phones[p] = true, true
		if d <= prev || !isoMillis.MatchString(d) {
			t.Fatalf("dateAdded %q not increasing after %q", d, prev)
		}
		prev = d
		if c["firstName"] == "" || c["lastName"] == "" || c["city"] == "" {
			t.Fatalf("unrealistic contact %v", c)
		}
	}
	c2 := s2.Contacts(l2.ID)
	if c2[17]["email"] != cs[17]["email"] {
		t.Error("same seed, different data")
	}
	if s3 := ghltest.NewHandler(ghltest.WithSeed(8)); slices.Equal(s3.SeedContacts(s3.CreateLocation("A").ID, 5), ids1[:5]) {
		t.Error("different seeds, same IDs")
	}
}

func TestListContactsCursor(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	ids := srv.SeedContacts(loc.ID, 230)
	a := newAPI(t, srv, loc.Token)

	a.do("GET", "/contacts/", nil).messages(t)
	if m := a.do("GET", "/contacts/?locationId="+loc.ID+"&limit=101", nil).messages(t); !slices.Contains(m, "limit must not be greater than 100") {
		t.Errorf("limit 101: %v", m)
	}
	a.do("GET", "/contacts/?locationId="+loc.ID+"&limit=abc", nil).messages(t)

	r := a.do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	exactKeys(t, r.body, "contacts", "count", "meta")
	if len(r.list(t, "contacts")) != 20 {
		t.Errorf("default limit: %d", len(r.list(t, "contacts")))
	}
	meta := r.obj(t, "meta")
	exactKeys(t, meta, "total", "nextPageUrl", "startAfterId", "startAfter", "currentPage", "nextPage", "prevPage")
	if meta["total"] != float64(230) || r.body["count"] != float64(230) || meta["currentPage"] != float64(1) || meta["nextPage"] != float64(2) || meta["prevPage"] != nil {
		t.Errorf("first page meta %v count %v", meta, r.body["count"])
	}

	// Walk with the cursor from meta.
	var got []string
	path := "/contacts/?locationId=" + loc.ID + "&limit=100"
	pages := 0
	for {
		r := a.do("GET", path, nil).expect(t, 200)
		pages++
		page := r.list(t, "contacts")
		for _, c := range page {
			got = append(got, c["id"].(string))
		}
		meta := r.obj(t, "meta")
		if meta["currentPage"] != float64(pages) {
			t.Errorf("page %d: currentPage %v", pages, meta["currentPage"])
		}
		last := page[len(page)-1]
		if meta["startAfterId"] != last["id"] {
			t.Errorf("startAfterId %v, last %v", meta["startAfterId"], last["id"])
		}
		next, _ := meta["nextPageUrl"].(string)
		if next == "" {
			if meta["nextPage"] != nil || pages != 3 {
				t.Errorf("last page %d meta %v", pages, meta)
			}
			break
		}
		u, err := url.Parse(next)
		if err != nil || !strings.HasPrefix(next, srv.URL+"/contacts/?") {
			t.Fatalf("nextPageUrl %q", next)
		}
		sa := u.Query().Get("startAfter")
		if sa != strconv.FormatInt(int64(meta["startAfter"].(float64)), 10) || u.Query().Get("startAfterId") != meta["startAfterId"] {
			t.Errorf("nextPageUrl %q vs meta %v", next, meta)
		}
		path = strings.TrimPrefix(next, srv.URL)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("walked %d contacts, want all %d in dateAdded order", len(got), len(ids))
	}

	// The cursor survives inserts: a new contact lands at the end.
	r = a.do("GET", "/contacts/?locationId="+loc.ID+"&limit=10", nil).expect(t, 200)
	meta = r.obj(t, "meta")
	newID := a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "Zed"}).expect(t, 201).obj(t, "contact")["id"].(string)
	q := "&startAfter=" + strconv.FormatInt(int64(meta["startAfter"].(float64)), 10) + "&startAfterId=" + meta["startAfterId"].(string)
	r = a.do("GET", "/contacts/?locationId="+loc.ID+"&limit=10"+q, nil).expect(t, 200)
	if r.list(t, "contacts")[0]["id"] != ids[10] || r.obj(t, "meta")["currentPage"] != float64(2) || r.obj(t, "meta")["prevPage"] != float64(1) {
		t.Errorf("second page %s", r.raw)
	}
	// startAfterId alone works too.
	r = a.do("GET", "/contacts/?locationId="+loc.ID+"&limit=1&startAfterId="+ids[229], nil).expect(t, 200)
	if r.list(t, "contacts")[0]["id"] != newID {
		t.Errorf("startAfterId only: %s", r.raw)
	}
	// Past the end: empty page, null cursors.
	r = a.do("GET", "/contacts/?locationId="+loc.ID+"&startAfterId="+newID, nil).expect(t, 200)
	if len(r.list(t, "contacts")) != 0 || r.obj(t, "meta")["startAfterId"] != nil || r.obj(t, "meta")["nextPageUrl"] != nil {
		t.Errorf("past the end: %s", r.raw)
	}
	// query filters (and total follows it).
	first := srv.Contacts(loc.ID)[5]
	r = a.do("GET", "/contacts/?locationId="+loc.ID+"&query="+url.QueryEscape(first["email"].(string)), nil).expect(t, 200)
	if r.body["count"] != float64(1) || r.list(t, "contacts")[0]["id"] != first["id"] {
		t.Errorf("query: %s", r.raw)
	}
}

func TestSearchContacts(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	ids := srv.SeedContacts(loc.ID, 260)
	a := newAPI(t, srv, loc.Token)
	search := func(body map[string]any) result {
		t.Helper()
		body["locationId"] = loc.ID
		return a.do("POST", "/contacts/search", body)
	}

	// Validation: locationId and pageLimit are required (422, array message).
	msgs := a.do("POST", "/contacts/search", map[string]any{}).messages(t)
	if !slices.Contains(msgs, "locationId should not be empty") || !slices.Contains(msgs, "pageLimit must not be greater than 500") {
		t.Errorf("422 messages %v", msgs)
	}
	search(map[string]any{"pageLimit": 501}).messages(t)
	search(map[string]any{"pageLimit": "10"}).messages(t)
	search(map[string]any{"pageLimit": 10, "filters": []any{map[string]any{"field": "tags", "operator": "like", "value": "x"}}}).messages(t)
	search(map[string]any{"pageLimit": 500, "page": 21}).expect(t, 400)

	// page + pageLimit, default order dateAdded desc.
	var got []string
	for page := 1; ; page++ {
		r := search(map[string]any{"page": page, "pageLimit": 100}).expect(t, 200)
		exactKeys(t, r.body, "contacts", "total")
		if r.body["total"] != float64(260) {
			t.Fatalf("total %v", r.body["total"])
		}
		l := r.list(t, "contacts")
		for _, c := range l {
			got = append(got, c["id"].(string))
		}
		if len(l) < 100 {
			break
		}
	}
	want := slices.Clone(ids)
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Fatalf("page walk: %d contacts, want %d newest first", len(got), len(want))
	}

	// searchAfter, ascending.
	got = nil
	var after []any
	for {
		body := map[string]any{"pageLimit": 75, "sort": []any{map[string]any{"field": "dateAdded", "direction": "asc"}}}
		if after != nil {
			body["searchAfter"] = after
		}
		r := search(body).expect(t, 200)
		l := r.list(t, "contacts")
		if len(l) == 0 {
			break
		}
		for _, c := range l {
			got = append(got, c["id"].(string))
		}
		after = l[len(l)-1]["searchAfter"].([]any)
		if len(after) != 2 || after[1] != l[len(l)-1]["id"] {
			t.Fatalf("searchAfter %v", after)
		}
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("searchAfter walk: %d contacts", len(got))
	}
	search(map[string]any{"pageLimit": 10, "searchAfter": []any{1, "x", "y"}}).messages(t)

	// Filters.
	count := func(body map[string]any) int {
		t.Helper()
		body["pageLimit"] = 500
		return int(search(body).expect(t, 200).body["total"].(float64))
	}
	all := srv.Contacts(loc.ID)
	vip := 0
	for _, c := range all {
		if slices.Contains(strs(c["tags"]), "vip") {
			vip++
		}
	}
	if vip == 0 {
		t.Fatal("no vip contacts seeded")
	}
	if n := count(map[string]any{"filters": []any{map[string]any{"field": "tags", "operator": "contains", "value": "VIP"}}}); n != vip {
		t.Errorf("tags contains vip: %d, want %d", n, vip)
	}
	if n := count(map[string]any{"filters": []any{map[string]any{"field": "tags", "operator": "not_contains", "value": "vip"}}}); n != 260-vip {
		t.Errorf("tags not_contains vip: %d, want %d", n, 260-vip)
	}
	c7 := all[7]
	if n := count(map[string]any{"filters": []any{map[string]any{"field": "email", "operator": "eq", "value": strings.ToUpper(c7["email"].(string))}}}); n != 1 {
		t.Errorf("email eq: %d", n)
	}
	phone := c7["phone"].(string)
	pretty := phone[:2] + " (" + phone[2:5] + ") " + phone[5:8] + "-" + phone[8:]
	r := search(map[string]any{"pageLimit": 5, "filters": []any{map[string]any{"field": "phone", "operator": "eq", "value": pretty}}}).expect(t, 200)
	if r.body["total"] != float64(1) || r.list(t, "contacts")[0]["id"] != c7["id"] {
		t.Errorf("phone eq %q: %s", pretty, r.raw)
	}
	lo, hi := all[10]["dateAdded"].(string), all[19]["dateAdded"].(string)
	if n := count(map[string]any{"filters": []any{map[string]any{"field": "dateAdded", "operator": "range", "value": map[string]any{"gte": lo, "lte": hi}}}}); n != 10 {
		t.Errorf("dateAdded range: %d, want 10", n)
	}
	grouped := []any{map[string]any{"group": "OR", "filters": []any{
		map[string]any{"field": "email", "operator": "eq", "value": all[0]["email"]},
		map[string]any{"field": "email", "operator": "eq", "value": all[1]["email"]},
	}}}
	if n := count(map[string]any{"filters": grouped}); n != 2 {
		t.Errorf("OR group: %d", n)
	}
	and := []any{map[string]any{"group": "AND", "filters": []any{
		map[string]any{"field": "email", "operator": "eq", "value": all[0]["email"]},
		map[string]any{"field": "email", "operator": "eq", "value": all[1]["email"]},
	}}}
	if n := count(map[string]any{"filters": and}); n != 0 {
		t.Errorf("AND group: %d", n)
	}
	if n := count(map[string]any{"query": all[3]["email"]}); n != 1 {
		t.Errorf("query: %d", n)
	}

	// Sort by name with searchAfter.
	r = search(map[string]any{"pageLimit": 500, "sort": []any{map[string]any{"field": "firstNameLowerCase", "direction": "asc"}}}).expect(t, 200)
	l := r.list(t, "contacts")
	for i := 1; i < len(l); i++ {
		if l[i-1]["firstNameLowerCase"].(string) > l[i]["firstNameLowerCase"].(string) {
			t.Fatalf("not sorted by first name at %d", i)
		}
	}
	mid := l[99]["searchAfter"].([]any)
	r = search(map[string]any{"pageLimit": 1, "searchAfter": mid, "sort": []any{map[string]any{"field": "firstNameLowerCase", "direction": "asc"}}}).expect(t, 200)
	if r.list(t, "contacts")[0]["id"] != l[100]["id"] {
		t.Errorf("searchAfter on name sort: got %v want %v", r.list(t, "contacts")[0]["id"], l[100]["id"])
	}
}
