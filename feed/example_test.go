package feed_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/feed"
	"github.com/salesnexus/ghl-go/ghltest"
)

// One poll cycle as a range loop: ranging to the end acknowledges the
// changes, and the checkpoint moves forward; a break acknowledges nothing.
func Example() {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Acme")
	srv.AddContact(loc.ID, map[string]any{"firstName": "Ada"})
	c, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token))
	if err != nil {
		panic(err)
	}

	f, err := feed.New("contacts/"+loc.ID, feed.Contacts(c, loc.ID, nil),
		feed.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	for ch, err := range f.Poll(context.Background()) {
		if err != nil {
			fmt.Println("cycle failed:", err)
			break
		}
		fmt.Println(ch.Kind, ch.Record.FirstName)
	}
	srv.AddContact(loc.ID, map[string]any{"firstName": "Bob"})
	for ch, err := range f.Poll(context.Background()) {
		if err != nil {
			break
		}
		fmt.Println(ch.Kind, ch.Record.FirstName)
	}
	// Output:
	// created Ada
	// created Bob
}

// Run polls on a schedule with a handler until ctx ends; a handler error
// leaves the cycle unacknowledged, to be delivered again.
func ExampleFeed_Run() {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Acme")
	srv.AddContact(loc.ID, map[string]any{"firstName": "Ada"})
	c, _ := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token))

	dir, _ := os.MkdirTemp("", "checkpoints")
	defer os.RemoveAll(dir)
	store, err := feed.NewFileStore(dir) // survives restarts
	if err != nil {
		panic(err)
	}
	f, _ := feed.New("contacts/"+loc.ID, feed.Contacts(c, loc.ID, nil),
		feed.WithStore(store),
		feed.WithInterval(feed.MinInterval), feed.WithJitter(0), // the first cycle at once
		feed.WithBudget(20), // at most 20 requests per cycle
		feed.WithLogger(slog.New(slog.DiscardHandler)))

	ctx, stop := context.WithCancel(context.Background())
	err = f.Run(ctx, func(ctx context.Context, ch feed.Change[ghl.Contact]) error {
		fmt.Println(ch.Kind, ch.ID != "", ch.Record.FirstName)
		stop() // a real handler writes to the other system and returns
		return nil
	})
	fmt.Println(err)
	// Output:
	// created true Ada
	// context canceled
}

// A snapshot feed over any list: here an in-memory one. The checkpoint
// holds (ID, 8-byte hash) pairs, so deletions are seen too.
func ExampleSnapshot() {
	type row struct{ ID, Name string }
	rows := []row{{"1", "one"}, {"2", "two"}}
	src := &feed.Snapshot[row]{
		Name: "rows",
		Read: feed.FromList(func(context.Context) ([]row, *ghl.Response, error) {
			return rows, nil, nil
		}),
		ID: func(r *row) string { return r.ID },
	}
	f, _ := feed.New("rows", src, feed.WithLogger(slog.New(slog.DiscardHandler)))
	poll := func() {
		for ch, err := range f.Poll(context.Background()) {
			if err != nil {
				panic(err)
			}
			fmt.Println(ch.Kind, ch.ID)
		}
	}
	poll()
	rows = []row{{"2", "TWO"}, {"3", "three"}}
	poll()
	fmt.Println(f.Stats().CheckpointEntries, "entries,", f.Stats().CheckpointBytes, "bytes")
	// Output:
	// created 1
	// created 2
	// updated 2
	// created 3
	// deleted 1
	// 2 entries, 33 bytes
}
