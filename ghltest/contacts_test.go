package ghltest_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

var (
	ghlID     = regexp.MustCompile(`^[A-Za-z0-9]{20}$`)
	isoMillis = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

func fixed() *ghltest.ManualClock {
	return ghltest.NewManualClock(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
}

func TestContactCRUD(t *testing.T) {
	clk := fixed()
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	if !ghlID.MatchString(loc.ID) {
		t.Errorf("location ID %q", loc.ID)
	}
	a := newAPI(t, srv, loc.Token)

	// Create: 422 without locationId.
	msgs := a.do("POST", "/contacts/", map[string]any{"firstName": "X"}).messages(t)
	if !slices.Contains(msgs, "locationId should not be empty") {
		t.Errorf("422 messages %v", msgs)
	}
	msgs = a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "email": "nope", "tags": "x", "dnd": "yes"}).messages(t)
	for _, want := range []string{"email must be an email", "tags must be an array", "dnd must be a boolean value"} {
		if !slices.Contains(msgs, want) {
			t.Errorf("422 messages %v lack %q", msgs, want)
		}
	}
	a.do("POST", "/contacts/", `{"locationId":`).errorBody(t, 400, "Unexpected end of JSON input")
	a.do("POST", "/contacts/", `{"locationId":x}`).errorBody(t, 400, "Unexpected token in JSON at position 14")

	r := a.do("POST", "/contacts/", map[string]any{
		"locationId": loc.ID, "firstName": "Rosan", "lastName": "Deo", "email": "Rosan@Deos.com",
		"phone": "+1 888-888-8888", "tags": []string{"VIP", " nisi sint commodo amet ", "vip"},
		"customFields": []map[string]any{{"key": "favourite_color", "field_value": "blue"}, {"id": "6dvNaf7VhkQ9snc5vnjJ", "field_value": []string{"a", "b"}}},
		"dateOfBirth":  "1990/09/25", "dnd": true, "dndSettings": map[string]any{"Email": map[string]any{"status": "active", "message": "", "code": ""}},
		"source": "public api", "country": "US", "companyName": "DGS VolMAX", "unknownField": 1,
	}).expect(t, 201)
	exactKeys(t, r.body, "contact")
	c := r.obj(t, "contact")
	id, _ := c["id"].(string)
	if !ghlID.MatchString(id) {
		t.Errorf("contact id %q", id)
	}
	want := map[string]any{
		"locationId": loc.ID, "firstName": "Rosan", "lastName": "Deo", "firstNameLowerCase": "rosan", "lastNameLowerCase": "deo",
		"fullNameLowerCase": "rosan deo", "email": "Rosan@Deos.com", "emailLowerCase": "rosan@deos.com", "phone": "+18888888888",
		"dnd": true, "type": "lead", "source": "public api", "country": "US", "companyName": "DGS VolMAX",
		"dateOfBirth": "1990-09-25T00:00:00.000Z", "dateAdded": "2025-06-01T12:00:00.000Z", "dateUpdated": "2025-06-01T12:00:00.000Z",
	}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("contact[%s] = %v, want %v", k, c[k], v)
		}
	}
	if got := strs(c["tags"]); !slices.Equal(got, []string{"vip", "nisi sint commodo amet"}) {
		t.Errorf("tags %v", got)
	}
	cfs, _ := c["customFields"].([]any)
	if len(cfs) != 2 {
		t.Fatalf("customFields %v", c["customFields"])
	}
	cf0 := cfs[0].(map[string]any)
	exactKeys(t, cf0, "id", "value")
	if cf0["value"] != "blue" || !ghlID.MatchString(cf0["id"].(string)) {
		t.Errorf("customFields[0] %v", cf0)
	}
	if _, ok := c["unknownField"]; ok {
		t.Error("unknown field stored")
	}

	// Duplicate email (any case) or phone in the same location: 400 with meta.
	r = a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "email": "rosan@deos.com"})
	r.errorBody(t, 400, "This location does not allow duplicated contacts.")
	meta := r.obj(t, "meta")
	if meta["contactId"] != id || meta["matchingField"] != "email" || meta["contactName"] != "Rosan Deo" {
		t.Errorf("duplicate meta %v", meta)
	}
	r = a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "phone": "(888) 888-8888"})
	r.errorBody(t, 400, "This location does not allow duplicated contacts.")
	if r.obj(t, "meta")["matchingField"] != "phone" {
		t.Errorf("meta %v", r.body["meta"])
	}
	srv.SetAllowDuplicates(loc.ID, true)
	dupID := a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "email": "rosan@deos.com"}).expect(t, 201).obj(t, "contact")["id"].(string)
	srv.SetAllowDuplicates(loc.ID, false)

	// Get.
	r = a.do("GET", "/contacts/"+id, nil).expect(t, 200)
	exactKeys(t, r.body, "contact")
	if r.obj(t, "contact")["email"] != "Rosan@Deos.com" {
		t.Errorf("get %s", r.raw)
	}
	a.do("GET", "/contacts/ZZZZZZZZZZZZZZZZZZZZ", nil).errorBody(t, 404, "Contact not found")

	// Update: partial, tags replace, dateUpdated moves.
	clk.Advance(time.Minute)
	r = a.do("PUT", "/contacts/"+id, map[string]any{"firstName": "Ro", "tags": []string{"new"}, "customFields": []map[string]any{{"key": "favourite_color", "field_value": "red"}}}).expect(t, 200)
	exactKeys(t, r.body, "succeded", "contact")
	if r.body["succeded"] != true {
		t.Errorf("succeded %v", r.body["succeded"])
	}
	c = r.obj(t, "contact")
	if c["firstName"] != "Ro" || c["lastName"] != "Deo" || c["dateUpdated"] != "2025-06-01T12:01:00.000Z" || c["dateAdded"] != "2025-06-01T12:00:00.000Z" {
		t.Errorf("updated %s", r.raw)
	}
	if got := strs(c["tags"]); !slices.Equal(got, []string{"new"}) {
		t.Errorf("tags after update %v", got)
	}
	if cfs := c["customFields"].([]any); len(cfs) != 2 || cfs[0].(map[string]any)["value"] != "red" {
		t.Errorf("customFields after update %v", c["customFields"])
	}
	a.do("PUT", "/contacts/"+id, map[string]any{"email": 5}).messages(t)
	// Updating into another contact's phone is refused.
	other := a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "phone": "+15550001111"}).expect(t, 201).obj(t, "contact")["id"].(string)
	a.do("PUT", "/contacts/"+other, map[string]any{"phone": "+18888888888"}).errorBody(t, 400, "This location does not allow duplicated contacts.")

	// Delete.
	r = a.do("DELETE", "/contacts/"+dupID, nil).expect(t, 200)
	exactKeys(t, r.body, "succeded")
	a.do("GET", "/contacts/"+dupID, nil).expect(t, 404)
	if _, ok := srv.Contact(loc.ID, dupID); ok {
		t.Error("deleted contact still stored")
	}
	a.do("DELETE", "/contacts/"+dupID, nil).expect(t, 404)
}

