package ghltest_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

func newConvEnv(t *testing.T) (*oppEnv, string, []string) {
	t.Helper()
	e := newOppEnv(t)
	e.a.version = "2021-04-15"
	cid, msgs := e.srv.SeedConversation(e.loc.ID, e.contact)
	return e, cid, msgs
}

func TestConversationSearchAndGet(t *testing.T) {
	e, cid, _ := newConvEnv(t)
	other := e.srv.AddContact(e.loc.ID, map[string]any{"firstName": "Bob", "phone": "+15550001111"})
	e.clk.Advance(time.Hour)
	cid2 := e.srv.AddConversation(e.loc.ID, other)
	if again := e.srv.AddConversation(e.loc.ID, other); again != cid2 {
		t.Errorf("AddConversation made a second conversation")
	}
	e.srv.AddMessage(e.loc.ID, cid2, ghltest.MessageSeed{Body: "newest"})

	r := e.a.do("GET", "/conversations/search?locationId="+e.loc.ID, nil).expect(t, 200)
	exactKeys(t, r.body, "conversations", "total")
	l := r.list(t, "conversations")
	if len(l) != 2 || r.body["total"] != float64(2) || l[0]["id"] != cid2 || l[1]["id"] != cid {
		t.Fatalf("search %s", r.raw)
	}
	hasKeys(t, l[1], "id", "contactId", "locationId", "lastMessageBody", "lastMessageType", "type", "unreadCount",
		"fullName", "contactName", "email", "phone")
	if l[1]["lastMessageBody"] != "Thanks, talk soon!" || l[1]["lastMessageType"] != "TYPE_SMS" || l[1]["unreadCount"] != float64(3) ||
		l[1]["type"] != "TYPE_PHONE" && l[1]["type"] != "TYPE_EMAIL" || l[1]["fullName"] != "Ada Lovelace" {
		t.Errorf("conversation %v", l[1])
	}
	r = e.a.do("GET", "/conversations/search?locationId="+e.loc.ID+"&contactId="+e.contact, nil).expect(t, 200)
	if l := r.list(t, "conversations"); len(l) != 1 || l[0]["id"] != cid {
		t.Errorf("by contact %s", r.raw)
	}
	r = e.a.do("GET", "/conversations/search?locationId="+e.loc.ID+"&sort=asc&limit=1", nil).expect(t, 200)
	if l := r.list(t, "conversations"); len(l) != 1 || l[0]["id"] != cid || r.body["total"] != float64(2) {
		t.Errorf("asc %s", r.raw)
	}
	e.a.do("GET", "/conversations/search?locationId=other", nil).errorBody(t, 403, "The token does not have access to this location")

	g := e.a.do("GET", "/conversations/"+cid, nil).expect(t, 200)
	hasKeys(t, g.body, "contactId", "locationId", "deleted", "inbox", "type", "unreadCount", "id")
	if g.body["type"] != float64(2) && g.body["type"] != float64(1) {
		t.Errorf("type %v, want a number", g.body["type"])
	}
	u := e.a.do("PUT", "/conversations/"+cid, map[string]any{"locationId": e.loc.ID, "unreadCount": 0, "starred": true}).expect(t, 200)
	exactKeys(t, u.body, "success", "conversation")
	if c := u.obj(t, "conversation"); c["starred"] != true || c["unreadCount"] != float64(0) {
		t.Errorf("update %s", u.raw)
	}
	r = e.a.do("GET", "/conversations/search?locationId="+e.loc.ID+"&status=starred", nil).expect(t, 200)
	if l := r.list(t, "conversations"); len(l) != 1 || l[0]["id"] != cid {
		t.Errorf("starred %s", r.raw)
	}
	d := e.a.do("DELETE", "/conversations/"+cid, nil).expect(t, 200)
	exactKeys(t, d.body, "success")
	e.a.do("GET", "/conversations/"+cid, nil).errorBody(t, 404, "Conversation not found")
	if n := len(e.srv.Store(e.loc.ID).List("messages")); n != 1 {
		t.Errorf("%d messages left, want 1 (the other conversation's)", n)
	}
}

func TestConversationCreate(t *testing.T) {
	e := newOppEnv(t)
	e.a.version = "2021-04-15"
	r := e.a.do("POST", "/conversations/", map[string]any{"locationId": e.loc.ID, "contactId": e.contact}).expect(t, 201)
	exactKeys(t, r.body, "success", "conversation")
	hasKeys(t, r.obj(t, "conversation"), "id", "dateUpdated", "dateAdded", "deleted", "contactId", "locationId", "lastMessageDate")
	e.a.do("POST", "/conversations/", map[string]any{"locationId": e.loc.ID, "contactId": e.contact}).errorBody(t, 400, "Conversation already exists")
	e.a.do("POST", "/conversations/", map[string]any{"locationId": e.loc.ID, "contactId": "nobody"}).errorBody(t, 404, "Contact not found")
}

