package ghl_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// The examples run against the ghltest emulator so that they are checked by
// go test; against HighLevel, drop WithBaseURL and pass a real token.

func ExampleNewClient() {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Example")

	client, err := ghl.NewClient(
		ghl.WithAccessToken(loc.Token), // a Private Integration token
		ghl.WithBaseURL(srv.URL),       // omit for services.leadconnectorhq.com
		ghl.WithUserAgent("my-sync/1.0"),
	)
	if err != nil {
		log.Fatal(err)
	}
	c, _, err := client.Contacts.Create(context.Background(), &ghl.ContactCreateRequest{
		LocationID: loc.ID,
		FirstName:  ghl.Ptr("Jane"),
		Email:      ghl.Ptr("jane@example.com"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.FirstName, c.Email)
	// Output: Jane jane@example.com
}

func ExampleContactsService_Upsert() {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Example")
	srv.AddContact(loc.ID, map[string]any{"firstName": "Jane", "email": "jane@example.com"})
	client, _ := ghl.NewClient(ghl.WithAccessToken(loc.Token), ghl.WithBaseURL(srv.URL))

	// A web-form lead: create the contact, or update the one with this email.
	res, _, err := client.Contacts.Upsert(context.Background(), &ghl.ContactUpsertRequest{
		LocationID: loc.ID,
		Email:      ghl.Ptr("jane@example.com"),
		Phone:      ghl.Ptr("+15555550123"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new:", res.New, "phone:", res.Contact.Phone)
	// Output: new: false phone: +15555550123
}

func ExampleContactsService_SearchIter() {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Example")
	srv.SeedContacts(loc.ID, 250)
	client, _ := ghl.NewClient(ghl.WithAccessToken(loc.Token), ghl.WithBaseURL(srv.URL))

	n := 0
	for c, err := range client.Contacts.SearchIter(context.Background(), &ghl.ContactSearchRequest{LocationID: loc.ID, PageLimit: 100}) {
		if err != nil {
			log.Fatal(err)
		}
		_ = c.Email
		n++
	}
	fmt.Println(n, "contacts")
	// Output: 250 contacts
}

func ExampleContactsService_CreateTask() {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Example")
	id := srv.AddContact(loc.ID, map[string]any{"firstName": "Jane"})
	client, _ := ghl.NewClient(ghl.WithAccessToken(loc.Token), ghl.WithBaseURL(srv.URL))
	ctx := context.Background()

	task, _, err := client.Contacts.CreateTask(ctx, id, &ghl.TaskCreateRequest{
		Title:   "Call back",
		DueDate: ghl.Timestamp{Time: time.Date(2030, 1, 2, 15, 0, 0, 0, time.UTC)},
	})
	if err != nil {
		log.Fatal(err)
	}
	task, _, err = client.Contacts.CompleteTask(ctx, id, task.ID, &ghl.TaskCompletedRequest{Completed: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.Title, task.DueDate.Format(time.RFC3339), task.Completed)
	// Output: Call back 2030-01-02T15:00:00Z true
}

func ExampleAPIError() {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("Example")
	client, _ := ghl.NewClient(ghl.WithAccessToken(loc.Token), ghl.WithBaseURL(srv.URL))

	_, _, err := client.Contacts.Get(context.Background(), "noSuchContact0000000")
	var apiErr *ghl.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, errors.Is(err, ghl.ErrNotFound), apiErr.Operation)
	}
	// Output: 404 true Contacts.Get
}

func ExampleArgError() {
	client, _ := ghl.NewClient(ghl.WithAccessToken("pit-example"))
	// Nothing is sent: an empty ID would address another endpoint.
	_, _, err := client.Contacts.Get(context.Background(), "")
	fmt.Println(err)
	fmt.Println(errors.Is(err, ghl.ErrInvalidArgument))
	// Output:
	// ghl: Contacts.Get: contactId is empty
	// true
}
