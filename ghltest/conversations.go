package ghltest

import (
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Conversations (apps/conversations.json): one conversation per contact,
// its messages (SMS, email, calls with a recording and a transcription,
// ...) in the generic store, the search, the message pages, sending and
// message status, and the live-chat typing indicator.

var conversationKind = &kind{name: "conversations", notFound: "Conversation not found", located: true}

var messageKind = &kind{
	name: "messages", notFound: "Message not found", located: true,
	links: func(d map[string]any) []string { return []string{stringField(d, "conversationId")} },
}

// recordings and transcriptions are kept by message ID, apart from the
// message documents: {"id", "data" (base64 audio)} and {"id",
// "sentences" [{mediaChannel, sentenceIndex, startTime, endTime,
// transcript, confidence}]}.
var (
	recordingKind     = &kind{name: "recordings", notFound: "Recording not found"}
	transcriptionKind = &kind{name: "transcriptions", notFound: "Transcription not found"}
)

func init() {
	for _, k := range []*kind{conversationKind, messageKind, recordingKind, transcriptionKind} {
		kinds[k.name] = k
	}
}

// messageTypes are the spec's message types in the order of their numeric
// "type" (TYPE_CALL is 1, TYPE_CUSTOM_CALL 34, as the spec's
// add-message-attachments says); TYPE_RCS, which the spec lists third,
// has no number there and is placed last.
var messageTypes = []string{"TYPE_CALL", "TYPE_SMS", "TYPE_EMAIL", "TYPE_SMS_REVIEW_REQUEST", "TYPE_WEBCHAT",
	"TYPE_SMS_NO_SHOW_REQUEST", "TYPE_CAMPAIGN_SMS", "TYPE_CAMPAIGN_CALL", "TYPE_CAMPAIGN_EMAIL", "TYPE_CAMPAIGN_VOICEMAIL",
	"TYPE_FACEBOOK", "TYPE_CAMPAIGN_FACEBOOK", "TYPE_CAMPAIGN_MANUAL_CALL", "TYPE_CAMPAIGN_MANUAL_SMS", "TYPE_GMB",
	"TYPE_CAMPAIGN_GMB", "TYPE_REVIEW", "TYPE_INSTAGRAM", "TYPE_WHATSAPP", "TYPE_CUSTOM_SMS", "TYPE_CUSTOM_EMAIL",
	"TYPE_CUSTOM_PROVIDER_SMS", "TYPE_CUSTOM_PROVIDER_EMAIL", "TYPE_IVR_CALL", "TYPE_ACTIVITY_CONTACT",
	"TYPE_ACTIVITY_INVOICE", "TYPE_ACTIVITY_PAYMENT", "TYPE_ACTIVITY_OPPORTUNITY", "TYPE_LIVE_CHAT",
	"TYPE_LIVE_CHAT_INFO_MESSAGE", "TYPE_ACTIVITY_APPOINTMENT", "TYPE_FACEBOOK_COMMENT", "TYPE_INSTAGRAM_COMMENT",
	"TYPE_CUSTOM_CALL", "TYPE_INTERNAL_COMMENT", "TYPE_ACTIVITY_EMPLOYEE_ACTION_LOG", "TYPE_TIKTOK",
	"TYPE_TIKTOK_COMMENT", "TYPE_ACTIVITY_WHATSAPP", "TYPE_FORM_SUBMISSION", "TYPE_SMS_REACTION", "TYPE_RCS"}

// conversationTypes are the spec's conversation types; GET
// /conversations/{id} answers the type as a number, its position here
// from 1.
var conversationTypes = []string{"TYPE_PHONE", "TYPE_EMAIL", "TYPE_FB_MESSENGER", "TYPE_REVIEW", "TYPE_GROUP_SMS"}

func typeNumber(list []string, t string) int64 { return int64(slices.Index(list, t) + 1) }

// sendTypes maps the type of POST /conversations/messages to the message type.
var sendTypes = map[string]string{"SMS": "TYPE_SMS", "RCS": "TYPE_RCS", "Email": "TYPE_EMAIL",
	"WhatsApp": "TYPE_WHATSAPP", "IG": "TYPE_INSTAGRAM", "FB": "TYPE_FACEBOOK", "Custom": "TYPE_CUSTOM_SMS",
	"Live_Chat": "TYPE_LIVE_CHAT", "TIKTOK": "TYPE_TIKTOK"}

var sendStatuses = []string{"delivered", "failed", "pending", "read"}

// MessageSeed describes a message for [Server.AddMessage]. Zero fields get
// defaults.
type MessageSeed struct {
	Type      string    // message type, e.g. "TYPE_SMS" (the default), "TYPE_EMAIL", "TYPE_CALL"
	Direction string    // "inbound" (the default) or "outbound"
	Body      string    // the text (an email's HTML or text)
	Subject   string    // an email's subject
	Status    string    // e.g. "delivered" (the default), "read", "failed"
	Date      time.Time // dateAdded; zero: the server's clock
	// CallDuration is a call's length in seconds (default 60) and
	// CallStatus its status (default "completed").
	CallDuration int
	CallStatus   string
	// Recording is a call's audio/x-wav recording; nil gives a completed
	// call a generated one-second silent WAV.
	Recording []byte
	// Transcript is a call's transcription, one sentence each; nil gives
	// a completed call a two-sentence one.
	Transcript []string
}

// AddConversation returns the ID of the contact's conversation in the
// location, creating it (empty) if there is none. It panics if the
// location or the contact (in that location) is unknown.
func (s *Server) AddConversation(locationID, contactID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.mustLocationLocked(locationID)
	if s.contactSummary(locationID, contactID) == nil {
		panic("ghltest: AddConversation: unknown contact " + strconv.Quote(contactID))
	}
	return s.conversationForLocked(loc, contactID, true).id()
}

// AddMessage adds a message to a conversation of the location and returns
// its ID, updating the conversation's last message (and its unreadCount,
// for inbound messages). A completed call gets a recording and a
// transcription (see [MessageSeed]); an email also gets an email message
// ID (its meta.email.messageIds) for GET /conversations/messages/email/{id}.
// It panics if the location or conversation is unknown.
func (s *Server) AddMessage(locationID, conversationID string, m MessageSeed) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := s.mustLocationLocked(locationID)
	cv := loc.res.peek(conversationKind.name).get(conversationID)
	if cv == nil {
		panic("ghltest: AddMessage: unknown conversation " + strconv.Quote(conversationID))
	}
	r := s.addMessageLocked(loc, cv, m, "app")
	s.emit(messageEvent(r), loc.id, r.enc)
	return r.id()
}

