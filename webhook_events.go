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
)

// WebhookEvent is a verified webhook delivery: the fields every payload may
// carry, and the raw body for the typed decoders ([WebhookEvent.Contact],
// [WebhookEvent.Note], [WebhookEvent.Task], [WebhookEvent.Appointment],
// [WebhookEvent.AppInstall]) or [WebhookEvent.Decode].
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

func (e *WebhookEvent) decodeAs(kind string, types []string, v any) error {
	if !slices.Contains(types, e.Type) {
		return fmt.Errorf("ghl: webhook event %q is not %s event", e.Type, kind)
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
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type AppointmentEvent struct {
	// Type is the event type. (HighLevel's examples of AppointmentUpdate and
	// AppointmentDelete wrongly show "AppointmentCreate"; this is the type
	// actually received.)
	Type string `json:"type"`
	// LocationID is the appointment's location.
	LocationID string `json:"locationId,omitempty"`
	// Appointment is the appointment.
	Appointment Appointment `json:"appointment"`
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
