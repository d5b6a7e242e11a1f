package ghltest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestWebhooksIdleWriteAllocatesNothing pins that, with no URL registered,
// the emit hooks on the write paths allocate nothing.
func TestWebhooksIdleWriteAllocatesNothing(t *testing.T) {
	s := NewHandler()
	c := &contact{enc: []byte(`{"id":"x"}`), doc: contactDoc{Tags: []string{"a"}}}
	d := contactDoc{Tags: []string{"b"}}
	tk := &task{ID: "t"}
	r := &record{doc: map[string]any{"id": "o"}, enc: []byte(`{"id":"o"}`)}
	n := testing.AllocsPerRun(100, func() {
		s.emit("ContactCreate", "loc", c.enc)
		s.emitValue("TaskCreate", "loc", tk)
		s.emitNested("AppointmentCreate", "loc", "appointment", r.enc)
		s.emitRecord(recUpdate, opportunityKind, "loc", r.doc, r)
		s.emitContactChange(s.contactEvents(&c.doc, &d), c)
	})
	if n != 0 {
		t.Errorf("%v allocations per idle write, want 0", n)
	}
	// Registered, the same edit is classified (a tags-only change).
	s.RegisterWebhook("http://127.0.0.1:1/hook", "NoEvent")
	defer s.Close()
	if s.contactEvents(&c.doc, &d) != changedTags {
		t.Errorf("a tag edit is not a tag change")
	}
}

// TestWebhooksQueueLimit fills a small queue behind a receiver that holds
// the first delivery: what does not fit is logged undelivered, the rest is
// delivered once the receiver lets go.
func TestWebhooksQueueLimit(t *testing.T) {
	s := NewHandler()
	defer s.Close()
	hold, arrived := make(chan struct{}), make(chan struct{}, 8)
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-hold
	}))
	defer sink.Close()
	s.RegisterWebhook(sink.URL)
	w := s.wh.Load()
	w.mu.Lock()
	w.limit = 2
	w.mu.Unlock()
	enc := []byte(`{"id":"x"}`)
	s.emit("ContactCreate", "loc", enc)
	<-arrived // the worker holds the first; the queue is empty
	for range 3 {
		s.emit("ContactUpdate", "loc", enc)
	}
	d := s.WebhookDeliveries()
	if len(d) != 1 || d[0].Event != "ContactUpdate" || d[0].Delivered || d[0].Err != errQueueFull || d[0].Attempts != 0 {
		t.Fatalf("log while full: %+v", d)
	}
	close(hold)
	if err := s.FlushWebhooks(context.Background()); err != nil {
		t.Fatal(err)
	}
	delivered := 0
	for _, x := range s.WebhookDeliveries() {
		if x.Delivered {
			delivered++
		}
	}
	if delivered != 3 {
		t.Errorf("%d delivered, want 3 (1 held + 2 queued)", delivered)
	}
}