// SeedConversation gives a contact a conversation with five messages, an
// hour apart and ending now: an inbound SMS, an outbound SMS reply, an
// outbound email, a completed inbound call (with a recording and a
// transcription) and an inbound SMS. It returns the conversation's ID and
// the messages' IDs, oldest first.
func (s *Server) SeedConversation(locationID, contactID string) (string, []string) {
	cid := s.AddConversation(locationID, contactID)
	now := s.now()
	seeds := []MessageSeed{
		{Type: "TYPE_SMS", Body: "Hi, is the spring offer still available?"},
		{Type: "TYPE_SMS", Direction: "outbound", Body: "Yes, until the end of the month."},
		{Type: "TYPE_EMAIL", Direction: "outbound", Subject: "Your quote", Body: "<p>Please find your quote attached.</p>"},
		{Type: "TYPE_CALL", CallDuration: 95},
		{Type: "TYPE_SMS", Body: "Thanks, talk soon!"},
	}
	ids := make([]string, len(seeds))
	for i, m := range seeds {
		m.Date = now.Add(time.Duration(i-len(seeds)+1) * time.Hour)
		ids[i] = s.AddMessage(locationID, cid, m)
	}
	return cid, ids
}

// conversationForLocked finds the contact's conversation, creating it if
// create (nil otherwise).
func (s *Server) conversationForLocked(loc *location, contactID string, create bool) *record {
	t := loc.res.tableLocked(conversationKind.name)
	for _, r := range t.all() {
		if r.doc["contactId"] == contactID {
			return r
		}
	}
	if !create {
		return nil
	}
	ct := s.st.contacts[contactID]
	now := formatTime(s.now())
	typ := "TYPE_PHONE"
	if ct.doc.Phone == "" && ct.doc.Email != "" {
		typ = "TYPE_EMAIL"
	}
	name := ct.doc.Name
	if name == "" {
		name = strings.TrimSpace(ct.doc.FirstName + " " + ct.doc.LastName)
	}
	contactName := name
	if ct.doc.CompanyName != "" {
		contactName = strings.TrimSpace(name + " " + ct.doc.CompanyName)
	}
	d := map[string]any{"contactId": contactID, "lastMessageBody": "", "lastMessageType": "",
		"lastMessageDate": now, "type": typ, "unreadCount": int64(0), "fullName": name, "contactName": contactName,
		"email": ct.doc.Email, "phone": ct.doc.Phone, "inbox": true, "starred": false, "deleted": false,
		"dateAdded": now, "dateUpdated": now}
	if ct.doc.AssignedTo != "" {
		d["assignedTo"] = ct.doc.AssignedTo
	}
	s.defaultsLocked(conversationKind, loc.id, d)
	r := &record{seq: s.nextSeqLocked(), doc: d}
	t.insert(r)
	return r
}

