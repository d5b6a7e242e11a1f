package ghltest_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

// oppEnv is an emulator on a manual clock with one location, a contact
// and a client with the location's token.
type oppEnv struct {
	srv     *ghltest.Server
	clk     *ghltest.ManualClock
	loc     *ghltest.Location
	a       *api
	contact string
}

func newOppEnv(t *testing.T) *oppEnv {
	t.Helper()
	clk := ghltest.NewManualClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now), ghltest.WithRateLimit(0, 0, 0))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Deals")
	ct := srv.AddContact(loc.ID, map[string]any{"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com",
		"companyName": "Engines Ltd", "tags": []string{"vip"}})
	return &oppEnv{srv: srv, clk: clk, loc: loc, a: newAPI(t, srv, loc.Token), contact: ct}
}

func (e *oppEnv) pipeline(t *testing.T, i int) (id string, stages []string) {
	t.Helper()
	ps := e.srv.Pipelines(e.loc.ID)
	p := ps[i]
	for _, s := range p["stages"].([]any) {
		stages = append(stages, s.(map[string]any)["id"].(string))
	}
	return p["id"].(string), stages
}

func TestPipelinesSeeded(t *testing.T) {
	e := newOppEnv(t)
	r := e.a.do("GET", "/opportunities/pipelines?locationId="+e.loc.ID, nil).expect(t, 200)
	exactKeys(t, r.body, "pipelines")
	ps := r.list(t, "pipelines")
	if len(ps) != 2 || ps[0]["name"] != "Sales Pipeline" || ps[1]["name"] != "Onboarding" {
		t.Fatalf("pipelines %v", ps)
	}
	hasKeys(t, ps[0], "id", "name", "stages", "showInFunnel", "showInPieChart", "locationId")
	stages := ps[0]["stages"].([]any)
	if len(stages) != 5 {
		t.Fatalf("stages %v", stages)
	}
	for i, s := range stages {
		m := s.(map[string]any)
		exactKeys(t, m, "id", "name", "position", "showInFunnel", "showInPieChart")
		if m["position"] != float64(i) {
			t.Errorf("stage %d position %v", i, m["position"])
		}
	}
	if got := e.srv.Pipelines(e.loc.ID); got[0]["id"] != ps[0]["id"] {
		t.Errorf("Pipelines() = %v, want the API's", got)
	}
	e.a.do("GET", "/opportunities/pipelines?locationId=other", nil).errorBody(t, 403, "The token does not have access to this location")
	if m := e.a.do("GET", "/opportunities/pipelines", nil).messages(t); !slices.Contains(m, "locationId should not be empty") {
		t.Errorf("messages %v", m)
	}
}

func TestLostReasons(t *testing.T) {
	e := newOppEnv(t)
	r := e.a.do("GET", "/opportunities/lost-reason?locationId="+e.loc.ID, nil).expect(t, 200)
	exactKeys(t, r.body, "lostReasons", "total")
	if l := r.list(t, "lostReasons"); len(l) != 4 || r.body["total"] != float64(4) {
		t.Fatalf("lost reasons %s", r.raw)
	}
	r = e.a.do("GET", "/opportunities/lost-reason?locationId="+e.loc.ID+"&query=compet", nil).expect(t, 200)
	if l := r.list(t, "lostReasons"); len(l) != 1 || l[0]["name"] != "Went with a competitor" {
		t.Errorf("query: %s", r.raw)
	}
	r = e.a.do("GET", "/opportunities/lost-reason?locationId="+e.loc.ID+"&skip=3&limit=10", nil).expect(t, 200)
	if l := r.list(t, "lostReasons"); len(l) != 1 || r.body["total"] != float64(4) {
		t.Errorf("skip: %s", r.raw)
	}
}

