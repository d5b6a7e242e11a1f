package ghltest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// WebhookMaxAttempts bounds the attempts of one delivery: the original and
// 12 retries, as HighLevel's Webhook Integration Guide says ("We retry up
// to 12 times, excluding the original attempt").
const WebhookMaxAttempts = 13

// webhookQueueLimit bounds the deliveries waiting for the worker, so that
// a load test against a slow receiver cannot grow memory without end; past
// it a delivery is logged undelivered with Err errQueueFull and never sent.
const webhookQueueLimit = 100000

const errQueueFull = "ghltest: webhook queue full (100000 waiting)"

// webhookAttemptTimeout bounds one delivery attempt; a timeout is a failure
// that is retried, as on HighLevel.
const webhookAttemptTimeout = 10 * time.Second

// WebhookDelivery is one webhook the emulator delivered or gave up on, as
// [Server.WebhookDeliveries] reports it.
type WebhookDelivery struct {
	URL       string
	Event     string // the payload's "type", e.g. "ContactCreate"
	WebhookID string // the payload's "webhookId", the same on every attempt
	Body      []byte // the signed bytes, the same on every attempt
	Attempts  int
	// StatusCode is the last attempt's HTTP status, 0 if it got none; Err
	// is the last attempt's transport error, if any.
	StatusCode int
	Err        string
	Delivered  bool // an attempt was answered 2xx
}

type webhookSub struct {
	url    string
	events []string // nil: every event
}

// webhooks is the delivery queue of a server with registered URLs. A
// server without registrations has none, so a write costs one atomic load.
type webhooks struct {
	s      *Server
	key    ed25519.PrivateKey
	client *http.Client
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when the worker exits
	wake   chan struct{} // buffered: work was queued

	mu      sync.Mutex
	subs    []webhookSub
	queue   []*WebhookDelivery
	pending int           // queued or being delivered
	idle    chan struct{} // closed when pending drops to 0
	log     []WebhookDelivery
	limit   int // webhookQueueLimit (lowered by tests)
	rng     *rand.Rand
	closed  bool
}

// RegisterWebhook makes the emulator deliver webhooks to url: a signed
// POST (X-GHL-Signature, see [Server.SignWebhook]) of a flat JSON event
// with "type", "locationId", "timestamp" and "webhookId", for each of
// events the API writes cause; no events means every event. The events:
//
//	ContactCreate, ContactUpdate, ContactDelete, ContactTagUpdate, ContactDndUpdate
//	NoteCreate, NoteUpdate, NoteDelete
//	TaskCreate, TaskUpdate, TaskComplete, TaskDelete
//	AppointmentCreate, AppointmentUpdate, AppointmentDelete ("appointment" nested)
//	OpportunityCreate, OpportunityUpdate, OpportunityDelete, OpportunityStatusUpdate,
//	OpportunityStageUpdate, OpportunityMonetaryValueUpdate, OpportunityAssignedToUpdate
//	InboundMessage, OutboundMessage
//	INSTALL, UNINSTALL
//
// A contact edit that changes only tags is a ContactTagUpdate; other edits
// are a ContactUpdate, plus ContactTagUpdate or ContactDndUpdate when tags
// or dnd changed. An opportunity edit is an OpportunityUpdate, plus the
// Stage, Status, MonetaryValue or AssignedTo event of each of those fields
// it changed; PUT /opportunities/{id}/status is an OpportunityStatusUpdate
// alone. Messages added with [Server.AddMessage] stand for
// messages from outside and deliver too; INSTALL comes from
// [Server.AuthorizationCode] (and /oauth/locationToken's first install of a
// location), UNINSTALL from [Server.Uninstall]. Other seeding helpers do not
// deliver.
//
// Deliveries leave in order from one worker, never on the request path.
// An attempt that gets no 2xx (or no answer within 10s) is retried at once,
// up to [WebhookMaxAttempts] attempts, with the same body and webhookId:
// delivery is at least once, as on HighLevel. The emulator retries without
// HighLevel's minutes of backoff so that tests need not wait. At most
// 100,000 deliveries wait; more are logged undelivered and dropped.
// [Server.FlushWebhooks] waits for the queue to drain; Close stops the
// worker and drops what is left.
func (s *Server) RegisterWebhook(url string, events ...string) {
	w := s.wh.Load()
	if w == nil {
		ctx, cancel := context.WithCancel(context.Background())
		w = &webhooks{
			s: s, key: s.webhookKey(), ctx: ctx, cancel: cancel,
			client: &http.Client{Timeout: webhookAttemptTimeout},
			done:   make(chan struct{}), wake: make(chan struct{}, 1),
			rng:   rand.New(rand.NewPCG(uint64(s.cfg.seed), 0x7f4a7c159e3779b9)),
			limit: webhookQueueLimit,
		}
		if s.wh.CompareAndSwap(nil, w) {
			go w.run()
		} else {
			cancel()
			w = s.wh.Load()
		}
	}
	var evs []string
	if len(events) > 0 {
		evs = slices.Clone(events)
	}
	w.mu.Lock()
	w.subs = append(w.subs, webhookSub{url: url, events: evs})
	w.mu.Unlock()
}

