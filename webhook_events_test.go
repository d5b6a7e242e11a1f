package ghl_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// whDecoders are the typed decoders by family: each refuses the events of
// every other family with a *ghl.WebhookTypeError.
var whDecoders = map[string]func(*ghl.WebhookEvent) (any, error){
	"contact":            func(e *ghl.WebhookEvent) (any, error) { return e.Contact() },
	"note":               func(e *ghl.WebhookEvent) (any, error) { return e.Note() },
	"task":               func(e *ghl.WebhookEvent) (any, error) { return e.Task() },
	"appointment":        func(e *ghl.WebhookEvent) (any, error) { return e.Appointment() },
	"install":            func(e *ghl.WebhookEvent) (any, error) { return e.AppInstall() },
	"opportunity":        func(e *ghl.WebhookEvent) (any, error) { return e.Opportunity() },
	"message":            func(e *ghl.WebhookEvent) (any, error) { return e.Message() },
	"provider":           func(e *ghl.WebhookEvent) (any, error) { return e.ProviderOutboundMessage() },
	"conversationUnread": func(e *ghl.WebhookEvent) (any, error) { return e.ConversationUnread() },
	"user":               func(e *ghl.WebhookEvent) (any, error) { return e.User() },
	"location":           func(e *ghl.WebhookEvent) (any, error) { return e.Location() },
	"association":        func(e *ghl.WebhookEvent) (any, error) { return e.Association() },
	"relation":           func(e *ghl.WebhookEvent) (any, error) { return e.Relation() },
	"campaign":           func(e *ghl.WebhookEvent) (any, error) { return e.CampaignStatus() },
}