func TestOpportunityCRUD(t *testing.T) {
	e := newOppEnv(t)
	pid, stages := e.pipeline(t, 0)
	r := e.a.do("POST", "/opportunities/", map[string]any{"pipelineId": pid, "locationId": e.loc.ID, "name": "Big deal",
		"status": "open", "contactId": e.contact, "monetaryValue": 1234.56,
		"customFields": []any{map[string]any{"id": "cf1", "field_value": "x"}}}).expect(t, 201)
	exactKeys(t, r.body, "opportunity")
	o := r.obj(t, "opportunity")
	id := o["id"].(string)
	if len(id) != 20 || o["pipelineStageId"] != stages[0] || o["monetaryValue"] != 1234.56 || o["status"] != "open" ||
		o["locationId"] != e.loc.ID || o["createdAt"] != "2025-03-01T09:00:00.000Z" || o["lastStatusChangeAt"] != o["createdAt"] {
		t.Errorf("created %s", r.raw)
	}
	ct := o["contact"].(map[string]any)
	if ct["id"] != e.contact || ct["name"] != "Ada Lovelace" || ct["email"] != "ada@example.com" || ct["companyName"] != "Engines Ltd" {
		t.Errorf("contact %v", ct)
	}
	if cf := o["customFields"].([]any); len(cf) != 1 || cf[0].(map[string]any)["fieldValue"] != "x" {
		t.Errorf("customFields %v", cf)
	}

	e.clk.Advance(time.Minute)
	r = e.a.do("PUT", "/opportunities/"+id, map[string]any{"pipelineStageId": stages[2], "monetaryValue": 99.99}).expect(t, 200)
	o = r.obj(t, "opportunity")
	if o["pipelineStageId"] != stages[2] || o["monetaryValue"] != 99.99 || o["name"] != "Big deal" ||
		o["lastStageChangeAt"] != "2025-03-01T09:01:00.000Z" || o["updatedAt"] != "2025-03-01T09:01:00.000Z" ||
		o["lastStatusChangeAt"] != "2025-03-01T09:00:00.000Z" {
		t.Errorf("updated %s", r.raw)
	}
	// Moving to another pipeline without a stage lands on its first stage.
	pid2, stages2 := e.pipeline(t, 1)
	o = e.a.do("PUT", "/opportunities/"+id, map[string]any{"pipelineId": pid2}).expect(t, 200).obj(t, "opportunity")
	if o["pipelineId"] != pid2 || o["pipelineStageId"] != stages2[0] {
		t.Errorf("moved %v", o)
	}
	got := e.a.do("GET", "/opportunities/"+id, nil).expect(t, 200)
	exactKeys(t, got.body, "opportunity")
	if got.obj(t, "opportunity")["pipelineId"] != pid2 {
		t.Errorf("get %s", got.raw)
	}

	// Validation.
	m := e.a.do("POST", "/opportunities/", map[string]any{"pipelineId": "nope", "locationId": e.loc.ID, "name": "x",
		"status": "maybe", "contactId": "nobody"}).messages(t)
	if !slices.Equal(m, []string{"status must be one of the following values: open, won, lost, abandoned", "Pipeline not found", "Contact not found"}) {
		t.Errorf("messages %q", m)
	}
	if m := e.a.do("PUT", "/opportunities/"+id, map[string]any{"pipelineStageId": "nope"}).messages(t); !slices.Equal(m, []string{"pipelineStageId is not a stage of the pipeline"}) {
		t.Errorf("messages %q", m)
	}
	if m := e.a.do("PUT", "/opportunities/"+id, map[string]any{"monetaryValue": "ten"}).messages(t); !slices.Equal(m, []string{"monetaryValue must be a number conforming to the specified constraints"}) {
		t.Errorf("messages %q", m)
	}

	del := e.a.do("DELETE", "/opportunities/"+id, nil).expect(t, 200)
	exactKeys(t, del.body, "succeded")
	e.a.do("GET", "/opportunities/"+id, nil).errorBody(t, 404, "Opportunity not found")
	e.a.do("DELETE", "/opportunities/"+id, nil).errorBody(t, 404, "Opportunity not found")
	if _, ok := e.srv.Store(e.loc.ID).Get("opportunities", id); ok {
		t.Error("deleted opportunity still stored")
	}
}

func TestOpportunityStatus(t *testing.T) {
	e := newOppEnv(t)
	id := e.srv.AddOpportunity(e.loc.ID, map[string]any{"name": "Deal", "contactId": e.contact})
	e.clk.Advance(time.Hour)
	r := e.a.do("PUT", "/opportunities/"+id+"/status", map[string]any{"status": "lost", "lostReasonId": "r1"}).expect(t, 200)
	exactKeys(t, r.body, "succeded")
	o, _ := e.srv.Store(e.loc.ID).Get("opportunities", id)
	if o["status"] != "lost" || o["lostReasonId"] != "r1" || o["lastStatusChangeAt"] != "2025-03-01T10:00:00.000Z" {
		t.Errorf("state %v", o)
	}
	for _, st := range []string{"won", "abandoned", "open"} {
		e.a.do("PUT", "/opportunities/"+id+"/status", map[string]any{"status": st}).expect(t, 200)
		if o, _ := e.srv.Store(e.loc.ID).Get("opportunities", id); o["status"] != st {
			t.Errorf("status %v, want %s", o["status"], st)
		}
	}
	if m := e.a.do("PUT", "/opportunities/"+id+"/status", map[string]any{"status": "all"}).messages(t); len(m) != 1 {
		t.Errorf("messages %q", m)
	}
	if m := e.a.do("PUT", "/opportunities/"+id+"/status", map[string]any{}).messages(t); !slices.Contains(m, "status should not be empty") {
		t.Errorf("messages %q", m)
	}
	e.a.do("PUT", "/opportunities/nope/status", map[string]any{"status": "won"}).errorBody(t, 404, "Opportunity not found")
}