// FlushWebhooks waits until every queued delivery has succeeded or used up
// its attempts, or ctx ends (its error is returned). It returns at once
// when nothing is queued or no URL is registered.
func (s *Server) FlushWebhooks(ctx context.Context) error {
	w := s.wh.Load()
	if w == nil {
		return nil
	}
	w.mu.Lock()
	if w.pending == 0 {
		w.mu.Unlock()
		return nil
	}
	idle := w.idle
	w.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// WebhookDeliveries returns the finished deliveries (delivered or given
// up), in the order they finished.
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	w := s.wh.Load()
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]WebhookDelivery, len(w.log))
	for i, d := range w.log {
		out[i] = d
		out[i].Body = bytes.Clone(d.Body)
	}
	return out
}

// closeWebhooks stops the worker (Close); queued deliveries are dropped and
// FlushWebhooks waiters released.
func (s *Server) closeWebhooks() {
	w := s.wh.Load()
	if w == nil {
		// Closed before any registration: a stopped queue, so that a
		// later RegisterWebhook starts no worker.
		done := make(chan struct{})
		close(done)
		if s.wh.CompareAndSwap(nil, &webhooks{s: s, closed: true, done: done, cancel: func() {}}) {
			return
		}
		w = s.wh.Load()
	}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	w.queue = nil
	w.mu.Unlock()
	w.cancel()
	<-w.done
	w.mu.Lock()
	if w.pending > 0 {
		w.pending = 0
		close(w.idle)
	}
	w.mu.Unlock()
}

func (w *webhooks) run() {
	defer close(w.done)
	for {
		w.mu.Lock()
		for len(w.queue) == 0 {
			w.mu.Unlock()
			select {
			case <-w.wake:
			case <-w.ctx.Done():
				return
			}
			w.mu.Lock()
		}
		d := w.queue[0]
		w.queue[0] = nil
		w.queue = w.queue[1:]
		w.mu.Unlock()
		w.deliver(d)
		w.mu.Lock()
		if w.closed {
			w.mu.Unlock()
			return
		}
		w.log = append(w.log, *d)
		if w.pending--; w.pending == 0 {
			close(w.idle)
		}
		w.mu.Unlock()
	}
}

// deliver makes up to WebhookMaxAttempts attempts of d.
func (w *webhooks) deliver(d *WebhookDelivery) {
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(w.key, d.Body))
	for d.Attempts < WebhookMaxAttempts && w.ctx.Err() == nil {
		d.Attempts++
		d.StatusCode, d.Err = 0, ""
		req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
		if err != nil {
			d.Err = err.Error()
			return // a bad URL never gets better
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(WebhookSignatureHeader, sig)
		resp, err := w.client.Do(req)
		if err != nil {
			d.Err = err.Error()
			continue
		}
		d.StatusCode = resp.StatusCode
		resp.Body.Close()
		if resp.StatusCode/100 == 2 {
			d.Delivered = true
			return
		}
	}
}