type whFixture struct {
	file   string
	typ    string     // the event type the envelope reads
	family string     // key of whDecoders
	target func() any // a fresh pointer for the strict decode
	check  func(t *testing.T, v any)
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// whFixtures are the payloads in testdata/webhooks, written for this SDK in
// the shapes HighLevel documents (see each event type's doc comment).
var whFixtures = []whFixture{
	{"OpportunityCreate.json", ghl.WebhookOpportunityCreate, "opportunity", func() any { return new(ghl.OpportunityEvent) }, func(t *testing.T, v any) {
		o := v.(*ghl.OpportunityEvent)
		assert.Equal(t, ghl.WebhookOpportunityCreate, o.Type)
		assert.Equal(t, "Qm3LocZ7tPq2Wv8xYa1B", o.LocationID)
		assert.Equal(t, "Op7Rk2mXv9LbNq4TzW1c", o.ID)
		assert.Equal(t, "Us5Hy8Jk3LmNp0QrSt2u", o.AssignedTo)
		assert.Equal(t, "Ct4Gf7Hj2KlMn9PqRs1t", o.ContactID)
		assert.InDelta(t, 1249.5, o.MonetaryValue, 1e-9)
		assert.Equal(t, "Kitchen remodel", o.Name)
		assert.Equal(t, "Pl2Df5Gh8JkLm1NoPq3r", o.PipelineID)
		assert.Equal(t, "7c1e9a52-3b4d-4f6a-8e2c-91d0b7a4c3e5", o.PipelineStageID)
		assert.Equal(t, "website form", o.Source)
		assert.Equal(t, "open", o.Status)
		assert.True(t, o.DateAdded.Equal(ts("2025-01-27T09:15:30.12Z")))
		assert.Equal(t, "6a1f0c2e9b8d7a6f5e4d3c2b", o.AppID)
		assert.Equal(t, "6a1f0c2e9b8d7a6f5e4d3c2b", o.VersionID)
		assert.Equal(t, "wh-opp-create-0001", o.WebhookID)
		assert.True(t, o.Timestamp.Equal(ts("2025-01-28T14:34:10.5Z")))
	}},
	{"OpportunityUpdate.json", ghl.WebhookOpportunityUpdate, "opportunity", func() any { return new(ghl.OpportunityEvent) }, func(t *testing.T, v any) {
		o := v.(*ghl.OpportunityEvent)
		assert.Equal(t, "Kitchen and bath remodel", o.Name)
		assert.InDelta(t, 1800, o.MonetaryValue, 1e-9)
		assert.Empty(t, o.WebhookID)
		assert.True(t, o.Timestamp.IsZero())
	}},
	{"OpportunityDelete.json", ghl.WebhookOpportunityDelete, "opportunity", func() any { return new(ghl.OpportunityEvent) }, func(t *testing.T, v any) {
		o := v.(*ghl.OpportunityEvent)
		assert.Equal(t, "Op7Rk2mXv9LbNq4TzW1c", o.ID)
		assert.Equal(t, "abandoned", o.Status)
	}},
	{"OpportunityStageUpdate.json", ghl.WebhookOpportunityStageUpdate, "opportunity", func() any { return new(ghl.OpportunityEvent) }, func(t *testing.T, v any) {
		o := v.(*ghl.OpportunityEvent)
		assert.Equal(t, "d4b8e1f2-6a7c-4e3d-9b5a-2c8f0e1d7a64", o.PipelineStageID)
		assert.Equal(t, "Pl2Df5Gh8JkLm1NoPq3r", o.PipelineID)
	}},
	{"OpportunityStatusUpdate.json", ghl.WebhookOpportunityStatusUpdate, "opportunity", func() any { return new(ghl.OpportunityEvent) }, func(t *testing.T, v any) {
		assert.Equal(t, "won", v.(*ghl.OpportunityEvent).Status)
	}},
	{"OpportunityMonetaryValueUpdate.json", ghl.WebhookOpportunityMonetaryValueUpdate, "opportunity", func() any { return new(ghl.OpportunityEvent) }, func(t *testing.T, v any) {
		assert.InDelta(t, 2350.75, v.(*ghl.OpportunityEvent).MonetaryValue, 1e-9)
	}},
	{"OpportunityAssignedToUpdate.json", ghl.WebhookOpportunityAssignedToUpdate, "opportunity", func() any { return new(ghl.OpportunityEvent) }, func(t *testing.T, v any) {
		assert.Equal(t, "Us9Zx2Cv4BnMq7WeRt6y", v.(*ghl.OpportunityEvent).AssignedTo)
	}},
	{"InboundMessage.json", ghl.WebhookInboundMessage, "message", func() any { return new(ghl.MessageEvent) }, func(t *testing.T, v any) {
		m := v.(*ghl.MessageEvent)
		assert.Equal(t, ghl.WebhookInboundMessage, m.Type)
		assert.Equal(t, "Qm3LocZ7tPq2Wv8xYa1B", m.LocationID)
		assert.Equal(t, ghl.WebhookStringList{}, m.Attachments, "[] is an empty, non-nil list")
		assert.Equal(t, "Is Thursday still good?", m.Body)
		assert.Equal(t, "Ct4Gf7Hj2KlMn9PqRs1t", m.ContactID)
		assert.Equal(t, "text/plain", m.ContentType)
		assert.Equal(t, "Cv8Nb3Mq6WpLk2Jh5Gf4", m.ConversationID)
		assert.True(t, m.DateAdded.Equal(ts("2025-01-28T14:33:58.204Z")))
		assert.Equal(t, "inbound", m.Direction)
		assert.Equal(t, "SMS", m.MessageType)
		assert.Equal(t, "delivered", m.Status)
		assert.Equal(t, "Pv1Qw2Er3Ty4Ui5Op6As", m.ConversationProviderID)
		assert.Equal(t, "Ms2Kd8Lf4Jg6Hh0Pz3Xc", m.MessageID)
		assert.Equal(t, "wh-inbound-sms-0001", m.WebhookID)
		assert.True(t, m.Timestamp.Equal(ts("2025-01-28T14:34:00Z")))
	}},
	{"InboundMessage_live.json", ghl.WebhookInboundMessage, "message", func() any { return new(ghl.MessageEvent) }, func(t *testing.T, v any) {
		m := v.(*ghl.MessageEvent)
		assert.Equal(t, ghl.WebhookStringList{"https://storage.example.com/Qm3LocZ7tPq2Wv8xYa1B/contact/Ct4Gf7Hj2KlMn9PqRs1t/photo_1.jpg"}, m.Attachments)
		assert.Equal(t, "IG", m.MessageType)
		assert.Equal(t, "Us5Hy8Jk3LmNp0QrSt2u", m.UserID)
		assert.Equal(t, ghl.WebhookStringList{"remodel", "hot lead"}, m.ContactTags)
		assert.Equal(t, "+15555550142", m.Phone)
		assert.Equal(t, "dana whitfield", m.FullNameLowerCase)
		assert.Equal(t, "6a1f0c2e9b8d7a6f5e4d3c2b", m.AppID)
		assert.Equal(t, "6a1f0c2e9b8d7a6f5e4d3c2c", m.VersionID)
	}},
	{"InboundMessage_email.json", ghl.WebhookInboundMessage, "message", func() any { return new(ghl.MessageEvent) }, func(t *testing.T, v any) {
		m := v.(*ghl.MessageEvent)
		assert.Equal(t, "Email", m.MessageType)
		assert.Equal(t, "text/html", m.ContentType)
		assert.Equal(t, "Ms7Em1Al2Bo3Dy4Qx5Zw", m.MessageID)
		assert.Equal(t, "<CAF1x2y3z4@mail.example.com>", m.EmailMessageID)
		assert.Equal(t, "Th3Rd9Ab8Cd7Ef6Gh5Ij", m.ThreadID)
		assert.Equal(t, "Dana Whitfield <dana@example.com>", m.From)
		assert.Equal(t, ghl.WebhookStringList{"quotes@remodelers.example"}, m.To)
		assert.Equal(t, ghl.WebhookStringList{"office@remodelers.example"}, m.CC)
		assert.Empty(t, m.BCC)
		assert.Equal(t, "Re: Your quote", m.Subject)
	}},
	{"OutboundMessage.json", ghl.WebhookOutboundMessage, "message", func() any { return new(ghl.MessageEvent) }, func(t *testing.T, v any) {
		m := v.(*ghl.MessageEvent)
		assert.Equal(t, ghl.WebhookOutboundMessage, m.Type)
		assert.Equal(t, "outbound", m.Direction)
		assert.Equal(t, "app", m.Source)
		assert.Equal(t, "Ms9Ob4Vt6Rn8Yp1Qz2Wx", m.MessageID)
		assert.Equal(t, "Us5Hy8Jk3LmNp0QrSt2u", m.UserID)
	}},
	{"OutboundMessage_call.json", ghl.WebhookOutboundMessage, "message", func() any { return new(ghl.MessageEvent) }, func(t *testing.T, v any) {
		m := v.(*ghl.MessageEvent)
		assert.Equal(t, "CALL", m.MessageType)
		assert.Equal(t, "completed", m.Status)
		assert.Equal(t, "voicemail", m.CallStatus)
		sec, err := m.CallDuration.Int64()
		require.NoError(t, err)
		assert.Equal(t, int64(187), sec)
		assert.Equal(t, ghl.WebhookStringList{"https://storage.example.com/recordings/call-8812.wav"}, m.Attachments)
	}},
	{"ProviderOutboundMessage_sms.json", "SMS", "provider", func() any { return new(ghl.ProviderOutboundMessageEvent) }, func(t *testing.T, v any) {
		p := v.(*ghl.ProviderOutboundMessageEvent)
		assert.Equal(t, "SMS", p.Type)
		assert.Equal(t, "Ct4Gf7Hj2KlMn9PqRs1t", p.ContactID)
		assert.Equal(t, "Qm3LocZ7tPq2Wv8xYa1B", p.LocationID)
		assert.Equal(t, "Ms6Pr0Vd1Sm2Sg3Qw4Er", p.MessageID)
		assert.Equal(t, "+15555550142", p.Phone)
		assert.Equal(t, "Your appointment is confirmed for Thursday 10:00.", p.Message)
		assert.Equal(t, ghl.WebhookStringList{"https://storage.example.com/maps/route.png"}, p.Attachments)
		assert.Equal(t, "Us5Hy8Jk3LmNp0QrSt2u", p.UserID)
	}},
	{"ProviderOutboundMessage_email.json", "Email", "provider", func() any { return new(ghl.ProviderOutboundMessageEvent) }, func(t *testing.T, v any) {
		p := v.(*ghl.ProviderOutboundMessageEvent)
		assert.Equal(t, "Email", p.Type)
		assert.Equal(t, "Ms8Pr2Ve3Em4Ai5Lx6Yz", p.EmailMessageID)
		assert.Equal(t, ghl.WebhookStringList{"dana@example.com"}, p.EmailTo)
		assert.Equal(t, "Remodelers <quotes@remodelers.example>", p.EmailFrom)
		assert.Equal(t, "<p>Your quote is attached.</p>", p.HTML)
		assert.Equal(t, "Your quote", p.Subject)
	}},
	{"ConversationUnreadWebhook.json", ghl.WebhookConversationUnread, "conversationUnread", func() any { return new(ghl.ConversationUnreadEvent) }, func(t *testing.T, v any) {
		c := v.(*ghl.ConversationUnreadEvent)
		assert.Equal(t, ghl.WebhookConversationUnread, c.Type)
		assert.Equal(t, "Cv8Nb3Mq6WpLk2Jh5Gf4", c.ID)
		assert.Equal(t, "Ct4Gf7Hj2KlMn9PqRs1t", c.ContactID)
		assert.Equal(t, 3, c.UnreadCount)
		assert.True(t, c.Inbox)
		assert.False(t, c.Starred)
		assert.False(t, c.Deleted)
		assert.Equal(t, "wh-unread-0001", c.WebhookID)
	}},
	{"UserCreate.json", ghl.WebhookUserCreate, "user", func() any { return new(ghl.UserEvent) }, func(t *testing.T, v any) {
		u := v.(*ghl.UserEvent)
		assert.Equal(t, ghl.WebhookUserCreate, u.Type)
		assert.Equal(t, "Qm3LocZ7tPq2Wv8xYa1B", u.LocationID)
		assert.Empty(t, u.CompanyID)
		assert.Equal(t, "Us9Zx2Cv4BnMq7WeRt6y", u.ID)
		assert.Equal(t, "Priya", u.FirstName)
		assert.Equal(t, "Raman", u.LastName)
		assert.Equal(t, "priya@remodelers.example", u.Email)
		assert.Equal(t, "+15555550177", u.Phone)
		assert.Equal(t, "204", u.Extension)
		assert.Equal(t, "user", u.Role)
		assert.Len(t, u.Permissions, 37, "every documented permission")
		assert.True(t, u.Permissions["campaignsReadOnly"])
		assert.True(t, u.Permissions["workflowsReadOnly"])
		assert.False(t, u.Permissions["paymentsEnabled"])
		assert.Nil(t, u.Locations)
	}},
	{"UserCreate_agency.json", ghl.WebhookUserCreate, "user", func() any { return new(ghl.UserEvent) }, func(t *testing.T, v any) {
		u := v.(*ghl.UserEvent)
		assert.Empty(t, u.LocationID)
		assert.Equal(t, "Co1Ag2En3Cy4Id5Xy6Zq", u.CompanyID)
		assert.Equal(t, "admin", u.Role)
		assert.Equal(t, ghl.WebhookUserPermissions{"campaignsEnabled": true, "workflowsEnabled": true, "settingsEnabled": true, "paymentsEnabled": true}, u.Permissions)
		assert.Equal(t, ghl.WebhookStringList{"Qm3LocZ7tPq2Wv8xYa1B", "Lc8Se5Co6Nd7Lo8Ca9Tn"}, u.Locations)
	}},
	{"LocationCreate.json", ghl.WebhookLocationCreate, "location", func() any { return new(ghl.LocationEvent) }, func(t *testing.T, v any) {
		l := v.(*ghl.LocationEvent)
		assert.Equal(t, ghl.WebhookLocationCreate, l.Type)
		assert.Equal(t, "Lc8Se5Co6Nd7Lo8Ca9Tn", l.ID)
		assert.Equal(t, "Co1Ag2En3Cy4Id5Xy6Zq", l.CompanyID)
		assert.Equal(t, "Bellini Plumbing", l.Name)
		assert.Equal(t, "hello@bellini-plumbing.example", l.Email)
		assert.Equal(t, "prod_Q1w2E3r4T5y6U7", l.StripeProductID)
	}},
	{"LocationUpdate.json", ghl.WebhookLocationUpdate, "location", func() any { return new(ghl.LocationEvent) }, func(t *testing.T, v any) {
		l := v.(*ghl.LocationEvent)
		assert.Equal(t, "Bellini Plumbing & Heating", l.Name)
		assert.Equal(t, "wh-location-update-0001", l.WebhookID)
	}},
	{"AssociationCreate.json", ghl.WebhookAssociationCreate, "association", func() any { return new(ghl.AssociationEvent) }, func(t *testing.T, v any) {
		a := v.(*ghl.AssociationEvent)
		assert.Equal(t, ghl.WebhookAssociationCreate, a.Type)
		assert.Equal(t, "7b2e91c04d5f6a7b8c9d0e1f", a.ID)
		assert.Equal(t, "USER_DEFINED", a.AssociationType)
		assert.Equal(t, "custom_objects.pets", a.FirstObjectKey)
		assert.Equal(t, "Pet", a.FirstObjectLabel)
		assert.Equal(t, "contact", a.SecondObjectKey)
		assert.Equal(t, "Owner", a.SecondObjectLabel)
		assert.Equal(t, "pet_owner", a.Key)
		assert.Equal(t, "Qm3LocZ7tPq2Wv8xYa1B", a.LocationID)
		assert.Empty(t, a.FirstObjectToSecondObjectCardinality)
	}},
	{"AssociationUpdate.json", ghl.WebhookAssociationUpdate, "association", func() any { return new(ghl.AssociationEvent) }, func(t *testing.T, v any) {
		a := v.(*ghl.AssociationEvent)
		assert.Equal(t, "MANY_TO_ONE", a.FirstObjectToSecondObjectCardinality)
		assert.Equal(t, "ONE_TO_MANY", a.SecondObjectToFirstObjectCardinality)
		assert.Equal(t, "Primary owner", a.SecondObjectLabel)
	}},
	{"AssociationDelete.json", ghl.WebhookAssociationDelete, "association", func() any { return new(ghl.AssociationEvent) }, func(t *testing.T, v any) {
		assert.Equal(t, ghl.WebhookAssociationDelete, v.(*ghl.AssociationEvent).Type)
	}},
	{"RelationCreate.json", ghl.WebhookRelationCreate, "relation", func() any { return new(ghl.RelationEvent) }, func(t *testing.T, v any) {
		r := v.(*ghl.RelationEvent)
		assert.Equal(t, ghl.WebhookRelationCreate, r.Type)
		assert.Equal(t, "8c3f02d15e6a7b8c9d0e1f2a", r.ID)
		assert.Equal(t, "custom_objects.pets", r.FirstObjectKey)
		assert.Equal(t, "6d4a1b2c3e5f708192a3b4c5", r.FirstRecordID)
		assert.Equal(t, "contact", r.SecondObjectKey)
		assert.Equal(t, "Ct4Gf7Hj2KlMn9PqRs1t", r.SecondRecordID)
		assert.Equal(t, "7b2e91c04d5f6a7b8c9d0e1f", r.AssociationID)
		assert.Equal(t, "Qm3LocZ7tPq2Wv8xYa1B", r.LocationID)
	}},
	{"RelationDelete.json", ghl.WebhookRelationDelete, "relation", func() any { return new(ghl.RelationEvent) }, func(t *testing.T, v any) {
		r := v.(*ghl.RelationEvent)
		assert.Equal(t, ghl.WebhookRelationDelete, r.Type)
		assert.Equal(t, "wh-relation-delete-0001", r.WebhookID)
		assert.True(t, r.Timestamp.Equal(ts("2025-01-28T14:35:02Z")))
	}},
	{"CampaignStatusUpdate.json", ghl.WebhookCampaignStatusUpdate, "campaign", func() any { return new(ghl.CampaignStatusEvent) }, func(t *testing.T, v any) {
		c := v.(*ghl.CampaignStatusEvent)
		assert.Equal(t, ghl.WebhookCampaignStatusUpdate, c.Type)
		assert.Equal(t, "Ce5Nr6Ol7Me8Nt9Id0Xq", c.ID)
		assert.Equal(t, "Ct4Gf7Hj2KlMn9PqRs1t", c.ContactID)
		assert.Equal(t, "paused", c.Status)
		assert.Equal(t, "Tp1Ca2Mp3Ai4Gn5Id6Wq", c.TemplateID)
		assert.JSONEq(t, `""`, string(c.Replied))
		assert.True(t, c.DateAdded.Equal(ts("2025-01-20T08:00:00Z")))
	}},
	{"AppointmentUpdate.json", ghl.WebhookAppointmentUpdate, "appointment", func() any { return new(ghl.AppointmentEvent) }, func(t *testing.T, v any) {
		a := v.(*ghl.AppointmentEvent)
		assert.Equal(t, ghl.WebhookAppointmentUpdate, a.Type)
		ap := a.Appointment
		assert.Equal(t, "Ap6Mt7Ke8Nd9Xy0Zq1Wr", ap.ID)
		assert.Equal(t, "https://meet.example.com/kitchen-visit", ap.Address)
		assert.Equal(t, "On-site measure", ap.Title)
		assert.Equal(t, "Cl2Nd3Ar4Id5Xy6Zq7Wr", ap.CalendarID)
		assert.Equal(t, "Ct4Gf7Hj2KlMn9PqRs1t", ap.ContactID)
		assert.Equal(t, "Gp3Rp4Id5Xy6Zq7Wr8Ts", ap.GroupID)
		assert.Equal(t, "confirmed", ap.AppointmentStatus)
		assert.Equal(t, "Us5Hy8Jk3LmNp0QrSt2u", ap.AssignedUserID)
		assert.Equal(t, []string{"Us5Hy8Jk3LmNp0QrSt2u", "Us9Zx2Cv4BnMq7WeRt6y"}, ap.Users)
		assert.Equal(t, "Bring the tile samples", ap.Notes)
		assert.Equal(t, "booking_widget", ap.Source)
		assert.True(t, ap.StartTime.Equal(ts("2025-01-30T15:00:00Z")))
		assert.True(t, ap.EndTime.Equal(ts("2025-01-30T16:00:00Z")))
		assert.True(t, ap.DateAdded.Equal(ts("2025-01-28T19:00:00Z")))
		assert.True(t, ap.DateUpdated.Equal(ts("2025-01-28T19:30:00Z")))
		assert.Equal(t, "Qm3LocZ7tPq2Wv8xYa1B", ap.LocationID, "filled from the event")
		assert.Equal(t, "6a1f0c2e9b8d7a6f5e4d3c2b", a.AppID)
		assert.Equal(t, "wh-appt-update-0001", a.WebhookID)
	}},
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "webhooks", name))
	require.NoError(t, err)
	return b
}