func TestOpportunityFollowers(t *testing.T) {
	e := newOppEnv(t)
	id := e.srv.AddOpportunity(e.loc.ID, map[string]any{"name": "Deal"})
	r := e.a.do("POST", "/opportunities/"+id+"/followers", map[string]any{"followers": []string{"u1", "u2"}}).expect(t, 201)
	exactKeys(t, r.body, "followers", "followersAdded")
	r = e.a.do("POST", "/opportunities/"+id+"/followers", map[string]any{"followers": []string{"u2", "u3"}}).expect(t, 201)
	if !slices.Equal(strs(r.body["followers"]), []string{"u1", "u2", "u3"}) || !slices.Equal(strs(r.body["followersAdded"]), []string{"u3"}) {
		t.Errorf("add %s", r.raw)
	}
	r = e.a.do("DELETE", "/opportunities/"+id+"/followers", map[string]any{"followers": []string{"u1", "u9"}}).expect(t, 200)
	exactKeys(t, r.body, "followers", "followersRemoved")
	if !slices.Equal(strs(r.body["followers"]), []string{"u2", "u3"}) || !slices.Equal(strs(r.body["followersRemoved"]), []string{"u1"}) {
		t.Errorf("remove %s", r.raw)
	}
	r = e.a.do("DELETE", "/opportunities/"+id+"/followers?isRemoveAllFollowers=true", map[string]any{"followers": []string{}}).expect(t, 200)
	if len(strs(r.body["followers"])) != 0 || len(strs(r.body["followersRemoved"])) != 2 {
		t.Errorf("remove all %s", r.raw)
	}
	if m := e.a.do("POST", "/opportunities/"+id+"/followers", map[string]any{"followers": []any{1}}).messages(t); !slices.Equal(m, []string{"each value in followers must be a string"}) {
		t.Errorf("messages %q", m)
	}
}

func TestOpportunityUpsert(t *testing.T) {
	e := newOppEnv(t)
	pid, _ := e.pipeline(t, 0)
	body := map[string]any{"pipelineId": pid, "locationId": e.loc.ID, "contactId": e.contact, "name": "Renewal",
		"followers": []string{"u1"}, "isRemoveAllFollowers": false, "followersActionType": "add", "monetaryValue": 500}
	r := e.a.do("POST", "/opportunities/upsert", body).expect(t, 200)
	exactKeys(t, r.body, "opportunity", "new")
	first := r.obj(t, "opportunity")
	if r.body["new"] != true || first["name"] != "Renewal" || !slices.Equal(strs(first["followers"]), []string{"u1"}) {
		t.Fatalf("first upsert %s", r.raw)
	}
	// Same pipeline and contact: the same opportunity is updated.
	body["name"], body["monetaryValue"], body["followers"] = "Renewal 2025", 750.25, []string{"u2"}
	r = e.a.do("POST", "/opportunities/upsert", body).expect(t, 200)
	o := r.obj(t, "opportunity")
	if r.body["new"] != false || o["id"] != first["id"] || o["name"] != "Renewal 2025" || o["monetaryValue"] != 750.25 ||
		!slices.Equal(strs(o["followers"]), []string{"u1", "u2"}) {
		t.Errorf("second upsert %s", r.raw)
	}
	// By id, removing followers.
	r = e.a.do("POST", "/opportunities/upsert", map[string]any{"id": first["id"], "pipelineId": pid, "locationId": e.loc.ID,
		"followers": []string{"u1"}, "isRemoveAllFollowers": false, "followersActionType": "remove", "status": "won"}).expect(t, 200)
	if o := r.obj(t, "opportunity"); r.body["new"] != false || o["status"] != "won" || !slices.Equal(strs(o["followers"]), []string{"u2"}) {
		t.Errorf("upsert by id %s", r.raw)
	}
	if n := len(e.srv.Store(e.loc.ID).List("opportunities")); n != 1 {
		t.Errorf("%d opportunities, want 1", n)
	}
	// Another pipeline: a new one.
	pid2, _ := e.pipeline(t, 1)
	body["pipelineId"] = pid2
	if r := e.a.do("POST", "/opportunities/upsert", body).expect(t, 200); r.body["new"] != true {
		t.Errorf("other pipeline %s", r.raw)
	}
	e.a.do("POST", "/opportunities/upsert", map[string]any{"id": "nope", "pipelineId": pid, "locationId": e.loc.ID,
		"followers": []string{"u1"}, "isRemoveAllFollowers": false, "followersActionType": "add"}).errorBody(t, 404, "Opportunity not found")
	m := e.a.do("POST", "/opportunities/upsert", map[string]any{"pipelineId": pid, "locationId": e.loc.ID,
		"followers": []string{"u1"}, "isRemoveAllFollowers": false, "followersActionType": "toggle"}).messages(t)
	if !slices.Equal(m, []string{"followersActionType must be one of the following values: add, remove"}) {
		t.Errorf("messages %q", m)
	}
}

