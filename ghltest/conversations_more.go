package ghltest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The rest of conversations (apps/conversations.json): messages added by a
// conversation provider (inbound and outbound), review replies, file
// uploads (multipart, and the initiate/complete pair for large files),
// message attachments, cancelling scheduled messages, the export of a
// location's messages, custom subscription subtypes and a contact's
// subscription preferences.

var customSubtypeKind = &kind{
	name: "customSubtypes", one: "customSubtype", many: "customSubtypes", notFound: "Custom subtype not found",
	located: true, stamped: true,
	fields: parseFields("name:string description:string language:string archived:boolean resubscription_legal_form_id:string"),
	apply: func(s *Server, _ string, d, body map[string]any, create bool) []string {
		var errs []string
		for _, f := range []string{"name", "description"} {
			if len([]rune(stringField(d, f))) > 100 {
				errs = append(errs, f+" must be shorter than or equal to 100 characters")
			}
		}
		if create {
			ch := stringField(body, "channel")
			if ch != "email" && ch != "sms" {
				errs = append(errs, "channel must be one of the following values: email, sms")
			}
			d["channel"] = ch
		}
		return errs
	},
	defaults: func(s *Server, d map[string]any) { setDefault(d, "archived", false) },
}

// subscriptionKind holds a contact's subscription preferences, one record
// per contact (its ID the contact's): "statuses" maps "default:One on One"
// or "custom:<subtypeId>" to "subscribed" or "unsubscribed".
var subscriptionKind = &kind{name: "subscriptions", notFound: "Contact not found"}

// uploadKind holds uploaded files: {id, filename, contentType, size, url,
// status ("pending" until an initiated upload completes, else
// "uploaded"), conversationId, filePath}.
var uploadKind = &kind{name: "uploads", notFound: "Upload not found"}

func init() {
	for _, k := range []*kind{customSubtypeKind, subscriptionKind, uploadKind} {
		kinds[k.name] = k
	}
}

// providerTypes maps the type of the inbound and outbound provider
// messages to the message type (those of sendTypes and a few more).
var providerTypes = map[string]string{"GMB": "TYPE_GMB", "WebChat": "TYPE_WEBCHAT", "Call": "TYPE_CALL",
	"IVR_Call": "TYPE_IVR_CALL", "Campaign_Call": "TYPE_CAMPAIGN_CALL", "Campaign_VoiceMail": "TYPE_CAMPAIGN_VOICEMAIL",
	"ALL_IN_ONE_CHAT": "TYPE_LIVE_CHAT", "FORM_SUBMISSION": "TYPE_FORM_SUBMISSION"}

func providerType(t string) (string, bool) {
	if v, ok := sendTypes[t]; ok {
		return v, true
	}
	v, ok := providerTypes[t]
	return v, ok
}

const fileHost = "https://storage.ghltest.invalid/"

func (s *Server) registerConversationsMoreRoutes() {
	s.handle("POST", "/conversations/messages/inbound", s.providerMessage("inbound"))
	s.handle("POST", "/conversations/messages/outbound", s.providerMessage("outbound"))
	s.handle("POST", "/conversations/messages/review-reply", s.reviewReply)
	s.handle("POST", "/conversations/messages/upload", s.uploadAttachments)
	s.handle("POST", "/conversations/messages/upload/initiate", s.initiateUpload)
	s.handle("POST", "/conversations/messages/upload/complete", s.completeUpload)
	s.handle("PUT", "/conversations/messages/{messageId}/attachments", s.setAttachments)
	s.handle("DELETE", "/conversations/messages/{messageId}/schedule", s.cancelScheduled(false))
	s.handle("DELETE", "/conversations/messages/email/{emailMessageId}/schedule", s.cancelScheduled(true))
	s.handle("GET", "/conversations/messages/export", s.exportMessages)

	k := customSubtypeKind
	s.crud("/conversations/preferences/custom-subtypes", "/conversations/preferences/custom-subtypes/{id}",
		op{k: k, in: inQueryLocation},
		op{k: k, in: inQueryLocation, status: http.StatusCreated, env: envelope{"", k.one}},
		op{}, op{k: k, in: inQueryLocation, env: envelope{"", k.one}}, op{})
	s.handle("GET", "/conversations/preferences/unsubscriptions/status", s.subscriptionStatus)
	s.handle("POST", "/conversations/preferences/unsubscriptions/user-change", s.changeSubscription)
}

