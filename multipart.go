package ghl

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"reflect"
	"strconv"
	"strings"
)

// Upload is one file sent with a multipart request, such as a message
// attachment ([ConversationsService.UploadFileAttachments]).
type Upload struct {
	// Field is the form field the file is sent under; empty uses the
	// operation's (fileAttachment for message attachments).
	Field string
	// Filename is the file's name as HighLevel will show it.
	Filename string
	// ContentType is the file's MIME type; empty sends
	// application/octet-stream.
	ContentType string
	// Data is the file's content.
	Data []byte
}

// multipartBody is a request body sent as multipart/form-data: its fields
// (from their json tags) and its files.
type multipartBody interface {
	multipartFiles() (defaultField string, files []Upload)
}

// encodeMultipart writes the form of a multipart request body: every
// exported field with a json tag as a form field (lists as repeated
// fields, nil pointers and empty values left out), then the files. It is
// written in full, so that a retry can send it again.
func encodeMultipart(body multipartBody) (string, []byte, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	v := reflect.ValueOf(body)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", nil, errors.New("nil body")
		}
		v = v.Elem()
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		for _, s := range formValues(v.Field(i)) {
			if err := w.WriteField(name, s); err != nil {
				return "", nil, err
			}
		}
	}
	field, files := body.multipartFiles()
	for _, up := range files {
		name := up.Field
		if name == "" {
			name = field
		}
		ct := up.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		h := make(textproto.MIMEHeader)
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, name, up.Filename))
		h.Set("Content-Type", ct)
		part, err := w.CreatePart(h)
		if err != nil {
			return "", nil, err
		}
		if _, err := part.Write(up.Data); err != nil {
			return "", nil, err
		}
	}
	if err := w.Close(); err != nil {
		return "", nil, err
	}
	return w.FormDataContentType(), buf.Bytes(), nil
}

// formValues is a field's text for a form: nothing for nil or zero.
func formValues(v reflect.Value) []string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return formValues(v.Elem())
	case reflect.Slice:
		var out []string
		for i := range v.Len() {
			out = append(out, formValues(v.Index(i))...)
		}
		return out
	case reflect.String:
		if v.String() == "" {
			return nil
		}
		return []string{v.String()}
	case reflect.Bool:
		return []string{strconv.FormatBool(v.Bool())}
	case reflect.Int, reflect.Int64:
		return []string{strconv.FormatInt(v.Int(), 10)}
	case reflect.Float64:
		return []string{strconv.FormatFloat(v.Float(), 'f', -1, 64)}
	}
	return nil
}