func TestUpsert(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)

	a.do("POST", "/contacts/upsert", map[string]any{"email": "a@b.com"}).messages(t)

	r := a.do("POST", "/contacts/upsert", map[string]any{"locationId": loc.ID, "email": "jo@x.com", "firstName": "Jo"}).expect(t, 200)
	exactKeys(t, r.body, "new", "contact", "traceId")
	if r.body["new"] != true {
		t.Errorf("new = %v", r.body["new"])
	}
	id := r.obj(t, "contact")["id"].(string)

	// Match by email (case-insensitive): updated, not created.
	r = a.do("POST", "/contacts/upsert", map[string]any{"locationId": loc.ID, "email": "JO@x.com", "lastName": "Doe", "phone": "+15551234567"}).expect(t, 200)
	if r.body["new"] != false || r.obj(t, "contact")["id"] != id || r.obj(t, "contact")["lastName"] != "Doe" || r.obj(t, "contact")["firstName"] != "Jo" {
		t.Errorf("upsert by email: %s", r.raw)
	}
	// Match by phone when the email is unknown.
	r = a.do("POST", "/contacts/upsert", map[string]any{"locationId": loc.ID, "phone": "+1 555 123 4567", "city": "Austin"}).expect(t, 200)
	if r.body["new"] != false || r.obj(t, "contact")["id"] != id || r.obj(t, "contact")["city"] != "Austin" {
		t.Errorf("upsert by phone: %s", r.raw)
	}
	// Email wins over phone: two contacts, one per field.
	id2 := a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "email": "two@x.com"}).expect(t, 201).obj(t, "contact")["id"].(string)
	r = a.do("POST", "/contacts/upsert", map[string]any{"locationId": loc.ID, "email": "two@x.com", "phone": "+15551234567"}).expect(t, 200)
	c := r.obj(t, "contact")
	if c["id"] != id2 || c["phone"] != nil {
		t.Errorf("email priority / duplicate phone ignored: %s", r.raw)
	}
	// createNewIfDuplicateAllowed only creates when the location allows duplicates.
	r = a.do("POST", "/contacts/upsert", map[string]any{"locationId": loc.ID, "email": "jo@x.com", "createNewIfDuplicateAllowed": true}).expect(t, 200)
	if r.body["new"] != false {
		t.Errorf("createNewIfDuplicateAllowed without the setting: %s", r.raw)
	}
	srv.SetAllowDuplicates(loc.ID, true)
	r = a.do("POST", "/contacts/upsert", map[string]any{"locationId": loc.ID, "email": "jo@x.com", "createNewIfDuplicateAllowed": true}).expect(t, 200)
	if r.body["new"] != true || r.obj(t, "contact")["id"] == id {
		t.Errorf("createNewIfDuplicateAllowed with the setting: %s", r.raw)
	}
	if n := len(srv.Contacts(loc.ID)); n != 3 {
		t.Errorf("%d contacts, want 3", n)
	}
}

