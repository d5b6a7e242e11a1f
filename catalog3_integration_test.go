package ghl_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
)

// These tests run the rest of the catalog through the SDK on the emulator:
// snapshots, conversations (provider messages, uploads, scheduled
// messages, export, subscription preferences), and a location's recurring
// tasks, task search, templates, time zones and custom-field uploads. Each
// asserts the decoded answers and the emulator's state.

func TestSnapshotsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	ctx := t.Context()
	co := e.srv.Store(e.co.ID)
	snap := co.Put("snapshots", map[string]any{"name": "Dental Starter"})
	co.Put("snapshots", map[string]any{"name": "Imported Gym", "type": "imported"})
	other := e.srv.CreateLocation("Second")
	day := func(d int) string { return time.Date(2030, 3, d, 10, 0, 0, 0, time.UTC).Format(time.RFC3339) }
	p1 := co.Put("snapshotPushes", map[string]any{"snapshotId": snap, "locationId": e.loc.ID, "status": "completed", "dateAdded": day(1),
		"completed": []string{"workflows", "funnels"}})
	p2 := co.Put("snapshotPushes", map[string]any{"snapshotId": snap, "locationId": other.ID, "status": "processing", "dateAdded": day(2)})
	p3 := co.Put("snapshotPushes", map[string]any{"snapshotId": snap, "locationId": e.loc.ID, "status": "processing", "dateAdded": day(5),
		"completed": []string{"forms"}, "pending": []string{"custom_fields", "tags"}})

	list, _, err := e.agency.Snapshots.ListCustom(ctx, e.co.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, ghl.Snapshot{ID: snap, Name: "Dental Starter", Type: "own"}, list[0])
	assert.Equal(t, "imported", list[1].Type)

	link, resp, err := e.agency.Snapshots.CreateShareLink(ctx, e.co.ID, &ghl.SnapshotShareLinkRequestCreateRequest{
		SnapshotID: snap, ShareType: ghl.ShareTypePermanentLink})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "https://affiliates.gohighlevel.com/?share="+link.ID, link.ShareLink)
	shares := co.List("snapshotShares")
	require.Len(t, shares, 1)
	assert.Equal(t, snap, shares[0]["snapshotId"])
	assert.Equal(t, "permanent_link", shares[0]["shareType"])
	_, _, err = e.agency.Snapshots.CreateShareLink(ctx, e.co.ID, &ghl.SnapshotShareLinkRequestCreateRequest{
		SnapshotID: "nope", ShareType: ghl.ShareTypeLink})
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	// Pushes in [Mar 1, Mar 3], paged two at a time by lastDoc.
	page, _, err := e.agency.Snapshots.ListPushes(ctx, snap, e.co.ID, "2030-03-01", "2030-03-03", "start", &ghl.SnapshotsListPushesOptions{Limit: 1})
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, p1, page[0].ID)
	assert.Equal(t, e.loc.ID, page[0].LocationID)
	page, _, err = e.agency.Snapshots.ListPushes(ctx, snap, e.co.ID, "2030-03-01", "2030-03-03", p1, &ghl.SnapshotsListPushesOptions{Limit: 5})
	require.NoError(t, err)
	require.Len(t, page, 1, "p3 is outside the range")
	assert.Equal(t, p2, page[0].ID)
	assert.Equal(t, "processing", page[0].Status)

	latest, _, err := e.agency.Snapshots.GetLatestPush(ctx, snap, e.loc.ID, e.co.ID)
	require.NoError(t, err)
	assert.Equal(t, p3, latest.ID)
	assert.Equal(t, []string{"forms"}, latest.Completed)
	assert.Equal(t, []string{"custom_fields", "tags"}, latest.Pending)
	third := e.srv.CreateLocation("Never pushed")
	_, _, err = e.agency.Snapshots.GetLatestPush(ctx, snap, third.ID, e.co.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	_, _, err = e.agency.Snapshots.ListPushes(ctx, "nope", e.co.ID, "2030-03-01", "2030-03-03", "start", nil)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}

