package ghl

import (
	"context"
	"errors"
	"sync/atomic"
)

// ErrBudgetSpent is the error of a call refused because the [RequestBudget]
// of its context was spent: the request was not sent. A [*RequestError]
// wraps it.
var ErrBudgetSpent = errors.New("ghl: request budget spent")

// RequestBudget counts the requests sent for calls made with a context from
// [ContextWithBudget], every attempt included (a retry is one more request),
// and caps them: once Limit requests were sent, a call is refused with
// [ErrBudgetSpent] before it is sent, and a call whose retry would go over
// the limit ends with that error instead of retrying. A budget is safe for
// concurrent use and may be shared by several contexts; the zero value has
// no limit and only counts.
//
// Change feeds use it to cap what one poll cycle may spend of a location's
// quota; it is independent of, and checked after, the client's rate limiter.
type RequestBudget struct {
	limit int64
	used  atomic.Int64
}

// NewRequestBudget returns a budget of limit requests; limit <= 0 means no
// limit (the budget only counts).
func NewRequestBudget(limit int) *RequestBudget {
	return &RequestBudget{limit: int64(max(limit, 0))}
}

// Limit returns the budget's limit, 0 for none.
func (b *RequestBudget) Limit() int { return int(b.limit) }

// Used returns the number of requests sent so far.
func (b *RequestBudget) Used() int { return int(b.used.Load()) }

// Remaining returns how many requests may still be sent; -1 when the budget
// has no limit.
func (b *RequestBudget) Remaining() int {
	if b.limit <= 0 {
		return -1
	}
	return int(max(b.limit-b.used.Load(), 0))
}

// take spends one request, or reports false when the budget is spent.
func (b *RequestBudget) take() bool {
	for {
		n := b.used.Load()
		if b.limit > 0 && n >= b.limit {
			return false
		}
		if b.used.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

type budgetKey struct{}

// ContextWithBudget returns a context whose calls draw from b (see
// [RequestBudget]). A nil b returns ctx as it is.
func ContextWithBudget(ctx context.Context, b *RequestBudget) context.Context {
	if b == nil {
		return ctx
	}
	return context.WithValue(ctx, budgetKey{}, b)
}

// budgetFrom returns the budget of ctx, nil when it has none.
func budgetFrom(ctx context.Context) *RequestBudget {
	b, _ := ctx.Value(budgetKey{}).(*RequestBudget)
	return b
}