func TestDuplicateSearch(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	id := srv.AddContact(loc.ID, map[string]any{"email": "test+abc@gmail.com", "phone": "+1423164516"})
	r := a.do("GET", "/contacts/search/duplicate?locationId="+loc.ID+"&email=test%2Babc%40gmail.com", nil).expect(t, 200)
	exactKeys(t, r.body, "contact")
	if r.obj(t, "contact")["id"] != id {
		t.Errorf("by email: %s", r.raw)
	}
	r = a.do("GET", "/contacts/search/duplicate?locationId="+loc.ID+"&number=%2B1423164516", nil).expect(t, 200)
	if r.obj(t, "contact")["id"] != id {
		t.Errorf("by number: %s", r.raw)
	}
	r = a.do("GET", "/contacts/search/duplicate?locationId="+loc.ID+"&email=none@x.com", nil).expect(t, 200)
	if string(r.raw) != `{"contact":null}` {
		t.Errorf("no match: %s", r.raw)
	}
	a.do("GET", "/contacts/search/duplicate?email=none@x.com", nil).messages(t)
}

func TestTasks(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	cid := srv.AddContact(loc.ID, map[string]any{"firstName": "T"})
	base := "/contacts/" + cid + "/tasks"

	r := a.do("GET", base, nil).expect(t, 200)
	if string(r.raw) != `{"tasks":[]}` {
		t.Errorf("empty list: %s", r.raw)
	}
	msgs := a.do("POST", base, map[string]any{"body": "x"}).messages(t)
	for _, want := range []string{"title should not be empty", "dueDate must be a valid ISO 8601 date string", "completed must be a boolean value"} {
		if !slices.Contains(msgs, want) {
			t.Errorf("messages %v lack %q", msgs, want)
		}
	}
	r = a.do("POST", base, map[string]any{"title": "First Task", "body": "loram ipsum", "dueDate": "2020-10-25T11:00:00Z", "completed": false, "assignedTo": "hxHGVRb1YJUscrCB8eXK"}).expect(t, 201)
	exactKeys(t, r.body, "task")
	task := r.obj(t, "task")
	exactKeys(t, task, "id", "title", "body", "assignedTo", "dueDate", "completed", "contactId")
	if task["dueDate"] != "2020-10-25T11:00:00.000Z" || task["contactId"] != cid || task["completed"] != false {
		t.Errorf("task %v", task)
	}
	tid := task["id"].(string)
	r = a.do("GET", base+"/"+tid, nil).expect(t, 200)
	if r.obj(t, "task")["title"] != "First Task" {
		t.Errorf("get task %s", r.raw)
	}
	r = a.do("PUT", base+"/"+tid, map[string]any{"title": "Renamed"}).expect(t, 200)
	if r.obj(t, "task")["title"] != "Renamed" || r.obj(t, "task")["body"] != "loram ipsum" {
		t.Errorf("update task %s", r.raw)
	}
	a.do("PUT", base+"/"+tid+"/completed", map[string]any{}).messages(t)
	r = a.do("PUT", base+"/"+tid+"/completed", map[string]any{"completed": true}).expect(t, 200)
	if r.obj(t, "task")["completed"] != true {
		t.Errorf("complete task %s", r.raw)
	}
	srv.AddTask(loc.ID, cid, map[string]any{"title": "Second"})
	r = a.do("GET", base, nil).expect(t, 200)
	if l := r.list(t, "tasks"); len(l) != 2 || l[0]["id"] != tid {
		t.Errorf("list %s", r.raw)
	}
	r = a.do("DELETE", base+"/"+tid, nil).expect(t, 200)
	if string(r.raw) != `{"succeded":true}` {
		t.Errorf("delete %s", r.raw)
	}
	a.do("GET", base+"/"+tid, nil).errorBody(t, 404, "Task not found")
	if got := srv.Tasks(cid); len(got) != 1 || got[0]["title"] != "Second" {
		t.Errorf("Tasks() = %v", got)
	}
}

