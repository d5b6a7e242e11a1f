package ghlredis

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"

	"github.com/salesnexus/ghl-go/feed"
)

// CheckpointStore is a [feed.CheckpointStore] in Redis, so that a change
// feed run by several replicas (or moved between them) resumes where the
// last acknowledged cycle left it. A checkpoint is one key, replaced whole
// by one SET: a reader sees the old checkpoint or the new one, never a mix.
// Give it to [feed.WithStore]. As with [TokenStore], durability is the
// server's (AOF with fsync); run a feed's cycles from one replica at a time.
type CheckpointStore struct {
	rdb redis.UniversalClient
	opt options
}

var _ feed.CheckpointStore = (*CheckpointStore)(nil)

// NewCheckpointStore returns a checkpoint store on rdb. It applies
// WithPrefix.
func NewCheckpointStore(rdb redis.UniversalClient, opts ...Option) *CheckpointStore {
	return &CheckpointStore{rdb: rdb, opt: newOptions(opts)}
}

// Load returns the checkpoint saved under key, nil when there is none. A
// Redis failure is an [*Error] matching [ErrUnavailable].
func (s *CheckpointStore) Load(ctx context.Context, key string) ([]byte, error) {
	if ctx == nil {
		return nil, nilContext("ghlredis.CheckpointStore.Load")
	}
	b, err := s.rdb.Get(ctx, s.opt.hashKey(key, ":checkpoint")).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("CheckpointStore.Load", key, err)
	}
	return b, nil
}

// Save replaces the checkpoint under key. A Redis failure is an [*Error]
// matching [ErrUnavailable]; the feed then keeps the cycle unacknowledged,
// so its records come again.
func (s *CheckpointStore) Save(ctx context.Context, key string, checkpoint []byte) error {
	if ctx == nil {
		return nilContext("ghlredis.CheckpointStore.Save")
	}
	return wrap("CheckpointStore.Save", key, s.rdb.Set(ctx, s.opt.hashKey(key, ":checkpoint"), checkpoint, 0).Err())
}
