package ghltest_test

import (
	"slices"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

var associationKeys = []string{"locationId", "id", "key", "firstObjectLabel", "firstObjectKey",
	"secondObjectLabel", "secondObjectKey", "associationType"}

func TestAssociationsAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	other := srv.CreateLocation("B")
	a := newAPI(t, srv, loc.Token)
	a.version = "2021-07-28"

	a.do("POST", "/associations/", map[string]any{}).messages(t)
	body := map[string]any{"locationId": loc.ID, "key": "student_teacher", "firstObjectLabel": "student",
		"firstObjectKey": "custom_objects.students", "secondObjectLabel": "teacher", "secondObjectKey": "contact"}
	r := a.do("POST", "/associations/", body).expect(t, 201)
	exactKeys(t, r.body, associationKeys...)
	id := r.body["id"].(string)
	if r.body["associationType"] != "USER_DEFINED" || r.body["locationId"] != loc.ID {
		t.Errorf("create %s", r.raw)
	}
	a.do("POST", "/associations/", body).errorBody(t, 400, "Association with key student_teacher already exists")
	body["locationId"] = other.ID
	a.do("POST", "/associations/", body).errorBody(t, 403, "The token does not have access to this location")

	if r := a.do("GET", "/associations/"+id, nil).expect(t, 200); r.body["key"] != "student_teacher" {
		t.Errorf("get %s", r.raw)
	}
	if r := a.do("GET", "/associations/key/student_teacher?locationId="+loc.ID, nil).expect(t, 200); r.body["id"] != id {
		t.Errorf("by key %s", r.raw)
	}
	a.do("GET", "/associations/key/nope?locationId="+loc.ID, nil).errorBody(t, 404, "Association not found")
	if r := a.do("GET", "/associations/objectKey/contact", nil).expect(t, 200); r.body["id"] != id {
		t.Errorf("by object key %s", r.raw)
	}
	a.do("GET", "/associations/objectKey/opportunity", nil).errorBody(t, 404, "Association not found")
	if r := a.do("GET", "/associations/?locationId="+loc.ID+"&skip=0&limit=10", nil).expect(t, 200); r.body["id"] != id {
		t.Errorf("find %s", r.raw)
	}
	a.do("GET", "/associations/?locationId="+loc.ID+"&skip=1&limit=10", nil).errorBody(t, 404, "Association not found")

	r = a.do("PUT", "/associations/"+id, map[string]any{"firstObjectLabel": "pupil", "secondObjectLabel": "tutor"}).expect(t, 200)
	if r.body["firstObjectLabel"] != "pupil" || r.body["key"] != "student_teacher" {
		t.Errorf("update %s", r.raw)
	}

	// Relations.
	a.do("POST", "/associations/relations", map[string]any{"locationId": loc.ID, "associationId": "nope",
		"firstRecordId": "r1", "secondRecordId": "c1"}).errorBody(t, 404, "Association not found")
	var rels []string
	for _, second := range []string{"c1", "c2"} {
		r = a.do("POST", "/associations/relations", map[string]any{"locationId": loc.ID, "associationId": id,
			"firstRecordId": "r1", "secondRecordId": second}).expect(t, 201)
		exactKeys(t, r.body, associationKeys...)
		if r.body["key"] != "student_teacher" || r.body["id"] == id {
			t.Errorf("relation %s", r.raw)
		}
		rels = append(rels, r.body["id"].(string))
	}
	a.do("POST", "/associations/relations", map[string]any{"locationId": loc.ID, "associationId": id,
		"firstRecordId": "r1", "secondRecordId": "c1"}).errorBody(t, 400, "Relation already exists")
	if got, ok := srv.Store(loc.ID).Get("relations", rels[1]); !ok || got["secondRecordId"] != "c2" || got["associationId"] != id {
		t.Errorf("relation state %v", got)
	}
	if r := a.do("GET", "/associations/relations/r1?locationId="+loc.ID+"&skip=1&limit=5", nil).expect(t, 200); r.body["id"] != rels[1] {
		t.Errorf("relations page %s", r.raw)
	}
	if r := a.do("GET", "/associations/relations/c1?locationId="+loc.ID+"&skip=0&limit=5", nil).expect(t, 200); r.body["id"] != rels[0] {
		t.Errorf("relations of c1 %s", r.raw)
	}
	a.do("GET", "/associations/relations/r1?locationId="+loc.ID+"&skip=0&limit=5&associationIds=other", nil).errorBody(t, 404, "Relation not found")
	a.do("GET", "/associations/relations/r1?locationId="+loc.ID+"&skip=x&limit=5", nil).messages(t)
	if r := a.do("DELETE", "/associations/relations/"+rels[0]+"?locationId="+loc.ID, nil).expect(t, 200); r.body["id"] != rels[0] {
		t.Errorf("delete relation %s", r.raw)
	}
	a.do("DELETE", "/associations/relations/"+rels[0]+"?locationId="+loc.ID, nil).errorBody(t, 404, "Relation not found")

	// Deleting the association deletes its relations.
	r = a.do("DELETE", "/associations/"+id, nil).expect(t, 200)
	exactKeys(t, r.body, "deleted", "id", "message")
	if r.body["deleted"] != true || r.body["id"] != id {
		t.Errorf("delete %s", r.raw)
	}
	if l := srv.Store(loc.ID).List("relations"); len(l) != 0 {
		t.Errorf("relations left: %v", l)
	}
	a.do("GET", "/associations/relations/r1?locationId="+loc.ID+"&skip=0&limit=5", nil).errorBody(t, 404, "Relation not found")
	a.do("GET", "/associations/"+id, nil).errorBody(t, 404, "Association not found")
	a.do("DELETE", "/associations/"+id, nil).errorBody(t, 404, "Association not found")
}

func TestBlogsAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	other := srv.CreateLocation("B")
	a := newAPI(t, srv, loc.Token)

	r := a.do("GET", "/blogs/site/all?locationId="+loc.ID+"&skip=0&limit=10", nil).expect(t, 200)
	exactKeys(t, r.body, "data")
	sites := r.list(t, "data")
	if len(sites) != 1 {
		t.Fatalf("sites %s", r.raw)
	}
	exactKeys(t, sites[0], "_id", "name")
	blogID := sites[0]["_id"].(string)
	r = a.do("GET", "/blogs/authors?locationId="+loc.ID+"&limit=1&offset=1", nil).expect(t, 200)
	exactKeys(t, r.body, "authors")
	if l := r.list(t, "authors"); len(l) != 1 || l[0]["name"] != "Ben Editor" {
		t.Errorf("authors %s", r.raw)
	} else {
		exactKeys(t, l[0], "_id", "name", "locationId", "updatedAt", "canonicalLink")
	}
	r = a.do("GET", "/blogs/categories?locationId="+loc.ID+"&limit=10&offset=0", nil).expect(t, 200)
	if l := r.list(t, "categories"); len(l) != 2 || l[0]["label"] != "News" {
		t.Errorf("categories %s", r.raw)
	} else {
		exactKeys(t, l[0], "_id", "label", "locationId", "updatedAt", "canonicalLink", "urlSlug")
	}
	a.do("GET", "/blogs/authors?locationId="+other.ID+"&limit=1&offset=0", nil).errorBody(t, 403, "The token does not have access to this location")

	post := map[string]any{"title": "Hello", "locationId": loc.ID, "blogId": blogID, "imageUrl": "https://x/i.png",
		"description": "d", "rawHTML": "<p>hi</p>", "status": "DRAFT", "imageAltText": "i", "categories": []string{},
		"author": "a1", "urlSlug": "hello", "publishedAt": "2025-01-01T00:00:00.000Z"}
	r = a.do("POST", "/blogs/posts", post).expect(t, 200)
	exactKeys(t, r.body, "data")
	p := r.obj(t, "data")
	exactKeys(t, p, "_id", "categories", "tags", "archived", "title", "description", "imageUrl", "status",
		"imageAltText", "urlSlug", "author", "publishedAt", "updatedAt")
	id := p["_id"].(string)
	a.do("POST", "/blogs/posts", post).errorBody(t, 400, "Url slug already exists")
	post["status"] = "LIVE"
	post["urlSlug"] = "other"
	if m := a.do("POST", "/blogs/posts", post).messages(t); len(m) != 1 {
		t.Errorf("422 %v", m)
	}
	post["status"], post["blogId"] = "PUBLISHED", "nope"
	a.do("POST", "/blogs/posts", post).errorBody(t, 404, "Blog not found")
	post["blogId"], post["title"] = blogID, "Second"
	a.do("POST", "/blogs/posts", post).expect(t, 200)

	if r := a.do("GET", "/blogs/posts/url-slug-exists?urlSlug=hello&locationId="+loc.ID, nil).expect(t, 200); string(r.raw) != `{"exists":true}` {
		t.Errorf("slug %s", r.raw)
	}
	if r := a.do("GET", "/blogs/posts/url-slug-exists?urlSlug=hello&locationId="+loc.ID+"&postId="+id, nil).expect(t, 200); r.body["exists"] != false {
		t.Errorf("own slug %s", r.raw)
	}
	if r := a.do("GET", "/blogs/posts/url-slug-exists?urlSlug=new&locationId="+loc.ID, nil).expect(t, 200); r.body["exists"] != false {
		t.Errorf("free slug %s", r.raw)
	}

	list := "/blogs/posts/all?locationId=" + loc.ID + "&blogId=" + blogID
	if l := a.do("GET", list+"&limit=10&offset=0", nil).expect(t, 200).list(t, "blogs"); len(l) != 2 {
		t.Errorf("posts %v", l)
	}
	if l := a.do("GET", list+"&limit=10&offset=0&status=PUBLISHED", nil).expect(t, 200).list(t, "blogs"); len(l) != 1 || l[0]["title"] != "Second" {
		t.Errorf("published %v", l)
	}
	if l := a.do("GET", list+"&limit=1&offset=1", nil).expect(t, 200).list(t, "blogs"); len(l) != 1 || l[0]["title"] != "Second" {
		t.Errorf("page %v", l)
	}

	post["title"], post["urlSlug"], post["status"] = "Hello again", "hello", "ARCHIVED"
	r = a.do("PUT", "/blogs/posts/"+id, post).expect(t, 200)
	exactKeys(t, r.body, "updatedBlogPost")
	if u := r.obj(t, "updatedBlogPost"); u["title"] != "Hello again" || u["archived"] != true || u["_id"] != id {
		t.Errorf("update %s", r.raw)
	}
	post["urlSlug"] = "other"
	a.do("PUT", "/blogs/posts/"+id, post).errorBody(t, 400, "Url slug already exists")
	a.do("PUT", "/blogs/posts/nope", post).errorBody(t, 404, "Blog post not found")
	if got, ok := srv.Store(loc.ID).Get("blogPosts", id); !ok || got["rawHTML"] != "<p>hi</p>" || got["blogId"] != blogID {
		t.Errorf("state %v", got)
	}
}

func TestSchedulesAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	other := srv.CreateLocation("B")
	a := newAPI(t, srv, loc.Token)
	cal := srv.Store(loc.ID).Put("calendars", map[string]any{"name": "Demo"})

	a.do("POST", "/calendars/schedules", map[string]any{}).messages(t)
	body := map[string]any{"locationId": loc.ID, "name": "Office hours", "timezone": "America/Chicago", "userId": "u1",
		"rules": []any{map[string]any{"type": "wday", "day": "monday", "intervals": []any{map[string]any{"from": "09:00", "to": "17:00"}}}}}
	r := a.do("POST", "/calendars/schedules", body).expect(t, 201)
	exactKeys(t, r.body, "schedule")
	sch := r.obj(t, "schedule")
	exactKeys(t, sch, "id", "name", "locationId", "rules", "timezone", "dateAdded", "dateUpdated", "userId", "calendarIds", "deleted")
	id := sch["id"].(string)
	body["locationId"] = other.ID
	a.do("POST", "/calendars/schedules", body).errorBody(t, 403, "The token does not have access to this location")

	a.do("PUT", "/calendars/schedules/"+id+"/associations/"+cal, nil).expect(t, 200)
	a.do("PUT", "/calendars/schedules/"+id+"/associations/nope", nil).errorBody(t, 404, "Calendar not found")
	a.do("PUT", "/calendars/schedules/nope/associations/"+cal, nil).errorBody(t, 404, "Schedule not found")
	search := "/calendars/schedules/search?locationId=" + loc.ID + "&userId=u1"
	r = a.do("GET", search+"&calendarId="+cal, nil).expect(t, 200)
	exactKeys(t, r.body, "schedules")
	if l := r.list(t, "schedules"); len(l) != 1 || l[0]["id"] != id || !slices.Equal(strs(l[0]["calendarIds"]), []string{cal}) {
		t.Errorf("search %s", r.raw)
	}
	if l := a.do("GET", "/calendars/schedules/search?locationId="+loc.ID+"&userId=u2", nil).expect(t, 200).list(t, "schedules"); len(l) != 0 {
		t.Errorf("other user %v", l)
	}
	r = a.do("DELETE", "/calendars/schedules/"+id+"/associations/"+cal, nil).expect(t, 200)
	if string(r.raw) != `{"success":true}` {
		t.Errorf("remove %s", r.raw)
	}
	if l := a.do("GET", search+"&calendarId="+cal, nil).expect(t, 200).list(t, "schedules"); len(l) != 0 {
		t.Errorf("after remove %v", l)
	}

	r = a.do("PUT", "/calendars/schedules/"+id, map[string]any{"name": "Late hours"}).expect(t, 200)
	if got := r.obj(t, "schedule"); got["name"] != "Late hours" || got["timezone"] != "America/Chicago" {
		t.Errorf("update %s", r.raw)
	}
	if got := a.do("GET", "/calendars/schedules/"+id, nil).expect(t, 200).obj(t, "schedule"); got["name"] != "Late hours" {
		t.Errorf("get %v", got)
	}
	if r := a.do("DELETE", "/calendars/schedules/"+id, nil).expect(t, 200); string(r.raw) != `{"success":true}` {
		t.Errorf("delete %s", r.raw)
	}
	a.do("GET", "/calendars/schedules/"+id, nil).errorBody(t, 404, "Schedule not found")
}