func TestConversationsLifecycleOnEmulator(t *testing.T) {
	t.Parallel()
	e := newOppIntegEnv(t)
	ctx, c := t.Context(), e.c

	created, resp, err := c.Conversations.Create(ctx, &ghl.ConversationCreateRequest{LocationID: e.loc.ID, ContactID: e.contact})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	cid := created.Conversation.ID
	require.NotEmpty(t, cid)

	_, _, err = c.Conversations.Update(ctx, cid, &ghl.ConversationUpdateRequest{LocationID: e.loc.ID, Starred: ghl.Ptr(true), UnreadCount: ghl.Ptr(0)})
	require.NoError(t, err)
	got, _, err := c.Conversations.Get(ctx, cid)
	require.NoError(t, err)
	assert.True(t, got.Starred)

	in, _, err := c.Conversations.AddInboundMessage(ctx, &ghl.ProcessMessageBody{Type: ghl.ProcessMessageTypeSMS,
		ConversationID: cid, ContactID: e.contact, ConversationProviderID: "prov-1", Message: ghl.Ptr("Hello from the provider"),
		Attachments: []string{"https://example.com/a.png"}})
	require.NoError(t, err)
	assert.True(t, in.Success)
	assert.Equal(t, cid, in.ConversationID)
	msg, _, err := c.Conversations.GetMessage(ctx, in.MessageID)
	require.NoError(t, err)
	assert.Equal(t, "inbound", string(msg.Direction))
	assert.Equal(t, "Hello from the provider", msg.Body)
	stored, ok := e.srv.Store(e.loc.ID).Get("messages", in.MessageID)
	require.True(t, ok)
	assert.Equal(t, "prov-1", stored["conversationProviderId"])
	assert.Equal(t, []any{"https://example.com/a.png"}, stored["attachments"])
	_, _, err = c.Conversations.AddInboundMessage(ctx, &ghl.ProcessMessageBody{Type: ghl.ProcessMessageTypeSMS,
		ConversationID: "nope", ContactID: e.contact, ConversationProviderID: "prov-1"})
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	out, _, err := c.Conversations.AddOutboundMessage(ctx, &ghl.ProcessOutboundMessageBody{Type: "Call", ConversationID: cid,
		ConversationProviderID: "prov-1", Call: &ghl.CallData{To: ghl.Ptr("+15550102030"), From: ghl.Ptr("+15550000000")}})
	require.NoError(t, err)
	call, _, err := c.Conversations.GetMessage(ctx, out.MessageID)
	require.NoError(t, err)
	assert.Equal(t, ghl.MessageMessageTypeTYPECALL, call.MessageType)
	assert.Equal(t, "outbound", string(call.Direction))

	st, _, err := c.Conversations.UpdateMessageStatus(ctx, in.MessageID, &ghl.MessageStatusUpdateRequest{Status: ghl.MessageStatusRead})
	require.NoError(t, err)
	assert.Equal(t, in.MessageID, st.MessageID)
	stored, _ = e.srv.Store(e.loc.ID).Get("messages", in.MessageID)
	assert.Equal(t, "read", stored["status"])

	_, _, err = c.Conversations.AddMessageAttachments(ctx, out.MessageID, &ghl.MessageAttachmentsAddRequest{
		Attachments: []string{"https://provider.example/recordings/call-1.mp3"}})
	require.NoError(t, err)
	stored, _ = e.srv.Store(e.loc.ID).Get("messages", out.MessageID)
	assert.Equal(t, []any{"https://provider.example/recordings/call-1.mp3"}, stored["attachments"])

	typing, _, err := c.Conversations.SendAgentTyping(ctx, &ghl.UserTypingBody{LocationID: e.loc.ID, IsTyping: "true",
		VisitorID: "v1", ConversationID: cid})
	require.NoError(t, err)
	assert.True(t, typing.Success)

	// A review conversation takes a reply; others do not.
	rid := e.srv.Store(e.loc.ID).Put("conversations", map[string]any{"contactId": e.contact, "type": "TYPE_REVIEW", "reviewId": "rev-1"})
	reply, _, err := c.Conversations.SendReviewReply(ctx, &ghl.ReviewReplySendRequest{ConversationID: rid, LocationID: e.loc.ID,
		Message: "Thank you for your review!"})
	require.NoError(t, err)
	assert.Equal(t, rid, reply.ConversationID)
	stored, _ = e.srv.Store(e.loc.ID).Get("messages", reply.MessageID)
	assert.Equal(t, "TYPE_REVIEW", stored["messageType"])
	_, _, err = c.Conversations.SendReviewReply(ctx, &ghl.ReviewReplySendRequest{ConversationID: cid, LocationID: e.loc.ID, Message: "x"})
	var apiErr *ghl.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)

	// Export: both messages of cid, oldest first, one per page.
	var exported []string
	cursor := ""
	for range 3 {
		msgs, resp, err := c.Conversations.ExportMessagesByLocation(ctx, e.loc.ID, &ghl.ConversationsExportMessagesByLocationOptions{
			ConversationID: cid, SortOrder: "asc", Limit: 1, Cursor: cursor})
		require.NoError(t, err)
		assert.Equal(t, 2, resp.Total)
		for _, m := range msgs {
			exported = append(exported, m.ID)
		}
		if cursor = resp.NextCursor; cursor == "" {
			break
		}
	}
	assert.Equal(t, []string{in.MessageID, out.MessageID}, exported)

	_, _, err = c.Conversations.Delete(ctx, cid)
	require.NoError(t, err)
	_, _, err = c.Conversations.Get(ctx, cid)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}

