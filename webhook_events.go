package ghl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Webhook event types: the "type" field of the payloads this package decodes.
// HighLevel documents 58 event types; [WebhookEvent.Decode] reads any of them.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
const (
	// WebhookContactCreate is sent when a contact is created ([WebhookEvent.Contact]).
	WebhookContactCreate = "ContactCreate"
	// WebhookContactUpdate is sent when a contact is updated ([WebhookEvent.Contact]).
	WebhookContactUpdate = "ContactUpdate"
	// WebhookContactDelete is sent when a contact is deleted ([WebhookEvent.Contact]).
	WebhookContactDelete = "ContactDelete"
	// WebhookContactTagUpdate is sent when a contact's tags change ([WebhookEvent.Contact]).
	WebhookContactTagUpdate = "ContactTagUpdate"
	// WebhookContactDndUpdate is sent when a contact's Do Not Disturb settings change ([WebhookEvent.Contact]).
	WebhookContactDndUpdate = "ContactDndUpdate"

	// WebhookNoteCreate is sent when a note is created ([WebhookEvent.Note]).
	WebhookNoteCreate = "NoteCreate"
	// WebhookNoteUpdate is sent when a note is updated ([WebhookEvent.Note]).
	WebhookNoteUpdate = "NoteUpdate"
	// WebhookNoteDelete is sent when a note is deleted ([WebhookEvent.Note]).
	WebhookNoteDelete = "NoteDelete"

	// WebhookTaskCreate is sent when a task is created ([WebhookEvent.Task]).
	WebhookTaskCreate = "TaskCreate"
	// WebhookTaskComplete is sent when a task is completed ([WebhookEvent.Task]).
	WebhookTaskComplete = "TaskComplete"
	// WebhookTaskDelete is sent when a task is deleted ([WebhookEvent.Task]).
	WebhookTaskDelete = "TaskDelete"

	// WebhookAppointmentCreate is sent when an appointment is booked ([WebhookEvent.Appointment]).
	WebhookAppointmentCreate = "AppointmentCreate"
	// WebhookAppointmentUpdate is sent when an appointment changes ([WebhookEvent.Appointment]).
	WebhookAppointmentUpdate = "AppointmentUpdate"
	// WebhookAppointmentDelete is sent when an appointment is deleted ([WebhookEvent.Appointment]).
	WebhookAppointmentDelete = "AppointmentDelete"

	// WebhookOpportunityCreate is sent when an opportunity is created ([WebhookEvent.Opportunity]).
	WebhookOpportunityCreate = "OpportunityCreate"
	// WebhookOpportunityUpdate is sent when an opportunity is updated ([WebhookEvent.Opportunity]).
	WebhookOpportunityUpdate = "OpportunityUpdate"
	// WebhookOpportunityDelete is sent when an opportunity is deleted ([WebhookEvent.Opportunity]).
	WebhookOpportunityDelete = "OpportunityDelete"
	// WebhookOpportunityStageUpdate is sent when an opportunity moves to another pipeline stage ([WebhookEvent.Opportunity]).
	WebhookOpportunityStageUpdate = "OpportunityStageUpdate"
	// WebhookOpportunityStatusUpdate is sent when an opportunity's status (open, won, lost, abandoned) changes ([WebhookEvent.Opportunity]).
	WebhookOpportunityStatusUpdate = "OpportunityStatusUpdate"
	// WebhookOpportunityMonetaryValueUpdate is sent when an opportunity's monetary value changes ([WebhookEvent.Opportunity]).
	WebhookOpportunityMonetaryValueUpdate = "OpportunityMonetaryValueUpdate"
	// WebhookOpportunityAssignedToUpdate is sent when an opportunity is assigned to another user ([WebhookEvent.Opportunity]).
	WebhookOpportunityAssignedToUpdate = "OpportunityAssignedToUpdate"

	// WebhookInboundMessage is sent when a contact sends a message on any channel ([WebhookEvent.Message]).
	WebhookInboundMessage = "InboundMessage"
	// WebhookOutboundMessage is sent when a user (or automation) sends a message to a contact ([WebhookEvent.Message]).
	WebhookOutboundMessage = "OutboundMessage"
	// WebhookConversationUnread is sent when a conversation's unread state changes ([WebhookEvent.ConversationUnread]).
	WebhookConversationUnread = "ConversationUnreadWebhook"
	// WebhookConversationUnreadUpdate is accepted by [WebhookEvent.ConversationUnread] too: some copies of
	// HighLevel's example show this type instead of [WebhookConversationUnread] (UNVERIFIED which one is sent).
	WebhookConversationUnreadUpdate = "ConversationUnreadUpdate"

	// WebhookUserCreate is sent when a user is created ([WebhookEvent.User]).
	WebhookUserCreate = "UserCreate"

	// WebhookLocationCreate is sent to agency-level apps when a sub-account is created ([WebhookEvent.Location]).
	WebhookLocationCreate = "LocationCreate"
	// WebhookLocationUpdate is sent to agency-level apps when a sub-account is updated ([WebhookEvent.Location]).
	WebhookLocationUpdate = "LocationUpdate"

	// WebhookAssociationCreate is sent when an association (a kind of link between two object types) is created ([WebhookEvent.Association]).
	WebhookAssociationCreate = "AssociationCreate"
	// WebhookAssociationUpdate is sent when an association is updated ([WebhookEvent.Association]).
	WebhookAssociationUpdate = "AssociationUpdate"
	// WebhookAssociationDelete is sent when an association is deleted ([WebhookEvent.Association]).
	WebhookAssociationDelete = "AssociationDelete"
	// WebhookRelationCreate is sent when two records are linked through an association ([WebhookEvent.Relation]).
	WebhookRelationCreate = "RelationCreate"
	// WebhookRelationDelete is sent when such a link is removed ([WebhookEvent.Relation]).
	WebhookRelationDelete = "RelationDelete"

	// WebhookCampaignStatusUpdate is sent when a contact's status in a campaign changes ([WebhookEvent.CampaignStatus]).
	WebhookCampaignStatusUpdate = "CampaignStatusUpdate"

	// WebhookInstall is sent when the app is installed on a location or
	// company, to the app's default webhook URL only ([WebhookEvent.AppInstall]).
	WebhookInstall = "INSTALL"
	// WebhookUninstall is sent when the app is uninstalled ([WebhookEvent.AppInstall]).
	WebhookUninstall = "UNINSTALL"
)

