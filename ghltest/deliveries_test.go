package ghltest_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

// hookSink is a webhook receiver that records what it gets. It answers 500
// to the first fail requests and 200 after.
type hookSink struct {
	*httptest.Server
	mu   sync.Mutex
	got  []hookReq
	fail int
}

type hookReq struct {
	body []byte
	sig  string
	ct   string
	m    map[string]any
}

func newHookSink(t *testing.T, fail int) *hookSink {
	t.Helper()
	h := &hookSink{fail: fail}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		h.mu.Lock()
		h.got = append(h.got, hookReq{body: b, sig: r.Header.Get("X-GHL-Signature"), ct: r.Header.Get("Content-Type"), m: m})
		failing := len(h.got) <= h.fail
		h.mu.Unlock()
		if failing {
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookSink) received() []hookReq {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

func flush(t *testing.T, srv *ghltest.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.FlushWebhooks(ctx); err != nil {
		t.Fatalf("FlushWebhooks: %v", err)
	}
}

func TestWebhooksFromWrites(t *testing.T) {
	e := newCalEnv(t) // a location, a contact (seeded: no event) and a calendar
	srv, a, loc := e.srv, e.a, e.loc
	sink := newHookSink(t, 0)
	srv.RegisterWebhook(sink.URL)
	a.version = "2021-07-28"

	id := a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "Ada", "email": "ada@example.com"}).expect(t, 201).obj(t, "contact")["id"].(string)
	a.do("PUT", "/contacts/"+id, map[string]any{"city": "Paris"}).expect(t, 200)                  // ContactUpdate
	a.do("POST", "/contacts/"+id+"/tags", map[string]any{"tags": []string{"vip"}}).expect(t, 201) // ContactTagUpdate only
	a.do("PUT", "/contacts/"+id, map[string]any{"dnd": true}).expect(t, 200)                      // ContactUpdate + ContactDndUpdate
	a.do("PUT", "/contacts/"+id, map[string]any{"city": "Paris"}).expect(t, 200)                  // no change: nothing

	nid := a.do("POST", "/contacts/"+id+"/notes", map[string]any{"body": "hello"}).expect(t, 201).obj(t, "note")["id"].(string)
	a.do("PUT", "/contacts/"+id+"/notes/"+nid, map[string]any{"body": "hello again"}).expect(t, 200)
	a.do("DELETE", "/contacts/"+id+"/notes/"+nid, nil).expect(t, 200)

	tid := a.do("POST", "/contacts/"+id+"/tasks", map[string]any{"title": "Call", "dueDate": "2030-01-08T10:00:00Z", "completed": false}).expect(t, 201).obj(t, "task")["id"].(string)
	a.do("PUT", "/contacts/"+id+"/tasks/"+tid, map[string]any{"title": "Call back"}).expect(t, 200)
	a.do("PUT", "/contacts/"+id+"/tasks/"+tid+"/completed", map[string]any{"completed": true}).expect(t, 200)
	a.do("DELETE", "/contacts/"+id+"/tasks/"+tid, nil).expect(t, 200)

	a.version = "2021-04-15"
	ap := e.book(t, "2030-01-08T09:00:00-06:00", nil).expect(t, 200).body["id"].(string)
	a.do("PUT", "/calendars/events/appointments/"+ap, map[string]any{"title": "Consult"}).expect(t, 200)
	a.do("DELETE", "/calendars/events/"+ap, nil).expect(t, 201)

	a.version = "2021-07-28"
	p := srv.Pipelines(loc.ID)[0]
	op := a.do("POST", "/opportunities/", map[string]any{"pipelineId": p["id"], "locationId": loc.ID, "name": "Deal", "status": "open", "contactId": id, "monetaryValue": 40}).expect(t, 201).obj(t, "opportunity")["id"].(string)
	a.do("PUT", "/opportunities/"+op, map[string]any{"name": "Big deal"}).expect(t, 200) // OpportunityUpdate only
	stages := p["stages"].([]any)
	a.do("PUT", "/opportunities/"+op, map[string]any{"pipelineStageId": stages[1].(map[string]any)["id"], "monetaryValue": 50}).expect(t, 200)
	a.do("POST", "/opportunities/upsert", map[string]any{"id": op, "locationId": loc.ID, "pipelineId": p["id"], "assignedTo": "u1", "followers": []string{}, "isRemoveAllFollowers": false,
		"followersActionType": "add"}).expect(t, 200)
	a.do("PUT", "/opportunities/"+op+"/status", map[string]any{"status": "won"}).expect(t, 200)
	a.do("DELETE", "/opportunities/"+op, nil).expect(t, 200)

	a.version = "2021-04-15"
	a.do("POST", "/conversations/messages", map[string]any{"type": "SMS", "subType": "SMS", "contactId": id, "message": "hi", "status": "pending"}).expect(t, 200)
	cv := srv.AddConversation(loc.ID, id)
	msg := srv.AddMessage(loc.ID, cv, ghltest.MessageSeed{Body: "hello back"})

	srv.RegisterApp(clientID, clientSecret)
	srv.AuthorizationCode(clientID, loc.ID, "Location", "")
	srv.Uninstall(clientID, loc.ID, "")

	a.version = "2021-07-28"
	a.do("DELETE", "/contacts/"+id, nil).expect(t, 200)
	flush(t, srv)

	want := []string{"ContactCreate", "ContactUpdate", "ContactTagUpdate", "ContactUpdate", "ContactDndUpdate",
		"NoteCreate", "NoteUpdate", "NoteDelete",
		"TaskCreate", "TaskUpdate", "TaskComplete", "TaskDelete",
		"AppointmentCreate", "AppointmentUpdate", "AppointmentDelete",
		"OpportunityCreate", "OpportunityUpdate",
		"OpportunityUpdate", "OpportunityStageUpdate", "OpportunityMonetaryValueUpdate",
		"OpportunityUpdate", "OpportunityAssignedToUpdate",
		"OpportunityStatusUpdate", "OpportunityDelete",
		"OutboundMessage", "InboundMessage", "INSTALL", "UNINSTALL", "ContactDelete"}
	got := sink.received()
	var types []string
	ids := map[string]bool{}
	pub := srv.WebhookPublicKey()
	for _, r := range got {
		types = append(types, r.m["type"].(string))
		sig, err := base64.StdEncoding.DecodeString(r.sig)
		if err != nil || !ed25519.Verify(pub, r.body, sig) {
			t.Errorf("%s: signature %q does not verify", r.m["type"], r.sig)
		}
		if r.ct != "application/json" {
			t.Errorf("Content-Type %q", r.ct)
		}
		wid, _ := r.m["webhookId"].(string)
		if len(wid) != 20 || ids[wid] {
			t.Errorf("%s: webhookId %q not a fresh ID", r.m["type"], wid)
		}
		ids[wid] = true
		if ts, _ := r.m["timestamp"].(string); ts != "2030-01-07T15:30:00Z" {
			t.Errorf("%s: timestamp %q, want the server's clock", r.m["type"], ts)
		}
		if r.m["locationId"] != loc.ID {
			t.Errorf("%s: locationId %v", r.m["type"], r.m["locationId"])
		}
	}
	if !slices.Equal(types, want) {
		t.Fatalf("events\n got %q\nwant %q", types, want)
	}
	// Payload shapes of the documented events.
	ev := func(i int) map[string]any { return got[i].m }
	last := func(typ string) map[string]any {
		for i := len(got) - 1; i >= 0; i-- {
			if got[i].m["type"] == typ {
				return got[i].m
			}
		}
		return nil
	}
	if o := last("OpportunityStageUpdate"); o["pipelineStageId"] != p["stages"].([]any)[1].(map[string]any)["id"] {
		t.Errorf("OpportunityStageUpdate %v", o)
	}
	if o := last("OpportunityMonetaryValueUpdate"); o["monetaryValue"] != float64(50) {
		t.Errorf("OpportunityMonetaryValueUpdate %v", o)
	}
	if o := last("OpportunityAssignedToUpdate"); o["assignedTo"] != "u1" {
		t.Errorf("OpportunityAssignedToUpdate %v", o)
	}
	if c := ev(0); c["id"] != id || c["firstName"] != "Ada" || c["email"] != "ada@example.com" {
		t.Errorf("ContactCreate %s", got[0].body)
	}
	if c := ev(2); !slices.Equal(strs(c["tags"]), []string{"vip"}) {
		t.Errorf("ContactTagUpdate %s", got[2].body)
	}
	if c := ev(4); c["dnd"] != true {
		t.Errorf("ContactDndUpdate %s", got[4].body)
	}
	if n := ev(5); n["id"] != nid || n["body"] != "hello" || n["contactId"] != id {
		t.Errorf("NoteCreate %s", got[5].body)
	}
	if k := ev(10); k["id"] != tid || k["title"] != "Call back" || k["contactId"] != id || k["completed"] != true {
		t.Errorf("TaskComplete %s", got[10].body)
	}
	if ap0, ok := ev(12)["appointment"].(map[string]any); !ok || ap0["id"] != ap || ap0["calendarId"] != e.cal || ap0["contactId"] != e.contact {
		t.Errorf("AppointmentCreate %s", got[12].body)
	}
	if o := ev(15); o["id"] != op || o["pipelineId"] != p["id"] || o["status"] != "open" || o["monetaryValue"] != float64(40) || o["dateAdded"] == nil {
		t.Errorf("OpportunityCreate %s", got[15].body)
	}
	if o := last("OpportunityStatusUpdate"); o["status"] != "won" {
		t.Errorf("OpportunityStatusUpdate %v", o)
	}
	if m := last("OutboundMessage"); m["direction"] != "outbound" || m["messageType"] != "SMS" || m["body"] != "hi" || m["contactId"] != id || m["conversationId"] != cv {
		t.Errorf("OutboundMessage %v", m)
	}
	if m := last("InboundMessage"); m["messageId"] != msg || m["direction"] != "inbound" || m["body"] != "hello back" {
		t.Errorf("InboundMessage %v", m)
	}
	if in := last("INSTALL"); in["appId"] != "6578278e879ad2646715ba9c" || in["companyId"] != loc.CompanyID || in["installType"] != "Location" || in["userId"] == nil {
		t.Errorf("INSTALL %v", in)
	}
	if un := last("UNINSTALL"); un["appId"] != "6578278e879ad2646715ba9c" || un["companyId"] != loc.CompanyID {
		t.Errorf("UNINSTALL %v", un)
	}
	// The log matches what arrived.
	log := srv.WebhookDeliveries()
	if len(log) != len(want) {
		t.Fatalf("%d deliveries logged, want %d", len(log), len(want))
	}
	for i, d := range log {
		if d.Event != want[i] || !d.Delivered || d.Attempts != 1 || d.StatusCode != 200 || d.URL != sink.URL ||
			string(d.Body) != string(got[i].body) || d.WebhookID != got[i].m["webhookId"] {
			t.Errorf("delivery %d: %+v", i, d)
		}
	}
}