// enqueue builds the event once (one webhookId) and queues it for every
// subscription that wants it. It must not take s.mu: handlers call it with
// s.mu held.
func (w *webhooks) enqueue(event, locID string, fields map[string]json.RawMessage) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	var urls []string
	for _, sub := range w.subs {
		if sub.events == nil || slices.Contains(sub.events, event) {
			urls = append(urls, sub.url)
		}
	}
	if len(urls) == 0 {
		return
	}
	id := newID(w.rng)
	body := eventBody(event, locID, w.s.now().UTC().Format(time.RFC3339), id, fields)
	for _, u := range urls {
		d := &WebhookDelivery{URL: u, Event: event, WebhookID: id, Body: body}
		if len(w.queue) >= w.limit {
			d.Err = errQueueFull
			w.log = append(w.log, *d)
			continue
		}
		if w.pending == 0 {
			w.idle = make(chan struct{})
		}
		w.queue = append(w.queue, d)
		w.pending++
	}
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// eventBody encodes a flat event: type, locationId, the fields (sorted by
// name), timestamp and webhookId.
func eventBody(event, locID, ts, id string, fields map[string]json.RawMessage) []byte {
	delete(fields, "type")
	delete(fields, "locationId")
	delete(fields, "timestamp")
	delete(fields, "webhookId")
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b bytes.Buffer
	b.WriteString(`{"type":`)
	b.Write(marshal(event))
	if locID != "" {
		b.WriteString(`,"locationId":`)
		b.Write(marshal(locID))
	}
	for _, k := range keys {
		b.WriteByte(',')
		b.Write(marshal(k))
		b.WriteByte(':')
		b.Write(fields[k])
	}
	b.WriteString(`,"timestamp":"` + ts + `","webhookId":"` + id + `"}`)
	return b.Bytes()
}

// objectFields splits a JSON object's encoding into its fields.
func objectFields(enc []byte) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal(enc, &m)
	return m
}

// emit queues a flat event whose fields are those of enc, a record's
// cached encoding. With no URL registered it costs one atomic load.
func (s *Server) emit(event, locID string, enc []byte) {
	if w := s.wh.Load(); w != nil {
		w.enqueue(event, locID, recordFields(event, enc))
	}
}

// emitValue is emit for a value still to be encoded (a task or a note);
// v must be a pointer, so that passing it allocates nothing.
func (s *Server) emitValue(event, locID string, v any) {
	if w := s.wh.Load(); w != nil {
		w.enqueue(event, locID, recordFields(event, marshal(v)))
	}
}

// emitNested queues an event carrying the record under key, as appointment
// events do ({"type":"AppointmentCreate","locationId":...,"appointment":{...}}).
func (s *Server) emitNested(event, locID, key string, enc []byte) {
	if w := s.wh.Load(); w != nil {
		w.enqueue(event, locID, map[string]json.RawMessage{key: bytes.Clone(enc)})
	}
}

// messageTypeNames maps the API's message types to the webhook's
// messageType ("SMS", "Email", "CALL", ... as the documented and live
// InboundMessage payloads show).
var messageTypeNames = map[string]string{"TYPE_SMS": "SMS", "TYPE_EMAIL": "Email", "TYPE_CALL": "CALL",
	"TYPE_FACEBOOK": "FB", "TYPE_INSTAGRAM": "IG", "TYPE_WHATSAPP": "WhatsApp", "TYPE_LIVE_CHAT": "Live_Chat",
	"TYPE_CUSTOM_SMS": "Custom", "TYPE_RCS": "RCS", "TYPE_TIKTOK": "TIKTOK"}

// recordFields turns a record's encoding into an event's fields, adjusted
// to the documented payloads: records stamped createdAt also carry
// dateAdded (opportunity events), and messages name their ID messageId
// and their type as the webhook does.
func recordFields(event string, enc []byte) map[string]json.RawMessage {
	f := objectFields(enc)
	if _, ok := f["dateAdded"]; !ok {
		if v, ok := f["createdAt"]; ok {
			f["dateAdded"] = v
		}
	}
	if event == "InboundMessage" || event == "OutboundMessage" {
		if id, ok := f["id"]; ok {
			f["messageId"] = id
			delete(f, "id")
		}
		var mt string
		if json.Unmarshal(f["messageType"], &mt) == nil {
			if n, ok := messageTypeNames[mt]; ok {
				f["messageType"] = marshal(n)
			} else {
				f["messageType"] = marshal(strings.TrimPrefix(mt, "TYPE_"))
			}
		}
	}
	return f
}

