package ghltest_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

// Edges of snapshots.go, conversations_more.go and locations_more.go over
// raw HTTP: validation messages, scoping, and the state behind the answers.

func TestSnapshotsAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	co := srv.DefaultCompany()
	other := srv.CreateCompany("Other")
	loc := srv.CreateLocation("L")
	a := newAPI(t, srv, co.Token)
	snap := srv.Store(co.ID).Put("snapshots", map[string]any{"name": "S"})
	srv.Store(other.ID).Put("snapshots", map[string]any{"name": "Not ours"})

	l := a.do("GET", "/snapshots/?companyId="+co.ID, nil).expect(t, 200).list(t, "snapshots")
	if len(l) != 1 || l[0]["id"] != snap || l[0]["type"] != "own" {
		t.Errorf("list %v", l)
	}
	a.do("GET", "/snapshots/?companyId="+other.ID, nil).errorBody(t, 403, "The token does not have access to this company")
	if msgs := a.do("GET", "/snapshots/", nil).messages(t); !slices.Contains(msgs, "companyId should not be empty") {
		t.Errorf("no companyId: %v", msgs)
	}

	link := "/snapshots/share/link?companyId=" + co.ID
	msgs := a.do("POST", link, map[string]any{"snapshot_id": snap, "share_type": "forever"}).messages(t)
	if want := "share_type must be one of the following values: link, permanent_link, agency_link, location_link"; !slices.Equal(msgs, []string{want}) {
		t.Errorf("bad share_type: %v", msgs)
	}
	r := a.do("POST", link, map[string]any{"snapshot_id": snap, "share_type": "agency_link", "relationship_number": "0-128-926"}).expect(t, 201)
	exactKeys(t, r.body, "id", "shareLink")
	if s := srv.Store(co.ID).List("snapshotShares"); len(s) != 1 || s[0]["relationshipNumber"] != "0-128-926" || s[0]["id"] != r.body["id"] {
		t.Errorf("stored shares %v", s)
	}

	status := "/snapshots/snapshot-status/" + snap + "?companyId=" + co.ID
	msgs = a.do("GET", status+"&from=yesterday&to=2030-01-02&lastDoc=x&limit=0", nil).messages(t)
	if !slices.Equal(msgs, []string{"from must be a valid ISO 8601 date string", "limit must be a positive number string"}) {
		t.Errorf("bad range: %v", msgs)
	}
	// A date "to" includes its whole day.
	p := srv.Store(co.ID).Put("snapshotPushes", map[string]any{"snapshotId": snap, "locationId": loc.ID, "dateAdded": "2030-01-02T23:30:00.000Z"})
	l = a.do("GET", status+"&from=2030-01-01&to=2030-01-02&lastDoc=x&limit=10", nil).expect(t, 200).list(t, "data")
	if len(l) != 1 || l[0]["id"] != p {
		t.Fatalf("pushes %v", l)
	}
	exactKeys(t, l[0], "id", "locationId", "status", "dateAdded")
	latest := a.do("GET", "/snapshots/snapshot-status/"+snap+"/location/"+loc.ID+"?companyId="+co.ID, nil).expect(t, 200).obj(t, "data")
	exactKeys(t, latest, "id", "locationId", "status", "completed", "pending", "dateAdded")
}

func TestProviderMessagesAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("L")
	ct := srv.AddContact(loc.ID, map[string]any{"firstName": "A", "phone": "+15550001111"})
	other := srv.AddContact(loc.ID, map[string]any{"firstName": "B", "phone": "+15550002222"})
	cid := srv.AddConversation(loc.ID, ct)
	a := newAPI(t, srv, loc.Token)
	a.version = "2021-04-15"

	msgs := a.do("POST", "/conversations/messages/inbound", map[string]any{"type": "Fax", "conversationId": cid,
		"contactId": ct, "conversationProviderId": "p"}).messages(t)
	if len(msgs) != 1 || msgs[0][:len("type must be one of")] != "type must be one of" {
		t.Errorf("bad type: %v", msgs)
	}
	a.do("POST", "/conversations/messages/inbound", map[string]any{"type": "SMS", "conversationId": cid,
		"contactId": other, "conversationProviderId": "p"}).errorBody(t, 400, "The conversation does not belong to the contact")
	msgs = a.do("POST", "/conversations/messages/outbound", map[string]any{"type": "SMS", "conversationId": cid,
		"conversationProviderId": "p"}).messages(t)
	if !slices.Equal(msgs, []string{"type must be one of the following values: Call"}) {
		t.Errorf("outbound SMS: %v", msgs)
	}
	r := a.do("POST", "/conversations/messages/inbound", map[string]any{"type": "Email", "conversationId": cid,
		"contactId": ct, "conversationProviderId": "p", "html": "<p>Hi</p>", "subject": "Hello",
		"date": "2030-01-01T10:00:00Z"}).expect(t, 200)
	if r.body["emailMessageId"] == nil || r.body["dateAdded"] != "2030-01-01T10:00:00.000Z" {
		t.Errorf("inbound email %s", r.raw)
	}
	conv, _ := srv.Store(loc.ID).Get("conversations", cid)
	if conv["unreadCount"] != float64(1) || conv["lastMessageBody"] != "<p>Hi</p>" {
		t.Errorf("conversation after an inbound message %v", conv)
	}

	id := r.body["messageId"].(string)
	six := []any{"a", "b", "c", "d", "e", "f"}
	if msgs := a.do("PUT", "/conversations/messages/"+id+"/attachments", map[string]any{"attachments": six}).messages(t); !slices.Equal(msgs, []string{"attachments must contain no more than 5 elements"}) {
		t.Errorf("six attachments: %v", msgs)
	}
	a.do("DELETE", "/conversations/messages/nope/schedule", nil).errorBody(t, 404, "Message not found")

	// Export: bad cursor, channel filter.
	a.do("GET", "/conversations/messages/export?locationId="+loc.ID+"&cursor=zzz", nil).errorBody(t, 400, "Invalid cursor")
	if msgs := a.do("GET", "/conversations/messages/export?locationId="+loc.ID+"&limit=501", nil).messages(t); !slices.Equal(msgs, []string{"limit must not be greater than 500"}) {
		t.Errorf("limit 501: %v", msgs)
	}
	srv.AddMessage(loc.ID, cid, ghltest.MessageSeed{Type: "TYPE_SMS", Body: "sms"})
	l := a.do("GET", "/conversations/messages/export?locationId="+loc.ID+"&channel=SMS", nil).expect(t, 200).list(t, "messages")
	if len(l) != 1 || l[0]["body"] != "sms" {
		t.Errorf("SMS export %v", l)
	}
}

func TestUploadsAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("L")
	ct := srv.AddContact(loc.ID, map[string]any{"firstName": "A"})
	cid := srv.AddConversation(loc.ID, ct)
	a := newAPI(t, srv, loc.Token)

	// A JSON body is not a multipart one.
	a.do("POST", "/conversations/messages/upload", map[string]any{"conversationId": cid}).
		errorBody(t, 400, "Content-Type must be multipart/form-data")

	upload := func(path string, fields map[string][]string, files ...string) result {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for k, vs := range fields {
			for _, v := range vs {
				w.WriteField(k, v)
			}
		}
		for _, f := range files {
			fw, _ := w.CreateFormFile("fileAttachment", f)
			fw.Write([]byte("data of " + f))
		}
		w.Close()
		req, _ := http.NewRequest("POST", srv.URL+path, &buf)
		req.Header.Set("Authorization", "Bearer "+loc.Token)
		req.Header.Set("Version", "2021-04-15")
		req.Header.Set("Content-Type", w.FormDataContentType())
		return a.send(req)
	}
	if msgs := upload("/conversations/messages/upload", map[string][]string{"conversationId": {cid}}, "a.txt").messages(t); !slices.Contains(msgs, "contactId should not be empty") || !slices.Contains(msgs, "attachmentUrls should not be empty") {
		t.Errorf("missing fields: %v", msgs)
	}
	base := map[string][]string{"conversationId": {cid}, "contactId": {ct}, "locationId": {loc.ID},
		"attachmentUrls": {"https://x.example/1.png", "https://x.example/2.png"}}
	r := upload("/conversations/messages/upload", base, "a.txt").expect(t, 200)
	if up := r.obj(t, "uploadedFiles"); len(up) != 3 {
		t.Errorf("uploaded %v", up)
	}
	base["isGroupSms"] = []string{"true"}
	upload("/conversations/messages/upload", base, "a.txt").errorBody(t, 400, "Only 1 file can be uploaded for group SMS")

	// A complete with another path than the initiate's is not that upload.
	ini := a.do("POST", "/conversations/messages/upload/initiate", map[string]any{"locationId": loc.ID, "conversationId": cid,
		"filename": "v.mp4", "contentType": "video/mp4", "channel": "SMS"}).expect(t, 200)
	a.do("POST", "/conversations/messages/upload/complete", map[string]any{"uploadId": ini.body["uploadId"], "filePath": "elsewhere",
		"locationId": loc.ID, "conversationId": cid, "filename": "v.mp4"}).errorBody(t, 404, "Upload not found")

	r = upload("/locations/"+loc.ID+"/customFields/upload", map[string][]string{"maxFiles": {"x"}}, "a.csv")
	if msgs := r.messages(t); !slices.Equal(msgs, []string{"maxFiles must be a number string"}) {
		t.Errorf("bad maxFiles: %v", msgs)
	}
	upload("/locations/"+loc.ID+"/customFields/upload", nil).errorBody(t, 400, "No files to upload")
}

func TestSubscriptionsAPI(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("L")
	ct := srv.AddContact(loc.ID, map[string]any{"firstName": "A", "email": "a@example.com"})
	a := newAPI(t, srv, loc.Token)
	a.version = "2021-04-15"
	subtypes := "/conversations/preferences/custom-subtypes?locationId=" + loc.ID

	msgs := a.do("POST", subtypes, map[string]any{"name": string(bytes.Repeat([]byte("x"), 101)), "channel": "fax", "language": "en"}).messages(t)
	if !slices.Equal(msgs, []string{"name must be shorter than or equal to 100 characters", "channel must be one of the following values: email, sms"}) {
		t.Errorf("bad subtype: %v", msgs)
	}
	sms := a.do("POST", subtypes, map[string]any{"name": "Alerts", "channel": "sms", "language": "en"}).expect(t, 201).obj(t, "customSubtype")
	// The channel is set on create only.
	a.do("PUT", "/conversations/preferences/custom-subtypes/"+sms["id"].(string)+"?locationId="+loc.ID, map[string]any{"channel": "email"}).expect(t, 200)
	if got, _ := srv.Store(loc.ID).Get("customSubtypes", sms["id"].(string)); got["channel"] != "sms" {
		t.Errorf("channel changed: %v", got)
	}

	// SMS subtypes are not email subscriptions.
	st := a.do("GET", "/conversations/preferences/unsubscriptions/status?locationId="+loc.ID+"&contactId="+ct, nil).expect(t, 200)
	if subs := st.list(t, "subscriptions"); len(subs) != 1 || subs[0]["subtype_name"] != "One on One" {
		t.Errorf("subscriptions %v", subs)
	}
	a.do("GET", "/conversations/preferences/unsubscriptions/status?locationId="+loc.ID+"&contactId=nope", nil).errorBody(t, 404, "Contact not found")
	change := func(action map[string]any) result {
		return a.do("POST", "/conversations/preferences/unsubscriptions/user-change", map[string]any{"locationId": loc.ID,
			"contactId": ct, "email": "a@example.com", "subscription_action": action})
	}
	change(map[string]any{"type": "custom", "subtype_id": "nope", "subtype_status": "unsubscribed"}).errorBody(t, 404, "Custom subtype not found")
	if msgs := change(map[string]any{"type": "default", "subtype_name": "Weekly", "subtype_status": "maybe"}).messages(t); len(msgs) != 2 {
		t.Errorf("bad action: %v", msgs)
	}
	if r := change(map[string]any{"type": "default", "subtype_name": "One on One", "subtype_status": "unsubscribed"}).expect(t, 201); r.body["success"] != true {
		t.Errorf("change %s", r.raw)
	}
}