func TestNotes(t *testing.T) {
	clk := fixed()
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	cid := srv.AddContact(loc.ID, map[string]any{"firstName": "N"})
	base := "/contacts/" + cid + "/notes"

	if msgs := a.do("POST", base, map[string]any{"title": "x"}).messages(t); !slices.Contains(msgs, "body should not be empty") {
		t.Errorf("messages %v", msgs)
	}
	r := a.do("POST", base, map[string]any{"body": "lorem ipsum", "userId": "GCs5KuzPqTls7vWclkEV", "title": "Follow-up summary", "color": "#FFAA00", "pinned": false}).expect(t, 201)
	exactKeys(t, r.body, "note")
	n := r.obj(t, "note")
	exactKeys(t, n, "id", "body", "userId", "dateAdded", "contactId", "title", "color", "pinned")
	if n["dateAdded"] != "2025-06-01T12:00:00.000Z" || n["contactId"] != cid {
		t.Errorf("note %v", n)
	}
	nid := n["id"].(string)
	clk.Advance(time.Hour)
	nid2 := a.do("POST", base, map[string]any{"body": "second"}).expect(t, 201).obj(t, "note")["id"].(string)
	r = a.do("GET", base, nil).expect(t, 200)
	if l := r.list(t, "notes"); len(l) != 2 || l[0]["id"] != nid2 || l[1]["id"] != nid {
		t.Errorf("notes newest first: %s", r.raw)
	}
	r = a.do("GET", base+"/"+nid, nil).expect(t, 200)
	if r.obj(t, "note")["body"] != "lorem ipsum" {
		t.Errorf("get note %s", r.raw)
	}
	r = a.do("PUT", base+"/"+nid, map[string]any{"body": "edited", "pinned": true}).expect(t, 200)
	if r.obj(t, "note")["body"] != "edited" || r.obj(t, "note")["pinned"] != true || r.obj(t, "note")["title"] != "Follow-up summary" {
		t.Errorf("update note %s", r.raw)
	}
	r = a.do("DELETE", base+"/"+nid2, nil).expect(t, 200)
	if string(r.raw) != `{"succeded":true}` {
		t.Errorf("delete note %s", r.raw)
	}
	a.do("GET", base+"/"+nid2, nil).errorBody(t, 404, "Note not found")
	if got := srv.Notes(cid); len(got) != 1 || got[0]["body"] != "edited" {
		t.Errorf("Notes() = %v", got)
	}
}

