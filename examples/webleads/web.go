package main

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// maxSlots is how many free slots the thank-you page offers.
const maxSlots = 6

// app serves the lead form and the JSON API.
type app struct {
	client                 *ghl.Client
	locationID, calendarID string
	assignTo, tag          string
	write                  bool
	locks                  keyLocks
	key                    []byte // signs the booking links of the thank-you page
}

func newApp(client *ghl.Client, cfg config) *app {
	return &app{
		client: client, locationID: cfg.locationID, calendarID: cfg.calendarID,
		assignTo: cfg.assignTo, tag: cfg.tag, write: cfg.write, key: []byte(rand.Text()),
	}
}

// lead is one submission, from the form or the JSON API.
type lead struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Email     string `json:"email"`
	Phone     string `json:"phone"`
	Message   string `json:"message"`
}

// leadResult is what a submission did (the JSON API's answer).
type leadResult struct {
	ContactID string      `json:"contactId,omitempty"`
	Created   bool        `json:"created"`
	TaskID    string      `json:"taskId,omitempty"`
	Slots     []time.Time `json:"slots,omitempty"`
	BookToken string      `json:"bookToken,omitempty"` // pass back to POST /api/book
	ReadOnly  bool        `json:"readOnly,omitempty"`  // nothing was saved
}

func (a *app) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		a.render(w, http.StatusOK, "form", formPage{})
	})
	mux.HandleFunc("POST /leads", a.postLeadForm)
	mux.HandleFunc("POST /book", a.postBookForm)
	mux.HandleFunc("POST /api/leads", a.postLeadJSON)
	mux.HandleFunc("POST /api/book", a.postBookJSON)
	return securityHeaders(mux)
}

func (a *app) postLeadForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		a.fail(w, r, &fieldError{Msg: "The form could not be read; please try again."})
		return
	}
	l := &lead{}
	for k, p := range map[string]*string{"firstName": &l.FirstName, "lastName": &l.LastName,
		"email": &l.Email, "phone": &l.Phone, "message": &l.Message} {
		*p = r.PostForm.Get(k)
	}
	var fe *fieldError
	if err := l.validate(); errors.As(err, &fe) {
		a.render(w, http.StatusBadRequest, "form", formPage{Lead: *l, Err: fe})
		return
	}
	res, err := a.saveLead(r.Context(), l)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, http.StatusOK, "thanks", thanksPage{Lead: *l, Result: res})
}

func (a *app) postLeadJSON(w http.ResponseWriter, r *http.Request) {
	l := &lead{}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(l); err != nil {
		a.fail(w, r, &fieldError{Msg: "The body must be a JSON object such as {\"email\": \"...\"}."})
		return
	}
	if err := l.validate(); err != nil {
		a.fail(w, r, err)
		return
	}
	res, err := a.saveLead(r.Context(), l)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// booking is a request to book a slot offered on the thank-you page.
type booking struct {
	ContactID string `json:"contactId"`
	Token     string `json:"bookToken"`
	Slot      string `json:"slot"`
}

func (a *app) bookSlot(ctx context.Context, b booking) (*ghl.Appointment, error) {
	if !hmac.Equal([]byte(b.Token), []byte(a.sign(b.ContactID))) {
		return nil, &fieldError{Field: "bookToken", Msg: "This booking link is not valid (or the server restarted); please submit the form again."}
	}
	start, err := time.Parse(time.RFC3339, b.Slot)
	if err != nil {
		return nil, &fieldError{Field: "slot", Msg: "Pick one of the offered times."}
	}
	return a.book(ctx, b.ContactID, start)
}

func (a *app) postBookForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	_ = r.ParseForm() // a bad form fails the token check
	ap, err := a.bookSlot(r.Context(), booking{r.PostForm.Get("contactId"), r.PostForm.Get("bookToken"), r.PostForm.Get("slot")})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, http.StatusOK, "booked", ap)
}

func (a *app) postBookJSON(w http.ResponseWriter, r *http.Request) {
	var b booking
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&b); err != nil {
		a.fail(w, r, &fieldError{Msg: "The body must be a JSON object with contactId, bookToken and slot."})
		return
	}
	ap, err := a.bookSlot(r.Context(), b)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"appointmentId": ap.ID, "startTime": ap.StartTime.Time})
}

// fieldError is bad input: a 400 naming the field.
type fieldError struct{ Field, Msg string }

func (e *fieldError) Error() string { return e.Field + ": " + e.Msg }

var phoneRE = regexp.MustCompile(`^\+?[0-9]{7,15}$`)