// providerMessage is POST /conversations/messages/inbound and outbound: a
// message a conversation provider received or sent, added to an existing
// conversation of the token's location (outbound: type "Call" only, its
// status from call.status) → {success, conversationId, messageId, message,
// contactId, dateAdded} (and emailMessageId for an email).
func (s *Server) providerMessage(direction string) func(*reqCtx) {
	return func(c *reqCtx) {
		m, ok := c.validBody()
		if !ok {
			return
		}
		typ, known := providerType(stringField(m, "type"))
		if !known || (direction == "outbound" && typ != "TYPE_CALL") {
			allowed := "SMS, RCS, Email, WhatsApp, GMB, IG, FB, Custom, WebChat, Live_Chat, Call, IVR_Call, Campaign_Call, " +
				"Campaign_VoiceMail, TIKTOK, ALL_IN_ONE_CHAT, FORM_SUBMISSION"
			if direction == "outbound" {
				allowed = "Call"
			}
			c.unprocessable("type must be one of the following values: " + allowed)
			return
		}
		if v, sent := m["attachments"]; sent && !hasType(v, "array") {
			c.unprocessable(typeMessage("attachments", "array"))
			return
		}
		when := time.Time{}
		if v := stringField(m, "date"); v != "" {
			t, ok := parseTimeLoose(v)
			if !ok {
				c.unprocessable("date must be a valid ISO 8601 date string")
				return
			}
			when = t
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		loc, cv := c.byIDLocked(conversationKind, stringField(m, "conversationId"))
		if cv == nil {
			return
		}
		if ct := stringField(m, "contactId"); ct != "" && ct != stringField(cv.doc, "contactId") {
			c.badRequest("The conversation does not belong to the contact")
			return
		}
		seed := MessageSeed{Type: typ, Direction: direction, Body: stringField(m, "message"),
			Subject: stringField(m, "subject"), Date: when}
		if typ == "TYPE_EMAIL" && stringField(m, "html") != "" {
			seed.Body = stringField(m, "html")
		}
		if call, _ := m["call"].(map[string]any); call != nil {
			seed.CallStatus = stringField(call, "status")
		}
		r := s.addMessageLocked(loc, cv, seed, "integration")
		d := cloneJSON(r.doc).(map[string]any)
		d["conversationProviderId"] = m["conversationProviderId"]
		if a, ok := m["attachments"]; ok {
			d["attachments"] = jsonValue(a)
		}
		if alt := stringField(m, "altId"); alt != "" {
			d["altId"] = alt
		}
		loc.res.tableLocked(messageKind.name).replace(r, d)
		out := map[string]any{"success": true, "conversationId": cv.id(), "messageId": r.id(),
			"message": "Message added successfully", "contactId": d["contactId"], "dateAdded": d["dateAdded"]}
		if _, emailID := emailLocked(loc, r.id()); typ == "TYPE_EMAIL" {
			out["emailMessageId"] = emailID
		}
		c.json(http.StatusOK, out)
	}
}

// reviewReply is POST /conversations/messages/review-reply: an outbound
// TYPE_REVIEW message in a conversation that has a reviewId (a review
// conversation); others answer 400.
func (s *Server) reviewReply(c *reqCtx) {
	m, ok := c.validBody()
	if !ok || !c.checkLocation(stringField(m, "locationId")) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, cv := c.byIDLocked(conversationKind, stringField(m, "conversationId"))
	if cv == nil {
		return
	}
	if stringField(cv.doc, "reviewId") == "" {
		c.badRequest("Conversation is not a review conversation")
		return
	}
	r := s.addMessageLocked(loc, cv, MessageSeed{Type: "TYPE_REVIEW", Direction: "outbound", Body: stringField(m, "message")}, "api")
	c.json(http.StatusOK, map[string]any{"conversationId": cv.id(), "messageId": r.id(), "messageIds": []any{r.id()},
		"msg": "Review reply sent successfully."})
}

// part is a file of a multipart body.
type part struct {
	filename, contentType string
	data                  []byte
}

// multipartBody parses the request's multipart/form-data body into its
// fields and files (400 for another media type or a malformed body).
func (c *reqCtx) multipartBody() (map[string]any, []part, bool) {
	mt, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		c.badRequest("Content-Type must be multipart/form-data")
		return nil, nil, false
	}
	fields := map[string]any{}
	var files []part
	rd := multipart.NewReader(bytes.NewReader(c.body), params["boundary"])
	for {
		p, err := rd.NextPart()
		if err == io.EOF {
			return fields, files, true
		}
		if err != nil {
			c.badRequest("Malformed multipart body")
			return nil, nil, false
		}
		b, err := io.ReadAll(p)
		if err != nil {
			c.badRequest("Malformed multipart body")
			return nil, nil, false
		}
		if p.FileName() == "" {
			name := strings.TrimSuffix(p.FormName(), "[]")
			if prev, ok := fields[name]; ok { // a repeated field is an array
				l, isList := prev.([]any)
				if !isList {
					l = []any{prev}
				}
				fields[name] = append(l, string(b))
			} else {
				fields[name] = string(b)
			}
			continue
		}
		ct := p.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		files = append(files, part{filename: p.FileName(), contentType: ct, data: b})
	}
}

