package ghltest_test

import (
	"slices"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

func TestStoreAccessors(t *testing.T) {
	srv := ghltest.NewHandler()
	loc := srv.CreateLocation("A")
	st := srv.Store(loc.ID)

	// Any kind: an ID is generated, the record is kept as given.
	w1 := st.Put("widgets", map[string]any{"name": "one", "size": 3})
	w2 := st.Put("widgets", map[string]any{"id": "w2", "name": "two"})
	if len(w1) != 20 || w2 != "w2" {
		t.Fatalf("ids %q %q", w1, w2)
	}
	if got, ok := st.Get("widgets", w1); !ok || got["name"] != "one" || got["size"] != float64(3) {
		t.Errorf("Get = %v, %v", got, ok)
	}
	// Put of a taken ID replaces the record in place.
	st.Put("widgets", map[string]any{"id": w1, "name": "uno"})
	if l := st.List("widgets"); len(l) != 2 || l[0]["name"] != "uno" || l[1]["id"] != "w2" || l[0]["size"] != nil {
		t.Errorf("List = %v", l)
	}
	// Known kinds get their create defaults.
	b := st.Put("businesses", map[string]any{"name": "Acme"})
	got, _ := st.Get("businesses", b)
	if len(b) != 24 || got["locationId"] != loc.ID || got["createdAt"] == nil || got["createdAt"] != got["updatedAt"] {
		t.Errorf("business %q %v", b, got)
	}
	if k := st.Kinds(); !slices.Equal(k, []string{"businesses", "widgets"}) {
		t.Errorf("Kinds = %v", k)
	}
	if !st.Delete("widgets", "w2") || st.Delete("widgets", "w2") {
		t.Error("Delete should report true once")
	}
	if _, ok := st.Get("widgets", "w2"); ok {
		t.Error("deleted record still there")
	}
	// Users live in the company's store.
	co := srv.DefaultCompany()
	u := srv.Store(co.ID).Put("users", map[string]any{"firstName": "Ada", "lastName": "L"})
	if got, _ := srv.Store(co.ID).Get("users", u); got["name"] != "Ada L" || got["deleted"] != false {
		t.Errorf("user %v", got)
	}
	// Unknown scopes find nothing; Put panics.
	if _, ok := srv.Store("nowhere").Get("widgets", w1); ok || srv.Store("nowhere").List("widgets") == nil {
		t.Error("unknown scope: want nothing, as an empty list")
	}
	defer func() {
		if recover() == nil {
			t.Error("Put on an unknown scope should panic")
		}
	}()
	srv.Store("nowhere").Put("widgets", map[string]any{})
}

func TestBusinessesAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	other := srv.CreateLocation("B")
	a := newAPI(t, srv, loc.Token)

	if m := a.do("POST", "/businesses/", map[string]any{}).messages(t); !slices.Equal(m, []string{
		"name should not be empty", "name must be a string", "locationId should not be empty", "locationId must be a string"}) {
		t.Errorf("422 %v", m)
	}
	if m := a.do("POST", "/businesses/", map[string]any{"name": "X", "locationId": loc.ID, "city": 7}).messages(t); !slices.Equal(m, []string{"city must be a string"}) {
		t.Errorf("422 %v", m)
	}
	a.do("POST", "/businesses/", map[string]any{"name": "X", "locationId": other.ID}).errorBody(t, 403, "The token does not have access to this location")
	r := a.do("POST", "/businesses/", map[string]any{"name": "Acme", "locationId": loc.ID, "email": "a@acme.test", "unknown": 1}).expect(t, 201)
	exactKeys(t, r.body, "success", "buiseness")
	b := r.obj(t, "buiseness")
	exactKeys(t, b, "id", "name", "email", "locationId", "createdAt", "updatedAt")
	id := b["id"].(string)

	r = a.do("GET", "/businesses/"+id, nil).expect(t, 200)
	exactKeys(t, r.body, "business")
	srv.AddBusiness(loc.ID, "Globex")
	srv.AddBusiness(other.ID, "Elsewhere")
	r = a.do("GET", "/businesses/?locationId="+loc.ID, nil).expect(t, 200)
	exactKeys(t, r.body, "businesses")
	if l := r.list(t, "businesses"); len(l) != 2 || l[0]["name"] != "Acme" || l[1]["name"] != "Globex" {
		t.Errorf("list %s", r.raw)
	}
	if l := a.do("GET", "/businesses/?locationId="+loc.ID+"&skip=1&limit=5", nil).expect(t, 200).list(t, "businesses"); len(l) != 1 || l[0]["name"] != "Globex" {
		t.Errorf("page %v", l)
	}
	a.do("GET", "/businesses/?locationId="+loc.ID+"&limit=x", nil).messages(t)
	a.do("GET", "/businesses/?locationId="+other.ID, nil).errorBody(t, 403, "The token does not have access to this location")

	r = a.do("PUT", "/businesses/"+id, map[string]any{"city": "Austin"}).expect(t, 200)
	exactKeys(t, r.body, "success", "buiseness")
	if got := r.obj(t, "buiseness"); got["city"] != "Austin" || got["name"] != "Acme" {
		t.Errorf("update %s", r.raw)
	}

	// Contacts link to businesses: bulk assignment accepts the stored
	// business; deleting the business detaches them.
	cid := srv.AddContact(loc.ID, map[string]any{"firstName": "C"})
	a.do("POST", "/contacts/bulk/business", map[string]any{"locationId": loc.ID, "ids": []string{cid}, "businessId": id}).expect(t, 200)
	if l := a.do("GET", "/contacts/business/"+id+"?locationId="+loc.ID, nil).expect(t, 200).list(t, "contacts"); len(l) != 1 || l[0]["id"] != cid {
		t.Errorf("contacts of the business %v", l)
	}
	r = a.do("DELETE", "/businesses/"+id, nil).expect(t, 200)
	if string(r.raw) != `{"success":true}` {
		t.Errorf("delete %s", r.raw)
	}
	if c, _ := srv.Contact(loc.ID, cid); c["businessId"] != nil {
		t.Errorf("contact still in the business: %v", c["businessId"])
	}
	a.do("GET", "/businesses/"+id, nil).errorBody(t, 404, "Business not found")
	a.do("DELETE", "/businesses/"+id, nil).errorBody(t, 404, "Business not found")
	a.do("POST", "/contacts/bulk/business", map[string]any{"locationId": loc.ID, "ids": []string{cid}, "businessId": id}).errorBody(t, 400, "Business not found")
}

func TestUsersAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	co := srv.DefaultCompany()
	other := srv.CreateCompany("Other")
	ag := newAPI(t, srv, co.Token)
	la := newAPI(t, srv, loc.Token)
	user := map[string]any{"companyId": co.ID, "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com",
		"password": "pw", "type": "account", "role": "user", "locationIds": []string{loc.ID}, "scopes": []string{"contacts.write"}}

	if m := ag.do("POST", "/users/", map[string]any{"companyId": co.ID}).messages(t); len(m) != 14 {
		t.Errorf("422 %v", m)
	}
	bad := maps(user, "companyId", other.ID)
	ag.do("POST", "/users/", bad).errorBody(t, 403, "The token does not have access to this company")
	r := la.do("POST", "/users/", user).expect(t, 201) // either token kind
	exactKeys(t, r.body, "id", "name", "firstName", "lastName", "email", "extension", "scopes", "roles", "deleted")
	if roles := r.obj(t, "roles"); !slices.Equal(strs(roles["locationIds"]), []string{loc.ID}) || roles["role"] != "user" || roles["restrictSubAccount"] != false {
		t.Errorf("roles %v", roles)
	}
	id := r.body["id"].(string)
	ag.do("POST", "/users/", maps(user, "email", "grace@example.com", "firstName", "Grace", "locationIds", []string{})).expect(t, 201)

	r = ag.do("GET", "/users/search?companyId="+co.ID+"&query=ada", nil).expect(t, 200)
	exactKeys(t, r.body, "users", "count")
	if l := r.list(t, "users"); len(l) != 1 || l[0]["id"] != id || r.body["count"] != float64(1) {
		t.Errorf("search %s", r.raw)
	}
	if r = ag.do("GET", "/users/search?companyId="+co.ID+"&limit=1&skip=1", nil).expect(t, 200); len(r.list(t, "users")) != 1 || r.body["count"] != float64(2) {
		t.Errorf("search page %s", r.raw)
	}
	if l := ag.do("GET", "/users/search?companyId="+co.ID+"&locationId="+loc.ID+"&role=user", nil).expect(t, 200).list(t, "users"); len(l) != 1 {
		t.Errorf("search by location and role %v", l)
	}
	ag.do("GET", "/users/search", nil).messages(t)
	ag.do("GET", "/users/search?companyId="+other.ID, nil).errorBody(t, 403, "The token does not have access to this company")
	r = ag.do("POST", "/users/search/filter-by-email", map[string]any{"companyId": co.ID, "emails": "ADA@example.com, x@y.z"}).expect(t, 200)
	if l := r.list(t, "users"); len(l) != 1 || l[0]["id"] != id || r.body["count"] != float64(1) {
		t.Errorf("filter-by-email %s", r.raw)
	}
	if la.do("POST", "/users/search/filter-by-email", map[string]any{"companyId": co.ID, "emails": "a"}).status != 401 {
		t.Error("filter-by-email takes agency tokens only")
	}
	r = la.do("GET", "/users/?locationId="+loc.ID, nil).expect(t, 200)
	exactKeys(t, r.body, "users")
	if l := r.list(t, "users"); len(l) != 1 || l[0]["id"] != id {
		t.Errorf("users of the location %s", r.raw)
	}
	la.do("GET", "/users/?locationId="+srv.CreateLocation("B").ID, nil).errorBody(t, 403, "The token does not have access to this location")

	r = ag.do("PUT", "/users/"+id, map[string]any{"lastName": "King", "locationIds": []string{}, "password": "new"}).expect(t, 200)
	if r.body["name"] != "Ada King" || len(strs(r.obj(t, "roles")["locationIds"])) != 0 {
		t.Errorf("update %s", r.raw)
	}
	if l := la.do("GET", "/users/?locationId="+loc.ID, nil).expect(t, 200).list(t, "users"); len(l) != 0 {
		t.Errorf("the user left the location: %v", l)
	}
	r = ag.do("DELETE", "/users/"+id, nil).expect(t, 200)
	exactKeys(t, r.body, "succeded", "message")
	ag.do("GET", "/users/"+id, nil).errorBody(t, 404, "User not found")
	newAPI(t, srv, other.Token).do("GET", "/users/"+id, nil).errorBody(t, 404, "User not found")
}