// decodeStrict decodes body into v refusing any field v does not model.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

func verifyBody(t *testing.T, body []byte) *ghl.WebhookEvent {
	t.Helper()
	ev, err := newTestVerifier(t).Verify(context.Background(), edHeader(body), body)
	require.NoError(t, err)
	return ev
}

// wrapInData moves the fields of a flat payload into a "data" object, the
// form of the guide's curl example, keeping the keys in top (the envelope)
// outside it.
func wrapInData(t *testing.T, flat []byte, top ...string) []byte {
	t.Helper()
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(flat, &fields))
	outer := map[string]any{}
	for _, k := range top {
		if v, ok := fields[k]; ok {
			outer[k] = v
			delete(fields, k)
		}
	}
	outer["data"] = fields
	b, err := json.Marshal(outer)
	require.NoError(t, err)
	return b
}

func TestWebhookFixturesCoverEveryFile(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "webhooks", "*.json"))
	require.NoError(t, err)
	tested := map[string]bool{"ContactCreate.json": true} // TestWebhookContactCreateDocExample
	for _, f := range whFixtures {
		tested[f.file] = true
	}
	for _, f := range files {
		assert.True(t, tested[filepath.Base(f)], "fixture %s has no test", f)
	}
	// Every new event type has a fixture.
	types := map[string]bool{}
	for _, f := range whFixtures {
		types[f.typ] = true
	}
	for _, typ := range []string{
		ghl.WebhookOpportunityCreate, ghl.WebhookOpportunityUpdate, ghl.WebhookOpportunityDelete,
		ghl.WebhookOpportunityStageUpdate, ghl.WebhookOpportunityStatusUpdate,
		ghl.WebhookOpportunityMonetaryValueUpdate, ghl.WebhookOpportunityAssignedToUpdate,
		ghl.WebhookInboundMessage, ghl.WebhookOutboundMessage, ghl.WebhookConversationUnread,
		ghl.WebhookUserCreate, ghl.WebhookLocationCreate, ghl.WebhookLocationUpdate,
		ghl.WebhookAssociationCreate, ghl.WebhookAssociationUpdate, ghl.WebhookAssociationDelete,
		ghl.WebhookRelationCreate, ghl.WebhookRelationDelete, ghl.WebhookCampaignStatusUpdate,
	} {
		assert.True(t, types[typ], "no fixture of %s", typ)
	}
}