func TestTagsFollowersCampaignsWorkflows(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	cid := srv.AddContact(loc.ID, map[string]any{"firstName": "T", "tags": []string{"old"}})
	base := "/contacts/" + cid

	a.do("POST", base+"/tags", map[string]any{}).messages(t)
	r := a.do("POST", base+"/tags", map[string]any{"tags": []string{"Minim", "velit magna"}}).expect(t, 201)
	exactKeys(t, r.body, "tags")
	if got := strs(r.body["tags"]); !slices.Equal(got, []string{"old", "minim", "velit magna"}) {
		t.Errorf("tags after add %v", got)
	}
	r = a.do("DELETE", base+"/tags", map[string]any{"tags": []string{"OLD"}}).expect(t, 200)
	if got := strs(r.body["tags"]); !slices.Equal(got, []string{"minim", "velit magna"}) {
		t.Errorf("tags after remove %v", got)
	}

	r = a.do("POST", base+"/followers", map[string]any{"followers": []string{"u1", "u2"}}).expect(t, 201)
	exactKeys(t, r.body, "followers", "followersAdded")
	r = a.do("POST", base+"/followers", map[string]any{"followers": []string{"u2", "u3"}}).expect(t, 201)
	if !slices.Equal(strs(r.body["followers"]), []string{"u1", "u2", "u3"}) || !slices.Equal(strs(r.body["followersAdded"]), []string{"u3"}) {
		t.Errorf("followers add %s", r.raw)
	}
	r = a.do("DELETE", base+"/followers", map[string]any{"followers": []string{"u1", "nobody"}}).expect(t, 200)
	exactKeys(t, r.body, "followers", "followersRemoved")
	if !slices.Equal(strs(r.body["followers"]), []string{"u2", "u3"}) || !slices.Equal(strs(r.body["followersRemoved"]), []string{"u1"}) {
		t.Errorf("followers remove %s", r.raw)
	}
	if c, _ := srv.Contact(loc.ID, cid); !slices.Equal(strs(c["followers"]), []string{"u2", "u3"}) {
		t.Errorf("stored followers %v", c["followers"])
	}

	a.do("POST", base+"/campaigns/Y2I9XM7aO1hncuSOlc9L", map[string]any{}).errorBody(t, 404, "Campaign not found")
	a.do("POST", base+"/workflow/wf1", nil).errorBody(t, 404, "Workflow not found")
	st := srv.Store(loc.ID)
	st.Put("campaigns", map[string]any{"id": "Y2I9XM7aO1hncuSOlc9L", "name": "Spring"})
	st.Put("campaigns", map[string]any{"id": "c2"})
	st.Put("workflows", map[string]any{"id": "wf1"})
	r = a.do("POST", base+"/campaigns/Y2I9XM7aO1hncuSOlc9L", map[string]any{}).expect(t, 201)
	if string(r.raw) != `{"succeded":true}` {
		t.Errorf("add campaign %s", r.raw)
	}
	a.do("POST", base+"/campaigns/c2", nil).expect(t, 201)
	a.do("DELETE", base+"/campaigns/c2", nil).expect(t, 200)
	if got := srv.Campaigns(cid); !slices.Equal(got, []string{"Y2I9XM7aO1hncuSOlc9L"}) {
		t.Errorf("campaigns %v", got)
	}
	r = a.do("DELETE", base+"/campaigns/removeAll", nil).expect(t, 200)
	if string(r.raw) != `{"succeded":true}` || len(srv.Campaigns(cid)) != 0 {
		t.Errorf("removeAll %s %v", r.raw, srv.Campaigns(cid))
	}

	r = a.do("POST", base+"/workflow/wf1", map[string]any{"eventStartTime": "2021-06-23T03:30:00+01:00"}).expect(t, 200)
	if string(r.raw) != `{"succeded":true}` {
		t.Errorf("add workflow %s", r.raw)
	}
	a.do("POST", base+"/workflow/wf1", map[string]any{"eventStartTime": "tomorrow"}).messages(t)
	if got := srv.Workflows(cid); !slices.Equal(got, []string{"wf1"}) {
		t.Errorf("workflows %v", got)
	}
	a.do("DELETE", base+"/workflow/wf1", map[string]any{"eventStartTime": "2021-06-23T03:30:00+01:00"}).expect(t, 200)
	if got := srv.Workflows(cid); len(got) != 0 {
		t.Errorf("workflows after delete %v", got)
	}
}

