package ghl

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pages serves fixed pages by skip offset, counting fetches.
type pages struct {
	data    [][]int
	fetches int
	failAt  int // fetch number that fails, 0 for never
	repeat  bool
}

func (p *pages) fetch(_ context.Context, skip int) ([]int, int, bool, error) {
	p.fetches++
	if p.fetches == p.failAt {
		return nil, 0, false, errors.New("boom " + strconv.Itoa(skip))
	}
	i := p.fetches - 1
	if i >= len(p.data) {
		return nil, skip, false, nil
	}
	next := skip + len(p.data[i])
	if p.repeat {
		next = skip
	}
	return p.data[i], next, i+1 < len(p.data), nil
}

func collect(t *testing.T, p *pages, limit int) ([]int, []error) {
	t.Helper()
	var got []int
	var errs []error
	for v, err := range paginate(t.Context(), nil, testGetOp, 0, p.fetch) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, *v)
		if len(got) == limit {
			break
		}
	}
	return got, errs
}

func TestPaginateAllPages(t *testing.T) {
	t.Parallel()
	p := &pages{data: [][]int{{1, 2}, {3, 4}, {5}}}
	got, errs := collect(t, p, -1)
	assert.Empty(t, errs)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, got)
	assert.Equal(t, 3, p.fetches)
}

func TestPaginateIsLazyAndStopsOnBreak(t *testing.T) {
	t.Parallel()
	p := &pages{data: [][]int{{1, 2}, {3, 4}, {5}}}
	seq := paginate(t.Context(), nil, testGetOp, 0, p.fetch)
	assert.Equal(t, 0, p.fetches, "nothing is fetched before ranging")
	got, _ := collect(t, p, 3)
	assert.Equal(t, []int{1, 2, 3}, got)
	assert.Equal(t, 2, p.fetches, "no page is fetched after the loop breaks")
	_ = seq
}

func TestPaginateYieldsErrorOnce(t *testing.T) {
	t.Parallel()
	p := &pages{data: [][]int{{1, 2}, {3, 4}, {5}}, failAt: 2}
	got, errs := collect(t, p, -1)
	assert.Equal(t, []int{1, 2}, got)
	require.Len(t, errs, 1)
	assert.EqualError(t, errs[0], "boom 2")
	assert.Equal(t, 2, p.fetches)
}

func TestPaginateStopsOnRepeatedCursor(t *testing.T) {
	t.Parallel()
	p := &pages{data: [][]int{{1, 2}, {1, 2}, {1, 2}}, repeat: true}
	got, errs := collect(t, p, -1)
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrCursorRepeated)
	assert.Equal(t, []int{1, 2}, got)
	assert.Equal(t, 1, p.fetches)
}

// cycling serves pages whose cursors go 0 → 1 → 2 → 1 → 2 → ... forever.
func cycling(fetches *int) func(context.Context, int) ([]int, int, bool, error) {
	return func(_ context.Context, cursor int) ([]int, int, bool, error) {
		*fetches++
		next := cursor + 1
		if next > 2 {
			next = 1
		}
		return []int{cursor}, next, true, nil
	}
}

// Issue 8 (6): a cursor cycle A, B, A, ... used to loop forever, since only
// the previous cursor was compared.
func TestPaginateStopsOnCursorCycle(t *testing.T) {
	t.Parallel()
	fetches := 0
	var got []int
	var errs []error
	for v, err := range paginate(t.Context(), nil, testGetOp, 0, cycling(&fetches)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, *v)
		require.Less(t, len(got), 100, "the walk must end")
	}
	assert.Equal(t, []int{0, 1, 2}, got, "each page once; the cycle back to page 1 is not read")
	assert.Equal(t, 3, fetches)
	require.Len(t, errs, 1)
	var pe *PageError
	require.ErrorAs(t, errs[0], &pe)
	assert.ErrorIs(t, errs[0], ErrCursorRepeated)
	assert.Equal(t, 3, pe.Pages)
	assert.Equal(t, "Things.Get", pe.Operation)
}

// Issue 8 (6): a hard ceiling on pages per iteration, which the caller can
// raise per client or per context.
func TestPaginatePageCeiling(t *testing.T) {
	t.Parallel()
	endless := func(fetches *int) func(context.Context, int) ([]int, int, bool, error) {
		return func(_ context.Context, cursor int) ([]int, int, bool, error) {
			*fetches++
			return []int{cursor}, cursor + 1, true, nil
		}
	}
	c, err := NewClient(WithAccessToken("t"), WithMaxPages(5))
	require.NoError(t, err)
	svc := &c.common

	run := func(ctx context.Context) (int, int, error) {
		fetches, n := 0, 0
		var last error
		for _, err := range paginate(ctx, svc, testGetOp, 0, endless(&fetches)) {
			if err != nil {
				last = err
				continue
			}
			n++
		}
		return n, fetches, last
	}
	n, fetches, err := run(t.Context())
	assert.Equal(t, 5, n)
	assert.Equal(t, 5, fetches, "no page past the ceiling is fetched")
	var pe *PageError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, ErrTooManyPages)
	assert.Equal(t, 5, pe.Pages)

	n, fetches, err = run(ContextWithMaxPages(t.Context(), 12))
	assert.Equal(t, 12, n)
	assert.Equal(t, 12, fetches)
	assert.ErrorIs(t, err, ErrTooManyPages)

	// The default ceiling applies with no client at all.
	assert.Equal(t, DefaultMaxPages, maxPagesFor(t.Context(), nil))
	_, err = NewClient(WithMaxPages(0))
	assert.Error(t, err)
}

func TestPaginateStopsOnFetchErrorForCancelledContext(t *testing.T) {
	t.Parallel()
	c, mock := setupCore(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	fetch := func(ctx context.Context, _ int) ([]thing, int, bool, error) {
		_, err := c.call(ctx, testGetOp, "/things/x", nil, nil, nil)
		return nil, 0, err == nil, err
	}
	n := 0
	for _, err := range paginate(ctx, nil, testGetOp, 0, fetch) {
		n++
		var re *RequestError
		require.ErrorAs(t, err, &re, "a cancelled walk still yields a typed error")
		assert.ErrorIs(t, err, context.Canceled)
		assert.False(t, re.Sent)
		assert.Equal(t, "Things.Get", re.Operation)
	}
	assert.Equal(t, 1, n)
	assert.Zero(t, mock.GetTotalCallCount(), "nothing is sent with a done context")
}