// addMessageLocked stores a message of conversation cv and updates cv.
func (s *Server) addMessageLocked(loc *location, cv *record, m MessageSeed, source string) *record {
	typ := cmp(m.Type, "TYPE_SMS")
	when := m.Date
	if when.IsZero() {
		when = s.now()
	}
	d := map[string]any{"type": typeNumber(messageTypes, typ), "messageType": typ,
		"contactId": cv.doc["contactId"], "conversationId": cv.id(), "dateAdded": formatTime(when),
		"body": m.Body, "direction": cmp(m.Direction, "inbound"), "status": cmp(m.Status, "delivered"),
		"contentType": "text/plain", "attachments": []any{}, "source": source}
	s.defaultsLocked(messageKind, loc.id, d)
	id := stringField(d, "id")
	switch typ {
	case "TYPE_EMAIL":
		d["contentType"] = "text/html"
		emailID := newID(s.rng)
		d["meta"] = map[string]any{"email": map[string]any{"messageIds": []any{emailID}}}
		d["subject"] = m.Subject
	case "TYPE_CALL":
		dur, st := m.CallDuration, cmp(m.CallStatus, "completed")
		if dur == 0 {
			dur = 60
		}
		d["meta"] = map[string]any{"callDuration": strconv.Itoa(dur), "callStatus": st}
		if st == "completed" {
			rec := m.Recording
			if rec == nil {
				rec = silentWAV(8000)
			}
			loc.res.tableLocked(recordingKind.name).insert(&record{seq: s.nextSeqLocked(),
				doc: map[string]any{"id": id, "data": base64.StdEncoding.EncodeToString(rec)}})
			lines := m.Transcript
			if lines == nil {
				lines = []string{"This call may be recorded for quality assurance purposes.", "Hi, I am calling about my quote."}
			}
			sentences := make([]any, len(lines))
			for i, l := range lines {
				sentences[i] = map[string]any{"mediaChannel": int64(1 + i%2), "sentenceIndex": int64(i),
					"startTime": int64(i * 5), "endTime": int64(i*5 + 4), "transcript": l, "confidence": 0.9}
			}
			loc.res.tableLocked(transcriptionKind.name).insert(&record{seq: s.nextSeqLocked(),
				doc: map[string]any{"id": id, "sentences": sentences}})
		}
	}
	r := &record{seq: s.nextSeqLocked(), doc: d}
	loc.res.tableLocked(messageKind.name).insert(r)
	c := cloneJSON(cv.doc).(map[string]any)
	last := lastMessage(loc.res.peek(messageKind.name).childrenOf(cv.id()))
	c["lastMessageBody"] = last.doc["body"]
	c["lastMessageType"] = last.doc["messageType"]
	c["lastMessageDate"] = last.doc["dateAdded"]
	c["lastMessageDirection"] = last.doc["direction"]
	if d["direction"] == "inbound" {
		n, _ := c["unreadCount"].(int64)
		c["unreadCount"] = n + 1
	}
	c["dateUpdated"] = formatTime(s.now())
	loc.res.tableLocked(conversationKind.name).replace(cv, c)
	return r
}

func cmp(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// newestFirst orders messages by dateAdded, then creation, newest first.
func newestFirst(recs []*record) []*record {
	out := slices.Clone(recs)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := stringField(out[i].doc, "dateAdded"), stringField(out[j].doc, "dateAdded")
		if a != b {
			return a > b // ISO-8601 UTC strings sort as times
		}
		return out[i].seq > out[j].seq
	})
	return out
}

func lastMessage(recs []*record) *record { return newestFirst(recs)[0] }

// silentWAV is a mono 8 kHz 8-bit PCM WAV of n samples of silence.
func silentWAV(n int) []byte {
	b := make([]byte, 44+n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1) // PCM
	binary.LittleEndian.PutUint16(b[22:], 1) // mono
	binary.LittleEndian.PutUint32(b[24:], 8000)
	binary.LittleEndian.PutUint32(b[28:], 8000)
	binary.LittleEndian.PutUint16(b[32:], 1)
	binary.LittleEndian.PutUint16(b[34:], 8)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(n))
	for i := 44; i < len(b); i++ {
		b[i] = 0x80
	}
	return b
}

