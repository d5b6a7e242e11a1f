package ghltest

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestRouteOrderDoesNotMatter routes every operation's template, with its
// parameters filled, through the table and through a table built from the
// operations in reverse order: both find the operation itself.
func TestRouteOrderDoesNotMatter(t *testing.T) {
	rev := slices.Clone(specOps[:])
	slices.Reverse(rev)
	for _, tbl := range []*routeTable{table(), buildTable(rev)} {
		for i := range tbl.routes {
			op := tbl.routes[i].op
			segs := splitPath(op.path)
			var want []string
			for j, s := range segs {
				if isParam(s) {
					segs[j] = "v" + s[1:len(s)-1]
					want = append(want, s[1:len(s)-1], segs[j])
				}
			}
			got, params := tbl.match(op.method, "/"+strings.Join(segs, "/"), nil)
			if got < 0 || tbl.routes[got].op.path != op.path || tbl.routes[got].op.method != op.method {
				t.Errorf("%s %s: matched %d", op.method, op.path, got)
				continue
			}
			if !slices.Equal(params, want) {
				t.Errorf("%s %s: params %q, want %q", op.method, op.path, params, want)
			}
		}
	}
}

func TestRouteMatchDecodesAndRejects(t *testing.T) {
	tbl := table()
	for _, tc := range []struct {
		method, path string
		want         string // "METHOD template", "" for no match
		params       []string
	}{
		{"GET", "/contacts/a%20b", "GET /contacts/{contactId}", []string{"contactId", "a b"}},
		{"GET", "//contacts//", "GET /contacts/", nil},
		{"GET", "/contacts/%zz", "", nil},                // bad escape
		{"GET", "/contacts//tasks", "", nil},             // an empty parameter
		{"GET", "/" + strings.Repeat("a/", 20), "", nil}, // deeper than any route
		{"HEAD", "/contacts/x", "", nil},
		{"GET", "/", "", nil},
	} {
		i, params := tbl.match(tc.method, tc.path, nil)
		got := ""
		if i >= 0 {
			got = tbl.routes[i].op.method + " " + tbl.routes[i].op.path
		}
		if got != tc.want || !slices.Equal(params, tc.params) {
			t.Errorf("match(%s %s) = %q %q, want %q %q", tc.method, tc.path, got, params, tc.want, tc.params)
		}
	}
}

// TestRouteMatchDoesNotAllocate: matching an unescaped path into the
// request's parameter buffer allocates nothing.
func TestRouteMatchDoesNotAllocate(t *testing.T) {
	tbl := table()
	var buf [2 * maxParams]string
	for _, p := range []string{"/contacts/ve9EPM428h8vShlRW1KT", "/contacts/c1/tasks/t1/completed", "/calendars/events/appointments/e1", "/nowhere"} {
		if n := testing.AllocsPerRun(100, func() { tbl.match("GET", p, buf[:0]) }); n != 0 {
			t.Errorf("match(GET %s) allocates %v times", p, n)
		}
	}
}

// legacyRoute and legacyMatch are the router this table replaced (a linear
// scan in registration order), kept to compare speed in BenchmarkRouteMatch.
type legacyRoute struct {
	method string
	segs   []string
}

func legacyMatch(routes []legacyRoute, method string, u *url.URL) (*legacyRoute, []string) {
	segs := splitPath(u.EscapedPath())
	for i := range routes {
		rt := &routes[i]
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		var params []string
		ok := true
		for j, want := range rt.segs {
			got, err := url.PathUnescape(segs[j])
			if err != nil {
				ok = false
				break
			}
			if strings.HasPrefix(want, "{") {
				if got == "" {
					ok = false
					break
				}
				params = append(params, want[1:len(want)-1], got)
			} else if want != got {
				ok = false
				break
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

// legacyRoutes are the routes in the old registration order (literal first).
var legacyRoutes = func() []legacyRoute {
	var out []legacyRoute
	for _, r := range []string{
		"POST /contacts/search", "GET /contacts/search/duplicate", "GET /contacts/business/{businessId}",
		"POST /contacts/bulk/tags/update/{type}", "POST /contacts/bulk/business", "POST /contacts/upsert",
		"POST /contacts/", "GET /contacts/", "GET /contacts/{contactId}", "PUT /contacts/{contactId}",
		"DELETE /contacts/{contactId}", "GET /contacts/{contactId}/tasks", "POST /contacts/{contactId}/tasks",
		"GET /contacts/{contactId}/tasks/{taskId}", "PUT /contacts/{contactId}/tasks/{taskId}",
		"DELETE /contacts/{contactId}/tasks/{taskId}", "PUT /contacts/{contactId}/tasks/{taskId}/completed",
		"GET /contacts/{contactId}/appointments", "POST /contacts/{contactId}/tags", "DELETE /contacts/{contactId}/tags",
		"GET /contacts/{contactId}/notes", "POST /contacts/{contactId}/notes", "GET /contacts/{contactId}/notes/{id}",
		"PUT /contacts/{contactId}/notes/{id}", "DELETE /contacts/{contactId}/notes/{id}",
		"POST /contacts/{contactId}/followers", "DELETE /contacts/{contactId}/followers",
		"DELETE /contacts/{contactId}/campaigns/removeAll", "POST /contacts/{contactId}/campaigns/{campaignId}",
		"DELETE /contacts/{contactId}/campaigns/{campaignId}", "POST /contacts/{contactId}/workflow/{workflowId}",
		"DELETE /contacts/{contactId}/workflow/{workflowId}", "POST /oauth/locationToken", "GET /oauth/installedLocations",
	} {
		m, p, _ := strings.Cut(r, " ")
		out = append(out, legacyRoute{m, splitPath(p)})
	}
	return out
}()

// BenchmarkRouteMatch compares the segment trie over all 576 operations
// ("table") with the linear scan it replaced over the 34 contacts and OAuth
// routes ("legacy"), on the same request paths.
func BenchmarkRouteMatch(b *testing.B) {
	cases := []struct{ name, method, path string }{
		{"GetContact", "GET", "/contacts/ve9EPM428h8vShlRW1KT"},
		{"Search", "POST", "/contacts/search"},
		{"TaskCompleted", "PUT", "/contacts/ve9EPM428h8vShlRW1KT/tasks/t1/completed"},
		{"RemoveWorkflow", "DELETE", "/contacts/ve9EPM428h8vShlRW1KT/workflow/w1"},
		{"Unknown", "GET", "/nowhere/x"},
	}
	tbl := table()
	for _, tc := range cases {
		u := &url.URL{Path: tc.path}
		b.Run("table/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var buf [2 * maxParams]string
			for b.Loop() {
				tbl.match(tc.method, u.EscapedPath(), buf[:0])
			}
		})
		b.Run("legacy/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				legacyMatch(legacyRoutes, tc.method, u)
			}
		})
	}
	b.Run("table/CalendarAppointment", func(b *testing.B) {
		b.ReportAllocs()
		var buf [2 * maxParams]string
		for b.Loop() {
			tbl.match("GET", "/calendars/events/appointments/e1", buf[:0])
		}
	})
}
