package ghl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
)

// These tests run associations, blogs, snapshots, custom fields v2 and
// calendar schedules against the ghltest emulator (whose shapes come from
// the specs): a round trip per category ending in ErrNotFound.

func TestAssociationsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	c, ctx := e.client, t.Context()

	a, resp, err := c.Associations.Create(ctx, &ghl.AssociationReqCreateRequest{
		LocationID: e.loc.ID, Key: "pet_owner",
		FirstObjectLabel: "pet", FirstObjectKey: "custom_objects.pets",
		SecondObjectLabel: "owner", SecondObjectKey: "contact",
	})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	require.NotEmpty(t, a.ID)
	assert.Equal(t, "pet_owner", a.Key)
	assert.Equal(t, "USER_DEFINED", a.AssociationType)

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
		FirstObjectLabel: "animal", SecondObjectLabel: "human"})
	require.NoError(t, err)
	assert.Equal(t, "animal", upd.FirstObjectLabel)
	got, _, err := c.Associations.GetByID(ctx, a.ID)
	require.NoError(t, err)
	assert.Equal(t, "human", got.SecondObjectLabel)

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

func TestBlogsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	c, ctx := e.client, t.Context()

	sites, _, err := c.Blogs.List(ctx, e.loc.ID, nil)
	require.NoError(t, err)
	require.Len(t, sites, 1)
	authors, _, err := c.Blogs.ListAuthorsByLocation(ctx, e.loc.ID, nil)
	require.NoError(t, err)
	require.Len(t, authors, 2)
	cats, _, err := c.Blogs.ListCategoriesByLocation(ctx, e.loc.ID, nil)
	require.NoError(t, err)
	require.Len(t, cats, 2)

	published, err := ghl.ParseTimestamp("2025-03-01T10:00:00.000Z")
	require.NoError(t, err)
	req := &ghl.BlogPostParamsCreateRequest{
		Title: "Launch", LocationID: e.loc.ID, BlogID: sites[0].ID, ImageURL: "https://example.com/i.png",
		Description: "We launched", RawHTML: "<p>Launch</p>", Status: ghl.BlogParamsStatusPUBLISHED,
		ImageAltText: "launch", Categories: []string{cats[0].ID}, Author: authors[0].ID, URLSlug: "launch",
		PublishedAt: published,
	}
	post, _, err := c.Blogs.CreatePost(ctx, req)
	require.NoError(t, err)
	require.NotEmpty(t, post.ID)
	assert.Equal(t, "launch", post.URLSlug)
	assert.Equal(t, []string{cats[0].ID}, post.Categories)

	// The slug check knows the post's slug, except for the post itself.
	taken, _, err := c.Blogs.CheckURLSlugExists(ctx, "launch", e.loc.ID, nil)
	require.NoError(t, err)
	assert.True(t, taken.Exists)
	own, _, err := c.Blogs.CheckURLSlugExists(ctx, "launch", e.loc.ID, &ghl.BlogsCheckURLSlugExistsOptions{PostID: post.ID})
	require.NoError(t, err)
	assert.False(t, own.Exists)
	free, _, err := c.Blogs.CheckURLSlugExists(ctx, "launch-2", e.loc.ID, nil)
	require.NoError(t, err)
	assert.False(t, free.Exists)
	_, _, err = c.Blogs.CreatePost(ctx, req)
	assert.ErrorIs(t, err, ghl.ErrBadRequest, "the slug is taken")

	req.Title, req.URLSlug, req.Status = "Draft", "draft", ghl.BlogParamsStatusDRAFT
	_, _, err = c.Blogs.CreatePost(ctx, req)
	require.NoError(t, err)
	posts, _, err := c.Blogs.ListPosts(ctx, e.loc.ID, sites[0].ID, &ghl.BlogsListPostsOptions{Status: "PUBLISHED"})
	require.NoError(t, err)
	require.Len(t, posts, 1)
	assert.Equal(t, post.ID, posts[0].ID)

	upd, _, err := c.Blogs.UpdatePost(ctx, post.ID, &ghl.BlogPostParamsUpdateRequest{
		Title: "Launch day", LocationID: e.loc.ID, BlogID: sites[0].ID, ImageURL: req.ImageURL,
		Description: "d", RawHTML: "<p>Day</p>", Status: ghl.BlogParamsStatusARCHIVED, ImageAltText: "x",
		Categories: []string{cats[1].ID}, Author: authors[1].ID, URLSlug: "launch-day", PublishedAt: published,
	})
	require.NoError(t, err)
	assert.Equal(t, "Launch day", upd.Title)
	assert.True(t, upd.Archived)
	moved, _, err := c.Blogs.CheckURLSlugExists(ctx, "launch", e.loc.ID, nil)
	require.NoError(t, err)
	assert.False(t, moved.Exists, "the old slug is free after the update")

	_, _, err = c.Blogs.UpdatePost(ctx, "no-such-post", &ghl.BlogPostParamsUpdateRequest{
		Title: "X", LocationID: e.loc.ID, BlogID: sites[0].ID, ImageURL: "u", Description: "d", RawHTML: "r",
		Status: ghl.BlogParamsStatusDRAFT, ImageAltText: "a", Categories: []string{"c"}, Author: "a", URLSlug: "x",
		PublishedAt: published,
	})
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}

func TestSchedulesOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	c, ctx := e.client, t.Context()
	cal := e.srv.Store(e.loc.ID).Put("calendars", map[string]any{"name": "Demo"})

	sch, resp, err := c.Calendars.CreateSchedule(ctx, &ghl.ScheduleCreateRequest{
		LocationID: e.loc.ID, Name: "Office hours", Timezone: "Europe/Berlin", UserID: "user-1"})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	require.NotEmpty(t, sch.ID)
	assert.Equal(t, "Office hours", sch.Name)

	added, _, err := c.Calendars.AddToSchedule(ctx, sch.ID, cal)
	require.NoError(t, err)
	assert.True(t, added.Success)
	_, _, err = c.Calendars.AddToSchedule(ctx, sch.ID, "no-such-calendar")
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	list, _, err := c.Calendars.ListSchedules(ctx, e.loc.ID, "user-1", &ghl.CalendarsListSchedulesOptions{CalendarID: cal})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, []string{cal}, list[0].CalendarIDs)
	removed, _, err := c.Calendars.RemoveFromSchedule(ctx, sch.ID, cal)
	require.NoError(t, err)
	assert.True(t, removed.Success)
	list, _, err = c.Calendars.ListSchedules(ctx, e.loc.ID, "user-1", &ghl.CalendarsListSchedulesOptions{CalendarID: cal})
	require.NoError(t, err)
	assert.Empty(t, list)

	upd, _, err := c.Calendars.UpdateSchedule(ctx, sch.ID, &ghl.ScheduleUpdateRequest{Name: ghl.Ptr("Evenings")})
	require.NoError(t, err)
	assert.Equal(t, "Evenings", upd.Name)
	got, _, err := c.Calendars.GetScheduleByID(ctx, sch.ID)
	require.NoError(t, err)
	assert.Equal(t, "Evenings", got.Name)
	assert.Equal(t, "Europe/Berlin", got.Timezone)

	del, _, err := c.Calendars.DeleteSchedule(ctx, sch.ID)
	require.NoError(t, err)
	assert.True(t, del.Success)
	_, _, err = c.Calendars.GetScheduleByID(ctx, sch.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}

func TestCustomFieldsV2OnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	c, ctx := e.client, t.Context()

	folder, resp, err := c.CustomFields.CreateFolder(ctx, &ghl.FolderCreateRequest{
		ObjectKey: "custom_objects.pets", Name: "Pet info", LocationID: e.loc.ID})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	require.NotEmpty(t, folder.ID)

	f, resp, err := c.CustomFields.Create(ctx, &ghl.CustomFieldsCustomFieldsCreateRequest{
		LocationID: e.loc.ID, Name: ghl.Ptr("Breed"), ShowInForms: true, DataType: ghl.DataTypeTEXT,
		FieldKey: "custom_objects.pets.breed", ObjectKey: "custom_objects.pets", ParentID: folder.ID})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	require.NotEmpty(t, f.ID)
	assert.Equal(t, folder.ID, f.ParentID)
	assert.False(t, f.DateAdded.IsZero())

	all, _, err := c.CustomFields.GetByObjectKey(ctx, "custom_objects.pets", e.loc.ID)
	require.NoError(t, err)
	require.Len(t, all.Fields, 1)
	require.Len(t, all.Folders, 1)
	assert.Equal(t, f.ID, all.Fields[0].ID)
	assert.Equal(t, folder.ID, all.Folders[0].ID)

	upd, _, err := c.CustomFields.Update(ctx, f.ID, &ghl.CustomFieldsCustomFieldsUpdateRequest{
		LocationID: e.loc.ID, Name: ghl.Ptr("Breed name"), ShowInForms: true})
	require.NoError(t, err)
	assert.Equal(t, "Breed name", upd.Name)
	got, _, err := c.CustomFields.GetByID(ctx, f.ID)
	require.NoError(t, err)
	assert.Equal(t, "Breed name", got.Name)
	assert.Equal(t, "custom_objects.pets.breed", got.FieldKey)

	renamed, _, err := c.CustomFields.UpdateFolder(ctx, folder.ID, &ghl.FolderUpdateRequest{Name: "Pets", LocationID: e.loc.ID})
	require.NoError(t, err)
	assert.Equal(t, "Pets", renamed.Name)

	del, _, err := c.CustomFields.Delete(ctx, f.ID)
	require.NoError(t, err)
	assert.True(t, del.Succeded)
	assert.Equal(t, "custom_objects.pets.breed", del.Key)
	_, _, err = c.CustomFields.GetByID(ctx, f.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	fdel, _, err := c.CustomFields.DeleteFolder(ctx, folder.ID, e.loc.ID)
	require.NoError(t, err)
	assert.True(t, fdel.Succeded)
	_, _, err = c.CustomFields.DeleteFolder(ctx, folder.ID, e.loc.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
}