var (
	contactEventTypes     = []string{WebhookContactCreate, WebhookContactUpdate, WebhookContactDelete, WebhookContactTagUpdate, WebhookContactDndUpdate}
	noteEventTypes        = []string{WebhookNoteCreate, WebhookNoteUpdate, WebhookNoteDelete}
	taskEventTypes        = []string{WebhookTaskCreate, WebhookTaskComplete, WebhookTaskDelete}
	appointmentEventTypes = []string{WebhookAppointmentCreate, WebhookAppointmentUpdate, WebhookAppointmentDelete}
	installEventTypes     = []string{WebhookInstall, WebhookUninstall}
	opportunityEventTypes = []string{
		WebhookOpportunityCreate, WebhookOpportunityUpdate, WebhookOpportunityDelete, WebhookOpportunityStageUpdate,
		WebhookOpportunityStatusUpdate, WebhookOpportunityMonetaryValueUpdate, WebhookOpportunityAssignedToUpdate,
	}
	messageEventTypes            = []string{WebhookInboundMessage, WebhookOutboundMessage}
	conversationUnreadEventTypes = []string{WebhookConversationUnread, WebhookConversationUnreadUpdate}
	userEventTypes               = []string{WebhookUserCreate}
	locationEventTypes           = []string{WebhookLocationCreate, WebhookLocationUpdate}
	associationEventTypes        = []string{WebhookAssociationCreate, WebhookAssociationUpdate, WebhookAssociationDelete}
	relationEventTypes           = []string{WebhookRelationCreate, WebhookRelationDelete}
	campaignEventTypes           = []string{WebhookCampaignStatusUpdate}

	// knownEventTypes is every type above: a ProviderOutboundMessage's
	// "type" (a channel) is none of them.
	knownEventTypes = slices.Concat(contactEventTypes, noteEventTypes, taskEventTypes, appointmentEventTypes,
		installEventTypes, opportunityEventTypes, messageEventTypes, conversationUnreadEventTypes, userEventTypes,
		locationEventTypes, associationEventTypes, relationEventTypes, campaignEventTypes)
)

// WebhookEvent is a verified webhook delivery: the fields every payload may
// carry, and the raw body for the typed decoders ([WebhookEvent.Contact],
// [WebhookEvent.Note], [WebhookEvent.Task], [WebhookEvent.Appointment],
// [WebhookEvent.AppInstall], [WebhookEvent.Opportunity],
// [WebhookEvent.Message], [WebhookEvent.ProviderOutboundMessage],
// [WebhookEvent.ConversationUnread], [WebhookEvent.User],
// [WebhookEvent.Location], [WebhookEvent.Association],
// [WebhookEvent.Relation], [WebhookEvent.CampaignStatus]) or
// [WebhookEvent.Decode].
//
// The documented payloads are flat (type, locationId and the entity's fields
// at the top level); a "data" wrapper object, shown in one example of
// HighLevel's guide, is also read: fields missing at the top level are taken
// from it.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type WebhookEvent struct {
	// Type is the event type, such as [WebhookContactCreate].
	Type string
	// LocationID is the sub-account the event belongs to, if any.
	LocationID string
	// CompanyID is the agency, for agency-level events such as INSTALL.
	CompanyID string
	// WebhookID identifies the delivery; redeliveries repeat it. Empty when
	// the payload has none.
	WebhookID string
	// Timestamp is when HighLevel sent the event; zero when the payload has
	// none.
	Timestamp Timestamp
	// Raw is the body exactly as received and signed.
	Raw json.RawMessage
}

// Decode decodes the payload into v (a pointer to a struct with JSON tags):
// the flat payload first, then the "data" object over it if there is one.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (e *WebhookEvent) Decode(v any) error {
	if err := json.Unmarshal(e.Raw, v); err != nil {
		return fmt.Errorf("ghl: decoding %s webhook: %w", e.Type, err)
	}
	var wrapper struct {
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(e.Raw, &wrapper) == nil {
		if d := bytes.TrimSpace(wrapper.Data); len(d) > 0 && d[0] == '{' {
			if err := json.Unmarshal(d, v); err != nil {
				return fmt.Errorf("ghl: decoding %s webhook data: %w", e.Type, err)
			}
		}
	}
	return nil
}