func TestConversationMessagesPaged(t *testing.T) {
	e, cid, msgs := newConvEnv(t)
	want := slices.Clone(msgs)
	slices.Reverse(want) // newest first
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		path := "/conversations/" + cid + "/messages?limit=2"
		if cursor != "" {
			path += "&lastMessageId=" + cursor
		}
		r := e.a.do("GET", path, nil).expect(t, 200)
		exactKeys(t, r.body, "messages")
		inner := r.obj(t, "messages")
		exactKeys(t, inner, "lastMessageId", "nextPage", "messages")
		page := (result{body: inner}).list(t, "messages")
		for _, m := range page {
			got = append(got, m["id"].(string))
		}
		if len(page) > 0 && inner["lastMessageId"] != page[len(page)-1]["id"] {
			t.Errorf("lastMessageId %v", inner["lastMessageId"])
		}
		if inner["nextPage"] != true {
			break
		}
		cursor = inner["lastMessageId"].(string)
		if pages > 5 {
			t.Fatal("no end")
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("messages %v, want %v", got, want)
	}
	r := e.a.do("GET", "/conversations/"+cid+"/messages?type=TYPE_CALL,TYPE_EMAIL", nil).expect(t, 200)
	if l := (result{body: r.obj(t, "messages")}).list(t, "messages"); len(l) != 2 || l[0]["messageType"] != "TYPE_CALL" || l[0]["type"] != float64(1) {
		t.Errorf("by type %s", r.raw)
	}
	e.a.do("GET", "/conversations/nope/messages", nil).errorBody(t, 404, "Conversation not found")
}

func TestConversationMessageAndEmail(t *testing.T) {
	e, cid, msgs := newConvEnv(t)
	r := e.a.do("GET", "/conversations/messages/"+msgs[0], nil).expect(t, 200)
	exactKeys(t, r.body, "message")
	m := r.obj(t, "message")
	hasKeys(t, m, "id", "type", "messageType", "locationId", "contactId", "conversationId", "dateAdded", "direction", "contentType")
	if m["type"] != float64(2) || m["messageType"] != "TYPE_SMS" || m["conversationId"] != cid || m["direction"] != "inbound" {
		t.Errorf("message %v", m)
	}
	e.a.do("GET", "/conversations/messages/nope", nil).errorBody(t, 404, "Message not found")

	email := e.a.do("GET", "/conversations/messages/"+msgs[2], nil).expect(t, 200).obj(t, "message")
	emailID := email["meta"].(map[string]any)["email"].(map[string]any)["messageIds"].([]any)[0].(string)
	r = e.a.do("GET", "/conversations/messages/email/"+emailID, nil).expect(t, 200)
	hasKeys(t, r.body, "id", "threadId", "locationId", "contactId", "conversationId", "dateAdded", "body", "direction", "contentType", "from", "to")
	if r.body["id"] != emailID || r.body["subject"] != "Your quote" || !slices.Equal(strs(r.body["to"]), []string{"ada@example.com"}) {
		t.Errorf("email %s", r.raw)
	}
	e.a.do("GET", "/conversations/messages/email/nope", nil).errorBody(t, 404, "Email not found")

	s := e.a.do("PUT", "/conversations/messages/"+msgs[1]+"/status", map[string]any{"status": "read"}).expect(t, 200)
	hasKeys(t, s.body, "conversationId", "messageId", "status")
	if got, _ := e.srv.Store(e.loc.ID).Get("messages", msgs[1]); got["status"] != "read" {
		t.Errorf("status %v", got["status"])
	}
	if m := e.a.do("PUT", "/conversations/messages/"+msgs[1]+"/status", map[string]any{"status": "lost"}).messages(t); len(m) != 1 {
		t.Errorf("messages %q", m)
	}
}

