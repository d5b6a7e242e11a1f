package ghl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// These tests run the catalog services (businesses, users, workflows,
// campaigns, locations with their custom fields, custom values and tags,
// companies) against the ghltest emulator, whose shapes come from the
// specs, not from the SDK: each creates, reads back, lists, updates, reads
// back, deletes and then gets ErrNotFound, and checks the emulator's state
// and the links between entities.

// catalogEnv is an emulator with one location, a client with its location
// token and a client with the agency token of its company.
type catalogEnv struct {
	srv            *ghltest.Server
	loc            *ghltest.Location
	co             *ghltest.Company
	client, agency *ghl.Client
}

func newCatalogEnv(t *testing.T) *catalogEnv {
	t.Helper()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Catalog")
	co := srv.DefaultCompany()
	return &catalogEnv{srv: srv, loc: loc, co: co,
		client: emulatorClient(t, srv, loc.Token), agency: emulatorClient(t, srv, co.Token)}
}

func TestBusinessesOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	c, ctx := e.client, t.Context()

	created, resp, err := c.Businesses.Create(ctx, &ghl.BusinessCreateRequest{
		Name: "Acme Corp", LocationID: e.loc.ID, Email: ghl.Ptr("info@acme.test"), City: ghl.Ptr("Austin"),
	})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.True(t, created.Success)
	require.NotNil(t, created.Buiseness)
	id := created.Buiseness.ID
	assert.Len(t, id, 24, "a business ID is an ObjectID")
	assert.Equal(t, e.loc.ID, created.Buiseness.LocationID)
	assert.False(t, created.Buiseness.CreatedAt.IsZero())

	got, _, err := c.Businesses.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Acme Corp", got.Name)
	assert.Equal(t, "info@acme.test", got.Email)

	e.srv.AddBusiness(e.loc.ID, "Globex")
	list, _, err := c.Businesses.ListByLocation(ctx, e.loc.ID, nil)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, []string{"Acme Corp", "Globex"}, []string{list[0].Name, list[1].Name})
	page, _, err := c.Businesses.ListByLocation(ctx, e.loc.ID, &ghl.BusinessesListByLocationOptions{Skip: 1, Limit: 1})
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.Equal(t, "Globex", page[0].Name)

	upd, _, err := c.Businesses.Update(ctx, id, &ghl.BusinessUpdateRequest{City: ghl.Ptr("Denver")})
	require.NoError(t, err)
	assert.True(t, upd.Success)
	assert.Equal(t, "Denver", upd.Buiseness.City)
	got, _, err = c.Businesses.Get(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Denver", got.City)
	assert.Equal(t, "Acme Corp", got.Name, "an update keeps the fields it does not send")
	state, ok := e.srv.Store(e.loc.ID).Get("businesses", id)
	require.True(t, ok)
	assert.Equal(t, "Denver", state["city"])

	// Contacts link to the business; GET /contacts/business/{id} follows
	// the link, and deleting the business detaches them.
	linked := e.srv.AddContact(e.loc.ID, map[string]any{"firstName": "Linked", "businessId": id})
	e.srv.AddContact(e.loc.ID, map[string]any{"firstName": "Other"})
	members, _, err := c.Contacts.ListByBusiness(ctx, id, e.loc.ID, nil)
	require.NoError(t, err)
	require.Len(t, members, 1)
	assert.Equal(t, linked, members[0].ID)

	del, _, err := c.Businesses.Delete(ctx, id)
	require.NoError(t, err)
	assert.True(t, del.Success)
	_, _, err = c.Businesses.Get(ctx, id)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	_, _, err = c.Businesses.Update(ctx, id, &ghl.BusinessUpdateRequest{City: ghl.Ptr("X")})
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	ct, ok := e.srv.Contact(e.loc.ID, linked)
	require.True(t, ok)
	assert.Nil(t, ct["businessId"], "the contact is detached")
	members, _, err = c.Contacts.ListByBusiness(ctx, id, e.loc.ID, nil)
	require.NoError(t, err)
	assert.Empty(t, members)
}

func TestUsersOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	ac, ctx := e.agency, t.Context()

	created, resp, err := ac.Users.Create(ctx, &ghl.UserCreateRequest{
		CompanyID: e.co.ID, FirstName: "Ada", LastName: "Lovelace", Email: "ada@example.com", Password: "secret-1",
		Type: "account", Role: "user", LocationIDs: []string{e.loc.ID}, Phone: ghl.Ptr("+15550100"),
	})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	require.NotEmpty(t, created.ID)
	assert.Equal(t, "Ada Lovelace", created.Name)
	require.NotNil(t, created.Roles)
	assert.Equal(t, []string{e.loc.ID}, created.Roles.LocationIDs)
	assert.Equal(t, "user", created.Roles.Role)
	state, ok := e.srv.Store(e.co.ID).Get("users", created.ID)
	require.True(t, ok)
	assert.NotContains(t, state, "password", "the password is not stored in the user's record")

	got, _, err := ac.Users.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, "ada@example.com", got.Email)

	// A second user, in another location; search, filter by email, list by location.
	second := e.srv.CreateLocation("Second")
	_, _, err = ac.Users.Create(ctx, &ghl.UserCreateRequest{
		CompanyID: e.co.ID, FirstName: "Grace", LastName: "Hopper", Email: "grace@example.com", Password: "secret-2",
		Type: "agency", Role: "admin", LocationIDs: []string{second.ID},
	})
	require.NoError(t, err)
	found, resp, err := ac.Users.Search(ctx, e.co.ID, &ghl.UsersSearchOptions{Query: "LOVE"})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, created.ID, found[0].ID)
	assert.Equal(t, 1, resp.Total)
	all, resp, err := ac.Users.Search(ctx, e.co.ID, &ghl.UsersSearchOptions{Skip: 1, Limit: 1})
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.Equal(t, "Grace Hopper", all[0].Name)
	assert.Equal(t, 2, resp.Total)
	var iterated []string
	for u, err := range ac.Users.SearchIter(ctx, e.co.ID, &ghl.UsersSearchOptions{Limit: 1}) {
		require.NoError(t, err)
		iterated = append(iterated, u.Name)
	}
	assert.Equal(t, []string{"Ada Lovelace", "Grace Hopper"}, iterated)
	byEmail, _, err := ac.Users.FilterByEmail(ctx, &ghl.ByEmailFilterRequest{CompanyID: e.co.ID, Emails: "GRACE@example.com,nobody@example.com"})
	require.NoError(t, err)
	require.Len(t, byEmail, 1)
	assert.Equal(t, "Grace Hopper", byEmail[0].Name)
	inLoc, _, err := e.client.Users.ListByLocation(ctx, e.loc.ID)
	require.NoError(t, err)
	require.Len(t, inLoc, 1)
	assert.Equal(t, created.ID, inLoc[0].ID)

	upd, _, err := ac.Users.Update(ctx, created.ID, &ghl.UserUpdateRequest{FirstName: ghl.Ptr("Augusta"), Role: ghl.Ptr("admin"), LocationIDs: []string{second.ID}})
	require.NoError(t, err)
	assert.Equal(t, "Augusta Lovelace", upd.Name)
	got, _, err = ac.Users.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, "admin", got.Roles.Role)
	assert.Equal(t, "Lovelace", got.LastName)
	inLoc, _, err = e.client.Users.ListByLocation(ctx, e.loc.ID)
	require.NoError(t, err)
	assert.Empty(t, inLoc, "the user moved to the second location")

	del, _, err := ac.Users.Delete(ctx, created.ID)
	require.NoError(t, err)
	assert.True(t, del.Succeded)
	assert.Equal(t, "Queued deleting user with e-mail ada@example.com and name Augusta Lovelace. Will take effect in a few minutes.", del.Message)
	_, _, err = ac.Users.Get(ctx, created.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	_, ok = e.srv.Store(e.co.ID).Get("users", created.ID)
	assert.False(t, ok)

	// Another company's users are out of reach.
	other := e.srv.CreateCompany("Other Agency")
	_, _, err = ac.Users.Search(ctx, other.ID, nil)
	assert.ErrorIs(t, err, ghl.ErrForbidden)
}

func TestWorkflowsAndCampaignsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	c, ctx := e.client, t.Context()
	st := e.srv.Store(e.loc.ID)
	wf := st.Put("workflows", map[string]any{"name": "Onboarding", "status": "published"})
	spring := st.Put("campaigns", map[string]any{"name": "Spring", "status": "published"})
	st.Put("campaigns", map[string]any{"name": "Draft", "status": "draft"})

	wfs, _, err := c.Workflows.List(ctx, e.loc.ID)
	require.NoError(t, err)
	require.Len(t, wfs, 1)
	assert.Equal(t, wf, wfs[0].ID)
	assert.Equal(t, "Onboarding", wfs[0].Name)
	assert.Equal(t, "published", wfs[0].Status)
	assert.Equal(t, e.loc.ID, wfs[0].LocationID)
	assert.False(t, wfs[0].CreatedAt.IsZero())
	camps, _, err := c.Campaigns.List(ctx, e.loc.ID, nil)
	require.NoError(t, err)
	assert.Len(t, camps, 2)
	camps, _, err = c.Campaigns.List(ctx, e.loc.ID, &ghl.CampaignsListOptions{Status: "published"})
	require.NoError(t, err)
	require.Len(t, camps, 1)
	assert.Equal(t, spring, camps[0].ID)

	// Enrolment refers to existing workflows and campaigns and is recorded.
	contact := e.srv.AddContact(e.loc.ID, map[string]any{"firstName": "Enrolled"})
	_, _, err = c.Contacts.AddToWorkflow(ctx, contact, wf, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{wf}, e.srv.Workflows(contact))
	_, _, err = c.Contacts.AddToWorkflow(ctx, contact, "no-such-workflow", nil)
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	_, _, err = c.Contacts.AddToCampaign(ctx, contact, spring)
	require.NoError(t, err)
	assert.Equal(t, []string{spring}, e.srv.Campaigns(contact))
	_, _, err = c.Contacts.AddToCampaign(ctx, contact, "noSuchCampaign000000")
	assert.ErrorIs(t, err, ghl.ErrNotFound)
	_, _, err = c.Contacts.RemoveFromWorkflow(ctx, contact, wf, nil)
	require.NoError(t, err)
	assert.Empty(t, e.srv.Workflows(contact))
	assert.True(t, st.Delete("workflows", wf))
	_, _, err = c.Contacts.AddToWorkflow(ctx, contact, wf, nil)
	assert.ErrorIs(t, err, ghl.ErrNotFound, "a deleted workflow takes no contacts")
}

func TestLocationsAndCompaniesOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	ac, ctx := e.agency, t.Context()

	created, _, err := ac.Locations.Create(ctx, &ghl.LocationCreateRequest{
		Name: "Branch", CompanyID: e.co.ID, City: ghl.Ptr("Austin"), Phone: ghl.Ptr("+15550123"),
		Settings: &ghl.Settings{AllowDuplicateContact: ghl.Ptr(true)},
	})
	require.NoError(t, err)
	require.NotEmpty(t, created.ID)
	assert.Equal(t, e.co.ID, created.CompanyID)
	assert.Equal(t, "Austin", created.City)

	got, _, err := ac.Locations.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, "Branch", got.Name)
	assert.Equal(t, "+15550123", got.Phone)
	require.NotNil(t, got.Settings)
	assert.Equal(t, ghl.Ptr(true), got.Settings.AllowDuplicateContact)
	own, _, err := e.client.Locations.Get(ctx, e.loc.ID)
	require.NoError(t, err, "a location token reads its own location")
	assert.Equal(t, "Catalog", own.Name)
	_, _, err = e.client.Locations.Get(ctx, created.ID)
	assert.ErrorIs(t, err, ghl.ErrForbidden, "but no other")

	found, _, err := ac.Locations.Search(ctx, &ghl.LocationsSearchOptions{CompanyID: e.co.ID})
	require.NoError(t, err)
	require.Len(t, found, 2)
	assert.Equal(t, []string{e.loc.ID, created.ID}, []string{found[0].ID, found[1].ID})
	found, _, err = ac.Locations.Search(ctx, &ghl.LocationsSearchOptions{CompanyID: e.co.ID, Order: "desc", Limit: 1})
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, created.ID, found[0].ID)

	upd, _, err := ac.Locations.Update(ctx, created.ID, &ghl.LocationUpdateRequest{CompanyID: e.co.ID, City: ghl.Ptr("Denver")})
	require.NoError(t, err)
	assert.Equal(t, "Denver", upd.City)
	got, _, err = ac.Locations.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, "Denver", got.City)
	assert.Equal(t, "Branch", got.Name)

	del, _, err := ac.Locations.Delete(ctx, created.ID, false)
	require.NoError(t, err)
	assert.True(t, del.Success)
	assert.Equal(t, "Deleted location with id: "+created.ID, del.Message)
	_, _, err = ac.Locations.Get(ctx, created.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	company, _, err := ac.Companies.Get(ctx, e.co.ID)
	require.NoError(t, err)
	assert.Equal(t, e.co.ID, company.ID)
	assert.Equal(t, "Emulator Agency", company.Name)
}