func TestWebhooksRetryKeepsWebhookID(t *testing.T) {
	srv := ghltest.NewServer(ghltest.WithClock(fixed().Now))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	sink := newHookSink(t, 2) // two 500s, then 200
	srv.RegisterWebhook(sink.URL, "ContactCreate")
	newAPI(t, srv, loc.Token).do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "A"}).expect(t, 201)
	flush(t, srv)
	got := sink.received()
	if len(got) != 3 {
		t.Fatalf("%d attempts, want 3", len(got))
	}
	for _, r := range got[1:] {
		if string(r.body) != string(got[0].body) || r.sig != got[0].sig {
			t.Errorf("retry body %s differs from %s", r.body, got[0].body)
		}
	}
	d := srv.WebhookDeliveries()
	if len(d) != 1 || d[0].Attempts != 3 || !d[0].Delivered || d[0].StatusCode != 200 || d[0].WebhookID != got[0].m["webhookId"] {
		t.Errorf("deliveries %+v", d)
	}
}

func TestWebhooksGiveUpAfterMaxAttempts(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	down := newHookSink(t, 1<<30) // always 500
	// A receiver that is not listening: connection errors are retried too.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	srv.RegisterWebhook(down.URL)
	srv.RegisterWebhook(deadURL)
	newAPI(t, srv, loc.Token).do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "A"}).expect(t, 201)
	flush(t, srv)
	if n := len(down.received()); n != ghltest.WebhookMaxAttempts {
		t.Errorf("%d attempts, want %d", n, ghltest.WebhookMaxAttempts)
	}
	d := srv.WebhookDeliveries()
	if len(d) != 2 {
		t.Fatalf("deliveries %+v", d)
	}
	if d[0].Delivered || d[0].Attempts != ghltest.WebhookMaxAttempts || d[0].StatusCode != 500 {
		t.Errorf("failing receiver %+v", d[0])
	}
	if d[1].Delivered || d[1].Attempts != ghltest.WebhookMaxAttempts || d[1].StatusCode != 0 || d[1].Err == "" {
		t.Errorf("dead receiver %+v", d[1])
	}
	// Both URLs got the same event.
	if d[0].WebhookID != d[1].WebhookID || string(d[0].Body) != string(d[1].Body) {
		t.Errorf("one event, two bodies: %s / %s", d[0].Body, d[1].Body)
	}
}