// validate trims and normalizes the lead and reports its first bad field.
func (l *lead) validate() error {
	for _, p := range []*string{&l.FirstName, &l.LastName, &l.Email, &l.Phone, &l.Message} {
		*p = strings.TrimSpace(*p)
	}
	l.Email = strings.ToLower(l.Email)
	l.Phone = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "").Replace(l.Phone)
	switch {
	case len(l.FirstName) > 100:
		return &fieldError{"firstName", "The first name is too long (100 characters at most)."}
	case len(l.LastName) > 100:
		return &fieldError{"lastName", "The last name is too long (100 characters at most)."}
	case l.Email == "" && l.Phone == "":
		return &fieldError{"email", "Enter an email address or a phone number so we can reach you."}
	case l.Email != "" && !validEmail(l.Email):
		return &fieldError{"email", "That email address does not look right (like name@example.com)."}
	case l.Phone != "" && !phoneRE.MatchString(l.Phone):
		return &fieldError{"phone", "That phone number does not look right (7 to 15 digits, like +1 555 555 0123)."}
	case len(l.Message) > 2000:
		return &fieldError{"message", "The message is too long (2000 characters at most)."}
	}
	return nil
}

func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

func (l *lead) displayName() string {
	if n := strings.TrimSpace(l.FirstName + " " + l.LastName); n != "" {
		return n
	}
	return cmp.Or(l.Email, l.Phone)
}

func (l *lead) taskBody() string {
	b := l.displayName() + " submitted the web form"
	if l.Message != "" {
		b += ":\n\n" + l.Message
	}
	return b
}

// fail answers an error: a 400 naming the field for bad input, else a
// friendly message for HighLevel's error (logged in full: the SDK's errors
// never carry a token). JSON for /api/, an HTML page otherwise.
func (a *app) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, field, ref := friendly(err)
	if status >= 500 || status == http.StatusUnprocessableEntity {
		log.Printf("%s %s: %v", r.Method, r.URL.Path, err)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, status, struct {
			Error     string `json:"error"`
			Field     string `json:"field,omitempty"`
			Reference string `json:"reference,omitempty"` // HighLevel's trace ID
		}{msg, field, ref})
		return
	}
	a.render(w, status, "error", errorPage{Message: msg, Reference: ref})
}

// friendly maps an error to a status, a message for the person, the bad
// field (for bad input) and HighLevel's trace ID (for support).
func friendly(err error) (status int, msg, field, ref string) {
	var fe *fieldError
	var api *ghl.APIError
	if errors.As(err, &api) {
		ref = api.TraceID
	}
	switch {
	case errors.As(err, &fe):
		return http.StatusBadRequest, fe.Msg, fe.Field, ""
	case errors.Is(err, errReadOnly):
		return http.StatusForbidden, "This demo is read-only, so nothing was booked.", "", ""
	case errors.Is(err, ghl.ErrRateLimited):
		return http.StatusServiceUnavailable, "We are receiving a lot of requests right now. Please try again in a minute.", "", ref
	case errors.Is(err, ghl.ErrUnauthorized), errors.Is(err, ghl.ErrForbidden):
		return http.StatusBadGateway, "This form is not connected to our CRM correctly, so your details were not saved. Please contact us another way.", "", ref
	case errors.Is(err, ghl.ErrNotFound):
		return http.StatusBadGateway, "Our CRM could not find the calendar or record this form uses. Please contact us another way.", "", ref
	case api != nil && (api.StatusCode == http.StatusBadRequest || api.StatusCode == http.StatusUnprocessableEntity):
		return http.StatusUnprocessableEntity, "Our CRM did not accept this: " + api.Message + ". Please check your details (or pick another time) and try again.", "", ref
	case errors.Is(err, ghl.ErrOutcomeUnknown), errors.Is(err, ghl.ErrServer), errors.Is(err, context.DeadlineExceeded), isRequestError(err):
		return http.StatusServiceUnavailable, "We could not reach our CRM. Please submit again in a moment: you will not be signed up twice.", "", ref
	}
	return http.StatusInternalServerError, "Something went wrong on our side. Please try again later.", "", ref
}

func isRequestError(err error) bool {
	var re *ghl.RequestError
	return errors.As(err, &re)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		h.ServeHTTP(w, r)
	})
}

// sign is the booking token of a contact: only the thank-you page of its
// own submission can book for it.
func (a *app) sign(contactID string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(contactID))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// keyLocks serializes work per key (an email, a phone) within this process.
// With several instances, use a shared lock instead (a Redis lock, say).
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	refs int
}

// lock locks every non-empty key (those ending in ":" are empty), in sorted
// order so that two callers never deadlock, and returns the unlock.
func (k *keyLocks) lock(keys ...string) (unlock func()) {
	keys = slices.DeleteFunc(slices.Clone(keys), func(s string) bool { return strings.HasSuffix(s, ":") })
	slices.Sort(keys)
	keys = slices.Compact(keys)
	held := make([]*keyLock, len(keys))
	for i, key := range keys {
		k.mu.Lock()
		if k.m == nil {
			k.m = map[string]*keyLock{}
		}
		l := k.m[key]
		if l == nil {
			l = &keyLock{}
			k.m[key] = l
		}
		l.refs++
		k.mu.Unlock()
		l.Lock()
		held[i] = l
	}
	return func() {
		for i := len(held) - 1; i >= 0; i-- {
			held[i].Unlock()
			k.mu.Lock()
			if held[i].refs--; held[i].refs == 0 {
				delete(k.m, keys[i])
			}
			k.mu.Unlock()
		}
	}
}