// WebhookTypeError is the error of a typed decoder (such as
// [WebhookEvent.Opportunity]) called on an event of another type: route on
// [WebhookEvent.Type] first.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type WebhookTypeError struct {
	// Type is the event's type.
	Type string
	// Want is what the decoder reads, such as "an opportunity".
	Want string
}

// Error says which type was given and what the decoder reads.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (e *WebhookTypeError) Error() string {
	return fmt.Sprintf("ghl: webhook event %q is not %s event", e.Type, e.Want)
}

func (e *WebhookEvent) decodeAs(kind string, types []string, v any) error {
	if !slices.Contains(types, e.Type) {
		return &WebhookTypeError{Type: e.Type, Want: kind}
	}
	return e.Decode(v)
}

// ContactEvent is the payload of the contact events (ContactCreate,
// ContactUpdate, ContactDelete, ContactTagUpdate, ContactDndUpdate): the
// contact's fields, flat.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type ContactEvent struct {
	Contact
	// Type is the event type. (In webhook payloads "type" names the event,
	// so the embedded Contact.Type stays empty.)
	Type string `json:"type"`
	// Attachments is the contact's attachments as sent: an array in webhook
	// payloads (the embedded Contact.Attachments, a string in API answers,
	// stays empty).
	Attachments json.RawMessage `json:"attachments,omitempty"`
}

// Contact decodes a contact event ([WebhookContactCreate],
// [WebhookContactUpdate], [WebhookContactDelete], [WebhookContactTagUpdate],
// [WebhookContactDndUpdate]); other event types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (e *WebhookEvent) Contact() (*ContactEvent, error) {
	var c ContactEvent
	if err := e.decodeAs("a contact", contactEventTypes, &c); err != nil {
		return nil, err
	}
	c.Type = e.Type
	c.LocationID = firstNonEmpty(c.LocationID, e.LocationID)
	return &c, nil
}

// NoteEvent is the payload of NoteCreate, NoteUpdate and NoteDelete.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type NoteEvent struct {
	Note
	// Type is the event type.
	Type string `json:"type"`
	// LocationID is the note's location.
	LocationID string `json:"locationId,omitempty"`
}

// Note decodes a note event ([WebhookNoteCreate], [WebhookNoteUpdate],
// [WebhookNoteDelete]); other event types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (e *WebhookEvent) Note() (*NoteEvent, error) {
	var n NoteEvent
	if err := e.decodeAs("a note", noteEventTypes, &n); err != nil {
		return nil, err
	}
	n.Type = e.Type
	n.LocationID = firstNonEmpty(n.LocationID, e.LocationID)
	return &n, nil
}

// TaskEvent is the payload of TaskCreate, TaskComplete and TaskDelete.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type TaskEvent struct {
	Task
	// Type is the event type.
	Type string `json:"type"`
	// LocationID is the task's location.
	LocationID string `json:"locationId,omitempty"`
	// DateAdded is when the task was created.
	DateAdded Timestamp `json:"dateAdded,omitzero"`
}

// Task decodes a task event ([WebhookTaskCreate], [WebhookTaskComplete],
// [WebhookTaskDelete]); other event types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (e *WebhookEvent) Task() (*TaskEvent, error) {
	var t TaskEvent
	if err := e.decodeAs("a task", taskEventTypes, &t); err != nil {
		return nil, err
	}
	t.Type = e.Type
	t.LocationID = firstNonEmpty(t.LocationID, e.LocationID)
	return &t, nil
}

// AppointmentEvent is the payload of AppointmentCreate, AppointmentUpdate and
// AppointmentDelete, whose fields are nested under "appointment".
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/AppointmentCreate/index.html
type AppointmentEvent struct {
	// Type is the event type. (HighLevel's examples of AppointmentUpdate and
	// AppointmentDelete wrongly show "AppointmentCreate"; this is the type
	// actually received.)
	Type string `json:"type"`
	// LocationID is the appointment's location.
	LocationID string `json:"locationId,omitempty"`
	// Appointment is the appointment: the fields of the API's [Appointment]
	// (promoted, so Appointment.ID reads as before) and Source, which only
	// webhooks carry.
	Appointment WebhookAppointment `json:"appointment"`
	WebhookMeta
}

// WebhookAppointment is the appointment of an [AppointmentEvent]: HighLevel's
// examples carry id, address, title, calendarId, contactId, groupId,
// appointmentStatus, assignedUserId, users, notes, source, startTime,
// endTime, dateAdded and dateUpdated, all of them [Appointment]'s fields
// except source.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/AppointmentCreate/index.html
type WebhookAppointment struct {
	Appointment
	// Source is how the appointment was booked, such as "booking_widget".
	Source string `json:"source,omitempty"`
}