func TestWebhooksEventFilterAndSeedsDoNotDeliver(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	sink := newHookSink(t, 0)
	srv.RegisterWebhook(sink.URL, "ContactDelete", "NoteCreate")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "Seeded"}) // control API: no event
	srv.AddNote(loc.ID, id, map[string]any{"body": "seeded"})
	a := newAPI(t, srv, loc.Token)
	a.do("PUT", "/contacts/"+id, map[string]any{"city": "Rome"}).expect(t, 200) // not subscribed
	a.do("POST", "/contacts/"+id+"/notes", map[string]any{"body": "api"}).expect(t, 201)
	a.do("DELETE", "/contacts/"+id, nil).expect(t, 200)
	flush(t, srv)
	var types []string
	for _, r := range sink.received() {
		types = append(types, r.m["type"].(string))
	}
	if !slices.Equal(types, []string{"NoteCreate", "ContactDelete"}) {
		t.Errorf("events %q", types)
	}
}

func TestWebhooksDoNotBlockRequestsAndCloseStopsWorker(t *testing.T) {
	srv := ghltest.NewHandler()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	srv.URL = ts.URL
	loc := srv.CreateLocation("A")
	release := make(chan struct{})
	arrived := make(chan struct{}, 16)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	srv.RegisterWebhook(slow.URL)
	a := newAPI(t, srv, loc.Token)
	a.hc = ts.Client()
	// Writes answer while the receiver holds the first delivery.
	for i := 0; i < 5; i++ {
		a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "A"}).expect(t, 201)
	}
	<-arrived
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.FlushWebhooks(ctx); err != context.Canceled {
		t.Errorf("FlushWebhooks with pending deliveries and a done ctx: %v", err)
	}
	srv.Close() // returns although the receiver still holds a request
	if err := srv.FlushWebhooks(context.Background()); err != nil {
		t.Errorf("FlushWebhooks after Close: %v", err)
	}
	a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "B"}).expect(t, 201)
	if d := srv.WebhookDeliveries(); len(d) != 0 {
		t.Errorf("deliveries after Close %+v", d)
	}
}