// storeUploadLocked keeps an uploaded file in loc and returns its URL.
func (s *Server) storeUploadLocked(loc *location, dir string, f part, extra map[string]any) string {
	id := newID(s.rng)
	url := fileHost + "location/" + loc.id + "/" + dir + "/" + id + "/" + f.filename
	d := map[string]any{"id": id, "filename": f.filename, "contentType": f.contentType, "size": int64(len(f.data)),
		"url": url, "status": "uploaded", "data": base64.StdEncoding.EncodeToString(f.data)}
	for k, v := range extra {
		d[k] = v
	}
	loc.res.tableLocked(uploadKind.name).insert(&record{seq: s.nextSeqLocked(), doc: d})
	return url
}

// uploadAttachments is POST /conversations/messages/upload (multipart):
// conversationId, contactId, locationId and attachmentUrls (required by
// the spec) fields and the files (fileAttachment parts) → {uploadedFiles:
// {filename: url}}. A group SMS (isGroupSms "true") takes one file.
func (s *Server) uploadAttachments(c *reqCtx) {
	fields, files, ok := c.multipartBody()
	if !ok {
		return
	}
	if u, isStr := fields["attachmentUrls"].(string); isStr { // one form value
		fields["attachmentUrls"] = []any{u}
	}
	urls := stringsOf(fields["attachmentUrls"])
	if errs := bodyErrors(fields, parseFields("conversationId:string contactId:string locationId:string attachmentUrls:array")); errs != nil {
		c.unprocessable(errs...)
		return
	}
	if fields["isGroupSms"] == "true" && len(files)+len(urls) > 1 {
		c.badRequest("Only 1 file can be uploaded for group SMS")
		return
	}
	if !c.checkLocation(stringField(fields, "locationId")) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, cv := c.byIDLocked(conversationKind, stringField(fields, "conversationId"))
	if cv == nil {
		return
	}
	if stringField(cv.doc, "contactId") != stringField(fields, "contactId") {
		c.badRequest("The conversation does not belong to the contact")
		return
	}
	up := map[string]any{}
	for _, f := range files {
		up[f.filename] = s.storeUploadLocked(loc, "conversations/"+cv.id(), f, map[string]any{"conversationId": cv.id()})
	}
	// attachmentUrls name files hosted elsewhere: they are recorded, not
	// fetched, under their last path segment.
	for _, u := range urls {
		name := u[strings.LastIndexByte(u, '/')+1:]
		if i := strings.IndexAny(name, "?#"); i >= 0 {
			name = name[:i]
		}
		up[name] = s.storeUploadLocked(loc, "conversations/"+cv.id(), part{filename: name, contentType: "application/octet-stream"},
			map[string]any{"conversationId": cv.id(), "sourceUrl": u})
	}
	c.json(http.StatusOK, map[string]any{"uploadedFiles": up})
}

// uploadLimit is the size limit of an upload: 100 MB on WhatsApp, 5 MB on
// the other channels (initiate-file-upload's description).
func uploadLimit(channel string) int64 {
	if strings.EqualFold(channel, "WHATSAPP") {
		return 100 << 20
	}
	return 5 << 20
}

