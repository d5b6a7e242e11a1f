package ghltest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

// rawReply is a response whose body may be anything.
type rawReply struct {
	status int
	header http.Header
	body   []byte
}

// sendRaw sends a request in-process and returns the response as is.
func (e *routesEnv) sendRaw(method, path, token, version, body string) rawReply {
	e.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Version", version)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, req)
	return rawReply{w.Code, w.Header(), w.Body.Bytes()}
}

// TestEveryOperationAnswers sends each operation without behaviour of its
// own a request built from the route table (a token of its kind, its
// declared Version, its required query parameters and body fields) and
// checks that it answers the spec's success status with the spec's example:
// JSON that decodes (nothing for a 204, the declared media type otherwise),
// marked X-Ghltest-Behaviour: example. The same request without its required
// fields still gets the 422 first. Operations with state say so in the
// header.
func TestEveryOperationAnswers(t *testing.T) {
	e := newRoutesEnv(t)
	from, all := map[string]int{}, map[string]int{}
	answered, state := 0, 0
	for _, rt := range e.srv.Routes() {
		all[rt.Example]++
		name := rt.Method + " " + rt.Path
		version := "2021-07-28"
		if len(rt.Versions) > 0 {
			version = rt.Versions[0]
		}
		body := ""
		if rt.BodyType == "json" {
			body = validBody(rt.Body)
		}
		path := fillPath(rt.Path)
		r := e.sendRaw(rt.Method, path+validQuery(rt.Query), e.tokenFor(rt), version, body)
		if rt.Emulated {
			state++
			if rt.Answer != "state" || r.header.Get(ghltest.BehaviourHeader) != "state" {
				t.Errorf("%s: Answer %q, header %q, want state", name, rt.Answer, r.header.Get(ghltest.BehaviourHeader))
			}
			continue
		}
		answered++
		from[rt.Example]++
		if rt.Answer != "example" || rt.Status < 200 || rt.Status > 299 {
			t.Errorf("%s: Answer %q Status %d, want example and a 2xx", name, rt.Answer, rt.Status)
		}
		if r.status != rt.Status || r.header.Get(ghltest.BehaviourHeader) != "example" {
			t.Errorf("%s: got %d (%s %q) %s, want %d from the example", name, r.status,
				ghltest.BehaviourHeader, r.header.Get(ghltest.BehaviourHeader), r.body, rt.Status)
			continue
		}
		ct := r.header.Get("Content-Type")
		switch {
		case r.status == http.StatusNoContent:
			if len(r.body) != 0 {
				t.Errorf("%s: 204 with a body: %q", name, r.body)
			}
		case strings.Contains(ct, "json"):
			var v any
			if err := json.Unmarshal(r.body, &v); err != nil || v == nil {
				t.Errorf("%s: body is not JSON (%v): %q", name, err, r.body)
			}
			if rt.Example != "none" && string(r.body) == "{}" {
				t.Errorf("%s: an empty object, though the spec has an example", name)
			}
		default:
			t.Errorf("%s: Content-Type %q for a JSON operation", name, ct)
		}
		if len(rt.Query) == 0 && len(rt.Body) == 0 {
			continue
		}
		miss := e.sendRaw(rt.Method, path, e.tokenFor(rt), version, "")
		first := ""
		if len(rt.Query) > 0 {
			first = rt.Query[0].Name
		} else if rt.BodyType == "json" {
			first = rt.Body[0].Name
		}
		if first != "" && (miss.status != http.StatusUnprocessableEntity || !strings.Contains(string(miss.body), `"`+first+` should not be empty"`)) {
			t.Errorf("%s without required fields: got %d %s, want the 422 naming %s", name, miss.status, miss.body, first)
		}
	}
	// Of the 576 operations' examples, 9 are the spec's own, 434 are
	// synthesized from the response schema and 133 have no body in the spec
	// (mostly ad-manager.json's), whichever have state.
	if state+answered != 576 || all["spec"] != 9 || all["schema"] != 434 || all["none"] != 133 {
		t.Errorf("%d with state + %d from examples, examples from %v; want 576, and 9 spec, 434 schema, 133 none", state, answered, all)
	}
	t.Logf("%d with state, %d answered from the spec (example from %v)", state, answered, from)
}