func TestWebhookTypedEvents(t *testing.T) {
	for _, f := range whFixtures {
		t.Run(strings.TrimSuffix(f.file, ".json"), func(t *testing.T) {
			body := readFixture(t, f.file)

			// Every field of the fixture is modelled.
			require.NoError(t, decodeStrict(body, f.target()), "a fixture field is not modelled")

			ev := verifyBody(t, body)
			require.Equal(t, f.typ, ev.Type)
			got, err := whDecoders[f.family](ev)
			require.NoError(t, err)
			f.check(t, got)

			// Every other decoder refuses it with a typed error.
			for name, dec := range whDecoders {
				if name == f.family {
					continue
				}
				v, err := dec(ev)
				var te *ghl.WebhookTypeError
				require.ErrorAs(t, err, &te, "%s decoded a %s", name, f.typ)
				assert.Equal(t, f.typ, te.Type)
				assert.Contains(t, err.Error(), fmt.Sprintf("%q is not", f.typ))
				assert.True(t, isNilPointer(v), "%s returned a value with its error", name)
			}

			// The "data"-wrapped forms decode to the same event: with the
			// envelope outside, and with everything inside.
			for _, top := range [][]string{{"type", "timestamp", "webhookId"}, nil} {
				wrapped := verifyBody(t, wrapInData(t, body, top...))
				assert.Equal(t, ev.Type, wrapped.Type)
				assert.Equal(t, ev.WebhookID, wrapped.WebhookID)
				assert.Equal(t, ev.LocationID, wrapped.LocationID)
				assert.Equal(t, ev.CompanyID, wrapped.CompanyID)
				fromData, err := whDecoders[f.family](wrapped)
				require.NoError(t, err)
				assert.Equal(t, got, fromData, "envelope outside data: %v", top != nil)
			}
		})
	}
}

func isNilPointer(v any) bool {
	switch p := v.(type) {
	case nil:
		return true
	case *ghl.ContactEvent:
		return p == nil
	case *ghl.NoteEvent:
		return p == nil
	case *ghl.TaskEvent:
		return p == nil
	case *ghl.AppointmentEvent:
		return p == nil
	case *ghl.AppInstallEvent:
		return p == nil
	case *ghl.OpportunityEvent:
		return p == nil
	case *ghl.MessageEvent:
		return p == nil
	case *ghl.ProviderOutboundMessageEvent:
		return p == nil
	case *ghl.ConversationUnreadEvent:
		return p == nil
	case *ghl.UserEvent:
		return p == nil
	case *ghl.LocationEvent:
		return p == nil
	case *ghl.AssociationEvent:
		return p == nil
	case *ghl.RelationEvent:
		return p == nil
	case *ghl.CampaignStatusEvent:
		return p == nil
	}
	return false
}

func TestWebhookTypedEventsFillFromEnvelope(t *testing.T) {
	// A webhookId and timestamp read by the envelope from "data" reach the
	// event; so does a locationId given only outside "data".
	body := []byte(`{"locationId":"L1","data":{"type":"OpportunityStatusUpdate","id":"O1","status":"lost","webhookId":"w-env","timestamp":"2025-01-28T14:35:00Z"}}`)
	o, err := verifyBody(t, body).Opportunity()
	require.NoError(t, err)
	assert.Equal(t, "L1", o.LocationID)
	assert.Equal(t, "O1", o.ID)
	assert.Equal(t, "lost", o.Status)
	assert.Equal(t, "w-env", o.WebhookID)
	assert.True(t, o.Timestamp.Equal(whNow))

	// An agency user's companyId outside data.
	u, err := verifyBody(t, []byte(`{"companyId":"C1","data":{"type":"UserCreate","id":"U1"}}`)).User()
	require.NoError(t, err)
	assert.Equal(t, "C1", u.CompanyID)

	// The unverified ConversationUnreadUpdate spelling is read too.
	c, err := verifyBody(t, []byte(`{"type":"ConversationUnreadUpdate","locationId":"L","id":"Cv","unreadCount":0,"starred":true}`)).ConversationUnread()
	require.NoError(t, err)
	assert.Equal(t, ghl.WebhookConversationUnreadUpdate, c.Type)
	assert.True(t, c.Starred)
}

