package main

import (
	"bytes"
	"html/template"
	"log"
	"net/http"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// The pages. html/template escapes every value by context.
type formPage struct {
	Lead lead
	Err  *fieldError
}

type thanksPage struct {
	Lead   lead
	Result *leadResult
}

type errorPage struct{ Message, Reference string }

var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"slot":    func(t time.Time) string { return t.Format("Mon 2 Jan, 15:04 (MST)") },
	"rfc3339": func(t time.Time) string { return t.Format(time.RFC3339) },
	"when":    func(ts ghl.Timestamp) string { return ts.Format("Monday 2 January 2006 at 15:04 (MST)") },
	"bad":     func(e *fieldError, field string) bool { return e != nil && e.Field == field },
	"field": func(e *fieldError, name, label, typ, value, auto string) fieldArgs {
		return fieldArgs{e, name, label, typ, value, auto}
	},
}).Parse(`
{{define "top"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#222}
label{display:block;margin-top:.8rem;font-weight:600}
input,textarea{width:100%;padding:.45rem;font:inherit;box-sizing:border-box}
.bad input,.bad textarea{border:2px solid #c00}.err{color:#c00}
button{margin-top:1rem;padding:.5rem 1.2rem;font:inherit}.slots label{font-weight:normal}
.slots input{width:auto}
</style></head><body>{{end}}
{{define "bottom"}}</body></html>{{end}}

{{define "field"}}<div class="{{if bad .Err .Name}}bad{{end}}"><label for="{{.Name}}">{{.Label}}</label>
<input id="{{.Name}}" name="{{.Name}}" type="{{.Type}}" value="{{.Value}}" autocomplete="{{.Auto}}"
 {{if bad .Err .Name}}aria-invalid="true" aria-describedby="{{.Name}}-err"{{end}}>
{{if bad .Err .Name}}<p class="err" id="{{.Name}}-err">{{.Err.Msg}}</p>{{end}}</div>{{end}}

{{define "form"}}{{template "top" "Talk to us"}}
<h1>Talk to us</h1>
<p>Leave your details and we will get back to you within a day.</p>
{{if and .Err (not .Err.Field)}}<p class="err" role="alert">{{.Err.Msg}}</p>{{end}}
<form id="lead" method="post" action="/leads" novalidate>
{{template "field" (field .Err "firstName" "First name" "text" .Lead.FirstName "given-name")}}
{{template "field" (field .Err "lastName" "Last name" "text" .Lead.LastName "family-name")}}
{{template "field" (field .Err "email" "Email" "email" .Lead.Email "email")}}
{{template "field" (field .Err "phone" "Phone" "tel" .Lead.Phone "tel")}}
<div class="{{if bad .Err "message"}}bad{{end}}"><label for="message">What can we help with?</label>
<textarea id="message" name="message" rows="4">{{.Lead.Message}}</textarea>
{{if bad .Err "message"}}<p class="err">{{.Err.Msg}}</p>{{end}}</div>
<button type="submit">Send</button>
</form>
{{template "bottom"}}{{end}}

{{define "thanks"}}{{template "top" "Thank you"}}
<h1 id="thanks">Thank you{{with .Lead.FirstName}}, {{.}}{{end}}!</h1>
{{if .Result.ReadOnly}}<p>This demo is read-only: your details were checked{{if .Result.ContactID}} (we know you already){{end}}, not saved.</p>
{{else}}<p>{{if .Result.Created}}We have your details{{else}}We have updated your details{{end}} and will be in touch soon.</p>{{end}}
{{with .Result.Slots}}
<form id="book" method="post" action="/book">
<p>Or pick a time for a short intro call:</p>
<input type="hidden" name="contactId" value="{{$.Result.ContactID}}">
<input type="hidden" name="bookToken" value="{{$.Result.BookToken}}">
<div class="slots">{{range $i, $s := .}}
<label><input type="radio" name="slot" value="{{rfc3339 $s}}"{{if eq $i 0}} checked{{end}}> {{slot $s}}</label>{{end}}
</div>
<button type="submit"{{if $.Result.ReadOnly}} disabled{{end}}>Book this time</button>
</form>{{end}}
{{template "bottom"}}{{end}}

{{define "booked"}}{{template "top" "Booked"}}
<h1 id="booked">You are booked</h1>
<p>See you on {{when .StartTime}}.</p>
{{template "bottom"}}{{end}}

{{define "error"}}{{template "top" "Sorry"}}
<h1>Sorry</h1>
<p class="err" role="alert">{{.Message}}</p>
{{with .Reference}}<p><small>Reference: {{.}}</small></p>{{end}}
<p><a href="/">Back to the form</a></p>
{{template "bottom"}}{{end}}
`))

// fieldArgs are the arguments of the "field" template.
type fieldArgs struct {
	Err                            *fieldError
	Name, Label, Type, Value, Auto string
}

// render writes a page; it renders into a buffer first so that a template
// error becomes a clean 500, never half a page.
func (a *app) render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		log.Printf("render %s: %v", name, err)
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}