// maps returns a copy of m with the key, value pairs set.
func maps(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func TestWorkflowsAndCampaignsAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	st := srv.Store(loc.ID)
	wf := st.Put("workflows", map[string]any{"name": "Onboarding"})
	st.Put("campaigns", map[string]any{"name": "Spring"})
	st.Put("campaigns", map[string]any{"name": "Fall", "status": "draft"})

	r := a.do("GET", "/workflows/?locationId="+loc.ID, nil).expect(t, 200)
	exactKeys(t, r.body, "workflows")
	w := r.list(t, "workflows")
	if len(w) != 1 || w[0]["id"] != wf || len(wf) != 36 {
		t.Fatalf("workflows %s", r.raw)
	}
	exactKeys(t, w[0], "id", "name", "status", "version", "createdAt", "updatedAt", "locationId")
	if w[0]["status"] != "draft" || w[0]["version"] != float64(1) {
		t.Errorf("workflow defaults %v", w[0])
	}
	a.do("GET", "/workflows/", nil).messages(t)
	r = a.do("GET", "/campaigns/?locationId="+loc.ID+"&status=draft", nil).expect(t, 200)
	if c := r.list(t, "campaigns"); len(c) != 1 || c[0]["name"] != "Fall" {
		t.Errorf("campaigns %s", r.raw)
	}
	exactKeys(t, r.list(t, "campaigns")[0], "id", "name", "status", "locationId")

	cid := srv.AddContact(loc.ID, map[string]any{"firstName": "C"})
	a.do("POST", "/contacts/"+cid+"/workflow/"+wf, map[string]any{}).expect(t, 200)
	a.do("DELETE", "/contacts/"+cid+"/workflow/nope", map[string]any{}).errorBody(t, 404, "Workflow not found")
	a.do("POST", "/contacts/nope/workflow/"+wf, map[string]any{}).errorBody(t, 404, "Contact not found")
	if got := srv.Workflows(cid); !slices.Equal(got, []string{wf}) {
		t.Errorf("enrolments %v", got)
	}
	// Another location's workflow is unknown here.
	owf := srv.Store(srv.CreateLocation("B").ID).Put("workflows", map[string]any{})
	a.do("POST", "/contacts/"+cid+"/workflow/"+owf, map[string]any{}).errorBody(t, 404, "Workflow not found")
}

func TestLocationsAndCompaniesAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	co := srv.DefaultCompany()
	other := srv.CreateCompany("Other")
	ag := newAPI(t, srv, co.Token)
	loc := srv.CreateLocation("First")

	newAPI(t, srv, loc.Token).do("POST", "/locations/", map[string]any{"name": "X", "companyId": co.ID}).expect(t, 401)
	ag.do("POST", "/locations/", map[string]any{"name": "X", "companyId": other.ID}).errorBody(t, 403, "The token does not have access to this company")
	if m := ag.do("POST", "/locations/", map[string]any{"name": "X", "companyId": co.ID, "city": false}).messages(t); !slices.Equal(m, []string{"city must be a string"}) {
		t.Errorf("422 %v", m)
	}
	r := ag.do("POST", "/locations/", map[string]any{"name": "Branch", "companyId": co.ID, "city": "Austin",
		"prospectInfo": map[string]any{"firstName": "P", "lastName": "Q", "email": "p@q.test"},
		"settings":     map[string]any{"allowDuplicateContact": true}}).expect(t, 200)
	id, _ := r.body["id"].(string)
	exactKeys(t, r.body, "id", "companyId", "name", "address", "city", "email", "settings")
	if len(id) != 20 || r.body["companyId"] != co.ID {
		t.Fatalf("create %s", r.raw)
	}
	r = ag.do("GET", "/locations/"+id, nil).expect(t, 200)
	exactKeys(t, r.body, "location")
	exactKeys(t, r.obj(t, "location"), "id", "companyId", "name", "address", "city", "firstName", "lastName", "email", "settings")
	if srv.Store(id).Put("tags", map[string]any{"name": "t"}) == "" {
		t.Error("a created location has a store")
	}
	// settings.allowDuplicateContact is the location's duplicate rule.
	tok := srv.IssueToken(id)
	la := newAPI(t, srv, tok)
	la.do("POST", "/contacts/", map[string]any{"locationId": id, "email": "d@x.test"}).expect(t, 201)
	la.do("POST", "/contacts/", map[string]any{"locationId": id, "email": "d@x.test"}).expect(t, 201)
	la.do("GET", "/locations/"+loc.ID, nil).errorBody(t, 403, "The token does not have access to this location")
	newAPI(t, srv, other.Token).do("GET", "/locations/"+id, nil).errorBody(t, 404, "Location not found")

	r = ag.do("GET", "/locations/search?email=P@Q.test", nil).expect(t, 200)
	if l := r.list(t, "locations"); len(l) != 1 || l[0]["id"] != id {
		t.Errorf("search by email %s", r.raw)
	}
	exactKeys(t, r.list(t, "locations")[0], "id", "name", "address", "city", "email", "settings")
	if l := ag.do("GET", "/locations/search?order=desc&skip=1", nil).expect(t, 200).list(t, "locations"); len(l) != 1 || l[0]["id"] != loc.ID {
		t.Errorf("search desc %v", l)
	}
	if l := la.do("GET", "/locations/search", nil).expect(t, 200).list(t, "locations"); len(l) != 1 || l[0]["id"] != id {
		t.Errorf("a location token finds its own location: %v", l)
	}

	r = ag.do("PUT", "/locations/"+id, map[string]any{"companyId": co.ID, "name": "Renamed", "settings": map[string]any{"allowDuplicateContact": false}}).expect(t, 200)
	if r.body["name"] != "Renamed" || r.body["city"] != "Austin" {
		t.Errorf("update %s", r.raw)
	}
	la.do("POST", "/contacts/", map[string]any{"locationId": id, "email": "d@x.test"}).expect(t, 400)

	ag.do("DELETE", "/locations/"+id, nil).messages(t)
	r = ag.do("DELETE", "/locations/"+id+"?deleteTwilioAccount=false", nil).expect(t, 200)
	if string(r.raw) != `{"message":"Deleted location with id: `+id+`","success":true}` {
		t.Errorf("delete %s", r.raw)
	}
	ag.do("GET", "/locations/"+id, nil).errorBody(t, 404, "Location not found")
	la.do("GET", "/contacts/?locationId="+id, nil).errorBody(t, 401, "Invalid token: access token is invalid")

	r = ag.do("GET", "/companies/"+co.ID, nil).expect(t, 200)
	if c := r.obj(t, "company"); c["id"] != co.ID || c["name"] != "Emulator Agency" || c["locationCount"] != float64(1) {
		t.Errorf("company %s", r.raw)
	}
	ag.do("GET", "/companies/"+other.ID, nil).errorBody(t, 403, "The token does not have access to this company")
}

func TestCustomFieldsValuesAndTagsAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	base := "/locations/" + loc.ID

	if m := a.do("POST", base+"/customFields", map[string]any{"name": "X", "dataType": "TEXT", "model": "deal"}).messages(t); !slices.Equal(m, []string{"model must be one of the following values: contact, opportunity"}) {
		t.Errorf("422 %v", m)
	}
	r := a.do("POST", base+"/customFields", map[string]any{"name": "Pin Code", "dataType": "TEXT", "isMultipleFile": true, "maxNumberOfFiles": 2}).expect(t, 201)
	exactKeys(t, r.body, "customField")
	cf := r.obj(t, "customField")
	exactKeys(t, cf, "id", "name", "fieldKey", "dataType", "position", "isMultiFileAllowed", "maxFileLimit", "locationId", "model")
	if cf["fieldKey"] != "contact.pin_code" || cf["model"] != "contact" || cf["maxFileLimit"] != float64(2) {
		t.Errorf("custom field %v", cf)
	}
	id := cf["id"].(string)
	r = a.do("PUT", base+"/customFields/"+id, map[string]any{"name": "Zip", "dataType": "NUMERICAL"}).expect(t, 200)
	if got := r.obj(t, "customField"); got["name"] != "Zip" || got["dataType"] != "TEXT" || got["fieldKey"] != "contact.pin_code" {
		t.Errorf("update keeps dataType and key: %v", got)
	}
	a.do("PUT", base+"/customFields/"+id, map[string]any{}).messages(t)
	a.do("POST", base+"/customFields", map[string]any{"name": "Deal", "dataType": "TEXT", "model": "opportunity"}).expect(t, 201)
	if l := a.do("GET", base+"/customFields?model=opportunity", nil).expect(t, 200).list(t, "customFields"); len(l) != 1 || l[0]["name"] != "Deal" {
		t.Errorf("by model %v", l)
	}
	if l := a.do("GET", base+"/customFields?model=all", nil).expect(t, 200).list(t, "customFields"); len(l) != 2 {
		t.Errorf("all %v", l)
	}

	r = a.do("POST", base+"/customValues", map[string]any{"name": "Office Hours!", "value": "9-5"}).expect(t, 201)
	cv := r.obj(t, "customValue")
	exactKeys(t, cv, "id", "name", "fieldKey", "value", "locationId")
	if cv["fieldKey"] != "{{ custom_values.office_hours }}" {
		t.Errorf("custom value %v", cv)
	}
	if m := a.do("PUT", base+"/customValues/"+cv["id"].(string), map[string]any{"name": "N"}).messages(t); !slices.Equal(m, []string{"value should not be empty", "value must be a string"}) {
		t.Errorf("422 %v", m)
	}

	r = a.do("POST", base+"/tags", map[string]any{"name": "VIP"}).expect(t, 200)
	tag := r.obj(t, "tag")
	exactKeys(t, tag, "id", "name", "locationId")
	r = a.do("GET", base+"/tags", nil).expect(t, 200)
	exactKeys(t, r.body, "tags")

	for _, p := range []string{"/customFields/" + id, "/customValues/" + cv["id"].(string), "/tags/" + tag["id"].(string)} {
		if r := a.do("DELETE", base+p, nil).expect(t, 200); string(r.raw) != `{"succeded":true}` {
			t.Errorf("delete %s: %s", p, r.raw)
		}
	}
	a.do("GET", base+"/customFields/"+id, nil).errorBody(t, 404, "Custom field not found")
	a.do("GET", base+"/customValues/"+cv["id"].(string), nil).errorBody(t, 404, "Custom value not found")
	a.do("DELETE", base+"/tags/"+tag["id"].(string), nil).errorBody(t, 404, "Tag not found")
	a.do("GET", "/locations/"+srv.CreateLocation("B").ID+"/tags", nil).errorBody(t, 403, "The token does not have access to this location")
	if l := srv.Store(loc.ID).List("customFields"); len(l) != 1 || l[0]["name"] != "Deal" {
		t.Errorf("state %v", l)
	}
}
