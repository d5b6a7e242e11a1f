package ghltest

import "testing"

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
		s.emitRecord(recUpdate, opportunityKind, "loc", r)
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
