package ghl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

func TestContactsFind(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Find")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "Jane", "email": "jane@x.example", "phone": "+15555550123"})
	c := emulatorClient(t, srv, loc.Token)
	ctx := t.Context()

	for name, q := range map[string]ghl.ContactQuery{
		"by id":    {ID: id},
		"by email": {LocationID: loc.ID, Email: "jane@x.example"},
		"by phone": {LocationID: loc.ID, Phone: "+15555550123"},
	} {
		got, _, err := c.Contacts.Find(ctx, q)
		require.NoError(t, err, name)
		require.NotNil(t, got, name)
		assert.Equal(t, id, got.ID, name)
	}

	srv.ResetRequests()
	got, _, err := c.Contacts.Find(ctx, ghl.ContactQuery{ID: "doesNotExist00000000"})
	require.NoError(t, err, "a missing contact is nil, not an error")
	assert.Nil(t, got)
	got, _, err = c.Contacts.Find(ctx, ghl.ContactQuery{LocationID: loc.ID, Email: "nobody@x.example"})
	require.NoError(t, err)
	assert.Nil(t, got)
	assert.Len(t, srv.Requests(), 2)

	_, _, err = c.Contacts.Find(ctx, ghl.ContactQuery{})
	assert.ErrorIs(t, err, ghl.ErrInvalidArgument)
	_, _, err = c.Contacts.Find(ctx, ghl.ContactQuery{Email: "jane@x.example"})
	var ae *ghl.ArgError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "locationId", ae.Arg)
	assert.Len(t, srv.Requests(), 2, "bad queries send nothing")
}
