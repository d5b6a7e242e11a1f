package ghl_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// These tests run the Opportunities and Conversations services against the
// ghltest emulator, whose shapes come from the specs (and, where the specs
// and the live API differ, from what the live API answers), not from the
// SDK.

type oppIntegEnv struct {
	srv     *ghltest.Server
	clk     *ghltest.ManualClock
	loc     *ghltest.Location
	c       *ghl.Client
	contact string
}

func newOppIntegEnv(t *testing.T) *oppIntegEnv {
	t.Helper()
	clk := ghltest.NewManualClock(time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC))
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now), ghltest.WithRateLimit(0, 0, 0))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Pipeline Co")
	ct := srv.AddContact(loc.ID, map[string]any{"firstName": "Grace", "lastName": "Hopper", "email": "grace@example.com", "phone": "+15550102030"})
	return &oppIntegEnv{srv: srv, clk: clk, loc: loc, c: emulatorClient(t, srv, loc.Token), contact: ct}
}

func TestOpportunitiesRoundTripOnEmulator(t *testing.T) {
	t.Parallel()
	e := newOppIntegEnv(t)
	ctx := t.Context()

	ps, _, err := e.c.Opportunities.ListPipelines(ctx, e.loc.ID)
	require.NoError(t, err)
	require.Len(t, ps, 2)
	require.NotEmpty(t, ps[0].Stages)
	assert.Equal(t, "New Lead", ps[0].Stages[0].Name)
	assert.Equal(t, 1, ps[0].Stages[1].Position)
	pipeline, stages := ps[0], ps[0].Stages

	created, resp, err := e.c.Opportunities.Create(ctx, &ghl.OpportunityCreateRequest{
		PipelineID: pipeline.ID, LocationID: e.loc.ID, Name: "Compiler licence", Status: ghl.OpportunityStatusOpen,
		ContactID: e.contact, MonetaryValue: ghl.Ptr(1999.99),
	})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	id := created.ID
	assert.Equal(t, stages[0].ID, created.PipelineStageID)
	assert.Equal(t, 1999.99, created.MonetaryValue)
	require.NotNil(t, created.Contact)
	assert.Equal(t, "Grace Hopper", created.Contact.Name)
	assert.Equal(t, 2025, created.CreatedAt.Year())

	e.clk.Advance(time.Minute)
	upd, _, err := e.c.Opportunities.Update(ctx, id, &ghl.OpportunityUpdateRequest{PipelineStageID: ghl.Ptr(stages[2].ID), MonetaryValue: ghl.Ptr(2500.5)})
	require.NoError(t, err)
	assert.Equal(t, stages[2].ID, upd.PipelineStageID)
	assert.Equal(t, "Compiler licence", upd.Name)
	got, _, err := e.c.Opportunities.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 2500.5, got.MonetaryValue)
	assert.True(t, got.LastStageChangeAt.After(got.CreatedAt.Time))

	// Status change, read back.
	ok, _, err := e.c.Opportunities.UpdateStatus(ctx, id, &ghl.StatusUpdateRequest{Status: ghl.OpportunityStatusWon})
	require.NoError(t, err)
	assert.True(t, ok.Succeded)
	got, _, err = e.c.Opportunities.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "won", got.Status)

	reasons, resp, err := e.c.Opportunities.ListLostReasons(ctx, e.loc.ID, nil)
	require.NoError(t, err)
	assert.Len(t, reasons, 4)
	assert.Equal(t, 4, resp.Total)

	del, _, err := e.c.Opportunities.Delete(ctx, id)
	require.NoError(t, err)
	assert.True(t, del.Succeded)
	_, _, err = e.c.Opportunities.Get(ctx, id)
	require.ErrorIs(t, err, ghl.ErrNotFound)
}

