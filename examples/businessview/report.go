package main

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// printReport writes the view as plain text.
func printReport(w io.Writer, v *businessView) {
	b := v.Business
	fmt.Fprintf(w, "%s (business %s)\n", b.Name, b.ID)
	if d := details(b); d != "" {
		fmt.Fprintf(w, "  %s\n", d)
	}
	fmt.Fprintf(w, "  %d contact(s)\n", len(v.Contacts))
	for _, cv := range v.Contacts {
		c := cv.Contact
		fmt.Fprintf(w, "\n%s", contactName(c))
		if c.Email != "" {
			fmt.Fprintf(w, " <%s>", c.Email)
		}
		if c.Phone != "" {
			fmt.Fprintf(w, " %s", c.Phone)
		}
		fmt.Fprintln(w)
		for _, t := range cv.Tasks {
			fmt.Fprintf(w, "  open task    %s%s\n", t.Title, due(t))
		}
		for _, n := range cv.Notes {
			fmt.Fprintf(w, "  note         %s  %s\n", n.DateAdded.Local().Format(time.DateOnly), noteText(n))
		}
		for _, a := range cv.Appointments {
			fmt.Fprintf(w, "  appointment  %s  %s (%s)\n", when(a.StartTime), a.Title, a.AppointmentStatus)
		}
		for _, o := range cv.Opportunities {
			fmt.Fprintf(w, "  opportunity  %s: %.2f, %s\n", o.Name, o.MonetaryValue, o.Stage)
		}
		if cv.Empty() {
			fmt.Fprintf(w, "  nothing open, no notes\n")
		}
	}
}

// writeHTML writes the view as one page with its style inline, so it can be
// mailed or opened from disk. It holds contact data, hence 0600.
func writeHTML(path string, v *businessView) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := page.Execute(f, v); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func contactName(c *ghl.Contact) string {
	return cmp.Or(strings.TrimSpace(c.FirstName+" "+c.LastName), c.Name, c.Email, c.ID)
}

func details(b *ghl.Business) string {
	var parts []string
	for _, s := range []string{strings.Trim(b.City+", "+b.State, ", "), b.Phone, b.Email, b.Website} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

func due(t ghl.Task) string {
	if t.DueDate.IsZero() {
		return ""
	}
	return " (due " + when(t.DueDate) + ")"
}

func when(t ghl.Timestamp) string { return t.Local().Format("Mon 2 Jan 2006 15:04") }

// noteText is a note on one line: HighLevel keeps a plain-text copy of
// notes written in its editor, which may be HTML.
func noteText(n ghl.Note) string {
	s := strings.Join(strings.Fields(cmp.Or(n.BodyText, n.Body)), " ")
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return s
}

// page is the HTML view; html/template escapes every value, so a contact
// named "<script>" shows as text.
var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"name": contactName, "details": details, "due": due, "when": when, "note": noteText,
	"date": func(t ghl.Timestamp) string { return t.Local().Format(time.DateOnly) },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Business.Name}}: business view</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem} .muted{color:#666}
.contacts{display:grid;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));gap:1rem}
.card{border:1px solid #ddd;border-radius:8px;padding:.8rem 1rem}
.card h2{font-size:1.05rem;margin:0 0 .4rem} h3{font-size:.8rem;text-transform:uppercase;color:#777;margin:.6rem 0 .2rem}
ul{margin:0;padding-left:1.1rem}
</style></head>
<body>
<h1>{{.Business.Name}}</h1>
<p class="muted">{{details .Business}}{{with .Business.Description}}<br>{{.}}{{end}}</p>
<p>{{len .Contacts}} contact(s) · as of {{.Now.Format "Mon 2 Jan 2006 15:04"}}</p>
<div class="contacts">
{{- range .Contacts}}
<section class="card">
<h2>{{name .Contact}}</h2>
<div class="muted">{{.Contact.Email}} {{.Contact.Phone}}</div>
{{- with .Tasks}}<h3>Open tasks</h3><ul>{{range .}}<li>{{.Title}}{{due .}}</li>{{end}}</ul>{{end}}
{{- with .Notes}}<h3>Latest notes</h3><ul>{{range .}}<li><span class="muted">{{date .DateAdded}}</span> {{note .}}</li>{{end}}</ul>{{end}}
{{- with .Appointments}}<h3>Upcoming appointments</h3><ul>{{range .}}<li>{{when .StartTime}}: {{.Title}} ({{.AppointmentStatus}})</li>{{end}}</ul>{{end}}
{{- if .Empty}}<p class="muted">Nothing open, no notes.</p>{{end}}
{{- with .Opportunities}}<h3>Open opportunities</h3><ul>{{range .}}<li>{{.Name}}: {{printf "%.2f" .MonetaryValue}} <span class="muted">{{.Stage}}</span></li>{{end}}</ul>{{end}}
</section>
{{- end}}
</div>
</body></html>
`))

// countingTransport counts the HTTP requests the run makes, and the most in
// flight at once.
type countingTransport struct {
	base http.RoundTripper

	mu             sync.Mutex
	n, now, maxNow int64
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.n++
	t.now++
	t.maxNow = max(t.maxNow, t.now)
	t.mu.Unlock()
	defer func() { t.mu.Lock(); t.now--; t.mu.Unlock() }()
	return t.base.RoundTrip(req)
}

func (t *countingTransport) count() (n, peak int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n, t.maxNow
}