// Appointment decodes an appointment event ([WebhookAppointmentCreate],
// [WebhookAppointmentUpdate], [WebhookAppointmentDelete]); other event types
// are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (e *WebhookEvent) Appointment() (*AppointmentEvent, error) {
	var a AppointmentEvent
	if err := e.decodeAs("an appointment", appointmentEventTypes, &a); err != nil {
		return nil, err
	}
	a.Type = e.Type
	a.LocationID = firstNonEmpty(a.LocationID, e.LocationID)
	a.Appointment.LocationID = firstNonEmpty(a.Appointment.LocationID, a.LocationID)
	a.WebhookMeta.fill(e)
	return &a, nil
}

// AppInstallEvent is the payload of INSTALL and UNINSTALL. An installation
// on a sub-account carries LocationID; an agency-level one CompanyID (and
// INSTALL carries both when the agency installed the app for a location).
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type AppInstallEvent struct {
	// Type is [WebhookInstall] or [WebhookUninstall].
	Type                string            `json:"type"`
	AppID               string            `json:"appId,omitempty"`
	VersionID           string            `json:"versionId,omitempty"`
	InstallType         string            `json:"installType,omitempty"`
	LocationID          string            `json:"locationId,omitempty"`
	CompanyID           string            `json:"companyId,omitempty"`
	UserID              string            `json:"userId,omitempty"`
	PlanID              string            `json:"planId,omitempty"`
	CompanyName         string            `json:"companyName,omitempty"`
	IsWhitelabelCompany bool              `json:"isWhitelabelCompany,omitempty"`
	WhitelabelDetails   *WhitelabelDetail `json:"whitelabelDetails,omitempty"`
	Trial               *InstallTrial     `json:"trial,omitempty"`
	Timestamp           Timestamp         `json:"timestamp,omitzero"`
	WebhookID           string            `json:"webhookId,omitempty"`
}

// WhitelabelDetail is the white-label branding of the installing agency.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type WhitelabelDetail struct {
	Domain  string `json:"domain,omitempty"`
	LogoURL string `json:"logoUrl,omitempty"`
}

// InstallTrial describes the trial of a paid app at installation.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type InstallTrial struct {
	OnTrial bool `json:"onTrial,omitempty"`
	// TrialDuration is the trial's length as sent (a number, in days).
	TrialDuration  json.Number `json:"trialDuration,omitempty"`
	TrialStartDate Timestamp   `json:"trialStartDate,omitzero"`
}

// AppInstall decodes an [WebhookInstall] or [WebhookUninstall] event; other
// event types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (e *WebhookEvent) AppInstall() (*AppInstallEvent, error) {
	var a AppInstallEvent
	if err := e.decodeAs("an INSTALL or UNINSTALL", installEventTypes, &a); err != nil {
		return nil, err
	}
	a.Type = e.Type
	a.LocationID = firstNonEmpty(a.LocationID, e.LocationID)
	a.CompanyID = firstNonEmpty(a.CompanyID, e.CompanyID)
	return &a, nil
}

// WebhookMeta is what a delivery carries besides the event's own fields:
// live payloads have appId and versionId (which the documented examples
// omit), and the guide's have webhookId and timestamp (also on
// [WebhookEvent]). Every field is empty when the payload has none.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type WebhookMeta struct {
	// AppID is the marketplace app the delivery is for.
	AppID string `json:"appId,omitempty"`
	// VersionID is the app version the delivery is for.
	VersionID string `json:"versionId,omitempty"`
	// WebhookID identifies the delivery (see [WebhookEvent.WebhookID]).
	WebhookID string `json:"webhookId,omitempty"`
	// Timestamp is when HighLevel sent the event.
	Timestamp Timestamp `json:"timestamp,omitzero"`
}

// fill takes the webhookId and timestamp the envelope read when the
// payload's own fields lack them.
func (m *WebhookMeta) fill(e *WebhookEvent) {
	m.WebhookID = firstNonEmpty(m.WebhookID, e.WebhookID)
	if m.Timestamp.IsZero() {
		m.Timestamp = e.Timestamp
	}
}

// WebhookStringList is a list of strings as webhook payloads send it, read
// leniently so that one odd value never fails a whole event: an array of
// strings; a single string (one element; "" is none); null (nil). Array
// elements that are not strings are kept as their JSON text (an attachment
// sent as an object stays readable), null elements are dropped, and any
// other value becomes one element holding its JSON text.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/InboundMessage/index.html
type WebhookStringList []string

// UnmarshalJSON reads an array, a string or null, and never fails on valid JSON.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/InboundMessage/index.html
func (l *WebhookStringList) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0 || bytes.Equal(data, []byte("null")):
		*l = nil
	case data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*l = nil
		if s != "" {
			*l = WebhookStringList{s}
		}
	case data[0] == '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(data, &elems); err != nil {
			return err
		}
		out := make(WebhookStringList, 0, len(elems))
		for _, e := range elems {
			e = bytes.TrimSpace(e)
			var s string
			switch {
			case bytes.Equal(e, []byte("null")):
				continue
			case len(e) > 0 && e[0] == '"' && json.Unmarshal(e, &s) == nil:
				out = append(out, s)
			default:
				out = append(out, string(e))
			}
		}
		*l = out
	default:
		*l = WebhookStringList{string(data)}
	}
	return nil
}

