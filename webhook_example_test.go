package ghl_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// A webhook endpoint: the verifier's Handler checks the signature over the
// raw body, the timestamp window and the webhookId before the callback runs.
// Against HighLevel, drop WithWebhookPublicKey: the verifier trusts
// HighLevel's published key by default.
func ExampleWebhookVerifier_Handler() {
	srv := ghltest.NewServer() // signs webhooks with its own Ed25519 key
	defer srv.Close()

	verifier, err := ghl.NewWebhookVerifier(ghl.WithWebhookPublicKey(srv.WebhookPublicKey()))
	if err != nil {
		log.Fatal(err)
	}
	endpoint := verifier.Handler(func(ctx context.Context, ev *ghl.WebhookEvent) error {
		switch ev.Type {
		case ghl.WebhookContactCreate:
			c, err := ev.Contact()
			if err != nil {
				return err // answered 500: HighLevel retries
			}
			fmt.Println("new contact:", c.Email, "in", c.LocationID)
		}
		return nil
	})
	app := httptest.NewServer(endpoint) // your https://myapp.example/ghl/webhooks
	defer app.Close()

	ctx := context.Background()
	body, _ := srv.WebhookBody(map[string]any{ // stamps timestamp and webhookId
		"type": "ContactCreate", "locationId": "ve9EPM428h8vShlRW1KT",
		"id": "nmFmQEsNgz6AVpgLVUJ0", "email": "jane@example.com",
	})
	for range 2 { // HighLevel delivers at least once: the second is a duplicate
		resp, err := srv.PostWebhook(ctx, app.URL, body)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}

	// Bytes altered after signing never reach the callback.
	tampered := bytes.Replace(body, []byte("jane@"), []byte("mallory@"), 1)
	req, _ := http.NewRequest("POST", app.URL, bytes.NewReader(tampered))
	req.Header.Set(ghl.WebhookSignatureHeader, srv.SignWebhook(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// new contact: jane@example.com in ve9EPM428h8vShlRW1KT
	// 200
	// 200
	// 401
}

// Route a verified event on its type, then read it with the typed decoder
// of its family; a decoder given another family's event returns a
// *ghl.WebhookTypeError.
func ExampleWebhookEvent_Opportunity() {
	srv := ghltest.NewServer()
	defer srv.Close()
	verifier, err := ghl.NewWebhookVerifier(ghl.WithWebhookPublicKey(srv.WebhookPublicKey()))
	if err != nil {
		log.Fatal(err)
	}
	body, _ := srv.WebhookBody(map[string]any{
		"type": "OpportunityStatusUpdate", "locationId": "ve9EPM428h8vShlRW1KT",
		"id": "wWhVuzqpRuOA1ZVWi4FC", "status": "won", "monetaryValue": 1250.5,
	})
	header := http.Header{}
	header.Set(ghl.WebhookSignatureHeader, srv.SignWebhook(body))
	ev, err := verifier.Verify(context.Background(), header, body)
	if err != nil {
		log.Fatal(err)
	}

	switch ev.Type {
	case ghl.WebhookOpportunityStatusUpdate, ghl.WebhookOpportunityMonetaryValueUpdate:
		o, err := ev.Opportunity()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s is %s (%.2f)\n", o.ID, o.Status, o.MonetaryValue)
	case ghl.WebhookInboundMessage:
		m, _ := ev.Message()
		fmt.Println("message:", m.Body)
	}

	_, err = ev.Message()
	var wrong *ghl.WebhookTypeError
	fmt.Println(errors.As(err, &wrong), wrong.Want)
	// Output:
	// wWhVuzqpRuOA1ZVWi4FC is won (1250.50)
	// true a message
}