func TestWebhookProviderOutboundMessageRefusesEventTypes(t *testing.T) {
	for _, typ := range []string{ghl.WebhookOutboundMessage, ghl.WebhookInboundMessage, ghl.WebhookContactCreate, ghl.WebhookInstall, ghl.WebhookRelationDelete} {
		_, err := verifyBody(t, []byte(`{"type":"`+typ+`","messageId":"m"}`)).ProviderOutboundMessage()
		var te *ghl.WebhookTypeError
		require.ErrorAs(t, err, &te, typ)
		assert.Equal(t, typ, te.Type)
	}
	// A channel it has never seen is still decoded.
	p, err := verifyBody(t, []byte(`{"type":"WhatsApp","messageId":"m","message":"hi"}`)).ProviderOutboundMessage()
	require.NoError(t, err)
	assert.Equal(t, "WhatsApp", p.Type)
	assert.Equal(t, "hi", p.Message)
}

func TestWebhookEventsTolerateOddValues(t *testing.T) {
	// One odd value never fails the event: lists and permissions are read
	// leniently.
	m, err := verifyBody(t, []byte(`{"type":"InboundMessage","locationId":"L","attachments":[{"url":"https://x.example/a.png","type":"image/png"},null,"https://x.example/b.png"],"to":"one@example.com","cc":null,"bcc":"","contact_tags":7,"body":"b"}`)).Message()
	require.NoError(t, err)
	assert.Equal(t, ghl.WebhookStringList{`{"url":"https://x.example/a.png","type":"image/png"}`, "https://x.example/b.png"}, m.Attachments)
	assert.Equal(t, ghl.WebhookStringList{"one@example.com"}, m.To)
	assert.Nil(t, m.CC)
	assert.Nil(t, m.BCC)
	assert.Equal(t, ghl.WebhookStringList{"7"}, m.ContactTags)

	u, err := verifyBody(t, []byte(`{"type":"UserCreate","id":"U","permissions":{"a":true,"b":"true","c":"false","d":1,"e":null,"f":{}},"locations":"L1"}`)).User()
	require.NoError(t, err)
	assert.Equal(t, ghl.WebhookUserPermissions{"a": true, "b": true, "c": false}, u.Permissions)
	assert.Equal(t, ghl.WebhookStringList{"L1"}, u.Locations)
	u, err = verifyBody(t, []byte(`{"type":"UserCreate","id":"U","permissions":["campaignsEnabled"]}`)).User()
	require.NoError(t, err)
	assert.Nil(t, u.Permissions)

	c, err := verifyBody(t, []byte(`{"type":"CampaignStatusUpdate","id":"C","replied":true}`)).CampaignStatus()
	require.NoError(t, err)
	assert.JSONEq(t, `true`, string(c.Replied))

	// A value of the wrong type for a plain field is still an error, named
	// by the event type.
	_, err = verifyBody(t, []byte(`{"type":"OpportunityCreate","id":"O","monetaryValue":"a lot"}`)).Opportunity()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "OpportunityCreate")
	assert.NotErrorAs(t, err, new(*ghl.WebhookTypeError))
}