// TestExampleEchoesRequest checks that an example answer carries what the
// request sent: the path parameter that names the resource as its id, other
// path parameters, body fields and query parameters under their own names
// (converted to the example's type), and a fresh id for a create.
func TestExampleEchoesRequest(t *testing.T) {
	e := newRoutesEnv(t)
	decode := func(r rawReply) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal(r.body, &m); err != nil {
			t.Fatalf("got %d %q: %v", r.status, r.body, err)
		}
		return m
	}
	t.Run("path id into the wrapped object", func(t *testing.T) {
		m := decode(e.sendRaw("GET", "/custom-menus/menu-42", e.agencyTk, "2021-07-28", ""))
		menu, _ := m["customMenu"].(map[string]any)
		if menu["id"] != "menu-42" || menu["title"] != "Dashboard" {
			t.Errorf("customMenu = %v, want id menu-42 and the example's title", menu)
		}
	})
	t.Run("path parameter under its own name", func(t *testing.T) {
		m := decode(e.sendRaw("GET", "/marketplace/billing/charges/ch_9", e.locTok, "2021-07-28", ""))
		if m["chargeId"] != "ch_9" {
			t.Errorf("chargeId = %v, want ch_9: %v", m["chargeId"], m)
		}
	})
	t.Run("query parameters, typed as the example", func(t *testing.T) {
		m := decode(e.sendRaw("GET", "/marketplace/billing/charges?limit=5&skip=ten", e.locTok, "2021-07-28", ""))
		pg, _ := m["pagination"].(map[string]any)
		if pg["limit"] != float64(5) || pg["skip"] != float64(0) {
			t.Errorf("pagination = %v, want limit 5 (echoed as a number) and skip 0 (ten is not one)", pg)
		}
		m = decode(e.sendRaw("GET", "/funnels/funnel/list?locationId="+e.loc.ID, e.locTok, "2021-07-28", ""))
		if f, _ := m["funnels"].(map[string]any); f["locationId"] != e.loc.ID {
			t.Errorf("funnels.locationId = %v, want %s", f["locationId"], e.loc.ID)
		}
	})
	t.Run("create: body fields and a fresh id", func(t *testing.T) {
		body := `{"name":"Widget","locationId":"` + e.loc.ID + `","productType":"DIGITAL","description":7}`
		r1 := e.sendRaw("POST", "/products/", e.locTok, "2021-07-28", body)
		r2 := e.sendRaw("POST", "/products/", e.locTok, "2021-07-28", body)
		if r1.status != http.StatusCreated {
			t.Fatalf("got %d %s, want 201", r1.status, r1.body)
		}
		a, b := decode(r1), decode(r2)
		if a["name"] != "Widget" || a["locationId"] != e.loc.ID || a["productType"] != "DIGITAL" {
			t.Errorf("create answer does not echo the body: %v", a)
		}
		if a["description"] != "This is a really awesome product" {
			t.Errorf("description = %v: a number must not replace the example's string", a["description"])
		}
		objectID := regexp.MustCompile(`^[0-9a-f]{24}$`)
		id1, _ := a["_id"].(string)
		id2, _ := b["_id"].(string)
		if !objectID.MatchString(id1) || id1 == "655b33a82209e60b6adb87a5" || id1 == id2 {
			t.Errorf("_id %q then %q, want two fresh ObjectIDs", id1, id2)
		}
	})
	t.Run("create with an id keeps it", func(t *testing.T) {
		body := `{"id":"given","_id":"given","name":"Widget","locationId":"` + e.loc.ID + `","productType":"DIGITAL"}`
		if a := decode(e.sendRaw("POST", "/products/", e.locTok, "2021-07-28", body)); a["_id"] != "given" {
			t.Errorf("_id = %v, want the body's", a["_id"])
		}
	})
}