func TestBulkTags(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	other := srv.CreateLocation("B")
	a := newAPI(t, srv, loc.Token)
	c1 := srv.AddContact(loc.ID, map[string]any{"tags": []string{"tag-1", "keep"}})
	c2 := srv.AddContact(loc.ID, map[string]any{})
	foreign := srv.AddContact(other.ID, map[string]any{})
	gone := srv.AddContact(loc.ID, map[string]any{})
	a.do("DELETE", "/contacts/"+gone, nil).expect(t, 200)

	a.do("POST", "/contacts/bulk/tags/update/toggle", map[string]any{"contacts": []string{c1}, "tags": []string{"x"}, "locationId": loc.ID}).messages(t)
	a.do("POST", "/contacts/bulk/tags/update/add", map[string]any{"tags": []string{"x"}}).messages(t)

	r := a.do("POST", "/contacts/bulk/tags/update/add", map[string]any{
		"contacts": []string{c1, c2, "abcdef", foreign, gone}, "tags": []string{"tag-1", "tag-2"}, "locationId": loc.ID,
	}).expect(t, 201)
	exactKeys(t, r.body, "succeded", "errorCount", "responses")
	if r.body["errorCount"] != float64(3) {
		t.Errorf("errorCount %v", r.body["errorCount"])
	}
	resp := r.list(t, "responses")
	if resp[0]["type"] != "success" || resp[0]["message"] != "Tags updated" || !slices.Equal(strs(resp[0]["tagsAdded"]), []string{"tag-2"}) ||
		!slices.Equal(strs(resp[0]["oldTags"]), []string{"tag-1", "keep"}) {
		t.Errorf("response[0] %v", resp[0])
	}
	for i, want := range map[int]string{2: "contact id is not a valid firebase id", 3: "contact does not belong to location", 4: "contact is deleted"} {
		if resp[i]["type"] != "error" || resp[i]["message"] != want {
			t.Errorf("response[%d] = %v, want %q", i, resp[i], want)
		}
	}
	if c, _ := srv.Contact(loc.ID, c2); !slices.Equal(strs(c["tags"]), []string{"tag-1", "tag-2"}) {
		t.Errorf("c2 tags %v", c["tags"])
	}
	r = a.do("POST", "/contacts/bulk/tags/update/remove", map[string]any{"contacts": []string{c1}, "tags": []string{"TAG-1"}, "locationId": loc.ID}).expect(t, 201)
	if c, _ := srv.Contact(loc.ID, c1); !slices.Equal(strs(c["tags"]), []string{"keep", "tag-2"}) {
		t.Errorf("c1 tags after remove %v", c["tags"])
	}
	a.do("POST", "/contacts/bulk/tags/update/remove", map[string]any{"contacts": []string{c1, c2}, "tags": []string{}, "locationId": loc.ID, "removeAllTags": true}).expect(t, 201)
	for _, id := range []string{c1, c2} {
		if c, _ := srv.Contact(loc.ID, id); len(strs(c["tags"])) != 0 {
			t.Errorf("tags left after removeAllTags: %v", c["tags"])
		}
	}
	a.do("POST", "/contacts/bulk/tags/update/add", map[string]any{"contacts": []string{c1}, "tags": []string{"x"}, "locationId": other.ID}).expect(t, 403)
}

