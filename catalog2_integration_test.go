package ghl_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
)

// These tests run associations, blogs, snapshots, custom fields v2 and
// calendar schedules against the ghltest emulator (whose shapes come from
// the specs): a round trip per category ending in ErrNotFound.

func rawJSON(s string) json.RawMessage { b, _ := json.Marshal(s); return b }

func TestAssociationsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	c, ctx := e.client, t.Context()

	a, resp, err := c.Associations.Create(ctx, &ghl.AssociationReqCreateRequest{
		LocationID: e.loc.ID, Key: "pet_owner",
		FirstObjectLabel: rawJSON("pet"), FirstObjectKey: rawJSON("custom_objects.pets"),
		SecondObjectLabel: rawJSON("owner"), SecondObjectKey: rawJSON("contact"),
	})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	require.NotEmpty(t, a.ID)
	assert.Equal(t, "pet_owner", a.Key)
	assert.JSONEq(t, `"USER_DEFINED"`, string(a.AssociationType))

	byKey, _, err := c.Associations.GetKeyByKeyName(ctx, "pet_owner", e.loc.ID)
	require.NoError(t, err)
	assert.Equal(t, a.ID, byKey.ID)
	byObj, _, err := c.Associations.GetByObjectKeys(ctx, "custom_objects.pets", nil)
	require.NoError(t, err)
	assert.Equal(t, a.ID, byObj.ID)
	found, _, err := c.Associations.Find(ctx, e.loc.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, a.ID, found.ID)

	upd, _, err := c.Associations.Update(ctx, a.ID, &ghl.AssociationReqUpdateRequest{
		FirstObjectLabel: rawJSON("animal"), SecondObjectLabel: rawJSON("human")})
	require.NoError(t, err)
	assert.JSONEq(t, `"animal"`, string(upd.FirstObjectLabel))
	got, _, err := c.Associations.GetByID(ctx, a.ID)
	require.NoError(t, err)
	assert.JSONEq(t, `"human"`, string(got.SecondObjectLabel))

	rel, resp, err := c.Associations.CreateRelation(ctx, &ghl.RelationReqCreateRequest{
		LocationID: e.loc.ID, AssociationID: a.ID, FirstRecordID: "pet-1", SecondRecordID: "owner-1"})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "pet_owner", rel.Key)
	_, _, err = c.Associations.CreateRelation(ctx, &ghl.RelationReqCreateRequest{
		LocationID: e.loc.ID, AssociationID: a.ID, FirstRecordID: "pet-2", SecondRecordID: "owner-1"})
	require.NoError(t, err)
	byRec, _, err := c.Associations.GetRelationsByRecordID(ctx, "owner-1", e.loc.ID,
		&ghl.AssociationsGetRelationsByRecordIDOptions{AssociationIDs: []string{a.ID}})
	require.NoError(t, err)
	assert.Equal(t, rel.ID, byRec.ID)
	assert.Len(t, e.srv.Store(e.loc.ID).List("relations"), 2)

	_, _, err = c.Associations.DeleteRelation(ctx, rel.ID, e.loc.ID)
	require.NoError(t, err)
	_, _, err = c.Associations.DeleteRelation(ctx, rel.ID, e.loc.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	// Deleting the association deletes its remaining relation.
	del, _, err := c.Associations.Delete(ctx, a.ID)
	require.NoError(t, err)
	assert.True(t, del.Deleted)
	assert.Empty(t, e.srv.Store(e.loc.ID).List("relations"))
	_, _, err = c.Associations.GetRelationsByRecordID(ctx, "owner-1", e.loc.ID, nil)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	_, _, err = c.Associations.GetByID(ctx, a.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}
