package ghl

import (
	"context"
	"hash/maphash"
	"iter"
)

type maxPagesKey struct{}

// ContextWithMaxPages returns a context whose iterations may read up to n
// pages, instead of the client's ceiling ([WithMaxPages], default
// [DefaultMaxPages]). n <= 0 restores the client's ceiling.
func ContextWithMaxPages(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, maxPagesKey{}, n)
}

// maxPagesFor is the page ceiling of one iteration.
func maxPagesFor(ctx context.Context, s *service) int {
	if n, ok := ctx.Value(maxPagesKey{}).(int); ok && n > 0 {
		return n
	}
	if s != nil && s.client != nil && s.client.maxPages > 0 {
		return s.client.maxPages
	}
	return DefaultMaxPages
}

// paginate walks a paged list lazily: nothing is fetched until the caller
// ranges over the result, and fetching stops as soon as the loop breaks.
//
// fetch returns one page for cursor, the cursor of the next page and whether
// there is one. An error is yielded once, then the walk ends. A cursor that
// comes back to any page already read (A, B, A, ...) ends the walk with a
// *PageError matching ErrCursorRepeated before that page is read again, and
// so does the page ceiling with ErrTooManyPages, so that a server that
// repeats itself cannot loop a caller forever. The cursors are remembered as
// 64-bit hashes, at most one per page, so memory is bounded by the ceiling.
// Every HighLevel scheme fits this shape: startAfter+startAfterId,
// page+pageLimit, searchAfter and skip+limit each have a cursor type of
// their own.
func paginate[T any, C comparable](ctx context.Context, s *service, op *operation, first C, fetch func(ctx context.Context, cursor C) (items []T, next C, more bool, err error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		if ctx == nil {
			yield(nil, &ArgError{Operation: op.Name, Arg: "ctx", Reason: "is nil"})
			return
		}
		limit := maxPagesFor(ctx, s)
		seed := maphash.MakeSeed()
		seen := make(map[uint64]struct{})
		cursor := first
		for pages := 0; ; pages++ {
			if pages >= limit {
				yield(nil, &PageError{Operation: op.Name, Pages: pages, Err: ErrTooManyPages})
				return
			}
			seen[maphash.Comparable(seed, cursor)] = struct{}{}
			// fetch sees a done ctx too, and reports it as a typed error.
			items, next, more, err := fetch(ctx, cursor)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range items {
				if !yield(&items[i], nil) {
					return
				}
			}
			if !more || len(items) == 0 {
				return
			}
			if _, dup := seen[maphash.Comparable(seed, next)]; dup {
				yield(nil, &PageError{Operation: op.Name, Pages: pages + 1, Err: ErrCursorRepeated})
				return
			}
			cursor = next
		}
	}
}

// offsetPages walks a list paged by an offset (skip or offset) and a page
// size: fetch reads the page at an offset. The walk stops after a short
// page, or once the offset reaches the total the answer reported
// (resp.Total), besides paginate's own stops.
func offsetPages[T any](ctx context.Context, s *service, op *operation, start, limit int, fetch func(ctx context.Context, at int) ([]T, *Response, error)) iter.Seq2[*T, error] {
	return paginate(ctx, s, op, start, func(ctx context.Context, at int) ([]T, int, bool, error) {
		items, resp, err := fetch(ctx, at)
		if err != nil || len(items) == 0 {
			return nil, at, false, err
		}
		next := at + len(items)
		more := len(items) >= limit && (resp == nil || resp.Total == 0 || next < resp.Total)
		return items, next, more, nil
	})
}

// cursorPages walks a list paged by an opaque cursor: fetch reads the page
// at cursor, and the answer's resp.NextCursor is the next one ("" ends the
// walk), besides paginate's own stops.
func cursorPages[T any](ctx context.Context, s *service, op *operation, first string, fetch func(ctx context.Context, cursor string) ([]T, *Response, error)) iter.Seq2[*T, error] {
	return paginate(ctx, s, op, first, func(ctx context.Context, cursor string) ([]T, string, bool, error) {
		items, resp, err := fetch(ctx, cursor)
		if err != nil || len(items) == 0 || resp == nil {
			return nil, cursor, false, err
		}
		return items, resp.NextCursor, resp.NextCursor != "", nil
	})
}

// startAfter is the two-part cursor of lists paged by startAfter (epoch
// milliseconds) and startAfterId, as meta reports them.
type startAfter struct {
	after int64
	id    string
}

// metaPages walks a list paged by meta's startAfter and startAfterId: the
// walk goes on while meta has a nextPageUrl and the page was full.
func metaPages[T any](ctx context.Context, s *service, op *operation, first startAfter, limit int, fetch func(ctx context.Context, c startAfter) ([]T, *Response, error)) iter.Seq2[*T, error] {
	return paginate(ctx, s, op, first, func(ctx context.Context, c startAfter) ([]T, startAfter, bool, error) {
		items, resp, err := fetch(ctx, c)
		if err != nil || len(items) == 0 || resp == nil || resp.Meta == nil {
			return items, c, false, err
		}
		m := resp.Meta
		next := startAfter{after: m.StartAfter, id: m.StartAfterID}
		return items, next, m.NextPageURL != "" && (limit <= 0 || len(items) >= limit), nil
	})
}