// project copies the keys of d that are present.
func project(d map[string]any, keys ...string) map[string]any {
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		if v, ok := d[k]; ok {
			out[k] = v
		}
	}
	return out
}

func (s *Server) registerConversationRoutes() {
	s.handle("POST", "/conversations/", s.createConversation)
	s.handle("GET", "/conversations/search", s.searchConversations)
	s.handle("GET", "/conversations/{conversationId}", s.getConversation)
	s.handle("PUT", "/conversations/{conversationId}", s.updateConversation)
	s.handle("DELETE", "/conversations/{conversationId}", s.deleteConversation)
	s.handle("GET", "/conversations/{conversationId}/messages", s.listMessages)
	s.handle("GET", "/conversations/messages/{id}", s.getMessage)
	s.handle("GET", "/conversations/messages/email/{id}", s.getEmail)
	s.handle("PUT", "/conversations/messages/{messageId}/status", s.updateMessageStatus)
	s.handle("POST", "/conversations/messages", s.sendMessage)
	s.handle("POST", "/conversations/providers/live-chat/typing", s.liveChatTyping)
	s.handle("GET", "/conversations/messages/{messageId}/locations/{locationId}/recording", s.messageRecording)
	s.handle("GET", "/conversations/locations/{locationId}/messages/{messageId}/transcription", s.messageTranscription(false))
	s.handle("GET", "/conversations/locations/{locationId}/messages/{messageId}/transcription/download", s.messageTranscription(true))
}

// tokenLocationLocked is the token's location (404 if it was deleted).
func (c *reqCtx) tokenLocationLocked() *location {
	loc := c.s.st.locations[c.p.locationID]
	if loc == nil {
		c.notFound("Location not found")
	}
	return loc
}

// byIDLocked finds the record of kind k with the path's ID in the token's
// location (404 otherwise).
func (c *reqCtx) byIDLocked(k *kind, id string) (*location, *record) {
	loc := c.tokenLocationLocked()
	if loc == nil {
		return nil, nil
	}
	r := loc.res.peek(k.name).get(id)
	if r == nil {
		c.notFound(k.notFound)
		return nil, nil
	}
	return loc, r
}

// createConversation is POST /conversations/: {locationId, contactId} →
// 201 {"success":true,"conversation":{id, dateUpdated, dateAdded,
// deleted, contactId, locationId, lastMessageDate, assignedTo}}. A
// contact has one conversation: a second create answers 400
// "Conversation already exists".
func (s *Server) createConversation(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	locID, contactID := stringField(m, "locationId"), stringField(m, "contactId")
	if !c.checkLocation(locID) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := c.tokenLocationLocked()
	if loc == nil {
		return
	}
	if s.contactSummary(locID, contactID) == nil {
		c.notFound("Contact not found")
		return
	}
	if s.conversationForLocked(loc, contactID, false) != nil {
		c.badRequest("Conversation already exists")
		return
	}
	r := s.conversationForLocked(loc, contactID, true)
	c.json(http.StatusCreated, map[string]any{"success": true, "conversation": project(r.doc,
		"id", "dateUpdated", "dateAdded", "deleted", "contactId", "locationId", "lastMessageDate", "assignedTo")})
}

// conversationSearchKeys are the fields of the spec's ConversationSchema
// (plus lastMessageDate and the sort value, for startAfterDate).
var conversationSearchKeys = []string{"id", "contactId", "locationId", "lastMessageBody", "lastMessageType",
	"type", "unreadCount", "fullName", "contactName", "email", "phone", "lastMessageDate", "lastMessageDirection",
	"assignedTo", "starred", "inbox", "dateAdded", "dateUpdated", "tags"} // the last three: the live search sends them (witness nango_search_conversations), the spec does not