// TestWithoutSpecExamples checks that the option brings back the 501 for
// operations without behaviour, after the generic validation, and that
// Routes says so; operations with state are unchanged.
func TestWithoutSpecExamples(t *testing.T) {
	e := newRoutesEnv(t, ghltest.WithoutSpecExamples())
	r := e.send("GET", "/custom-menus/m1", e.agencyTk, "2021-07-28", "")
	want := "ghltest: operation get-custom-menu-by-id (GET /custom-menus/{customMenuId}) is not emulated yet"
	if r.status != http.StatusNotImplemented || r.message() != want {
		t.Errorf("got %d %s, want 501 %q", r.status, r.raw, want)
	}
	if r := e.send("POST", "/products/", e.locTok, "2021-07-28", `{}`); r.status != http.StatusUnprocessableEntity ||
		!slices.Contains(r.messages(), "name should not be empty") {
		t.Errorf("got %d %s, want the 422 before the 501", r.status, r.raw)
	}
	answers := map[string]int{}
	for _, rt := range e.srv.Routes() {
		answers[rt.Answer]++
		if (rt.Answer == "state") != rt.Emulated || (rt.Answer != "state" && rt.Answer != "501") {
			t.Errorf("%s %s: Answer %q, Emulated %v", rt.Method, rt.Path, rt.Answer, rt.Emulated)
		}
	}
	if answers["501"] == 0 || answers["501"]+answers["state"] != 576 {
		t.Errorf("Routes answers %v, want 501 or state for all 576", answers)
	}
}

// BenchmarkExampleAnswer measures example answers in-process (no network)
// against the baseline of an operation with state (GET /contacts/{id}) in
// the same run: a small example (a custom menu, about 400 bytes) and the
// largest (GET /invoices/settings, about 6 KB), both with echo.
func BenchmarkExampleAnswer(b *testing.B) {
	srv := ghltest.NewHandler(ghltest.WithRateLimit(0, 0, 0))
	loc := srv.CreateLocation("Bench")
	id := srv.SeedContacts(loc.ID, 1)[0]
	agency := srv.DefaultCompany().Token
	for _, bc := range []struct{ name, path, token string }{
		{"state/GET contact", "/contacts/" + id, loc.Token},
		{"example/GET custom menu", "/custom-menus/m1", agency},
		{"example/GET invoice settings", "/invoices/settings?altId=" + loc.ID + "&altType=location", loc.Token},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", bc.path, nil)
				req.Header.Set("Authorization", "Bearer "+bc.token)
				req.Header.Set("Version", "2021-07-28")
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", bc.path, w.Code, w.Body)
				}
			}
		})
	}
}

// An operation without behaviour of its own answers the spec's example,
// with the request echoed into it.
func ExampleWithoutSpecExamples() {
	for _, opts := range [][]ghltest.Option{nil, {ghltest.WithoutSpecExamples()}} {
		srv := ghltest.NewHandler(opts...)
		req := httptest.NewRequest("GET", "/custom-menus/menu-42", nil)
		req.Header.Set("Authorization", "Bearer "+srv.DefaultCompany().Token)
		req.Header.Set("Version", "2021-07-28")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		var out struct {
			CustomMenu struct{ ID, Title string }
			Message    string
		}
		json.Unmarshal(w.Body.Bytes(), &out)
		if w.Code == http.StatusOK {
			fmt.Println(w.Code, w.Header().Get(ghltest.BehaviourHeader), out.CustomMenu.ID, out.CustomMenu.Title)
		} else {
			fmt.Println(w.Code, out.Message)
		}
	}
	// Output:
	// 200 example menu-42 Dashboard
	// 501 ghltest: operation get-custom-menu-by-id (GET /custom-menus/{customMenuId}) is not emulated yet
}
