package ghl_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// A budget caps the requests of an iteration: pages past it are not
// requested, and the walk ends with ErrBudgetSpent.
func TestRequestBudgetCapsAnIteration(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Budget")
	srv.SeedContacts(loc.ID, 10)
	c := emulatorClient(t, srv, loc.Token)

	b := ghl.NewRequestBudget(3)
	ctx := ghl.ContextWithBudget(context.Background(), b)
	n := 0
	var last error
	for _, err := range c.Contacts.SearchIter(ctx, &ghl.ContactSearchRequest{LocationID: loc.ID, PageLimit: 2}) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	assert.Equal(t, 6, n, "three pages of two")
	require.ErrorIs(t, last, ghl.ErrBudgetSpent)
	var re *ghl.RequestError
	require.ErrorAs(t, last, &re)
	assert.False(t, re.Sent, "the refused request was not sent")
	assert.Equal(t, 3, b.Used())
	assert.Equal(t, 0, b.Remaining())
	assert.Len(t, srv.Requests(), 3, "the server saw exactly the budget")
}

// Retries are requests too: a 503 answered twice costs three requests.
func TestRequestBudgetCountsRetries(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Budget")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "Ada"})
	c := emulatorClient(t, srv, loc.Token)
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 503, Method: "GET", Times: 2})

	b := ghl.NewRequestBudget(0) // counts only
	_, resp, err := c.Contacts.Get(ghl.ContextWithBudget(context.Background(), b), id)
	require.NoError(t, err)
	assert.Equal(t, 3, resp.Attempts)
	assert.Equal(t, 3, b.Used())
	assert.Equal(t, -1, b.Remaining())

	// A retry that would go over the limit is not sent.
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 503, Method: "GET", Times: 5})
	b = ghl.NewRequestBudget(2)
	_, _, err = c.Contacts.Get(ghl.ContextWithBudget(context.Background(), b), id)
	require.ErrorIs(t, err, ghl.ErrBudgetSpent)
	assert.Equal(t, 2, b.Used())
}

// One budget shared by goroutines is never overspent.
func TestRequestBudgetConcurrent(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Budget")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "Ada"})
	c := emulatorClient(t, srv, loc.Token)
	b := ghl.NewRequestBudget(7)
	ctx := ghl.ContextWithBudget(context.Background(), b)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, spent := 0, 0
	for range 20 {
		wg.Go(func() {
			_, _, err := c.Contacts.Get(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, ghl.ErrBudgetSpent):
				spent++
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 7, ok)
	assert.Equal(t, 13, spent)
	assert.Len(t, srv.Requests(), 7)
}