// OpportunityEvent is the payload of the opportunity events
// (OpportunityCreate, OpportunityUpdate, OpportunityDelete,
// OpportunityStageUpdate, OpportunityStatusUpdate,
// OpportunityMonetaryValueUpdate, OpportunityAssignedToUpdate): the
// opportunity's fields, flat. HighLevel documents the same fields for all
// seven; a delete or a single-field update may carry fewer.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/OpportunityCreate/index.html
type OpportunityEvent struct {
	// Type is the event type, such as [WebhookOpportunityStatusUpdate].
	Type string `json:"type"`
	// LocationID is the opportunity's location.
	LocationID string `json:"locationId,omitempty"`
	// ID is the opportunity's ID.
	ID string `json:"id,omitempty"`
	// AssignedTo is the ID of the user the opportunity is assigned to.
	AssignedTo string `json:"assignedTo,omitempty"`
	// ContactID is the opportunity's contact.
	ContactID string `json:"contactId,omitempty"`
	// MonetaryValue is the opportunity's value, in the location's currency.
	MonetaryValue float64 `json:"monetaryValue,omitempty"`
	// Name is the opportunity's name.
	Name string `json:"name,omitempty"`
	// PipelineID is the opportunity's pipeline.
	PipelineID string `json:"pipelineId,omitempty"`
	// PipelineStageID is the opportunity's (new) stage in the pipeline.
	PipelineStageID string `json:"pipelineStageId,omitempty"`
	// Source is where the opportunity came from.
	Source string `json:"source,omitempty"`
	// Status is open, won, lost or abandoned.
	Status string `json:"status,omitempty"`
	// DateAdded is when the opportunity was created.
	DateAdded Timestamp `json:"dateAdded,omitzero"`
	WebhookMeta
}

// Opportunity decodes an opportunity event ([WebhookOpportunityCreate],
// [WebhookOpportunityUpdate], [WebhookOpportunityDelete],
// [WebhookOpportunityStageUpdate], [WebhookOpportunityStatusUpdate],
// [WebhookOpportunityMonetaryValueUpdate],
// [WebhookOpportunityAssignedToUpdate]); other event types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/OpportunityStatusUpdate/index.html
func (e *WebhookEvent) Opportunity() (*OpportunityEvent, error) {
	var o OpportunityEvent
	if err := e.decodeAs("an opportunity", opportunityEventTypes, &o); err != nil {
		return nil, err
	}
	o.Type = e.Type
	o.LocationID = firstNonEmpty(o.LocationID, e.LocationID)
	o.WebhookMeta.fill(e)
	return &o, nil
}

// MessageEvent is the payload of InboundMessage and OutboundMessage: one
// message of a conversation, on any channel (MessageType: SMS, Email, CALL,
// VoiceMail, GMB, FB, IG, Live Chat, ...). Calls add CallDuration and
// CallStatus; emails add the Email* fields, From, To, CC, BCC and Subject.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/InboundMessage/index.html
type MessageEvent struct {
	// Type is [WebhookInboundMessage] or [WebhookOutboundMessage].
	Type string `json:"type"`
	// LocationID is the conversation's location.
	LocationID string `json:"locationId,omitempty"`
	// MessageID is the message's ID.
	MessageID string `json:"messageId,omitempty"`
	// ConversationID is the message's conversation.
	ConversationID string `json:"conversationId,omitempty"`
	// ContactID is the contact the message is from or to.
	ContactID string `json:"contactId,omitempty"`
	// UserID is the user who sent the message, or the conversation's
	// assigned user.
	UserID string `json:"userId,omitempty"`
	// ConversationProviderID is the conversation provider that carried the
	// message, if any.
	ConversationProviderID string `json:"conversationProviderId,omitempty"`
	// MessageType is the channel, such as "SMS", "Email" or "CALL".
	MessageType string `json:"messageType,omitempty"`
	// Direction is "inbound" or "outbound". (HighLevel's OutboundMessage
	// example shows "inbound".)
	Direction string `json:"direction,omitempty"`
	// Status is the delivery status, such as "delivered", "completed" or
	// "voicemail".
	Status string `json:"status,omitempty"`
	// Source is what sent an outbound message, such as "app" or "workflow".
	Source string `json:"source,omitempty"`
	// Body is the message text (HTML for some emails).
	Body string `json:"body,omitempty"`
	// ContentType is the body's MIME type, such as "text/plain".
	ContentType string `json:"contentType,omitempty"`
	// Attachments is the attachment URLs (a call's recording, a voicemail).
	Attachments WebhookStringList `json:"attachments,omitempty"`
	// DateAdded is when the message was created.
	DateAdded Timestamp `json:"dateAdded,omitzero"`
	// CallDuration is a call's length in seconds, as sent (a number).
	CallDuration json.Number `json:"callDuration,omitempty"`
	// CallStatus is a call's outcome, such as "completed" or "voicemail".
	CallStatus string `json:"callStatus,omitempty"`
	// EmailMessageID is an email's provider message ID.
	EmailMessageID string `json:"emailMessageId,omitempty"`
	// ThreadID groups an email with its replies.
	ThreadID string `json:"threadId,omitempty"`
	// From is an email's sender, such as "Name <a@example.com>".
	From string `json:"from,omitempty"`
	// To is an email's recipients.
	To WebhookStringList `json:"to,omitempty"`
	// CC is an email's copy recipients.
	CC WebhookStringList `json:"cc,omitempty"`
	// BCC is an email's blind-copy recipients.
	BCC WebhookStringList `json:"bcc,omitempty"`
	// Subject is an email's subject.
	Subject string `json:"subject,omitempty"`
	// Phone is the contact's phone number. It, ContactTags and
	// FullNameLowerCase appear in a recorded live InboundMessage but not in
	// HighLevel's documentation (UNVERIFIED).
	Phone string `json:"phone,omitempty"`
	// ContactTags is the contact's tags (see Phone).
	ContactTags WebhookStringList `json:"contact_tags,omitempty"`
	// FullNameLowerCase is the contact's name in lower case (see Phone).
	FullNameLowerCase string `json:"fullNameLowerCase,omitempty"`
	WebhookMeta
}

