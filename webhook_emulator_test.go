package ghl_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// TestWebhooksFromEmulatorWrites runs an app's webhook endpoint (the SDK's
// verifier Handler, strict: webhookId and timestamp required, a deduper,
// the emulator's key and clock) as the emulator's registered URL, makes
// writes through the SDK, and checks that every delivery the writes cause
// verifies and decodes with the typed decoders. The callback fails the
// first ContactCreate, so the emulator's retry (same webhookId) must pass
// the deduper.
func TestWebhooksFromEmulatorWrites(t *testing.T) {
	clk := ghltest.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now), ghltest.WithRateLimit(0, 0, 0))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Hooks")
	v, err := ghl.NewWebhookVerifier(ghl.WithWebhookPublicKey(srv.WebhookPublicKey()), ghl.WithWebhookClock(clk.Now),
		ghl.WithWebhookRequireID(), ghl.WithWebhookRequireTimestamp(),
		ghl.WithWebhookDeduper(ghl.NewMemoryWebhookDeduper(0, 0, clk.Now)))
	require.NoError(t, err)

	var mu sync.Mutex
	var seen []string // "<type> <what the decoder read>"
	failed := false
	app := httptest.NewServer(v.Handler(func(ctx context.Context, ev *ghl.WebhookEvent) error {
		var what string
		switch ev.Type {
		case ghl.WebhookContactCreate, ghl.WebhookContactUpdate, ghl.WebhookContactTagUpdate, ghl.WebhookContactDelete:
			c, err := ev.Contact()
			if err != nil {
				return err
			}
			what = fmt.Sprintf("%s %s %s %v", c.ID, c.FirstName, c.City, c.Tags)
		case ghl.WebhookNoteCreate:
			n, err := ev.Note()
			if err != nil {
				return err
			}
			what = n.ContactID + " " + n.Body
		case ghl.WebhookTaskCreate, ghl.WebhookTaskComplete:
			k, err := ev.Task()
			if err != nil {
				return err
			}
			what = fmt.Sprintf("%s %s %v", k.ContactID, k.Title, k.Completed)
		case ghl.WebhookOpportunityCreate, ghl.WebhookOpportunityStatusUpdate:
			o, err := ev.Opportunity()
			if err != nil {
				return err
			}
			what = fmt.Sprintf("%s %s %.2f", o.ContactID, o.Status, o.MonetaryValue)
		case ghl.WebhookInboundMessage:
			m, err := ev.Message()
			if err != nil {
				return err
			}
			what = m.Direction + " " + m.MessageType + " " + m.Body
		case ghl.WebhookInstall:
			in, err := ev.AppInstall()
			if err != nil {
				return err
			}
			what = in.AppID + " " + in.CompanyID + " " + in.LocationID
		default:
			what = "unrouted"
		}
		if ev.LocationID != loc.ID || ev.WebhookID == "" || !ev.Timestamp.Time.Equal(clk.Now()) {
			return fmt.Errorf("meta %q %q %v", ev.LocationID, ev.WebhookID, ev.Timestamp)
		}
		mu.Lock()
		defer mu.Unlock()
		if ev.Type == ghl.WebhookContactCreate && !failed {
			failed = true
			return errors.New("handler down") // answered 500: the emulator retries
		}
		seen = append(seen, ev.Type+" "+what)
		return nil
	}))
	t.Cleanup(app.Close)
	srv.RegisterWebhook(app.URL)

	c := emulatorClient(t, srv, loc.Token)
	ctx := t.Context()
	ct, _, err := c.Contacts.Create(ctx, &ghl.ContactCreateRequest{LocationID: loc.ID, FirstName: ghl.Ptr("Ada")})
	require.NoError(t, err)
	_, _, err = c.Contacts.Update(ctx, ct.ID, &ghl.ContactUpdateRequest{City: ghl.Ptr("Paris")})
	require.NoError(t, err)
	_, _, err = c.Contacts.AddTags(ctx, ct.ID, &ghl.ContactTagsRequest{Tags: []string{"vip"}})
	require.NoError(t, err)
	_, _, err = c.Contacts.CreateNote(ctx, ct.ID, &ghl.NoteCreateRequest{Body: "met at the fair"})
	require.NoError(t, err)
	task, _, err := c.Contacts.CreateTask(ctx, ct.ID, &ghl.TaskCreateRequest{Title: "Call", DueDate: ghl.Timestamp{Time: clk.Now().Add(time.Hour)}})
	require.NoError(t, err)
	_, _, err = c.Contacts.CompleteTask(ctx, ct.ID, task.ID, &ghl.TaskCompletedRequest{Completed: true})
	require.NoError(t, err)
	pipeline := srv.Pipelines(loc.ID)[0]["id"].(string)
	opp, _, err := c.Opportunities.Create(ctx, &ghl.OpportunityCreateRequest{PipelineID: pipeline, LocationID: loc.ID, Name: "Deal",
		Status: ghl.OpportunityStatusOpen, ContactID: ct.ID, MonetaryValue: ghl.Ptr(40.0)})
	require.NoError(t, err)
	_, _, err = c.Opportunities.UpdateStatus(ctx, opp.ID, &ghl.StatusUpdateRequest{Status: ghl.OpportunityStatusWon})
	require.NoError(t, err)
	srv.AddMessage(loc.ID, srv.AddConversation(loc.ID, ct.ID), ghltest.MessageSeed{Body: "hello"}) // from outside
	srv.RegisterApp("6578278e879ad2646715ba9c-lq4abcde", "s3cret")
	srv.AuthorizationCode("6578278e879ad2646715ba9c-lq4abcde", loc.ID, "Location", "")
	_, _, err = c.Contacts.Delete(ctx, ct.ID)
	require.NoError(t, err)

	fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, srv.FlushWebhooks(fctx))

	contact := ct.ID + " Ada"
	assert.Equal(t, []string{
		"ContactCreate " + contact + "  []",
		"ContactUpdate " + contact + " Paris []",
		"ContactTagUpdate " + contact + " Paris [vip]",
		"NoteCreate " + ct.ID + " met at the fair",
		"TaskCreate " + ct.ID + " Call false",
		"TaskComplete " + ct.ID + " Call true",
		"OpportunityCreate " + ct.ID + " open 40.00",
		"OpportunityStatusUpdate " + ct.ID + " won 40.00",
		"InboundMessage inbound SMS hello",
		"INSTALL 6578278e879ad2646715ba9c " + loc.CompanyID + " " + loc.ID,
		"ContactDelete " + contact + " Paris [vip]",
	}, seen)

	deliveries := srv.WebhookDeliveries()
	require.Len(t, deliveries, len(seen))
	for i, d := range deliveries {
		assert.True(t, d.Delivered, "delivery %d %s: %+v", i, d.Event, d)
		want := 1
		if d.Event == ghl.WebhookContactCreate {
			want = 2 // the 500, then the retry with the same webhookId
		}
		assert.Equal(t, want, d.Attempts, "attempts of %s", d.Event)
	}
}

// TestScopesOnEmulatorThroughSDK: with a contacts.readonly token the SDK
// reads contacts, and a write comes back as the typed 401 of an
// unauthorized scope after exactly one request (no retry, no refresh).
func TestScopesOnEmulatorThroughSDK(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Scopes")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "Ada"})
	c := emulatorClient(t, srv, srv.MintToken(ghltest.TokenSpec{Location: loc.ID, Scopes: []string{"contacts.readonly"}}))
	ctx := t.Context()

	got, _, err := c.Contacts.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Ada", got.FirstName)

	before := len(srv.Requests())
	_, _, err = c.Contacts.Update(ctx, id, &ghl.ContactUpdateRequest{City: ghl.Ptr("Paris")})
	require.ErrorIs(t, err, ghl.ErrUnauthorized)
	var apiErr *ghl.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 401, apiErr.StatusCode)
	assert.Equal(t, "The token is not authorized for this scope.", apiErr.Message)
	assert.Equal(t, before+1, len(srv.Requests()), "a scope 401 is sent once")
	state, ok := srv.Contact(loc.ID, id)
	require.True(t, ok)
	assert.Empty(t, state["city"], "the refused update wrote nothing")
}