// initiateUpload is POST /conversations/messages/upload/initiate: a
// pending upload of a file to a conversation → {uploadUrl, uploadId,
// filePath, expiresAt (ms, an hour away), maxFileSize}. A fileSize over the
// channel's limit answers 400.
func (s *Server) initiateUpload(c *reqCtx) {
	m, ok := c.validBody()
	if !ok || !c.checkLocation(stringField(m, "locationId")) {
		return
	}
	limit := uploadLimit(stringField(m, "channel"))
	if v, sent := m["fileSize"]; sent {
		n, isNum := jsonValue(v).(int64)
		if f, isF := jsonValue(v).(float64); isF {
			n, isNum = int64(f), true
		}
		if !isNum {
			c.unprocessable(typeMessage("fileSize", "number"))
			return
		}
		if n > limit {
			c.badRequest("File size exceeds the maximum of " + strconv.FormatInt(limit, 10) + " bytes")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, cv := c.byIDLocked(conversationKind, stringField(m, "conversationId"))
	if cv == nil {
		return
	}
	id := newUUID(s)
	name := stringField(m, "filename")
	path := "location/" + loc.id + "/conversations/" + cv.id() + "/" + id + extOf(name)
	d := map[string]any{"id": id, "filename": name, "contentType": stringField(m, "contentType"),
		"size": jsonValue(m["fileSize"]), "filePath": path, "status": "pending", "conversationId": cv.id()}
	loc.res.tableLocked(uploadKind.name).insert(&record{seq: s.nextSeqLocked(), doc: d})
	c.json(http.StatusOK, map[string]any{"uploadUrl": fileHost + path + "?upload=" + id, "uploadId": id,
		"filePath": path, "expiresAt": s.now().Add(time.Hour).UnixMilli(), "maxFileSize": limit})
}

func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

// completeUpload is POST /conversations/messages/upload/complete: the
// pending upload (uploadId and its filePath) becomes uploaded →
// {uploadedFiles: {filename: url}, metadata: {size, contentType}}. An
// unknown upload, or one of another path or conversation, is 404.
func (s *Server) completeUpload(c *reqCtx) {
	m, ok := c.validBody()
	if !ok || !c.checkLocation(stringField(m, "locationId")) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, r := c.byIDLocked(uploadKind, stringField(m, "uploadId"))
	if r == nil {
		return
	}
	if stringField(r.doc, "filePath") != stringField(m, "filePath") ||
		stringField(r.doc, "conversationId") != stringField(m, "conversationId") {
		c.notFound(uploadKind.notFound)
		return
	}
	d := cloneJSON(r.doc).(map[string]any)
	d["status"] = "uploaded"
	d["url"] = fileHost + stringField(d, "filePath")
	loc.res.tableLocked(uploadKind.name).replace(r, d)
	name := cmp(stringField(m, "filename"), stringField(d, "filename"))
	c.json(http.StatusOK, map[string]any{"uploadedFiles": map[string]any{name: d["url"]},
		"metadata": map[string]any{"size": d["size"], "contentType": d["contentType"]}})
}

// setAttachments is PUT /conversations/messages/{messageId}/attachments:
// the message's attachments become the given URLs (at most 5) →
// {success, messageId, attachments}.
func (s *Server) setAttachments(c *reqCtx) {
	m, ok := c.validBody()
	if !ok {
		return
	}
	urls, _ := m["attachments"].([]any)
	if len(urls) > 5 {
		c.unprocessable("attachments must contain no more than 5 elements")
		return
	}
	for _, u := range urls {
		if _, isStr := u.(string); !isStr {
			c.unprocessable("each value in attachments must be a string")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	loc, r := c.byIDLocked(messageKind, c.param("messageId"))
	if r == nil {
		return
	}
	d := cloneJSON(r.doc).(map[string]any)
	d["attachments"] = jsonValue(urls)
	loc.res.tableLocked(messageKind.name).replace(r, d)
	c.json(http.StatusOK, map[string]any{"success": true, "messageId": r.id(), "attachments": d["attachments"]})
}

// messageByEmailLocked finds the email message whose meta.email.messageIds
// holds emailID.
func messageByEmailLocked(loc *location, emailID string) *record {
	for _, r := range loc.res.peek(messageKind.name).all() {
		meta, _ := r.doc["meta"].(map[string]any)
		email, _ := meta["email"].(map[string]any)
		if slices.Contains(stringsOf(email["messageIds"]), emailID) {
			return r
		}
	}
	return nil
}

// cancelScheduled is DELETE /conversations/messages/{messageId}/schedule
// and /conversations/messages/email/{emailMessageId}/schedule: a message
// sent with a scheduledTimestamp (status "scheduled") becomes "cancelled"
// → {status: 200, message}. As the spec's example shows, a message that is
// not scheduled answers HTTP 200 with {status: 404, message: "Failed cancel
// the scheduled message"}; an unknown message is a 404.
func (s *Server) cancelScheduled(email bool) func(*reqCtx) {
	return func(c *reqCtx) {
		s.mu.Lock()
		defer s.mu.Unlock()
		loc := c.tokenLocationLocked()
		if loc == nil {
			return
		}
		var r *record
		if email {
			r = messageByEmailLocked(loc, c.param("emailMessageId"))
		} else {
			r = loc.res.peek(messageKind.name).get(c.param("messageId"))
		}
		if r == nil {
			c.notFound(messageKind.notFound)
			return
		}
		if stringField(r.doc, "status") != "scheduled" {
			c.json(http.StatusOK, map[string]any{"status": 404, "message": "Failed cancel the scheduled message"})
			return
		}
		d := cloneJSON(r.doc).(map[string]any)
		d["status"] = "cancelled"
		loc.res.tableLocked(messageKind.name).replace(r, d)
		c.json(http.StatusOK, map[string]any{"status": 200, "message": "Scheduled message cancelled successfully"})
	}
}

// exportMessages is GET /conversations/messages/export: the location's
// messages, filtered by conversationId, contactId, channel (a send type
// such as "SMS", or a message type) and a dateAdded range (startDate,
// endDate), sorted by dateAdded (sortOrder asc or desc, the default), paged
// by limit (default 100, at most 500) and an opaque cursor → {messages,
// nextCursor (absent on the last page), total}.
func (s *Server) exportMessages(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	q := c.q()
	if !c.checkLocation(q.Get("locationId")) {
		return
	}
	limit, ok := c.stringParamInt("limit", 100)
	if !ok {
		return
	}
	switch {
	case limit < 1:
		c.unprocessable("limit must not be less than 1")
		return
	case limit > 500:
		c.unprocessable("limit must not be greater than 500")
		return
	}
	var from, to time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"startDate", &from}, {"endDate", &to}} {
		if v := q.Get(p.name); v != "" {
			t, ok := parseTimeLoose(v)
			if !ok {
				c.unprocessable(p.name + " must be a valid ISO 8601 date string")
				return
			}
			*p.t = t
		}
	}
	order := cmp(q.Get("sortOrder"), "desc")
	if order != "asc" && order != "desc" {
		c.unprocessable("sortOrder must be one of the following values: asc, desc")
		return
	}
	channel := q.Get("channel")
	chType, known := providerType(channel)
	if !known {
		chType = strings.ToUpper(channel)
		if !strings.HasPrefix(chType, "TYPE_") {
			chType = "TYPE_" + chType
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	loc := c.tokenLocationLocked()
	if loc == nil {
		return
	}
	var hits []*record
	for _, r := range loc.res.peek(messageKind.name).all() {
		d := r.doc
		at, _ := parseTimeLoose(stringField(d, "dateAdded"))
		if (q.Get("conversationId") == "" || d["conversationId"] == q.Get("conversationId")) &&
			(q.Get("contactId") == "" || d["contactId"] == q.Get("contactId")) &&
			(channel == "" || d["messageType"] == chType) &&
			(from.IsZero() || !at.Before(from)) && (to.IsZero() || !at.After(to)) {
			hits = append(hits, r)
		}
	}
	hits = newestFirst(hits)
	if order == "asc" {
		slices.Reverse(hits)
	}
	start := 0
	if cur := q.Get("cursor"); cur != "" {
		id, err := base64.RawURLEncoding.DecodeString(cur)
		i := slices.IndexFunc(hits, func(r *record) bool { return r.id() == string(id) })
		if err != nil || i < 0 {
			c.badRequest("Invalid cursor")
			return
		}
		start = i + 1
	}
	end := min(start+limit, len(hits))
	page := hits[start:end]
	rest := `,"total":` + strconv.Itoa(len(hits))
	if end < len(hits) {
		rest += `,"nextCursor":"` + base64.RawURLEncoding.EncodeToString([]byte(page[len(page)-1].id())) + `"`
	}
	c.rawJSON(http.StatusOK, listJSON("messages", page, rest))
}

// subscriptionStatus is GET /conversations/preferences/unsubscriptions/
// status: a contact's email subscriptions, the default "One on One" and
// each custom email subtype of the location, "subscribed" unless changed
// → {contactId, email, subscriptions: [{type, subtype_name, subtype_id,
// subtype_status}]}.
func (s *Server) subscriptionStatus(c *reqCtx) {
	if !c.validQuery() {
		return
	}
	q := c.q()
	if !c.checkLocation(q.Get("locationId")) {
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	loc := c.tokenLocationLocked()
	if loc == nil {
		return
	}
	ct := s.st.contacts[q.Get("contactId")]
	if ct == nil || ct.doc.LocationID != loc.id {
		c.notFound("Contact not found")
		return
	}
	var statuses map[string]any
	if r := loc.res.peek(subscriptionKind.name).get(ct.doc.ID); r != nil {
		statuses, _ = r.doc["statuses"].(map[string]any)
	}
	status := func(key string) string {
		if v, ok := statuses[key].(string); ok {
			return v
		}
		return "subscribed"
	}
	subs := []any{map[string]any{"type": "default", "subtype_name": "One on One", "subtype_status": status("default:One on One")}}
	for _, r := range loc.res.peek(customSubtypeKind.name).all() {
		if r.doc["channel"] == "email" && r.doc["archived"] != true {
			subs = append(subs, map[string]any{"type": "custom", "subtype_id": r.id(), "subtype_name": r.doc["name"],
				"subtype_status": status("custom:" + r.id())})
		}
	}
	c.json(http.StatusOK, map[string]any{"contactId": ct.doc.ID, "email": cmp(q.Get("email"), ct.doc.Email), "subscriptions": subs})
}

// changeSubscription is POST /conversations/preferences/unsubscriptions/
// user-change: subscription_action {type default|custom|resub_all,
// subtype_name ("One on One"), subtype_id (a custom subtype),
// subtype_status} changes the contact's subscriptions; resub_all
// resubscribes to everything and needs legal_reason → 201 {success,
// contactId, subscription_action}.
func (s *Server) changeSubscription(c *reqCtx) {
	m, ok := c.validBody()
	if !ok || !c.checkLocation(stringField(m, "locationId")) {
		return
	}
	act, _ := m["subscription_action"].(map[string]any)
	var errs []string
	typ, st := stringField(act, "type"), stringField(act, "subtype_status")
	if typ != "default" && typ != "custom" && typ != "resub_all" {
		errs = append(errs, "subscription_action.type must be one of the following values: default, custom, resub_all")
	}
	if st != "subscribed" && st != "unsubscribed" {
		errs = append(errs, "subscription_action.subtype_status must be one of the following values: subscribed, unsubscribed")
	}
	switch {
	case typ == "default" && stringField(act, "subtype_name") != "One on One":
		errs = append(errs, "subscription_action.subtype_name must be one of the following values: One on One")
	case typ == "custom" && stringField(act, "subtype_id") == "":
		errs = append(errs, "subscription_action.subtype_id should not be empty")
	case (typ == "resub_all" || (st == "subscribed" && typ != "")) && stringField(m, "legal_reason") == "":
		errs = append(errs, "legal_reason should not be empty")
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
	ct := s.st.contacts[stringField(m, "contactId")]
	if ct == nil || ct.doc.LocationID != loc.id {
		c.notFound("Contact not found")
		return
	}
	if typ == "custom" && loc.res.peek(customSubtypeKind.name).get(stringField(act, "subtype_id")) == nil {
		c.notFound(customSubtypeKind.notFound)
		return
	}
	t := loc.res.tableLocked(subscriptionKind.name)
	d := map[string]any{"id": ct.doc.ID, "statuses": map[string]any{}}
	if r := t.get(ct.doc.ID); r != nil {
		d = cloneJSON(r.doc).(map[string]any)
	}
	statuses := d["statuses"].(map[string]any)
	switch typ {
	case "default":
		statuses["default:One on One"] = st
	case "custom":
		statuses["custom:"+stringField(act, "subtype_id")] = st
	case "resub_all":
		for k := range statuses {
			statuses[k] = "subscribed"
		}
	}
	t.insert(&record{seq: s.nextSeqLocked(), doc: d})
	c.json(http.StatusCreated, map[string]any{"success": true, "contactId": ct.doc.ID, "subscription_action": jsonValue(act)})
}
