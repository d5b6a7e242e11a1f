package ghl

import (
	"context"
	"iter"
)

// paginate walks a paged list lazily: nothing is fetched until the caller
// ranges over the result, and fetching stops as soon as the loop breaks.
//
// fetch returns one page for cursor, the cursor of the next page and whether
// there is one. An error is yielded once, then the walk ends. A cursor that
// comes back unchanged ends the walk too, so a server that repeats itself
// cannot loop a caller forever. Every HighLevel scheme fits this shape:
// startAfter+startAfterId, page+pageLimit, searchAfter and skip+limit each
// have a cursor type of their own.
func paginate[T any, C comparable](ctx context.Context, first C, fetch func(ctx context.Context, cursor C) (items []T, next C, more bool, err error)) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		cursor := first
		for {
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
			if !more || len(items) == 0 || next == cursor {
				return
			}
			cursor = next
		}
	}
}