// Message decodes an [WebhookInboundMessage] or [WebhookOutboundMessage]
// event; other event types are an error (a custom conversation provider's
// outbound message is [WebhookEvent.ProviderOutboundMessage]).
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/OutboundMessage/index.html
func (e *WebhookEvent) Message() (*MessageEvent, error) {
	var m MessageEvent
	if err := e.decodeAs("a message", messageEventTypes, &m); err != nil {
		return nil, err
	}
	m.Type = e.Type
	m.LocationID = firstNonEmpty(m.LocationID, e.LocationID)
	m.WebhookMeta.fill(e)
	return &m, nil
}

// ProviderOutboundMessageEvent is what HighLevel sends to a custom
// conversation provider's delivery URL when a user sends a message through
// it. It has no event type: Type is the channel ("SMS" or "Email"), which
// is also [WebhookEvent.Type].
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/ProviderOutboundMessage/index.html
type ProviderOutboundMessageEvent struct {
	// Type is the channel: "SMS" or "Email".
	Type string `json:"type"`
	// LocationID is the sending location.
	LocationID string `json:"locationId,omitempty"`
	// ContactID is the recipient contact.
	ContactID string `json:"contactId,omitempty"`
	// MessageID is the message's ID, to report its status with.
	MessageID string `json:"messageId,omitempty"`
	// EmailMessageID is an email's message ID.
	EmailMessageID string `json:"emailMessageId,omitempty"`
	// UserID is the sending user.
	UserID string `json:"userId,omitempty"`
	// Phone is an SMS recipient's number.
	Phone string `json:"phone,omitempty"`
	// Message is an SMS's text.
	Message string `json:"message,omitempty"`
	// Attachments is the attachment URLs.
	Attachments WebhookStringList `json:"attachments,omitempty"`
	// EmailTo is an email's recipients (documented as a string, shown as an
	// array: both are read).
	EmailTo WebhookStringList `json:"emailTo,omitempty"`
	// EmailFrom is an email's sender, such as "Name <a@example.com>".
	EmailFrom string `json:"emailFrom,omitempty"`
	// Subject is an email's subject.
	Subject string `json:"subject,omitempty"`
	// HTML is an email's body.
	HTML string `json:"html,omitempty"`
	WebhookMeta
}

// ProviderOutboundMessage decodes a conversation provider's outbound
// message. Its "type" is a channel, so every event whose type is one of
// this package's event types (such as [WebhookOutboundMessage]) is an
// error; any other is decoded.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/ProviderOutboundMessage/index.html
func (e *WebhookEvent) ProviderOutboundMessage() (*ProviderOutboundMessageEvent, error) {
	if slices.Contains(knownEventTypes, e.Type) {
		return nil, &WebhookTypeError{Type: e.Type, Want: "a conversation provider outbound message"}
	}
	var p ProviderOutboundMessageEvent
	if err := e.Decode(&p); err != nil {
		return nil, err
	}
	p.Type = e.Type
	p.LocationID = firstNonEmpty(p.LocationID, e.LocationID)
	p.WebhookMeta.fill(e)
	return &p, nil
}

// ConversationUnreadEvent is the payload of ConversationUnreadWebhook: a
// conversation's unread count or inbox state changed.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/ConversationUnreadWebhook/index.html
type ConversationUnreadEvent struct {
	// Type is [WebhookConversationUnread] (or [WebhookConversationUnreadUpdate]).
	Type string `json:"type"`
	// LocationID is the conversation's location.
	LocationID string `json:"locationId,omitempty"`
	// ID is the conversation's ID.
	ID string `json:"id,omitempty"`
	// ContactID is the conversation's contact.
	ContactID string `json:"contactId,omitempty"`
	// UnreadCount is the number of unread messages; 0 once read.
	UnreadCount int `json:"unreadCount"`
	// Inbox reports whether the conversation is in the inbox.
	Inbox bool `json:"inbox"`
	// Starred reports whether the conversation is starred.
	Starred bool `json:"starred"`
	// Deleted reports whether the conversation was deleted.
	Deleted bool `json:"deleted"`
	WebhookMeta
}