func TestOpportunitiesUpsertAndFollowersOnEmulator(t *testing.T) {
	t.Parallel()
	e := newOppIntegEnv(t)
	ctx := t.Context()
	pid := e.srv.Pipelines(e.loc.ID)[0]["id"].(string)

	// The second upsert matches the first by pipeline and contact.
	first, _, err := e.c.Opportunities.Upsert(ctx, &ghl.OpportunityUpsertRequest{PipelineID: pid, LocationID: e.loc.ID,
		ContactID: ghl.Ptr(e.contact), Followers: []string{"u1"}, FollowersActionType: ghl.Ptr(ghl.FollowersActionTypeAdd),
		IsRemoveAllFollowers: ghl.Ptr(false), Name: ghl.Ptr("Support plan"), MonetaryValue: ghl.Ptr(120.5)})
	require.NoError(t, err)
	assert.True(t, first.New)
	o := first.Opportunity
	require.NotNil(t, o)
	assert.Equal(t, 120.5, o.MonetaryValue)
	second, _, err := e.c.Opportunities.Upsert(ctx, &ghl.OpportunityUpsertRequest{PipelineID: pid, LocationID: e.loc.ID,
		ContactID: ghl.Ptr(e.contact), Followers: []string{"u2"}, FollowersActionType: ghl.Ptr(ghl.FollowersActionTypeAdd),
		IsRemoveAllFollowers: ghl.Ptr(false), Name: ghl.Ptr("Support plan 2025")})
	require.NoError(t, err)
	assert.False(t, second.New)
	assert.Equal(t, o.ID, second.Opportunity.ID)
	all := e.srv.Store(e.loc.ID).List("opportunities")
	require.Len(t, all, 1, "upsert twice: one opportunity")
	assert.Equal(t, "Support plan 2025", all[0]["name"])
	assert.Equal(t, []any{"u1", "u2"}, all[0]["followers"])

	added, resp, err := e.c.Opportunities.AddFollowers(ctx, o.ID, &ghl.FollowersRequest{Followers: []string{"u3"}})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, []string{"u1", "u2", "u3"}, added.Followers)
	assert.Equal(t, []string{"u3"}, added.FollowersAdded)
	removed, _, err := e.c.Opportunities.RemoveFollowers(ctx, o.ID, nil, &ghl.FollowersRequest{Followers: []string{"u1"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"u2", "u3"}, removed.Followers)
	assert.Equal(t, []string{"u1"}, removed.FollowersRemoved)
	removed, _, err = e.c.Opportunities.RemoveFollowers(ctx, o.ID, &ghl.OpportunitiesRemoveFollowersOptions{IsRemoveAllFollowers: ghl.Ptr(true)},
		&ghl.FollowersRequest{Followers: []string{"u2"}})
	require.NoError(t, err)
	assert.Empty(t, removed.Followers)
}

func TestOpportunitiesSearchIterOnEmulator(t *testing.T) {
	t.Parallel()
	e := newOppIntegEnv(t)
	ctx := t.Context()
	ps := e.srv.Pipelines(e.loc.ID)
	sales, onboarding := ps[0]["id"].(string), ps[1]["id"].(string)
	var want []string
	for i := range 15 {
		p, st := sales, "open"
		if i%4 == 0 {
			p = onboarding
		}
		if i%3 != 0 {
			st = "lost"
		}
		id := e.srv.AddOpportunity(e.loc.ID, map[string]any{"name": fmt.Sprintf("Deal %02d", i), "pipelineId": p, "status": st})
		if p == sales && st == "lost" {
			want = append([]string{id}, want...) // newest first
		}
		e.clk.Advance(time.Second)
	}
	require.Greater(t, len(want), 6)
	var got []string
	for o, err := range e.c.Opportunities.SearchIter(ctx, e.loc.ID, &ghl.OpportunitiesSearchOptions{PipelineID: sales, Status: "lost", Limit: 3}) {
		require.NoError(t, err)
		assert.Equal(t, "lost", o.Status)
		assert.Equal(t, sales, o.PipelineID)
		got = append(got, o.ID)
	}
	assert.Equal(t, want, got)
	var searches int
	for _, r := range e.srv.Requests() {
		if r.Path == "/opportunities/search" {
			searches++
		}
	}
	assert.Equal(t, (len(want)+2)/3, searches, "one request per page")

	page, resp, err := e.c.Opportunities.Search(ctx, e.loc.ID, &ghl.OpportunitiesSearchOptions{Limit: 5})
	require.NoError(t, err)
	assert.Len(t, page, 5)
	require.NotNil(t, resp.Meta)
	assert.Equal(t, 15, resp.Meta.Total)
	assert.NotEmpty(t, resp.Meta.NextPageURL)
}

func TestConversationsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newOppIntegEnv(t)
	ctx := t.Context()
	cid, msgs := e.srv.SeedConversation(e.loc.ID, e.contact)

	convs, resp, err := e.c.Conversations.Search(ctx, e.loc.ID, &ghl.ConversationsSearchOptions{ContactID: e.contact, Limit: 10, Sort: "desc"})
	require.NoError(t, err)
	require.Len(t, convs, 1)
	assert.Equal(t, 1, resp.Total)
	assert.Equal(t, cid, convs[0].ID)
	assert.Equal(t, "Thanks, talk soon!", convs[0].LastMessageBody)
	assert.Equal(t, ghl.MessageMessageTypeTYPESMS, convs[0].LastMessageType)
	assert.Equal(t, "Grace Hopper", convs[0].FullName)

	conv, _, err := e.c.Conversations.Get(ctx, cid)
	require.NoError(t, err)
	assert.Equal(t, e.contact, conv.ContactID)
	assert.Equal(t, 3, conv.UnreadCount)

	var ids []string
	for m, err := range e.c.Conversations.ListMessagesIter(ctx, cid, &ghl.ConversationsListMessagesOptions{Limit: 2}) {
		require.NoError(t, err)
		ids = append(ids, m.ID)
	}
	assert.Equal(t, []string{msgs[4], msgs[3], msgs[2], msgs[1], msgs[0]}, ids, "newest first, across pages")

	m, _, err := e.c.Conversations.GetMessage(ctx, msgs[3])
	require.NoError(t, err)
	assert.Equal(t, ghl.MessageMessageTypeTYPECALL, m.MessageType)
	assert.Equal(t, float64(1), m.Type)
	require.NotNil(t, m.Meta)
	assert.Equal(t, "95", m.Meta.CallDuration)

	rec, _, err := e.c.Conversations.GetMessageRecording(ctx, msgs[3], e.loc.ID)
	require.NoError(t, err)
	assert.Equal(t, "audio/x-wav", rec.ContentType)
	assert.Equal(t, "audio.wav", rec.Filename)
	assert.Equal(t, "RIFF", string(rec.Data[:4]))

	tr, _, err := e.c.Conversations.GetMessageTranscription(ctx, e.loc.ID, msgs[3])
	require.NoError(t, err)
	assert.Contains(t, tr.Transcript, "This call may be recorded")
	txt, _, err := e.c.Conversations.DownloadMessageTranscription(ctx, e.loc.ID, msgs[3])
	require.NoError(t, err)
	assert.Equal(t, "transcription.txt", txt.Filename)
	assert.Contains(t, string(txt.Data), "quality assurance")

	email, _, err := e.c.Conversations.GetEmailByID(ctx, msgs[2])
	require.NoError(t, err)
	assert.Equal(t, "Your quote", email.Subject)
	assert.Equal(t, []string{"grace@example.com"}, email.To)

	sent, _, err := e.c.Conversations.SendNewMessage(ctx, &ghl.MessageBodySendRequest{Type: ghl.MessageTypeSMS,
		SubType: "SMS", ContactID: e.contact, Message: ghl.Ptr("See you Monday"), Status: ghl.MessageStatusPending})
	require.NoError(t, err)
	require.NotEmpty(t, sent.MessageID)
	assert.Equal(t, cid, sent.ConversationID)
	m, _, err = e.c.Conversations.GetMessage(ctx, sent.MessageID)
	require.NoError(t, err)
	assert.Equal(t, cid, m.ConversationID)
	assert.Equal(t, "See you Monday", m.Body)

	_, _, err = e.c.Conversations.Delete(ctx, cid)
	require.NoError(t, err)
	_, _, err = e.c.Conversations.Get(ctx, cid)
	require.ErrorIs(t, err, ghl.ErrNotFound)
}
