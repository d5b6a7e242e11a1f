package ghlredis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/bsm/redislock"
	"github.com/redis/go-redis/v9"

	ghl "github.com/salesnexus/ghl-go"
)

// TokenStore keeps OAuth token pairs in Redis for every replica, and locks
// a key across them so that one refresh happens per location: it is a
// [ghl.TokenStore] and a [ghl.Locker] for [ghl.NewOAuthApp].
//
// Save is one SET of the pair as JSON (atomic: a reader sees the old pair
// or the new one); see the package documentation for making it durable
// (AOF, [WithWait]). Lock takes a lease ([WithLockLease]) held by a random
// token: only its owner releases it (compare-and-delete), it is renewed
// while held, and it runs out if the holder dies.
type TokenStore struct {
	rdb  redis.UniversalClient
	opt  options
	lock *redislock.Client
}

// NewTokenStore returns a store on rdb. It applies WithPrefix,
// WithLockLease, WithLockRetry and WithWait.
func NewTokenStore(rdb redis.UniversalClient, opts ...Option) *TokenStore {
	return &TokenStore{rdb: rdb, opt: newOptions(opts), lock: redislock.New(rdb)}
}

var (
	_ ghl.TokenStore = (*TokenStore)(nil)
	_ ghl.Locker     = (*TokenStore)(nil)
)

func nilContext(op string) error {
	return &ghl.ArgError{Operation: op, Arg: "ctx", Reason: "is nil"}
}

// Load returns the pair stored under key, or an error matching
// [ghl.ErrNoToken].
func (s *TokenStore) Load(ctx context.Context, key string) (*ghl.StoredToken, error) {
	if ctx == nil {
		return nil, nilContext("ghlredis.TokenStore.Load")
	}
	b, err := s.rdb.Get(ctx, s.opt.hashKey(key, ":token")).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("%w for %q", ghl.ErrNoToken, key)
	}
	if err != nil {
		return nil, wrap("TokenStore.Load", key, err)
	}
	var t ghl.StoredToken
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("ghlredis: TokenStore.Load %q: the stored token is not valid JSON", key)
	}
	return &t, nil
}

// Save stores tok under key in one SET, then, with [WithWait], waits for
// the replicas (an error matching [ErrNotReplicated] if too few answered).
func (s *TokenStore) Save(ctx context.Context, key string, tok *ghl.StoredToken) error {
	if ctx == nil {
		return nilContext("ghlredis.TokenStore.Save")
	}
	if tok == nil {
		return errors.New("ghlredis: TokenStore.Save: token is nil")
	}
	b, err := json.Marshal(tok)
	if err != nil {
		return fmt.Errorf("ghlredis: TokenStore.Save %q: %v", key, err)
	}
	k := s.opt.hashKey(key, ":token")
	if s.opt.replicas <= 0 {
		return wrap("TokenStore.Save", key, s.rdb.Set(ctx, k, b, 0).Err())
	}
	// WAIT counts the writes of its own connection: SET and WAIT go on one
	// connection, to the primary that holds the key.
	var node redis.Cmdable = s.rdb
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		c, err := cc.MasterForKey(ctx, k)
		if err != nil {
			return wrap("TokenStore.Save", key, err)
		}
		node = c
	}
	var acked *redis.Cmd
	_, err = node.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, k, b, 0)
		acked = p.Do(ctx, "WAIT", s.opt.replicas, s.opt.waitTimeout.Milliseconds())
		return nil
	})
	if err != nil {
		return wrap("TokenStore.Save", key, err)
	}
	if n, _ := acked.Int64(); n < int64(s.opt.replicas) {
		return fmt.Errorf("ghlredis: TokenStore.Save %q: %w (%d of %d)", key, ErrNotReplicated, n, s.opt.replicas)
	}
	return nil
}

// Delete removes the pair stored under key, if any.
func (s *TokenStore) Delete(ctx context.Context, key string) error {
	if ctx == nil {
		return nilContext("ghlredis.TokenStore.Delete")
	}
	return wrap("TokenStore.Delete", key, s.rdb.Del(ctx, s.opt.hashKey(key, ":token")).Err())
}

// Lock takes the refresh lock of key across every process sharing Redis,
// blocking until it is held or ctx is done (an error matching ctx's). It
// fails with an error matching [ErrUnavailable] when Redis cannot be
// reached, so that a refresh token is never spent without the lock.
//
// While held, the lease is renewed every third of its length (re-taken
// with the same token if it ran out meanwhile and nobody else took it).
// unlock stops the renewal and deletes the lock only if this holder still
// owns it; it returns an error matching [ErrLockLost] if it did not.
func (s *TokenStore) Lock(ctx context.Context, key string) (func() error, error) {
	if ctx == nil {
		return nil, nilContext("ghlredis.TokenStore.Lock")
	}
	k := s.opt.hashKey(key, ":lock")
	lo := &redislock.Options{RetryStrategy: redislock.LinearBackoff(s.opt.retry)}
	var l *redislock.Lock
	for {
		var err error
		l, err = s.lock.Obtain(ctx, k, s.opt.lease, lo)
		if err == nil {
			break
		}
		// Obtain gives up after one lease when ctx has no deadline: wait on.
		if ctx.Err() != nil {
			return nil, wrap("TokenStore.Lock", key, ctx.Err())
		}
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, redislock.ErrNotObtained) {
			return nil, wrap("TokenStore.Lock", key, err)
		}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go s.renew(l, stop, done)
	var once sync.Once
	var uerr error
	return func() error {
		once.Do(func() {
			close(stop)
			<-done
			rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := l.Release(rctx)
			switch {
			case errors.Is(err, redislock.ErrLockNotHeld):
				uerr = fmt.Errorf("ghlredis: TokenStore unlock %q: %w", key, ErrLockLost)
			case err != nil:
				uerr = wrap("TokenStore.Unlock", key, err)
			}
		})
		return uerr
	}, nil
}

// renew extends the lease of l every third of it until stop is closed;
// after a failure it tries again sooner, re-taking the lease with the same
// token if it ran out and nobody else holds it.
func (s *TokenStore) renew(l *redislock.Lock, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	every := s.opt.lease / 3
	t := time.NewTimer(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), every)
		err := l.Refresh(ctx, s.opt.lease, nil)
		if errors.Is(err, redislock.ErrNotObtained) {
			// The lease ran out: take it back unless another holder has.
			_, err = s.lock.Obtain(ctx, l.Key(), s.opt.lease, &redislock.Options{Token: l.Token()})
		}
		cancel()
		next := every
		if err != nil {
			next = min(every, time.Second)
		}
		t.Reset(next)
	}
}

// String describes the store without its tokens.
func (s *TokenStore) String() string {
	return fmt.Sprintf("ghlredis.TokenStore{Prefix: %q, Lease: %s}", s.opt.prefix, s.opt.lease)
}

// GoString is String.
func (s *TokenStore) GoString() string { return s.String() }

// Format prints String for every verb, so no verb prints a token.
func (s *TokenStore) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }
