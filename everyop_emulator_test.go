package ghl_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// TestEveryOperationThroughSDKOnEmulator calls every generated method of
// the SDK (testdata/operations.csv) that the emulator answers from the
// spec's examples (the stateful ones are the integration tests' job). The two are written
// independently (the SDK from the generator's model and overrides, the
// emulator from its own reading of the specs), so agreement here means:
// the SDK sends the method, path, Version and token class the spec
// declares, with its required fields, and decodes what a spec-shaped
// server answers. Arguments are built by reflection from each method's
// signature: strings for path and required query parameters, and the
// request body from the generated example payload.
func TestEveryOperationThroughSDKOnEmulator(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer(ghltest.WithRateLimit(1_000_000, time.Second, 10_000_000))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Every Operation")
	locClient := emulatorClient(t, srv, loc.Token)
	coClient := emulatorClient(t, srv, srv.IssueCompanyToken(loc.CompanyID))
	kinds := map[string]string{}
	specs := map[string]string{}
	fromSpec := map[string]bool{}
	for _, r := range srv.Routes() {
		kinds[r.Method+" "+r.Path] = r.TokenKind
		specs[r.Method+" "+r.Path] = strings.TrimSuffix(r.SpecFile, ".json")
		fromSpec[r.Method+" "+r.Path] = r.Answer == "example"
	}

	f, err := os.Open("testdata/operations.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var failures []string
	called := 0
	for _, row := range rows[1:] {
		svc, method, opID, httpMethod, path := row[0], row[1], row[2], row[3], row[4]
		if svc == "OAuth" {
			continue // the hand-written OAuth code, tested on its own
		}
		key := httpMethod + " " + path
		if !fromSpec[key] {
			continue // stateful: the integration tests call it on real records
		}
		client := locClient
		if kinds[key] == "agency" {
			client = coClient
		}
		err := callOperation(t.Context(), client, svc, method, filepath.Join("testdata", specs[key], opID+".request.json"), loc.ID)
		called++
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s.%s (%s): %v", svc, method, key, err))
		}
	}
	sort.Strings(failures)
	if len(failures) > 0 {
		t.Errorf("%d of %d operations failed through the SDK on the emulator:\n\t%s", len(failures), called, strings.Join(failures, "\n\t"))
	}
	if called < 380 {
		t.Errorf("called %d operations, want every one answered from the spec (383)", called)
	}
}

// callOperation calls client.<svc>.<method> with arguments built from its
// signature and returns its error (nil when the call succeeded).
func callOperation(ctx context.Context, client *ghl.Client, svc, method, bodyFile, locationID string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	field := reflect.ValueOf(client).Elem().FieldByName(svc)
	if !field.IsValid() {
		return fmt.Errorf("client has no service %s", svc)
	}
	m := field.MethodByName(method)
	if !m.IsValid() {
		return fmt.Errorf("%s has no method %s", svc, method)
	}
	mt := m.Type()
	args := []reflect.Value{reflect.ValueOf(ctx)}
	for i := 1; i < mt.NumIn(); i++ {
		in := mt.In(i)
		v, err := argument(in, i, bodyFile, locationID)
		if err != nil {
			return err
		}
		args = append(args, v)
	}
	out := m.Call(args)
	if e, _ := out[len(out)-1].Interface().(error); e != nil {
		return e
	}
	if len(out) == 3 && out[0].Kind() == reflect.Pointer && out[0].IsNil() {
		return errors.New("nil result with a nil error")
	}
	return nil
}

// argument is the value of one parameter: a string ID, a number, a list,
// the request body decoded from the generated example, or a nil options
// pointer.
func argument(in reflect.Type, i int, bodyFile, locationID string) (reflect.Value, error) {
	switch in.Kind() {
	case reflect.String:
		return reflect.ValueOf(fmt.Sprintf("arg%d", i)).Convert(in), nil
	case reflect.Int, reflect.Int64, reflect.Float64:
		return reflect.ValueOf(1).Convert(in), nil
	case reflect.Bool:
		return reflect.ValueOf(true), nil
	case reflect.Slice:
		if in.Elem().Kind() == reflect.String {
			return reflect.ValueOf([]string{"a"}).Convert(in), nil
		}
		return reflect.MakeSlice(in, 0, 0), nil
	case reflect.Pointer:
		v := reflect.New(in.Elem())
		if strings.HasSuffix(in.Elem().Name(), "Options") || in.Elem().Kind() != reflect.Struct {
			if in.Elem().Kind() == reflect.Bool {
				v.Elem().SetBool(true)
				return v, nil
			}
			return reflect.Zero(in), nil
		}
		data, err := os.ReadFile(bodyFile)
		if err != nil {
			return v, nil // a body without an example: the zero body
		}
		if err := json.Unmarshal(data, v.Interface()); err != nil {
			return v, fmt.Errorf("example body %s: %w", bodyFile, err)
		}
		return v, nil
	}
	return reflect.Zero(in), nil
}