func TestWebhooksUninstallRevokesTokens(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	srv.RegisterApp(clientID, clientSecret)
	o := newAPI(t, srv, "")
	o.version = ""
	r := o.form("/oauth/token", tokenForm("grant_type", "authorization_code", "code", srv.AuthorizationCode(clientID, loc.ID, "Location", ""))).expect(t, 200)
	a := newAPI(t, srv, r.body["access_token"].(string))
	a.do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	srv.Uninstall(clientID, loc.ID, "")
	a.do("GET", "/contacts/?locationId="+loc.ID, nil).errorBody(t, 401, "Invalid token: access token is invalid")
	o.form("/oauth/token", tokenForm("grant_type", "refresh_token", "refresh_token", r.body["refresh_token"].(string))).
		errorBody(t, 400, "Invalid grant: refresh token is invalid")
	// The location's own static token is untouched.
	newAPI(t, srv, loc.Token).do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	ag := newAPI(t, srv, srv.DefaultCompany().Token)
	q := url.Values{"companyId": {loc.CompanyID}, "appId": {"6578278e879ad2646715ba9c"}, "isInstalled": {"true"}}
	if got := ag.do("GET", "/oauth/installedLocations?"+q.Encode(), nil).expect(t, 200).list(t, "locations"); len(got) != 0 {
		t.Errorf("installed after Uninstall: %v", got)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "not installed") {
			t.Errorf("second Uninstall: recover() = %v", r)
		}
	}()
	srv.Uninstall(clientID, loc.ID, "")
}
