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
	for v, err := range paginate(t.Context(), 0, p.fetch) {
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
	seq := paginate(t.Context(), 0, p.fetch)
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
	assert.Empty(t, errs)
	assert.Equal(t, []int{1, 2}, got)
	assert.Equal(t, 1, p.fetches)
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
	for _, err := range paginate(ctx, 0, fetch) {
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