func TestRecurringTasksAndTemplatesAPI(t *testing.T) {
	clk := ghltest.NewManualClock(time.Date(2030, 1, 1, 8, 0, 0, 0, time.UTC))
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now))
	defer srv.Close()
	loc := srv.CreateLocation("L")
	other := srv.CreateLocation("M")
	ct := srv.AddContact(loc.ID, map[string]any{"firstName": "A"})
	stranger := srv.AddContact(other.ID, map[string]any{"firstName": "B"})
	a := newAPI(t, srv, loc.Token)
	coll := "/locations/" + loc.ID + "/recurring-tasks"

	msgs := a.do("POST", coll, map[string]any{"title": "T", "rruleOptions": map[string]any{"intervalType": "fortnightly"},
		"contactIds": []any{stranger}}).messages(t)
	if !slices.Equal(msgs, []string{"rruleOptions.intervalType must be one of the following values: yearly, monthly, weekly, daily, hourly",
		"contact " + stranger + " not found"}) {
		t.Errorf("bad recurring task: %v", msgs)
	}
	r := a.do("POST", coll, map[string]any{"title": "T", "rruleOptions": map[string]any{"intervalType": "daily", "interval": 1},
		"contactIds": []any{ct}, "ignoreTaskCreation": true}).expect(t, 201)
	rt := r.obj(t, "recurringTask")
	if rt["totalOccurrence"] != float64(0) || rt["createdAt"] != "2030-01-01T08:00:00.000Z" {
		t.Errorf("created %v", rt)
	}
	if _, has := rt["ignoreTaskCreation"]; has {
		t.Errorf("ignoreTaskCreation stored: %v", rt)
	}
	if tasks := srv.Tasks(ct); len(tasks) != 0 {
		t.Errorf("ignoreTaskCreation made tasks %v", tasks)
	}
	newAPI(t, srv, other.Token).do("GET", coll+"/"+rt["id"].(string), nil).errorBody(t, 403, "The token does not have access to this location")
	upd := a.do("PUT", coll+"/"+rt["id"].(string), map[string]any{"ignoreTaskCreation": false, "owners": []any{"u2"}}).expect(t, 200).obj(t, "recurringTask")
	if _, has := upd["ignoreTaskCreation"]; has || upd["assignedTo"] != "u2" {
		t.Errorf("updated %v", upd)
	}

	st := srv.Store(loc.ID)
	st.Put("templates", map[string]any{"name": "Old", "deleted": true})
	live := st.Put("templates", map[string]any{"name": "Live"})
	tpl := "/locations/" + loc.ID + "/templates?originId=" + loc.ID
	if msgs := a.do("GET", "/locations/"+loc.ID+"/templates", nil).messages(t); !slices.Contains(msgs, "originId should not be empty") {
		t.Errorf("no originId: %v", msgs)
	}
	r = a.do("GET", tpl, nil).expect(t, 200)
	if l := r.list(t, "templates"); len(l) != 1 || l[0]["id"] != live || r.body["totalCount"] != float64(1) {
		t.Errorf("live templates %s", r.raw)
	}
	if l := a.do("GET", tpl+"&deleted=true", nil).expect(t, 200).list(t, "templates"); len(l) != 1 || l[0]["name"] != "Old" {
		t.Errorf("deleted templates %v", l)
	}
	if tz := a.do("GET", "/locations/"+loc.ID+"/timezones", nil).expect(t, 200); !slices.Contains(strs(tz.body["timeZones"]), "Europe/London") {
		t.Errorf("time zones %s", tz.raw)
	}
}