// ConversationUnread decodes a [WebhookConversationUnread] (or
// [WebhookConversationUnreadUpdate]) event; other event types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/ConversationUnreadWebhook/index.html
func (e *WebhookEvent) ConversationUnread() (*ConversationUnreadEvent, error) {
	var c ConversationUnreadEvent
	if err := e.decodeAs("a conversation unread", conversationUnreadEventTypes, &c); err != nil {
		return nil, err
	}
	c.Type = e.Type
	c.LocationID = firstNonEmpty(c.LocationID, e.LocationID)
	c.WebhookMeta.fill(e)
	return &c, nil
}

// WebhookUserPermissions is a user's feature permissions, by name (such as
// "campaignsEnabled", "workflowsReadOnly"); a missing name is false. It is
// read leniently: a value that is not a boolean ("true" and "false" as
// strings are read) is dropped rather than failing the event, and a value
// that is not an object reads as no permissions.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/UserCreate/index.html
type WebhookUserPermissions map[string]bool

// UnmarshalJSON reads an object of booleans and never fails on valid JSON.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/UserCreate/index.html
func (p *WebhookUserPermissions) UnmarshalJSON(data []byte) error {
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil || fields == nil {
		*p = nil
		return nil
	}
	out := make(WebhookUserPermissions, len(fields))
	for name, raw := range fields {
		switch string(bytes.TrimSpace(raw)) {
		case "true", `"true"`:
			out[name] = true
		case "false", `"false"`:
			out[name] = false
		}
	}
	*p = out
	return nil
}

// UserEvent is the payload of UserCreate. A sub-account user carries
// LocationID; an agency user CompanyID and the Locations it can access.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/UserCreate/index.html
type UserEvent struct {
	// Type is [WebhookUserCreate].
	Type string `json:"type"`
	// LocationID is a sub-account user's location.
	LocationID string `json:"locationId,omitempty"`
	// CompanyID is an agency user's agency.
	CompanyID string `json:"companyId,omitempty"`
	// ID is the user's ID.
	ID string `json:"id,omitempty"`
	// FirstName is the user's first name.
	FirstName string `json:"firstName,omitempty"`
	// LastName is the user's last name.
	LastName string `json:"lastName,omitempty"`
	// Email is the user's email address.
	Email string `json:"email,omitempty"`
	// Phone is the user's phone number.
	Phone string `json:"phone,omitempty"`
	// Extension is the user's phone extension.
	Extension string `json:"extension,omitempty"`
	// Role is the user's role, such as "user" or "admin".
	Role string `json:"role,omitempty"`
	// Permissions is the user's feature permissions.
	Permissions WebhookUserPermissions `json:"permissions,omitempty"`
	// Locations is the IDs of the locations the user can access.
	Locations WebhookStringList `json:"locations,omitempty"`
	WebhookMeta
}

// User decodes a [WebhookUserCreate] event; other event types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/UserCreate/index.html
func (e *WebhookEvent) User() (*UserEvent, error) {
	var u UserEvent
	if err := e.decodeAs("a user", userEventTypes, &u); err != nil {
		return nil, err
	}
	u.Type = e.Type
	u.LocationID = firstNonEmpty(u.LocationID, e.LocationID)
	u.CompanyID = firstNonEmpty(u.CompanyID, e.CompanyID)
	u.WebhookMeta.fill(e)
	return &u, nil
}

// LocationEvent is the payload of LocationCreate and LocationUpdate, sent to
// agency-level apps. ID is the sub-account's location ID (the payload has
// no locationId).
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/LocationCreate/index.html
type LocationEvent struct {
	// Type is [WebhookLocationCreate] or [WebhookLocationUpdate].
	Type string `json:"type"`
	// ID is the location's ID.
	ID string `json:"id,omitempty"`
	// CompanyID is the location's agency.
	CompanyID string `json:"companyId,omitempty"`
	// Name is the location's name.
	Name string `json:"name,omitempty"`
	// Email is the location's email address.
	Email string `json:"email,omitempty"`
	// StripeProductID is the Stripe product of the location's SaaS plan, if any.
	StripeProductID string `json:"stripeProductId,omitempty"`
	WebhookMeta
}

// Location decodes a [WebhookLocationCreate] or [WebhookLocationUpdate]
// event; other event types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/LocationUpdate/index.html
func (e *WebhookEvent) Location() (*LocationEvent, error) {
	var l LocationEvent
	if err := e.decodeAs("a location", locationEventTypes, &l); err != nil {
		return nil, err
	}
	l.Type = e.Type
	l.CompanyID = firstNonEmpty(l.CompanyID, e.CompanyID)
	l.WebhookMeta.fill(e)
	return &l, nil
}

