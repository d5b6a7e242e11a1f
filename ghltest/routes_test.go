package ghltest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

// routesEnv serves requests in-process (no network) with one location token
// and one agency token, without rate limits.
type routesEnv struct {
	t        *testing.T
	srv      *ghltest.Server
	loc      *ghltest.Location
	locTok   string
	agencyTk string
}

func newRoutesEnv(t *testing.T, opts ...ghltest.Option) *routesEnv {
	t.Helper()
	srv := ghltest.NewHandler(append([]ghltest.Option{ghltest.WithRateLimit(0, 0, 0)}, opts...)...)
	loc := srv.CreateLocation("Routes")
	return &routesEnv{t: t, srv: srv, loc: loc, locTok: loc.Token, agencyTk: srv.DefaultCompany().Token}
}

type reply struct {
	status int
	raw    string
	body   map[string]any
}

// message returns the body's message as a string ("" if it is not one).
func (r reply) message() string { s, _ := r.body["message"].(string); return s }

// messages returns the body's message array (nil if it is not one).
func (r reply) messages() []string {
	l, ok := r.body["message"].([]any)
	if !ok {
		return nil
	}
	out := make([]string, len(l))
	for i, v := range l {
		out[i], _ = v.(string)
	}
	return out
}

func (e *routesEnv) send(method, path, token, version, body string) reply {
	e.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if version != "" {
		req.Header.Set("Version", version)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	r := reply{status: w.Code, raw: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), &r.body); err != nil {
		e.t.Fatalf("%s %s: body is not a JSON object: %q", method, path, r.raw)
	}
	return r
}

// tokenFor returns a token of the kind the route accepts.
func (e *routesEnv) tokenFor(rt ghltest.Route) string {
	if rt.TokenKind == "agency" {
		return e.agencyTk
	}
	return e.locTok
}

// fillPath replaces each {param} of a template with p1, p2, ...
func fillPath(tmpl string) string {
	segs := strings.Split(tmpl, "/")
	n := 0
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			n++
			segs[i] = fmt.Sprintf("p%d", n)
		}
	}
	return strings.Join(segs, "/")
}