func TestCustomFieldsV2API(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	other := srv.CreateLocation("B")
	a := newAPI(t, srv, loc.Token)

	r := a.do("POST", "/custom-fields/folder", map[string]any{"objectKey": "custom_objects.pets", "name": "Pet info", "locationId": loc.ID}).expect(t, 201)
	exactKeys(t, r.body, "id", "objectKey", "locationId", "name")
	folder := r.body["id"].(string)
	a.do("POST", "/custom-fields/folder", map[string]any{"objectKey": "x", "name": "X", "locationId": other.ID}).errorBody(t, 403, "The token does not have access to this location")

	field := map[string]any{"locationId": loc.ID, "name": "Breed", "showInForms": true, "dataType": "TEXT",
		"fieldKey": "custom_objects.pets.breed", "objectKey": "custom_objects.pets", "parentId": folder}
	r = a.do("POST", "/custom-fields/", field).expect(t, 201)
	exactKeys(t, r.body, "field")
	f := r.obj(t, "field")
	exactKeys(t, f, "id", "locationId", "name", "showInForms", "dataType", "fieldKey", "objectKey", "parentId", "dateAdded", "dateUpdated")
	id := f["id"].(string)
	a.do("POST", "/custom-fields/", field).errorBody(t, 400, "Field key custom_objects.pets.breed already exists")
	field["fieldKey"], field["dataType"] = "custom_objects.pets.age", "AGE"
	if m := a.do("POST", "/custom-fields/", field).messages(t); len(m) != 1 {
		t.Errorf("422 %v", m)
	}
	field["dataType"], field["parentId"] = "NUMERICAL", "nope"
	a.do("POST", "/custom-fields/", field).errorBody(t, 404, "Folder not found")
	field["parentId"] = folder
	second := a.do("POST", "/custom-fields/", field).expect(t, 201).obj(t, "field")["id"].(string)

	r = a.do("GET", "/custom-fields/object-key/custom_objects.pets?locationId="+loc.ID, nil).expect(t, 200)
	exactKeys(t, r.body, "fields", "folders")
	if l := r.list(t, "fields"); len(l) != 2 || l[0]["id"] != id {
		t.Errorf("fields %s", r.raw)
	}
	if l := r.list(t, "folders"); len(l) != 1 || l[0]["id"] != folder {
		t.Errorf("folders %s", r.raw)
	}
	if r := a.do("GET", "/custom-fields/object-key/contact?locationId="+loc.ID, nil).expect(t, 200); string(r.raw) != `{"fields":[],"folders":[]}` {
		t.Errorf("empty %s", r.raw)
	}

	r = a.do("PUT", "/custom-fields/"+id, map[string]any{"locationId": loc.ID, "showInForms": false, "name": "Breed name", "fieldKey": "ignored"}).expect(t, 200)
	if got := r.obj(t, "field"); got["name"] != "Breed name" || got["showInForms"] != false || got["fieldKey"] != "custom_objects.pets.breed" {
		t.Errorf("update %s", r.raw)
	}
	if got := a.do("GET", "/custom-fields/"+id, nil).expect(t, 200).obj(t, "field"); got["name"] != "Breed name" {
		t.Errorf("get %v", got)
	}
	r = a.do("DELETE", "/custom-fields/"+id, nil).expect(t, 200)
	if string(r.raw) != `{"id":"`+id+`","key":"custom_objects.pets.breed","succeded":true}` {
		t.Errorf("delete %s", r.raw)
	}
	a.do("GET", "/custom-fields/"+id, nil).errorBody(t, 404, "Custom field not found")

	if r := a.do("PUT", "/custom-fields/folder/"+folder, map[string]any{"name": "Pets", "locationId": loc.ID}).expect(t, 200); r.body["name"] != "Pets" {
		t.Errorf("rename %s", r.raw)
	}
	r = a.do("DELETE", "/custom-fields/folder/"+folder+"?locationId="+loc.ID, nil).expect(t, 200)
	exactKeys(t, r.body, "succeded", "id", "key")
	if _, ok := srv.Store(loc.ID).Get("customFieldsV2", second); ok {
		t.Error("the folder's field survived its folder")
	}
	a.do("DELETE", "/custom-fields/folder/"+folder+"?locationId="+loc.ID, nil).errorBody(t, 404, "Folder not found")
	a.do("PUT", "/custom-fields/folder/"+folder, map[string]any{"name": "P", "locationId": loc.ID}).errorBody(t, 404, "Folder not found")
}