// contactEvents says which events an edit of a contact from old to d
// causes, before it is installed (replaceDocLocked); 0 without
// registrations.
func (s *Server) contactEvents(old, d *contactDoc) contactChange {
	if s.wh.Load() == nil {
		return 0
	}
	var ch contactChange
	tags, dnd := !slices.Equal(old.Tags, d.Tags), old.Dnd != d.Dnd
	if tags {
		ch |= changedTags
	}
	if dnd {
		ch |= changedDnd
	}
	o, n := *old, *d
	o.Tags, n.Tags, o.DateUpdated, n.DateUpdated = nil, nil, "", ""
	if !bytes.Equal(marshal(&o), marshal(&n)) {
		ch |= changedOther
	}
	return ch
}

type contactChange uint8

const (
	changedTags contactChange = 1 << iota
	changedDnd
	changedOther
)

// emitContactChange delivers the events of an installed contact edit.
func (s *Server) emitContactChange(ch contactChange, c *contact) {
	if ch == 0 {
		return
	}
	if ch != changedTags {
		s.emit("ContactUpdate", c.doc.LocationID, c.enc)
	}
	if ch&changedTags != 0 {
		s.emit("ContactTagUpdate", c.doc.LocationID, c.enc)
	}
	if ch&changedDnd != 0 {
		s.emit("ContactDndUpdate", c.doc.LocationID, c.enc)
	}
}

// recordEvents names the Create, Update and Delete events of the generic
// store's kinds that have them.
var recordEvents = map[string][3]string{
	"opportunities": {"OpportunityCreate", "OpportunityUpdate", "OpportunityDelete"},
}

// fieldEvents are the events an update of a kind also causes when a field
// changes (the documented opportunity events).
var fieldEvents = map[string][]struct{ field, event string }{
	"opportunities": {
		{"pipelineStageId", "OpportunityStageUpdate"},
		{"status", "OpportunityStatusUpdate"},
		{"monetaryValue", "OpportunityMonetaryValueUpdate"},
		{"assignedTo", "OpportunityAssignedToUpdate"},
	},
}

type recordOp int

// upsertOp is the operation an upsert performed.
func upsertOp(created bool) recordOp {
	if created {
		return recCreate
	}
	return recUpdate
}

// taskEvent is the event of PUT .../tasks/{taskId}/completed.
func taskEvent(completed bool) string {
	if completed {
		return "TaskComplete"
	}
	return "TaskUpdate"
}

// messageEvent is the event of a new message, by its direction.
func messageEvent(r *record) string {
	if r.doc["direction"] == "inbound" {
		return "InboundMessage"
	}
	return "OutboundMessage"
}

const (
	recCreate recordOp = iota
	recUpdate
	recDelete
)

// emitRecord delivers the events of a generic create, update or delete
// of a record of kind k in scope locID, if the kind has them; old is the
// document an update replaced (nil: no field events).
func (s *Server) emitRecord(o recordOp, k *kind, locID string, old map[string]any, r *record) {
	if s.wh.Load() == nil {
		return
	}
	ev, ok := recordEvents[k.name]
	if !ok {
		return
	}
	s.emit(ev[o], locID, r.enc)
	if o != recUpdate || old == nil {
		return
	}
	for _, fe := range fieldEvents[k.name] {
		if !bytes.Equal(marshal(old[fe.field]), marshal(r.doc[fe.field])) {
			s.emit(fe.event, locID, r.enc)
		}
	}
}

// installEventLocked delivers INSTALL or UNINSTALL for an app in a
// location (or, with locID "", a company); s.mu is held.
func (s *Server) installEventLocked(event string, app *App, locID, companyID string) {
	w := s.wh.Load()
	if w == nil {
		return
	}
	f := map[string]json.RawMessage{"appId": marshal(app.AppID), "companyId": marshal(companyID)}
	if co := s.st.companies[companyID]; co != nil && event == "INSTALL" {
		it := "Location"
		if locID == "" {
			it = "Company"
		}
		f["userId"], f["companyName"], f["versionId"], f["installType"] = marshal(co.userID), marshal(co.name), marshal(app.VersionID), marshal(it)
		f["isWhitelabelCompany"], f["whitelabelDetails"] = marshal(false), marshal(map[string]any{})
	}
	w.enqueue(event, locID, f)
}

// errUnknownInstall is Uninstall's panic for an app that is not installed.
var errUnknownInstall = errors.New("ghltest: Uninstall: the app is not installed there")
