package ghlredis

import (
	"context"
	"errors"
	"fmt"
)

// ErrUnavailable is matched by an [*Error] that Redis could not be reached
// or failed a command: nothing was read or written.
var ErrUnavailable = errors.New("ghlredis: Redis unavailable")

// ErrLockLost is returned by the unlock function of [TokenStore.Lock] when
// the lock was no longer held: its lease ran out (the process stalled, or
// Redis was unreachable for longer than the lease) and another process may
// have taken it.
var ErrLockLost = errors.New("ghlredis: refresh lock lost (lease expired)")

// ErrNotReplicated is returned (wrapped) by [TokenStore.Save] with
// [WithWait] when fewer replicas than asked acknowledged the write in time.
// The pair is on the primary; it may not survive a fail-over.
var ErrNotReplicated = errors.New("ghlredis: write not acknowledged by enough replicas")

// Error is a failure of a Redis command. It names the operation and key,
// never a token.
type Error struct {
	// Op is the operation, such as "TokenStore.Lock".
	Op string
	// Key is the location, company or webhook ID.
	Key string
	// Err is the error go-redis returned.
	Err error
}

// Error describes the failure.
func (e *Error) Error() string {
	return fmt.Sprintf("ghlredis: %s %q: %v", e.Op, e.Key, e.Err)
}

// Unwrap returns the go-redis error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches [ErrUnavailable], unless the caller's context ended (then it
// matches the context's error through Unwrap only).
func (e *Error) Is(target error) bool {
	return target == ErrUnavailable && !errors.Is(e.Err, context.Canceled) && !errors.Is(e.Err, context.DeadlineExceeded)
}

func wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Op: op, Key: key, Err: err}
}
