package feed_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
	"github.com/salesnexus/ghl-go/ghltest"
)

const (
	fleetClientID     = "6578278e879ad2646715ba9c-fleet"
	fleetClientSecret = "fleet-secret"
)

// fleetEnv is an agency with three installed locations holding 1, 2 and 3
// contacts, served in process so that a synctest bubble can run it.
func fleetEnv(t *testing.T) (*ghltest.Server, *ghl.Agency, []string) {
	t.Helper()
	srv := ghltest.NewHandler(ghltest.WithRateLimit(0, 0, 0))
	srv.RegisterApp(fleetClientID, fleetClientSecret)
	var ids []string
	for i, name := range []string{"North", "South", "East"} {
		l := srv.CreateLocation(name)
		srv.SeedContacts(l.ID, i+1)
		ids = append(ids, l.ID)
	}
	app, err := ghl.NewOAuthApp(ghl.OAuthConfig{
		ClientID: fleetClientID, ClientSecret: fleetClientSecret, RedirectURL: "https://app.example/cb",
		Scopes: []string{"contacts.readonly"}, UserType: ghl.UserTypeCompany,
		BaseURL: "http://ghl.test", HTTPClient: &http.Client{Transport: inProcess{srv}},
		Logger:        quiet,
		ClientOptions: []ghl.Option{ghl.WithRetry(ghl.RetryPolicy{}), ghl.WithRateLimit(ghl.RateLimit{Disabled: true})},
	}, ghl.NewMemoryTokenStore())
	require.NoError(t, err)
	co := srv.Locations()[0].CompanyID
	tok, err := app.Exchange(t.Context(), srv.AuthorizationCode(fleetClientID, "", "Company", co))
	require.NoError(t, err)
	return srv, app.Agency(tok.CompanyID), ids
}

func contactsFleet(t *testing.T, agency *ghl.Agency, fo *feed.FleetOptions, opts ...feed.Option) *feed.Fleet[ghl.Contact] {
	t.Helper()
	fl, err := feed.NewFleet(agency, "contacts", func(loc string, c *ghl.Client) feed.Source[ghl.Contact] {
		return feed.Contacts(c, loc, nil)
	}, fo, append([]feed.Option{feed.WithLogger(quiet)}, opts...)...)
	require.NoError(t, err)
	return fl
}

// One cycle of a fleet polls every installed location with its own client
// and checkpoint key, never more than Concurrency at once.
func TestFleetCycleConcurrencyAndCheckpoints(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		_, agency, ids := fleetEnv(t)
		store := new(feed.MemoryStore)
		fl := contactsFleet(t, agency, &feed.FleetOptions{Concurrency: 2}, feed.WithStore(store))

		var mu sync.Mutex
		inside := map[string]bool{}
		got := map[string]int{}
		release := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- fl.Cycle(context.Background(), func(ctx context.Context, loc string, ch feed.Change[ghl.Contact]) error {
				mu.Lock()
				inside[loc] = true
				got[loc]++
				mu.Unlock()
				<-release
				return nil
			})
		}()
		synctest.Wait()
		mu.Lock()
		assert.Len(t, inside, 2, "two locations at once, the third waits for the gate")
		mu.Unlock()
		close(release)
		require.NoError(t, <-done)

		assert.Equal(t, map[string]int{ids[0]: 1, ids[1]: 2, ids[2]: 3}, got)
		assert.ElementsMatch(t, ids, fl.Locations())
		stats := fl.Stats()
		require.Len(t, stats, 3)
		for i, id := range ids {
			assert.Equal(t, "contacts/"+id, stats[id].Key)
			assert.Equal(t, i+1, stats[id].Delivered, id)
			assert.Equal(t, 1, stats[id].Acknowledged, id)
			cp, err := store.Load(t.Context(), "contacts/"+id)
			require.NoError(t, err)
			assert.NotEmpty(t, cp, "own checkpoint for %s", id)
		}

		// A second cycle delivers nothing: each location resumes from its
		// own checkpoint.
		n := 0
		require.NoError(t, fl.Cycle(t.Context(), func(context.Context, string, feed.Change[ghl.Contact]) error { n++; return nil }))
		assert.Zero(t, n)
	})
}

// Run starts the locations in different seconds (spread over the
// interval), keeps polling each on its schedule, and stops every feed at
// once when ctx ends.
func TestFleetRunSpreadAndCancel(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		_, agency, ids := fleetEnv(t)
		fl := contactsFleet(t, agency, &feed.FleetOptions{Concurrency: 2}, feed.WithInterval(time.Minute), feed.WithJitter(0.05))

		var mu sync.Mutex
		first := map[string]time.Duration{}
		start := time.Now()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- fl.Run(ctx, func(_ context.Context, loc string, _ feed.Change[ghl.Contact]) error {
				mu.Lock()
				defer mu.Unlock()
				if _, ok := first[loc]; !ok {
					first[loc] = time.Since(start)
				}
				return nil
			})
		}()
		time.Sleep(5 * time.Minute) // synctest's clock: no real time passes
		synctest.Wait()

		mu.Lock()
		require.Len(t, first, 3)
		var at []time.Duration
		for _, d := range first {
			at = append(at, d)
		}
		mu.Unlock()
		slices.Sort(at)
		assert.Less(t, at[2], time.Minute, "every location starts within the spread")
		for i := 1; i < len(at); i++ {
			assert.GreaterOrEqual(t, at[i]-at[i-1], 10*time.Second, "starts %d and %d are in different seconds", i-1, i)
		}
		for _, id := range ids {
			s := fl.Stats()[id]
			assert.GreaterOrEqual(t, s.Cycles, 4, id)
			assert.LessOrEqual(t, s.Cycles, 6, id)
			assert.Zero(t, s.Failed, id)
		}

		cancelled := time.Now()
		cancel()
		synctest.Wait()
		select {
		case err := <-done:
			assert.True(t, errors.Is(err, context.Canceled))
		default:
			t.Fatal("Run did not return when ctx ended")
		}
		assert.Equal(t, cancelled, time.Now(), "no time passed")
	})
}

func TestNewFleetValidates(t *testing.T) {
	t.Parallel()
	src := func(loc string, c *ghl.Client) feed.Source[ghl.Contact] { return feed.Contacts(c, loc, nil) }
	_, err := feed.NewFleet[ghl.Contact](nil, "x", src, nil)
	assert.Error(t, err)
	app, err := ghl.NewOAuthApp(ghl.OAuthConfig{ClientID: "a-b", ClientSecret: "s", RedirectURL: "https://x/cb"}, ghl.NewMemoryTokenStore())
	require.NoError(t, err)
	_, err = feed.NewFleet(app.Agency("co"), "", src, nil)
	assert.Error(t, err)
	_, err = feed.NewFleet[ghl.Contact](app.Agency("co"), "x", nil, nil)
	assert.Error(t, err)
	_, err = feed.NewFleet(app.Agency("co"), "x", src, &feed.FleetOptions{Concurrency: -1})
	assert.Error(t, err)
	_, err = feed.NewFleet(app.Agency("co"), "x", src, nil, feed.WithInterval(time.Second))
	assert.Error(t, err)
}