func TestBusinessAndAppointments(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	bid := srv.AddBusiness(loc.ID, "Acme")
	if !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(bid) {
		t.Errorf("business id %q", bid)
	}
	ids := srv.SeedContacts(loc.ID, 40)

	a.do("POST", "/contacts/bulk/business", map[string]any{"locationId": loc.ID, "ids": ids[:30]}).messages(t)
	r := a.do("POST", "/contacts/bulk/business", map[string]any{"locationId": loc.ID, "ids": append(ids[:30:30], "ZZZZZZZZZZZZZZZZZZZZ"), "businessId": bid}).expect(t, 200)
	exactKeys(t, r.body, "success", "ids")
	if r.body["success"] != true || len(strs(r.body["ids"])) != 30 {
		t.Errorf("bulk business %s", r.raw)
	}
	a.do("POST", "/contacts/bulk/business", map[string]any{"locationId": loc.ID, "ids": ids[:1], "businessId": "000000000000000000000000"}).errorBody(t, 400, "Business not found")
	// null detaches.
	a.do("POST", "/contacts/bulk/business", map[string]any{"locationId": loc.ID, "ids": ids[25:30], "businessId": nil}).expect(t, 200)
	if c, _ := srv.Contact(loc.ID, ids[26]); c["businessId"] != nil {
		t.Errorf("businessId not detached: %v", c["businessId"])
	}

	// Business contacts: skip/limit strings, count is the total.
	var seen []string
	for skip := 0; ; skip += 10 {
		r := a.do("GET", "/contacts/business/"+bid+"?locationId="+loc.ID+"&limit=10&skip="+itoa(skip), nil).expect(t, 200)
		exactKeys(t, r.body, "contacts", "count")
		if r.body["count"] != float64(25) {
			t.Fatalf("count %v", r.body["count"])
		}
		page := r.list(t, "contacts")
		for _, c := range page {
			seen = append(seen, c["id"].(string))
		}
		if len(page) < 10 {
			break
		}
	}
	if !slices.Equal(seen, ids[:25]) {
		t.Errorf("business pages: %d contacts, want the first 25 in order", len(seen))
	}
	r = a.do("GET", "/contacts/business/"+bid+"?locationId="+loc.ID, nil).expect(t, 200)
	if len(r.list(t, "contacts")) != 25 {
		t.Errorf("default limit 25: got %d", len(r.list(t, "contacts")))
	}
	a.do("GET", "/contacts/business/"+bid+"?locationId="+loc.ID+"&limit=ten", nil).messages(t)
	a.do("GET", "/contacts/business/"+bid, nil).messages(t)

	// Appointments.
	r = a.do("GET", "/contacts/"+ids[0]+"/appointments", nil).expect(t, 200)
	if string(r.raw) != `{"events":[]}` {
		t.Errorf("no events: %s", r.raw)
	}
	eid := srv.AddAppointment(loc.ID, ids[0], map[string]any{"title": "Demo", "calendarId": "YlWd2wuCAZQzh2cH1fVZ"})
	r = a.do("GET", "/contacts/"+ids[0]+"/appointments", nil).expect(t, 200)
	evs := r.list(t, "events")
	if len(evs) != 1 || evs[0]["id"] != eid || evs[0]["title"] != "Demo" || evs[0]["contactId"] != ids[0] || evs[0]["locationId"] != loc.ID {
		t.Errorf("events %s", r.raw)
	}
	hasKeys(t, evs[0], "id", "calendarId", "status", "title", "startTime", "endTime", "appointmentStatus", "dateAdded", "dateUpdated")
}

func itoa(i int) string {
	return string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}
