package ghlredis_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/salesnexus/ghl-go/ghlredis"
)

func TestCheckpointStore(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	p := prefix(t)
	s := ghlredis.NewCheckpointStore(newRedis(t), ghlredis.WithPrefix(p))
	got, err := s.Load(ctx, "contacts/loc1")
	require.NoError(t, err)
	assert.Nil(t, got, "no checkpoint yet")

	require.NoError(t, s.Save(ctx, "contacts/loc1", []byte("v1")))
	require.NoError(t, s.Save(ctx, "contacts/loc1", []byte("v2")))
	got, err = s.Load(ctx, "contacts/loc1")
	require.NoError(t, err)
	assert.Equal(t, []byte("v2"), got, "replaced whole")

	// Another replica, another client, same Redis: the same checkpoint.
	other := ghlredis.NewCheckpointStore(newRedis(t), ghlredis.WithPrefix(p))
	got, err = other.Load(ctx, "contacts/loc1")
	require.NoError(t, err)
	assert.Equal(t, []byte("v2"), got)

	dead := ghlredis.NewCheckpointStore(deadRedis(t))
	_, err = dead.Load(ctx, "contacts/loc1")
	assert.ErrorIs(t, err, ghlredis.ErrUnavailable)
	assert.ErrorIs(t, dead.Save(ctx, "contacts/loc1", []byte("x")), ghlredis.ErrUnavailable)
}