func TestOpportunitySearchCursor(t *testing.T) {
	e := newOppEnv(t)
	pid, _ := e.pipeline(t, 0)
	pid2, _ := e.pipeline(t, 1)
	var wonInSales []string
	for i := range 12 {
		p, st := pid, "open"
		if i%3 == 0 {
			p = pid2
		}
		if i%2 == 0 {
			st = "won"
		}
		id := e.srv.AddOpportunity(e.loc.ID, map[string]any{"name": fmt.Sprintf("Deal %02d", i), "pipelineId": p, "status": st})
		if p == pid && st == "won" {
			wonInSales = append(wonInSales, id)
		}
		e.clk.Advance(time.Second)
	}
	slices.Reverse(wonInSales) // newest first
	q := url.Values{"location_id": {e.loc.ID}, "pipeline_id": {pid}, "status": {"won"}, "limit": {"2"}}
	var got []string
	pages := 0
	for {
		r := e.a.do("GET", "/opportunities/search?"+q.Encode(), nil).expect(t, 200)
		exactKeys(t, r.body, "opportunities", "meta", "aggregations")
		meta := r.obj(t, "meta")
		exactKeys(t, meta, "total", "nextPageUrl", "startAfterId", "startAfter", "currentPage", "nextPage", "prevPage")
		if meta["total"] != float64(len(wonInSales)) || meta["currentPage"] != float64(pages+1) {
			t.Errorf("meta %v", meta)
		}
		for _, o := range r.list(t, "opportunities") {
			got = append(got, o["id"].(string))
		}
		pages++
		if meta["nextPageUrl"] == nil {
			if meta["nextPage"] != nil {
				t.Errorf("last page meta %v", meta)
			}
			break
		}
		next, err := url.Parse(meta["nextPageUrl"].(string))
		if err != nil || next.Query().Get("startAfterId") != meta["startAfterId"] {
			t.Fatalf("nextPageUrl %v", meta["nextPageUrl"])
		}
		q.Set("startAfterId", meta["startAfterId"].(string))
		q.Set("startAfter", fmt.Sprint(int64(meta["startAfter"].(float64))))
	}
	if !slices.Equal(got, wonInSales) || pages != 2 {
		t.Errorf("walked %v in %d pages, want %v", got, pages, wonInSales)
	}
	// order=added_asc, page, q and the 422s.
	r := e.a.do("GET", "/opportunities/search?location_id="+e.loc.ID+"&order=added_asc&limit=5&page=2", nil).expect(t, 200)
	if l := r.list(t, "opportunities"); len(l) != 5 || l[0]["name"] != "Deal 05" || r.obj(t, "meta")["prevPage"] != float64(1) {
		t.Errorf("page 2: %s", r.raw)
	}
	r = e.a.do("GET", "/opportunities/search?location_id="+e.loc.ID+"&q=deal%2011", nil).expect(t, 200)
	if l := r.list(t, "opportunities"); len(l) != 1 || l[0]["name"] != "Deal 11" {
		t.Errorf("q: %s", r.raw)
	}
	if m := e.a.do("GET", "/opportunities/search?location_id="+e.loc.ID+"&limit=101", nil).messages(t); !slices.Equal(m, []string{"limit must not be greater than 100"}) {
		t.Errorf("messages %q", m)
	}
	if m := e.a.do("GET", "/opportunities/search", nil).messages(t); !slices.Contains(m, "location_id should not be empty") {
		t.Errorf("messages %q", m)
	}
}

func TestOpportunitySearchAdvanced(t *testing.T) {
	e := newOppEnv(t)
	for i := range 3 {
		e.srv.AddOpportunity(e.loc.ID, map[string]any{"name": fmt.Sprintf("Deal %d", i), "contactId": e.contact})
		e.clk.Advance(time.Second)
	}
	r := e.a.do("POST", "/opportunities/search", map[string]any{"locationId": e.loc.ID, "query": "deal", "limit": 2, "page": 1,
		"searchAfter": []string{}, "additionalDetails": map[string]any{"notes": false, "tasks": false, "calendarEvents": false, "unReadConversations": false}}).expect(t, 200)
	exactKeys(t, r.body, "opportunities", "total", "aggregations")
	if l := r.list(t, "opportunities"); len(l) != 2 || r.body["total"] != float64(3) || l[0]["name"] != "Deal 2" {
		t.Errorf("advanced %s", r.raw)
	}
}