func TestLocationCustomFieldsValuesAndTagsOnEmulator(t *testing.T) {
	t.Parallel()
	e := newCatalogEnv(t)
	c, ctx, locID := e.client, t.Context(), e.loc.ID

	// Custom fields.
	cf, resp, err := c.Locations.CreateCustomField(ctx, locID, &ghl.CustomFieldsCreateRequest{
		Name: "Pin Code", DataType: "TEXT", Placeholder: ghl.Ptr("Pin"), Model: ghl.Ptr(ghl.LocationsCustomFieldModelContact),
	})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "contact.pin_code", cf.FieldKey)
	assert.Equal(t, "TEXT", cf.DataType)
	got, _, err := c.Locations.GetCustomField(ctx, locID, cf.ID)
	require.NoError(t, err)
	assert.Equal(t, "Pin", got.Placeholder)
	_, _, err = c.Locations.CreateCustomField(ctx, locID, &ghl.CustomFieldsCreateRequest{Name: "Deal size", DataType: "NUMERICAL", Model: ghl.Ptr(ghl.LocationsCustomFieldModelOpportunity)})
	require.NoError(t, err)
	fields, _, err := c.Locations.ListCustomFields(ctx, locID, nil)
	require.NoError(t, err)
	assert.Len(t, fields, 2)
	fields, _, err = c.Locations.ListCustomFields(ctx, locID, &ghl.LocationsListCustomFieldsOptions{Model: "contact"})
	require.NoError(t, err)
	require.Len(t, fields, 1)
	assert.Equal(t, cf.ID, fields[0].ID)
	// A contact's custom field given by key refers to the field.
	contact := e.srv.AddContact(locID, map[string]any{"customFields": []any{map[string]any{"key": "contact.pin_code", "field_value": "78701"}}})
	ct, _ := e.srv.Contact(locID, contact)
	assert.Equal(t, []any{map[string]any{"id": cf.ID, "value": "78701"}}, ct["customFields"])
	upd, _, err := c.Locations.UpdateCustomField(ctx, locID, cf.ID, &ghl.CustomFieldsUpdateRequest{Name: "Postcode"})
	require.NoError(t, err)
	assert.Equal(t, "Postcode", upd.Name)
	got, _, err = c.Locations.GetCustomField(ctx, locID, cf.ID)
	require.NoError(t, err)
	assert.Equal(t, "Postcode", got.Name)
	assert.Equal(t, "contact.pin_code", got.FieldKey, "the key stays")
	delCF, _, err := c.Locations.DeleteCustomField(ctx, locID, cf.ID)
	require.NoError(t, err)
	assert.True(t, delCF.Succeded)
	_, _, err = c.Locations.GetCustomField(ctx, locID, cf.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	// Custom values.
	cv, resp, err := c.Locations.CreateCustomValue(ctx, locID, &ghl.CustomValuesRequest{Name: "Office Hours", Value: "9-5"})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "{{ custom_values.office_hours }}", cv.FieldKey)
	gotCV, _, err := c.Locations.GetCustomValue(ctx, locID, cv.ID)
	require.NoError(t, err)
	assert.Equal(t, "9-5", gotCV.Value)
	values, _, err := c.Locations.ListCustomValues(ctx, locID)
	require.NoError(t, err)
	require.Len(t, values, 1)
	_, _, err = c.Locations.UpdateCustomValue(ctx, locID, cv.ID, &ghl.CustomValuesRequest{Name: "Office Hours", Value: "8-6"})
	require.NoError(t, err)
	gotCV, _, err = c.Locations.GetCustomValue(ctx, locID, cv.ID)
	require.NoError(t, err)
	assert.Equal(t, "8-6", gotCV.Value)
	delCV, _, err := c.Locations.DeleteCustomValue(ctx, locID, cv.ID)
	require.NoError(t, err)
	assert.True(t, delCV.Succeded)
	_, _, err = c.Locations.GetCustomValue(ctx, locID, cv.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	// Tags.
	tag, resp, err := c.Locations.CreateTag(ctx, locID, &ghl.TagBody{Name: "vip"})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode, "the spec's create-tag answers 200")
	assert.Equal(t, locID, tag.LocationID)
	gotTag, _, err := c.Locations.GetTagByID(ctx, locID, tag.ID)
	require.NoError(t, err)
	assert.Equal(t, "vip", gotTag.Name)
	tags, _, err := c.Locations.ListTags(ctx, locID)
	require.NoError(t, err)
	require.Len(t, tags, 1)
	_, _, err = c.Locations.UpdateTag(ctx, locID, tag.ID, &ghl.TagBody{Name: "gold"})
	require.NoError(t, err)
	gotTag, _, err = c.Locations.GetTagByID(ctx, locID, tag.ID)
	require.NoError(t, err)
	assert.Equal(t, "gold", gotTag.Name)
	delTag, _, err := c.Locations.DeleteTag(ctx, locID, tag.ID)
	require.NoError(t, err)
	assert.True(t, delTag.Succeded)
	_, _, err = c.Locations.GetTagByID(ctx, locID, tag.ID)
	assert.ErrorIs(t, err, ghl.ErrNotFound)

	// Another location's collections are out of reach of this token.
	other := e.srv.CreateLocation("Elsewhere")
	_, _, err = c.Locations.ListTags(ctx, other.ID)
	assert.ErrorIs(t, err, ghl.ErrForbidden)
}