func TestWebhookStringListEncodes(t *testing.T) {
	// It encodes as a plain array (null when nil), so events re-encode.
	b, err := json.Marshal(struct {
		A ghl.WebhookStringList `json:"a"`
		B ghl.WebhookStringList `json:"b"`
	}{A: ghl.WebhookStringList{"x", "y"}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":["x","y"],"b":null}`, string(b))
}

// FuzzWebhookStringList checks that any valid JSON decodes into the lenient
// webhook types without error. Fuzz it with:
// go test -run '^$' -fuzz '^FuzzWebhookStringList$' -fuzztime 30s .
func FuzzWebhookStringList(f *testing.F) {
	for _, s := range []string{`null`, `""`, `"a"`, `[]`, `["a","b"]`, `[1,{"x":1},null,"s",[2]]`, `7`, `true`, `{"k":true}`, `{"k":"false","j":3}`, ` [ "\u00e9" ] `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var l ghl.WebhookStringList
		if err := json.Unmarshal(data, &l); err != nil {
			t.Fatalf("WebhookStringList refused %q: %v", data, err)
		}
		var p ghl.WebhookUserPermissions
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("WebhookUserPermissions refused %q: %v", data, err)
		}
		// Inside an event too.
		body := append(append([]byte(`{"type":"UserCreate","permissions":`), data...), `,"locations":`...)
		body = append(append(body, data...), '}')
		var u ghl.UserEvent
		if err := json.Unmarshal(body, &u); err != nil {
			t.Fatalf("UserEvent refused %q: %v", body, err)
		}
	})
}