// searchConversations is GET /conversations/search: locationId (required),
// contactId, id, query (a substring of the names, email, phone or last
// message), status (all, read, unread, starred, recents), assignedTo
// (comma-separated), lastMessageType, lastMessageDirection, sort (asc or
// desc, default desc, by lastMessageDate), startAfterDate (epoch ms: the
// sort value of the previous page's last conversation) and limit (default
// 20, max 100). It answers {"conversations":[...],"total":N}, total
// counting every match; each conversation carries "sort":[ms].
func (s *Server) searchConversations(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	q := c.q()
	if !c.checkLocation(q.Get("locationId")) {
		return
	}
	limit, ok := c.stringParamInt("limit", 20)
	if !ok {
		return
	}
	if limit > 100 {
		c.unprocessable("limit must not be greater than 100")
		return
	}
	if limit == 0 {
		limit = 20
	}
	sortDir := q.Get("sort")
	if sortDir != "" && sortDir != "asc" && sortDir != "desc" {
		c.unprocessable("sort must be one of the following values: asc, desc")
		return
	}
	status := q.Get("status")
	if status != "" && !slices.Contains([]string{"all", "read", "unread", "starred", "recents"}, status) {
		c.unprocessable("status must be one of the following values: all, read, unread, starred, recents")
		return
	}
	var after int64
	hasAfter := q.Get("startAfterDate") != ""
	if hasAfter {
		n, err := strconv.ParseInt(q.Get("startAfterDate"), 10, 64)
		if err != nil {
			c.unprocessable("startAfterDate must be a number")
			return
		}
		after = n
	}
	var assigned []string
	if v := q.Get("assignedTo"); v != "" {
		assigned = strings.Split(v, ",")
	}
	keep := func(d map[string]any) bool {
		unread, _ := d["unreadCount"].(int64)
		starred, _ := d["starred"].(bool)
		query := q.Get("query")
		return (q.Get("contactId") == "" || d["contactId"] == q.Get("contactId")) &&
			(q.Get("id") == "" || d["id"] == q.Get("id")) &&
			(q.Get("lastMessageType") == "" || d["lastMessageType"] == q.Get("lastMessageType")) &&
			(q.Get("lastMessageDirection") == "" || d["lastMessageDirection"] == q.Get("lastMessageDirection")) &&
			(assigned == nil || slices.Contains(assigned, stringField(d, "assignedTo"))) &&
			(status != "read" || unread == 0) && (status != "unread" || unread > 0) && (status != "starred" || starred) &&
			(query == "" || hasFold(stringField(d, "fullName"), query) || hasFold(stringField(d, "contactName"), query) ||
				hasFold(stringField(d, "email"), query) || hasFold(stringField(d, "phone"), query) ||
				hasFold(stringField(d, "lastMessageBody"), query))
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	loc := c.tokenLocationLocked()
	if loc == nil {
		return
	}
	type hit struct {
		r  *record
		ms int64
	}
	var hits []hit
	for _, r := range loc.res.peek(conversationKind.name).all() {
		if keep(r.doc) {
			t, _ := parseTimeLoose(stringField(r.doc, "lastMessageDate"))
			hits = append(hits, hit{r, t.UnixMilli()})
		}
	}
	asc := sortDir == "asc"
	sort.SliceStable(hits, func(i, j int) bool {
		if asc {
			return hits[i].ms < hits[j].ms
		}
		return hits[i].ms > hits[j].ms
	})
	total := len(hits)
	if hasAfter {
		i := 0
		for i < len(hits) && ((asc && hits[i].ms <= after) || (!asc && hits[i].ms >= after)) {
			i++
		}
		hits = hits[i:]
	}
	hits = hits[:min(limit, len(hits))]
	out := make([]any, len(hits))
	for i, h := range hits {
		d := project(h.r.doc, conversationSearchKeys...)
		d["sort"] = []any{h.ms}
		out[i] = d
	}
	c.json(http.StatusOK, map[string]any{"conversations": out, "total": total})
}

// getConversation is GET /conversations/{conversationId}: the spec's
// GetConversationByIdResponse, with the type as a number.
func (s *Server) getConversation(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, r := c.byIDLocked(conversationKind, c.param("conversationId"))
	if r == nil {
		return
	}
	d := project(r.doc, "id", "contactId", "locationId", "deleted", "inbox", "type", "unreadCount", "assignedTo",
		"starred", "lastMessageBody", "lastMessageType", "lastMessageDate", "fullName", "contactName", "email", "phone",
		"dateAdded", "dateUpdated")
	d["type"] = typeNumber(conversationTypes, stringField(r.doc, "type"))
	c.json(http.StatusOK, d)
}

// conversationDtoKeys are the fields of the spec's ConversationDto.
var conversationDtoKeys = []string{"id", "locationId", "contactId", "assignedTo", "userId", "lastMessageBody",
	"lastMessageDate", "lastMessageType", "unreadCount", "inbox", "starred", "deleted"}

// updateConversation is PUT /conversations/{conversationId}: {locationId,
// unreadCount, starred, feedback} → {"success":true,"conversation":{...}}.
func (s *Server) updateConversation(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	if !c.checkLocation(stringField(m, "locationId")) {
		return
	}
	var errs []string
	for _, f := range parseFields("unreadCount:number starred:boolean feedback:object") {
		if v, ok := m[f.name]; ok && v != nil && !hasType(v, f.typ) {
			errs = append(errs, typeMessage(f.name, f.typ))
		}
	}
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, r := c.byIDLocked(conversationKind, c.param("conversationId"))
	if r == nil {
		return
	}
	d := cloneJSON(r.doc).(map[string]any)
	for _, k := range []string{"unreadCount", "starred", "feedback"} {
		if v, ok := m[k]; ok && v != nil {
			d[k] = jsonValue(v)
		}
	}
	d["dateUpdated"] = formatTime(s.now())
	loc.res.tableLocked(conversationKind.name).replace(r, d)
	c.json(http.StatusOK, map[string]any{"success": true, "conversation": project(d, conversationDtoKeys...)})
}

// deleteConversation is DELETE /conversations/{conversationId}: the
// conversation and its messages go; {"success":true}.
func (s *Server) deleteConversation(c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, r := c.byIDLocked(conversationKind, c.param("conversationId"))
	if r == nil {
		return
	}
	msgs := loc.res.peek(messageKind.name)
	for _, m := range slices.Clone(msgs.childrenOf(r.id())) {
		msgs.remove(m)
		for _, k := range []string{recordingKind.name, transcriptionKind.name} {
			if t := loc.res.peek(k); t.get(m.id()) != nil {
				t.remove(t.get(m.id()))
			}
		}
	}
	loc.res.peek(conversationKind.name).remove(r)
	c.rawJSON(http.StatusOK, []byte(`{"success":true}`))
}

// listMessages is GET /conversations/{conversationId}/messages: newest
// first, limit (default 20, max 100) after lastMessageId, type a
// comma-separated list of message types. It answers as the live API does,
// nested: {"messages":{"lastMessageId":"<last of the page>","nextPage":
// bool,"messages":[...]}} (the spec shows the inner object flat).
func (s *Server) listMessages(c *reqCtx) {
	limit, ok := c.stringParamInt("limit", 20)
	if !ok {
		return
	}
	if limit > 100 {
		c.unprocessable("limit must not be greater than 100")
		return
	}
	if limit == 0 {
		limit = 20
	}
	var types []string
	if v := c.q().Get("type"); v != "" {
		types = strings.Split(v, ",")
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	loc, cv := c.byIDLocked(conversationKind, c.param("conversationId"))
	if cv == nil {
		return
	}
	var recs []*record
	for _, r := range newestFirst(loc.res.peek(messageKind.name).childrenOf(cv.id())) {
		if types == nil || slices.Contains(types, stringField(r.doc, "messageType")) {
			recs = append(recs, r)
		}
	}
	start := 0
	if id := c.q().Get("lastMessageId"); id != "" {
		start = after(recs, id)
	}
	end := min(start+limit, len(recs))
	page := recs[start:end]
	last := ""
	if len(page) > 0 {
		last = page[len(page)-1].id()
	}
	rest := `,"lastMessageId":` + string(marshal(last)) + `,"nextPage":` + strconv.FormatBool(end < len(recs))
	inner := listJSON("messages", page, rest)
	c.rawJSON(http.StatusOK, append(append([]byte(`{"messages":`), inner...), '}'))
}

// getMessage is GET /conversations/messages/{id}: {"message":{...}}, as
// the live API answers (the spec shows the message bare).
func (s *Server) getMessage(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, r := c.byIDLocked(messageKind, c.param("id")); r != nil {
		c.rawJSON(http.StatusOK, envelope{"", "message"}.wrap(r.enc))
	}
}

// emailLocked finds the email message whose ID, or email message ID
// (meta.email.messageIds), is id.
func emailLocked(loc *location, id string) (*record, string) {
	t := loc.res.peek(messageKind.name)
	for _, r := range t.all() {
		if r.doc["messageType"] != "TYPE_EMAIL" {
			continue
		}
		meta, _ := r.doc["meta"].(map[string]any)
		email, _ := meta["email"].(map[string]any)
		ids := stringsOf(email["messageIds"])
		if r.id() == id || slices.Contains(ids, id) {
			if len(ids) > 0 {
				return r, ids[0]
			}
			return r, r.id()
		}
	}
	return nil, ""
}

// getEmail is GET /conversations/messages/email/{id}: the spec's
// GetEmailMessageResponseDto, flat, for an email message ID (or the
// message's own ID).
func (s *Server) getEmail(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	loc := c.tokenLocationLocked()
	if loc == nil {
		return
	}
	r, emailID := emailLocked(loc, c.param("id"))
	if r == nil {
		c.notFound("Email not found")
		return
	}
	d := project(r.doc, "locationId", "contactId", "conversationId", "dateAdded", "subject", "body", "direction",
		"status", "contentType", "attachments", "source")
	d["id"], d["altId"], d["threadId"] = emailID, r.id(), emailID
	from, to := "", []any{}
	ct := s.st.contacts[stringField(r.doc, "contactId")]
	locEmail := "noreply@" + strings.ToLower(loc.id) + ".ghltest.invalid"
	if r.doc["direction"] == "inbound" {
		if ct != nil {
			from = ct.doc.Email
		}
		to = []any{locEmail}
	} else {
		from = locEmail
		if ct != nil && ct.doc.Email != "" {
			to = []any{ct.doc.Email}
		}
	}
	d["from"], d["to"], d["provider"] = from, to, "Leadconnector Gmail"
	c.json(http.StatusOK, d)
}

// updateMessageStatus is PUT /conversations/messages/{messageId}/status:
// {status (delivered, failed, pending, read), error, emailMessageId,
// recipients} → the spec's SendMessageResponseDto.
func (s *Server) updateMessageStatus(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	st := stringField(m, "status")
	if !slices.Contains(sendStatuses, st) {
		c.unprocessable("status must be one of the following values: " + strings.Join(sendStatuses, ", "))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, r := c.byIDLocked(messageKind, c.param("messageId"))
	if r == nil {
		return
	}
	d := cloneJSON(r.doc).(map[string]any)
	d["status"] = st
	if e, ok := m["error"].(map[string]any); ok && st == "failed" {
		d["error"] = jsonValue(e)
	}
	loc.res.tableLocked(messageKind.name).replace(r, d)
	c.json(http.StatusOK, map[string]any{"conversationId": d["conversationId"], "messageId": r.id(),
		"messageIds": []any{r.id()}, "status": st})
}

// sendMessage is POST /conversations/messages: an outbound message of the
// type (SMS, Email, WhatsApp, ...) in the contact's conversation (created
// if needed), its body the message (an email's html, else message). It
// answers {conversationId, messageId, messageIds, msg, status} (and
// emailMessageId for an email).
func (s *Server) sendMessage(c *reqCtx) {
	m, ok := c.decodeBody()
	if !ok || !c.validQuery() {
		return
	}
	// The spec requires subType, typed object though its example is
	// "Email": any value but null is accepted.
	var errs []string
	for _, f := range c.rt.body {
		if f.name == "subType" {
			if v, ok := m[f.name]; !ok || v == nil {
				errs = append(errs, f.name+" should not be empty")
			}
			continue
		}
		errs = append(errs, bodyErrors(m, []field{f})...)
	}
	typ, known := sendTypes[stringField(m, "type")]
	if _, sent := m["type"].(string); sent && !known {
		errs = append(errs, "type must be one of the following values: SMS, RCS, Email, WhatsApp, IG, FB, Custom, Live_Chat, TIKTOK")
	}
	if st, sent := m["status"].(string); sent && st != "" && !slices.Contains(sendStatuses, st) {
		errs = append(errs, "status must be one of the following values: "+strings.Join(sendStatuses, ", "))
	}
	if errs != nil {
		c.unprocessable(errs...)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc := c.tokenLocationLocked()
	if loc == nil {
		return
	}
	contactID := stringField(m, "contactId")
	if s.contactSummary(loc.id, contactID) == nil {
		c.notFound("Contact not found")
		return
	}
	cv := s.conversationForLocked(loc, contactID, true)
	body := stringField(m, "message")
	if typ == "TYPE_EMAIL" && stringField(m, "html") != "" {
		body = stringField(m, "html")
	}
	status := stringField(m, "status")
	// A scheduledTimestamp (UTC seconds) in the future schedules the
	// message; DELETE .../schedule cancels it (conversations_more.go).
	if ts, ok := jsonValue(m["scheduledTimestamp"]).(int64); ok && ts > s.now().Unix() {
		status = "scheduled"
	} else if f, ok := jsonValue(m["scheduledTimestamp"]).(float64); ok && int64(f) > s.now().Unix() {
		status = "scheduled"
	}
	r := s.addMessageLocked(loc, cv, MessageSeed{Type: typ, Direction: "outbound", Body: body,
		Subject: stringField(m, "subject"), Status: status}, "api")
	s.emit("OutboundMessage", loc.id, r.enc)
	out := map[string]any{"conversationId": cv.id(), "messageId": r.id(), "messageIds": []any{r.id()},
		"msg": "Message queued successfully.", "status": r.doc["status"]}
	if _, emailID := emailLocked(loc, r.id()); typ == "TYPE_EMAIL" {
		out["emailMessageId"] = emailID
	}
	c.json(http.StatusOK, out)
}

// liveChatTyping is POST /conversations/providers/live-chat/typing:
// {locationId, isTyping ("true" or "false"), visitorId, conversationId}
// → 201 {"success":true}.
func (s *Server) liveChatTyping(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	if v := stringField(m, "isTyping"); v != "true" && v != "false" {
		c.unprocessable("isTyping must be one of the following values: true, false")
		return
	}
	if !c.checkLocation(stringField(m, "locationId")) {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, r := c.byIDLocked(conversationKind, stringField(m, "conversationId")); r != nil {
		c.rawJSON(http.StatusCreated, []byte(`{"success":true}`))
	}
}

// callLocked finds the message of the path in the path's location, which
// must be the token's.
func (c *reqCtx) callLocked(k *kind) (*location, *record) {
	if !c.checkLocation(c.param("locationId")) {
		return nil, nil
	}
	loc, r := c.byIDLocked(messageKind, c.param("messageId"))
	if r == nil {
		return nil, nil
	}
	x := loc.res.peek(k.name).get(r.id())
	if x == nil {
		c.notFound(k.notFound)
		return nil, nil
	}
	return loc, x
}

// messageRecording is GET
// /conversations/messages/{messageId}/locations/{locationId}/recording:
// the call's audio, "Content-Type: audio/x-wav" and
// "Content-Disposition: attachment; filename=audio.wav".
func (s *Server) messageRecording(c *reqCtx) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, r := c.callLocked(recordingKind)
	if r == nil {
		return
	}
	b, _ := base64.StdEncoding.DecodeString(stringField(r.doc, "data"))
	c.header("Content-Type", "audio/x-wav")
	c.header("Content-Disposition", "attachment; filename=audio.wav")
	c.rawJSON(http.StatusOK, b)
}

// messageTranscription is GET
// /conversations/locations/{locationId}/messages/{messageId}/transcription
// (the spec's GetMessageTranscriptionResponseDto, one object: see
// transcriptionAnswer), or with download its text/plain form, one
// sentence a line, "Content-Disposition: attachment;
// filename="transcription.txt"".
func (s *Server) messageTranscription(download bool) func(*reqCtx) {
	return func(c *reqCtx) {
		s.mu.RLock()
		defer s.mu.RUnlock()
		_, r := c.callLocked(transcriptionKind)
		if r == nil {
			return
		}
		sentences := asList(r.doc["sentences"])
		if !download {
			c.json(http.StatusOK, transcriptionAnswer(sentences))
			return
		}
		var b strings.Builder
		for _, e := range sentences {
			m, _ := e.(map[string]any)
			b.WriteString(stringField(m, "transcript"))
			b.WriteByte('\n')
		}
		c.header("Content-Type", "text/plain; charset=utf-8")
		c.header("Content-Disposition", `attachment; filename="transcription.txt"`)
		c.rawJSON(http.StatusOK, []byte(b.String()))
	}
}

// transcriptionAnswer is the spec's single GetMessageTranscriptionResponseDto
// for a transcription of several sentences: the first sentence's channel
// and index, the span from the first start to the last end, the sentences
// joined by spaces and the lowest confidence.
func transcriptionAnswer(sentences []any) map[string]any {
	out := map[string]any{"mediaChannel": int64(1), "sentenceIndex": int64(0), "startTime": int64(0),
		"endTime": int64(0), "transcript": "", "confidence": 0.0}
	var text []string
	for i, e := range sentences {
		m, _ := e.(map[string]any)
		if i == 0 {
			out["mediaChannel"], out["sentenceIndex"], out["startTime"] = m["mediaChannel"], m["sentenceIndex"], m["startTime"]
			out["confidence"] = m["confidence"]
		}
		out["endTime"] = m["endTime"]
		if c, ok := m["confidence"].(float64); ok {
			if oc, _ := out["confidence"].(float64); c < oc {
				out["confidence"] = c
			}
		}
		text = append(text, stringField(m, "transcript"))
	}
	out["transcript"] = strings.Join(text, " ")
	return out
}