func TestConversationSendAndTyping(t *testing.T) {
	e := newOppEnv(t)
	e.a.version = "2021-04-15"
	r := e.a.do("POST", "/conversations/messages", map[string]any{"type": "SMS", "subType": "SMS", "contactId": e.contact,
		"message": "Hello from the API", "status": "pending"}).expect(t, 200)
	hasKeys(t, r.body, "conversationId", "messageId", "status")
	cid, mid := r.body["conversationId"].(string), r.body["messageId"].(string)
	m, ok := e.srv.Store(e.loc.ID).Get("messages", mid)
	if !ok || m["direction"] != "outbound" || m["body"] != "Hello from the API" || m["conversationId"] != cid || m["source"] != "api" {
		t.Errorf("sent %v", m)
	}
	if c, _ := e.srv.Store(e.loc.ID).Get("conversations", cid); c["lastMessageBody"] != "Hello from the API" || c["contactId"] != e.contact {
		t.Errorf("conversation %v", c)
	}
	// A second send goes to the same conversation.
	r = e.a.do("POST", "/conversations/messages", map[string]any{"type": "Email", "subType": "Email", "contactId": e.contact,
		"html": "<p>Hi</p>", "subject": "Hi", "status": "delivered"}).expect(t, 200)
	if r.body["conversationId"] != cid || r.body["emailMessageId"] == nil {
		t.Errorf("email send %s", r.raw)
	}
	msgs := e.a.do("POST", "/conversations/messages", map[string]any{"type": "Fax", "contactId": e.contact, "status": "pending"}).messages(t)
	if !slices.Equal(msgs, []string{"subType should not be empty", "type must be one of the following values: SMS, RCS, Email, WhatsApp, IG, FB, Custom, Live_Chat, TIKTOK"}) {
		t.Errorf("messages %q", msgs)
	}
	e.a.do("POST", "/conversations/messages", map[string]any{"type": "SMS", "subType": "SMS", "contactId": "nobody", "status": "pending"}).errorBody(t, 404, "Contact not found")

	typing := map[string]any{"locationId": e.loc.ID, "isTyping": "true", "visitorId": "v1", "conversationId": cid}
	r = e.a.do("POST", "/conversations/providers/live-chat/typing", typing).expect(t, 201)
	exactKeys(t, r.body, "success")
	typing["conversationId"] = "nope"
	e.a.do("POST", "/conversations/providers/live-chat/typing", typing).errorBody(t, 404, "Conversation not found")
	typing["isTyping"] = "yes"
	if m := e.a.do("POST", "/conversations/providers/live-chat/typing", typing).messages(t); len(m) != 1 {
		t.Errorf("messages %q", m)
	}
}

func TestCallRecordingAndTranscription(t *testing.T) {
	e, _, msgs := newConvEnv(t)
	call := msgs[3]
	r := e.a.do("GET", "/conversations/messages/"+call+"/locations/"+e.loc.ID+"/recording", nil).expect(t, 200)
	if ct := r.header.Get("Content-Type"); ct != "audio/x-wav" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := r.header.Get("Content-Disposition"); cd != "attachment; filename=audio.wav" {
		t.Errorf("Content-Disposition %q", cd)
	}
	if !bytes.HasPrefix(r.raw, []byte("RIFF")) || !bytes.Equal(r.raw[8:12], []byte("WAVE")) || len(r.raw) != 44+8000 {
		t.Errorf("recording: %d bytes starting %q", len(r.raw), r.raw[:12])
	}
	// Own recording and transcript.
	cid := e.srv.AddConversation(e.loc.ID, e.contact)
	own := e.srv.AddMessage(e.loc.ID, cid, ghltest.MessageSeed{Type: "TYPE_CALL", Recording: []byte("RIFFdata"), Transcript: []string{"Hello.", "Bye."}})
	if r := e.a.do("GET", "/conversations/messages/"+own+"/locations/"+e.loc.ID+"/recording", nil).expect(t, 200); string(r.raw) != "RIFFdata" {
		t.Errorf("own recording %q", r.raw)
	}
	tr := e.a.do("GET", "/conversations/locations/"+e.loc.ID+"/messages/"+own+"/transcription", nil).expect(t, 200)
	exactKeys(t, tr.body, "mediaChannel", "sentenceIndex", "startTime", "endTime", "transcript", "confidence")
	if tr.body["transcript"] != "Hello. Bye." || tr.body["endTime"] != float64(9) {
		t.Errorf("transcription %s", tr.raw)
	}
	dl := e.a.do("GET", "/conversations/locations/"+e.loc.ID+"/messages/"+own+"/transcription/download", nil).expect(t, 200)
	if string(dl.raw) != "Hello.\nBye.\n" || dl.header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		dl.header.Get("Content-Disposition") != `attachment; filename="transcription.txt"` {
		t.Errorf("download %q %v", dl.raw, dl.header)
	}
	// An SMS has no recording; another location is forbidden.
	e.a.do("GET", "/conversations/messages/"+msgs[0]+"/locations/"+e.loc.ID+"/recording", nil).errorBody(t, 404, "Recording not found")
	e.a.do("GET", "/conversations/locations/"+e.loc.ID+"/messages/"+msgs[0]+"/transcription", nil).errorBody(t, 404, "Transcription not found")
	e.a.do("GET", "/conversations/messages/"+call+"/locations/other/recording", nil).errorBody(t, 403, "The token does not have access to this location")
}