func TestWebhookTypedEventsThroughHandler(t *testing.T) {
	// The emulator signs each fixture (stamping a webhookId and timestamp
	// where it has none) and posts it to the verifier's Handler, whose
	// callback routes on the type.
	clk := ghltest.NewManualClock(whNow)
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now))
	defer srv.Close()
	v, err := ghl.NewWebhookVerifier(ghl.WithWebhookPublicKey(srv.WebhookPublicKey()), ghl.WithWebhookClock(clk.Now))
	require.NoError(t, err)

	var mu sync.Mutex
	seen := map[string]string{} // webhookId -> what the callback read
	app := newRoutingApp(t, v, func(ev *ghl.WebhookEvent) (string, error) {
		switch ev.Type {
		case ghl.WebhookOpportunityCreate, ghl.WebhookOpportunityUpdate, ghl.WebhookOpportunityDelete,
			ghl.WebhookOpportunityStageUpdate, ghl.WebhookOpportunityStatusUpdate,
			ghl.WebhookOpportunityMonetaryValueUpdate, ghl.WebhookOpportunityAssignedToUpdate:
			o, err := ev.Opportunity()
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("opportunity %s %s %.2f", o.ID, o.Status, o.MonetaryValue), nil
		case ghl.WebhookInboundMessage, ghl.WebhookOutboundMessage:
			m, err := ev.Message()
			if err != nil {
				return "", err
			}
			return "message " + m.Direction + " " + m.MessageType, nil
		case ghl.WebhookConversationUnread:
			c, err := ev.ConversationUnread()
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("unread %s %d", c.ID, c.UnreadCount), nil
		case ghl.WebhookUserCreate:
			u, err := ev.User()
			if err != nil {
				return "", err
			}
			return "user " + u.Email, nil
		case ghl.WebhookLocationCreate, ghl.WebhookLocationUpdate:
			l, err := ev.Location()
			if err != nil {
				return "", err
			}
			return "location " + l.Name, nil
		case ghl.WebhookAssociationCreate, ghl.WebhookAssociationUpdate, ghl.WebhookAssociationDelete:
			a, err := ev.Association()
			if err != nil {
				return "", err
			}
			return "association " + a.Key, nil
		case ghl.WebhookRelationCreate, ghl.WebhookRelationDelete:
			r, err := ev.Relation()
			if err != nil {
				return "", err
			}
			return "relation " + r.FirstRecordID + "-" + r.SecondRecordID, nil
		case ghl.WebhookCampaignStatusUpdate:
			c, err := ev.CampaignStatus()
			if err != nil {
				return "", err
			}
			return "campaign " + c.Status, nil
		case ghl.WebhookAppointmentUpdate:
			a, err := ev.Appointment()
			if err != nil {
				return "", err
			}
			return "appointment " + a.Appointment.Title, nil
		default:
			p, err := ev.ProviderOutboundMessage()
			if err != nil {
				return "", err
			}
			return "provider " + p.Type + " " + p.MessageID, nil
		}
	}, func(id, what string) {
		mu.Lock()
		seen[id] = what
		mu.Unlock()
	})

	ctx := context.Background()
	for _, f := range whFixtures {
		body, err := srv.WebhookBody(json.RawMessage(readFixture(t, f.file)))
		require.NoError(t, err)
		resp, err := srv.PostWebhook(ctx, app.URL, body)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusOK, resp.StatusCode, f.file)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, seen, len(whFixtures), "one callback per delivery")
	got := make([]string, 0, len(seen))
	for _, what := range seen {
		got = append(got, what)
	}
	for _, want := range []string{
		"opportunity Op7Rk2mXv9LbNq4TzW1c won 1800.00",
		"opportunity Op7Rk2mXv9LbNq4TzW1c open 2350.75",
		"message inbound Email",
		"message outbound CALL",
		"provider SMS Ms6Pr0Vd1Sm2Sg3Qw4Er",
		"provider Email Ms8Pr2Ve3Em4Ai5Lx6Yz",
		"unread Cv8Nb3Mq6WpLk2Jh5Gf4 3",
		"user marco@agency.example",
		"location Bellini Plumbing & Heating",
		"association pet_owner",
		"relation 6d4a1b2c3e5f708192a3b4c5-Ct4Gf7Hj2KlMn9PqRs1t",
		"campaign paused",
		"appointment On-site measure",
	} {
		assert.True(t, slices.Contains(got, want), "no callback read %q in %q", want, got)
	}
}

// newRoutingApp serves v's Handler; its callback reads each event with read
// and records the result under the event's webhookId.
func newRoutingApp(t *testing.T, v *ghl.WebhookVerifier, read func(*ghl.WebhookEvent) (string, error), record func(id, what string)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(v.Handler(func(ctx context.Context, ev *ghl.WebhookEvent) error {
		what, err := read(ev)
		if err != nil {
			return err
		}
		record(ev.WebhookID, what)
		return nil
	}))
	t.Cleanup(srv.Close)
	return srv
}