// AssociationEvent is the payload of AssociationCreate, AssociationUpdate
// and AssociationDelete: an association is a kind of link between two
// object types (contact, a custom object such as
// "custom_objects.property", ...), which relations
// ([WebhookEvent.Relation]) instantiate between records. HighLevel's
// examples show no "type"; the decoder needs one (UNVERIFIED that it is
// sent).
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/AssociationCreate/index.html
type AssociationEvent struct {
	// Type is [WebhookAssociationCreate], [WebhookAssociationUpdate] or
	// [WebhookAssociationDelete].
	Type string `json:"type"`
	// LocationID is the association's location.
	LocationID string `json:"locationId,omitempty"`
	// ID is the association's ID.
	ID string `json:"id,omitempty"`
	// Key is the association's unique key.
	Key string `json:"key,omitempty"`
	// AssociationType is USER_DEFINED or SYSTEM_DEFINED.
	AssociationType string `json:"associationType,omitempty"`
	// FirstObjectKey is the first object type's key.
	FirstObjectKey string `json:"firstObjectKey,omitempty"`
	// FirstObjectLabel is the first object's label in the association.
	FirstObjectLabel string `json:"firstObjectLabel,omitempty"`
	// FirstObjectToSecondObjectCardinality is such as MANY_TO_MANY
	// (update and delete only).
	FirstObjectToSecondObjectCardinality string `json:"firstObjectToSecondObjectCardinality,omitempty"`
	// SecondObjectKey is the second object type's key.
	SecondObjectKey string `json:"secondObjectKey,omitempty"`
	// SecondObjectLabel is the second object's label in the association.
	SecondObjectLabel string `json:"secondObjectLabel,omitempty"`
	// SecondObjectToFirstObjectCardinality is the reverse cardinality
	// (update and delete only).
	SecondObjectToFirstObjectCardinality string `json:"secondObjectToFirstObjectCardinality,omitempty"`
	WebhookMeta
}

// Association decodes a [WebhookAssociationCreate],
// [WebhookAssociationUpdate] or [WebhookAssociationDelete] event; other
// event types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/AssociationUpdate/index.html
func (e *WebhookEvent) Association() (*AssociationEvent, error) {
	var a AssociationEvent
	if err := e.decodeAs("an association", associationEventTypes, &a); err != nil {
		return nil, err
	}
	a.Type = e.Type
	a.LocationID = firstNonEmpty(a.LocationID, e.LocationID)
	a.WebhookMeta.fill(e)
	return &a, nil
}

// RelationEvent is the payload of RelationCreate and RelationDelete: a
// link, through the association AssociationID, between two records.
// HighLevel's examples show no "type"; the decoder needs one (UNVERIFIED
// that it is sent).
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/RelationCreate/index.html
type RelationEvent struct {
	// Type is [WebhookRelationCreate] or [WebhookRelationDelete].
	Type string `json:"type"`
	// LocationID is the relation's location.
	LocationID string `json:"locationId,omitempty"`
	// ID is the relation's ID.
	ID string `json:"id,omitempty"`
	// AssociationID is the association the relation belongs to.
	AssociationID string `json:"associationId,omitempty"`
	// FirstObjectKey is the first record's object type, such as
	// "custom_objects.property".
	FirstObjectKey string `json:"firstObjectKey,omitempty"`
	// FirstRecordID is the first record's ID.
	FirstRecordID string `json:"firstRecordId,omitempty"`
	// SecondObjectKey is the second record's object type, such as "contact".
	SecondObjectKey string `json:"secondObjectKey,omitempty"`
	// SecondRecordID is the second record's ID.
	SecondRecordID string `json:"secondRecordId,omitempty"`
	WebhookMeta
}

// Relation decodes a [WebhookRelationCreate] or [WebhookRelationDelete]
// event; other event types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/RelationDelete/index.html
func (e *WebhookEvent) Relation() (*RelationEvent, error) {
	var r RelationEvent
	if err := e.decodeAs("a relation", relationEventTypes, &r); err != nil {
		return nil, err
	}
	r.Type = e.Type
	r.LocationID = firstNonEmpty(r.LocationID, e.LocationID)
	r.WebhookMeta.fill(e)
	return &r, nil
}

// CampaignStatusEvent is the payload of CampaignStatusUpdate: a contact's
// status in a campaign changed.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/CampaignStatusUpdate/index.html
type CampaignStatusEvent struct {
	// Type is [WebhookCampaignStatusUpdate].
	Type string `json:"type"`
	// LocationID is the campaign's location.
	LocationID string `json:"locationId,omitempty"`
	// ID is the contact's enrolment in the campaign.
	ID string `json:"id,omitempty"`
	// ContactID is the contact.
	ContactID string `json:"contactId,omitempty"`
	// TemplateID is the campaign.
	TemplateID string `json:"templateId,omitempty"`
	// Status is the contact's status in the campaign, such as "paused".
	Status string `json:"status,omitempty"`
	// Replied is whether the contact replied, as sent: documented as a
	// string and shown empty, so its values are UNVERIFIED.
	Replied json.RawMessage `json:"replied,omitempty"`
	// DateAdded is when the contact was added to the campaign.
	DateAdded Timestamp `json:"dateAdded,omitzero"`
	WebhookMeta
}

// CampaignStatus decodes a [WebhookCampaignStatusUpdate] event; other event
// types are an error.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/CampaignStatusUpdate/index.html
func (e *WebhookEvent) CampaignStatus() (*CampaignStatusEvent, error) {
	var c CampaignStatusEvent
	if err := e.decodeAs("a campaign status", campaignEventTypes, &c); err != nil {
		return nil, err
	}
	c.Type = e.Type
	c.LocationID = firstNonEmpty(c.LocationID, e.LocationID)
	c.WebhookMeta.fill(e)
	return &c, nil
}