// validQuery and validBody give every required field a value of its type.
func validQuery(fs []ghltest.Field) string {
	q := url.Values{}
	for _, f := range fs {
		switch f.Type {
		case "number", "integer":
			q.Set(f.Name, "1")
		case "boolean":
			q.Set(f.Name, "true")
		default:
			q.Set(f.Name, "x")
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func validBody(fs []ghltest.Field) string {
	m := map[string]any{}
	for _, f := range fs {
		switch f.Type {
		case "number", "integer":
			m[f.Name] = 1
		case "boolean":
			m[f.Name] = true
		case "array":
			m[f.Name] = []string{"x"}
		case "object":
			m[f.Name] = map[string]any{}
		default:
			m[f.Name] = "x"
		}
	}
	if len(m) == 0 {
		return ""
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func notEmulatedMessage(rt ghltest.Route) string {
	return "ghltest: operation " + rt.OperationID + " (" + rt.Method + " " + rt.Path + ") is not emulated yet"
}

// TestEveryOperationIsRouted sends a request to each of the specs'
// operations, with the spec's Version and with 2023-02-21 (what the
// official Node SDK sends everywhere), and checks that it reaches that
// operation: its behaviour, or for the others the generic validation (422
// naming the first missing field) and, with valid input and
// WithoutSpecExamples, the 501 naming the operation. No request gets the
// 404 of an unknown path.
func TestEveryOperationIsRouted(t *testing.T) {
	e := newRoutesEnv(t, ghltest.WithoutSpecExamples())
	routes := e.srv.Routes()
	files := map[string]int{}
	for _, rt := range routes {
		files[rt.SpecFile]++
	}
	if len(routes) != 576 || len(files) != 41 {
		t.Fatalf("Routes() has %d operations from %d files, want the specs' 576 from 41", len(routes), len(files))
	}
	emulated := 0
	for _, rt := range routes {
		versions := []string{"2023-02-21", "2021-07-28"}
		if len(rt.Versions) > 0 {
			versions[1] = rt.Versions[0]
		}
		path := fillPath(rt.Path)
		tok := e.tokenFor(rt)
		if rt.Emulated {
			emulated++
		}
		for _, v := range versions {
			name := rt.Method + " " + rt.Path + " Version " + v
			r := e.send(rt.Method, path, tok, v, "")
			if r.status == http.StatusNotFound && strings.HasPrefix(r.message(), "Cannot ") {
				t.Errorf("%s: unknown-path 404: %s", name, r.raw)
				continue
			}
			if r.status == http.StatusUnauthorized {
				t.Errorf("%s: 401 with a %s token: %s", name, rt.TokenKind, r.raw)
				continue
			}
			if rt.Emulated {
				if r.status == http.StatusNotImplemented {
					t.Errorf("%s: emulated but answered 501: %s", name, r.raw)
				}
				continue
			}
			switch {
			case len(rt.Query) > 0:
				want := rt.Query[0].Name + " should not be empty"
				if r.status != http.StatusUnprocessableEntity || !slices.Contains(r.messages(), want) {
					t.Errorf("%s: got %d %s, want 422 with %q", name, r.status, r.raw, want)
				}
			case rt.BodyType == "json" && len(rt.Body) > 0:
				want := rt.Body[0].Name + " should not be empty"
				if r.status != http.StatusUnprocessableEntity || !slices.Contains(r.messages(), want) {
					t.Errorf("%s: got %d %s, want 422 with %q", name, r.status, r.raw, want)
				}
			default:
				checkNotImplemented(t, name, r, rt)
			}
			if len(rt.Query) > 0 || len(rt.Body) > 0 {
				body := ""
				if rt.BodyType == "json" {
					body = validBody(rt.Body)
				}
				r := e.send(rt.Method, path+validQuery(rt.Query), tok, v, body)
				checkNotImplemented(t, name+" with valid input", r, rt)
			}
		}
	}
	// contacts.json (32), oauth.json (3), the generic store's 35
	// (businesses 5, users 7, workflows 1, campaigns 1, locations 14 with
	// custom fields 6, custom values 5 and tags 5, companies 1), all 12 of
	// opportunities.json, all 29 of conversations.json, all 41 of
	// calendars.json, and (catalog2.go) all 10 of associations.json and all
	// 7 of blogs.json and all 8 of custom-fields.json, and all 4 of
	// snapshots.json have behaviour.
	if emulated != 190 {
		t.Errorf("%d operations emulated, want 190", emulated)
	}
}

func checkNotImplemented(t *testing.T, name string, r reply, rt ghltest.Route) {
	t.Helper()
	if r.status != http.StatusNotImplemented || r.message() != notEmulatedMessage(rt) ||
		r.body["error"] != "Not Implemented" || r.body["statusCode"] != float64(501) {
		t.Errorf("%s: got %d %s, want 501 %q", name, r.status, r.raw, notEmulatedMessage(rt))
	}
}

// TestMostSpecificRouteWins checks that a literal segment beats a parameter
// at the same position, whatever the table's order, and that matching falls
// back to the parameter when the literal branch leads nowhere.
func TestMostSpecificRouteWins(t *testing.T) {
	e := newRoutesEnv(t)
	locQ := "locationId=" + e.loc.ID
	for _, tc := range []struct {
		method, path string
		status       int
		want         string // message, or a key of the 2xx body
	}{
		// POST /contacts/search, not a contact named "search".
		{"POST", "/contacts/search", 200, "total"},
		// Only POST has the literal: PUT goes to /contacts/{contactId}.
		{"PUT", "/contacts/search", 404, "Contact not found"},
		{"GET", "/contacts/search/duplicate?" + locQ + "&email=a@b.c", 200, "contact"},
		// No GET /contacts/search/tasks: back to /contacts/{contactId}/tasks.
		{"GET", "/contacts/search/tasks", 404, "Contact not found"},
		{"GET", "/contacts/business/b1?" + locQ, 200, "contacts"},
		{"GET", "/contacts/?" + locQ, 200, "contacts"},
		{"GET", "/contacts?" + locQ, 200, "contacts"}, // trailing slash optional
		{"GET", "/calendars/events?" + locQ + "&startTime=1&endTime=2&calendarId=c1", 200, "events"},
		{"GET", "/calendars/cal1", 404, "Calendar not found"},
		{"GET", "/calendars/events/appointments/a1", 404, "Appointment not found"},
		{"GET", "/conversation-ai/agents/a1", 200, "actions"}, // the spec's example
	} {
		body := ""
		if tc.method == "POST" || tc.method == "PUT" {
			body = `{"locationId":"` + e.loc.ID + `","pageLimit":10}`
		}
		r := e.send(tc.method, tc.path, e.locTok, "2021-07-28", body)
		if r.status != tc.status {
			t.Errorf("%s %s: status %d, want %d: %s", tc.method, tc.path, r.status, tc.status, r.raw)
			continue
		}
		if tc.status < 300 {
			if _, ok := r.body[tc.want]; !ok {
				t.Errorf("%s %s: body lacks %q: %s", tc.method, tc.path, tc.want, r.raw)
			}
		} else if r.message() != tc.want {
			t.Errorf("%s %s: message %q, want %q", tc.method, tc.path, r.message(), tc.want)
		}
	}
}

// TestGenericValidation checks the 422s of operations without behaviour,
// worded as class-validator (and the contacts handlers) word them.
func TestGenericValidation(t *testing.T) {
	e := newRoutesEnv(t)
	t.Run("missing query parameter", func(t *testing.T) {
		r := e.send("GET", "/calendars/events?locationId="+e.loc.ID+"&endTime=2", e.locTok, "2021-04-15", "")
		want := map[string]any{"statusCode": float64(422), "message": []any{"startTime should not be empty", "startTime must be a string"}, "error": "Unprocessable Entity"}
		delete(r.body, "traceId")
		if r.status != 422 || fmt.Sprint(r.body) != fmt.Sprint(want) {
			t.Errorf("got %d %s, want 422 %v", r.status, r.raw, want)
		}
	})
	t.Run("missing body fields", func(t *testing.T) {
		r := e.send("POST", "/opportunities/", e.locTok, "2021-07-28", `{"pipelineId":"p","locationId":"`+e.loc.ID+`","name":"","status":"open"}`)
		want := []string{"name should not be empty", "contactId should not be empty", "contactId must be a string"}
		if r.status != 422 || !slices.Equal(r.messages(), want) || r.body["error"] != "Unprocessable Entity" {
			t.Errorf("got %d %s, want 422 %q", r.status, r.raw, want)
		}
	})
	t.Run("wrong body type", func(t *testing.T) {
		r := e.send("POST", "/calendars/", e.locTok, "2021-04-15", `{"locationId":7,"name":"Cal"}`)
		if want := []string{"locationId must be a string"}; r.status != 422 || !slices.Equal(r.messages(), want) {
			t.Errorf("got %d %s, want 422 %q", r.status, r.raw, want)
		}
	})
	t.Run("wrong query type", func(t *testing.T) {
		var num string
		rt := findRoute(t, e.srv, func(rt ghltest.Route) bool {
			for _, f := range rt.Query {
				if f.Type == "number" && !rt.Emulated {
					num = f.Name
					return true
				}
			}
			return false
		})
		q, _ := url.ParseQuery(strings.TrimPrefix(validQuery(rt.Query), "?"))
		q.Set(num, "ten")
		r := e.send(rt.Method, fillPath(rt.Path)+"?"+q.Encode(), e.tokenFor(rt), "2023-02-21", validBody(rt.Body))
		want := num + " must be a number conforming to the specified constraints"
		if r.status != 422 || !slices.Equal(r.messages(), []string{want}) {
			t.Errorf("%s %s: got %d %s, want 422 %q", rt.Method, rt.Path, r.status, r.raw, want)
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		r := e.send("POST", "/calendars/", e.locTok, "2021-04-15", `{"locationId":`)
		if r.status != 400 || r.message() != "Unexpected end of JSON input" {
			t.Errorf("got %d %s, want 400 Unexpected end of JSON input", r.status, r.raw)
		}
	})
	t.Run("body not JSON", func(t *testing.T) {
		req := httptest.NewRequest("POST", "/calendars/", strings.NewReader("locationId=x&name=y"))
		req.Header.Set("Authorization", "Bearer "+e.locTok)
		req.Header.Set("Version", "2021-04-15")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		if w.Code != 422 || !strings.Contains(w.Body.String(), `"locationId should not be empty"`) {
			t.Errorf("got %d %s, want 422 (a non-JSON body is ignored)", w.Code, w.Body)
		}
	})
}

func findRoute(t *testing.T, srv *ghltest.Server, ok func(ghltest.Route) bool) ghltest.Route {
	t.Helper()
	for _, rt := range srv.Routes() {
		if ok(rt) {
			return rt
		}
	}
	t.Fatal("no such route in the table")
	return ghltest.Route{}
}

// TestGenericAuthAndVersion checks that operations without behaviour get
// the same token and Version checks as the others (the 501s show that the
// request reached the operation).
func TestGenericAuthAndVersion(t *testing.T) {
	e := newRoutesEnv(t, ghltest.WithoutSpecExamples())
	for _, tc := range []struct {
		name, method, path, token, version string
		status                             int
		message                            string
	}{
		{"no token", "GET", "/calendars/c1", "", "2021-04-15", 401, "Invalid token: access token is invalid"},
		{"no Version", "GET", "/calendars/c1", e.locTok, "", 401, "version header was not found."},
		{"unpublished Version", "GET", "/calendars/c1", e.locTok, "2024-01-01", 401, "version header is invalid"},
		{"unpublished Version, unknown path", "GET", "/nowhere", e.locTok, "2024-01-01", 401, "version header is invalid"},
		{"other published Version", "GET", "/conversation-ai/agents/a1", e.locTok, "v3", 501, "ghltest: operation get-agent (GET /conversation-ai/agents/{agentId}) is not emulated yet"},
		{"Node SDK Version", "GET", "/conversation-ai/agents/a1", e.locTok, "2023-02-21", 501, "ghltest: operation get-agent (GET /conversation-ai/agents/{agentId}) is not emulated yet"},
		{"Node SDK Version, emulated", "GET", "/contacts/c1", e.locTok, "2023-02-21", 404, "Contact not found"},
		{"agency operation, location token", "GET", "/custom-menus/m1", e.locTok, "2021-07-28", 401, "This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added."},
		{"location operation, agency token", "GET", "/calendars/c1", e.agencyTk, "2021-04-15", 401, "This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added."},
		{"agency operation, agency token", "GET", "/custom-menus/m1", e.agencyTk, "2021-07-28", 501, "ghltest: operation get-custom-menu-by-id (GET /custom-menus/{customMenuId}) is not emulated yet"},
		{"either kind, agency token", "GET", "/invoices/?altId=a&altType=location&limit=1&offset=0", e.agencyTk, "2021-07-28", 501, "ghltest: operation list-invoices (GET /invoices/) is not emulated yet"},
		{"either kind, location token", "GET", "/invoices/?altId=a&altType=location&limit=1&offset=0", e.locTok, "2021-07-28", 501, "ghltest: operation list-invoices (GET /invoices/) is not emulated yet"},
		{"no Version declared", "GET", "/funnels/funnel/list?locationId=l1", e.locTok, "legacy", 501, "ghltest: operation getFunnels (GET /funnels/funnel/list) is not emulated yet"},
		{"unknown path", "GET", "/nowhere/x", e.locTok, "2021-07-28", 404, "Cannot GET /nowhere/x"},
		{"unknown method", "PATCH", "/contacts/c1", e.locTok, "2021-07-28", 404, "Cannot PATCH /contacts/c1"},
	} {
		r := e.send(tc.method, tc.path, tc.token, tc.version, "")
		if r.status != tc.status || r.message() != tc.message {
			t.Errorf("%s: got %d %s, want %d %q", tc.name, r.status, r.raw, tc.status, tc.message)
		}
	}
}

// TestRoutesAndEmulated checks the inspection API.
func TestRoutesAndEmulated(t *testing.T) {
	srv := ghltest.NewHandler()
	for _, tc := range []struct {
		method, path string
		want         bool
	}{
		{"GET", "/contacts/{contactId}", true},
		{"GET", "/contacts/abc", true},
		{"POST", "/contacts/search", true},
		{"POST", "/oauth/token", true},
		{"GET", "/oauth/installedLocations?companyId=x", true},
		{"GET", "/calendars/events", true},
		{"GET", "/calendars/{calendarId}", true},
		{"GET", "/calendars/schedules/{id}", true},
		{"GET", "/conversation-ai/agents/{agentId}", false},
		{"POST", "/contacts/{contactId}/nowhere", false},
		{"PATCH", "/contacts/abc", false},
	} {
		if got := srv.Emulated(tc.method, tc.path); got != tc.want {
			t.Errorf("Emulated(%s, %s) = %v, want %v", tc.method, tc.path, got, tc.want)
		}
	}
	rt := findRoute(t, srv, func(rt ghltest.Route) bool { return rt.Method == "POST" && rt.Path == "/opportunities/" })
	want := ghltest.Route{
		SpecFile: "opportunities.json", Method: "POST", Path: "/opportunities/", OperationID: "create-opportunity",
		Versions: []string{"2021-07-28"}, Security: []string{"bearer"}, Scopes: []string{"opportunities.write"},
		TokenKind: "location", BodyType: "json",
		Body:     []ghltest.Field{{"pipelineId", "string"}, {"locationId", "string"}, {"name", "string"}, {"status", "string"}, {"contactId", "string"}},
		Emulated: true, Answer: "state", Status: 201, Example: "schema",
	}
	if fmt.Sprintf("%+v", rt) != fmt.Sprintf("%+v", want) {
		t.Errorf("route\n got %+v\nwant %+v", rt, want)
	}
	// Routes returns copies: changing one does not change the table.
	rt.Versions[0] = "changed"
	if again := findRoute(t, srv, func(r ghltest.Route) bool { return r.Path == "/opportunities/" && r.Method == "POST" }); again.Versions[0] != "2021-07-28" {
		t.Errorf("Routes shares its slices with the table")
	}
	for _, rt := range srv.Routes() {
		if rt.Emulated != srv.Emulated(rt.Method, rt.Path) {
			t.Errorf("%s %s: Routes says Emulated %v, Emulated says the opposite", rt.Method, rt.Path, rt.Emulated)
		}
	}
}