func TestScheduledMessagesOnEmulator(t *testing.T) {
	t.Parallel()
	e := newOppIntegEnv(t)
	ctx, c := t.Context(), e.c
	later := float64(e.clk.Now().Add(time.Hour).Unix())

	sms, _, err := c.Conversations.SendNewMessage(ctx, &ghl.MessageBodySendRequest{Type: ghl.MessageTypeSMS,
		SubType: "SMS", ContactID: e.contact, Message: ghl.Ptr("Reminder"), Status: ghl.MessageStatusPending,
		ScheduledTimestamp: &later})
	require.NoError(t, err)
	stored, _ := e.srv.Store(e.loc.ID).Get("messages", sms.MessageID)
	assert.Equal(t, "scheduled", stored["status"])
	res, _, err := c.Conversations.CancelScheduledMessage(ctx, sms.MessageID)
	require.NoError(t, err)
	assert.Equal(t, float64(200), res.Status)
	stored, _ = e.srv.Store(e.loc.ID).Get("messages", sms.MessageID)
	assert.Equal(t, "cancelled", stored["status"])
	// A message that is not scheduled: HTTP 200 with {"status":404,...}
	// (the spec's example), which the SDK reports as not found.
	_, _, err = c.Conversations.CancelScheduledMessage(ctx, sms.MessageID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	assert.ErrorContains(t, err, "Failed cancel the scheduled message")

	email, _, err := c.Conversations.SendNewMessage(ctx, &ghl.MessageBodySendRequest{Type: ghl.MessageTypeEmail,
		SubType: "Email", ContactID: e.contact, Subject: ghl.Ptr("Soon"), Html: ghl.Ptr("<p>Soon</p>"),
		Status: ghl.MessageStatusPending, ScheduledTimestamp: &later})
	require.NoError(t, err)
	require.NotEmpty(t, email.EmailMessageID)
	res, _, err = c.Conversations.CancelScheduledEmailMessage(ctx, email.EmailMessageID)
	require.NoError(t, err)
	assert.Equal(t, float64(200), res.Status)
	stored, _ = e.srv.Store(e.loc.ID).Get("messages", email.MessageID)
	assert.Equal(t, "cancelled", stored["status"])
	_, _, err = c.Conversations.CancelScheduledEmailMessage(ctx, "nope")
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}

func TestConversationUploadsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newOppIntegEnv(t)
	ctx, c := t.Context(), e.c
	cid := e.srv.AddConversation(e.loc.ID, e.contact)

	up, _, err := c.Conversations.UploadFileAttachments(ctx, &ghl.FilesUploadRequest{ConversationID: cid, ContactID: e.contact,
		LocationID: e.loc.ID, AttachmentUrls: []string{"https://cdn.example.com/img/logo.png"},
		Files: []ghl.Upload{{Filename: "quote.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}})
	require.NoError(t, err)
	var files map[string]string
	require.NoError(t, json.Unmarshal(up.UploadedFiles, &files))
	require.Contains(t, files, "quote.pdf")
	require.Contains(t, files, "logo.png")
	uploads := e.srv.Store(e.loc.ID).List("uploads")
	require.Len(t, uploads, 2)
	assert.Equal(t, "https://cdn.example.com/img/logo.png", uploads[1]["sourceUrl"])
	assert.Equal(t, files["quote.pdf"], uploads[0]["url"])
	assert.Equal(t, "application/pdf", uploads[0]["contentType"])
	assert.Equal(t, float64(8), uploads[0]["size"])

	ini, _, err := c.Conversations.InitiateFileUpload(ctx, &ghl.FileUploadInitiateRequest{LocationID: e.loc.ID, ConversationID: cid,
		Filename: "video.mp4", ContentType: "video/mp4", FileSize: ghl.Ptr(50e6), Channel: "WHATSAPP"})
	require.NoError(t, err)
	assert.Equal(t, float64(100<<20), ini.MaxFileSize)
	assert.Equal(t, float64(e.clk.Now().Add(time.Hour).UnixMilli()), ini.ExpiresAt)
	pending, _ := e.srv.Store(e.loc.ID).Get("uploads", ini.UploadID)
	assert.Equal(t, "pending", pending["status"])
	_, _, err = c.Conversations.InitiateFileUpload(ctx, &ghl.FileUploadInitiateRequest{LocationID: e.loc.ID, ConversationID: cid,
		Filename: "video.mp4", ContentType: "video/mp4", FileSize: ghl.Ptr(50e6), Channel: "SMS"})
	var apiErr *ghl.APIError
	require.ErrorAs(t, err, &apiErr, "5 MB is the limit outside WhatsApp")
	assert.Equal(t, 400, apiErr.StatusCode)

	done, _, err := c.Conversations.CompleteFileUpload(ctx, &ghl.FileUploadCompleteRequest{UploadID: ini.UploadID, FilePath: ini.FilePath,
		LocationID: e.loc.ID, ConversationID: cid, Filename: "video.mp4"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"size":50000000,"contentType":"video/mp4"}`, string(done.Metadata))
	uploaded, _ := e.srv.Store(e.loc.ID).Get("uploads", ini.UploadID)
	assert.Equal(t, "uploaded", uploaded["status"])
	_, _, err = c.Conversations.CompleteFileUpload(ctx, &ghl.FileUploadCompleteRequest{UploadID: "nope", FilePath: ini.FilePath,
		LocationID: e.loc.ID, ConversationID: cid, Filename: "video.mp4"})
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}

func TestSubscriptionPreferencesOnEmulator(t *testing.T) {
	t.Parallel()
	e := newOppIntegEnv(t)
	ctx, c := t.Context(), e.c

	raw, resp, err := c.Conversations.CreateCustomSubtype(ctx, e.loc.ID, &ghl.CustomSubtypeCreateRequest{Name: "Newsletter",
		Channel: ghl.CustomSubtypeChannelEmail, Language: "en"})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	var created struct {
		CustomSubtype struct {
			ID, Name, Channel string
			Archived          bool
		}
	}
	require.NoError(t, json.Unmarshal(raw, &created))
	sub := created.CustomSubtype
	assert.Equal(t, "Newsletter", sub.Name)
	assert.Equal(t, "email", sub.Channel)

	_, _, err = c.Conversations.UpdateCustomSubtype(ctx, sub.ID, e.loc.ID, &ghl.CustomSubtypeUpdateRequest{Name: ghl.Ptr("Weekly newsletter")})
	require.NoError(t, err)
	raw, _, err = c.Conversations.ListCustomSubtypes(ctx, e.loc.ID)
	require.NoError(t, err)
	var list struct {
		CustomSubtypes []struct{ ID, Name string }
	}
	require.NoError(t, json.Unmarshal(raw, &list))
	require.Len(t, list.CustomSubtypes, 1)
	assert.Equal(t, "Weekly newsletter", list.CustomSubtypes[0].Name)
	_, _, err = c.Conversations.UpdateCustomSubtype(ctx, "nope", e.loc.ID, &ghl.CustomSubtypeUpdateRequest{Name: ghl.Ptr("x")})
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	status := func() map[string]string {
		raw, _, err := c.Conversations.GetContactUnsubscriptionStatus(ctx, e.loc.ID, e.contact, nil)
		require.NoError(t, err)
		var s struct {
			Email         string
			Subscriptions []struct {
				Type          string `json:"type"`
				SubtypeName   string `json:"subtype_name"`
				SubtypeStatus string `json:"subtype_status"`
			}
		}
		require.NoError(t, json.Unmarshal(raw, &s))
		assert.Equal(t, "grace@example.com", s.Email)
		out := map[string]string{}
		for _, x := range s.Subscriptions {
			out[x.Type+":"+x.SubtypeName] = x.SubtypeStatus
		}
		return out
	}
	assert.Equal(t, map[string]string{"default:One on One": "subscribed", "custom:Weekly newsletter": "subscribed"}, status())

	_, _, err = c.Conversations.UpdateUserSubscription(ctx, &ghl.UserSubscriptionChangeRequest{LocationID: e.loc.ID, ContactID: e.contact,
		Email: "grace@example.com", SubscriptionAction: &ghl.SubscriptionAction{Type: ghl.SubscriptionActionTypeCustom,
			SubtypeID: &sub.ID, SubtypeStatus: ghl.SubtypeStatusUnsubscribed}})
	require.NoError(t, err)
	_, _, err = c.Conversations.UpdateUserSubscription(ctx, &ghl.UserSubscriptionChangeRequest{LocationID: e.loc.ID, ContactID: e.contact,
		Email: "grace@example.com", SubscriptionAction: &ghl.SubscriptionAction{Type: ghl.SubscriptionActionTypeDefault,
			SubtypeName: ghl.Ptr("One on One"), SubtypeStatus: ghl.SubtypeStatusUnsubscribed}})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"default:One on One": "unsubscribed", "custom:Weekly newsletter": "unsubscribed"}, status())

	// Resubscribing needs a legal reason.
	resub := &ghl.UserSubscriptionChangeRequest{LocationID: e.loc.ID, ContactID: e.contact, Email: "grace@example.com",
		SubscriptionAction: &ghl.SubscriptionAction{Type: ghl.SubscriptionActionTypeResubAll, SubtypeStatus: ghl.SubtypeStatusSubscribed}}
	_, _, err = c.Conversations.UpdateUserSubscription(ctx, resub)
	var apiErr *ghl.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 422, apiErr.StatusCode)
	resub.LegalReason = ghl.Ptr("Customer asked on the phone")
	_, _, err = c.Conversations.UpdateUserSubscription(ctx, resub)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"default:One on One": "subscribed", "custom:Weekly newsletter": "subscribed"}, status())
}

func TestLocationTasksTemplatesAndUploadsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	ctx, c := t.Context(), e.client
	ann := e.srv.AddContact(e.loc.ID, map[string]any{"firstName": "Ann"})
	bob := e.srv.AddContact(e.loc.ID, map[string]any{"firstName": "Bob"})
	e.srv.AddTask(e.loc.ID, bob, map[string]any{"title": "Send invoice", "completed": true})

	start := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	rt, resp, err := c.Locations.CreateRecurringTask(ctx, e.loc.ID, &ghl.RecurringTaskCreateRequest{Title: "Weekly check-in",
		Description: ghl.Ptr("Call the client"), ContactIDs: []string{ann}, Owners: []string{"user-1"},
		RruleOptions: &ghl.CustomRRulesOptions{IntervalType: ghl.IntervalTypeWeekly, Interval: 1, StartDate: ghl.Timestamp{Time: start}, DueAfterSeconds: 3600}})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "Weekly check-in", rt.Title)
	assert.Equal(t, "user-1", rt.AssignedTo)
	assert.Equal(t, ann, rt.ContactID)
	assert.Equal(t, float64(1), rt.TotalOccurrence)
	// The first occurrence is a task of the contact, due an hour after the start.
	tasks, _, err := c.Contacts.ListTasks(ctx, ann)
	require.NoError(t, err)
	require.Len(t, tasks, 1)
	assert.Equal(t, "Weekly check-in", tasks[0].Title)
	assert.True(t, start.Add(time.Hour).Equal(tasks[0].DueDate.Time))

	_, _, err = c.Locations.UpdateRecurringTask(ctx, e.loc.ID, rt.ID, &ghl.RecurringTaskUpdateRequest{Title: ghl.Ptr("Biweekly check-in")})
	require.NoError(t, err)
	got, _, err := c.Locations.GetRecurringTaskByID(ctx, e.loc.ID, rt.ID)
	require.NoError(t, err)
	assert.Equal(t, "Biweekly check-in", got.Title)
	assert.Equal(t, "Call the client", got.Description)
	del, _, err := c.Locations.DeleteRecurringTask(ctx, e.loc.ID, rt.ID)
	require.NoError(t, err)
	assert.Equal(t, ghl.DeleteRecurringTaskResponse{ID: rt.ID, Success: true}, *del)
	_, _, err = c.Locations.GetRecurringTaskByID(ctx, e.loc.ID, rt.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	// Task search spans the location's contacts.
	found, _, err := c.Locations.SearchTasks(ctx, e.loc.ID, &ghl.TaskSearchParamsRequest{Query: ghl.Ptr("check-in")})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Contains(t, string(found[0]), `"contactId":"`+ann+`"`)
	found, _, err = c.Locations.SearchTasks(ctx, e.loc.ID, &ghl.TaskSearchParamsRequest{Completed: ghl.Ptr(true)})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Contains(t, string(found[0]), "Send invoice")
	found, _, err = c.Locations.SearchTasks(ctx, e.loc.ID, &ghl.TaskSearchParamsRequest{})
	require.NoError(t, err)
	assert.Len(t, found, 2)

	st := e.srv.Store(e.loc.ID)
	sms := st.Put("templates", map[string]any{"name": "Reminder", "type": "sms", "template": map[string]any{"body": "See you soon"}})
	st.Put("templates", map[string]any{"name": "Welcome", "type": "email"})
	st.Put("templates", map[string]any{"name": "Agency", "type": "sms", "originId": e.co.ID})
	tpls, _, err := c.Locations.ListTemplates(ctx, e.loc.ID, e.loc.ID, &ghl.LocationsListTemplatesOptions{Type: "sms"})
	require.NoError(t, err)
	require.Len(t, tpls, 1)
	assert.Contains(t, string(tpls[0]), `"id":"`+sms+`"`)
	_, _, err = c.Locations.DeleteTemplate(ctx, e.loc.ID, sms)
	require.NoError(t, err)
	tpls, _, err = c.Locations.ListTemplates(ctx, e.loc.ID, e.loc.ID, nil)
	require.NoError(t, err)
	assert.Len(t, tpls, 1)
	_, _, err = c.Locations.DeleteTemplate(ctx, e.loc.ID, sms)
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	tz, _, err := c.Locations.GetTimezones(ctx, e.loc.ID)
	require.NoError(t, err)
	assert.Contains(t, string(tz), `"America/Chicago"`)

	// FileUploadResponseDto types meta as string[] while its own example
	// (and so the emulator) answers the uploaded files' objects ({fieldname,
	// originalname, mimetype, size, url}); the generator types it after the
	// example, as raw objects.
	up, _, err := c.Locations.UploadFileCustomFields(ctx, e.loc.ID, &ghl.FileUploadBody{ID: ghl.Ptr(ann), MaxFiles: ghl.Ptr("2"),
		Files: []ghl.Upload{{Filename: "id.csv", ContentType: "text/csv", Data: []byte("a,b\n")}}})
	require.NoError(t, err)
	require.Len(t, up.Meta, 1)
	assert.Contains(t, string(up.Meta[0]), `"id.csv"`)
	uploads := st.List("uploads")
	require.Len(t, uploads, 1)
	assert.Equal(t, ann, uploads[0]["ownerId"])
	assert.Equal(t, "id.csv", uploads[0]["filename"])
	assert.Equal(t, "text/csv", uploads[0]["contentType"])
	assert.Equal(t, float64(4), uploads[0]["size"])
	_, _, err = c.Locations.UploadFileCustomFields(ctx, e.loc.ID, &ghl.FileUploadBody{MaxFiles: ghl.Ptr("1"),
		Files: []ghl.Upload{{Filename: "a.csv", Data: []byte("a")}, {Filename: "b.csv", Data: []byte("b")}}})
	var apiErr *ghl.APIError
	require.ErrorAs(t, err, &apiErr, "more files than maxFiles")
	assert.Equal(t, 400, apiErr.StatusCode)
}

func TestOpportunitiesSearchAdvancedOnEmulator(t *testing.T) {
	t.Parallel()
	e := newOppIntegEnv(t)
	ctx := t.Context()
	p := e.srv.Pipelines(e.loc.ID)[0]
	id := e.srv.AddOpportunity(e.loc.ID, map[string]any{"name": "Roof repair", "pipelineId": p["id"], "contactId": e.contact})
	e.srv.AddOpportunity(e.loc.ID, map[string]any{"name": "Gutter cleaning", "pipelineId": p["id"], "contactId": e.contact})
	opps, _, err := e.c.Opportunities.SearchAdvanced(ctx, &ghl.OpportunitySearchBody{LocationID: e.loc.ID, Query: "roof", Limit: 10, Page: 1,
		// The SDK requires searchAfter (the spec lists it as required) even
		// on the first page: start after a point in the future, i.e. at the
		// newest opportunity.
		SearchAfter:       []string{strconv.FormatInt(e.clk.Now().Add(24*time.Hour).UnixMilli(), 10), ""},
		AdditionalDetails: &ghl.AdditionalDetails{}})
	require.NoError(t, err)
	require.Len(t, opps, 1)
	assert.Equal(t, id, opps[0].ID)
	assert.Equal(t, "Roof repair", opps[0].Name)
}
